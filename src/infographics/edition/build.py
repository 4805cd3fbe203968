"""Building: planned `Job`s (see plan.py) into PDF files, `manifest.csv` and `failures.csv` in an
output folder.

Workers load the data, indicators, layouts and style once (a `Context`) and then build many
pages each, so a page does not pay start-up cost (see workers.py for the pool and Dask). A page
that fails is recorded with its entity and reason, and every other page is still built; a page
whose fingerprint and file are unchanged since the last run is skipped.

Crash-safe in this order: a page's file appears whole (temp file, fsync, rename) before its
manifest row; the rows are written as the run goes (`Recorder`: every `FLUSH_PAGES` pages or
`FLUSH_SECONDS`), and when a run is stopped; at the end the manifest drops the rows of removed
pages before their files go. A run stopped at any moment so leaves only files that no row lists
yet, or rows with the sha256 of a page's previous version; the next run rebuilds those pages
and removes page files that no row lists (`remove_unlisted_pages`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infographics.data.checklist import load_checklist
from infographics.data.indicators import Indicators, load_indicators
from infographics.data.measure import Figures, measure
from infographics.data.partnerconfig import load_partner_config
from infographics.data.read import load
from infographics.data.series import SeriesConfig, load_series
from infographics.edition.failures import read_failures, write_failures
from infographics.edition.incremental import (
    EditionState,
    edition_fingerprint,
    page_fingerprint,
    read_state,
    write_state,
)
from infographics.edition.manifest import (
    Entry,
    ManifestNotWritten,
    not_written,
    read_manifest,
    sha256_file,
    update_manifest,
    write_error,
)
from infographics.edition.outcome import BuildResult, Built, Failed, Outcome, Skipped
from infographics.edition.plan import Job
from infographics.edition.workers import ChunkResult, Work, WorkerSpec, peak_rss_mb, run_chunks
from infographics.errors import InfographicsError, Report
from infographics.fileio import OutsideFolder, atomic_write, inside
from infographics.levels import FOLDERS, SUBJECTS, PageLevel, Subject
from infographics.page.content import PageContent, PageTarget, resolve
from infographics.page.draw import draw_page
from infographics.page.layout import Layout, fallback_path, layout_path, load_layout
from infographics.page.style import Style, load_style
from infographics.resources import layout_file
from infographics.verify import verify_pdf

Scope = Collection[tuple[str, str, str]]  # (school year, subject, level) a run stands for
OnOutcome = Callable[[Outcome], object]  # told of every page as it is done


@dataclass
class Context:
    """What every page of a run shares, loaded once per process."""

    figures: Figures
    indicators: Indicators
    style: Style
    series: SeriesConfig | None = None  # breaks and marks (None: the packaged series.yaml)
    layouts: dict[tuple[Subject, PageLevel, str], Layout] = field(default_factory=dict)
    layout_reprs: dict[int, str] = field(default_factory=dict)  # by id() of a cached layout
    report: Report | None = None  # what loading found (warnings, and ignored contact errors)
    layout_dir: Path | None = None  # the analyst's own layouts (--layouts), else packaged only

    def layout(self, subject: Subject, level: PageLevel, path: Path | None = None) -> Layout:
        key = (subject, level, str(path or ""))
        if key not in self.layouts:
            self.layouts[key] = load_layout(path or layout_path(subject, level, self.layout_dir),
                                            self.indicators)
        return self.layouts[key]


def load_context(data: Path, mapping: Path | None = None,
                 layouts: Path | None = None) -> Context:
    """Data, figures, indicators and style for building pages, the configuration files from the
    analyst's folder `layouts` where it has them. Problems in contacts.csv do not stop a build
    (no page shows a contact); `send` refuses them."""
    checklist = load_checklist(layout_file("sterrenchecklist.yaml", layouts))
    partners = load_partner_config(layout_file("partners.yaml", layouts))
    indicators = load_indicators(layout_file("indicators.yaml", layouts), checklist, partners)
    tables = load(Path(data), mapping, unused=("contacts",), checklist=checklist,
                  partners=partners)
    return Context(measure(tables, indicators), indicators,
                   load_style(layout_file("style.yaml", layouts)),
                   load_series(layout_file("series.yaml", layouts), indicators),
                   report=tables.report, layout_dir=layouts)


def check_layouts(ctx: Context, jobs: Sequence[Job]) -> None:
    """Load every layout the jobs need (with their fallbacks) before anything is drawn, so a
    layout mistake stops the run once, with its file, line and key, instead of failing every
    page. Raises ConfigError."""
    for subject, level in sorted({(j.subject, j.level) for j in jobs}):
        layout = ctx.layout(subject, level)
        if layout.fallback:
            ctx.layout(subject, level, fallback_path(layout))


# --- one page ----------------------------------------------------------------------------------


def render(ctx: Context, job: Job) -> bytes:
    """One page's PDF bytes."""
    return render_page(ctx, job)[0]


