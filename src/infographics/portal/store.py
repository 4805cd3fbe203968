"""The portal's state in SQLite: staff and disabled accounts, login links, sessions and the audit
log; tokens in, hashes stored.

- `accounts`: staff accounts (`infographics accounts add`) and any address that was disabled
  (contacts come from contacts.csv, so a contact's row here only says `disabled`).
- `links`: one row per login link: the sha256 of its token (the token itself is only in the
  mail), the address, when it expires and when it was used. Using a link is one UPDATE that
  only succeeds while it is unused and unexpired, so a link works once, even with two clicks at
  the same moment.
- `sessions`: the sha256 of each session id (the id itself is only in the signed cookie), with
  its expiry and end; logout and disabling an account end sessions here, on the server.
- `audit`: every login request, login, logout, file view and download, refusal, and data that
  could not be read: time, event, account, file, client address and a detail. Never a token or
  a cookie. A database made before an event was added gets the new list (`_migrate`).

The database checks its own values (`CHECK`), times are UTC ISO-8601 text (sortable), and the
clock is an argument so expiry is tested without waiting. The database file is made private
(0600) before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, Literal, get_args

# what the audit log records (the CHECK constraint below lists the same)
Event = Literal["login-aanvraag", "login", "login-geweigerd", "logout", "bekeken",
                "gedownload", "geweigerd", "cijfers", "cijfers-csv", "audit", "gegevens"]
EVENTS: Final[tuple[Event, ...]] = get_args(Event)
Clock = Callable[[], datetime]
TOKEN_BYTES: Final = 32  # 256 bits: a token is never guessed, so a plain sha256 suffices
KEEP: Final = timedelta(days=7)  # expired links and sessions are kept this long, then removed

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    email TEXT PRIMARY KEY CHECK (email = lower(trim(email)) AND email <> ''),
    name TEXT NOT NULL DEFAULT '',
    staff INTEGER NOT NULL DEFAULT 0 CHECK (staff IN (0, 1)),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created TEXT NOT NULL,
    changed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    email TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    used TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY CHECK (length(session_hash) = 64),
    email TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    ended TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sessions_email ON sessions (email);
"""
EVENT_CHECK = "CHECK (event IN (" + ", ".join(f"'{e}'" for e in EVENTS) + "))"
AUDIT_TABLE = f"""CREATE TABLE {{name}} (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL {EVENT_CHECK},
    account TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
)"""
AUDIT_INDEX = "CREATE INDEX IF NOT EXISTS audit_at ON audit (at)"
LinkState = Literal["geldig", "gebruikt", "verlopen", "onbekend"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A moment as sortable UTC text: 2021-03-04T05:06:07.000008Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class Account:
    """A row of `accounts`."""

    email: str
    name: str
    staff: bool
    disabled: bool
    created: str
    changed: str


@dataclass(frozen=True)
class AuditRow:
    """A row of `audit`."""

    at: str
    event: str
    account: str
    file: str
    client: str
    detail: str


AUDIT_COLUMNS: Final = ("at", "event", "account", "file", "client", "detail")


class Store:
    """The database at `path`, one connection per thread (WAL: readers never wait for the
    writer). `clock` gives the current time (tests pass their own)."""

    def __init__(self, path: Path, clock: Clock = utcnow):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))  # private before SQLite
        if self.path.stat().st_mode & 0o077:  # a database made before this rule
            os.chmod(self.path, 0o600)
        self._db().executescript(SCHEMA)  # its own transaction per statement; idempotent
        self._migrate()

    def _migrate(self) -> None:
        """Create the audit table, or rebuild it (rows kept) when its CHECK does not list
        every event of this version."""
        find = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit'"
        row = self._db().execute(find).fetchone()
        if row is not None and EVENT_CHECK in row[0]:
            return
        with self._tx() as db:
            row = db.execute(find).fetchone()  # again: another process may have been first
            if row is not None and EVENT_CHECK in row[0]:
                return
            if row is None:
                db.execute(AUDIT_TABLE.format(name="audit"))
            else:
                db.execute("DROP INDEX IF EXISTS audit_at")
                db.execute(AUDIT_TABLE.format(name="audit_nieuw"))
                db.execute("INSERT INTO audit_nieuw SELECT id, at, event, account, file, "
                           "client, detail FROM audit")
                db.execute("DROP TABLE audit")
                db.execute("ALTER TABLE audit_nieuw RENAME TO audit")
            db.execute(AUDIT_INDEX)

    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def now(self) -> str:
        return stamp(self.clock())

    # -- accounts ------------------------------------------------------------------------------

    def add_staff(self, email: str, name: str = "") -> Account:
        """Add (or turn into) a staff account, enabled."""
        now = self.now()
        with self._tx() as db:
            db.execute("INSERT INTO accounts (email, name, staff, disabled, created, changed) "
                       "VALUES (?, ?, 1, 0, ?, ?) ON CONFLICT (email) DO UPDATE SET staff = 1, "
                       "disabled = 0, name = excluded.name, changed = excluded.changed",
                       (email, name, now, now))
        account = self.account(email)
        assert account is not None
        return account

    def set_disabled(self, email: str, disabled: bool) -> None:
        """Disable (or enable again) an address; disabling ends its sessions at once."""
        now = self.now()
        with self._tx() as db:
            db.execute("INSERT INTO accounts (email, disabled, created, changed) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET "
                       "disabled = excluded.disabled, changed = excluded.changed",
                       (email, int(disabled), now, now))
            if disabled:
                db.execute("UPDATE sessions SET ended = ? WHERE email = ? AND ended = ''",
                           (now, email))

    def account(self, email: str) -> Account | None:
        row = self._db().execute("SELECT email, name, staff, disabled, created, changed "
                                 "FROM accounts WHERE email = ?", (email,)).fetchone()
        return None if row is None else Account(row[0], row[1], bool(row[2]), bool(row[3]),
                                                row[4], row[5])

    def accounts(self) -> list[Account]:
        rows = self._db().execute("SELECT email, name, staff, disabled, created, changed "
                                  "FROM accounts ORDER BY email").fetchall()
        return [Account(r[0], r[1], bool(r[2]), bool(r[3]), r[4], r[5]) for r in rows]

    # -- login links ---------------------------------------------------------------------------

    def new_link(self, email: str, minutes: int) -> str:
        """A new login link's token for `email` (only its hash is stored)."""
        token = new_token()
        now = self.clock()
        with self._tx() as db:
            db.execute("DELETE FROM links WHERE expires < ?", (stamp(now - KEEP),))
            db.execute("INSERT INTO links (token_hash, email, created, expires) "
                       "VALUES (?, ?, ?, ?)",
                       (digest(token), email, stamp(now), stamp(now + timedelta(minutes=minutes))))
        return token

    def link_state(self, token: str) -> tuple[LinkState, str]:
        """What a link's token is now, without using it (the confirm page), and the address it
        logs into ("" unless it is still valid)."""
        row = self._db().execute("SELECT expires, used, email FROM links WHERE token_hash = ?",
                                 (digest(token),)).fetchone()
        if row is None:
            return "onbekend", ""
        if row[1]:
            return "gebruikt", ""
        return ("verlopen", "") if row[0] <= self.now() else ("geldig", str(row[2]))

    def links_since(self, email: str, since: datetime) -> int:
        """How many login links were made for `email` from `since` on (the mails sent)."""
        row = self._db().execute("SELECT count(*) FROM links WHERE email = ? AND created >= ?",
                                 (email, stamp(since))).fetchone()
        return int(row[0])

    def use_link(self, token: str) -> str | None:
        """Use a link once: its address, or None when it is unknown, used or expired."""
        now = self.now()
        with self._tx() as db:
            cur = db.execute("UPDATE links SET used = ? WHERE token_hash = ? AND used = '' "
                             "AND expires > ? RETURNING email", (now, digest(token), now))
            row = cur.fetchone()
        return None if row is None else str(row[0])

    # -- sessions ------------------------------------------------------------------------------

    def new_session(self, email: str, hours: int) -> str:
        """A new session's id for `email` (only its hash is stored)."""
        sid = new_token()
        now = self.clock()
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (stamp(now - KEEP),))
            db.execute("INSERT INTO sessions (session_hash, email, created, expires) "
                       "VALUES (?, ?, ?, ?)",
                       (digest(sid), email, stamp(now), stamp(now + timedelta(hours=hours))))
        return sid

    def session_email(self, sid: str) -> str | None:
        """The address of a live session (not ended, not expired), else None."""
        row = self._db().execute("SELECT email FROM sessions WHERE session_hash = ? AND "
                                 "ended = '' AND expires > ?", (digest(sid), self.now())
                                 ).fetchone()
        return None if row is None else str(row[0])

    def end_session(self, sid: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE sessions SET ended = ? WHERE session_hash = ? AND ended = ''",
                       (self.now(), digest(sid)))

    # -- audit ---------------------------------------------------------------------------------

    def log(self, event: Event, account: str = "", file: str = "", client: str = "",
            detail: str = "") -> None:
        with self._tx() as db:
            db.execute("INSERT INTO audit (at, event, account, file, client, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (self.now(), event, account, file, client, detail))

    def audit(self, since: str = "", limit: int | None = None) -> list[AuditRow]:
        """Audit rows from `since` (an ISO date or time; "" for all), newest first."""
        sql = ("SELECT at, event, account, file, client, detail FROM audit WHERE at >= ? "
               "ORDER BY id DESC")
        params: tuple[str | int, ...] = (since,)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [AuditRow(*row) for row in self._db().execute(sql, params).fetchall()]
