"""Tests for partners.py: the long partner rows into cat_/grp_/fn_ columns per network row, as
partners.yaml defines them: ja if any row says ja, nee only if there are rows and all say nee,
unknown without rows (a missing row is never nee); a group is nee only when all its categories
are nee; rows with unknown codes or without an answer count for nothing."""

from __future__ import annotations

import pandas as pd

from infographics.data.partnerconfig import Code, PartnerConfig
from infographics.data.partners import pivot_partners

CONFIG = PartnerConfig(
    groups=(Code("overheid", "overheid"), Code("onderwijs", "onderwijs")),
    categories=(Code("gemeente", "gemeente", "overheid"), Code("po", "po", "onderwijs"),
                Code("mbo", "mbo", "onderwijs")),
    functions=(Code("lezen", "lezen"), Code("kennis", "kennis")),
)
NA = None


def network(*libraries: str, year: str = "2022") -> pd.DataFrame:
    return pd.DataFrame({"school_year": [year] * len(libraries), "library_id": list(libraries),
                         "_row": range(2, 2 + len(libraries))})


def partners(*rows: tuple[str, str, str, str | None, bool | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["school_year", "library_id", "category", "function",
                                        "cooperates"])
    frame["function"] = frame["function"].astype(object).where(frame["function"].notna(), None)
    frame["cooperates"] = frame["cooperates"].astype("boolean")
    return frame


def pivoted(net: pd.DataFrame, rows: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per library, every pivot column as True/False/None."""
    out = pivot_partners(net, rows, CONFIG).set_index("library_id")
    return {lib: {c: (None if pd.isna(v) else bool(v)) for c, v in rec.items()
                  if c in CONFIG.columns()}
            for lib, rec in out.to_dict("index").items()}


def test_columns_are_nullable_booleans_in_configuration_order():
    out = pivot_partners(network("a"), partners(("2022", "a", "po", NA, True)), CONFIG)
    assert list(out.columns) == ["school_year", "library_id", "_row", *CONFIG.columns()]
    assert all(str(out[c].dtype) == "boolean" for c in CONFIG.columns())


def test_categories_functions_and_pairs():
    got = pivoted(network("a", "b", "c"), partners(
        ("2022", "a", "gemeente", NA, False),
        ("2022", "a", "gemeente", "lezen", True),  # a function row says ja: the category is ja
        ("2022", "a", "po", "kennis", False),
        ("2022", "b", "gemeente", NA, False),
        ("2022", "b", "po", "lezen", False),
        ("2022", "b", "mbo", "lezen", True),
    ))
    a, b, c = got["a"], got["b"], got["c"]
    assert (a["cat_gemeente"], a["cat_po"], a["cat_mbo"]) == (True, False, None)
    assert (a["fn_lezen"], a["fn_kennis"]) == (True, False)
    assert (a["cat_gemeente__lezen"], a["cat_gemeente__kennis"], a["cat_po__kennis"]) == (
        True, None, False)
    assert (b["fn_lezen"], b["fn_kennis"]) == (True, None)  # ja for one category is enough
    assert set(c.values()) == {None}  # no rows: unknown everywhere, never nee


def test_groups():
    got = pivoted(network("a", "b", "c", "d"), partners(
        ("2022", "a", "po", NA, False), ("2022", "a", "mbo", NA, False),  # all nee: nee
        ("2022", "b", "po", NA, False),  # mbo unknown: unknown
        ("2022", "c", "po", NA, False), ("2022", "c", "mbo", "lezen", True),  # one ja: ja
        ("2022", "d", "gemeente", NA, True),
    ))
    assert [got[lib]["grp_onderwijs"] for lib in "abcd"] == [False, None, True, None]
    assert [got[lib]["grp_overheid"] for lib in "abcd"] == [None, None, None, True]


def test_years_and_libraries_are_kept_apart():
    net = pd.concat([network("a", year="2021"), network("a", "b")], ignore_index=True)
    out = pivot_partners(net, partners(("2021", "a", "po", NA, True),
                                       ("2022", "b", "po", NA, False)), CONFIG)
    assert out["cat_po"].tolist() == [True, pd.NA, False]


def test_unknown_codes_and_unanswered_rows_count_for_nothing():
    got = pivoted(network("a"), partners(
        ("2022", "a", "bieb", NA, True), ("2022", "a", "po", "dansen", True),
        ("2022", "a", "mbo", NA, NA)))
    assert set(got["a"].values()) == {None}


def test_no_partner_rows_at_all():
    out = pivot_partners(network("a", "b"), partners(), CONFIG)
    assert out[list(CONFIG.columns())].isna().all().all()
    assert pivot_partners(network(), partners(), CONFIG).empty