def page_content(ctx: Context, job: Job) -> tuple[Layout, PageContent]:
    """The layout a page uses (its fallback when the layout says so) and its resolved content."""
    layout = ctx.layout(job.subject, job.level)
    if layout.fallback:
        fig = ctx.figures.get(job.school_year, job.level, job.entity_id,
                              layout.fallback.when_zero)
        if not fig.value:
            layout = ctx.layout(job.subject, job.level, fallback_path(layout))
    content = resolve(layout, ctx.figures, PageTarget(job.level, job.entity_id, job.school_year),
                      ctx.style, ctx.series)
    return layout, content


def render_page(ctx: Context, job: Job) -> tuple[bytes, tuple[str, ...]]:
    """One page's PDF bytes and every formatted figure it shows."""
    _, content = page_content(ctx, job)
    return draw_page(content, ctx.style), content.numbers


def layout_repr(layout: Layout) -> str:
    """The layout as the fingerprint sees it: every setting, but not where the file lies."""
    return repr(layout.model_copy(update={"path": ""}))


def fingerprint(ctx: Context, layout: Layout, content: PageContent) -> str:
    """What a page is made from (program, style, layout, resolved content), as sha256."""
    key = id(layout)
    if key not in ctx.layout_reprs:
        ctx.layout_reprs[key] = layout_repr(layout)
    return page_fingerprint(ctx.style, ctx.layout_reprs[key], content)


def unverified(inputs: str) -> str:
    """The fingerprint of a page built without verification: a verified run must check it, a
    run without verification may skip what a verified run made."""
    return hashlib.sha256((inputs + ":niet-geverifieerd").encode()).hexdigest()


def _unchanged(path: Path, sha256: str) -> bool:
    try:
        return sha256_file(path) == sha256
    except OSError:
        return False


def build_one(ctx: Context, job: Job, out: Path, check: bool = True,
              previous: Entry | None = None) -> Outcome:
    """Build one page; with `check`, verify it (tags, fonts, A4, figures shown) before it
    counts as built. With the page's `previous` manifest entry, a page whose fingerprint and
    file are unchanged is skipped."""
    try:
        layout, content = page_content(ctx, job)
        inputs = fingerprint(ctx, layout, content)
        accepted = (inputs,) if check else (inputs, unverified(inputs))
        if (previous is not None and previous.inputs in accepted
                and _unchanged(out / job.path, previous.sha256)):
            return Skipped(job, previous)
        pdf = draw_page(content, ctx.style)
    except InfographicsError as exc:
        return Failed(job, str(exc))
    except Exception as exc:  # one bad page must not stop a batch
        return Failed(job, f"{type(exc).__name__}: {exc}")
    if check and (findings := verify_pdf(pdf, content.numbers)):
        return Failed(job, "verificatie: " + "; ".join(
            f"{f.check}: {f.message}" for f in findings))
    try:
        atomic_write(inside(out, job.path), pdf)  # a reader never sees half a file
    except OutsideFolder as exc:
        return Failed(job, f"schrijven mislukt: {exc}")
    except OSError as exc:  # a full disk, a read-only folder: the page fails alone
        return Failed(job, write_error(exc))  # "MISLUKT <path>: niet geschreven: ..."
    return Built(job, hashlib.sha256(pdf).hexdigest(), 1, inputs if check else unverified(inputs))


# --- a worker: one context per process, kept for its chunks ------------------------------------


_CONTEXTS: dict[tuple[str, str | None, str | None, str], Context] = {}


def _context_key(spec: WorkerSpec) -> tuple[str, str | None, str | None, str]:
    return (spec.data, spec.mapping, spec.layouts, spec.inputs)


def _worker_context(spec: WorkerSpec) -> Context:
    key = _context_key(spec)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[key] = load_context(Path(spec.data), Path(spec.mapping) if spec.mapping else None,
                                      Path(spec.layouts) if spec.layouts else None)
    return _CONTEXTS[key]


