"""The local VO page of a library without VO cooperation (layouts/vo-lokaal-geen.yaml) is a full
page: what its werkgebied holds, in words that tell "no VO location" from "locations but no
cooperation" from "not filled in", and what libraries of its size class and province do (the
share that cooperates, locations per library, offers, star checklist) with steps where to start.
Every figure is read back from the PDF's text and compared with the computed figures.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from infographics import numbers as nl
from infographics.data.measure import NATIONAL_ID
from infographics.edition import build as b
from infographics.edition.plan import plan
from infographics.page.blocks import ComparisonContent, DistributionContent, KpiContent
from infographics.page.draw import draw_page

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
YEAR = "2020-2021"
OFFERS = ["vo_share_offers_collections", "vo_share_offers_activities",
          "vo_share_offers_policy_advice", "vo_share_offers_reading_programmes",
          "vo_share_offers_subject_advice"]


def value(ctx: b.Context, level: str, entity_id: str | None, indicator: str) -> float | None:
    return ctx.figures.get(YEAR, level, entity_id, indicator).value


def libraries_where(ctx: b.Context, area: str) -> list[str]:
    """Libraries that cooperate with no VO location and have VO locations in their werkgebied
    ("some") or none ("none")."""
    out = []
    for ent in ctx.figures.entities("library", YEAR):
        if value(ctx, "library", ent.id, "vo_locations_cooperating"):
            continue
        locations = value(ctx, "library", ent.id, "vo_area_locations")
        if (area == "some" and locations) or (area == "none" and locations == 0):
            out.append(ent.id)
    return out


class Rendered:
    """One library's VO page: its layout name, content, and the PDF's text on one line."""

    def __init__(self, ctx: b.Context, library_id: str):
        self.library_id = library_id
        job = next(j for j in plan(ctx.figures, ["vo"], ["library"], years=[YEAR])
                   if j.entity_id == library_id)
        layout, self.content = b.page_content(ctx, job)
        self.layout = layout.name
        pdf = draw_page(self.content, ctx.style)
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1
        self.text = " ".join(reader.pages[0].extract_text().split())

    def block(self, block_id: str):
        return next(x for x in self.content.blocks if x.id == block_id)


@pytest.fixture(scope="module", params=["some", "none"])
def page(request, ctx) -> tuple[str, Rendered]:
    found = libraries_where(ctx, request.param)
    assert found, f"the sample has a library with {request.param} VO locations, no cooperation"
    return request.param, Rendered(ctx, found[0])


def test_the_library_gets_the_page_without_cooperation(page):
    _, p = page
    assert p.layout == "vo-lokaal-geen"


def test_the_werkgebied_in_words(page, ctx):
    area, p = page
    assert _info(ctx, p).library_name in p.text
    if area == "some":
        n = nl.integer(value(ctx, "library", p.library_id, "vo_area_locations"))
        assert f"het werkgebied telt wel {n} vo-schoollocaties" in p.text
        assert "telt geen vo-schoollocatie" not in p.text
        tile = p.block("kpi_area")
        assert isinstance(tile, KpiContent)
        assert (tile.text, tile.lead) == (n, "")
    else:
        assert "telt geen vo-schoollocatie" in p.text
        assert "telt wel" not in p.text
        tile = p.block("kpi_area")
        assert tile.lead == "Het werkgebied telt geen vo-schoollocatie."
    assert "niet samen met scholen voor voortgezet onderwijs" in p.text


def _info(ctx: b.Context, p: Rendered):
    return ctx.figures.library(YEAR, p.library_id)


def test_peers_share_cooperating_and_locations_per_library(page, ctx):
    _, p = page
    info = _info(ctx, p)
    share = lambda level, eid: nl.percent(  # noqa: E731
        value(ctx, level, eid, "vo_share_libraries_cooperating"))
    per = lambda level, eid: nl.decimal(  # noqa: E731
        value(ctx, level, eid, "vo_locations_per_library"))
    tile = p.block("kpi_libraries")
    assert tile.text == share("size_class", info.size_class)
    assert tile.text in p.text
    assert (f"{info.province_name} {share('province', info.province)}, Nederland "
            f"{share('national', NATIONAL_ID)}") in p.text
    assert p.block("kpi_per_library").text == per("size_class", info.size_class)
    assert (f"{info.province_name} {per('province', info.province)}, Nederland "
            f"{per('national', NATIONAL_ID)}") in p.text


def test_the_fallback_of_the_werkgebied_tile(ctx):
    p = Rendered(ctx, libraries_where(ctx, "none")[0])
    info = _info(ctx, p)
    tile = p.block("kpi_area")
    assert tile.context == info.province_name
    assert tile.text == nl.percent(value(ctx, "province", info.province,
                                         "vo_share_locations_cooperating"))
    cooperating = nl.integer(value(ctx, "province", info.province, "vo_locations_cooperating"))
    total = nl.integer(value(ctx, "province", info.province, "vo_locations_in_area"))
    assert f"{cooperating} van de {total} locaties" in p.text


def test_offers_of_province_size_class_and_country(page, ctx):
    _, p = page
    info = _info(ctx, p)
    compare = p.block("compare_offers")
    assert isinstance(compare, ComparisonContent)
    series = [("province", info.province), ("size_class", info.size_class),
              ("national", NATIONAL_ID)]
    assert len(compare.groups) == len(OFFERS)
    for group, indicator in zip(compare.groups, OFFERS, strict=True):
        expected = [nl.percent(value(ctx, level, eid, indicator)) for level, eid in series]
        assert [bar.text for bar in group.bars] == expected
        for text in expected:
            assert text in p.text
        assert group.label in p.text


@pytest.mark.parametrize(("block_id", "level"), [("stars_size_class", "size_class"),
                                                 ("stars_province", "province")])
def test_star_checklist_of_size_class_and_province(page, ctx, block_id, level):
    _, p = page
    info = _info(ctx, p)
    eid = info.size_class if level == "size_class" else info.province
    dist = p.block(block_id)
    assert isinstance(dist, DistributionContent)
    for row in dist.rows:
        count = nl.integer(value(ctx, level, eid, f"vo_schools_stars_{row.stars}"))
        share = nl.percent(value(ctx, level, eid, f"vo_share_schools_stars_{row.stars}"))
        assert (row.count_text, row.share_text) == (count, share)
        assert f"{count} ({share})" in p.text
    total = nl.integer(value(ctx, level, eid, "vo_schools"))
    assert f"{total} samenwerkende schoollocaties" in p.text


def test_where_to_start(page, ctx):
    area, p = page
    info = _info(ctx, p)
    start = p.text[p.text.index("Waar te beginnen"):]
    assert f"Neem contact op met {info.poi_name}" in start
    assert f"in {info.province_name} doet " + nl.percent(value(
        ctx, "province", info.province, "vo_share_libraries_cooperating")) in start
    reading = nl.percent(value(ctx, "size_class", info.size_class, "vo_share_reading_promotion"))
    national = nl.percent(value(ctx, "national", NATIONAL_ID, "vo_share_reading_promotion"))
    assert f"Begin met leesbevordering: {reading} van de bibliotheken" in start
    assert f"en {national} in heel Nederland" in start
    assert "de Bibliotheek op school vo" in start
    one_star = nl.percent(value(ctx, "size_class", info.size_class, "vo_share_schools_stars_1"))
    assert f"{one_star} van de samenwerkende schoollocaties 1 ster" in start
    if area == "some":
        assert "Maak een afspraak met een school: het werkgebied telt" in start
    else:
        assert "Het werkgebied telt geen vo-school" in start


def test_no_tile_is_a_bare_sentence(page):
    _, p = page
    for block in p.content.blocks:
        if block.id.startswith("kpi_"):
            assert isinstance(block, KpiContent)
            assert block.text != nl.DASH


# --- a library that did not fill in the VO survey -----------------------------------------------


@pytest.fixture(scope="module")
def unanswered(tmp_path_factory, ctx) -> tuple[b.Context, str]:
    """The sample with one library that cooperates with no VO location turned into one that
    did not fill in the VO survey (its VO answers empty)."""
    folder = tmp_path_factory.mktemp("vo-unanswered")
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    library_id = libraries_where(ctx, "some")[0]
    with (SAMPLE / "libraries.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["library_id"] == library_id and row["school_year"] == YEAR:
            row["responded_vo"] = "nee"
            for column in row:
                if column.startswith("vo_"):
                    row[column] = ""
    with (folder / "libraries.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return b.load_context(folder), library_id


def test_a_library_that_did_not_answer_is_not_told_it_has_no_schools(unanswered):
    ctx, library_id = unanswered
    p = Rendered(ctx, library_id)
    assert p.layout == "vo-lokaal-geen"
    assert "gaf voor schooljaar 2020-2021 geen samenwerking met scholen" in p.text
    assert "telt geen vo-schoollocatie" not in p.text
    assert p.block("kpi_area").lead == ("Niet opgegeven hoeveel vo-schoollocaties het "
                                        "werkgebied telt.")
    assert "Vul de vo-vragenlijst van de Bibliotheekmonitor in" in p.text
