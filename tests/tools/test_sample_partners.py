"""The partners generator (tools/sample_partners.py): groups and categories agree, the chosen
counts come out exactly, non-responders have no answers, function rows need their category."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import sample_partners as sp

ORGS = [sp.Organisation(f"bib-{i:04d}", f"Bibliotheek {i}", "PV20", 10_000 * (i + 1))
        for i in range(30)]
PLAN = sp.PartnerYear(responding=25, partners_sum=300, housing=20, commercial=7,
                      groups=(24, 23, 22, 21, 20), missing_rows=2)


@pytest.mark.parametrize("seed", range(10))
def test_categories_follow_their_groups(seed):
    rng = random.Random(seed)
    groups = set(rng.sample(sp.GROUPS, rng.randrange(len(sp.GROUPS) + 1)))
    answers = sp.categories(rng, ORGS[seed], groups, commercial=seed % 2 == 0)
    assert answers["commercieel"] == (seed % 2 == 0)
    for category, (group, _) in sp.CATEGORIES.items():
        if group not in groups and group != "commercieel":
            assert not answers[category], category
    for group in groups:
        assert any(answers[c] for c, (g, _) in sp.CATEGORIES.items() if g == group), group


@pytest.fixture
def year_rows(monkeypatch):
    monkeypatch.setitem(sp.PARTNER_YEARS, 2021, PLAN)
    return sp.year_tables(random.Random(3), 2021, ORGS)


def test_counts_of_the_plan_come_out_exactly(year_rows):
    network, partners = year_rows
    answered = [r for r in network if r["responded"]]
    assert len(network) == len(ORGS)
    assert len(answered) == PLAN.responding
    totals = [r["partners_total"] for r in answered if r["partners_total"] is not None]
    assert len(totals) == PLAN.responding - PLAN.total_unknown
    assert sum(totals) == PLAN.partners_sum
    assert sum(r["shares_housing"] is True for r in answered) == PLAN.housing
    assert sum(r["shares_housing"] is None for r in answered) == PLAN.housing_unknown
    assert sum(r["commercial_partners"] for r in answered) == PLAN.commercial
    general = [r for r in partners if r["function"] is None]
    for k, group in zip(PLAN.groups, sp.GROUPS, strict=True):
        inside = {c for c, (g, _) in sp.CATEGORIES.items() if g == group}
        members = {r["library_id"] for r in general if r["category"] in inside and r["cooperates"]}
        assert len(members) == k, group


def test_non_responders_have_no_answers_and_no_rows(year_rows):
    network, partners = year_rows
    quiet = {r["library_id"] for r in network if not r["responded"]}
    assert len(quiet) == len(ORGS) - PLAN.responding
    for row in network:
        if row["library_id"] in quiet:
            assert "partners_total" not in row
            assert "shares_housing" not in row
    assert not quiet & {r["library_id"] for r in partners}


def test_a_few_general_rows_are_missing(year_rows):
    _network, partners = year_rows
    per_library = Counter(r["library_id"] for r in partners if r["function"] is None)
    short = [lid for lid, n in per_library.items() if n < len(sp.CATEGORIES)]
    assert len(short) == PLAN.missing_rows
    assert all(per_library[lid] == len(sp.CATEGORIES) - 1 for lid in short)


def test_function_rows_only_for_categories_worked_with(year_rows):
    _network, partners = year_rows
    general = {(r["library_id"], r["category"]): r["cooperates"] for r in partners
               if r["function"] is None}
    by_function = [r for r in partners if r["function"] is not None]
    assert by_function
    for row in by_function:
        assert row["category"] in sp.FUNCTION_CHANCES
        assert general[(row["library_id"], row["category"])] is True
    said = Counter((r["library_id"], r["category"]) for r in by_function if r["cooperates"])
    asked = {(r["library_id"], r["category"]) for r in by_function}
    assert set(said) == asked  # at least one function ja per category asked


def test_no_function_rows_before_they_were_asked(monkeypatch):
    monkeypatch.setitem(sp.PARTNER_YEARS, 2017, PLAN)
    _network, partners = sp.year_tables(random.Random(3), 2017, ORGS)
    assert all(r["function"] is None for r in partners)
