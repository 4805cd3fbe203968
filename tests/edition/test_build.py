"""Building: the plan of PO pages, readable unique file names, and `run` writing PDFs,
manifest.csv (with each file's sha256) and failures.csv, one failed page not stopping the rest.

Only a handful of pages is built (in process; a page takes ~60 ms).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from pathlib import Path

import multiyear
import pypdf
import pytest

from infographics.data.measure import Entity, Figure
from infographics.edition import build
from infographics.edition.build import Recorder, build_edition, load_context, render
from infographics.edition.manifest import read_manifest, sha256_file
from infographics.edition.outcome import BuildResult, Built
from infographics.edition.plan import Job, plan, slug
from infographics.edition.workers import ChunkResult
from infographics.errors import PageError

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
YEAR = "2020-2021"
HANDFUL = ["NL", "PV21", "bib-0001", "bib-0027", "bib-0078"]


@pytest.fixture(scope="module")
def jobs(ctx) -> list[Job]:
    return plan(ctx.figures, ["po"], ["national", "province", "library"], years=[YEAR])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_plan_counts(jobs):
    assert Counter(j.level for j in jobs) == {"national": 1, "province": 12, "library": 140}
    assert {j.subject for j in jobs} == {"po"}
    assert {j.school_year for j in jobs} == {YEAR}


def test_plan_paths_are_readable_and_unique(jobs):
    paths = [j.path for j in jobs]
    assert len(set(paths)) == len(paths) == 153
    folders = {"national": "landelijk", "province": "provinciaal", "library": "lokaal"}
    for j in jobs:
        assert re.fullmatch(rf"po/{folders[j.level]}/po-{YEAR}-[a-z0-9]+(-[a-z0-9]+)*\.pdf",
                            j.path), j.path
    by_id = {j.entity_id: j for j in jobs}
    assert by_id["NL"].path == f"po/landelijk/po-{YEAR}-nederland.pdf"
    assert by_id["PV21"].path == f"po/provinciaal/po-{YEAR}-fryslan.pdf"
    assert by_id["bib-0027"].path == (
        f"po/lokaal/po-{YEAR}-bibliotheek-regio-zuid-vallei-en-ijsselvallei-samenwerkende-"
        "gemeenten.pdf")


def test_plan_library_jobs_carry_the_library_id(jobs):
    for j in jobs:
        assert j.library_id == (j.entity_id if j.level == "library" else "")


def test_plan_is_stable_and_only_filters(ctx, jobs):
    assert plan(ctx.figures, ["po"], ["national", "province", "library"], years=[YEAR]) == jobs
    only = plan(ctx.figures, ["po"], ["national", "province", "library"], years=[YEAR],
                only=["bib-0027", "PV21"])
    assert [j.entity_id for j in only] == ["PV21", "bib-0027"]
    assert plan(ctx.figures, ["po"], ["library"], years=["2019-2020"]) == []


def test_slug():
    assert slug("Bibliotheek Klaverlân en Fryslân") == "bibliotheek-klaverlan-en-fryslan"
    assert slug("  Bibliotheek 's-Hertogenbosch (Zuid)! ") == "bibliotheek-s-hertogenbosch-zuid"


class _TwinFigures:
    """Two libraries whose names give the same slug."""

    def years(self, subject=None):
        return [YEAR]

    def get(self, year, level, entity_id, indicator):  # both libraries answered the survey
        return Figure(indicator, 2.0, 2.0, None, 2)

    def entities(self, level, year=None, subject=None):
        if level != "library":
            return []
        return [Entity(YEAR, "library", "bib-1", "Bibliotheek Aa"),
                Entity(YEAR, "library", "bib-2", "Bibliotheek  AA")]


def test_same_name_slug_gets_the_id_added():
    paths = [j.path for j in plan(_TwinFigures(), ["po"], ["library"])]
    assert paths == [f"po/lokaal/po-{YEAR}-bibliotheek-aa-bib-1.pdf",
                     f"po/lokaal/po-{YEAR}-bibliotheek-aa-bib-2.pdf"]


def test_run_writes_pdfs_and_manifest(ctx, jobs, tmp_path):
    chosen = [j for j in jobs if j.entity_id in HANDFUL]
    result = build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    assert not result.failed
    assert len(result.built) == len(HANDFUL)
    assert result.summary() == "5 gebouwd, 0 mislukt, 0 overgeslagen"
    with (tmp_path / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["school_year", "subject", "level", "entity_id",
                                        "entity_name", "library_id", "path", "sha256", "pages",
                                        "inputs"]
    rows = read_csv(tmp_path / "manifest.csv")
    assert sorted(r["entity_id"] for r in rows) == sorted(HANDFUL)
    for row in rows:
        data = (tmp_path / row["path"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["pages"] == "1" == str(len(pypdf.PdfReader(io.BytesIO(data)).pages))
        job = next(j for j in chosen if j.entity_id == row["entity_id"])
        assert (row["school_year"], row["subject"], row["level"], row["entity_name"],
                row["library_id"], row["path"]) == (job.school_year, job.subject, job.level,
                                                    job.entity_name, job.library_id, job.path)
    assert read_csv(tmp_path / "failures.csv") == []
    assert not list(tmp_path.rglob("*.tmp"))


def fail_for(monkeypatch, entity_id: str, error: Exception) -> None:
    """Make rendering one entity's page raise `error` (build_one resolves through page_content;
    render and render_page are patched too in case they are called directly)."""
    for name in ("render", "render_page", "page_content"):
        real = getattr(build, name, None)
        if real is None:
            continue

        def broken(context, job, _real=real):
            if entity_id in ("*", job.entity_id):
                raise error
            return _real(context, job)

        monkeypatch.setattr(build, name, broken)


def test_a_failing_page_is_listed_and_the_others_are_built(ctx, jobs, tmp_path, monkeypatch):
    fail_for(monkeypatch, "bib-0027", PageError("header", "tekst past niet in het blok"))
    chosen = [j for j in jobs if j.entity_id in HANDFUL]
    result = build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    assert [f.job.entity_id for f in result.failed] == ["bib-0027"]
    assert len(result.built) == len(HANDFUL) - 1
    failures = read_csv(tmp_path / "failures.csv")
    assert len(failures) == 1
    assert failures[0]["entity_id"] == "bib-0027"
    assert failures[0]["level"] == "library"
    assert failures[0]["school_year"] == YEAR
    assert failures[0]["entity_name"].startswith("Bibliotheek Regio Zuid-Vallei")
    assert failures[0]["reason"] == "blok 'header': tekst past niet in het blok"
    manifest = read_csv(tmp_path / "manifest.csv")
    assert "bib-0027" not in {r["entity_id"] for r in manifest}
    assert len(manifest) == len(HANDFUL) - 1
    failed_job = next(j for j in chosen if j.entity_id == "bib-0027")
    assert not (tmp_path / failed_job.path).exists()
    for job in chosen:
        if job.entity_id != "bib-0027":
            assert (tmp_path / job.path).exists()


def test_an_unexpected_error_is_a_failure_too(ctx, jobs, tmp_path, monkeypatch):
    fail_for(monkeypatch, "*", ZeroDivisionError("kapot"))
    result = build_edition([j for j in jobs if j.entity_id == "NL"], SAMPLE, tmp_path, ctx=ctx)
    assert [f.reason for f in result.failed] == ["ZeroDivisionError: kapot"]
    assert read_csv(tmp_path / "failures.csv")[0]["reason"] == "ZeroDivisionError: kapot"


def test_manifest_keeps_rows_of_earlier_runs(ctx, jobs, tmp_path):
    by_id = {j.entity_id: j for j in jobs}
    build_edition([by_id["NL"]], SAMPLE, tmp_path, ctx=ctx)
    build_edition([by_id["bib-0001"]], SAMPLE, tmp_path, ctx=ctx)
    rows = read_csv(tmp_path / "manifest.csv")
    assert [r["entity_id"] for r in rows] == ["NL", "bib-0001"]  # sorted by path
    build_edition([by_id["NL"]], SAMPLE, tmp_path, ctx=ctx)  # again: replaced, not duplicated
    assert len(read_csv(tmp_path / "manifest.csv")) == 2


def test_progress_is_called_per_page(ctx, jobs, tmp_path):
    seen = []
    build_edition([j for j in jobs if j.entity_id in ("NL", "PV21")], SAMPLE, tmp_path, ctx=ctx,
        progress=seen.append)
    assert [type(s).__name__ for s in seen] == ["Built", "Built"]


def test_same_job_same_file(ctx, jobs, tmp_path):
    job = next(j for j in jobs if j.entity_id == "bib-0078")
    a = build_edition([job], SAMPLE, tmp_path / "a", ctx=ctx).built[0]
    b = build_edition([job], SAMPLE, tmp_path / "b", ctx=ctx).built[0]
    assert a.sha256 == b.sha256
    assert (tmp_path / "a" / job.path).read_bytes() == (tmp_path / "b" / job.path).read_bytes()


def test_slug_keeps_file_names_short():
    name = "Bibliotheek " + " ".join(["Samenwerkende Gemeenten van het Westerkwartier"] * 10)
    cut = slug(name)
    assert len(cut) <= 80
    assert not cut.endswith("-")
    assert cut.startswith("bibliotheek-samenwerkende-gemeenten-van-het-westerkwartier-")
    assert slug("Bibliotheek Fryslân-Zuid") == "bibliotheek-fryslan-zuid"


def test_a_worker_process_that_dies_fails_its_pages_and_the_batch_goes_on(
        ctx, jobs, tmp_path, monkeypatch):
    """A worker killed mid-page (out of memory): no traceback out of `run`; the pages that
    could not be built are failures named in failures.csv, the built ones are in the
    manifest, and every page reaches the progress."""
    import os

    victim = next(j for j in jobs if j.entity_id == "bib-0027")
    parent = os.getpid()
    real = build.build_one

    def dying(context, job, *args, **kwargs):
        if job == victim and os.getpid() != parent:
            os._exit(9)
        return real(context, job, *args, **kwargs)

    monkeypatch.setattr(build, "build_one", dying)
    chosen = [j for j in jobs if j.level != "library" or j.entity_id in HANDFUL]
    seen = []
    result = build_edition(chosen, SAMPLE, tmp_path, ctx=ctx, workers=2, progress=seen.append)
    assert victim in [f.job for f in result.failed]
    assert len(result.built) + len(result.failed) == len(chosen) == len(seen)
    failed = {r["entity_id"] for r in read_csv(tmp_path / "failures.csv")}
    assert failed == {f.job.entity_id for f in result.failed}
    assert len(read_csv(tmp_path / "manifest.csv")) == len(result.built)


def test_worker_spec_paths_are_absolute(ctx, jobs, tmp_path, monkeypatch):
    """Dask workers run in their own working folder: relative --data/--out must reach them
    as absolute paths, or pages are written where nobody looks."""
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    specs = []
    real = build.build_chunk

    def spy(spec, chunk):
        specs.append(spec)
        return real(spec, chunk)

    monkeypatch.setattr(build, "build_chunk", spy)
    build_edition([j for j in jobs if j.entity_id == "NL"], Path("data"), Path("out"), ctx=ctx)
    assert specs
    assert all(Path(s.data).is_absolute() and Path(s.out).is_absolute()
                         for s in specs)
    assert (tmp_path / "out" / "manifest.csv").exists()


def test_ctrl_c_stops_the_pool_without_building_the_rest(ctx, jobs, tmp_path):
    """Ctrl-C (here raised by the progress callback) must stop the run, not wait until the
    pool has built every queued page."""
    chosen = jobs[:48]

    def interrupt(item):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_edition(chosen, SAMPLE, tmp_path, ctx=ctx, workers=2, progress=interrupt)
    assert len(list(tmp_path.rglob("*.pdf"))) < len(chosen) // 2


def test_a_page_that_cannot_be_written_fails_alone(ctx, jobs, tmp_path):
    chosen = [j for j in jobs if j.entity_id in HANDFUL]
    blocked = chosen[1]
    (tmp_path / blocked.path).mkdir(parents=True)  # a folder where the PDF should go
    result = build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    assert [f.job for f in result.failed] == [blocked]
    assert len(result.built) == len(chosen) - 1
    assert [r["entity_id"] for r in read_csv(tmp_path / "failures.csv")] == [blocked.entity_id]


# --- crash-safe (issue 12): the manifest as the run goes, in an order a kill cannot break -----


def test_a_stopped_build_keeps_the_rows_of_the_pages_it_built(ctx, jobs, tmp_path):
    chosen = [j for j in jobs if j.entity_id in HANDFUL]
    done = []

    def stop_after_three(item):
        done.append(item.job.path)
        if len(done) == 3:
            raise KeyboardInterrupt  # Ctrl-C, or SIGTERM as the command line raises it

    with pytest.raises(KeyboardInterrupt):
        build_edition(chosen, SAMPLE, tmp_path, ctx=ctx, progress=stop_after_three)
    listed = read_manifest(tmp_path)
    assert sorted(listed) == sorted(done)
    assert all(sha256_file(tmp_path / p) == e.sha256 for p, e in listed.items())
    again = build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    assert sorted(s.job.path for s in again.skipped) == sorted(done)
    assert len(again.built) == len(chosen) - 3


def _chunk(n: int) -> ChunkResult:
    job = Job("po", "library", f"bib-{n:04d}", f"B {n}", YEAR, f"po/lokaal/po-{YEAR}-b{n}.pdf",
              f"bib-{n:04d}")
    return ChunkResult([Built(job, f"{n:064d}", 1)], 0.0, 1)


def test_rows_are_written_every_n_pages_and_every_few_seconds(tmp_path):
    clock = [0.0]
    result = BuildResult()
    record = Recorder(tmp_path, result, every_pages=3, every_seconds=2.0,
                      clock=lambda: clock[0])
    record(_chunk(0))
    record(_chunk(1))
    assert not (tmp_path / "manifest.csv").exists()
    record(_chunk(2))  # the third page
    assert len(read_manifest(tmp_path)) == 3
    record(_chunk(3))
    assert len(read_manifest(tmp_path)) == 3
    clock[0] = 2.5  # two seconds later
    record(_chunk(4))
    assert len(read_manifest(tmp_path)) == 5
    assert record.flushes == 2


def test_a_kill_after_the_manifest_and_before_a_removal_leaves_no_row_without_its_file(
        ctx, jobs, tmp_path, monkeypatch):
    """A page that fails now loses its old file and its row: the row goes first. Killed in
    between, the file is there without a row, and the next run removes or rebuilds it."""
    chosen = [j for j in jobs if j.entity_id in HANDFUL]
    build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    victim = chosen[1]
    real_content, real_unlink = build.page_content, Path.unlink

    def broken(ctx, job):
        if job == victim:
            raise build.InfographicsError("kapot")
        return real_content(ctx, job)

    def killed(self, missing_ok=False):
        if self.name == Path(victim.path).name:
            raise KeyboardInterrupt  # the process dies here
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(build, "page_content", broken)
    monkeypatch.setattr(Path, "unlink", killed)
    with pytest.raises(KeyboardInterrupt):
        build_edition(chosen, SAMPLE, tmp_path, ctx=ctx, force=True)
    listed = read_manifest(tmp_path)
    assert victim.path not in listed
    assert (tmp_path / victim.path).exists()
    assert all((tmp_path / p).exists() for p in listed)
    monkeypatch.undo()
    build_edition(chosen[2:], SAMPLE, tmp_path, ctx=ctx)  # a run that does not plan the victim
    assert not (tmp_path / victim.path).exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf")) == \
        sorted(read_manifest(tmp_path))


def test_a_page_file_that_no_row_lists_is_removed_by_the_next_build(ctx, jobs, tmp_path):
    chosen = [j for j in jobs if j.entity_id in HANDFUL[:2]]
    build_edition(chosen, SAMPLE, tmp_path, ctx=ctx)
    stray = tmp_path / "po" / "lokaal" / f"po-{YEAR}-half-vastgelegd.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.4 written by a run killed before it recorded it")
    assert len(build_edition(chosen, SAMPLE, tmp_path, ctx=ctx).skipped) == 2
    assert not stray.exists()
    assert len(list(tmp_path.rglob("*.pdf"))) == 2


def test_an_earlier_edition_is_byte_identical_with_or_without_later_years(tmp_path):
    """Nothing of 2022-2023 leaks into the 2021-2022 edition: its pages are the same bytes
    whether or not the data holds 2022-2023."""
    with_later = load_context(multiyear.write(tmp_path / "all"))
    without = load_context(multiyear.write(tmp_path / "upto", multiyear.YEARS[:3]))
    year = ["2021-2022"]
    jobs = plan(with_later.figures, ["po", "vo"], ["national", "province", "library"], years=year)
    assert jobs == plan(without.figures, ["po", "vo"], ["national", "province", "library"],
                        years=year)
    assert {j.entity_id for j in jobs} >= {"NL", "PV25", "bib-m", "bib-c"}
    for job in jobs:
        assert render(with_later, job) == render(without, job), job.path
    latest = plan(with_later.figures, ["po"], ["national"])[0]
    assert latest.school_year == "2022-2023"
    assert render(with_later, latest) != render(with_later, jobs[0])
