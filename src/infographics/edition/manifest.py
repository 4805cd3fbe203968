"""The manifest: `manifest.csv` in an output folder, the single record of every file a build or
bundle run made, as typed `Entry` rows (one per file, keyed by its relative path).

Pages have a page level (`national`, `province`, `library`, `school`); POI bundles add rows with
level `bundle` (the zip) and `print` (the merged PDF for printing), subject `all` and
entity_id = poi_id. Every row has the file's sha256, so delivery and verification can tell that
a file is still the one built. `inputs` is the fingerprint of everything the file was made from
(see build.fingerprint); a rebuild skips a page whose fingerprint is unchanged and whose file
still has its sha256. A manifest written before 0.2.0 names the subject column `theme`.

The manifest is written whole or not at all, after the files it lists (see build.py for the
order); `write_error` and `not_written` say in Dutch why a file could not be written.
"""

from __future__ import annotations

import csv
import errno
import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Final, Literal, TypeGuard

from infographics.errors import InfographicsError
from infographics.fileio import atomic_text
from infographics.levels import FILE_LEVELS, PAGE_LEVELS, SUBJECTS, FileLevel, PageLevel, Subject

NAME: Final = "manifest.csv"
BundleSubject = Literal["all"]  # the subject of a bundle's files: all of them
FileSubject = Subject | BundleSubject


@dataclass(frozen=True)
class Entry:
    """One row of the manifest: a file, whose it is, and its sha256."""

    school_year: str  # the edition's year: a school year for PO/VO, a calendar year for partners
    subject: FileSubject  # po, vo, partners, or "all" for bundles
    level: FileLevel  # a page level, or bundle / print
    entity_id: str  # NL, province code, library_id, location_id or poi_id
    entity_name: str
    library_id: str  # the library a local or school page belongs to, else ""
    path: str  # relative to the output folder, with "/" separators
    sha256: str
    pages: int
    inputs: str = ""  # fingerprint of what the file was made from

    @property
    def is_page(self) -> bool:
        return is_page_level(self.level)


COLUMNS: Final = [f.name for f in fields(Entry)]


def is_page_level(level: str) -> TypeGuard[PageLevel]:
    """Whether `level` (of a manifest row, or a failures.csv row) is a page's level."""
    return level in PAGE_LEVELS


def _is_subject(value: str) -> TypeGuard[FileSubject]:
    return value in SUBJECTS or value == "all"


def _is_file_level(value: str) -> TypeGuard[FileLevel]:
    return value in FILE_LEVELS


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, Entry]:
    """Entries by path; an empty dict when the folder has no manifest yet. Raises
    InfographicsError for a row whose subject or level this version does not know."""
    path = Path(out) / NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        entries = [_entry(row, f"{path}, regel {reader.line_num}") for row in reader]
    return {e.path: e for e in entries}


def _entry(row: dict[str, str], where: str) -> Entry:
    """One row (its cells as text) as an Entry; `where` names its file and line."""
    cell = {c: (row.get(c) or "") for c in COLUMNS}
    subject = cell["subject"] or row.get("theme") or ""  # before 0.2.0
    level = cell["level"]
    if not _is_subject(subject):
        raise InfographicsError(f"{where}: onbekend onderwerp {subject!r}")
    if not _is_file_level(level):
        raise InfographicsError(f"{where}: onbekend niveau {level!r}")
    if not _is_relative_path(cell["path"]):
        raise InfographicsError(f"{where}: pad {cell['path']!r} ligt niet binnen de uitvoermap")
    return Entry(cell["school_year"], subject, level, cell["entity_id"], cell["entity_name"],
                 cell["library_id"], cell["path"], cell["sha256"], int(cell["pages"] or 0),
                 cell["inputs"])


def _is_relative_path(path: str) -> bool:
    """A path the manifest may list: relative, '/'-separated, inside the output folder (no
    '..', no backslash, no empty or hidden parts, no control characters)."""
    parts = path.split("/")
    return (bool(path) and "\\" not in path and path.isprintable()
            and all(part and not part.startswith(".") for part in parts))


# why a file could not be written, by errno (Dutch); anything else says the system's words
WRITE_ERRORS: Final = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.EROFS: "de map is alleen-lezen",
    errno.EACCES: "geen schrijfrechten",
    errno.EPERM: "geen schrijfrechten",
    errno.EISDIR: "er staat een map met die naam",
    errno.ENOTDIR: "een deel van het pad is geen map",
}


def write_error(exc: OSError) -> str:
    """'niet geschreven: de schijf is vol': why a file could not be written, in Dutch."""
    return f"niet geschreven: {WRITE_ERRORS.get(exc.errno or 0) or exc.strerror or exc}"


def not_written(path: str | Path, exc: OSError) -> str:
    """'bundels/2020-2021/zb-2020-2021.zip niet geschreven: de schijf is vol': why a file (a
    bundle, a thumbnail, the manifest) could not be written, in Dutch, naming it."""
    return f"{path} {write_error(exc)}"


class ManifestNotWritten(InfographicsError):
    """The manifest could not be written (a full disk, a read-only folder): the old one stands,
    whole; files written since are not in it yet (the next run builds them again)."""


def update_manifest(out: Path, entries: Iterable[Entry], remove: Iterable[str] = ()) -> None:
    """Merge `entries` into the manifest (same path replaces), drop the paths in `remove`, and
    write it atomically, sorted by path. Raises ManifestNotWritten (Dutch, naming the file)
    when it cannot be written; the old manifest then stays as it was."""
    rows = read_manifest(out)
    for path in remove:
        rows.pop(path, None)
    for entry in entries:
        rows[entry.path] = entry
    target = Path(out) / NAME
    try:
        with atomic_text(target) as fh:
            writer = csv.DictWriter(fh, COLUMNS)
            writer.writeheader()
            for key in sorted(rows):
                writer.writerow(asdict(rows[key]))
    except OSError as exc:
        raise ManifestNotWritten(f"{not_written(target, exc)}; het vorige manifest staat er "
                                 "nog (heel), de volgende run maakt wat er ontbreekt") from exc
