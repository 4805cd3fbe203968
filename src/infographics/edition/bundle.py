"""POI bundles: the pages in an output folder's manifest into, per POI and school year, one
reproducible zip of every page that POI is entitled to and one merged PDF of its local PO pages
for printing, both recorded in the manifest.

What goes into a bundle is decided by `entitlement.Entitlements` alone (the contract's rules):
the national pages, the provincial pages of the POI's provinces, and every local and school page
of the libraries in those provinces. Files:

    bundels/<school_year>/<poi_id>-<school_year>.zip                  (manifest level "bundle")
    bundels/<school_year>/<poi_id>-<school_year>-lokaal-po-print.pdf  (manifest level "print")

Zip entries are named by the pages' manifest paths, sorted, with fixed timestamps and
attributes, so the same pages give the same bytes. Each file's manifest row keeps, as `inputs`,
a digest of what it was made from (page paths and sha256s); a rerun rebuilds a file only when
that digest changed or the file no longer has its recorded sha256.

Each file is written whole (temp file, fsync, rename) and then recorded, POI by POI, so a run
stopped at any moment keeps what it made; files that no row lists (a stop in between) are
removed by the next run. A file that cannot be written (a full disk, a read-only folder) is
named in Dutch and the other bundles are still made.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import (
    Entry,
    not_written,
    read_manifest,
    sha256_file,
    update_manifest,
)
from infographics.edition.printpdf import PrintSection, print_pdf
from infographics.errors import InfographicsError
from infographics.fileio import atomic_write, inside, reproducible_zip, slug
from infographics.levels import ADJECTIVES, BUNDLE_LEVELS, BundleLevel, PageLevel, subject_label

FOLDER = "bundels"
FORMAT = "1"  # part of every digest: bump it when the way a bundle is made changes


@dataclass(frozen=True)
class PrintPage:
    """One local PO page in the merged print PDF, with what its bookmark says."""

    entry: Entry
    province: str  # province name: the bookmark's parent
    library: str  # library name: the bookmark


@dataclass(frozen=True)
class Bundle:
    """One POI's files for one school year, as planned from the manifest."""

    school_year: str
    poi_id: str
    poi_name: str
    pages: tuple[Entry, ...]  # every entitled page, sorted by path
    print_pages: tuple[PrintPage, ...]  # its local PO pages by province, then library name
    missing: tuple[str, ...] = ()  # pages it should hold that the manifest lacks (Dutch)

    @property
    def zip_path(self) -> str:
        return f"{FOLDER}/{self._year}/{slug(self.poi_id)}-{self._year}.zip"

    @property
    def print_path(self) -> str:
        return f"{FOLDER}/{self._year}/{slug(self.poi_id)}-{self._year}-lokaal-po-print.pdf"

    @property
    def _year(self) -> str:
        return slug(self.school_year)  # ids and years are data: never a path of their own

    def zip_digest(self) -> str:
        return _digest(["zip", FORMAT] + [f"{e.path}\t{e.sha256}" for e in self.pages])

    def print_digest(self) -> str:
        return _digest(["print", FORMAT, self.poi_name] + [
            f"{p.entry.path}\t{p.entry.sha256}\t{p.province}\t{p.library}"
            for p in self.print_pages])


@dataclass(frozen=True)
class Outcome:
    """A bundle file after a run: its manifest row and whether it was (re)written."""

    entry: Entry
    written: bool


def _digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


# --- planning ----------------------------------------------------------------------------------


def plan_bundles(entries: Iterable[Entry], entitlements: Entitlements,
                 years: Sequence[str] | None = None) -> list[Bundle]:
    """Every POI's bundle per school year: its entitled pages among the manifest `entries`.
    A POI that serves no province gets none; so does a year without pages."""
    return list(_plan(entries, entitlements, years))


def _plan(entries: Iterable[Entry], entitlements: Entitlements,
          years: Sequence[str] | None) -> Iterator[Bundle]:
    pages = [e for e in entries if e.is_page]
    for year in years or sorted({e.school_year for e in pages}):
        year_pages = sorted((e for e in pages if e.school_year == year), key=lambda e: e.path)
        if not year_pages:
            continue
        for poi in entitlements.pois():
            if entitlements.provinces_of(poi):
                entitled = entitlements.entitled(Recipient("poi", poi), year_pages)
                yield _bundle(year, poi, entitled, year_pages, entitlements)


