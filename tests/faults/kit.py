"""The fault-injection kit (issue 12): run `infographics` as a subprocess in its own session,
kill it with SIGKILL at a chosen moment, find every process of that run that is still alive
(through /proc), and check the output folder afterwards: whole files only, a manifest that lists
exactly the files on disk with their sha256, no temporary files, `infographics verify` clean.

A `Moment` is deterministic: "when the n-th new file matching a pattern has appeared" (counted
in the output folder by polling every few milliseconds) or "after a fixed delay". The lists of
moments the tests use are fixed in the test modules; the soak in bench/soak.py draws them from a
seeded random generator.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infographics.edition.manifest import read_manifest, sha256_file, update_manifest

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"  # 36 pages, 8 bundle files, 8 mails, in ~2 s
POLL = 0.01  # seconds between two looks at the output folder
GONE_WITHIN = 10.0  # seconds: no process of a killed run may live longer (the "ps")

# files in an output folder that the manifest does not list, by design
UNLISTED = {"manifest.csv", "failures.csv", ".bouwstatus.json", ".bouwslot"}
UNLISTED_FOLDERS = {"preview", "outbox", "verzending"}


@dataclass(frozen=True)
class Moment:
    """When to kill a run: once `files` new files matching `pattern` are in the output folder
    (files only: temporary files start with a dot and are not counted), or after `delay`
    seconds when `files` is 0."""

    label: str
    files: int = 0
    pattern: str = "**/*.pdf"
    delay: float = 0.0

    def __str__(self) -> str:
        return self.label


@dataclass
class Run:
    """What became of one run of the command line."""

    args: list[str]
    returncode: int
    killed: bool  # killed at its moment (False: it ended before the moment came)
    session: int  # the session (and process group) id of the run: its pid
    stdout: str = ""
    stderr: str = ""
    seen: list[int] = field(default_factory=list)  # every process of the run seen while it ran


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "infographics", *(str(a) for a in args)]


def new_files(folder: Path, pattern: str, since_ns: int) -> int:
    """Files matching `pattern` below `folder` written since `since_ns` (not the temporary
    ones, whose names start with a dot)."""
    count = 0
    for path in folder.glob(pattern):
        if path.name.startswith("."):
            continue
        try:
            if path.stat().st_mtime_ns >= since_ns:
                count += 1
        except FileNotFoundError:  # renamed away between glob and stat
            continue
    return count


STOP_WITHIN = 15.0  # seconds a run may take to stop after Ctrl-C or SIGTERM ("a few")


def run_killed(args: Sequence[str | Path], out: Path, moment: Moment,
               env: dict[str, str] | None = None, timeout: float = 120,
               sig: int = signal.SIGKILL, group: bool = False) -> Run:
    """Start `infographics *args` in a session of its own and send it `sig` at `moment` (with
    `group`, to its whole process group, as a terminal's Ctrl-C does). A run that has not
    ended `STOP_WITHIN` seconds after the signal fails the test (subprocess.TimeoutExpired)."""
    argv = command(*args)
    started = time.time_ns()
    logs = out.parent / f"{out.name}-log-{started}"
    with open(f"{logs}.out", "w") as so, open(f"{logs}.err", "w") as se:
        proc = subprocess.Popen(argv, stdout=so, stderr=se, cwd=REPO, start_new_session=True,
                                env={**os.environ, **(env or {})})
        seen: set[int] = set()
        killed = _wait_for(proc, out, moment, started, timeout, seen)
        if killed:
            (os.killpg if group else os.kill)(proc.pid, sig)
        proc.wait(timeout=STOP_WITHIN if killed else timeout)
    return Run([str(a) for a in args], proc.returncode, killed, proc.pid,
               Path(f"{logs}.out").read_text(), Path(f"{logs}.err").read_text(), sorted(seen))


def _wait_for(proc: subprocess.Popen[bytes], out: Path, moment: Moment, started: int,
              timeout: float, seen: set[int]) -> bool:
    """Poll until the moment comes (True) or the run ends by itself (False)."""
    deadline = time.monotonic() + timeout
    looks = 0
    while proc.poll() is None:
        if looks % 20 == 0:  # every 0,2 s: which processes the run has
            seen.update(session_processes(proc.pid))
        looks += 1
        if (out.exists() and new_files(out, moment.pattern, started) >= moment.files
                if moment.files else (time.time_ns() - started) / 1e9 >= moment.delay):
            seen.update(session_processes(proc.pid))  # who is there at the moment of the kill
            return True
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{moment}: the run did not end within {timeout} s")
        time.sleep(POLL)
    return False


def _stat(pid: str) -> tuple[str, int, int, int] | None:
    """(state, ppid, process group, session) of a process, from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[3])


