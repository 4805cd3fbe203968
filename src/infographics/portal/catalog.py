"""What the portal serves: an output folder's manifest and the input data into one immutable
`Catalog` (files by opaque id, entitlements, contacts by address, figures), reloaded when the
manifest or the data change on disk.

File ids are the first 24 hex digits of the sha256 of a file's manifest path: stable across
rebuilds, meaningless to a reader, and only ever looked up in `Catalog.files`, never joined into
a path. The files themselves are opened only through `files.verified` (the manifest's own check
keeps every path inside the output folder).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infographics.delivery.mailplan import contacts_from_table
from infographics.delivery.send import load_tables
from infographics.edition.build import load_context
from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import NAME as MANIFEST
from infographics.edition.manifest import Entry, read_manifest
from infographics.errors import InfographicsError
from infographics.levels import ORDER

if TYPE_CHECKING:
    from infographics.data.indicators import Indicators
    from infographics.data.measure import Figures
    from infographics.portal.settings import Settings

ID_LENGTH = 24
LOG = logging.getLogger(__name__)
Signature = tuple[tuple[str, int, int], ...]


def file_id(path: str) -> str:
    """The opaque id of the manifest path `path`."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class Data:
    """What the input data gives the portal: who may have what, who has an account, figures."""

    entitlements: Entitlements
    grants: dict[str, frozenset[Recipient]]  # address (lower case) -> what its contacts are for
    names: dict[str, str]  # address -> the contact's name (for the salutation)
    figures: Figures
    indicators: Indicators


@dataclass(frozen=True)
class Catalog:
    """One consistent view of an edition folder and its data."""

    out: Path
    files: dict[str, Entry]  # by file id, in display order
    data: Data

    @property
    def entitlements(self) -> Entitlements:
        return self.data.entitlements

    def years(self) -> list[str]:
        """School years with files, the latest first."""
        return sorted({e.school_year for e in self.files.values()}, reverse=True)


def load_data(settings: Settings) -> Data:
    """Entitlements and contacts (contact rows with errors left out, as `send` does) and the
    figures of the input data."""
    tables, _ = load_tables(settings.data, settings.mapping)
    grants: dict[str, set[Recipient]] = {}
    names: dict[str, str] = {}
    for contact in contacts_from_table(tables.contacts):
        grants.setdefault(contact.address, set()).add(Recipient(contact.kind, contact.entity_id))
        names.setdefault(contact.address, contact.name)
    ctx = load_context(settings.data, settings.mapping, settings.layouts)
    return Data(Entitlements.from_tables(tables),
                {a: frozenset(r) for a, r in grants.items()}, names, ctx.figures,
                ctx.indicators)


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Latest year first, then subject, level (country first, bundles last), name."""
    by_year = sorted(entries, key=lambda e: (e.subject, ORDER.get(e.level, 99),
                                             e.entity_name.casefold(), e.path))
    return sorted(by_year, key=lambda e: e.school_year, reverse=True)


def files_of(out: Path) -> dict[str, Entry]:
    """The manifest's entries by file id, in display order."""
    return {file_id(e.path): e for e in ordered(read_manifest(out).values())}


def signature(paths: Iterable[Path | None]) -> Signature:
    """What changes when any of `paths` (files, or folders and their files) changes."""
    found: list[tuple[str, int, int]] = []
    for path in paths:
        if path is None:
            continue
        items = sorted(path.iterdir()) if path.is_dir() else [path]
        for item in items:
            try:
                st = item.stat()
            except OSError:
                continue
            found.append((str(item), st.st_mtime_ns, st.st_size))
    return tuple(found)


class Editions:
    """The current `Catalog`, reloaded (at most every `settings.reload_seconds`) when
    manifest.csv or the data changed; requests running meanwhile keep their snapshot."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._data_sig = self._catalog_data_sig = self._data_signature()
        self._manifest_sig = signature([Path(settings.out) / MANIFEST])
        self._catalog = Catalog(Path(settings.out), files_of(settings.out), load_data(settings))

    def _data_signature(self) -> Signature:
        s = self.settings
        return signature([s.data, s.mapping, s.layouts])

    def current(self) -> Catalog:
        if time.monotonic() - self._checked < self.settings.reload_seconds:
            return self._catalog
        with self._lock:
            if time.monotonic() - self._checked >= self.settings.reload_seconds:
                self._reload()
                self._checked = time.monotonic()
            return self._catalog

    def _reload(self) -> None:
        data_sig = self._data_signature()
        manifest_sig = signature([Path(self.settings.out) / MANIFEST])
        if data_sig == self._data_sig and manifest_sig == self._manifest_sig:
            return
        self._data_sig, self._manifest_sig = data_sig, manifest_sig  # retried after a change
        try:
            data = load_data(self.settings) if data_sig != self._catalog_data_sig \
                else self._catalog.data
            catalog = Catalog(Path(self.settings.out), files_of(self.settings.out), data)
        except InfographicsError as exc:  # a half-written or wrong input: keep serving
            LOG.warning("portaal: nieuwe gegevens of nieuw manifest niet geladen, de vorige "
                        "blijven in gebruik: %s", str(exc).splitlines()[0])
            return
        self._catalog, self._catalog_data_sig = catalog, data_sig

    def reload_now(self) -> Catalog:
        """Check for changes at once (tests, and the first request after a rebuild)."""
        with self._lock:
            self._reload()
            self._checked = time.monotonic()
            return self._catalog

