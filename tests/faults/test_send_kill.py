"""A real send killed at any moment (issue 12, item 7): `infographics send --send` of the mini
edition against the local SMTP server (tests/mailtest.py), as a subprocess of its own session,
killed with SIGKILL at fixed moments of the SMTP conversation. The send writes its failure list
into the edition (verzending/failures.csv), so it holds the edition's lock.

After each kill: no process of the run is alive 10 s later; the next run succeeds; every address
got its mail exactly once, or got it at most once and the send log calls it uncertain; the
edition itself is untouched (verify passes, the manifest agrees with the disk).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from faults.kit import (
    MINI,
    REPO,
    command,
    describe,
    mail_problems,
    manifest_problems,
    run_cli,
    survivors,
)
from mailtest import SENDER, start_server

from infographics.data.read import load
from infographics.delivery.ledger import Ledger
from infographics.delivery.mailplan import contacts_from_table

SEND = ["send", "--data", MINI, "--send", "--smtp-host", "127.0.0.1", "--smtp-security", "none",
        "--from", SENDER, "--rate", "0", "--retry-delay", "0.01"]
MAILS = 8  # one per library with contacts (5), POI (2) and the national contacts


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    run = run_cli(["build", "--data", MINI, "--out", out, "--subject", "all", "--level", "all",
                   "--year", "all", "--jobs", "1", "--no-progress", "--no-verify", "--bundle"])
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture
def server():
    s = start_server()
    yield s
    s.stop()


def received(mailbox) -> list[tuple[str, str]]:
    """(address, Message-ID) of every message the server took."""
    return [(a, r.message()["Message-ID"]) for r in mailbox.received for a in r.rcpt_tos]


def addresses() -> set[str]:
    return {c.address for c in contacts_from_table(load(MINI).contacts)}


# (hook, message count): "mail" kills when the server is asked to take message n+1 (n are
# delivered and confirmed); "reply" kills after the server took message n, before it answers
MOMENTS = [("mail", 2), ("reply", 1), ("reply", 6)]


@pytest.mark.parametrize(("hook", "count"), MOMENTS, ids=lambda m: str(m))
def test_a_real_send_killed_at_any_moment_delivers_each_mail_once_or_calls_it_uncertain(
        built, server, tmp_path, hook, count):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    args = [*SEND, "--out", out, "--smtp-port", str(server.port)]
    proc = subprocess.Popen(command(*args), cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill(received: int) -> None:
        if received >= count and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()

    setattr(server.mailbox, f"before_{hook}", kill)
    assert proc.wait(timeout=120) == -signal.SIGKILL
    setattr(server.mailbox, f"before_{hook}", None)
    left = survivors(proc.pid)
    assert not left, describe(left)

    again = run_cli(args)
    assert again.returncode == 0, again.stderr
    with Ledger.read(Path(os.environ["INFOGRAPHICS_VERZENDLOG"])) as ledger:
        rows = ledger.rows()
    assert mail_problems(received(server.mailbox), [(r.address, r.message_id, r.status)
                                                    for r in rows], addresses()) == []
    # at most the one mail underway is uncertain (two addresses: bib-a's to and cc)
    assert Counter(r.status for r in rows)["uncertain"] <= 2
    assert manifest_problems(out) == []
    assert run_cli(["verify", out]).returncode == 0
    assert (out / "verzending" / "failures.csv").is_file()
