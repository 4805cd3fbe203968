"""The output folder's lock (issue 12, items 1 and 2): a kernel lock held by the running process
only, released when it dies (also by SIGKILL), never inherited by its children, naming its
holder (pid, host, start time); a second writer waits a bounded time, a process never waits for
itself; the holder removes the temporary files a killed writer left.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from infographics.edition import lock
from infographics.edition.lock import LOCK_NAME, exclusive, holder, remove_leftovers
from infographics.errors import InfographicsError

REPO = Path(__file__).resolve().parents[2]


def hold(out: Path, command: str = "bundle") -> subprocess.Popen[str]:
    """Another process holding the lock of `out` until a line reaches its stdin (or it is
    killed); returns once it holds the lock."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from infographics.edition.lock import exclusive
        with exclusive(Path({str(out)!r}), {command!r}):
            print("vast", flush=True)
            sys.stdin.readline()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "vast"
    return proc


def test_a_second_writer_is_told_who_holds_the_folder(tmp_path):
    out = tmp_path / "out"
    other = hold(out)
    try:
        with pytest.raises(InfographicsError) as info, exclusive(out, "build", wait=0.3):
            pass
        message = str(info.value)
        assert f"in {out} worden al bundels gemaakt door proces {other.pid} op " \
               f"{socket.gethostname()}, gestart " in message
        who = holder(out)
        assert who is not None
        assert (who.pid, who.command) == (other.pid, "bundle")
    finally:
        other.kill()
        other.wait()


def test_the_kernel_releases_the_lock_of_a_killed_holder(tmp_path):
    out = tmp_path / "out"
    other = hold(out)
    os.kill(other.pid, signal.SIGKILL)
    other.wait()
    with exclusive(out, "build", wait=0):  # at once: no stale lock, whatever the file says
        assert holder(out).pid == os.getpid()


def test_a_second_writer_waits_for_the_first_and_says_for_whom(tmp_path):
    out = tmp_path / "out"
    other = hold(out)
    said: list[str] = []

    def say(line: str) -> None:  # told once it waits: now the other one finishes
        said.append(line)
        other.stdin.write("klaar\n")
        other.stdin.flush()

    try:
        with exclusive(out, "preview", wait=60, say=say):
            assert holder(out).command == "preview"
    finally:
        other.kill()
        other.wait()
    assert len(said) == 1
    assert said[0].startswith(f"Wachten op {out}: in {out} worden al bundels gemaakt door "
                              f"proces {other.pid}")


def test_a_process_never_waits_for_itself(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with exclusive(out, "build"):
        def no_waiting(*args) -> None:
            raise AssertionError("waited for its own lock")

        monkeypatch.setattr(lock, "_acquire", no_waiting)
        with pytest.raises(InfographicsError, match="wordt al gebouwd door proces"), \
                exclusive(out, "bundle"):
            pass
    monkeypatch.undo()
    with exclusive(out, "bundle"):  # released again
        pass


def _child_holds(path: str, queue) -> None:
    """In a forked child: is any of its file descriptors the lock file?"""
    fds = os.listdir("/proc/self/fd")
    queue.put(any(os.path.realpath(f"/proc/self/fd/{fd}") == path for fd in fds))


def test_neither_forked_nor_started_children_inherit_the_lock(tmp_path):
    out = tmp_path / "out"
    path = os.path.realpath(out / LOCK_NAME)
    with exclusive(out, "build"):
        fd = lock._HELD[str(out.resolve())]
        assert fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC
        queue = multiprocessing.get_context("fork").SimpleQueue()
        child = multiprocessing.get_context("fork").Process(target=_child_holds,
                                                            args=(path, queue))
        child.start()
        child.join()
        assert queue.get() is False
        started = subprocess.run(
            [sys.executable, "-c", "import os; print(sorted(os.path.realpath("
             "f'/proc/self/fd/{f}') for f in os.listdir('/proc/self/fd')))"],
            capture_output=True, text=True)
        assert path not in started.stdout


def test_a_forked_child_that_outlives_its_parent_does_not_keep_the_folder(tmp_path):
    """The issue's finding: orphaned workers kept `.bouwslot` locked. A child forked while the
    lock is held, still alive after its parent was killed, does not hold it."""
    out = tmp_path / "out"
    code = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from infographics.edition.lock import exclusive
        with exclusive(Path({str(out)!r}), "build"):
            if os.fork() == 0:
                os.write(1, b"kind\\n")  # running (past the fork handlers); one write
                time.sleep(30)  # an orphan to be
                os._exit(0)
            os.write(1, b"vast\\n")
            time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              cwd=REPO, start_new_session=True)
    try:
        assert {parent.stdout.readline().strip() for _ in range(2)} == {"kind", "vast"}
        parent.kill()
        parent.wait()
        with exclusive(out, "build", wait=0):
            pass
    finally:
        os.killpg(parent.pid, signal.SIGKILL)


def test_the_holder_removes_what_a_killed_writer_left(tmp_path):
    out = tmp_path / "out"
    (out / "po" / "lokaal").mkdir(parents=True)
    left = out / "po" / "lokaal" / ".po-2020-2021-x.pdf.k3j4h5.tmp"
    left.write_bytes(b"%PDF-half")
    keep = out / "po" / "lokaal" / "po-2020-2021-x.pdf"
    keep.write_bytes(b"%PDF-whole")
    with exclusive(out, "build"):
        assert not left.exists()
        assert keep.exists()
    assert remove_leftovers(out) == []


def test_a_folder_that_cannot_be_written_is_named(tmp_path):
    out = tmp_path / "out"
    out.write_text("geen map")
    with pytest.raises(InfographicsError, match=f"{out}: de map kan niet worden beschreven"), \
            exclusive(out):
        pass
