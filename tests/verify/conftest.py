"""Fixtures of the verify tests: real pages of the sample (three PO pages, and one page of
every kind), rendered once per session from the session's build context (tests/conftest.py)."""

from __future__ import annotations

import pytest

from infographics.edition.build import Context
from infographics.edition.plan import Job, plan
from infographics.levels import PAGE_LEVELS, SUBJECTS
from infographics.page.content import PageTarget, resolve
from infographics.page.draw import draw_page


def build(ctx: Context, job: Job) -> tuple[bytes, tuple[str, ...]]:
    """A page's PDF and the figures it shows."""
    content = resolve(ctx.layout(job.subject, job.level), ctx.figures,
                      PageTarget(job.level, job.entity_id, job.school_year), ctx.style)
    return draw_page(content, ctx.style), content.numbers


@pytest.fixture(scope="session")
def page_jobs(ctx: Context) -> list[Job]:
    """The national PO page and two local ones."""
    national = plan(ctx.figures, ["po"], ["national"], years=["2020-2021"])
    local = plan(ctx.figures, ["po"], ["library"], years=["2020-2021"])
    return [national[0], local[0], local[len(local) // 2]]


@pytest.fixture(scope="session")
def pages(ctx: Context, page_jobs: list[Job]) -> list[tuple[bytes, tuple[str, ...]]]:
    """The PDFs of `page_jobs`, with the figures each shows."""
    return [build(ctx, job) for job in page_jobs]


@pytest.fixture(scope="session")
def one_of_each_kind(ctx: Context) -> list[Job]:
    """A page of every kind of the latest year: PO, VO and partners national, provincial and
    local, a VO school page, and a local VO page of a library without VO cooperation (the
    plain fallback layout)."""
    jobs = plan(ctx.figures, SUBJECTS, PAGE_LEVELS)
    chosen: dict[tuple[str, str], Job] = {}
    for job in jobs:
        chosen.setdefault((job.subject, job.level), job)
    plain = [j for j in jobs if j.subject == "vo" and j.level == "library"
             and not ctx.figures.get(j.school_year, "library", j.entity_id,
                                     "vo_locations_cooperating").value]
    assert len(chosen) == 10  # 3 subjects x 3 levels, and the VO school page
    assert plain
    return [*chosen.values(), plain[0]]

