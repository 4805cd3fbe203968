"""The review sheet (issue 5, item 5): a thumbnail of every page and `preview/index.html`, grouped
national → POI → province → library, with warnings next to their entity; checked in a real
headless chromium: it loads, every (lazy) thumbnail is shown and every link resolves.

The edition is a copy of the small one (tests/editions.py), bundled, with four things wrong:
two failed pages in failures.csv (a local page and a school page), one page file deleted and
one page file changed after the build.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from browser import chromium, serve
from editions import SAMPLE, copy_edition
from PIL import Image

from infographics.cli import main
from infographics.data.read import load
from infographics.edition.bundle import make_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.manifest import read_manifest
from infographics.edition.preview import (
    FOLDER,
    STATE,
    make_preview,
    school_libraries_of,
    thumb_path,
)

YEAR = "2020-2021"
FAILED_LOCAL = ["2020-2021", "po", "library", "bib-0135", "Bibliotheek Maasvallei Centraal",
                "PageError: blok 'kpi': tekst past niet"]
FAILED_SCHOOL = ["2020-2021", "vo", "school", "24KE00", "Stedelijk College", "verificatie: fonts"]


@pytest.fixture(scope="module")
def tables():
    return load(SAMPLE)


@pytest.fixture(scope="module")
def edition(tmp_path_factory, ctx, tables):
    """(out, what was broken, the first preview's result)."""
    out = copy_edition(tmp_path_factory, ctx, "preview")
    make_bundles(out, Entitlements.from_tables(tables))
    manifest = read_manifest(out)
    gone = next(e for e in manifest.values() if e.level == "school"
                and e.library_id == "bib-0049")
    (out / gone.path).unlink()
    changed = next(e for e in manifest.values() if e.level == "province"
                   and e.entity_id == "PV29" and e.subject == "vo")
    with (out / changed.path).open("ab") as fh:
        fh.write(b"\n% na de bouw veranderd\n")
    school = next(e for e in manifest.values() if e.level == "school"
                  and e.library_id == "bib-0110")
    failed_school = [*FAILED_SCHOOL[:3], school.entity_id, *FAILED_SCHOOL[4:]]
    with (out / "failures.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([FAILED_LOCAL, failed_school])
    result = make_preview(out, Entitlements.from_tables(tables), school_libraries_of(tables),
                          workers=2)
    return out, {"gone": gone, "changed": changed, "school": school}, result


def html(out: Path) -> str:
    return (out / FOLDER / "index.html").read_text(encoding="utf-8")


def section(page: str, anchor: str) -> str:
    """The HTML of the <section> with id `anchor`, up to where the next section of the same
    or a higher level starts (good enough for the nesting the sheet has)."""
    start = page.index(f'id="{anchor}"')
    depth, i = 1, page.index(">", start)
    for m in re.finditer(r"<section\b|</section>", page[i:]):
        depth += 1 if m.group(0) == "<section" else -1
        if depth == 0:
            return page[start:i + m.end()]
    raise AssertionError(f"section {anchor} not closed")


def test_every_page_gets_a_thumbnail_300_px_wide(edition):
    out, broken, result = edition
    pages = [e for e in read_manifest(out).values() if e.is_page]
    assert result.pages == len(pages) == 83
    assert result.drawn == len(pages) - 1
    assert result.kept == 0
    for e in pages:
        png = out / thumb_path(e.path)
        if e is broken["gone"] or e.path == broken["gone"].path:
            assert not png.exists()
            continue
        with Image.open(png) as image:
            assert image.width == 300
            assert 420 <= image.height <= 430
    state = json.loads((out / FOLDER / STATE).read_text())
    assert len(state) == len(pages) - 1


def test_rerun_draws_only_what_changed(edition, tables, tmp_path_factory, ctx):
    out = copy_edition(tmp_path_factory, ctx, "preview-rerun")
    ent = Entitlements.from_tables(tables)
    first = make_preview(out, ent, workers=1)
    assert (first.drawn, first.kept, first.warnings) == (83, 0, [])
    again = make_preview(out, ent, workers=1)
    assert (again.drawn, again.kept) == (0, 83)
    manifest = read_manifest(out)
    national = next(e for e in manifest.values() if e.level == "national" and e.subject == "po")
    (out / national.path).write_bytes((out / national.path).read_bytes() + b"\n%\n")
    third = make_preview(out, ent, workers=1)
    assert (third.drawn, third.kept) == (1, 82)
    assert [str(w) for w in third.warnings] == [
        f"{YEAR} / Landelijk: {national.path}: Bestand is gewijzigd sinds het is gemaakt: de "
        "sha256 wijkt af van manifest.csv."]
    # a page gone from the manifest loses its thumbnail
    lib = next(e for e in manifest.values() if e.level == "library")
    from infographics.edition.manifest import update_manifest

    update_manifest(out, [], remove=[lib.path])
    make_preview(out, ent, workers=1)
    assert not (out / thumb_path(lib.path)).exists()


def test_sheet_is_grouped_national_then_poi_province_library(edition, tables):
    out, _, _ = edition
    page = html(out)
    assert '<html lang="nl">' in page
    order = [page.index(f'id="{YEAR}-landelijk"')]
    pois = sorted(tables.pois.itertuples(), key=lambda p: p.poi_name.casefold())
    order += [page.index(f'id="{YEAR}-poi-{p.poi_id}"') for p in pois]
    assert order == sorted(order)
    rijnbrink = section(page, f"{YEAR}-poi-rijnbrink")
    assert rijnbrink.index('id="2020-2021-provincie-PV25"') < rijnbrink.index(
        'id="2020-2021-provincie-PV23"')  # Gelderland before Overijssel
    for code in ("PV23", "PV25"):
        assert f'id="{YEAR}-provincie-{code}"' in rijnbrink
    assert 'id="2020-2021-provincie-PV26"' not in rijnbrink
    gelderland = section(page, f"{YEAR}-provincie-PV25")
    library = section(page, f"{YEAR}-bibliotheek-bib-0029")
    assert library in gelderland
    # the library's own pages: PO and VO local first, then its school pages
    hrefs = re.findall(r'<a class="voorbeeld" href="([^"]+)"', library)
    assert hrefs[:2] == [
        "../po/lokaal/po-2020-2021-bibliotheek-bommelerwaard-en-veluwe.pdf",
        "../vo/lokaal/vo-2020-2021-bibliotheek-bommelerwaard-en-veluwe.pdf"]
    assert len(hrefs) == 4
    assert all("/school/bibliotheek-bommelerwaard-en-veluwe/" in h
                                   for h in hrefs[2:])
    # bundle files in the POI's heading, provincial pages in the province
    assert f'href="../bundels/{YEAR}/rijnbrink-{YEAR}.zip"' in rijnbrink
    assert f'href="../bundels/{YEAR}/rijnbrink-{YEAR}-lokaal-po-print.pdf"' in rijnbrink
    assert 'href="../po/provinciaal/po-2020-2021-gelderland.pdf"' in gelderland
    assert "Niet ingedeeld" not in page.split("<main>")[1].split("<nav")[0]
    cards = re.findall(r'<figure class="kaart', page)
    assert len(cards) == 83


def test_warnings_stand_next_to_their_entity(edition):
    out, broken, result = edition
    page = html(out)
    warnings = [str(w) for w in result.warnings]
    assert len(warnings) == 4, warnings
    assert "4 waarschuwingen" in page
    assert "Waarschuwingen (4)" in page
    peelland = section(page, f"{YEAR}-bibliotheek-bib-0135")
    assert "Niet gebouwd: PO lokaal Bibliotheek Maasvallei Centraal (bib-0135): PageError: blok " \
           "&#39;kpi&#39;: tekst past niet" in peelland
    school = broken["school"]
    assert f"Niet gebouwd: VO sterrenchecklist Stedelijk College ({school.entity_id})" in \
        section(page, f"{YEAR}-bibliotheek-bib-0110")
    gone = section(page, f"{YEAR}-bibliotheek-bib-0049")
    assert "Bestand ontbreekt (het staat wel in manifest.csv)." in gone
    assert f"{broken['gone'].path}: Bestand ontbreekt" in page  # in the list at the top
    assert f'href="../{broken["gone"].path}"' not in page  # no link to a file that is not there
    zeeland = section(page, f"{YEAR}-provincie-PV29")
    assert "Bestand is gewijzigd sinds het is gemaakt" in zeeland
    assert warnings[0].startswith(f"{YEAR} / ")
    where = f"{YEAR} / Cubiss / Limburg / Bibliotheek Maasvallei Centraal: Niet gebouwd"
    assert any(w.startswith(where) for w in warnings), warnings


def test_in_a_real_browser_every_thumbnail_shows_and_every_link_resolves(edition, tmp_path):
    out, _, _ = edition
    pages_with_thumbnail = sum(1 for e in read_manifest(out).values()
                               if e.is_page and (out / e.path).exists())
    check = (Path(__file__).parents[1] / "fixtures" / "preview_check.js").read_text()
    with serve(out) as base, chromium(tmp_path) as browser:
        browser.open(f"{base}/{FOLDER}/index.html")
        lazy = browser.evaluate(
            "Array.from(document.images).filter(i => i.loading === 'lazy').length")
        seen = browser.evaluate(check)
        if os.environ.get("PREVIEW_SCREENSHOT"):  # to look at it: PREVIEW_SCREENSHOT=x.png
            browser.evaluate("window.scrollTo(0, 0)")
            browser.screenshot(Path(os.environ["PREVIEW_SCREENSHOT"]))
    assert seen["title"].startswith("Controleblad infographics")
    assert seen["lang"] == "nl"
    assert seen["h1"] == "Controleblad Bibliotheekmonitor-infographics"
    images = seen["images"]
    assert len(images) == lazy == pages_with_thumbnail == 82
    bad = [i for i in images if not (i["natural"] > 0 and i["shown"] and i["alt"])]
    assert not bad, bad[:5]
    assert {i["natural"] for i in images} == {300}
    links = seen["links"]
    assert len(links) >= pages_with_thumbnail + 18  # every page, every bundle file, the contents
    broken_links = [link for link in links if link["status"] != 200]
    assert not broken_links, broken_links[:5]
    assert not seen["missing_anchors"]
    assert len(seen["warnings"]) == 4
    assert all(w["shown"] for w in seen["warnings"])


def test_cli_preview(tmp_path_factory, ctx, capsys):
    out = copy_edition(tmp_path_factory, ctx, "clipreview")
    assert main(["preview", "--data", str(SAMPLE), "--out", str(out), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "83 pagina's: 83 miniaturen gemaakt, 0 ongewijzigd, 0 waarschuwingen" in printed
    assert str(out / FOLDER / "index.html") in printed
    (out / next(iter(read_manifest(out)))).unlink()
    assert main(["preview", "--data", str(SAMPLE), "--out", str(out), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert "1 waarschuwing in" in captured.out
    assert "Let op: " in captured.err
    empty = out.parent / "leeg"
    assert main(["preview", "--out", str(empty)]) == 1
    assert "bouw eerst" in capsys.readouterr().err


def test_without_chromium_the_browser_test_skips_locally_and_fails_under_ci(monkeypatch):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        browser.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="onder CI"):
        browser.require_chromium()


def test_pages_and_failures_outside_the_reference_tables_are_shown_apart():
    from infographics.edition.failures import Failure
    from infographics.edition.manifest import Entry
    from infographics.edition.preview import Card, group_sheets

    ent = Entitlements({(YEAR, "a"): "P1"}, {"P1": "west"}, {"P1": "Provincie Een"},
                       {"west": "West"}, {(YEAR, "a"): "Bibliotheek A"})

    def card(level: str, entity_id: str, library_id: str = "") -> Card:
        entry = Entry(YEAR, "po", level, entity_id, entity_id, library_id,
                      f"po/{level}/{entity_id}.pdf", "0" * 64, 1)
        return Card(entry, level, f"../{entry.path}", entity_id)

    sheets = group_sheets(
        [card("national", "NL"), card("province", "P1"), card("library", "a", "a"),
         card("library", "vreemd", "vreemd"), card("province", "P9")],
        [], [Failure(YEAR, "vo", "school", "LOC1", "School X", "kapot"),
             Failure(YEAR, "vo", "school", "LOC2", "School Y", "ook kapot")],
        ent, {(YEAR, "LOC1"): "a"})
    (sheet,) = sheets
    assert [c.entry.entity_id for c in sheet.national.cards] == ["NL"]
    (west,) = sheet.pois
    (province,) = west.groups
    assert (province.name, [c.entry.entity_id for c in province.cards]) == ("Provincie Een",
                                                                            ["P1"])
    (library,) = province.groups
    assert library.name == "Bibliotheek A"
    assert library.warnings == [
        "Niet gebouwd: VO sterrenchecklist School X (LOC1): kapot"]
    assert sorted(g.key for g in sheet.other.groups) == ["P9", "vreemd"]
    assert sheet.other.warnings == ["Niet gebouwd: VO sterrenchecklist School Y (LOC2): ook kapot"]
    assert sheet.count() == 5
    assert sheet.warning_count() == 2


def test_a_bundle_older_than_its_pages_is_a_warning(tables, tmp_path_factory, ctx):
    """A page rebuilt after the bundles were made: the review sheet says which bundles are out
    of date (before, only `send` noticed), and is quiet again once they are remade."""
    import dataclasses
    import hashlib

    from infographics.edition.manifest import update_manifest

    out = copy_edition(tmp_path_factory, ctx, "preview-stale")
    ent = Entitlements.from_tables(tables)
    make_bundles(out, ent)
    assert make_preview(out, ent, workers=1).warnings == []
    page = next(e for e in read_manifest(out).values()
                if e.level == "library" and e.subject == "po")
    data = (out / page.path).read_bytes() + b"\n% opnieuw gebouwd\n"
    (out / page.path).write_bytes(data)
    update_manifest(out, [dataclasses.replace(page, sha256=hashlib.sha256(data).hexdigest())])
    stale = [str(w) for w in make_preview(out, ent, workers=1).warnings]
    assert stale
    assert all("Bundel is verouderd" in w and "draai infographics bundle" in w for w in stale)
    assert any(w.endswith(".zip: Bundel is verouderd: pagina's zijn sindsdien opnieuw gebouwd "
                          "of verdwenen; draai infographics bundle.") for w in stale)
    make_bundles(out, ent)
    assert make_preview(out, ent, workers=1).warnings == []


def test_each_edition_is_headed_with_its_kind_of_year(tmp_path):
    """A partners edition is a calendar year: its part of the sheet is 'Kalenderjaar 2022',
    a PO/VO edition's 'Schooljaar 2022-2023' (the sheet said 'Schooljaar 2022' for both)."""
    out = tmp_path / "uit"
    args = ["--data", str(SAMPLE), "--out", str(out), "--no-progress", "--jobs", "1"]
    assert main(["build", *args, "--subject", "partners", "--level", "national"]) == 0
    assert main(["build", *args, "--subject", "po", "--level", "national"]) == 0
    assert main(["preview", "--data", str(SAMPLE), "--out", str(out), "--jobs", "1"]) == 0
    headings = re.findall(r'<h2 class="jaar">([^<]*)</h2>', html(out))
    assert sorted(headings) == ["Kalenderjaar 2022", "Schooljaar 2022-2023"]
