"""Incremental builds (issue 5): an unchanged rebuild skips every page, a one-record change
rebuilds exactly the pages whose PDF changes (checked against a fresh full build of the changed
data), `--force` rebuilds all, and a page that cannot be built fails alone.

Editions here are small (national and provincial pages plus the libraries of two provinces)
and built in process, so the module takes a few seconds.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from infographics.cli import main
from infographics.edition import build
from infographics.edition.incremental import STATE_NAME, page_fingerprint
from infographics.edition.lock import exclusive
from infographics.edition.manifest import read_manifest
from infographics.edition.plan import Job, plan

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CHANGED = "bib-0027"  # Gelderland (PV25)


def copy_sample(target: Path) -> Path:
    shutil.copytree(SAMPLE, target)
    return target


def edit_library(data: Path, library_id: str, **values: str) -> None:
    path = data / "libraries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["library_id"] == library_id:
            row.update(values)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def small_plan(ctx: build.Context) -> list[Job]:
    """National and provincial PO and VO pages, and the local pages of Gelderland and
    Groningen libraries."""
    libraries = [i.library_id for i in ctx.figures._libraries.values()
                 if i.province in ("PV25", "PV20")]
    jobs = plan(ctx.figures, ["po", "vo"], ["national", "province", "library"])
    return [j for j in jobs if j.level != "library" or j.entity_id in libraries]


def break_page(monkeypatch, victim: Job) -> None:
    """Make resolving `victim` fail with an InfographicsError ("kapot")."""
    real = build.page_content

    def broken(ctx, job):
        if job == victim:
            raise build.InfographicsError("kapot")
        return real(ctx, job)

    monkeypatch.setattr(build, "page_content", broken)


def built_files(out: Path) -> dict[str, str]:
    return {path: e.sha256 for path, e in read_manifest(out).items()}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """The small edition built once from the sample: (data, out, jobs, result)."""
    root = tmp_path_factory.mktemp("incremental")
    data = copy_sample(root / "data")
    ctx = build.load_context(data)
    jobs = small_plan(ctx)
    out = root / "out"
    result = build.build_edition(jobs, data, out, ctx=ctx)
    assert not result.failed
    return data, out, jobs, result


def test_first_build_builds_everything(first_build):
    _, out, jobs, result = first_build
    assert len(result.built) == len(jobs) > 60
    assert not result.skipped
    assert all(e.inputs for e in read_manifest(out).values())


def test_unchanged_rebuild_skips_every_page(first_build, tmp_path):
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    before = {p: (again / p).stat().st_mtime_ns for p in built_files(again)}
    result = build.build_edition(jobs, data, again, ctx=build.load_context(data))
    assert (len(result.built), len(result.failed), len(result.skipped)) == (0, 0, len(jobs))
    assert result.summary().endswith(f"{len(jobs)} overgeslagen")
    assert {p: (again / p).stat().st_mtime_ns for p in before} == before  # untouched
    assert built_files(again) == built_files(out)


def test_force_rebuilds_every_page_to_the_same_bytes(first_build, tmp_path):
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    result = build.build_edition(jobs, data, again, ctx=build.load_context(data), force=True)
    assert len(result.built) == len(jobs)
    assert not result.skipped
    assert built_files(again) == built_files(out)  # reproducible bytes


def test_a_changed_or_missing_file_is_rebuilt(first_build, tmp_path):
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    damaged, missing = jobs[0].path, jobs[5].path
    (again / damaged).write_bytes(b"%PDF-1.4 kapot")
    (again / missing).unlink()
    result = build.build_edition(jobs, data, again, ctx=build.load_context(data))
    assert sorted(b.job.path for b in result.built) == sorted([damaged, missing])
    assert built_files(again) == built_files(out)


def test_one_changed_record_rebuilds_exactly_the_pages_that_change(first_build, tmp_path):
    """Fewer members 4-12 for one library: its local PO page, Gelderland's PO page and the
    pages that show a figure that moved are rebuilt; the result equals a full build of the
    changed data, and nothing else was touched."""
    data, out, jobs, _ = first_build
    changed_data = copy_sample(tmp_path / "data")
    edit_library(changed_data, CHANGED, members_4_12="20000", active_members_4_12="8000")
    ctx = build.load_context(changed_data)
    assert [j.path for j in small_plan(ctx)] == [j.path for j in jobs]

    incremental = tmp_path / "incremental"
    shutil.copytree(out, incremental)
    result = build.build_edition(jobs, changed_data, incremental, ctx=ctx)
    fresh = tmp_path / "fresh"
    build.build_edition(jobs, changed_data, fresh, ctx=ctx)

    old, new = built_files(out), built_files(fresh)
    differ = {p for p in new if new[p] != old[p]}
    rebuilt = {b.job.path for b in result.built}
    assert rebuilt == differ
    assert built_files(incremental) == new
    assert len(result.skipped) == len(jobs) - len(rebuilt)

    by_key = {(j.subject, j.level, j.entity_id): j.path for j in jobs}
    assert by_key[("po", "library", CHANGED)] in rebuilt
    assert by_key[("po", "province", "PV25")] in rebuilt
    assert by_key[("po", "national", "NL")] in rebuilt
    # VO pages do not show members; libraries in Groningen mostly show nothing that moved
    assert not any(p.startswith("vo/") for p in rebuilt)
    assert by_key[("po", "province", "PV20")] not in rebuilt
    assert len(rebuilt) < len(jobs) // 2


def test_the_fingerprint_covers_style_layout_and_content(ctx):
    import dataclasses

    job = plan(ctx.figures, ["po"], ["national"])[0]
    layout, content = build.page_content(ctx, job)
    base = build.fingerprint(ctx, layout, content)
    assert build.fingerprint(ctx, layout, content) == base
    darker = ctx.style.model_copy(update={
        "colors": ctx.style.colors.model_copy(update={"primary": "#000000"})})
    assert page_fingerprint(darker, build.layout_repr(layout), content) != base
    retitled = layout.model_copy(update={"title": layout.title + " (anders)"})
    assert build.fingerprint(ctx, retitled, content) != base
    relocated = layout.model_copy(update={"path": "/elders/po-landelijk.yaml"})
    assert build.fingerprint(ctx, relocated, content) == base  # a moved checkout rebuilds nothing
    one_less = dataclasses.replace(content, blocks=content.blocks[:-1])
    assert build.fingerprint(ctx, layout, one_less) != base


def test_a_page_that_cannot_fit_fails_alone_and_is_named(tmp_path, capsys):
    """A library name far too long for the header: that library's pages fail with the block
    named; every other page is built; failures.csv lists it; exit status 1."""
    data = copy_sample(tmp_path / "data")
    edit_library(data, "bib-0005", library_name="Bibliotheek " + "".join(
        ["SamenwerkendeGemeentenVanHetWesterkwartierEnOmstreken"] * 3))
    out = tmp_path / "out"
    status = main(["build", "--data", str(data), "--out", str(out), "--subject", "po",
                   "--level", "library", "--only", "bib-0001", "bib-0005", "bib-0027",
                   "--jobs", "1", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 1
    assert "2 gebouwd, 1 mislukt, 0 overgeslagen" in captured.out
    assert "MISLUKT po/lokaal/" in captured.err
    assert "header" in captured.err
    with (out / "failures.csv").open(encoding="utf-8", newline="") as fh:
        failures = list(csv.DictReader(fh))
    assert [f["entity_id"] for f in failures] == ["bib-0005"]
    assert "header" in failures[0]["reason"]
    assert sorted(e.entity_id for e in read_manifest(out).values()) == ["bib-0001", "bib-0027"]


def test_cli_unchanged_rebuild_skips_without_loading(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    args = ["build", "--out", str(out), "--subject", "po", "--level", "province", "--jobs", "1",
            "--no-progress"]
    assert main(args) == 0
    assert "12 gebouwd, 0 mislukt, 0 overgeslagen" in capsys.readouterr().out
    assert (out / STATE_NAME).exists()

    def no_loading(*a, **k):
        raise AssertionError("an unchanged rebuild must not load the data")

    monkeypatch.setattr(build, "load_context", no_loading)
    assert main(args) == 0
    assert "0 gebouwd, 0 mislukt, 12 overgeslagen" in capsys.readouterr().out
    # a damaged file makes the run check pages again
    monkeypatch.undo()
    first = sorted(read_manifest(out))[0]
    (out / first).write_bytes(b"kapot")
    assert main(args) == 0
    assert "1 gebouwd, 0 mislukt, 11 overgeslagen" in capsys.readouterr().out
    assert main(args + ["--force"]) == 0
    assert "12 gebouwd, 0 mislukt, 0 overgeslagen" in capsys.readouterr().out


def test_a_page_that_fails_on_rebuild_loses_its_old_version(first_build, tmp_path, monkeypatch):
    """The old PDF of a page that now fails holds outdated figures: it leaves the output and
    the manifest, so it can never be bundled or sent; the failure is in failures.csv."""
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    victim = next(j for j in jobs if j.entity_id == CHANGED and j.subject == "po")
    break_page(monkeypatch, victim)
    result = build.build_edition(jobs, data, again, ctx=build.load_context(data))
    assert [f.job for f in result.failed] == [victim]
    assert result.removed == [victim.path]
    assert not (again / victim.path).exists()
    assert victim.path not in read_manifest(again)
    assert len(read_manifest(again)) == len(jobs) - 1


def test_pages_no_longer_in_the_data_are_removed_within_the_scope(first_build, tmp_path):
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    dropped = [j for j in jobs if j.entity_id == CHANGED]
    kept = [j for j in jobs if j.entity_id != CHANGED]
    scope = {(j.school_year, j.subject, j.level) for j in jobs}
    result = build.build_edition(kept, data, again, ctx=build.load_context(data), scope=scope)
    assert sorted(result.removed) == sorted(j.path for j in dropped)
    assert sorted(read_manifest(again)) == sorted(j.path for j in kept)
    assert not any((again / j.path).exists() for j in dropped)
    # without a scope (a run with --only) nothing else is touched
    result = build.build_edition(kept[:3], data, again, ctx=build.load_context(data))
    assert result.removed == []
    assert len(read_manifest(again)) == len(kept)


def test_a_partial_build_names_pages_as_the_full_build_does(tmp_path):
    """Two libraries with the same name get their id in the file name, also when only one of
    them is built: a partial build must never take the plain name the full build gave the
    other library (it would overwrite that page)."""
    data = copy_sample(tmp_path / "data")
    edit_library(data, "bib-0002", library_name="Bibliotheek Hunzedal")  # bib-0001's name
    figures = build.load_context(data).figures
    full = {(j.subject, j.entity_id): j.path
            for j in plan(figures, ["po", "vo"], ["library", "school"])}
    assert full[("po", "bib-0001")] != full[("po", "bib-0002")]
    assert full[("po", "bib-0002")].endswith("-bib-0002.pdf")
    for only in (["bib-0001"], ["bib-0002"]):
        for job in plan(figures, ["po", "vo"], ["library", "school"], only=only):
            assert job.path == full[(job.subject, job.entity_id)]


def test_a_library_upgrade_changes_the_program_fingerprint(monkeypatch):
    import importlib.metadata

    from infographics.edition import incremental

    before = incremental.program_fingerprint()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "999.0" if name == "reportlab" else real(name))
    incremental.program_fingerprint.cache_clear()
    try:
        assert incremental.program_fingerprint() != before
    finally:
        incremental.program_fingerprint.cache_clear()


def test_a_page_built_without_verification_is_verified_by_a_later_verified_run(
        first_build, tmp_path, monkeypatch):
    """`--no-verify` then a verified run: the unverified page must be checked, not skipped
    because its fingerprint and file are unchanged."""
    from infographics.verify import Finding

    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    some = jobs[:3]
    victim = some[1]
    ctx = build.load_context(data)
    build.build_edition(some, data, again, ctx=ctx, check=False, force=True)
    real = build.verify_pdf

    def strict(pdf, numbers=None):
        if pdf == (again / victim.path).read_bytes():
            return [Finding("tags", "kapot")]
        return real(pdf, numbers)

    monkeypatch.setattr(build, "verify_pdf", strict)
    result = build.build_edition(some, data, again, ctx=ctx, check=True)
    assert [f.job for f in result.failed] == [victim]
    # an unverified run still skips what a verified run made
    monkeypatch.undo()
    result = build.build_edition(some, data, again, ctx=ctx, check=True)
    assert not result.failed
    assert len(result.built) == 1
    result = build.build_edition(some, data, again, ctx=ctx, check=False)
    assert len(result.skipped) == len(some)


def test_a_run_without_a_context_reads_the_changed_data(first_build, tmp_path):
    """`run` without a ctx (and a Dask worker, which keeps its context between runs) must not
    build from the data as it was at an earlier run."""
    data, out, jobs, _ = first_build
    changed = copy_sample(tmp_path / "data")
    some = [j for j in jobs if j.entity_id == CHANGED and j.subject == "po"]
    target = tmp_path / "out"
    assert len(build.build_edition(some, changed, target).built) == 1
    edit_library(changed, CHANGED, members_4_12="20000", active_members_4_12="8000")
    result = build.build_edition(some, changed, target)
    assert len(result.built) == 1


def test_failures_csv_keeps_the_failures_of_pages_a_partial_run_did_not_build(
        first_build, tmp_path, monkeypatch):
    data, out, jobs, _ = first_build
    again = tmp_path / "again"
    shutil.copytree(out, again)
    victim = jobs[2]
    break_page(monkeypatch, victim)
    ctx = build.load_context(data)
    assert len(build.build_edition(jobs[:4], data, again, ctx=ctx).failed) == 1
    build.build_edition(jobs[:1], data, again, ctx=ctx)  # like --only: the victim was not built
    with (again / "failures.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["entity_id"] for r in csv.DictReader(fh)] == [victim.entity_id]
    monkeypatch.undo()
    build.build_edition(jobs[:4], data, again, ctx=ctx)  # built now: no longer a failure
    with (again / "failures.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == []


def test_a_second_build_into_the_same_folder_at_once_is_refused(tmp_path, capsys):
    """Two builds into one output folder would interleave manifest writes (the last one
    wins, the other's pages drop out of it) and temporary files: the second one stops."""
    out = tmp_path / "out"
    args = ["build", "--out", str(out), "--subject", "po", "--level", "national", "--jobs", "1",
            "--no-progress"]
    assert main(args) == 0
    manifest = (out / "manifest.csv").read_bytes()
    with exclusive(out):
        assert main(args + ["--force"]) == 2
        assert "al gebouwd" in capsys.readouterr().err
        assert (out / "manifest.csv").read_bytes() == manifest
        assert (out / STATE_NAME).exists()
    assert main(args + ["--force"]) == 0


def test_a_renamed_library_built_with_only_leaves_no_page_under_its_old_name(tmp_path):
    """A new name gives a new file name; the page under the old name holds the old name and
    figures and must leave the output and the manifest, also in a run with --only (else a
    bundle would carry two pages for one library)."""
    data = copy_sample(tmp_path / "data")
    out = tmp_path / "out"
    ctx = build.load_context(data)
    jobs = plan(ctx.figures, ["po"], ["library"], only=["bib-0001", "bib-0002"])
    build.build_edition(jobs, data, out, ctx=ctx)
    old = next(j.path for j in jobs if j.entity_id == "bib-0001")
    edit_library(data, "bib-0001", library_name="Bibliotheek Nieuwe Naam")
    ctx = build.load_context(data)
    renamed = plan(ctx.figures, ["po"], ["library"], only=["bib-0001"])
    result = build.build_edition(renamed, data, out, ctx=ctx)
    assert result.removed == [old]
    assert not (out / old).exists()
    assert sorted(e.entity_id for e in read_manifest(out).values()) == ["bib-0001", "bib-0002"]


def test_the_program_fingerprint_covers_the_whole_package():
    """Code outside edition/ (drawing, measuring) changes pages too: the fingerprint must hash
    the infographics package, not only the folder incremental.py lies in."""
    import infographics
    from infographics.edition import incremental

    assert Path(infographics.__file__).resolve().parent == incremental.PACKAGE_DIR
    assert (incremental.PACKAGE_DIR / "page" / "draw.py").is_file()
