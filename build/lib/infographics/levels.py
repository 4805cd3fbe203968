"""Subjects and levels: the one place that names them, in code (`Subject`, `PageLevel`, ...)
and in Dutch (folder names, labels, adjectives), so that build, layouts, bundles, the review
sheet and the mails all say the same.

- A *subject* is what an infographic is about: `po` (primary schools), `vo` (secondary).
- A *page level* is whose page it is: the country, a province, a library, a school location.
- A *figure level* is where figures are aggregated: also per POI and per size class.
- A *file level* in the manifest is a page level, or `bundle` / `print` for a POI's bundle.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Subject = Literal["po", "vo"]
PageLevel = Literal["national", "province", "library", "school"]
FigureLevel = Literal["national", "province", "poi", "size_class", "library"]
BundleLevel = Literal["bundle", "print"]
FileLevel = PageLevel | BundleLevel

SUBJECTS: Final[tuple[Subject, ...]] = get_args(Subject)
PAGE_LEVELS: Final[tuple[PageLevel, ...]] = get_args(PageLevel)
FIGURE_LEVELS: Final[tuple[FigureLevel, ...]] = get_args(FigureLevel)
BUNDLE_LEVELS: Final[tuple[BundleLevel, ...]] = get_args(BundleLevel)
FILE_LEVELS: Final[tuple[str, ...]] = PAGE_LEVELS + BUNDLE_LEVELS

# `po`, `vo`, and `all` for a file with both (a bundle)
SUBJECT_LABELS: Final[dict[str, str]] = {"po": "PO", "vo": "VO", "all": "PO en VO"}

# the folder of a page level (`po/lokaal/...`) and the word in its layout's name (`po-lokaal.yaml`)
FOLDERS: Final[dict[PageLevel, str]] = {
    "national": "landelijk", "province": "provinciaal", "library": "lokaal", "school": "school",
}
# how the review sheet names a page level
LABELS: Final[dict[PageLevel, str]] = {
    "national": "landelijk", "province": "provinciaal", "library": "lokaal",
    "school": "sterrenchecklist",
}
# "provinciale pagina", "lokale pagina"
ADJECTIVES: Final[dict[PageLevel, str]] = {
    "national": "landelijke", "province": "provinciale", "library": "lokale",
    "school": "school",
}
# the order in which a level's files are listed: the country first, bundles last
ORDER: Final[dict[str, int]] = {level: i for i, level in enumerate(FILE_LEVELS)}
