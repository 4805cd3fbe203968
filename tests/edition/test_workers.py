"""Pool workers follow their parent (issue 12, item 1): killed with SIGKILL, the parent takes its
workers with it (the parent-death signal, or the watchdog where that signal is not available);
stopped by Ctrl-C or an error, the pool keeps what its running chunks finish and leaves no
worker behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from infographics.edition import workers
from infographics.edition.outcome import Built
from infographics.edition.plan import Job
from infographics.edition.workers import ChunkResult, WorkerSpec, process_pool, run_chunks

REPO = Path(__file__).resolve().parents[2]
SPEC = WorkerSpec("data", None, "out", False)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def live_children() -> list[int]:
    """This process's children that are running (not zombies), from /proc. (Not
    multiprocessing.active_children(): a worker reaped by the pool's own thread can look alive
    there.)"""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and fields[0] not in ("Z", "X"):
                found.append(int(entry))
    return found


def gone_within(pids: list[int], seconds: float = 10) -> list[int]:
    """The pids still alive after `seconds` (polling); killed afterwards, so nothing leaks."""
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize("watchdog", [False, True], ids=["parent-death signal", "watchdog"])
def test_workers_die_with_a_killed_parent(watchdog):
    code = textwrap.dedent(f"""
        import os, time
        from infographics.edition import workers
        if {watchdog}:
            workers._parent_death_signal = lambda: False  # as where prctl is not available
        def pid(_):
            time.sleep(0.2)
            return os.getpid()
        with workers.process_pool(2) as pool:
            pids = set(pool.map(pid, range(6)))
            pool.submit(time.sleep, 60)  # one busy, one waiting for work
            pool.submit(time.sleep, 60)
            print(" ".join(map(str, sorted(pids))), flush=True)
            time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              cwd=REPO, start_new_session=True)
    line = parent.stdout.readline()
    pids = [int(p) for p in line.split()]
    assert len(pids) == 2, line
    assert all(alive(p) for p in pids)
    parent.kill()
    parent.wait()
    assert gone_within(pids) == []


def _slow(spec: WorkerSpec, chunk: list) -> ChunkResult:
    time.sleep(0.3)
    return ChunkResult([Built(job, "0" * 64, 1) for job, _ in chunk], 0.0, os.getpid())


def _job(n: int) -> Job:
    return Job("po", "library", f"bib-{n:04d}", f"Bibliotheek {n}", "2020-2021",
               f"po/lokaal/po-2020-2021-{n}.pdf", f"bib-{n:04d}")


def test_a_stopped_pool_keeps_what_its_running_chunks_finish_and_leaves_no_worker():
    before = set(live_children())  # other tests of this process may keep a helper running
    work = [(_job(n), None) for n in range(40)]
    got: list[ChunkResult] = []

    def collect(chunk: ChunkResult) -> None:
        got.append(chunk)
        if len(got) == 1:
            raise KeyboardInterrupt  # Ctrl-C while the other worker is busy

    with pytest.raises(KeyboardInterrupt):
        run_chunks(_slow, SPEC, work, collect, workers=2)
    # the first chunk, the other worker's, and the few already handed to the pool's queue;
    # the chunks not yet started (most of the 20) are cancelled
    assert len(got) >= 2
    assert sum(len(c.outcomes) for c in got) < len(work) / 2
    assert set(live_children()) - before == set()


def test_a_worker_ignores_ctrl_c_and_sigterm_its_parent_handles(monkeypatch):
    seen = []
    monkeypatch.setattr(workers.signal, "signal", lambda sig, how: seen.append((sig, how)))
    monkeypatch.setattr(workers, "_parent_death_signal", lambda: True)
    workers.follow_parent(os.getppid())
    assert seen == [(signal.SIGINT, signal.SIG_IGN), (signal.SIGTERM, signal.SIG_IGN)]


def test_the_pool_ends_normally_by_waiting_for_its_work():
    before = set(live_children())  # other tests of this process may keep a helper running
    with process_pool(2) as pool:
        futures = [pool.submit(pow, n, 2) for n in range(10)]
    assert [f.result() for f in futures] == [n * n for n in range(10)]
    assert set(live_children()) - before == set()