def build_chunk(spec: WorkerSpec, chunk: list[Work]) -> ChunkResult:
    """Build a list of pages in a worker (this process, a local process or a Dask worker)."""
    ctx = _worker_context(spec)
    out = Path(spec.out)
    outcomes = [build_one(ctx, job, out, spec.check, previous) for job, previous in chunk]
    return ChunkResult(outcomes, peak_rss_mb(), os.getpid())


# --- the edition run ---------------------------------------------------------------------------


def build_edition(jobs: Sequence[Job], data: Path, out: Path, mapping: Path | None = None,
                  workers: int = 1, ctx: Context | None = None,
                  progress: OnOutcome | None = None, check: bool = True, force: bool = False,
                  scheduler: str | None = None, edition: str | None = None,
                  connect_timeout: float = 30, scope: Scope | None = None,
                  layouts: Path | None = None) -> BuildResult:
    """Build `jobs` into `out`, on `workers` processes (or the Dask cluster at `scheduler`);
    skip pages whose fingerprint and file are unchanged (unless `force`); write manifest.csv,
    failures.csv and, when `edition` (an edition fingerprint) is given and nothing failed, the
    edition state that lets an unchanged rebuild skip everything.

    A page that fails is removed with its old file, so an outdated version is never delivered;
    `scope` (school year, subject, level) says which pages this run stands for in full, so pages
    of that scope that are no longer planned are removed as well.

    Crash-safe: a page's file is written (whole, by a rename) before its manifest row, and the
    rows are written as the run goes (`Recorder`), so a run stopped at any moment (Ctrl-C,
    SIGTERM, a kill) keeps the record of the pages it built until shortly before; the next run
    builds the rest. On Ctrl-C or SIGTERM the rows so far are written before it stops."""
    out.mkdir(parents=True, exist_ok=True)
    write_state(out, None)  # until this run has finished, the next one checks every page
    known = {} if force else read_manifest(out)
    work = [(job, known.get(job.path)) for job in jobs]
    spec = _worker_spec(data, mapping, out, check, layouts)
    if ctx is not None:  # used in this process, and inherited by forked pool workers
        _CONTEXTS.clear()
        _CONTEXTS[_context_key(spec)] = ctx
    result = BuildResult()
    recorder = Recorder(out, result, progress)
    try:
        run_chunks(build_chunk, spec, work, recorder, workers, scheduler, connect_timeout)
    except BaseException:  # stopped: keep the record of what was built
        recorder.flush(quiet=True)
        raise
    _finish(out, jobs, result, scope)
    if edition and not result.failed:
        write_state(out, EditionState(edition, tuple(j.path for j in jobs)))
    return result


FLUSH_PAGES = 100  # the manifest is written at least every this many pages ...
FLUSH_SECONDS = 2.0  # ... and every this many seconds while pages are coming in


