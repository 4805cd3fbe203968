"""Building: a `Plan` of pages (subject x level x entity) into PDF files, `manifest.csv` and
`failures.csv` in an output folder.

Workers load the data, indicators, layouts and style once and then build many pages each, so a
page does not pay start-up cost. A page that fails is recorded with its entity and reason, and
every other page is still built. File names are readable and stable:
`po/lokaal/po-2020-2021-bibliotheek-zuidrand.pdf`.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from infographics.data.indicators import Indicators, load_indicators
from infographics.data.measure import Figures, measure
from infographics.data.read import load
from infographics.edition.incremental import (
    EditionState,
    edition_fingerprint,
    page_fingerprint,
    read_state,
    write_state,
)
from infographics.edition.manifest import Entry, read_manifest, sha256_file, update_manifest
from infographics.errors import InfographicsError, Report
from infographics.levels import FOLDERS
from infographics.page.content import PageContent, PageTarget, resolve
from infographics.page.draw import draw_page
from infographics.page.layout import Layout, layout_path, load_layout
from infographics.page.style import Style, load_style
from infographics.verify import verify_pdf


@dataclass(frozen=True)
class Job:
    subject: str
    level: str
    entity_id: str
    entity_name: str
    school_year: str
    path: str  # relative to the output folder
    library_id: str = ""


@dataclass(frozen=True)
class Built:
    job: Job
    sha256: str
    pages: int
    inputs: str = ""

    def entry(self) -> Entry:
        j = self.job
        return Entry(j.school_year, j.subject, j.level, j.entity_id, j.entity_name, j.library_id,
                     j.path, self.sha256, self.pages, self.inputs)


@dataclass(frozen=True)
class Failed:
    job: Job
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A page whose inputs and file are unchanged since the run that made it."""

    job: Job
    entry: Entry

    def as_built(self) -> Built:
        e = self.entry
        return Built(self.job, e.sha256, e.pages, e.inputs)


Outcome = Built | Failed | Skipped


@dataclass
class BuildResult:
    built: list[Built] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # per worker process
    removed: list[str] = field(default_factory=list)  # old files of failed or dropped pages

    def add(self, item: Outcome) -> None:
        {Built: self.built, Failed: self.failed, Skipped: self.skipped}[type(item)].append(item)

    def summary(self) -> str:
        from infographics.numbers import integer

        return (f"{integer(len(self.built))} gebouwd, {integer(len(self.failed))} mislukt, "
                f"{integer(len(self.skipped))} overgeslagen")


SLUG_MAX = 80  # characters: file names stay far below the 255-byte limit of file systems


