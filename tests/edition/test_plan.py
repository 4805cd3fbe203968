"""Which years an edition builds: the latest year of each subject by default, `all` every year
a subject has respondents, else the years named; a year without respondents of a subject (PO
before its survey) makes no pages of it."""

from __future__ import annotations

import multiyear
import pytest

from infographics.edition.build import load_context
from infographics.edition.plan import plan, plan_years, subject_years


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return load_context(multiyear.write(tmp_path_factory.mktemp("multiyear") / "data")).figures


def test_a_subject_has_the_years_with_respondents(figures):
    assert subject_years(figures, "vo") == list(multiyear.YEARS)
    assert subject_years(figures, "po") == ["2020-2021", "2021-2022", "2022-2023"]


@pytest.mark.parametrize(("subject", "chosen", "years"), [
    ("po", [], ["2022-2023"]),
    ("vo", [], ["2022-2023"]),
    ("po", ["all"], ["2020-2021", "2021-2022", "2022-2023"]),
    ("vo", ["all"], list(multiyear.YEARS)),
    ("po", ["2019-2020", "2021-2022"], ["2021-2022"]),  # no PO survey in 2019-2020
    ("vo", ["2019-2020", "2021-2022"], ["2019-2020", "2021-2022"]),
    ("po", ["2030-2031"], []),
])
def test_plan_years(figures, subject, chosen, years):
    assert plan_years(figures, subject, chosen) == years


def test_the_default_edition_is_the_latest_year_of_each_subject(figures):
    jobs = plan(figures, ["po", "vo"], ["national"])
    assert [(j.subject, j.school_year) for j in jobs] == [("po", "2022-2023"),
                                                         ("vo", "2022-2023")]


def test_all_years_and_no_pages_where_a_subject_had_no_survey(figures):
    jobs = plan(figures, ["po", "vo"], ["national", "library"], years=["all"])
    po_years = {j.school_year for j in jobs if j.subject == "po"}
    assert po_years == {"2020-2021", "2021-2022", "2022-2023"}
    assert {j.school_year for j in jobs if j.subject == "vo"} == set(multiyear.YEARS)
    libraries = {(j.school_year, j.entity_id) for j in jobs
                 if j.subject == "vo" and j.level == "library"}
    assert ("2021-2022", "bib-m") in libraries
    assert ("2021-2022", "bib-a") not in libraries  # merged into bib-m
    assert ("2020-2021", "bib-m") not in libraries


def test_ids_alike_but_for_case_never_share_a_file():
    """Two libraries with the same name whose ids differ only in case (or in characters a slug
    drops) would both get `...-bib-0001.pdf`: each gets its own file, the same on every run."""
    from dataclasses import replace

    from infographics.edition.plan import Job, _unique_paths

    base = Job("po", "library", "bib-0001", "Bibliotheek Hunzedal", "2022-2023",
               "po/lokaal/po-2022-2023-bibliotheek-hunzedal.pdf", "bib-0001")
    jobs = [base, replace(base, entity_id="BIB-0001", library_id="BIB-0001"),
            replace(base, entity_id="bib_0001", library_id="bib_0001")]
    paths = [j.path for j in _unique_paths(jobs)]
    assert len(set(paths)) == 3
    assert all(p.startswith("po/lokaal/po-2022-2023-bibliotheek-hunzedal-bib") for p in paths)
    assert paths == [j.path for j in _unique_paths(jobs)]
    other = replace(base, entity_id="bib-0002", entity_name="Bibliotheek Anders",
                    path="po/lokaal/po-2022-2023-bibliotheek-anders.pdf")
    assert _unique_paths([other])[0].path == other.path  # a unique name keeps its plain path
