"""Block kinds are tied together by type: every layout spec class has a resolver that makes its
content dataclass, every content dataclass has a drawing, and every content is a frozen
dataclass whose repr (the incremental build's fingerprint) shows what is drawn."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from infographics.page import blocks as B
from infographics.page import layout as L
from infographics.page.content import resolve_block
from infographics.page.draw import draw_block


def spec_classes() -> list[type[L.BlockSpec]]:
    union = typing.get_args(L.Block)[0]  # Annotated[A | B | ..., discriminator]
    return list(typing.get_args(union))


def content_classes() -> list[type[B.BlockContent]]:
    """Every concrete block content (not the bases that only share fields)."""
    found, todo = [], [B.BlockContent]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub is not B.DescribedContent:
                found.append(sub)
    return found


def test_every_spec_kind_has_a_resolver():
    specs = spec_classes()
    assert len(specs) == 20  # 15 + ranked_bars, matrix, gaps, year_list (catblocks.py), trend
    fallback = resolve_block.registry[object]
    assert [s.__name__ for s in specs if resolve_block.dispatch(s) is fallback] == []


def test_every_resolver_makes_a_content_that_is_drawn():
    made = {typing.get_type_hints(resolve_block.dispatch(s))["return"] for s in spec_classes()}
    assert made == set(content_classes())
    for content in content_classes():
        assert draw_block.dispatch(content) is not draw_block.registry[object], content


def test_an_unknown_content_is_not_drawn_silently():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Unknown(B.BlockContent):
        pass

    with pytest.raises(TypeError, match="no drawing for Unknown"):
        draw_block(Unknown(id="x", box=B.Box(0, 0, 1, 1)), None)


@pytest.mark.parametrize("cls", content_classes() + [B.PageContent, B.Bar, B.BlockRow, B.MapCell,
                                                     B.OfferRow, B.DistributionRow,
                                                     B.TrendPoint, B.TrendPanel,
                                                     B.ComparisonGroup, B.Box])
def test_contents_are_frozen_dataclasses(cls):
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen
    assert all(f.repr for f in dataclasses.fields(cls))


def test_the_repr_shows_every_drawn_value(page):
    content = page("bib-0027").content
    kpi = next(b for b in content.blocks if isinstance(b, B.KpiContent))
    shown = repr(kpi)
    for value in (kpi.text, kpi.label, kpi.detail, repr(kpi.value), repr(kpi.box)):
        assert value in shown
    compare = next(b for b in content.blocks if isinstance(b, B.ComparisonContent))
    assert repr(compare.groups[0].bars[0]) in repr(content)