def slug(text: str, limit: int = SLUG_MAX) -> str:
    """'Bibliotheek Fryslân-Zuid' -> 'bibliotheek-fryslan-zuid', cut at a word boundary after
    `limit` characters (names that then coincide get their id added, see _unique_paths)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(name) > limit:
        name = name[:limit].rsplit("-", 1)[0] if "-" in name[:limit] else name[:limit]
    return name


def plan(figures: Figures, subjects: Sequence[str], levels: Sequence[str],
         only: Sequence[str] = (), years: Sequence[str] = ()) -> list[Job]:
    """Every page to build, in a stable order; with `only`, the pages of those entities (a
    school page also when its library is named). File names are decided over the whole
    edition first, so a partial build names a page exactly as a full build does."""
    jobs: list[Job] = []
    for year in years or figures.years():
        for subject in subjects:
            for level in levels:
                if level == "school":
                    if subject == "vo":
                        jobs.extend(_school_jobs(figures, year))
                    continue
                for ent in figures.entities(level, year):
                    name = "nederland" if level == "national" else slug(ent.name)
                    folder = f"{subject}/{FOLDERS[level]}"
                    path = f"{folder}/{subject}-{year}-{name}.pdf"
                    jobs.append(Job(subject, level, ent.id, ent.name, year, path,
                                    ent.id if level == "library" else ""))
    jobs = _unique_paths(jobs)
    if only:
        wanted = set(only)
        jobs = [j for j in jobs if j.entity_id in wanted
                or (j.level == "school" and j.library_id in wanted)]
    return jobs


def _school_jobs(figures: Figures, year: str) -> list[Job]:
    """One star-checklist page per cooperating VO school location, filed under its library."""
    schools = figures.schools
    if schools.empty:
        return []
    rows = schools[(schools["school_year"] == year) & (schools["sector"] == "vo")]
    jobs = []
    for r in rows.sort_values(["library_id", "location_id"]).itertuples():
        library = slug(figures.library(year, r.library_id).library_name)
        path = f"vo/school/{library}/vo-{year}-{slug(r.location_id)}-{slug(r.location_name)}.pdf"
        jobs.append(Job("vo", "school", r.location_id, r.location_name, year, path, r.library_id))
    return jobs


def _unique_paths(jobs: list[Job]) -> list[Job]:
    """Two entities with the same name slug get their id added, so no file is overwritten."""
    seen: dict[str, int] = {}
    for job in jobs:
        seen[job.path] = seen.get(job.path, 0) + 1
    return [
        Job(**{**asdict(j), "path": j.path.replace(".pdf", f"-{slug(j.entity_id)}.pdf")})
        if seen[j.path] > 1 else j
        for j in jobs
    ]


@dataclass
class Context:
    """What every page of a run shares, loaded once per process."""

    figures: Figures
    indicators: Indicators
    style: Style
    layouts: dict[tuple[str, str, str], Layout] = field(default_factory=dict)
    layout_reprs: dict[int, str] = field(default_factory=dict)  # by id() of a cached layout
    report: Report | None = None  # what loading found (warnings, and ignored contact errors)

    def layout(self, subject: str, level: str, path: Path | None = None) -> Layout:
        key = (subject, level, str(path or ""))
        if key not in self.layouts:
            self.layouts[key] = load_layout(path or layout_path(subject, level), self.indicators)
        return self.layouts[key]


def load_context(data: Path, mapping: Path | None = None) -> Context:
    """Data, figures, indicators and style for building pages. Problems in contacts.csv do not
    stop a build (no page shows a contact); `send` refuses them."""
    indicators = load_indicators()
    tables = load(Path(data), mapping, unused=("contacts",))
    return Context(measure(tables, indicators), indicators, load_style(), report=tables.report)


def check_layouts(ctx: Context, jobs: Sequence[Job]) -> None:
    """Load every layout the jobs need (with their fallbacks) before anything is drawn, so a
    layout mistake stops the run once, with its file, line and key, instead of failing every
    page. Raises ConfigError."""
    for subject, level in sorted({(j.subject, j.level) for j in jobs}):
        layout = ctx.layout(subject, level)
        if layout.fallback:
            ctx.layout(subject, level, Path(layout.path).parent / layout.fallback.layout)


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
            layout = ctx.layout(job.subject, job.level,
                                Path(layout.path).parent / layout.fallback.layout)
    content = resolve(layout, ctx.figures, PageTarget(job.level, job.entity_id, job.school_year),
                      ctx.style)
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
        # a page built without verification keeps another fingerprint: a verified run must
        # check it, a run without verification may skip what a verified run made
        unverified = hashlib.sha256((inputs + ":niet-geverifieerd").encode()).hexdigest()
        accepted = (inputs,) if check else (inputs, unverified)
        if (previous is not None and previous.inputs in accepted
                and _unchanged(out / job.path, previous.sha256)):
            return Skipped(job, previous)
        pdf = draw_page(content, ctx.style)
    except InfographicsError as exc:
        return Failed(job, str(exc))
    except Exception as exc:  # one bad page must not stop a batch
        return Failed(job, f"{type(exc).__name__}: {exc}")
    if check:
        findings = verify_pdf(pdf, content.numbers)
        if findings:
            return Failed(job, "verificatie: " + "; ".join(
                f"{f.check}: {f.message}" for f in findings))
    target = out / job.path
    tmp = target.with_suffix(".pdf.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pdf)
        os.replace(tmp, target)  # a reader never sees half a file
    except OSError as exc:  # a full disk, no permission: the page fails, the batch goes on
        return Failed(job, f"schrijven mislukt: {exc}")
    return Built(job, hashlib.sha256(pdf).hexdigest(), 1, inputs if check else unverified)


# --- running many pages: in this process, a local process pool, or a Dask cluster ---------


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build pages: it loads the context once and keeps it."""

    data: str
    mapping: str | None
    out: str
    check: bool
    inputs: str = ""  # fingerprint of the input files: a worker reloads when they changed


