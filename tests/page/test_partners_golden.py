"""Golden partners pages: the national page and the local page of bib-0027 (the longest library
name of the sample) of 2022, from the sample's network.csv and partners.csv, compared with
their reference files as test_draw.py compares the PO and VO pages (the text exactly, the
picture averaged over cells of CELL x CELL pixels within TOLERANCE grey levels).

Reference files (made by the lead after merging, with `pytest --regen-golden`):
tests/golden/partners-landelijk-nederland.pdf|.png and
tests/golden/partners-lokaal-bib-0027.pdf|.png.
The national page must show the published 2022 figures: 16 partners on average and 98%, 96% and
91% of libraries working with overheid, onderwijs and basisvaardigheden.
"""

from __future__ import annotations

import pytest
from goldenpages import check_golden

from infographics.edition.build import render
from infographics.edition.plan import plan

YEAR = "2022"
GOLDEN_PAGES = {
    ("partners", "national", "NL"): "partners-landelijk-nederland",
    ("partners", "library", "bib-0027"): "partners-lokaal-bib-0027",
}


@pytest.fixture(scope="module")
def jobs(ctx):
    found = plan(ctx.figures, ["partners"], ["national", "library"], only=["NL", "bib-0027"],
                 years=[YEAR])
    return {(j.subject, j.level, j.entity_id): j for j in found}


def test_the_national_page_shows_the_published_2022_figures(ctx, jobs, pdf):
    text = pdf.flat(render(ctx, jobs[("partners", "national", "NL")]))
    for published in ("16", "98%", "96%", "91%"):
        assert published in text


@pytest.mark.parametrize("key", list(GOLDEN_PAGES), ids="-".join)
def test_golden_partners_page(key, jobs, ctx, pdf, regen_golden, tmp_path):
    check_golden(GOLDEN_PAGES[key], render(ctx, jobs[key]), pdf, regen_golden, tmp_path)



@pytest.mark.parametrize("key", list(GOLDEN_PAGES), ids="-".join)
def test_numbers_on_the_page_equal_the_figures_export(key, jobs, ctx, pdf):
    """Every key figure and every category share of the page, as `infographics figures` exports
    it (shares as fractions), formatted the Dutch way, is in the page's text."""
    from infographics import numbers as nl

    job = jobs[key]
    export = ctx.figures.export()
    rows = export[(export.school_year == YEAR) & (export.level == job.level)
                  & (export.entity_id == job.entity_id)].set_index("indicator")
    text = pdf.flat(render(ctx, job))
    assert nl.integer(rows.loc["partners_mean", "value"]) in text
    if key[1] == "library":  # own shares read ja/nee; its mean as a mean
        assert f"{nl.mean(rows.loc['partners_mean', 'value'])} " in text
        return
    headline = ("partners_share_grp_overheid", "partners_share_grp_onderwijs",
                "partners_share_grp_basisvaardigheden", "partners_share_mfa",
                "partners_share_commercial")
    shares = [i for i in rows.index if i in headline
              or (i.startswith("partners_share_cat_") and "__" not in i)]
    assert len(shares) == 5 + 14
    for indicator in shares:
        assert nl.percent(rows.loc[indicator, "value"]) in text, indicator
