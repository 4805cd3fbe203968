"""Page content types: what the resolver (content.py) decided for each block of a layout, as
one frozen dataclass per block kind, turned into PDF by the composer (draw.py).

A block's content holds its final Dutch texts and the values it draws (fractions, counts,
flags), never a formatted string to be read back. `PageContent` is a page: its blocks in reading
order and every formatted figure shown. The incremental build fingerprints a page by
`repr(content)`, so each type is a frozen dataclass whose repr lists every drawn value.

A new block kind is three things tied by type: its spec (a model in layout.py), its content (a
dataclass here and a resolver registered for the spec in content.py) and its drawing (registered
for the content class in draw.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from infographics.page.layout import TextSize


@dataclass(frozen=True)
class Box:
    """A block's rectangle in points, (x, y) its lower-left corner, y up from the page bottom."""

    x: float
    y: float
    w: float
    h: float


# --- rows of charts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One labelled bar: drawn at `fraction` (0..1; None: unknown or suppressed), labelled with
    `text`, the same value formatted."""

    label: str
    fraction: float | None
    text: str
    color: str
    mark: str | None = None  # the page's entity against this bar: hoger / vergelijkbaar / lager


@dataclass(frozen=True)
class ComparisonGroup:
    """One indicator of a comparison: its label and a bar per comparison series."""

    label: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BlockRow:
    """A checklist building block: the school's share of its maximum and the averages it is
    compared with (fractions 0..1, None: unknown)."""

    label: str
    own: float | None
    text: str
    library: float | None
    national: float | None


@dataclass(frozen=True)
class MapCell:
    """One province on the map: its CBS code and name, its value as written on the map and as
    shown, and the legend class it is shaded by (None: unknown or suppressed, hatched)."""

    province: str
    name: str
    text: str
    value: float | None
    shade: int | None


@dataclass(frozen=True)
class OfferRow:
    """One offer: yes (True), no (False) or unknown (None), and that state in words."""

    label: str
    state: bool | None
    word: str


@dataclass(frozen=True)
class TrendPoint:
    """One school year of a trend panel: drawn at `value` (None: a gap), labelled `text`."""

    school_year: str
    value: float | None
    text: str


@dataclass(frozen=True)
class TrendPanel:
    """One indicator over the years: its points (oldest first), the runs of point indexes a
    line joins (never across a break or an unknown year) and where a break lies (`breaks`: the
    index of the first point of the new method)."""

    label: str
    points: tuple[TrendPoint, ...]
    runs: tuple[tuple[int, ...], ...]
    breaks: tuple[int, ...]


@dataclass(frozen=True)
class DistributionRow:
    """How many locations have `stars` stars; `own` marks the school's own row."""

    stars: int
    count_text: str
    share: float | None
    share_text: str
    own: bool


# --- block contents ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BlockContent:
    """What every block has: the layout's block id and its rectangle."""

    id: str
    box: Box


@dataclass(frozen=True, kw_only=True)
class DescribedContent(BlockContent):
    """A block with an alternative text (what a screen reader says instead of the picture)."""

    alt: str


@dataclass(frozen=True, kw_only=True)
class HeaderContent(BlockContent):
    title: str
    subtitle: str


@dataclass(frozen=True, kw_only=True)
class SectionContent(BlockContent):
    text: str


@dataclass(frozen=True, kw_only=True)
class TextContent(BlockContent):
    """A paragraph."""

    text: str
    size: TextSize = "body"
    bold: bool = False


@dataclass(frozen=True, kw_only=True)
class SourceContent(BlockContent):
    text: str


@dataclass(frozen=True, kw_only=True)
class KpiContent(BlockContent):
    """A key figure: `text` is `value` formatted; `detail` may be empty. A figure of another
    entity than the page's says whose it is in `context` (e.g. "Zuid-Holland") and is drawn in
    that series' `color` (empty: the page's own accent); a tile whose own figure is missing
    says so in `lead`, above the figure it shows instead."""

    value: float | None
    text: str
    label: str
    detail: str = ""
    lead: str = ""
    context: str = ""
    color: str = ""


@dataclass(frozen=True, kw_only=True)
class DonutContent(DescribedContent):
    """A ring filled to `fraction` (the share as shown in `text`)."""

    fraction: float | None
    text: str
    label: str


@dataclass(frozen=True, kw_only=True)
class PictogramContent(DescribedContent):
    """`icons` people, filled to `fraction` (as shown in `text`)."""

    fraction: float | None
    text: str
    label: str
    icons: int


@dataclass(frozen=True, kw_only=True)
class BarsContent(DescribedContent):
    title: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True, kw_only=True)
class ComparisonContent(DescribedContent):
    title: str
    groups: tuple[ComparisonGroup, ...]
    legend: str = ""  # what the marks mean (empty: the block has no marks)


@dataclass(frozen=True, kw_only=True)
class TrendContent(DescribedContent):
    """Small multiples over the school years, on one scale from 0 to `top`, with the notes
    (what changed at a break, which organisations a library continues) below."""

    title: str
    panels: tuple[TrendPanel, ...]
    top: float
    notes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MapContent(DescribedContent):
    """The provinces' map: a cell per province, the legend's class labels (a cell's `shade`
    indexes them), the page's own province (`highlight`, outlined) and the boundaries' credit
    line shown under the map."""

    title: str
    cells: tuple[MapCell, ...]
    classes: tuple[str, ...]
    credit: str
    highlight: str | None = None


@dataclass(frozen=True, kw_only=True)
class OffersContent(DescribedContent):
    title: str
    rows: tuple[OfferRow, ...]


@dataclass(frozen=True, kw_only=True)
class StarsContent(DescribedContent):
    """A school's stars: `stars` of `max_stars` filled (None: unknown), said in `words`."""

    stars: int | None
    max_stars: int
    words: str
    detail: str
    label: str


@dataclass(frozen=True, kw_only=True)
class BlockBarsContent(DescribedContent):
    title: str
    rows: tuple[BlockRow, ...]


@dataclass(frozen=True, kw_only=True)
class DistributionContent(DescribedContent):
    """Locations per number of stars (rows of 0..max_stars stars), with a note below."""

    title: str
    note: str
    rows: tuple[DistributionRow, ...]
    max_stars: int


@dataclass(frozen=True, kw_only=True)
class StepsContent(BlockContent):
    """Numbered steps, each a sentence, under an optional title."""

    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class PageContent:
    """A page, decided: its blocks in reading order and every formatted figure it shows."""

    title: str  # document title (window title)
    subject: str  # document subject (the edition and level)
    blocks: tuple[BlockContent, ...]
    page_width: float
    page_height: float
    numbers: tuple[str, ...] = ()  # every formatted figure shown, for verification