@dataclass(frozen=True)
class ChunkResult:
    outcomes: list[Outcome]
    peak_rss_mb: float  # the worker process's peak resident memory so far
    worker: int  # process id


_CONTEXTS: dict[tuple[str, str | None, str], Context] = {}


def _worker_context(spec: WorkerSpec) -> Context:
    key = (spec.data, spec.mapping, spec.inputs)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[key] = load_context(Path(spec.data), Path(spec.mapping) if spec.mapping else None)
    return _CONTEXTS[key]


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def build_chunk(spec: WorkerSpec, chunk: list[tuple[Job, Entry | None]]) -> ChunkResult:
    """Build a list of pages in a worker (local process or Dask worker)."""
    ctx = _worker_context(spec)
    out = Path(spec.out)
    outcomes = [build_one(ctx, job, out, spec.check, previous) for job, previous in chunk]
    return ChunkResult(outcomes, peak_rss_mb(), os.getpid())


def _executor(workers: int, scheduler: str | None, connect_timeout: float = 30):
    """A concurrent.futures executor: a local process pool, or a Dask cluster's executor when
    `scheduler` is its address (tcp://HOST:PORT). Dask workers must see the data and output
    folders at the same paths (a shared file system)."""
    if scheduler:
        from distributed import Client

        client = Client(scheduler, set_as_default=False, timeout=connect_timeout)
        return client.get_executor(pure=False), client
    return ProcessPoolExecutor(workers), None


