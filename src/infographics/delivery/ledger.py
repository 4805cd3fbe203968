"""Send ledger: what was sent to whom, in SQLite, so a rerun sends only what has not been sent.

One row per school year, address, recipient group (library, POI, national) and set of attachment
hashes (`items`: the manifest paths with their sha256; `digest` over them), with its status:

- `sending`: written and committed *before* the message goes out (the server has accepted the
  sender and the addresses and is waiting for the message: up to here nothing can be delivered);
- `sent`: committed right after the server accepted the message for that address;
- `failed`: refused (permanently, or temporarily after the last retry), with the reason;
- `skipped`: deliberately not sent this run (changed attachment, uncertain earlier attempt);
- `uncertain`: a `sending` row found by the next run. The process died between handing the
  message to the server and recording the answer; over SMTP there is no way to ask the server
  afterwards. Such an address is *not* sent again unless the user asks for it
  (`--resend-uncertain`): one missing mail is easier to put right than one too many.

Each transition is also appended to `events` (a log of what happened when). A run that sends
holds an exclusive lock on `<ledger>.lock`, so two runs can never send from the same ledger.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal, TextIO, get_args

from infographics.delivery.mailplan import Role
from infographics.edition.entitlement import RecipientKind
from infographics.errors import InfographicsError
from infographics.fileio import atomic_text

if sys.platform != "win32":
    import fcntl

# a row's status (see above)
Status = Literal["sending", "sent", "failed", "skipped", "uncertain"]
# where an address stands with one mail (`Ledger.state`)
State = Literal["sent", "uncertain", "changed", "pending"]
# (manifest path, sha256); a part of a split zip has "#1/3:<split id>" after the path
Item = tuple[str, str]

STATUSES: Final[tuple[Status, ...]] = get_args(Status)
LABELS: Final[dict[Status, str]] = {
    "sending": "bezig", "sent": "verstuurd", "failed": "mislukt", "skipped": "overgeslagen",
    "uncertain": "onzeker",
}
NOT_ARRIVED: Final[tuple[Status, ...]] = ("failed", "uncertain", "skipped")

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    school_year TEXT NOT NULL,
    address TEXT NOT NULL,
    role TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    part TEXT NOT NULL,
    items TEXT NOT NULL,
    digest TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped', 'uncertain')),
    message_id TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    UNIQUE (school_year, address, entity_kind, entity_id, digest)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class Row:
    id: int
    school_year: str
    address: str
    role: Role
    entity_kind: RecipientKind
    entity_id: str
    entity_name: str
    part: str
    items: tuple[Item, ...]
    digest: str
    status: Status
    message_id: str
    attempts: int
    error: str
    updated: str
    sent_at: str

    @property
    def group(self) -> tuple[str, str, str, str]:
        return (self.school_year, self.address, self.entity_kind, self.entity_id)


@dataclass(frozen=True)
class Target:
    """One address of one mail part: what a ledger row is about."""

    school_year: str
    address: str  # lower case
    role: Role
    entity_kind: RecipientKind
    entity_id: str
    entity_name: str
    part: str  # "1/2"
    items: tuple[Item, ...]
    digest: str

    @property
    def group(self) -> tuple[str, str, str, str]:
        return (self.school_year, self.address, self.entity_kind, self.entity_id)


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Ledger:
    """The ledger file. `Ledger.for_sending(path)` locks it and turns leftover `sending` rows
    into `uncertain`; `Ledger.read(path)` only reads (and works when there is no file yet)."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None,
                 lock: TextIO | None = None):
        self.path = Path(path)
        self.conn = conn
        self._lock = lock
        self._rows: dict[int, Row] = {}
        if conn is not None:
            for row in conn.execute("SELECT * FROM deliveries ORDER BY id"):
                self._rows[row["id"]] = _row(row)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def read(cls, path: Path) -> Ledger:
        path = Path(path)
        if not path.exists():
            return cls(path, None)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        return cls(path, conn)

    @classmethod
    def for_sending(cls, path: Path) -> Ledger:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(path.with_name(path.name + ".lock"))
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
        ledger = cls(path, conn, lock)
        ledger._recover(conn)
        return ledger

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------

    def rows(self, year: str | None = None) -> list[Row]:
        return [r for r in self._rows.values() if year is None or r.school_year == year]

    def state(self, target: Target) -> State:
        """`sent` (every item already reached this address), `uncertain` (an earlier attempt of
        this very mail, or of another version of one of its files, has no answer), `changed`
        (an item reached this address in another version) or `pending`."""
        rows = [r for r in self._rows.values() if r.group == target.group]
        arrived = _arrived(item for r in rows if r.status == "sent" for item in r.items)
        if (target.items and all(_content(i) in arrived or (i[1], "") in arrived
                                 for i in target.items)) or any(
                r.digest == target.digest and r.status == "sent" for r in rows):
            return "sent"
        if any(r.digest == target.digest and r.status in ("uncertain", "sending") for r in rows):
            return "uncertain"
        versions = {_base(path): sha for r in rows if r.status == "sent"
                    for path, sha in r.items}
        if any(_base(p) in versions and versions[_base(p)] != sha for p, sha in target.items):
            return "changed"
        # an unanswered attempt of another version (rebuilt, renamed, or split differently) of
        # a file in this mail: the address probably has it
        unsure = [i for r in rows if r.status in ("uncertain", "sending") for i in r.items]
        if any(_overlaps(u, t) for u in unsure for t in target.items):
            return "uncertain"
        return "pending"

    def changed(self, target: Target) -> list[str]:
        """The files of `target` (manifest paths) that reached its address in another version:
        why `state` says `changed`."""
        versions = {_base(path): sha for r in self._rows.values()
                    if r.group == target.group and r.status == "sent" for path, sha in r.items}
        return sorted({_base(p) for p, sha in target.items
                       if _base(p) in versions and versions[_base(p)] != sha})

    def events(self) -> list[tuple[int, str, str, str]]:
        if self.conn is None:
            return []
        return [(r[0], r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT delivery_id, at, status, detail FROM events ORDER BY id")]

    # -- writing (each call is one committed transaction) -----------------------------------

    def begin(self, targets: Sequence[Target], message_id: str) -> None:
        """Before the SMTP transaction: these addresses are being sent this mail."""
        self._write(targets, "sending", message_id=message_id, attempt=True)

    def finish(self, targets: Sequence[Target], status: Status, message_id: str = "",
               error: str = "") -> None:
        self._write(targets, status, message_id=message_id, error=error)

    def _write(self, targets: Sequence[Target], status: Status, message_id: str = "",
               error: str = "", attempt: bool = False) -> None:
        if self.conn is None:
            raise InfographicsError("verzendlog is alleen-lezen geopend")
        if status not in STATUSES:
            raise ValueError(f"unknown ledger status {status!r}")
        at = now()
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for t in targets:
                row = _upsert(cur, t, status, message_id, error, 1 if attempt else 0, at)
                cur.execute("INSERT INTO events (delivery_id, at, status, detail) "
                            "VALUES (?, ?, ?, ?)", (row["id"], at, status, error or message_id))
                self._rows[row["id"]] = _row(row)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def _recover(self, conn: sqlite3.Connection) -> None:
        """A `sending` row at the start of a run was left by a run that stopped mid-send."""
        stale = [r for r in self._rows.values() if r.status == "sending"]
        if not stale:
            return
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        at = now()
        why = "vorige run stopte tijdens het versturen; onbekend of de server het bericht had"
        for r in stale:
            cur.execute("UPDATE deliveries SET status = 'uncertain', error = ?, updated = ? "
                        "WHERE id = ?", (why, at, r.id))
            cur.execute("INSERT INTO events (delivery_id, at, status, detail) "
                        "VALUES (?, ?, 'uncertain', ?)", (r.id, at, why))
        cur.execute("COMMIT")
        for row in conn.execute("SELECT * FROM deliveries WHERE status = 'uncertain'"):
            self._rows[row["id"]] = _row(row)


_UPSERT = """INSERT INTO deliveries (school_year, address, role, entity_kind,
           entity_id, entity_name, part, items, digest, status, message_id,
           attempts, error, updated, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (school_year, address, entity_kind, entity_id, digest)
       DO UPDATE SET status = excluded.status, role = excluded.role,
           entity_name = excluded.entity_name, part = excluded.part,
           message_id = CASE WHEN excluded.message_id = '' THEN message_id
                             ELSE excluded.message_id END,
           attempts = attempts + excluded.attempts, error = excluded.error,
           updated = excluded.updated,
           sent_at = CASE WHEN excluded.sent_at = '' THEN sent_at
                          ELSE excluded.sent_at END"""


def _upsert(cur: sqlite3.Cursor, t: Target, status: Status, message_id: str, error: str,
            attempts: int, at: str) -> sqlite3.Row:
    """Insert or update the row of `t` (inside the caller's transaction); the row as it is
    now."""
    cur.execute(_UPSERT, (
        t.school_year, t.address, t.role, t.entity_kind, t.entity_id, t.entity_name, t.part,
        json.dumps([list(i) for i in t.items]), t.digest, status, message_id, attempts, error,
        at, at if status == "sent" else ""))
    row: sqlite3.Row = cur.execute(
        "SELECT * FROM deliveries WHERE school_year = ? AND address = ? AND "
        "entity_kind = ? AND entity_id = ? AND digest = ?",
        (t.school_year, t.address, t.entity_kind, t.entity_id, t.digest)).fetchone()
    return row


def _base(path: str) -> str:
    return path.split("#", 1)[0]


def _overlaps(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two items may hold the same pages: (versions of) the same file, by path or by
    sha256, unless they are different parts of the same split of it."""
    (path_a, sha_a), (path_b, sha_b) = a, b
    if _base(path_a) != _base(path_b) and sha_a != sha_b:
        return False
    part_a, part_b = path_a.partition("#")[2], path_b.partition("#")[2]
    return not (part_a and part_b and part_a != part_b
                and part_a.partition("/")[2] == part_b.partition("/")[2])


def _content(item: tuple[str, str]) -> tuple[str, str]:
    """An item as what it holds: (sha256, part label "1/3:<split id>" or "")."""
    path, sha = item
    return sha, path.partition("#")[2]


def _arrived(items: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """What reached an address, by content (a rebuild may rename an unchanged file): each item
    as (sha256, part label), plus (sha256, "") for a file that arrived in all parts of one
    split of it, so a rerun that splits it otherwise (or not) knows it arrived."""
    got = {_content(i) for i in items}
    parts: dict[tuple[str, str], set[str]] = {}
    for sha, label in got:
        if label:
            index, _, split = label.partition("/")  # split = "3" or "3:<id of the split>"
            parts.setdefault((sha, split), set()).add(index)
    return got | {(sha, "") for (sha, split), indexes in parts.items()
                  if split.partition(":")[0].isdigit()
                  and len(indexes) == int(split.partition(":")[0])}


def _row(row: sqlite3.Row) -> Row:
    # Any: SQLite's values, checked by the table's CHECK and NOT NULL constraints
    values: dict[str, Any] = {f.name: row[f.name] for f in fields(Row)}
    values["items"] = tuple(tuple(i) for i in json.loads(values["items"]))
    return Row(**values)


def _lock(path: Path) -> TextIO:
    """`path` opened and exclusively locked (POSIX; elsewhere only opened)."""
    fh = path.open("a+")
    if sys.platform == "win32":  # pragma: no cover - not on POSIX: no lock
        return fh
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        fh.close()
        raise InfographicsError(f"{path}: er loopt al een verzending met dit verzendlog") from exc
    return fh


FAILURE_COLUMNS = ["school_year", "status", "entity_kind", "entity_id", "entity_name", "address",
                   "role", "part", "attempts", "message_id", "updated", "reason"]


def write_failures(path: Path, rows: Iterable[Row]) -> int:
    """`failures.csv`: every address that did not get its mail (failed, uncertain, skipped)
    and why; written atomically. Returns the number of rows."""
    bad = [r for r in rows if r.status in NOT_ARRIVED]
    with atomic_text(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(FAILURE_COLUMNS)
        for r in sorted(bad, key=lambda r: (r.school_year, r.entity_kind, r.entity_id,
                                           r.address, r.part)):
            writer.writerow([r.school_year, LABELS[r.status], r.entity_kind, r.entity_id,
                             r.entity_name, r.address, r.role, r.part, r.attempts, r.message_id,
                             r.updated, r.error])
    return len(bad)