def session_processes(session: int) -> list[int]:
    """Every live (not zombie) process in the session or process group `session`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(entry)
        if stat and stat[0] not in ("Z", "X") and session in (stat[2], stat[3]):
            found.append(int(entry))
    return found


def survivors(run: Run | int, within: float = GONE_WITHIN) -> list[int]:
    """The processes of `run` (or of the session with that id) still alive after `within`
    seconds (polling; [] as soon as none is). Any left are killed after looking, so one failing
    test does not leak into others."""
    session = run if isinstance(run, int) else run.session
    deadline = time.monotonic() + within
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def describe(pids: Iterable[int]) -> list[str]:
    """'1234 python -m infographics build ...' for each process (for assertion messages)."""
    lines = []
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            cmd = "?"
        lines.append(f"{pid} {cmd.strip()}")
    return lines


# --- checking an output folder ----------------------------------------------------------------


def files_on_disk(out: Path) -> set[str]:
    """The files the manifest must list: every file below `out` except the folder's own
    records and the review sheet, outbox and send failures."""
    found = set()
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        if path.is_file() and rel.as_posix() not in UNLISTED and rel.parts[0] not in \
                UNLISTED_FOLDERS:
            found.add(rel.as_posix())
    return found


def temporary_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(".*.tmp"))


def manifest_problems(out: Path) -> list[str]:
    """How the manifest and the files on disk disagree (empty when they agree exactly)."""
    listed = read_manifest(out)
    disk = files_on_disk(out)
    problems = [f"not listed: {p}" for p in sorted(disk - set(listed))]
    problems += [f"listed, not on disk: {p}" for p in sorted(set(listed) - disk)]
    problems += [f"sha256 differs: {p}" for p in sorted(disk & set(listed))
                 if sha256_file(out / p) != listed[p].sha256]
    problems += [f"temporary file left: {p}" for p in temporary_files(out)]
    return problems


def torn_files(out: Path) -> list[str]:
    """What must never be seen, even right after a kill: a manifest row whose file is not
    there, and a page, print PDF or zip that is not whole."""
    problems = [f"listed, not on disk: {p}" for p in read_manifest(out)
                if not (out / p).is_file()]
    for path in out.rglob("*"):
        if path.name.startswith(".") or not path.is_file():
            continue
        data = path.read_bytes() if path.suffix in (".pdf", ".zip") else b""
        if path.suffix == ".pdf" and not (data.startswith(b"%PDF-")
                                          and data.rstrip().endswith(b"%%EOF")):
            problems.append(f"not a whole PDF: {path.relative_to(out)}")
        if path.suffix == ".zip" and not _whole_zip(data):
            problems.append(f"not a whole zip: {path.relative_to(out)}")
    return problems


def _whole_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.testzip() is None
    except zipfile.BadZipFile:
        return False


def thumbnail_problems(out: Path) -> list[str]:
    """How the review sheet disagrees with the manifest: a page without its thumbnail, a
    thumbnail of no page, a thumbnail state of another PDF than the one on disk."""
    import json

    state = json.loads((out / "preview" / "miniaturen.json").read_text())
    pages = {p for p, e in read_manifest(out).items() if e.is_page}
    pngs = {p.relative_to(out / "preview").as_posix().removesuffix(".png") + ".pdf"
            for p in (out / "preview").rglob("*.png")}
    problems = [f"no thumbnail: {p}" for p in sorted(pages - pngs)]
    problems += [f"thumbnail of no page: {p}" for p in sorted(pngs - pages)]
    problems += [f"state differs: {p}" for p in sorted(pages)
                 if state.get(p, {}).get("sha256") != read_manifest(out)[p].sha256]
    problems += [f"temporary file left: {p}" for p in temporary_files(out / "preview")]
    return problems


def run_cli(args: Sequence[str | Path], env: dict[str, str] | None = None,
            timeout: float = 120) -> Run:
    """`infographics *args` to its end (the next run after a kill, or a first build)."""
    done = subprocess.run(command(*args), capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, start_new_session=True,
                          env={**os.environ, **(env or {})})
    return Run([str(a) for a in args], done.returncode, False, 0, done.stdout, done.stderr)


def unbundle(out: Path) -> None:
    """Take an edition back to before `bundle`: no bundle files, no rows for them."""
    bundles = [p for p, e in read_manifest(out).items() if not e.is_page]
    update_manifest(out, [], remove=bundles)
    shutil.rmtree(out / "bundels")


def mail_problems(received: Iterable[tuple[str, str]], rows: Iterable[tuple[str, str, str]],
                  addresses: Iterable[str]) -> list[str]:
    """How a send broke "exactly once, or reported uncertain". `received`: (address,
    Message-ID) of every message the server took, over the killed run and the next one;
    `rows`: (address, Message-ID, status) of the send log; `addresses`: every contact.

    A message (one part of a mail, to one address) arrives at most once; one the log calls sent
    arrived exactly once; every other one is uncertain (it may or may not have arrived: the
    process died with the message underway), never failed or missing."""
    def key(address: str, mid: str) -> tuple[str, str]:  # a long Message-ID arrives folded
        return address.lower(), "".join(str(mid).split())

    got = Counter(key(a, mid) for a, mid in received)
    problems = [f"{a}: {mid} arrived {n} times" for (a, mid), n in got.items() if n > 1]
    logged = {a.lower() for a, _, _ in rows}
    for address, mid, status in rows:
        n = got[key(address, mid)]
        if status == "sent" and n != 1:
            problems.append(f"{address}: {mid} logged as sent, arrived {n} times")
        elif status not in ("sent", "uncertain"):
            problems.append(f"{address}: {mid} {status}")
    problems += [f"{a}: not in the send log" for a in addresses if a.lower() not in logged]
    return problems