def build_edition(jobs: Sequence[Job], data: Path, out: Path, mapping: Path | None = None,
        workers: int = 1, ctx: Context | None = None, progress=None,
        check: bool = True, force: bool = False, scheduler: str | None = None,
        edition: str | None = None, connect_timeout: float = 30,
        scope: set[tuple[str, str, str]] | None = None) -> BuildResult:
    """Build `jobs` into `out`, on `workers` processes (or the Dask cluster at `scheduler`);
    skip pages whose fingerprint and file are unchanged (unless `force`); write manifest.csv,
    failures.csv and, when `edition` (an edition fingerprint) is given and nothing failed, the
    edition state that lets an unchanged rebuild skip everything.

    A page that fails is removed with its old file, so an outdated version is never delivered;
    `scope` (school year, subject, level) says which pages this run stands for in full, so pages
    of that scope that are no longer planned are removed as well."""
    out.mkdir(parents=True, exist_ok=True)
    write_state(out, None)  # until this run has finished, the next one checks every page
    result = BuildResult()
    known = {} if force else read_manifest(out)
    work = [(job, known.get(job.path)) for job in jobs]

    def collect(chunk: ChunkResult) -> None:
        if chunk.worker:  # 0: no worker reported (it died)
            result.peak_rss_mb[chunk.worker] = max(chunk.peak_rss_mb,
                                                   result.peak_rss_mb.get(chunk.worker, 0.0))
        for item in chunk.outcomes:
            result.add(item)
            if progress:
                progress(item)

    # a kept context (this process, a Dask worker) is only reused for the same input files
    # absolute: a Dask worker runs in its own working folder
    spec = WorkerSpec(str(Path(data).resolve()), str(Path(mapping).resolve()) if mapping else None,
                      str(Path(out).resolve()), check,
                      edition_fingerprint(data, mapping, {}))
    if ctx is not None:  # used in this process, and inherited by forked pool workers
        _CONTEXTS.clear()
        _CONTEXTS[(spec.data, spec.mapping, spec.inputs)] = ctx
    if scheduler is None and (workers <= 1 or len(jobs) < 8):
        for item in work:
            collect(build_chunk(spec, [item]))
    else:
        size = max(2, min(24, len(work) // (max(workers, 2) * 8)))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        executor, client = _executor(workers, scheduler, connect_timeout)
        try:
            futures = {executor.submit(build_chunk, spec, chunk): chunk for chunk in chunks}
            for future in as_completed(futures):
                try:
                    done = future.result()
                except Exception as exc:  # the worker died (out of memory, killed): its
                    reason = f"werkproces gestopt: {type(exc).__name__}: {exc}"  # pages fail
                    done = ChunkResult([Failed(job, reason) for job, _ in futures[future]],
                                       0.0, 0)
                collect(done)
        finally:  # after Ctrl-C or an error, pages not yet started are cancelled
            if client is not None:
                executor.shutdown(wait=False)
                client.close()
            else:
                executor.shutdown(wait=True, cancel_futures=True)
    # a page that failed now must not be delivered in its old version; with a `scope`, pages
    # of that scope that are no longer planned (a library that left the data) go too
    gone = [f.job.path for f in result.failed]
    planned = {j.path for j in jobs}
    # a page of a planned entity under another file name (the entity was renamed) is outdated
    keys = {(j.school_year, j.subject, j.level, j.entity_id) for j in jobs}
    gone += [p for p, e in read_manifest(out).items() if e.is_page and p not in planned
             and (e.school_year, e.subject, e.level, e.entity_id) in keys]
    if scope is not None:
        gone += [p for p, e in read_manifest(out).items() if e.is_page and p not in planned
                 and (e.school_year, e.subject, e.level) in scope]
    for path in gone:
        try:
            (out / path).unlink(missing_ok=True)
        except OSError:  # cannot be removed: it still leaves the manifest
            pass
    result.removed = sorted(set(gone))
    update_manifest(out, [b.entry() for b in result.built]
                    + [s.as_built().entry() for s in result.skipped], remove=gone)
    # failures of pages this run did not stand for (a run with --only, another subject) remain
    done = {(j.school_year, j.subject, j.level, j.entity_id) for j in jobs}
    write_failures(out, result.failed, [
        row for row in read_failures(out)
        if (row[0], row[1], row[2], row[3]) not in done
        and (scope is None or (row[0], row[1], row[2]) not in scope)])
    if edition and not result.failed:
        write_state(out, EditionState(edition, tuple(j.path for j in jobs)))
    return result


@contextmanager
def exclusive(out: Path):
    """Hold the output folder for one build: a second build into it at the same time would
    mix its manifest and temporary files with this one's. Raises InfographicsError."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with (out / ".bouwslot").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InfographicsError(f"in {out} wordt al gebouwd (een andere build loopt nog); "
                                    "wacht tot die klaar is") from None
        yield


def up_to_date(out: Path, edition: str) -> list[Entry] | None:
    """The manifest entries of the last run when its edition fingerprint is `edition` and every
    one of its files is still there with its sha256; else None (the run must check pages)."""
    state = read_state(out)
    if state is None or state.fingerprint != edition:
        return None
    entries = read_manifest(out)
    listed = [entries.get(path) for path in state.paths]
    if any(e is None or not _unchanged(out / e.path, e.sha256) for e in listed):
        return None
    return listed


FAILURE_COLUMNS = ["school_year", "subject", "level", "entity_id", "entity_name", "reason"]


def read_failures(out: Path) -> list[list[str]]:
    """The rows of failures.csv (without its header); none when there is no such file."""
    try:
        with (out / "failures.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError:
        return []
    return [r for r in rows[1:] if len(r) == len(FAILURE_COLUMNS)]


def write_failures(out: Path, failed: list[Failed], earlier: Sequence[list[str]] = ()) -> None:
    path = out / "failures.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FAILURE_COLUMNS)
        writer.writerows(earlier)
        for f in failed:
            j = f.job
            writer.writerow([j.school_year, j.subject, j.level, j.entity_id, j.entity_name,
                             f.reason])
