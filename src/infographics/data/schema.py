"""The input data contract (version 2) as data: tables, their columns, types and keys, and
what each text column holds (an id, a name drawn on the pages, a line of text, an address).

`TABLES` maps a table name to its `TableSchema`; loading and validation read it, so the contract
lives in one place (see ../shared/spec/data-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "year" is a calendar year (`2022`, network and partners): kept as its text, the edition key
Kind = Literal["text", "int", "bool", "number", "enum", "year"]
# What a text column holds, and so how `text.py` checks it where it enters:
# - id: an identifier (ID_PATTERN); used in file names, links and references, never a path
# - name: one line drawn on the pages in Lato: every character must be in the font
# - line: one line of text that is not drawn (a contact's name, used in the salutation)
# - email: one address, checked further by the rules as the sending code uses it
# - ids: ids separated by ';' (each an `id`), at most `MAX_IDS`; the rules check what they name
TextKind = Literal["id", "name", "line", "email", "ids"]

# An identifier: a letter or digit, then letters, digits, '_', '.' and '-', 64 characters at
# most, never '..': no slash, backslash, space, control character or other letter (ids become
# parts of file names and links, so they are data, never a path).
ID_PATTERN = r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
ID_CHARS = 64
# The most ids in one `ids` cell: a merger of more organisations than this is no real one.
MAX_IDS = 10


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False  # the column must exist and every cell must be filled
    choices: tuple[str, ...] = ()  # for kind == "enum"
    default: str | None = None  # value used for an empty cell (e.g. contacts.role = "to")
    text: TextKind | None = None  # for kind == "text": what it holds (None: unchecked text)
    may_lack: bool = False  # a table may lack this column without a warning (version 2 columns)
    most: int | None = None  # for kind == "int": the largest plausible count (rules.py)


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    optional_table: bool = False  # a data folder may lack this table

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# The largest plausible counts, per library organisation: far above any real one, so only a
# typing error (a digit too many, a pasted id) is refused; the Netherlands has some 18 million
# inhabitants, 1,6 million children of 4-12 and 6.800 PO school locations in all.
MOST_INHABITANTS = 20_000_000
MOST_PEOPLE = 5_000_000  # pupils, children, members
MOST_LOCATIONS = 10_000  # school locations
MOST_PARTNERS = 10_000  # different partner organisations


def _ints(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "int", most=MOST_PEOPLE if n.endswith(("pupils", "_4_12"))
                        else MOST_LOCATIONS) for n in names)


def _bools(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, "bool") for n in names)


PROVINCES = TableSchema(
    "provinces",
    (
        Column("province", required=True, text="id"),
        Column("province_name", required=True, text="name"),
        Column("poi_id", required=True, text="id"),
    ),
    key=("province",),
)

POIS = TableSchema(
    "pois",
    (Column("poi_id", required=True, text="id"), Column("poi_name", required=True, text="name")),
    key=("poi_id",),
)

LIBRARIES = TableSchema(
    "libraries",
    (
        Column("school_year", required=True),
        Column("library_id", required=True, text="id"),
        Column("library_name", required=True, text="name"),
        Column("province", required=True, text="id"),
        Column("inhabitants", "int", most=MOST_INHABITANTS),
        Column("responded_po", "bool", required=True),
        *_ints(
            "po_locations_in_area",
            "po_locations_cooperating",
            "po_locations_reading",
            "po_locations_digital",
        ),
        Column("po_dbos", "bool"),
        *_ints("po_dbos_locations", "po_dbos_pupils"),
        Column("po_comparable", "bool"),
        *_ints(
            "po_comparable_locations",
            "po_comparable_pupils",
            "children_4_12",
            "members_4_12",
            "active_members_4_12",
            "po_locations_reading_plan",
            "po_locations_media_plan",
        ),
        *_bools("po_in_policy_plan", "po_municipal_structural_funding", "po_multi_year_agreement"),
        Column("responded_vo", "bool", required=True),
        *_ints("vo_locations_in_area", "vo_locations_cooperating", "vo_locations_signed"),
        *_bools(
            "vo_reading_promotion",
            "vo_offers_collections",
            "vo_offers_activities",
            "vo_offers_policy_advice",
            "vo_offers_reading_programmes",
            "vo_offers_subject_advice",
        ),
        # a merger: the library ids this one continues, separated by ';' (libraries of an
        # earlier school year; the rules check that)
        Column("successor_of", may_lack=True, text="ids"),
    ),
    key=("school_year", "library_id"),
)

CHECKLIST_BLOCKS = (
    "points_network_policy",
    "points_expertise",
    "points_collection",
    "points_reading_media_plan",
    "points_activities",
    "points_monitor",
    "points_digital",
)

SCHOOL_LOCATIONS = TableSchema(
    "school_locations",
    (
        Column("school_year", required=True),
        Column("location_id", required=True, text="id"),
        Column("location_name", required=True, text="name"),
        Column("municipality", text="name"),
        Column("library_id", required=True, text="id"),
        Column("sector", "enum", required=True, choices=("po", "vo")),
        Column("signed_agreement", "bool"),
        *(Column(n, "number") for n in CHECKLIST_BLOCKS),
    ),
    key=("school_year", "location_id"),
    optional_table=True,
)

CONTACTS = TableSchema(
    "contacts",
    (
        Column("entity_type", "enum", required=True, choices=("library", "poi", "national")),
        Column("entity_id", text="id"),
        Column("name", text="line"),
        Column("email", required=True, text="email"),
        Column("role", "enum", choices=("to", "cc"), default="to"),
    ),
    key=(),
    optional_table=True,
)

# The general survey, per library organisation per calendar year (theme `partners`).
NETWORK = TableSchema(
    "network",
    (
        Column("year", "year", required=True),
        Column("library_id", required=True, text="id"),
        Column("library_name", required=True, text="name"),
        Column("province", required=True, text="id"),
        Column("inhabitants", "int", most=MOST_INHABITANTS),
        Column("responded", "bool", required=True),
        Column("partners_total", "int", most=MOST_PARTNERS),
        Column("shares_housing", "bool"),
        Column("commercial_partners", "bool"),
    ),
    key=("year", "library_id"),
    optional_table=True,
)

# Long form: one row per library, year, partner category and core function (empty = general).
# The codes of `category` and `function` are configuration (layouts/partners.yaml), checked by
# the rules against it.
PARTNERS = TableSchema(
    "partners",
    (
        Column("year", "year", required=True),
        Column("library_id", required=True, text="id"),
        Column("category", required=True, text="id"),
        Column("function", text="id"),
        Column("cooperates", "bool", required=True),
    ),
    key=("year", "library_id", "category", "function"),
    optional_table=True,
)

TABLES: dict[str, TableSchema] = {
    t.name: t for t in (PROVINCES, POIS, LIBRARIES, SCHOOL_LOCATIONS, CONTACTS, NETWORK, PARTNERS)
}

# Consistency rules of the contract: (part, whole) pairs where part <= whole must hold.
PART_WHOLE: tuple[tuple[str, str], ...] = (
    ("po_locations_reading", "po_locations_cooperating"),
    ("po_locations_digital", "po_locations_cooperating"),
    ("po_locations_cooperating", "po_locations_in_area"),
    ("po_locations_reading_plan", "po_locations_in_area"),
    ("po_locations_media_plan", "po_locations_in_area"),
    ("active_members_4_12", "members_4_12"),
    ("vo_locations_signed", "vo_locations_cooperating"),
    ("vo_locations_cooperating", "vo_locations_in_area"),
)

# `school_year` (libraries, school_locations) is written `2020-2021`: two consecutive years.
YEAR_COLUMN = "school_year"
# `year` (network, partners) is a calendar year, `2022`; after loading it is carried in
# `school_year` too (the edition's year: a school year for PO/VO, a calendar year for partners).
CALENDAR_YEAR_COLUMN = "year"
CALENDAR_YEARS = (1990, 2100)  # a plausible calendar year of the survey (inclusive)

# Sums of parts that never exceed a whole (counted over the parts that are known).
SUM_WHOLE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("po_dbos_locations", "po_comparable_locations"), "po_locations_in_area"),
)

# A programme flag and the counts that must be empty or 0 when the flag is `nee`.
FLAG_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("po_dbos", ("po_dbos_locations", "po_dbos_pupils")),
    ("po_comparable", ("po_comparable_locations", "po_comparable_pupils")),
)


@dataclass(frozen=True)
class Reference:
    """Values of `columns` in `table` must exist as `ref_columns` in `ref_table`."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    label: str  # Dutch noun for the message, e.g. "provincie"


REFERENCES: tuple[Reference, ...] = (
    Reference("provinces", ("poi_id",), "pois", ("poi_id",), "POI"),
    Reference("libraries", ("province",), "provinces", ("province",), "provincie"),
    Reference(
        "school_locations",
        ("school_year", "library_id"),
        "libraries",
        ("school_year", "library_id"),
        "bibliotheek",
    ),
    Reference("network", ("province",), "provinces", ("province",), "provincie"),
    Reference("partners", ("year", "library_id"), "network", ("year", "library_id"),
              "bibliotheek"),
)

# contacts.entity_id refers to the table given by contacts.entity_type (empty for national).
CONTACT_TARGETS: dict[str, Reference] = {
    "library": Reference("contacts", ("entity_id",), "libraries", ("library_id",), "bibliotheek"),
    "poi": Reference("contacts", ("entity_id",), "pois", ("poi_id",), "POI"),
}
