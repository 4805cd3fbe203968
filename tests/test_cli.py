"""The command line (`infographics.cli.main`): figures as CSV and JSON, validate on good and
broken data, build of one page with its manifest, and bad input reported with its place and
exit status 2, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import multiyear
import pytest

from infographics.cli import main
from infographics.edition import build
from infographics.edition.plan import plan
from infographics.numbers import integer

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
BAD_LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def broken_copy(tmp_path: Path) -> Path:
    """The sample with one bad cell: libraries.csv row 5 (4th record), po_locations_cooperating."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "libraries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[4][rows[0].index("po_locations_cooperating")] = "veel"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return data


def national(rows: list[dict]) -> dict[str, dict]:
    """The sample's published 2020-2021 figures by indicator (the sample may hold more years)."""
    return {r["indicator"]: r for r in rows if r["school_year"] == "2020-2021"}


def test_figures_csv(capsys):
    assert main(["figures", "--data", str(SAMPLE), "--level", "national", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["level"] for r in rows} == {"national"}
    figures = national(rows)
    assert figures["po_locations_cooperating"]["value"] == "5386"
    assert figures["po_share_cooperating"]["value"].startswith("0.78")
    assert figures["po_share_cooperating"]["numerator"] == "5386"
    assert figures["po_libraries_dbos"]["value"] == "106"
    assert figures["vo_locations_cooperating"]["value"] == "726"
    assert list(rows[0]) == ["school_year", "level", "entity_id", "entity_name", "indicator",
                             "value", "numerator", "denominator", "n", "suppressed"]


def test_figures_json(capsys):
    assert main(["figures", "--data", str(SAMPLE), "--level", "national", "--format",
                 "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    figures = national(rows)
    assert figures["po_locations_cooperating"]["value"] == 5386
    assert figures["po_share_cooperating"]["value"] == pytest.approx(5386 / 6870)
    assert figures["po_libraries_dbos"]["value"] == 106
    assert figures["vo_locations_cooperating"]["value"] == 726
    assert figures["po_locations_cooperating"]["entity_name"] == "Nederland"


def test_figures_to_a_file(tmp_path, capsys):
    out = tmp_path / "export" / "figures.csv"
    assert main(["figures", "--data", str(SAMPLE), "--level", "province", "--output",
                 str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["entity_id"] for r in rows} == {f"PV{n}" for n in range(20, 32)}
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{integer(len(rows))} cijfers geschreven naar {out}" in captured.err


def test_validate_sample_is_ok(capsys):
    assert main(["validate", "--data", str(SAMPLE)]) == 0
    assert "0 fout(en)" in capsys.readouterr().out


def test_validate_broken_copy_names_file_and_row(tmp_path, capsys):
    data = broken_copy(tmp_path)
    report = tmp_path / "problems.csv"
    status = main(["validate", "--data", str(data), "--report", str(report)])
    assert status != 0
    out = capsys.readouterr().out
    assert "libraries.csv:5: po_locations_cooperating: fout:" in out
    assert "'veel'" in out
    assert "1 fout(en)" in out
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["file"], r["row"], r["column"], r["value"]) for r in rows] == [
        ("libraries.csv", "5", "po_locations_cooperating", "veel")]


def test_build_one_library(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--data", str(SAMPLE), "--only", "bib-0027", "--level", "library",
                 "--year", "2020-2021", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "manifest.csv").open(encoding="utf-8")))
    assert [(r["subject"], r["level"], r["entity_id"], r["library_id"]) for r in rows] == [
        ("po", "library", "bib-0027", "bib-0027")]
    assert (out / rows[0]["path"]).is_file()
    assert rows[0]["path"].startswith("po/lokaal/po-2020-2021-bibliotheek-regio-zuid-vallei")
    assert list(csv.reader((out / "failures.csv").open(encoding="utf-8")))[1:] == []
    assert "1 gebouwd, 0 mislukt" in capsys.readouterr().out


def test_build_with_nothing_to_build(tmp_path, capsys):
    assert main(["build", "--data", str(SAMPLE), "--only", "bib-9999", "--level", "library",
                 "--out", str(tmp_path)]) == 1
    assert "Niets te bouwen" in capsys.readouterr().err


def test_build_on_bad_input_prints_the_problems_without_traceback(tmp_path, capsys):
    data = broken_copy(tmp_path)
    status = main(["build", "--data", str(data), "--only", "bib-0001", "--out",
                   str(tmp_path / "out")])
    assert status == 2
    captured = capsys.readouterr()
    assert "libraries.csv:5: po_locations_cooperating: fout:" in captured.err
    assert "Invoer heeft fouten: 1 fout(en)" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "out" / "manifest.csv").exists()


