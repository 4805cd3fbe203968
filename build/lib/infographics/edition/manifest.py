"""The manifest: `manifest.csv` in an output folder, the single record of every file a build or
bundle run made, as typed `Entry` rows (one per file, keyed by its relative path).

Pages have level `national`, `province`, `library` or `school`; POI bundles add rows with level
`bundle` (the zip) and `print` (the merged PDF for printing), entity_id = poi_id. Every row has
the file's sha256, so delivery and verification can tell that a file is still the one built.
`inputs` is the fingerprint of everything the file was made from (see build.fingerprint); a
rebuild skips a page whose fingerprint is unchanged and whose file still has its sha256.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

NAME = "manifest.csv"
PAGE_LEVELS = ("national", "province", "library", "school")
BUNDLE_LEVELS = ("bundle", "print")


@dataclass(frozen=True)
class Entry:
    school_year: str
    subject: str  # po, vo, or "all" for bundles
    level: str  # PAGE_LEVELS or BUNDLE_LEVELS
    entity_id: str  # NL, province code, library_id, location_id or poi_id
    entity_name: str
    library_id: str  # the library a local or school page belongs to, else ""
    path: str  # relative to the output folder, with "/" separators
    sha256: str
    pages: int
    inputs: str = ""  # fingerprint of what the file was made from

    @property
    def is_page(self) -> bool:
        return self.level in PAGE_LEVELS


COLUMNS = [f.name for f in fields(Entry)]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, Entry]:
    """Entries by path; an empty dict when the folder has no manifest yet."""
    path = Path(out) / NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = {}
    for row in rows:
        values = {c: (row.get(c) or "") for c in COLUMNS}
        values["subject"] = values["subject"] or row.get("theme") or ""  # before 0.2.0
        values["pages"] = int(values["pages"] or 0)
        entries[values["path"]] = Entry(**values)
    return entries


def update_manifest(out: Path, entries: Iterable[Entry], remove: Iterable[str] = ()) -> None:
    """Merge `entries` into the manifest (same path replaces), drop the paths in `remove`, and
    write it atomically, sorted by path."""
    rows = read_manifest(out)
    for path in remove:
        rows.pop(path, None)
    for entry in entries:
        rows[entry.path] = entry
    target = Path(out) / NAME
    tmp = target.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        for key in sorted(rows):
            writer.writerow(asdict(rows[key]))
    os.replace(tmp, target)
