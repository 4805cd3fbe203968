"""Running many pages: a list of page work items into outcomes, in this process, on a local
process pool, or on a Dask cluster, in chunks, each chunk's `ChunkResult` handed to a callback
as soon as it is done.

What builds a chunk is passed in as the `task` (build.build_chunk): a worker process loads the
data once per `WorkerSpec` and then builds many pages. A worker that dies (out of memory,
killed) fails the pages of its chunk, and the run goes on.

Workers follow their parent (`process_pool`, also used for the review sheet's thumbnails): a
worker ends when the parent dies, however it dies (a parent-death signal on Linux, else a
watchdog thread on the parent's pid), and it ignores Ctrl-C and SIGTERM, which the parent
handles. After Ctrl-C, SIGTERM or an error the parent cancels the chunks not yet started, waits
`GRACE_SECONDS` for the running ones (their pages count) and then kills the workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures import wait as wait_for
from contextlib import contextmanager
from dataclasses import dataclass

from infographics.edition.manifest import Entry
from infographics.edition.outcome import Failed, Outcome
from infographics.edition.plan import Job

IN_PROCESS_BELOW = 8  # fewer pages than this are built in this process: a pool would not pay
CHUNK_MIN, CHUNK_MAX = 2, 24  # pages per chunk: few round trips, yet an even spread
GRACE_SECONDS = 3.0  # after Ctrl-C or an error: how long running chunks may still finish
WATCH_SECONDS = 0.5  # how often a watchdog looks whether the parent still lives
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build pages: it loads the context once and keeps it."""

    data: str
    mapping: str | None
    out: str
    check: bool
    inputs: str = ""  # fingerprint of the input files: a worker reloads when they changed
    layouts: str | None = None  # the analyst's layouts folder (--layouts)


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back for a chunk: each page's outcome, and how it fared itself."""

    outcomes: list[Outcome]
    peak_rss_mb: float  # the worker process's peak resident memory so far
    worker: int  # process id; 0 when no worker reported (it died)


Work = tuple[Job, Entry | None]  # a page and its manifest row from the last run, if any
Task = Callable[[WorkerSpec, list[Work]], ChunkResult]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def run_chunks(task: Task, spec: WorkerSpec, work: Sequence[Work],
               collect: Callable[[ChunkResult], None], workers: int = 1,
               scheduler: str | None = None, connect_timeout: float = 30) -> None:
    """Run `task` over `work`: page by page in this process for one worker or a few pages,
    else in chunks on `workers` processes or on the Dask cluster at `scheduler`
    (tcp://HOST:PORT)."""
    if scheduler is None and (workers <= 1 or len(work) < IN_PROCESS_BELOW):
        for item in work:
            collect(task(spec, [item]))
        return
    executor = _cluster(scheduler, connect_timeout) if scheduler else _pool(workers)
    with executor as running:
        _run_on(running, task, spec, chunks(work, workers), collect)


def chunks(work: Sequence[Work], workers: int) -> list[list[Work]]:
    """`work` in chunks of a size that gives each worker about eight of them."""
    size = max(CHUNK_MIN, min(CHUNK_MAX, len(work) // (max(workers, 2) * 8)))
    return [list(work[i : i + size]) for i in range(0, len(work), size)]


def _run_on(executor: Executor, task: Task, spec: WorkerSpec, parts: list[list[Work]],
            collect: Callable[[ChunkResult], None]) -> None:
    futures: dict[Future[ChunkResult], list[Work]] = {
        executor.submit(task, spec, part): part for part in parts}
    collected: set[Future[ChunkResult]] = set()
    try:
        for future in as_completed(futures):
            collected.add(future)
            collect(_result(future, futures[future]))
    except BaseException:  # Ctrl-C, SIGTERM, an error: keep what the running chunks finish
        _wind_down(futures, collected, collect)
        raise


def _result(future: Future[ChunkResult], part: list[Work]) -> ChunkResult:
    try:
        return future.result()
    except Exception as exc:  # the worker died (out of memory, killed): its pages fail
        return _lost(part, exc)


def _wind_down(futures: dict[Future[ChunkResult], list[Work]],
               collected: set[Future[ChunkResult]],
               collect: Callable[[ChunkResult], None]) -> None:
    """Cancel the chunks not yet started, give the running ones `GRACE_SECONDS`, and collect
    those that finished with a result (a chunk that failed or was cut off is not counted: its
    pages are built again next time)."""
    for future in futures:
        future.cancel()
    running = [f for f in futures if not f.done()]
    if running:
        wait_for(running, timeout=GRACE_SECONDS)
    for future in futures:
        if future in collected or not future.done() or future.cancelled():
            continue
        if future.exception() is None:
            with contextlib.suppress(Exception):  # the run is stopping already
                collect(future.result())


def _lost(part: list[Work], exc: Exception) -> ChunkResult:
    reason = f"werkproces gestopt: {type(exc).__name__}: {exc}"
    return ChunkResult([Failed(job, reason) for job, _ in part], 0.0, 0)


@contextmanager
def _pool(workers: int) -> Iterator[Executor]:
    with process_pool(workers) as executor:
        yield executor


@contextmanager
def process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A local process pool whose workers follow this process (see `follow_parent`). Ends
    normally by waiting for its work; after Ctrl-C, SIGTERM or an error it cancels what has not
    started and kills its workers, so none of them outlives the run."""
    executor = ProcessPoolExecutor(workers, initializer=follow_parent, initargs=(os.getpid(),))
    try:
        yield executor
        executor.shutdown(wait=True)
    except BaseException:  # also Ctrl-C while waiting for the last chunks
        _stop(executor)
        raise


def _stop(executor: ProcessPoolExecutor) -> None:
    processes = list((executor._processes or {}).values())  # shutdown forgets them
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=GRACE_SECONDS)


def follow_parent(parent: int) -> None:
    """Set up a pool worker: it dies with `parent` (the parent-death signal SIGKILL on Linux,
    else a watchdog thread), and ignores Ctrl-C and SIGTERM (the parent decides, and kills it
    when it must stop)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if not _parent_death_signal():
        watch_parent(parent)
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(1)


def _parent_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, every: float = WATCH_SECONDS) -> threading.Thread:
    """A daemon thread that ends this process as soon as `parent` is no longer its parent
    (it died, and this process was given to another)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    thread = threading.Thread(target=watch, name="ouder-bewaking", daemon=True)
    thread.start()
    return thread


@contextmanager
def _cluster(scheduler: str, connect_timeout: float) -> Iterator[Executor]:
    """The executor of the Dask cluster at `scheduler`. Dask workers must see the data and
    output folders at the same paths (a shared file system). Raises OSError when the scheduler
    cannot be reached; closing the client cancels the pages not yet started."""
    # optional dependency (the `cluster` extra), and a slow import: only for --scheduler
    from distributed import Client  # noqa: PLC0415

    # distributed has no annotations on Client and its methods
    client = Client(scheduler, set_as_default=False,  # type: ignore[no-untyped-call]
                    timeout=connect_timeout)
    executor: Executor = client.get_executor(pure=False)  # type: ignore[no-untyped-call]
    try:
        yield executor
    finally:
        executor.shutdown(wait=False)
        client.close()  # type: ignore[no-untyped-call]
