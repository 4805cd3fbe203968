"""The running portal's shared parts (settings, database, catalog, file check, mailer, login
queue, refusal budget) as one `Portal`, and a request's client, viewer, audit rows and refusals
from them.

The application factory (`app.create_app`) makes one `Portal` and keeps it in the Flask app's
`extensions`; the views take it from there with `portal()`, so they need not import the
factory.

What an anonymous visitor can make the portal write is bounded: a refusal (a file id it may not
have or that does not exist, a login beyond the per-client limit) is audited only while the
client is within its refusal budget (`Limits.refusals_per_client`); beyond it the answer is 429
and nothing is written. A HEAD request shows nothing, so it is never logged as a view.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, NoReturn

from flask import abort, current_app, g, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from infographics.portal.access import ANONYMOUS, Viewer
from infographics.portal.catalog import Catalog, Data, Editions
from infographics.portal.files import FileCheck
from infographics.portal.logins import LoginQueue, viewer_for
from infographics.portal.mail import Mailer
from infographics.portal.settings import Settings
from infographics.portal.store import Event, Store

if TYPE_CHECKING:
    from limits import RateLimitItem

EXTENSION = "bibliotheekmonitor-portaal"
VIEWS: Final = frozenset({"bekeken", "gedownload", "cijfers", "cijfers-csv", "audit"})


class Budget:
    """How often one key (a client address) may cause something within the windows of `spec`
    (Flask-Limiter notation, moving window), counted in `storage` (a `limits` storage URI)."""

    def __init__(self, name: str, spec: str, storage: str):
        self.name = name
        self._items: list[RateLimitItem] = parse_many(spec)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))

    def take(self, key: str) -> bool:
        """One more for `key` when it is within every window; False (nothing taken) when not."""
        if not all(self._limiter.test(item, self.name, key) for item in self._items):
            return False
        for item in self._items:
            self._limiter.hit(item, self.name, key)
        return True


@dataclass
class Portal:
    settings: Settings
    store: Store
    editions: Editions
    check: FileCheck
    mailer: Mailer
    logins: LoginQueue
    refusals: Budget
    _data_seen: Data | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def viewer_for(self, email: str, catalog: Catalog) -> Viewer | None:
        """The viewer an address logs in as (see `logins.viewer_for`)."""
        return viewer_for(self.store, email, catalog)

    def note_data(self, data: Data) -> None:
        """Audit, once, that changed data could not be read (and so no contact may log in), and
        that it was read again."""
        if data is self._data_seen:
            return
        with self._lock:
            before, self._data_seen = self._data_seen, data
        was = before.problem if before is not None and before is not data else data.problem
        if data.problem and (data.problem != was or before is None):
            self.store.log("gegevens", detail=_closed(data.problem))
        elif was and not data.problem:
            self.store.log("gegevens", detail="gegevens weer gelezen: contactpersonen kunnen "
                                              "weer inloggen")


def _closed(problem: str) -> str:
    return ("nieuwe gegevens niet te lezen; contactpersonen kunnen niet inloggen tot ze "
            f"gelezen worden: {problem}")


def portal() -> Portal:
    found: Portal = current_app.extensions[EXTENSION]
    return found


def catalog() -> Catalog:
    """This request's catalog (one snapshot for the whole request)."""
    if "catalog" not in g:
        g.catalog = portal().editions.current()
        portal().note_data(g.catalog.data)
    found: Catalog = g.catalog
    return found


def viewer() -> Viewer:
    found: Viewer = g.get("viewer", ANONYMOUS)
    return found


def client() -> str:
    """The client's address (behind trusted proxies: the one they forwarded)."""
    return request.remote_addr or ""


def audit(event: Event, file: str = "", detail: str = "", account: str | None = None) -> None:
    """One audit row for this request: its viewer (or `account`) and client address. A HEAD
    request is never logged as a view."""
    if request.method == "HEAD" and event in VIEWS:
        return
    who = viewer().email if account is None else account
    portal().store.log(event, who, file, client(), detail)


def within_refusals() -> bool:
    """Whether this client may have one more refusal audited (and takes it)."""
    return portal().refusals.take(client())


def refuse(code: int, file: str = "", detail: str = "") -> NoReturn:
    """Refuse this request with `code`, audited as "geweigerd" while the client is within its
    refusal budget; beyond it, 429 and no audit row."""
    if not within_refusals():
        abort(429)
    audit("geweigerd", file=file, detail=detail)
    abort(code)