def test_build_on_a_missing_folder(tmp_path, capsys):
    status = main(["build", "--data", str(tmp_path / "nergens"), "--out", str(tmp_path / "o")])
    assert status == 2
    captured = capsys.readouterr()
    assert "nergens" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_build_with_a_bad_layout_names_file_and_line(tmp_path, capsys):
    """A layout error stops the build before any page is drawn, once, with file:line: key;
    a run through the library API (build_edition) lists it per page in failures.csv instead."""
    own = tmp_path / "layouts"
    own.mkdir()
    for name in ("po-provinciaal.yaml", "po-landelijk.yaml"):
        shutil.copy(BAD_LAYOUTS / "overlap.yaml", own / name)
    out = tmp_path / "out"
    status = main(["build", "--data", str(SAMPLE), "--level", "province", "--out", str(out),
                   "--layouts", str(own)])
    assert status == 2
    captured = capsys.readouterr()
    where = f"{own}/po-provinciaal.yaml:13: blocks.intro.at: overlapt met blok 'header'"
    assert captured.err.count(where) == 1
    assert "Traceback" not in captured.err + captured.out
    assert not (out / "manifest.csv").exists()  # nothing was drawn

    ctx = build.load_context(SAMPLE, layouts=own)
    jobs = plan(ctx.figures, ["po"], ["national"])
    result = build.build_edition(jobs, SAMPLE, out, ctx=ctx, layouts=own)
    assert [f.job.entity_id for f in result.failed] == ["NL"]
    failures = list(csv.DictReader((out / "failures.csv").open(encoding="utf-8")))
    assert [r["entity_id"] for r in failures] == ["NL"]
    assert where.replace("provinciaal", "landelijk") in failures[0]["reason"]


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["teken"])
    assert info.value.code == 2


def test_a_bad_contact_does_not_stop_a_build_but_is_mentioned(tmp_path, capsys):
    """No page shows a contact: a bad address in contacts.csv does not stop build or figures
    (it stops send), and the user is told."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "contacts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("@", "@@")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--data", str(data), "--only", "bib-0027", "--level", "library",
                 "--out", str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "Let op: 1 fout in de contactpersonen" in err
    assert "contacts.csv:3: email" in err
    assert "1 pagina gepland" in err
    assert main(["figures", "--data", str(data), "--level", "national"]) == 0
    assert main(["validate", "--data", str(data)]) == 1  # validate still calls it an error


def test_verify_counts_files_in_dutch(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--data", str(SAMPLE), "--only", "NL", "--level", "national",
                 "--subject", "all", "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    # PO, VO and partners: one national page each
    assert capsys.readouterr().out.strip() == "3 PDF's gecontroleerd: 3 in orde, 0 met problemen"
    (tmp_path / "kapot.pdf").write_bytes(b"kapot")
    assert main(["verify", str(tmp_path / "kapot.pdf")]) == 1
    assert "1 PDF gecontroleerd: 0 in orde, 1 met problemen" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "weg.pdf")]) == 2
    assert "weg.pdf: bestaat niet" in capsys.readouterr().err


def _page_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return PdfReader(pdf).pages[0].extract_text()


def test_own_layouts_come_first_and_the_rest_from_the_package(tmp_path, capsys):
    """--layouts: a folder with one changed layout (which extends a packaged base) and one
    whose fallback lies only in the package; everything else is packaged."""
    from infographics.resources import LAYOUTS

    own = tmp_path / "mijn-layouts"
    own.mkdir()
    text = (LAYOUTS / "po-landelijk.yaml").read_text(encoding="utf-8")
    (own / "po-landelijk.yaml").write_text(
        text.replace("title: Aandeel schoollocaties waarmee wordt samengewerkt, per provincie",
                     "title: Samenwerking per provincie (eigen layout)"), encoding="utf-8")
    shutil.copy(LAYOUTS / "vo-lokaal.yaml", own / "vo-lokaal.yaml")  # fallback: packaged
    out = tmp_path / "out"
    args = ["build", "--data", str(SAMPLE), "--out", str(out), "--layouts", str(own),
            "--no-progress", "--only", "NL", "bib-0001", "--year", "2020-2021"]
    assert main([*args, "--subject", "po", "--level", "national"]) == 0
    assert "(eigen layout)" in _page_text(out / "po/landelijk/po-2020-2021-nederland.pdf")
    assert main([*args, "--subject", "vo", "--level", "library"]) == 0
    assert main(["build", "--data", str(SAMPLE), "--out", str(tmp_path / "gewoon"),
                 "--no-progress", "--subject", "po", "--level", "national",
                 "--year", "2020-2021"]) == 0
    plain = _page_text(tmp_path / "gewoon/po/landelijk/po-2020-2021-nederland.pdf")
    assert "(eigen layout)" not in plain


def test_layouts_must_be_a_folder(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["build", "--layouts", str(tmp_path / "nergens")])
    assert "geen map" in capsys.readouterr().err


def test_bundle_preview_and_a_dry_run_into_the_edition_take_its_lock(tmp_path, capsys):
    """Every command that writes into an output folder holds its lock: while a build holds it
    (here this very process, which stops at once instead of waiting for itself), bundle,
    preview and a dry run into the edition's outbox stop, naming the holder."""
    import os

    from infographics.edition.lock import exclusive

    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--subject", "po", "--level", "national",
                 "--jobs", "1", "--no-progress"]) == 0
    capsys.readouterr()
    with exclusive(out, "build"):
        for command in ("bundle", "preview", "send"):
            assert main([command, "--data", str(SAMPLE), "--out", str(out)]) == 2, command
            err = capsys.readouterr().err
            assert f"in {out} wordt al gebouwd door proces {os.getpid()} op " in err, command
    assert not (out / "outbox").exists()


