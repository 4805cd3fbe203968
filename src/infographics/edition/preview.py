"""Review sheet: the pages in an output folder's manifest into PNG thumbnails and one
`preview/index.html` contact sheet, for a person to look over a whole edition before it is sent.

Thumbnails (pypdfium2, about 300 px wide, 128-colour PNG) go to `out/preview/<page path>.png`; a
thumbnail is only drawn again when its PDF's sha256 differs from the one it was drawn from (kept
in `preview/miniaturen.json`), so a rerun is cheap. Every file appears whole or not at all; a
thumbnail that cannot be written (a full disk, a read-only folder) is a warning naming it, and a
run stopped halfway records the thumbnails it drew, so the next run draws only the rest.

The sheet (Jinja2, `templates/preview/index.html.j2`) is grouped per school year: the national
pages first, then per POI its bundle files, and per province its provincial pages and each
library's local and school pages. Every thumbnail links to its PDF (relative links). Warnings
stand next to their entity: pages that failed to build (`failures.csv`), files in the manifest
that are missing or no longer have their sha256, and thumbnails that could not be drawn.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict
from urllib.parse import quote

import pypdfium2 as pdfium
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from PIL import Image

from infographics.data.measure import TablesLike
from infographics.edition.bundle import plan_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.failures import Failure, read_failures
from infographics.edition.manifest import Entry, is_page_level, not_written, read_manifest
from infographics.edition.workers import process_pool
from infographics.errors import InfographicsError
from infographics.fileio import atomic_binary, atomic_write
from infographics.levels import BUNDLE_LEVELS, LABELS, ORDER, SUBJECT_LABELS
from infographics.numbers import edition_words, integer
from infographics.resources import TEMPLATES

FOLDER = "preview"
STATE = "miniaturen.json"
THUMB_WIDTH = 300
COLOURS = 128  # palette size of a thumbnail: 3x smaller than true colour, looks the same

GroupKind = Literal["national", "poi", "province", "library", "other"]


class ThumbState(TypedDict):
    """What miniaturen.json keeps of a thumbnail: the sha256 of the PDF it was drawn from and
    its size in pixels (width, height)."""

    sha256: str
    size: list[int]


# --- typed stages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thumb:
    """A thumbnail to draw: the PDF and the PNG, relative to the output folder."""

    pdf: str
    png: str


@dataclass(frozen=True)
class Drawn:
    """A thumbnail after drawing: its size, or why it could not be drawn."""

    thumb: Thumb
    width: int = 0
    height: int = 0
    error: str = ""


@dataclass(frozen=True)
class Card:
    """One page on the sheet."""

    entry: Entry
    label: str  # "PO · lokaal"
    href: str  # the PDF, relative to index.html
    anchor: str  # id of the card on the sheet
    img: str = ""  # the thumbnail, relative to index.html; "" when there is none
    width: int = THUMB_WIDTH
    height: int = 0
    warnings: tuple[str, ...] = ()
    exists: bool = True  # a missing file gets no link


@dataclass(frozen=True)
class FileLink:
    """A bundle zip or print PDF of a POI."""

    entry: Entry
    label: str
    href: str
    warnings: tuple[str, ...] = ()
    exists: bool = True


@dataclass
class Group:
    """A library, province, POI or the national pages: cards, warnings and subgroups."""

    kind: GroupKind
    key: str
    name: str
    anchor: str
    cards: list[Card] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[FileLink] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def count(self) -> int:
        return len(self.cards) + sum(g.count() for g in self.groups)

    def warning_count(self) -> int:
        own = len(self.warnings) + sum(len(c.warnings) for c in self.cards)
        own += sum(len(f.warnings) for f in self.files)
        return own + sum(g.warning_count() for g in self.groups)


@dataclass
class YearSheet:
    school_year: str
    national: Group
    pois: list[Group]
    other: Group  # pages and warnings that belong to no known POI

    def count(self) -> int:
        return self.national.count() + sum(p.count() for p in self.pois) + self.other.count()

    def warning_count(self) -> int:
        return (self.national.warning_count() + sum(p.warning_count() for p in self.pois)
                + self.other.warning_count())


@dataclass(frozen=True)
class Notice:
    """A warning with its place on the sheet (for the list at the top)."""

    where: str  # "2020-2021 / Rijnbrink / Gelderland / Bibliotheek Zuidrand"
    text: str
    anchor: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


@dataclass(frozen=True)
class PreviewResult:
    index: Path
    pages: int
    drawn: int  # thumbnails drawn this run
    kept: int  # thumbnails that were up to date
    warnings: list[Notice]  # every warning, with its place
    seconds: float


# --- thumbnails -------------------------------------------------------------------------------


def draw_thumbnail(pdf: Path, png: Path, width: int = THUMB_WIDTH) -> tuple[int, int]:
    """Page 1 of `pdf` as a PNG `width` pixels wide (written whole or not at all); returns its
    size."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        image: Image.Image = page.render(scale=width / page.get_size()[0]).to_pil()
    finally:
        doc.close()
    image = image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE)
    try:
        with atomic_binary(png) as fh:
            image.save(fh, format="PNG")
    except OSError as exc:
        raise ThumbnailNotWritten(exc) from exc
    return image.size


