"""The output folder's lock: a command that writes into an edition (build, bundle, preview, the
dry run of send into its outbox) into the right to write there, one command at a time.

The lock is an exclusive `flock` on `<out>/.bouwslot`, held by the running process only:
- the kernel releases it when that process ends, however it ends (also `kill -9`);
- its file descriptor is opened close-on-exec and closed in every process forked from the
  holder (pool workers), so no child can keep the folder locked after its parent died;
- the file says who holds it (pid, host, command and start time), so a second command can name
  the holder. It waits a bounded time (`WAIT_SECONDS`) for the folder, then stops. A command
  that asks for a folder its own process already holds stops at once (it would wait for itself).

The holder is also the only writer, so on taking the lock it removes the temporary files a
killed writer left (`.<name>.<random>.tmp`, see fileio.atomic_write).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from infographics.edition.manifest import WRITE_ERRORS
from infographics.errors import InfographicsError

LOCK_NAME: Final = ".bouwslot"
WAIT_SECONDS = 10.0  # how long a second command waits for the folder before it stops
POLL_SECONDS: Final = 0.1
# what the holder is doing, as the waiting command says it ("in <out> ...")
ACTIVITIES: Final = {
    "build": "wordt al gebouwd",
    "bundle": "worden al bundels gemaakt",
    "preview": "wordt al een controleblad gemaakt",
    "send": "wordt al verzonden",
}

_HELD: dict[str, int] = {}  # resolved folder -> the lock file's descriptor, in this process


def _forget_in_child() -> None:
    """In a forked child (a pool worker): close the inherited lock descriptors. The lock stays
    with the parent; a child that outlives it must not keep the folder locked."""
    for fd in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)


@dataclass(frozen=True)
class Holder:
    """Who holds a folder's lock, as its lock file says."""

    pid: int
    host: str
    command: str  # build, bundle, preview or send
    started: str  # local time, "2024-05-01 14:03:12"

    def describe(self) -> str:
        return f"proces {self.pid} op {self.host}, gestart {self.started}"

    def activity(self) -> str:
        return ACTIVITIES.get(self.command, f"is al '{self.command}' bezig")


def holder(out: Path) -> Holder | None:
    """Who holds (or, when nobody does, last held) the lock of `out`; None when unknown."""
    try:
        raw = json.loads((Path(out) / LOCK_NAME).read_text(encoding="utf-8"))
        return Holder(int(raw["pid"]), str(raw["host"]), str(raw["command"]),
                      str(raw["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def busy_message(out: Path, who: Holder | None) -> str:
    """'in output wordt al gebouwd door proces 123 op laptop, gestart ...' (Dutch)."""
    if who is None:
        return f"in {out} is al een andere opdracht bezig; wacht tot die klaar is"
    return f"in {out} {who.activity()} door {who.describe()}; wacht tot die klaar is"


@contextlib.contextmanager
def exclusive(out: Path, command: str = "build", wait: float | None = None,
              say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder `out` for `command`: a second writer at the same time would mix
    its manifest and temporary files with this one's. Waits up to `wait` seconds (default
    WAIT_SECONDS) for another holder, telling `say` once who it waits for. Raises
    InfographicsError naming the holder when the folder stays taken, or when the folder
    cannot be written at all."""
    out = Path(out)
    key = str(out.resolve())
    if key in _HELD:  # this process holds it already: waiting would never end
        raise InfographicsError(busy_message(out, holder(out)))
    fd = _open(out)
    try:
        _acquire(fd, out, WAIT_SECONDS if wait is None else wait, say)
        _write_holder(fd, command)
        remove_leftovers(out)
        _HELD[key] = fd
        try:
            yield
        finally:
            del _HELD[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # nobody holds it now
    finally:
        os.close(fd)  # releases the lock


def _open(out: Path) -> int:
    try:
        out.mkdir(parents=True, exist_ok=True)
        return os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        reason = WRITE_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)
        raise InfographicsError(f"{out}: de map kan niet worden beschreven ({reason})") from exc


def _acquire(fd: int, out: Path, wait: float, say: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        who = holder(out)
        if time.monotonic() >= deadline:
            raise InfographicsError(busy_message(out, who)) from None
        if say is not None and not told:
            say(f"Wachten op {out}: {busy_message(out, who).split('; ')[0]} "
                f"(hoogstens {wait:.0f} s)")
            told = True
        time.sleep(POLL_SECONDS)


def _write_holder(fd: int, command: str) -> None:
    record = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
              "started": datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
    data = json.dumps(record).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the temporary files (`.<name>.<random>.tmp`) below `out` that a killed writer
    left; only the lock holder may call this. Returns what it removed."""
    removed = []
    for path in Path(out).rglob(".*.tmp"):
        with contextlib.suppress(OSError):
            if path.is_file():
                path.unlink()
                removed.append(path)
    return removed
