"""What the portal serves: an output folder's manifest and the input data into one immutable
`Catalog` (files by opaque id, entitlements, contacts by address, figures), reloaded when the
manifest or the data change on disk.

File ids are the first 24 hex digits of the sha256 of a file's manifest path: stable across
rebuilds, meaningless to a reader, and only ever looked up in `Catalog.files`, never joined into
a path. The files themselves are read only through `files.FileCheck` (the manifest's own check
keeps every path inside the output folder).

A change in the data never widens or keeps access silently: when changed data cannot be read
(any error, a half-written file as much as a wrong one), the portal fails closed for every
account that comes from the data. The new catalog keeps the files, entitlements and figures
it had, so staff and the public pages go on, but has no contacts (`Data.problem` says why;
the pages say the portal is being updated, and the audit log records it) until the data read
again. A manifest that cannot be read keeps the last good list of files: every file is still
checked against its own sha256 and its entitlement before it is served.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from infographics.delivery.mailplan import contacts_from_table
from infographics.delivery.send import load_tables
from infographics.edition.build import load_context
from infographics.edition.entitlement import Entitlements, Recipient
from infographics.edition.manifest import NAME as MANIFEST
from infographics.edition.manifest import Entry, read_manifest
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
    problem: str = ""  # why changed data could not be read: then no contact may log in

    def closed(self, problem: str) -> Data:
        """This data without any contact (staff and the public pages only), for `problem`."""
        return replace(self, grants={}, names={}, problem=problem)


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
        self._data_sig = self._data_signature()
        self._manifest_sig = self._manifest_signature()
        self._catalog = Catalog(Path(settings.out), files_of(settings.out), load_data(settings))

    def _data_signature(self) -> Signature:
        s = self.settings
        return signature([s.data, s.mapping, s.layouts])

    def _manifest_signature(self) -> Signature:
        return signature([Path(self.settings.out) / MANIFEST])

    def current(self) -> Catalog:
        if time.monotonic() - self._checked < self.settings.reload_seconds:
            return self._catalog
        with self._lock:
            if time.monotonic() - self._checked >= self.settings.reload_seconds:
                self._reload()
                self._checked = time.monotonic()
            return self._catalog

    def _reload(self) -> None:
        data_sig, manifest_sig = self._data_signature(), self._manifest_signature()
        if data_sig == self._data_sig and manifest_sig == self._manifest_sig:
            return
        data = self._catalog.data if data_sig == self._data_sig else self._load_data()
        files = self._catalog.files if manifest_sig == self._manifest_sig else self._files()
        self._data_sig, self._manifest_sig = data_sig, manifest_sig  # retried after a change
        self._catalog = Catalog(Path(self.settings.out), files, data)

    def _load_data(self) -> Data:
        """The changed data, or, when it cannot be read, the current data closed to every
        contact (never the old contacts)."""
        try:
            return load_data(self.settings)
        except Exception as exc:  # noqa: BLE001 - whatever the error: fail closed, not open
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            LOG.error("portaal: nieuwe gegevens niet te lezen; contactpersonen kunnen niet "
                      "inloggen tot ze gelezen worden: %s", first)
            return self._catalog.data.closed(first)

    def _files(self) -> dict[str, Entry]:
        """The changed manifest's files, or the last good ones when it cannot be read."""
        try:
            return files_of(self.settings.out)
        except Exception as exc:  # noqa: BLE001 - a half-written or wrong manifest
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            LOG.warning("portaal: nieuw manifest niet geladen, het vorige blijft in gebruik: "
                        "%s", first)
            return self._catalog.files

    def reload_now(self) -> Catalog:
        """Check for changes at once (tests, and the first request after a rebuild)."""
        with self._lock:
            self._reload()
            self._checked = time.monotonic()
            return self._catalog
