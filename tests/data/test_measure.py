"""Indicator arithmetic against hand-computed values, with unknowns, suppression and levels."""

from types import SimpleNamespace

import pandas as pd
import pytest

from infographics.data.indicators import load_indicators
from infographics.data.measure import measure
from infographics.data.schema import LIBRARIES, SCHOOL_LOCATIONS

NA = None


def _frame(schema, rows):
    frame = pd.DataFrame(rows)
    for col in schema.columns:
        if col.name not in frame:
            frame[col.name] = None
        kind = {"int": "Int64", "bool": "boolean", "number": "Float64"}.get(col.kind)
        if kind:
            frame[col.name] = frame[col.name].astype(kind)
    return frame


def _lib(lid, province, inhabitants, **values):
    base = {"school_year": "2020-2021", "library_id": lid, "library_name": f"Bibliotheek {lid}",
            "province": province, "inhabitants": inhabitants, "responded_po": True,
            "responded_vo": True}
    base.update(values)
    return base


@pytest.fixture(scope="module")
def figures():
    libraries = _frame(LIBRARIES, [
        _lib("a", "PV26", 20000, po_locations_in_area=10, po_locations_cooperating=8,
             po_dbos=True, po_dbos_locations=5, po_locations_reading_plan=4,
             vo_locations_in_area=2, vo_locations_cooperating=1, vo_locations_signed=1,
             vo_offers_collections=True),
        _lib("b", "PV26", 25000, po_locations_in_area=20, po_locations_cooperating=5,
             po_dbos=False, po_locations_reading_plan=NA,
             vo_locations_in_area=0, vo_offers_collections=NA),
        _lib("c", "PV27", 250000, po_locations_in_area=NA, po_locations_cooperating=7,
             po_dbos=True, po_dbos_locations=3,
             vo_locations_in_area=4, vo_locations_cooperating=0, vo_offers_collections=False),
        _lib("d", "PV27", 40000, responded_po=False, po_locations_in_area=100,
             po_locations_cooperating=100, po_dbos=True,
             vo_locations_in_area=3, vo_locations_cooperating=3, vo_locations_signed=0,
             vo_offers_collections=True),
        _lib("e", "PV28", 60000, po_locations_in_area=30, po_locations_cooperating=27,
             po_dbos=False),
    ])
    schools = _frame(SCHOOL_LOCATIONS, [
        {"school_year": "2020-2021", "location_id": f"0{i}AA00", "location_name": f"S{i}",
         "library_id": lib, "sector": "vo", **dict(zip(
             ["points_network_policy", "points_expertise", "points_collection",
              "points_reading_media_plan", "points_activities", "points_monitor",
              "points_digital"], pts, strict=True))}
        for i, (lib, pts) in enumerate([
            ("a", [1, 1, 1, 1, 1, 1, 1]),       # 7 of 30 = 23% -> 1 star
            ("d", [6, 6, 6, 3, 3, 3, 3]),       # 30 -> 4 stars, maximum
            ("d", [0, 0, 0, 0, 0, 0, 0]),       # 0 -> no star
            ("d", [2, 2, 2, 1, 1, 1, 1]),       # 10 = 33% -> 2 stars
        ])
    ])
    tables = SimpleNamespace(
        provinces=pd.DataFrame({
            "province": ["PV26", "PV27", "PV28", "PV29"],
            "province_name": ["Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland"],
            "poi_id": ["bisc", "probiblio", "probiblio", "zb"]}),
        pois=pd.DataFrame({"poi_id": ["bisc", "probiblio", "zb"],
                           "poi_name": ["BISC", "ProBiblio", "ZB"]}),
        libraries=libraries,
        school_locations=schools,
    )
    return measure(tables, load_indicators())


Y = "2020-2021"


def test_share_is_sum_of_parts_over_sum_of_wholes_where_both_known(figures):
    f = figures.get(Y, "national", "NL", "po_share_cooperating")
    # c has no in_area (unknown) and d did not respond: only a, b and e count.
    assert (f.numerator, f.denominator, f.n) == (40, 60, 3)
    assert f.value == pytest.approx(40 / 60)
    assert not f.suppressed


