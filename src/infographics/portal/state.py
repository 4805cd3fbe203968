"""The running portal's shared parts (settings, database, catalog, file check, mailer) as one
`Portal`, and a request's client and viewer from them.

The application factory (`app.create_app`) makes one `Portal` and keeps it in the Flask app's
`extensions`; the views take it from there with `portal()`, so they need not import the
factory.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request

from infographics.portal.access import ANONYMOUS, Viewer
from infographics.portal.catalog import Catalog, Editions
from infographics.portal.files import FileCheck
from infographics.portal.mail import Mailer
from infographics.portal.settings import Settings
from infographics.portal.store import Event, Store

EXTENSION = "bibliotheekmonitor-portaal"


@dataclass
class Portal:
    settings: Settings
    store: Store
    editions: Editions
    check: FileCheck
    mailer: Mailer

    def viewer_for(self, email: str, catalog: Catalog) -> Viewer | None:
        """The viewer an address logs in as; None when it may not log in (disabled, or neither
        a contact in the data nor a staff account)."""
        account = self.store.account(email)
        if account is not None and account.disabled:
            return None
        staff = account is not None and account.staff
        recipients = catalog.data.grants.get(email, frozenset())
        if not staff and not recipients:
            return None
        name = (account.name if account is not None else "") or catalog.data.names.get(email, "")
        return Viewer(email, name, recipients, staff)


def portal() -> Portal:
    found: Portal = current_app.extensions[EXTENSION]
    return found


def catalog() -> Catalog:
    """This request's catalog (one snapshot for the whole request)."""
    if "catalog" not in g:
        g.catalog = portal().editions.current()
    found: Catalog = g.catalog
    return found


def viewer() -> Viewer:
    found: Viewer = g.get("viewer", ANONYMOUS)
    return found


def client() -> str:
    """The client's address (behind trusted proxies: the one they forwarded)."""
    return request.remote_addr or ""


def audit(event: Event, file: str = "", detail: str = "", account: str | None = None) -> None:
    """One audit row for this request: its viewer (or `account`) and client address."""
    who = viewer().email if account is None else account
    portal().store.log(event, who, file, client(), detail)