class ThumbnailNotWritten(Exception):
    """A thumbnail was drawn but could not be written (a full disk, a read-only folder)."""

    def __init__(self, cause: OSError):
        super().__init__(str(cause))
        self.cause = cause


def _draw_all(out: str, thumbs: list[Thumb]) -> list[Drawn]:
    done: list[Drawn] = []
    for t in thumbs:
        try:
            w, h = draw_thumbnail(Path(out) / t.pdf, Path(out) / t.png)
            done.append(Drawn(t, w, h))
        except ThumbnailNotWritten as exc:  # this thumbnail only; the sheet says which
            done.append(Drawn(t, error=not_written(t.png, exc.cause)))
        except Exception as exc:  # a broken PDF gets a warning on the sheet, not a crash
            done.append(Drawn(t, error=f"{type(exc).__name__}: {exc}"))
    return done


def draw_thumbnails(out: Path, thumbs: Sequence[Thumb], workers: int = 1,
                    progress: Callable[[Drawn], object] | None = None) -> list[Drawn]:
    """Draw `thumbs`, on `workers` processes when there are enough of them to pay off (workers
    that die with this process, see workers.process_pool); tell `progress` of each thumbnail as
    soon as it (or its chunk) is done."""
    if workers <= 1 or len(thumbs) < 40:
        return _collect((_draw_all(str(out), [t]) for t in thumbs), progress)
    size = max(10, len(thumbs) // (workers * 4))
    parts = [list(thumbs[i:i + size]) for i in range(0, len(thumbs), size)]
    with process_pool(workers) as pool:
        futures = [pool.submit(_draw_all, str(out), part) for part in parts]
        return _collect((f.result() for f in as_completed(futures)), progress)


def _collect(parts: Iterable[list[Drawn]],
             progress: Callable[[Drawn], object] | None) -> list[Drawn]:
    done: list[Drawn] = []
    for part in parts:
        for d in part:
            done.append(d)
            if progress is not None:
                progress(d)
    return done


def thumb_path(pdf_path: str) -> str:
    return f"{FOLDER}/{pdf_path.removesuffix('.pdf')}.png"


# --- checking the files -----------------------------------------------------------------------


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def file_warnings(entry: Entry, actual: str | None,
                  current: str | None = None) -> tuple[str, ...]:
    """What is wrong with a bundle file: missing, changed since it was made, or (`current`:
    the digest of the pages it should hold now, None when it is not a bundle) made from pages
    that have been rebuilt or removed since."""
    if actual is None:
        return ("Bestand ontbreekt (het staat wel in manifest.csv).",)
    if actual != entry.sha256:
        return ("Bestand is gewijzigd sinds het is gemaakt: de sha256 wijkt af van "
                "manifest.csv.",)
    if not entry.is_page and entry.inputs != current:
        return ("Bundel is verouderd: pagina's zijn sindsdien opnieuw gebouwd of verdwenen; "
                "draai infographics bundle.",)
    return ()


def bundle_digests(pages: Iterable[Entry], entitlements: Entitlements) -> dict[str, str]:
    """Per bundle file as the pages in the manifest would make it now: its path and digest."""
    digests: dict[str, str] = {}
    for bundle in plan_bundles(pages, entitlements):
        digests[bundle.zip_path] = bundle.zip_digest()
        if bundle.print_pages:
            digests[bundle.print_path] = bundle.print_digest()
    return digests


def failure_text(f: Failure) -> str:
    what = " ".join(x for x in (SUBJECT_LABELS.get(f.subject, f.subject.upper()),
                                level_label(f.level)) if x)
    return f"Niet gebouwd: {what} {f.entity_name} ({f.entity_id}): {f.reason}"


def level_label(level: str) -> str:
    """How the sheet names a page level ("lokaal"); another level as it is."""
    return LABELS[level] if is_page_level(level) else level


# --- grouping ---------------------------------------------------------------------------------


def _anchor(*parts: str) -> str:
    return "-".join(p.replace(" ", "_") for p in parts if p)


def _name_key(group: Group) -> tuple[str, str]:
    return group.name.casefold(), group.key


def _card_key(card: Card) -> tuple[int, str, str, str]:
    e = card.entry
    return (ORDER.get(e.level, 9), e.subject, e.entity_name.casefold(), e.path)


class _Grouper:
    """Places cards, bundle files and failures of one school year in the POI → province →
    library tree of the reference tables."""

    def __init__(self, year: str, ent: Entitlements,
                 school_libraries: Mapping[tuple[str, str], str]):
        self.year = year
        self.ent = ent
        self.school_libraries = school_libraries
        self.national = Group("national", "NL", "Landelijk", _anchor(year, "landelijk"))
        self.other = Group("other", "", "Niet ingedeeld", _anchor(year, "overig"))
        self.pois: dict[str, Group] = {}
        self.provinces: dict[str, Group] = {}
        self.libraries: dict[str, Group] = {}

    def poi(self, poi_id: str) -> Group:
        if poi_id not in self.pois:
            self.pois[poi_id] = Group("poi", poi_id, self.ent.poi_names.get(poi_id, poi_id),
                                      _anchor(self.year, "poi", poi_id))
        return self.pois[poi_id]

    def province(self, code: str) -> Group:
        if code not in self.provinces:
            poi = self.ent.province_poi.get(code)
            group = Group("province", code, self.ent.province_names.get(code, code),
                          _anchor(self.year, "provincie", code))
            (self.poi(poi).groups if poi else self.other.groups).append(group)
            self.provinces[code] = group
        return self.provinces[code]

    def library(self, library_id: str, name: str = "") -> Group:
        if library_id not in self.libraries:
            province = self.ent.province_of(self.year, library_id)
            group = Group("library", library_id,
                          self.ent.library_names.get((self.year, library_id), name or library_id),
                          _anchor(self.year, "bibliotheek", library_id))
            (self.province(province).groups if province else self.other.groups).append(group)
            self.libraries[library_id] = group
        return self.libraries[library_id]

    def place(self, level: str, entity_id: str, library_id: str = "", name: str = "") -> Group:
        if level == "national":
            return self.national
        if level == "province":
            return self.province(entity_id)
        if level == "library":
            return self.library(library_id or entity_id, name)
        if level == "school":
            lib = library_id or self.school_libraries.get((self.year, entity_id), "")
            return self.library(lib) if lib else self.other
        if level in BUNDLE_LEVELS:
            return self.poi(entity_id)
        return self.other

    def sheet(self) -> YearSheet:
        def tidy(group: Group) -> None:
            group.cards.sort(key=_card_key)
            group.files.sort(key=lambda f: (f.entry.level, f.entry.path))
            for sub in group.groups:
                tidy(sub)
            group.groups.sort(key=_name_key)

        for group in (self.national, self.other, *self.pois.values()):
            tidy(group)
        return YearSheet(self.year, self.national, sorted(self.pois.values(), key=_name_key),
                         self.other)


def group_sheets(cards: Iterable[Card], files: Iterable[FileLink], failures: Iterable[Failure],
                 ent: Entitlements,
                 school_libraries: Mapping[tuple[str, str], str] | None = None
                 ) -> list[YearSheet]:
    """Cards, bundle files and failures into one sheet per school year."""
    groupers: dict[str, _Grouper] = {}

    def grouper(year: str) -> _Grouper:
        if year not in groupers:
            groupers[year] = _Grouper(year, ent, school_libraries or {})
        return groupers[year]

    for card in cards:
        e = card.entry
        grouper(e.school_year).place(e.level, e.entity_id, e.library_id,
                                     e.entity_name).cards.append(card)
    for link in files:
        e = link.entry
        grouper(e.school_year).place(e.level, e.entity_id).files.append(link)
    for f in failures:
        grouper(f.school_year).place(f.level, f.entity_id, name=f.entity_name
                                     ).warnings.append(failure_text(f))
    return [groupers[y].sheet() for y in sorted(groupers)]


# --- the sheet --------------------------------------------------------------------------------


def _relative(path: str) -> str:
    """A link from preview/index.html to `path` (relative to the output folder)."""
    return "../" + quote(path)


def make_preview(out: Path, entitlements: Entitlements,
                 school_libraries: Mapping[tuple[str, str], str] | None = None,
                 workers: int = 1,
                 progress: Callable[[Drawn], object] | None = None) -> PreviewResult:
    """Thumbnails of every page in `out/manifest.csv` and `out/preview/index.html`; `progress`
    is told of every thumbnail drawn.

    `school_libraries` maps (school_year, location_id) to the library, to place failed school
    pages (which have no manifest row) with their library. Stopped halfway (Ctrl-C, SIGTERM),
    it records the thumbnails drawn so far, so the next run draws only the rest."""
    started = time.perf_counter()
    out = Path(out)
    manifest = read_manifest(out)
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    state = _read_state(folder / STATE)
    pages = [e for e in manifest.values() if e.is_page]
    actual = {e.path: _sha256(out / e.path) for e in manifest.values()}
    drawn: dict[str, Drawn] = {}

    def got(d: Drawn) -> None:
        drawn[d.thumb.pdf] = d
        if progress is not None:
            progress(d)

    try:
        draw_thumbnails(out, _todo(out, pages, actual, state), workers, got)
    except BaseException:  # stopped: keep the record of the thumbnails drawn so far
        with contextlib.suppress(Exception):
            _write(folder / STATE, _state_json(_new_state(pages, actual, drawn, state)))
        raise
    new_state = _new_state(pages, actual, drawn, state)
    cards = [_card(e, actual[e.path], drawn.get(e.path), new_state.get(e.path)) for e in pages]
    current = bundle_digests(pages, entitlements)
    files = [FileLink(e, _file_label(e), _relative(e.path),
                      file_warnings(e, actual[e.path], current.get(e.path)),
                      actual[e.path] is not None)
             for e in manifest.values() if not e.is_page]
    sheets = group_sheets(cards, files, read_failures(out), entitlements, school_libraries)
    _remove_stale_thumbnails(folder, {thumb_path(p) for p in new_state}, out)
    _write(folder / STATE, _state_json(new_state))
    index = folder / "index.html"
    notices = _all_warnings(sheets)
    _write(index, render_sheet(sheets, len(pages), notices, out.resolve().name))
    made = sum(not d.error for d in drawn.values())
    return PreviewResult(index, len(pages), made, len(new_state) - made, notices,
                         time.perf_counter() - started)


def _new_state(pages: Sequence[Entry], actual: Mapping[str, str | None],
               drawn: Mapping[str, Drawn],
               state: Mapping[str, ThumbState]) -> dict[str, ThumbState]:
    return {e.path: kept for e in pages
            if (kept := _thumb_state(actual[e.path], drawn.get(e.path), state.get(e.path)))
            is not None}


def _state_json(state: Mapping[str, ThumbState]) -> str:
    return json.dumps(state, separators=(",", ":"), sort_keys=True)


def _write(path: Path, text: str) -> None:
    """Write the sheet or the thumbnail state whole or not at all; raises InfographicsError
    naming the file (Dutch) when it cannot be written."""
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise InfographicsError(not_written(path, exc)) from exc


def _read_state(path: Path) -> dict[str, ThumbState]:
    """miniaturen.json: the thumbnails of the last run, by PDF path."""
    if not path.exists():
        return {}
    state: dict[str, ThumbState] = json.loads(path.read_text())  # JSON: as this module wrote it
    return state


def _todo(out: Path, pages: Sequence[Entry], actual: Mapping[str, str | None],
          state: Mapping[str, ThumbState]) -> list[Thumb]:
    """The thumbnails to draw: of existing PDFs that changed since, or whose PNG is gone."""
    return [Thumb(e.path, thumb_path(e.path)) for e in pages
            if (sha256 := actual[e.path]) is not None and (
                (old := state.get(e.path)) is None or old.get("sha256") != sha256
                or not (out / thumb_path(e.path)).exists())]


def _thumb_state(actual: str | None, drawn: Drawn | None,
                 old: ThumbState | None) -> ThumbState | None:
    """What to keep of a page's thumbnail: the new one, else the old one while its PDF exists;
    none when drawing failed."""
    if drawn is not None:
        return None if drawn.error or actual is None else {
            "sha256": actual, "size": [drawn.width, drawn.height]}
    return old if actual is not None else None


def _card(e: Entry, actual: str | None, drawn: Drawn | None, thumb: ThumbState | None) -> Card:
    warnings = list(file_warnings(e, actual))
    if drawn and drawn.error:
        warnings.append(f"Miniatuur kon niet worden gemaakt: {drawn.error}")
    size = thumb.get("size") if thumb else None
    width, height = size or (THUMB_WIDTH, 0)
    return Card(
        e, f"{SUBJECT_LABELS.get(e.subject, e.subject)} · {level_label(e.level)}",
        _relative(e.path), _anchor(e.school_year, "pagina", e.subject, e.level, e.entity_id),
        quote(thumb_path(e.path).removeprefix(FOLDER + "/")) if size else "",
        width, height, tuple(warnings), actual is not None)


def _file_label(e: Entry) -> str:
    one = e.pages == 1
    if e.level == "bundle":
        return f"Bundel (zip, {integer(e.pages)} {'bestand' if one else 'bestanden'})"
    if e.level == "print":
        pages = "pagina" if one else "pagina's"
        return f"Afdrukversie lokale PO-pagina's (PDF, {integer(e.pages)} {pages})"
    return e.level


def _remove_stale_thumbnails(folder: Path, keep: set[str], out: Path) -> None:
    for png in folder.rglob("*.png"):
        if png.relative_to(out).as_posix() not in keep:
            png.unlink()


def _all_warnings(sheets: list[YearSheet]) -> list[Notice]:
    found: list[Notice] = []

    def walk(group: Group, where: str) -> None:
        here = f"{where} / {group.name}"
        found.extend(Notice(here, w, group.anchor) for w in group.warnings)
        for f in group.files:
            found.extend(Notice(here, f"{f.entry.path}: {w}", group.anchor) for w in f.warnings)
        for c in group.cards:
            found.extend(Notice(here, f"{c.entry.path}: {w}", c.anchor) for w in c.warnings)
        for sub in group.groups:
            walk(sub, here)

    for sheet in sheets:
        for group in (sheet.national, *sheet.pois, sheet.other):
            walk(group, sheet.school_year)
    return found


def render_sheet(sheets: list[YearSheet], pages: int, warnings: list[Notice],
                 edition: str) -> str:
    """The contact sheet's HTML."""
    env = Environment(loader=FileSystemLoader(TEMPLATES / "preview"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["getal"] = integer
    env.filters["jaar"] = edition_words
    return env.get_template("index.html.j2").render(
        sheets=sheets, pages=pages, warnings=warnings, edition=edition)


def school_libraries_of(tables: TablesLike) -> dict[tuple[str, str], str]:
    """(school_year, location_id) → library_id, from data.read.Tables."""
    s = tables.school_locations
    return {(str(y), str(loc)): str(lib) for y, loc, lib in
            zip(s["school_year"], s["location_id"], s["library_id"], strict=True)}
