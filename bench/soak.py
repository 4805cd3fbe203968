"""Crash soak (issue 12): kill `infographics` again and again at seeded random moments and check
after every kill what the fault suite in tests/faults checks once per fixed moment.

    python bench/soak.py                      # 40 rounds on tests/fixtures/mini (~4 minutes)
    python bench/soak.py --rounds 200 --seed 7
    python bench/soak.py --sample --rounds 10 # the full sample edition (1.032 pages)

Each round picks, from a random generator seeded with --seed (the same seed, the same rounds):
a command (build with 2 processes, build --bundle, a rebuild after a data change, bundle,
preview, the dry run of send, a real send to a local SMTP server), a signal (mostly SIGKILL;
sometimes SIGTERM, or Ctrl-C to the process group) and a moment (after the n-th file of that
command appeared, or after a delay).
After the kill it checks: no process of the run alive 10 s later; no manifest row without its
file and no half file; the next run of the same command succeeds; `infographics verify` passes
and the manifest lists exactly the files on disk; the review sheet's thumbnails match; every
address got its mail exactly once, or at most once and the send log calls it uncertain. Prints a
line per round and a summary, appends them to bench/results/soak.txt; exits 1 when a round found
something.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fault kit is shared with the test suite

from faults.kit import (  # noqa: E402
    MINI,
    Moment,
    mail_problems,
    manifest_problems,
    run_cli,
    run_killed,
    survivors,
    thumbnail_problems,
    torn_files,
    unbundle,
)
from mailtest import SENDER, Mailbox, start_server  # noqa: E402

from infographics.data.read import load  # noqa: E402
from infographics.delivery.ledger import Ledger  # noqa: E402
from infographics.delivery.mailplan import contacts_from_table  # noqa: E402

SAMPLE = ROOT / "data" / "sample"
MAILBOX = Mailbox()  # the local SMTP server's: what arrived in this round
# how long a run about takes, for the delays: (a command that writes files, a real send)
SECONDS = {False: 4.0, True: 1.2}
SIGNALS = [(signal.SIGKILL, False)] * 6 + [(signal.SIGTERM, False), (signal.SIGINT, True)]
EXPECTED = {signal.SIGKILL: (-signal.SIGKILL,), signal.SIGTERM: (143,), signal.SIGINT: (130,)}


@dataclass(frozen=True)
class Command:
    name: str
    pattern: str  # the files whose appearance marks a moment
    most: int  # how many of them a run writes (the moments are drawn below this)
    prepare: Callable[[Path, Path, Path], list[str | Path]]  # (base, out, tmp) -> arguments


def _build(data: Path, *extra: str) -> Callable[[Path, Path, Path], list[str | Path]]:
    def prepare(base: Path, out: Path, tmp: Path) -> list[str | Path]:
        return ["build", "--data", data, "--out", out, "--subject", "all", "--level", "all",
                "--jobs", "2", "--no-progress", *extra]
    return prepare


def _on_copy(args: Callable[[Path, Path], list[str | Path]], before: Callable[[Path], None]
             | None = None) -> Callable[[Path, Path, Path], list[str | Path]]:
    def prepare(base: Path, out: Path, tmp: Path) -> list[str | Path]:
        shutil.copytree(base, out)
        if before:
            before(out)
        return args(out, tmp)
    return prepare


def _changed(data: Path, tmp: Path) -> Path:
    """The data with every library's name changed: every local page gets a new file name."""
    target = tmp / "changed-data"
    if not target.exists():
        shutil.copytree(data, target)
        path = target / "libraries.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("Bibliotheek ", "Bieb "),
                        encoding="utf-8")
    return target


def commands(data: Path, pages: int, bundle_files: int, smtp: int) -> list[Command]:
    def rebuild(out: Path, tmp: Path) -> list[str | Path]:
        return _build(_changed(data, tmp), "--bundle")(out, out, tmp)

    def send(out: Path, tmp: Path) -> list[str | Path]:
        os.environ["INFOGRAPHICS_VERZENDLOG"] = str(tmp / "verzendlog.sqlite")
        return ["send", "--data", data, "--out", out, "--send", "--smtp-host", "127.0.0.1",
                "--smtp-port", str(smtp), "--smtp-security", "none", "--from", SENDER,
                "--rate", "0", "--retry-delay", "0.01"]

    return [
        Command("build", "**/*.pdf", pages, _build(data)),
        Command("build --bundle", "bundels/*/*.*", bundle_files, _build(data, "--bundle")),
        Command("rebuild after a change", "**/*.pdf", pages, _on_copy(rebuild)),
        Command("bundle", "bundels/*/*.*", bundle_files,
                _on_copy(lambda out, tmp: ["bundle", "--data", data, "--out", out], unbundle)),
        Command("preview", "preview/**/*.png", pages,
                _on_copy(lambda out, tmp: ["preview", "--data", data, "--out", out,
                                           "--jobs", "2"])),
        Command("send (dry run)", "outbox/*.eml", 8,
                _on_copy(lambda out, tmp: ["send", "--data", data, "--out", out])),
        Command("send (SMTP)", "", 0, _on_copy(send)),
    ]


