"""Building: a `Plan` of pages (theme x level x entity) into PDF files, `manifest.csv` and
`failures.csv` in an output folder.

Workers load the data, indicators, layouts and theme once and then build many pages each, so a
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
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .compose import compose
from .errors import InfographicsError
from .indicators import Indicators, load_indicators
from .layout import Layout, layout_path, load_layout
from .load import load
from .manifest import Entry, update_manifest
from .measure import Figures, measure
from .pages import LEVEL_NAMES, Entity, resolve
from .theme import Theme, load_theme
from .verify import verify_pdf

THEMES = ("po", "vo")
LEVELS = ("national", "province", "library", "school")


@dataclass(frozen=True)
class Job:
    theme: str
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
        return Entry(j.school_year, j.theme, j.level, j.entity_id, j.entity_name, j.library_id,
                     j.path, self.sha256, self.pages, self.inputs)


@dataclass(frozen=True)
class Failed:
    job: Job
    reason: str


@dataclass
class BuildResult:
    built: list[Built] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    def summary(self) -> str:
        from .numbers import integer

        return f"{integer(len(self.built))} gebouwd, {integer(len(self.failed))} mislukt"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def plan(figures: Figures, themes: Sequence[str], levels: Sequence[str],
         only: Sequence[str] = (), years: Sequence[str] = ()) -> list[Job]:
    """Every page to build, in a stable order."""
    jobs: list[Job] = []
    for year in years or figures.years():
        for theme in themes:
            for level in levels:
                if level == "school":
                    if theme == "vo":
                        jobs.extend(_school_jobs(figures, year, only))
                    continue
                for ent in figures.entities(level, year):
                    if only and ent.id not in only:
                        continue
                    name = "nederland" if level == "national" else slug(ent.name)
                    folder = f"{theme}/{LEVEL_NAMES[level]}"
                    path = f"{folder}/{theme}-{year}-{name}.pdf"
                    jobs.append(Job(theme, level, ent.id, ent.name, year, path,
                                    ent.id if level == "library" else ""))
    return _unique_paths(jobs)


def _school_jobs(figures: Figures, year: str, only: Sequence[str]) -> list[Job]:
    """One star-checklist page per cooperating VO school location, filed under its library."""
    schools = figures.schools
    if schools.empty:
        return []
    rows = schools[(schools["school_year"] == year) & (schools["sector"] == "vo")]
    jobs = []
    for r in rows.sort_values(["library_id", "location_id"]).itertuples():
        if only and r.location_id not in only and r.library_id not in only:
            continue
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
    theme: Theme
    layouts: dict[tuple[str, str, str], Layout] = field(default_factory=dict)

    def layout(self, theme: str, level: str, path: Path | None = None) -> Layout:
        key = (theme, level, str(path or ""))
        if key not in self.layouts:
            self.layouts[key] = load_layout(path or layout_path(theme, level), self.indicators)
        return self.layouts[key]


def load_context(data: Path, mapping: Path | None = None) -> Context:
    indicators = load_indicators()
    tables = load(Path(data), mapping)
    return Context(measure(tables, indicators), indicators, load_theme())


def render(ctx: Context, job: Job) -> bytes:
    """One page's PDF bytes."""
    return render_page(ctx, job)[0]


def render_page(ctx: Context, job: Job) -> tuple[bytes, tuple[str, ...]]:
    """One page's PDF bytes and every formatted figure it shows."""
    layout = ctx.layout(job.theme, job.level)
    if layout.fallback:
        fig = ctx.figures.get(job.school_year, job.level, job.entity_id,
                              layout.fallback.when_zero)
        if not fig.value:
            layout = ctx.layout(job.theme, job.level,
                                Path(layout.path).parent / layout.fallback.layout)
    content = resolve(layout, ctx.figures, Entity(job.level, job.entity_id, job.school_year),
                      ctx.theme)
    return compose(content, ctx.theme), content.numbers


def build_one(ctx: Context, job: Job, out: Path, check: bool = True) -> Built | Failed:
    """Build one page; with `check`, verify it (tags, fonts, A4, figures shown) before it
    counts as built."""
    try:
        pdf, numbers = render_page(ctx, job)
    except InfographicsError as exc:
        return Failed(job, str(exc))
    except Exception as exc:  # one bad page must not stop a batch
        return Failed(job, f"{type(exc).__name__}: {exc}")
    if check:
        findings = verify_pdf(pdf, numbers)
        if findings:
            return Failed(job, "verificatie: " + "; ".join(
                f"{f.check}: {f.message}" for f in findings))
    target = out / job.path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".pdf.tmp")
    tmp.write_bytes(pdf)
    os.replace(tmp, target)  # a reader never sees half a file
    return Built(job, hashlib.sha256(pdf).hexdigest(), 1)


_WORKER: dict = {}


def _init_worker(data: str, mapping: str | None, out: str, check: bool) -> None:
    _WORKER["ctx"] = load_context(Path(data), Path(mapping) if mapping else None)
    _WORKER["out"] = Path(out)
    _WORKER["check"] = check


def _work(jobs: list[Job]) -> list[Built | Failed]:
    return [build_one(_WORKER["ctx"], job, _WORKER["out"], _WORKER["check"]) for job in jobs]


def run(jobs: Sequence[Job], data: Path, out: Path, mapping: Path | None = None,
        workers: int = 1, ctx: Context | None = None, progress=None,
        check: bool = True) -> BuildResult:
    """Build `jobs` into `out`, on `workers` processes; write manifest.csv and failures.csv."""
    out.mkdir(parents=True, exist_ok=True)
    result = BuildResult()

    def collect(items: Iterable[Built | Failed]) -> None:
        for item in items:
            (result.built if isinstance(item, Built) else result.failed).append(item)
            if progress:
                progress(item)

    if workers <= 1 or len(jobs) < 8:
        ctx = ctx or load_context(data, mapping)
        collect(build_one(ctx, job, out, check) for job in jobs)
    else:
        size = max(4, len(jobs) // (workers * 8))
        chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(str(data), str(mapping) if mapping else None,
                                           str(out), check)) as pool:
            for items in pool.map(_work, chunks):
                collect(items)
    write_manifest(out, result.built)
    write_failures(out, result.failed)
    return result


def write_manifest(out: Path, built: list[Built]) -> None:
    """Merge this run's pages into manifest.csv (rows of other files are kept)."""
    update_manifest(out, [b.entry() for b in built])


def write_failures(out: Path, failed: list[Failed]) -> None:
    path = out / "failures.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["school_year", "theme", "level", "entity_id", "entity_name", "reason"])
        for f in failed:
            j = f.job
            writer.writerow([j.school_year, j.theme, j.level, j.entity_id, j.entity_name,
                             f.reason])