def test_a_dry_run_outside_the_edition_does_not_lock_it(tmp_path, capsys):
    """A dry run with --outbox elsewhere writes nothing into the edition: it needs no lock, so
    it can run from an edition that another process is building (or a read-only copy)."""
    from infographics.edition.lock import exclusive

    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--subject", "po", "--level", "national",
                 "--jobs", "1", "--no-progress"]) == 0
    with exclusive(out, "build"):
        code = main(["send", "--data", str(SAMPLE), "--out", str(out), "--outbox",
                     str(tmp_path / "elders"), "--only", "national"])
    assert code in (0, 1)  # 1: the edition lacks pages other mails would need
    assert "al gebouwd" not in capsys.readouterr().err
    assert list((tmp_path / "elders").glob("*.eml"))


def test_build_years_latest_by_default_repeatable_or_all(tmp_path):
    data = multiyear.write(tmp_path / "data")

    def built(*years: str) -> list[str]:
        out = tmp_path / ("out-" + "-".join(years))
        args = ["build", "--data", str(data), "--out", str(out), "--subject", "all",
                "--level", "national", "--jobs", "1", "--no-progress"]
        assert main(args + [a for y in years for a in ("--year", y)]) == 0
        return sorted(p.name for p in out.rglob("*.pdf"))

    assert built() == ["po-2022-2023-nederland.pdf", "vo-2022-2023-nederland.pdf"]
    assert built("2019-2020", "2021-2022") == [  # no PO survey in 2019-2020: no PO page
        "po-2021-2022-nederland.pdf", "vo-2019-2020-nederland.pdf", "vo-2021-2022-nederland.pdf"]
    assert len(built("all")) == 3 + 4


def test_figures_of_an_edition_are_its_years_and_those_it_shows(tmp_path, capsys):
    data = multiyear.write(tmp_path / "data")
    assert main(["figures", "--data", str(data), "--level", "national", "--year",
                 "2021-2022"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted({r["school_year"] for r in rows}) == ["2019-2020", "2020-2021", "2021-2022"]
    assert main(["figures", "--data", str(data), "--level", "national"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted({r["school_year"] for r in rows}) == list(multiyear.YEARS)


@pytest.mark.parametrize("command", [
    ["figures", "--level", "national"],
    ["build", "--level", "national", "--subject", "all", "--jobs", "1", "--no-progress"],
    ["bundle"],
])
def test_a_year_not_in_the_data_is_named_with_the_years_there_are(tmp_path, capsys, command):
    data = multiyear.write(tmp_path / "data")
    out = tmp_path / "out"
    where = ["--out", str(out)] if command[0] != "figures" else []
    assert main([*command, "--data", str(data), *where, "--year", "2030"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "gevraagd jaar 2030 komt niet voor (wel: " in captured.err
    assert "2021-2022" in captured.err
    assert not list(out.rglob("*.pdf"))


def test_a_year_of_another_subject_is_named_with_the_subjects_years(tmp_path, capsys):
    data = multiyear.write(tmp_path / "data")
    assert main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--subject",
                 "po", "--level", "national", "--year", "2019-2020", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "gevraagd jaar 2019-2020 komt niet voor (wel: po: " in err
    assert "vo:" not in err