def send_problems(mailbox: Mailbox, data: Path) -> list[str]:
    """kit.mail_problems for this round's mailbox and send log."""
    with Ledger.read(Path(os.environ["INFOGRAPHICS_VERZENDLOG"])) as ledger:
        rows = [(r.address, r.message_id, r.status) for r in ledger.rows()]
    received = [(a, r.message()["Message-ID"]) for r in mailbox.received for a in r.rcpt_tos]
    return mail_problems(received, rows,
                         {c.address for c in contacts_from_table(load(data).contacts)})


def one_round(rng: random.Random, command: Command, base: Path,
              tmp: Path) -> tuple[str, list[str]]:
    """Run, kill, check, run again, check: what the round was, and what it found."""
    out = tmp / "out"
    args = command.prepare(base, out, tmp)
    sig, group = rng.choice(SIGNALS)
    if command.most and rng.random() < 0.8:
        n = rng.randint(1, command.most)
        moment = Moment(f"file {n}", files=n, pattern=command.pattern)
    else:
        delay = round(rng.uniform(0.2, SECONDS[command.most == 0]), 2)
        moment = Moment(f"{delay} s", delay=delay)
    run = run_killed(args, out, moment, sig=sig, group=group)
    found = []
    if run.killed and run.returncode not in EXPECTED[sig]:
        found.append(f"exit {run.returncode}, expected {EXPECTED[sig]}: {run.stderr[-300:]}")
    found += [f"still running: {pid}" for pid in survivors(run)]
    found += torn_files(out) if out.exists() else []
    again = run_cli(args)
    if again.returncode != 0:
        found.append(f"next run exit {again.returncode}: {again.stderr[-300:]}")
    elif run_cli(["verify", out]).returncode != 0:
        found.append("verify found problems")
    found += manifest_problems(out)
    if command.name == "preview" and again.returncode == 0:
        found += thumbnail_problems(out)
    if command.name == "send (SMTP)":
        found += send_problems(MAILBOX, Path(args[2]))
    label = (f"{command.name}, {signal.Signals(sig).name}{' (group)' if group else ''} at "
             f"{moment}" + ("" if run.killed else " (ended before that moment)"))
    return label, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--sample", action="store_true", help="the full sample edition")
    args = parser.parse_args()
    data, pages, bundle_files = (SAMPLE, 1032, 18) if args.sample else (MINI, 36, 8)
    if args.sample:
        SECONDS.update({False: 30.0, True: 8.0})
    rng = random.Random(args.seed)
    text = io.StringIO()

    def say(line: str) -> None:
        print(line, flush=True)
        text.write(line + "\n")

    say(f"Crash soak ({time.strftime('%Y-%m-%d %H:%M')}), seed {args.seed}, "
        f"{args.rounds} rounds, {'sample' if args.sample else 'mini'}")
    problems: Counter[str] = Counter()
    server = start_server(MAILBOX)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        base = tmp / "base"
        assert run_cli([*_build(data, "--bundle")(base, base, tmp)]).returncode == 0
        for n in range(1, args.rounds + 1):
            command = rng.choice(commands(data, pages, bundle_files, server.port))
            MAILBOX.received.clear()
            work = tmp / f"round{n}"
            work.mkdir()
            started = time.perf_counter()
            label, found = one_round(rng, command, base, work)
            say(f"{n:4d} {label}: {'; '.join(found) if found else 'in orde'} "
                f"({time.perf_counter() - started:.1f} s)")
            problems.update([command.name] if found else [])
            shutil.rmtree(work, ignore_errors=True)
    server.stop()
    say(f"{args.rounds} rounds, {sum(problems.values())} with findings"
        + (f": {dict(problems)}" if problems else ""))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with (results / "soak.txt").open("a", encoding="utf-8") as fh:
        fh.write(text.getvalue() + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