class Recorder:
    """Collects the chunks of a run into its `BuildResult`, tells `progress` of every page, and
    writes the manifest rows of the pages built so far every `every_pages` built pages or
    `every_seconds` seconds (atomically, like every manifest write)."""

    def __init__(self, out: Path, result: BuildResult, progress: OnOutcome | None = None,
                 every_pages: int | None = None, every_seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out, self.result, self.progress, self.clock = out, result, progress, clock
        self.every_pages = FLUSH_PAGES if every_pages is None else every_pages
        self.every_seconds = FLUSH_SECONDS if every_seconds is None else every_seconds
        self.unrecorded = 0  # pages done since the last write
        self.last = clock()
        self.flushes = 0

    def __call__(self, chunk: ChunkResult) -> None:
        _collect(self.result, chunk, self.progress)
        # a skipped page's row is in the manifest already; a failed page keeps its old row
        self.unrecorded += sum(isinstance(o, Built) for o in chunk.outcomes)
        if (self.unrecorded >= self.every_pages
                or (self.unrecorded and self.clock() - self.last >= self.every_seconds)):
            self.flush(quiet=True)

    def flush(self, quiet: bool = False) -> None:
        """Write the rows of every page built or skipped so far. With `quiet`, a manifest that
        cannot be written (a full disk) is left as it is: the run goes on, and its end says so."""
        try:
            update_manifest(self.out, self.result.entries())
        except ManifestNotWritten:
            if not quiet:
                raise
            return
        self.unrecorded, self.last = 0, self.clock()
        self.flushes += 1


def _finish(out: Path, jobs: Sequence[Job], result: BuildResult, scope: Scope | None) -> None:
    """The end of a run: the manifest (rows of built and skipped pages in, those of removed
    pages out), then the removed files and leftovers, then failures.csv. In this order a kill
    between two steps leaves files the manifest does not list, never a row without its file;
    the next run removes or rebuilds those files."""
    result.removed = _outdated(out, jobs, result, scope)
    update_manifest(out, result.entries(), remove=result.removed)
    for path in result.removed:
        with contextlib.suppress(OSError):  # cannot be removed: it has left the manifest
            (out / path).unlink(missing_ok=True)
    remove_unlisted_pages(out)
    _record_failures(out, jobs, result.failed, scope)


def _worker_spec(data: Path, mapping: Path | None, out: Path, check: bool,
                 layouts: Path | None = None) -> WorkerSpec:
    """Absolute paths (a Dask worker runs in its own working folder) and the fingerprint of
    the input files (a kept context is only reused for the same files)."""
    return WorkerSpec(str(Path(data).resolve()),
                      str(Path(mapping).resolve()) if mapping else None,
                      str(Path(out).resolve()), check,
                      edition_fingerprint(data, mapping, {}, layouts),
                      str(Path(layouts).resolve()) if layouts else None)


def _collect(result: BuildResult, chunk: ChunkResult, progress: OnOutcome | None) -> None:
    if chunk.worker:  # 0: no worker reported (it died)
        result.peak_rss_mb[chunk.worker] = max(chunk.peak_rss_mb,
                                               result.peak_rss_mb.get(chunk.worker, 0.0))
    for item in chunk.outcomes:
        result.add(item)
        if progress:
            progress(item)


def _outdated(out: Path, jobs: Sequence[Job], result: BuildResult,
              scope: Scope | None) -> list[str]:
    """The files of pages that must not be delivered in their old version: the pages that
    failed now, pages of a planned entity under another file name (the entity was renamed)
    and, with a `scope`, pages of that scope no longer planned (a library that left the data).
    They leave the manifest and the output folder."""
    gone = {f.job.path for f in result.failed}
    planned = {j.path for j in jobs}
    keys = {(j.school_year, j.subject, j.level, j.entity_id) for j in jobs}
    for path, e in read_manifest(out).items():
        if e.is_page and path not in planned and (
                (e.school_year, e.subject, e.level, e.entity_id) in keys
                or (scope is not None and (e.school_year, e.subject, e.level) in scope)):
            gone.add(path)
    return sorted(gone)


def remove_unlisted_pages(out: Path) -> list[str]:
    """Remove page files (`<subject>/<level folder>/**/*.pdf`) that the manifest does not list:
    written by a run that was stopped before it recorded them, or left when a run stopped
    between writing the manifest and removing the files it dropped. Returns their paths."""
    listed = read_manifest(out)
    removed = []
    for subject in SUBJECTS:
        for folder in FOLDERS.values():
            for path in (out / subject / folder).rglob("*.pdf"):
                rel = path.relative_to(out).as_posix()
                if rel not in listed and not path.name.startswith("."):
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed.append(rel)
    return removed


def _record_failures(out: Path, jobs: Sequence[Job], failed: Sequence[Failed],
                     scope: Scope | None) -> None:
    """Write failures.csv: this run's failures after the earlier ones of pages this run did
    not stand for (a run with --only, another subject)."""
    done = {(j.school_year, j.subject, j.level, j.entity_id) for j in jobs}
    earlier = [f for f in read_failures(out)
               if (f.school_year, f.subject, f.level, f.entity_id) not in done
               and (scope is None or (f.school_year, f.subject, f.level) not in scope)]
    try:
        write_failures(out, [*earlier, *(f.failure() for f in failed)])
    except OSError as exc:  # the pages and the manifest are written; say what is missing
        raise InfographicsError(not_written(out / "failures.csv", exc)) from exc


def up_to_date(out: Path, edition: str) -> list[Entry] | None:
    """The manifest entries of the last run when its edition fingerprint is `edition` and every
    one of its files is still there with its sha256; else None (the run must check pages)."""
    state = read_state(out)
    if state is None or state.fingerprint != edition:
        return None
    entries = read_manifest(out)
    listed = [entries.get(path) for path in state.paths]
    current = [e for e in listed if e is not None]
    if len(current) < len(listed) or not all(_unchanged(out / e.path, e.sha256)
                                             for e in current):
        return None
    return current
