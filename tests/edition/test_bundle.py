"""POI bundles (issue 5, item 4): every POI's zip holds exactly the pages the data contract
entitles it to, no library's local or school page reaches another POI, the merged print PDF
has the POI's local PO pages in order with bookmarks, and the files are reproducible, recorded
in the manifest and only rebuilt when their pages change.

The expected contents are computed here straight from the reference CSVs (libraries.province,
provinces.poi_id), not through `Entitlements`, so a wrong rule there makes these tests fail.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from editions import LIBRARIES, SAMPLE, copy_edition

from infographics.cli import main
from infographics.data.read import load
from infographics.edition.bundle import make_bundles, plan_bundles, run_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import Entry, read_manifest, sha256_file, update_manifest
from infographics.errors import InfographicsError
from infographics.verify import verify_folder

YEAR = "2020-2021"


def rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


LIB_PROVINCE = {r["library_id"]: r["province"] for r in rows("libraries.csv")
                if r["school_year"] == YEAR}
LIB_NAME = {r["library_id"]: r["library_name"] for r in rows("libraries.csv")
            if r["school_year"] == YEAR}
PROVINCE_POI = {r["province"]: r["poi_id"] for r in rows("provinces.csv")}
PROVINCE_NAME = {r["province"]: r["province_name"] for r in rows("provinces.csv")}
POI_NAME = {r["poi_id"]: r["poi_name"] for r in rows("pois.csv")}


def expected_poi(entry: Entry) -> str | None:
    """The one POI a local, school or provincial page belongs to; None for national pages."""
    if entry.level == "national":
        return None
    if entry.level == "province":
        return PROVINCE_POI[entry.entity_id]
    return PROVINCE_POI[LIB_PROVINCE[entry.library_id]]


def expected_contents(pages: list[Entry], poi: str) -> list[str]:
    return sorted(e.path for e in pages if expected_poi(e) in (None, poi))


@pytest.fixture(scope="module")
def entitlements() -> Entitlements:
    return Entitlements.from_tables(load(SAMPLE))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, ctx, entitlements):
    """A copy of the small edition, bundled once: (out, the page entries, the bundle rows)."""
    out = copy_edition(tmp_path_factory, ctx, "bundle")
    pages = [e for e in read_manifest(out).values() if e.is_page]
    return out, pages, make_bundles(out, entitlements)


def zip_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def test_one_zip_and_one_print_pdf_per_poi(bundled):
    out, _, entries = bundled
    zips = {e.entity_id: e for e in entries if e.level == "bundle"}
    prints = {e.entity_id: e for e in entries if e.level == "print"}
    assert set(zips) == set(prints) == set(POI_NAME)
    for poi, e in zips.items():
        assert e.path == f"bundels/{YEAR}/{poi}-{YEAR}.zip"
        assert prints[poi].path == f"bundels/{YEAR}/{poi}-{YEAR}-lokaal-po-print.pdf"
        assert (out / e.path).is_file()
        assert (out / prints[poi].path).is_file()


def test_each_zip_holds_exactly_the_entitled_pages(bundled):
    out, pages, entries = bundled
    by_path = {e.path: e for e in pages}
    for e in entries:
        if e.level != "bundle":
            continue
        names = zip_names(out / e.path)
        assert names == expected_contents(pages, e.entity_id), e.entity_id
        with zipfile.ZipFile(out / e.path) as zf:
            for name in names:  # the very bytes the manifest recorded
                assert hashlib.sha256(zf.read(name)).hexdigest() == by_path[name].sha256


def test_no_local_or_school_page_reaches_another_poi(bundled):
    out, pages, entries = bundled
    holders = defaultdict(set)
    for e in entries:
        if e.level == "bundle":
            for name in zip_names(out / e.path):
                holders[name].add(e.entity_id)
    national = [e.path for e in pages if e.level == "national"]
    assert len(national) == 2
    for path in national:  # in every bundle
        assert holders[path] == set(POI_NAME)
    local = [e for e in pages if e.level in ("library", "school")]
    assert {e.library_id for e in local} == set(LIBRARIES)
    assert {e.level for e in local} == {"library", "school"}
    for e in local + [p for p in pages if p.level == "province"]:
        assert holders[e.path] == {expected_poi(e)}, e.path  # exactly one bundle: its POI's


def test_rijnbrink_gets_both_its_provinces(bundled):
    out, _, _ = bundled
    names = zip_names(out / f"bundels/{YEAR}/rijnbrink-{YEAR}.zip")
    assert {n for n in names if "/provinciaal/" in n} == {
        f"{t}/provinciaal/{t}-{YEAR}-{p}.pdf" for t in ("po", "vo")
        for p in ("gelderland", "overijssel")}
    assert {n.split("/")[2] for n in names if "/school/" in n} == {
        "bibliotheek-bommelerwaard-en-veluwe", "bibliotheek-reggedal-centraal",
        "bibliotheek-twentekanaal"}  # bib-0029 (Gelderland), bib-0018 and bib-0019 (Overijssel)


def test_print_pdf_has_the_local_po_pages_in_order_with_bookmarks(bundled):
    out, pages, entries = bundled
    for e in entries:
        if e.level != "print":
            continue
        local_po = [p for p in pages if p.level == "library" and p.subject == "po"
                    and expected_poi(p) == e.entity_id]
        order = sorted(local_po, key=lambda p: (PROVINCE_NAME[LIB_PROVINCE[p.library_id]],
                                                LIB_NAME[p.library_id]))
        reader = pypdf.PdfReader(out / e.path)
        assert len(reader.pages) == e.pages == len(local_po) > 0
        for page, lib in zip(reader.pages, order, strict=True):
            assert LIB_NAME[lib.library_id] in " ".join(page.extract_text().split())
        outline = reader.outline
        provinces = [item.title for item in outline if not isinstance(item, list)]
        assert provinces == sorted({PROVINCE_NAME[LIB_PROVINCE[p.library_id]] for p in order})
        leaves = [(item.title, reader.get_destination_page_number(item))
                  for group in outline if isinstance(group, list) for item in group]
        assert leaves == [(LIB_NAME[p.library_id], i) for i, p in enumerate(order)]
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "nl-NL"
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]
        assert POI_NAME[e.entity_id] in reader.metadata.title
        doc = pdfium.PdfDocument(out / e.path)  # a second reader opens it too
        try:
            assert len(doc) == e.pages
            assert tuple(round(v) for v in doc[0].get_size()) == (595, 842)
        finally:
            doc.close()


def test_manifest_rows_of_the_bundles(bundled):
    out, _, entries = bundled
    manifest = read_manifest(out)
    assert len(entries) == 18
    for e in entries:
        assert manifest[e.path] == e
        assert (e.school_year, e.subject, e.library_id) == (YEAR, "all", "")
        assert e.entity_name == POI_NAME[e.entity_id]
        assert e.sha256 == sha256_file(out / e.path)
        assert e.inputs
        if e.level == "bundle":
            assert e.pages == len(zip_names(out / e.path))
    findings = verify_folder(out)
    assert all(not findings[e.path] for e in entries)


def test_rerun_keeps_unchanged_bundles_and_rebuilds_reproducibly(tmp_path_factory, ctx,
                                                                 entitlements):
    out = copy_edition(tmp_path_factory, ctx, "rebundle")
    first = {e.path: e.sha256 for e in make_bundles(out, entitlements)}
    mtimes = {p: (out / p).stat().st_mtime_ns for p in first}
    _, outcomes = run_bundles(out, entitlements)
    assert not any(o.written for o in outcomes)
    assert {p: (out / p).stat().st_mtime_ns for p in first} == mtimes
    for path in first:  # made again from nothing: the same bytes
        (out / path).unlink()
    assert {e.path: e.sha256 for e in make_bundles(out, entitlements)} == first

    # one Zeeland local PO page changes: only ZB's zip and print PDF are written again
    manifest = read_manifest(out)
    page = next(e for e in manifest.values() if e.level == "library" and e.subject == "po"
                and e.library_id == "bib-0110")
    changed = (out / page.path).read_bytes() + b"\n% changed\n"
    (out / page.path).write_bytes(changed)
    update_manifest(out, [replace(page, sha256=hashlib.sha256(changed).hexdigest())])
    _, outcomes = run_bundles(out, entitlements)
    assert {o.entry.path for o in outcomes if o.written} == {
        f"bundels/{YEAR}/zb-{YEAR}.zip", f"bundels/{YEAR}/zb-{YEAR}-lokaal-po-print.pdf"}
    with zipfile.ZipFile(out / f"bundels/{YEAR}/zb-{YEAR}.zip") as zf:
        assert zf.read(page.path) == changed


def test_a_missing_or_changed_page_stops_its_bundle_not_the_others(tmp_path_factory, ctx,
                                                                    entitlements):
    out = copy_edition(tmp_path_factory, ctx, "broken")
    manifest = read_manifest(out)
    gone = next(e for e in manifest.values() if e.level == "school"
                and e.library_id == "bib-0112")  # Cubiss
    (out / gone.path).unlink()
    changed = next(e for e in manifest.values() if e.level == "library" and e.subject == "vo"
                   and e.library_id == "bib-0013")  # Biblionet Drenthe
    (out / changed.path).write_bytes(b"%PDF-1.4 not the page that was built")
    with pytest.raises(InfographicsError) as info:
        make_bundles(out, entitlements)
    assert gone.path in str(info.value)
    assert "ontbreekt" in str(info.value)
    assert changed.path in str(info.value)
    assert "sha256" in str(info.value)
    bundles = {e.entity_id for e in read_manifest(out).values() if e.level == "bundle"}
    assert bundles == set(POI_NAME) - {"cubiss", "biblionet-drenthe"}
    assert not (out / f"bundels/{YEAR}/cubiss-{YEAR}.zip").exists()


def test_pages_missing_from_the_edition_are_reported(bundled, entitlements):
    _, pages, _ = bundled
    # the small edition holds one or two libraries per POI: every other one is reported, for
    # both subjects, and nothing for the provinces (all 12 provincial pages are there)
    planned = {b.poi_id: b for b in plan_bundles(pages, entitlements)}
    for poi, bundle in planned.items():
        absent = sorted(lib for lib, prov in LIB_PROVINCE.items()
                        if PROVINCE_POI[prov] == poi and lib not in LIBRARIES)
        assert bundle.missing == tuple(
            f"{subject} lokale pagina ontbreekt: {LIB_NAME[lib]} ({lib})"
            for subject in ("PO", "VO") for lib in absent), poi
    without = [e for e in pages if not (e.level == "library" and e.library_id == "bib-0049")
               and not (e.level == "province" and e.entity_id == "PV26")]
    bisc = {b.poi_id: b for b in plan_bundles(without, entitlements)}["bisc"]
    assert set(bisc.missing) - set(planned["bisc"].missing) == {
        f"{subject} {what} pagina ontbreekt: {name}"
        for subject in ("PO", "VO") for what, name in (
            ("lokale", f"{LIB_NAME['bib-0049']} (bib-0049)"), ("provinciale", "Utrecht (PV26)"))}


def test_only_the_asked_years(bundled, entitlements):
    out, _, entries = bundled
    assert make_bundles(out, entitlements, years=["2019-2020"]) == []
    assert {e.path for e in read_manifest(out).values() if not e.is_page} == {
        e.path for e in entries}


def test_cli_bundle(tmp_path_factory, ctx, capsys):
    out = copy_edition(tmp_path_factory, ctx, "clibundle")
    # the small edition lacks most libraries, so its bundles are incomplete: exit status 1
    assert main(["bundle", "--data", str(SAMPLE), "--out", str(out), "--year", YEAR]) == 1
    captured = capsys.readouterr()
    assert f"bundels/{YEAR}/rijnbrink-{YEAR}.zip: " in captured.out
    assert "9 bundels: 18 bestanden geschreven, 0 ongewijzigd" in captured.out
    assert "Let op: bundel zb 2020-2021: PO lokale pagina ontbreekt" in captured.err
    assert main(["bundle", "--data", str(SAMPLE), "--out", str(out)]) == 1
    assert "0 bestanden geschreven, 18 ongewijzigd" in capsys.readouterr().out
    empty = out.parent / "leeg"
    assert main(["bundle", "--data", str(SAMPLE), "--out", str(empty)]) == 1
    assert "bouw eerst" in capsys.readouterr().err


def test_zip_entries_have_fixed_dates_and_sorted_names(bundled):
    out, _, _ = bundled
    with zipfile.ZipFile(out / f"bundels/{YEAR}/probiblio-{YEAR}.zip") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.testzip() is None


def test_a_poi_without_local_po_pages_loses_its_print_pdf(tmp_path_factory, ctx, entitlements):
    out = copy_edition(tmp_path_factory, ctx, "noprint")
    make_bundles(out, entitlements)
    manifest = read_manifest(out)
    zeeland_po = [e.path for e in manifest.values() if e.level == "library" and e.subject == "po"
                  and LIB_PROVINCE[e.library_id] == "PV29"]
    assert zeeland_po
    update_manifest(out, [], remove=zeeland_po)  # as if only VO had been built there
    entries = make_bundles(out, entitlements)
    print_path = f"bundels/{YEAR}/zb-{YEAR}-lokaal-po-print.pdf"
    assert print_path not in {e.path for e in entries}
    assert print_path not in read_manifest(out)
    assert not (out / print_path).exists()
    assert not set(zeeland_po) & set(zip_names(out / f"bundels/{YEAR}/zb-{YEAR}.zip"))


def test_an_id_that_tries_to_be_a_path_stays_a_file_name():
    from infographics.edition.bundle import Bundle

    bundle = Bundle("2020-2021", "../../../../tmp/x", "Boos", (), ())
    assert bundle.zip_path == "bundels/2020-2021/tmp-x-2020-2021.zip"
    assert bundle.print_path == "bundels/2020-2021/tmp-x-2020-2021-lokaal-po-print.pdf"
    assert Bundle("../x", "a/b", "B", (), ()).zip_path == "bundels/x/a-b-x.zip"
