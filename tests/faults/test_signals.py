"""Ctrl-C and SIGTERM (issue 12, item 5): a run stops within a few seconds (`kit.STOP_WITHIN`),
says what it did, exits with 130 (Ctrl-C) or 143 (SIGTERM), leaves no process behind, and the
next run goes on from there: what was done is skipped, not made again.

Ctrl-C is sent as a terminal sends it, to the whole process group (the workers too); SIGTERM
to the command's process only, as `kill` and service managers do.
"""

from __future__ import annotations

import re
import shutil
import signal
from pathlib import Path

import pytest
from faults.kit import (
    MINI,
    Moment,
    describe,
    manifest_problems,
    run_cli,
    run_killed,
    survivors,
    thumbnail_problems,
    unbundle,
)

BUILD = ["build", "--data", MINI, "--subject", "all", "--level", "all", "--year", "all",
         "--jobs", "2", "--no-progress"]
HOW = {"Ctrl-C": (signal.SIGINT, True, 130), "SIGTERM": (signal.SIGTERM, False, 143)}


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return int(found.group(1).replace(".", ""))


def stopped(run, code: int) -> None:
    assert run.killed
    assert run.returncode == code, (run.stdout, run.stderr)
    assert "Gestopt" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    left = survivors(run)
    assert not left, describe(left)


@pytest.mark.parametrize("how", HOW, ids=str)
def test_a_build_stops_on_a_signal_and_the_next_skips_what_it_built(tmp_path, how):
    sig, group, code = HOW[how]
    out = tmp_path / "out"
    run = run_killed([*BUILD, "--out", out], out, Moment("after 9 pages", files=9), sig=sig,
                     group=group)
    stopped(run, code)
    built = number(r"Gestopt na \d+ van 36 pagina's: (\d+) gebouwd", run.stderr)
    assert built >= 1
    again = run_cli([*BUILD, "--out", out])
    assert again.returncode == 0, again.stderr
    assert number(r"(\d+) overgeslagen", again.stdout) >= built
    assert manifest_problems(out) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    run = run_cli([*BUILD, "--out", out, "--no-verify", "--bundle"])
    assert run.returncode == 0, run.stderr
    return out


def test_bundle_stops_on_sigterm_and_keeps_the_files_it_made(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    unbundle(out)
    bundle = ["bundle", "--data", MINI, "--out", out]
    run = run_killed(bundle, out, Moment("after 2 bundle files", files=2,
                                         pattern="bundels/*/*.*"), sig=signal.SIGTERM)
    stopped(run, 143)
    made = number(r"Gestopt na (\d+) bundelbestand", run.stderr)
    again = run_cli(bundle)
    assert again.returncode == 0, again.stderr
    assert number(r"(\d+) ongewijzigd", again.stdout) >= made >= 1
    assert manifest_problems(out) == []


def test_preview_stops_on_ctrl_c_and_keeps_the_thumbnails_it_drew(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    preview = ["preview", "--data", MINI, "--out", out, "--jobs", "1"]
    run = run_killed(preview, out, Moment("after 5 thumbnails", files=5,
                                          pattern="preview/**/*.png"),
                     sig=signal.SIGINT, group=True)
    stopped(run, 130)
    drawn = number(r"Gestopt na (\d+) miniatu", run.stderr)
    again = run_cli(preview)
    assert again.returncode == 0, again.stderr
    assert number(r"(\d+) ongewijzigd", again.stdout) >= drawn >= 1
    assert thumbnail_problems(out) == []


def test_a_dry_run_stops_on_sigterm(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    send = ["send", "--data", MINI, "--out", out]
    run = run_killed(send, out, Moment("after 2 mails", files=2, pattern=".outbox.nieuw/*.eml"),
                     sig=signal.SIGTERM)
    stopped(run, 143)
    assert "proefrun is onvolledig" in run.stderr
    assert run_cli(send).returncode == 0
