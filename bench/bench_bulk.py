"""Bulk-run benchmark (issue 5): the full sample edition with 1 and 2 processes, the unchanged
rebuild (whole-edition check, and page by page), a one-record change, and synthetic editions
of 1.500, 3.000 and 6.000 school pages to show that time grows linearly and worker memory
stays flat.

    python bench/bench_bulk.py            # everything (about 6 minutes on 2 cores)
    python bench/bench_bulk.py --small    # no synthetic editions

Prints a table and appends it to bench/results/bulk.txt. Tests never assert on these numbers.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from infographics.edition import build as b
from infographics.edition.incremental import edition_fingerprint
from infographics.edition.outcome import BuildResult
from infographics.edition.plan import Job, plan
from infographics.levels import PAGE_LEVELS, SUBJECTS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"
YEAR = "2020-2021"
CHOICES = {"subjects": list(SUBJECTS), "levels": list(PAGE_LEVELS), "years": [], "only": [],
           "verify": True}  # as `infographics build --subject all --level all` has them

Say = Callable[[str], None]


def synthetic(target: Path, schools: int) -> Path:
    """The sample with its VO school locations copied until there are `schools` of them, each
    copy a new location of the same library (the libraries' VO counts raised to match)."""
    shutil.copytree(DATA, target)
    with (DATA / "school_locations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    made: list[dict[str, str]] = []
    copy = 0
    while len(made) < schools:
        for row in rows:
            if len(made) == schools:
                break
            new = dict(row)
            if copy:
                new["location_id"] = f"{row['location_id']}-{copy:03d}"
                new["location_name"] = f"{row['location_name']} ({copy + 1})"
            made.append(new)
        copy += 1
    with (target / "school_locations.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(made)
    per_library: dict[str, int] = {}
    for row in made:
        per_library[row["library_id"]] = per_library.get(row["library_id"], 0) + 1
    with (DATA / "libraries.csv").open(encoding="utf-8", newline="") as fh:
        libraries = list(csv.DictReader(fh))
    for lib in libraries:
        n = per_library.get(lib["library_id"])
        if n:
            lib["vo_locations_cooperating"] = str(max(n, int(lib["vo_locations_cooperating"] or 0)))
            lib["vo_locations_in_area"] = str(max(int(lib["vo_locations_in_area"] or 0),
                                                  int(lib["vo_locations_cooperating"])))
    with (target / "libraries.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(libraries[0]))
        writer.writeheader()
        writer.writerows(libraries)
    return target


def timed_run(jobs: Sequence[Job], data: Path, out: Path, workers: int,
              **kw: Any) -> tuple[float, BuildResult]:
    t = time.perf_counter()
    result = b.build_edition(jobs, data, out, workers=workers, **kw)
    return time.perf_counter() - t, result


def rebuild(data: Path, out: Path) -> tuple[float, BuildResult]:
    """Seconds and result of a page-by-page rebuild of the whole edition into `out`."""
    t = time.perf_counter()
    ctx = b.load_context(data)
    result = b.build_edition(plan(ctx.figures, SUBJECTS, PAGE_LEVELS), data, out, workers=2)
    return time.perf_counter() - t, result


def full_runs(say: Say, jobs: Sequence[Job], tmp: Path) -> dict[int, float]:
    """The full edition on 1 and 2 processes: seconds by number of processes."""
    seconds = {}
    for workers in (1, 2):
        s, result = timed_run(jobs, DATA, tmp / f"full{workers}", workers)
        seconds[workers] = s
        peak = max(result.peak_rss_mb.values())
        say(f"full edition, {len(jobs)} pages, {workers} process(es): {s:6.1f} s, "
            f"{len(jobs) / s:5.1f} pages/s, peak memory per worker {peak:5.0f} MB")
    say(f"speed-up on 2 cores: {seconds[1] / seconds[2]:.2f}x")
    return seconds


def unchanged_rebuilds(say: Say, jobs: Sequence[Job], out: Path, full: float) -> None:
    """An unchanged rebuild of `out`: the whole-edition check, then page by page."""
    edition = edition_fingerprint(DATA, None, CHOICES)
    b.build_edition(jobs, DATA, out, workers=2, edition=edition, force=True)
    t = time.perf_counter()
    assert b.up_to_date(out, edition) is not None
    s = time.perf_counter() - t + 0.0
    t = time.perf_counter()
    edition_fingerprint(DATA, None, CHOICES)
    s += time.perf_counter() - t
    say(f"unchanged rebuild, whole-edition check: {s:6.2f} s "
        f"({100 * s / full:.1f}% of the 2-process build)")
    s, again = rebuild(DATA, out)
    say(f"unchanged rebuild, page by page (load, resolve, compare): {s:6.2f} s "
        f"({100 * s / full:.1f}%), {len(again.skipped)} skipped")


def one_record_changed(say: Say, tmp: Path, out: Path) -> None:
    """One library's members changed: only the pages that show it are rebuilt."""
    changed = tmp / "changed"
    shutil.copytree(DATA, changed)
    path = changed / "libraries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["library_id"] == "bib-0027":
            row["members_4_12"], row["active_members_4_12"] = "20000", "8000"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    s, result = rebuild(changed, out)
    say(f"one library record changed: {len(result.built)} pages rebuilt, "
        f"{len(result.skipped)} skipped, {s:6.2f} s")


def synthetic_runs(say: Say, tmp: Path) -> None:
    say("\nsynthetic editions, school pages only, 2 processes:")
    for n in (1500, 3000, 6000):
        data = synthetic(tmp / f"syn{n}", n)
        school_jobs = plan(b.load_context(data).figures, ["vo"], ["school"])
        s, result = timed_run(school_jobs, data, tmp / f"syn{n}-out", 2)
        assert not result.failed, result.failed[:3]
        peak = max(result.peak_rss_mb.values())
        say(f"  {len(school_jobs):5d} school pages: {s:6.1f} s, "
            f"{1000 * s / len(school_jobs):5.1f} ms/page, "
            f"peak memory per worker {peak:5.0f} MB")
        shutil.rmtree(tmp / f"syn{n}-out")


def main() -> int:
    text = io.StringIO()

    def say(line: str = "") -> None:
        print(line, flush=True)
        text.write(line + "\n")

    cores = len(os.sched_getaffinity(0))
    say(f"Bulk runs ({time.strftime('%Y-%m-%d %H:%M')}, {cores} cores)")
    jobs = plan(b.load_context(DATA).figures, SUBJECTS, PAGE_LEVELS)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        seconds = full_runs(say, jobs, tmp)
        unchanged_rebuilds(say, jobs, tmp / "full2", seconds[2])
        one_record_changed(say, tmp, tmp / "full2")
        if "--small" not in sys.argv:
            synthetic_runs(say, tmp)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with (results / "bulk.txt").open("a", encoding="utf-8") as fh:
        fh.write(text.getvalue() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