def _bundle(year: str, poi: str, pages: list[Entry], year_pages: list[Entry],
            ent: Entitlements) -> Bundle:
    def province_name(code: str) -> str:
        return ent.province_names.get(code, code)

    def library_name(entry: Entry) -> str:
        return ent.library_names.get((year, entry.library_id or entry.entity_id),
                                     entry.entity_name)

    local_po = [e for e in pages if e.level == "library" and e.subject == "po"]
    print_pages = sorted(
        (PrintPage(e, province_name(ent.province_of(year, e.library_id or e.entity_id) or ""),
                   library_name(e)) for e in local_po),
        key=lambda p: (p.province.casefold(), p.library.casefold(), p.entry.path))
    return Bundle(year, poi, ent.poi_names.get(poi, poi), tuple(pages), tuple(print_pages),
                  _missing(year, poi, pages, year_pages, ent))


def _missing(year: str, poi: str, pages: list[Entry], year_pages: list[Entry],
             ent: Entitlements) -> tuple[str, ...]:
    """The provincial and local pages of the POI's provinces and libraries that this edition
    should have (for each subject it has pages of that level at all) but lacks."""
    have = {(e.subject, e.level, e.library_id or e.entity_id) for e in pages}
    built_levels = {(e.subject, e.level) for e in year_pages}
    wanted: list[tuple[PageLevel, str, str]] = [
        ("province", p, ent.province_names.get(p, p)) for p in sorted(ent.provinces_of(poi))]
    wanted += [("library", lib, ent.library_names.get((year, lib), lib))
               for lib in ent.libraries_of(year, poi)]
    return tuple(
        f"{subject_label(subject)} {ADJECTIVES[level]} pagina ontbreekt: {name} ({entity})"
        for subject in sorted({t for t, _ in built_levels})
        for level, entity, name in wanted
        if (subject, level) in built_levels and (subject, level, entity) not in have)


# --- making ------------------------------------------------------------------------------------


def make_bundles(out: Path, entitlements: Entitlements,
                 years: Sequence[str] | None = None) -> list[Entry]:
    """Write every POI's bundle zip and print PDF for `years` (default: every year in the
    manifest) into `out/bundels/`, record them in the manifest and return their rows. Files
    whose pages did not change are kept as they are."""
    return [o.entry for o in run_bundles(out, entitlements, years)[1]]


def run_bundles(out: Path, entitlements: Entitlements, years: Sequence[str] | None = None,
                done: Callable[[Outcome], object] | None = None
                ) -> tuple[list[Bundle], list[Outcome]]:
    """`make_bundles`, also telling which bundles were planned and which files were written
    (and `done` of each file as soon as it is recorded).

    Each POI's files are recorded in the manifest as soon as they are written, so a run stopped
    at any moment keeps what it made. Raises `InfographicsError` naming every page file that is
    missing or no longer has the sha256 the manifest recorded, and every bundle file that could
    not be written (a full disk, a read-only folder), after making the others."""
    out = Path(out)
    manifest = read_manifest(out)
    bundles = plan_bundles(manifest.values(), entitlements, years)
    done_years = set(years) if years else {e.school_year for e in manifest.values() if e.is_page}
    outcomes: list[Outcome] = []
    problems: dict[str, str] = {}
    recorded = 0
    try:
        for bundle in bundles:
            _make_bundle(out, bundle, manifest, problems, outcomes)
            recorded = _record(out, outcomes, recorded, done)
    except BaseException:  # stopped: record the files written so far (whole ones only)
        with contextlib.suppress(Exception):
            _record(out, outcomes, recorded, done)
        raise
    _remove_stale(out, manifest, {o.entry.path for o in outcomes}, done_years)
    if problems:
        raise InfographicsError(_problem_text(problems))
    return bundles, outcomes


def _record(out: Path, outcomes: list[Outcome], recorded: int,
            done: Callable[[Outcome], object] | None) -> int:
    """Write the manifest rows of the files written since `recorded` (the files first, then
    their rows), tell `done` of each outcome; returns how many are recorded now."""
    new = outcomes[recorded:]
    if any(o.written for o in new):
        update_manifest(out, [o.entry for o in new if o.written])
    for o in new:
        if done is not None:
            done(o)
    return len(outcomes)


def _make_bundle(out: Path, bundle: Bundle, manifest: dict[str, Entry],
                 problems: dict[str, str], made: list[Outcome]) -> None:
    """A POI's zip and (when it has local PO pages) print PDF, each added to `made` as soon as
    it is written; what went wrong goes into `problems` by path: pages missing or changed, a
    file that could not be written."""
    try:
        made.append(_zip(out, bundle, manifest))
        if bundle.print_pages:
            made.append(_print(out, bundle, manifest))
    except _PageProblems as exc:
        problems.update(exc.problems)
    except _NotWritten as exc:
        problems[exc.path] = exc.reason


