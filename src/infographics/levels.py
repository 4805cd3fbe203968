"""Subjects and levels: the one place that names them, in code (`Subject`, `PageLevel`, ...)
and in Dutch (folder names, labels, adjectives), so that build, layouts, bundles, the review
sheet and the mails all say the same.

- A *subject* is what an infographic is about: `po` (primary schools), `vo` (secondary),
  `partners` (libraries and their partners, from the general survey per calendar year). What
  differs per subject is said once, in `SUBJECT_INFO`: its Dutch names, how its edition's year
  is written and which page levels it has.
- A *page level* is whose page it is: the country, a province, a library, a school location.
- A *figure level* is where figures are aggregated: also per POI and per size class.
- A *file level* in the manifest is a page level, or `bundle` / `print` for a POI's bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

Subject = Literal["po", "vo", "partners"]
PageLevel = Literal["national", "province", "library", "school"]
FigureLevel = Literal["national", "province", "poi", "size_class", "library"]
BundleLevel = Literal["bundle", "print"]
FileLevel = PageLevel | BundleLevel

SUBJECTS: Final[tuple[Subject, ...]] = get_args(Subject)
PAGE_LEVELS: Final[tuple[PageLevel, ...]] = get_args(PageLevel)
FIGURE_LEVELS: Final[tuple[FigureLevel, ...]] = get_args(FigureLevel)
BUNDLE_LEVELS: Final[tuple[BundleLevel, ...]] = get_args(BundleLevel)
FILE_LEVELS: Final[tuple[str, ...]] = PAGE_LEVELS + BUNDLE_LEVELS



@dataclass(frozen=True)
class SubjectInfo:
    """What a subject is called and how its editions are keyed. `year_kind` says what the
    edition's year (the `school_year` field of entities, jobs and the manifest) is: a school
    year (`2022-2023`) for PO/VO, a calendar year (`2022`) for partners."""

    label: str  # short, in lists and attachment descriptions: "PO", "samenwerking"
    title: str  # as a heading: "Primair onderwijs", "Bibliotheken en samenwerking"
    year_kind: Literal["school", "calendar"]
    levels: tuple[PageLevel, ...]  # the page levels it has pages of


SUBJECT_INFO: Final[dict[Subject, SubjectInfo]] = {
    "po": SubjectInfo("PO", "Primair onderwijs", "school", ("national", "province", "library")),
    "vo": SubjectInfo("VO", "Voortgezet onderwijs", "school", PAGE_LEVELS),
    "partners": SubjectInfo("samenwerking", "Bibliotheken en samenwerking", "calendar",
                            ("national", "province", "library")),
}
# a subject's short label, and `all` for a file with several subjects (a bundle)
SUBJECT_LABELS: Final[dict[str, str]] = {
    **{s: info.label for s, info in SUBJECT_INFO.items()}, "all": "alle onderwerpen"}


def subject_label(subject: str) -> str:
    """A subject's short Dutch label ("PO", "samenwerking"); an unknown one as it is."""
    return SUBJECT_LABELS.get(subject, subject)


def is_calendar_year(year: str) -> bool:
    """Whether an edition's year is a calendar year (`2022`, partners) rather than a school
    year (`2022-2023`, PO/VO)."""
    return len(year) == 4 and year.isdigit()


def has_level(subject: str, level: str) -> bool:
    """Whether `subject` has pages of `level` (only VO has school pages)."""
    return any(s == subject and level in info.levels for s, info in SUBJECT_INFO.items())

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