def test_sum_value_skips_unknowns_and_population(figures):
    f = figures.get(Y, "national", "NL", "po_locations_cooperating")
    assert (f.value, f.n) == (47, 4)  # a 8 + b 5 + c 7 + e 27; d is outside the population


def test_count_share_over_known_rows(figures):
    f = figures.get(Y, "national", "NL", "po_share_libraries_dbos")
    assert (f.numerator, f.denominator, f.n) == (2, 4, 4)


def test_unknown_is_not_zero(figures):
    f = figures.get(Y, "national", "NL", "po_share_reading_plan")
    # only a knows its reading plan: n = 1 is below the minimum N of 3, so the national share
    # is suppressed, numerator and denominator included (they would give it away)
    assert (f.value, f.numerator, f.denominator, f.n, f.suppressed) == (None, None, None, 1, True)
    lib = figures.get(Y, "library", "b", "po_share_reading_plan")
    assert lib.value is None
    assert lib.n == 0
    assert not lib.suppressed


def test_library_level_is_never_suppressed(figures):
    f = figures.get(Y, "library", "a", "po_share_reading_plan")
    assert f.value == pytest.approx(0.4)
    assert f.n == 1


def test_vo_population_excludes_libraries_without_location(figures):
    f = figures.get(Y, "national", "NL", "vo_share_libraries_cooperating")
    assert (f.numerator, f.denominator) == (2, 3)  # a, d of a, c, d; b has no VO location
    offers = figures.get(Y, "national", "NL", "vo_share_offers_collections")
    assert (offers.numerator, offers.denominator) == (2, 3)
    signed = figures.get(Y, "national", "NL", "vo_libraries_signed")
    assert (signed.value, signed.n) == (1, 2)  # population: cooperating libraries a and d


def test_levels_group_rows(figures):
    prov = figures.get(Y, "province", "PV26", "po_locations_in_area")
    assert (prov.value, prov.n) == (30, 2)
    poi = figures.get(Y, "poi", "probiblio", "po_locations_cooperating")
    assert (poi.value, poi.n) == (34, 2)
    size = figures.get(Y, "size_class", "tot-30k", "po_locations_cooperating")
    assert (size.value, size.n) == (13, 2)
    empty = figures.get(Y, "province", "PV29", "po_locations_cooperating")
    assert (empty.value, empty.n) == (None, 0)


def test_star_distribution_and_max_score(figures):
    counts = [figures.get(Y, "national", "NL", f"vo_schools_stars_{k}").value for k in range(5)]
    assert counts == [1, 1, 1, 0, 1]
    assert figures.get(Y, "national", "NL", "vo_schools_max_score").value == 1
    lib = figures.get(Y, "library", "d", "vo_schools_share_of_max")
    assert (lib.numerator, lib.denominator, lib.n) == (40, 90, 3)
    block = figures.get(Y, "national", "NL", "vo_schools_share_network_policy")
    assert (block.numerator, block.denominator) == (9, 24)


def test_library_info_names_peer_group(figures):
    info = figures.library(Y, "a")
    assert (info.province_name, info.poi_id, info.size_class) == ("Utrecht", "bisc", "tot-30k")
    assert info.size_class_count == 2


def test_export_has_contract_columns(figures):
    frame = figures.export("national")
    for col in ["school_year", "level", "entity_id", "entity_name", "indicator", "value",
                "numerator", "denominator", "n"]:
        assert col in frame.columns
    assert set(frame.level) == {"national"}


def test_the_export_has_no_figures_of_a_year_without_the_subjects_survey(ctx):
    """PO was first asked in 2020-2021: the export has no PO rows of 2018-2019 or 2019-2020
    (they were empty values with N 0, not marked suppressed, as if the data had a gap)."""
    frame = ctx.figures.export("national")
    po_years = set(frame[frame.indicator.str.startswith("po_")].school_year)
    assert po_years == set(ctx.figures.years("po"))
    assert {"2018-2019", "2019-2020"} <= set(frame[frame.indicator.str.startswith("vo_")]
                                             .school_year)
