"""Running many pages: a list of page work items into outcomes, in this process, on a local
process pool, or on a Dask cluster, in chunks, each chunk's `ChunkResult` handed to a callback
as soon as it is done.

What builds a chunk is passed in as the `task` (build.build_chunk): a worker process loads the
data once per `WorkerSpec` and then builds many pages. A worker that dies (out of memory,
killed) fails the pages of its chunk, and the run goes on; after Ctrl-C or an error the pages
not yet started are cancelled.
"""

from __future__ import annotations

import resource
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass

from infographics.edition.manifest import Entry
from infographics.edition.outcome import Failed, Outcome
from infographics.edition.plan import Job

IN_PROCESS_BELOW = 8  # fewer pages than this are built in this process: a pool would not pay
CHUNK_MIN, CHUNK_MAX = 2, 24  # pages per chunk: few round trips, yet an even spread


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
    for future in as_completed(futures):
        try:
            done = future.result()
        except Exception as exc:  # the worker died (out of memory, killed): its pages fail
            done = _lost(futures[future], exc)
        collect(done)


def _lost(part: list[Work], exc: Exception) -> ChunkResult:
    reason = f"werkproces gestopt: {type(exc).__name__}: {exc}"
    return ChunkResult([Failed(job, reason) for job, _ in part], 0.0, 0)


@contextmanager
def _pool(workers: int) -> Iterator[Executor]:
    """A local process pool; after Ctrl-C or an error, pages not yet started are cancelled."""
    executor = ProcessPoolExecutor(workers)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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