def _remove_stale(out: Path, manifest: dict[str, Entry], made: set[str],
                  years: set[str]) -> None:
    """Bundle files of `years` that this run did not make (a POI that no longer has one) leave
    the manifest, then the disk; so do files in those years' folders that no manifest row
    lists (left by a run stopped between writing a file and recording it)."""
    stale = [p for p, e in manifest.items() if e.level in BUNDLE_LEVELS
             and e.school_year in years and p not in made]
    if stale:
        update_manifest(out, [], remove=stale)
    listed = read_manifest(out)
    unlisted = [f.relative_to(out).as_posix() for year in years
                for f in (out / FOLDER / slug(year)).glob("*.*")
                if not f.name.startswith(".") and f.relative_to(out).as_posix() not in listed]
    for path in [*stale, *unlisted]:
        with contextlib.suppress(OSError):  # cannot be removed: no row lists it any more
            (out / path).unlink(missing_ok=True)


def _problem_text(problems: dict[str, str]) -> str:
    listed = "; ".join(f"{path}: {why}" for path, why in sorted(problems.items())[:10])
    if len(problems) > 10:
        listed += f"; en {len(problems) - 10} meer"
    unwritten = [p for p, why in problems.items() if " niet geschreven: " in why]
    if unwritten:
        return (f"{len(unwritten)} bundelbestand(en) niet geschreven, de andere wel; maak ruimte "
                f"en draai opnieuw: {listed}")
    return (f"{len(problems)} pagina('s) voor de bundels ontbreken of zijn gewijzigd sinds de "
            f"bouw; bouw ze opnieuw: {listed}")


class _NotWritten(Exception):
    def __init__(self, path: str, reason: str):
        super().__init__(reason)
        self.path, self.reason = path, reason


def _write(out: Path, path: str, data: bytes) -> None:
    """Write a bundle file whole or not at all; raises _NotWritten with the Dutch reason."""
    try:
        atomic_write(inside(out, path), data)
    except OSError as exc:
        raise _NotWritten(path, not_written(path, exc)) from exc


class _PageProblems(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def _current(out: Path, path: str, digest: str, manifest: dict[str, Entry]) -> Entry | None:
    """The manifest row of `path` if that file was made from `digest` and is unchanged."""
    old = manifest.get(path)
    target = out / path
    if old and old.inputs == digest and target.exists() and sha256_file(target) == old.sha256:
        return old
    return None


def _read_pages(out: Path, entries: Iterable[Entry]) -> dict[str, bytes]:
    """Each page's bytes, checked against the sha256 the manifest recorded."""
    found, problems = {}, {}
    for e in entries:
        try:
            data = (out / e.path).read_bytes()
        except FileNotFoundError:
            problems[e.path] = "bestand ontbreekt"
            continue
        if hashlib.sha256(data).hexdigest() != e.sha256:
            problems[e.path] = "sha256 wijkt af van manifest.csv"
        found[e.path] = data
    if problems:
        raise _PageProblems(problems)
    return found


def _entry(bundle: Bundle, level: BundleLevel, path: str, data: bytes, pages: int,
           digest: str) -> Entry:
    return Entry(bundle.school_year, "all", level, bundle.poi_id, bundle.poi_name, "", path,
                 hashlib.sha256(data).hexdigest(), pages, digest)


def _zip(out: Path, bundle: Bundle, manifest: dict[str, Entry]) -> Outcome:
    digest = bundle.zip_digest()
    if old := _current(out, bundle.zip_path, digest, manifest):
        return Outcome(old, False)
    pages = _read_pages(out, bundle.pages)
    data = reproducible_zip((name, pages[name]) for name in sorted(pages))
    _write(out, bundle.zip_path, data)
    return Outcome(_entry(bundle, "bundle", bundle.zip_path, data, len(bundle.pages), digest),
                   True)


def _print(out: Path, bundle: Bundle, manifest: dict[str, Entry]) -> Outcome:
    digest = bundle.print_digest()
    if old := _current(out, bundle.print_path, digest, manifest):
        return Outcome(old, False)
    files = _read_pages(out, [p.entry for p in bundle.print_pages])
    data, pages = print_pdf(bundle.poi_name, bundle.school_year, [
        PrintSection(p.province, p.library, files[p.entry.path]) for p in bundle.print_pages])
    _write(out, bundle.print_path, data)
    return Outcome(_entry(bundle, "print", bundle.print_path, data, pages, digest), True)
