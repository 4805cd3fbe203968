"""Login requests in the background: a typed address (and the client that typed it) into a login
mail, or into nothing, away from the request that asked for it.

The request (`auth.login`) only checks the form of the address, hands it to `LoginQueue.submit`
and answers the same page, for every address: nothing it does depends on whether the address
has an account, so neither its answer nor its time can tell. One worker thread then handles
every request alike (`LoginWorker.handle`): it looks the address up (a contact in the data or a
staff account, not disabled), checks the address's mail budget, makes the link, composes and
delivers the mail, and writes the audit row saying which of these happened. An unknown or
disabled address, or one over its budget, is dropped there.

The mail budget (`Limits.mail_per_address`, counted in the database's login links) only bounds
how many mails one address gets; it never changes the answer to anyone, so nobody can lock a
contact out by asking for links in its name: the mails that were sent carry valid links, and
the windows are at most an hour.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from limits import parse_many

from infographics.portal.access import Viewer
from infographics.portal.mail import LoginMail, Mailer, compose

if TYPE_CHECKING:
    from infographics.portal.catalog import Catalog, Editions
    from infographics.portal.settings import Settings
    from infographics.portal.store import Store

LOG = logging.getLogger(__name__)
QUEUE_SIZE = 1000


@dataclass(frozen=True)
class LoginRequest:
    """A well-formed address typed into the login form, and the client that sent it."""

    email: str
    client: str


def viewer_for(store: Store, email: str, catalog: Catalog) -> Viewer | None:
    """The viewer an address logs in as; None when it may not log in (disabled, or neither a
    contact in the data nor a staff account; while the data cannot be read, staff only)."""
    account = store.account(email)
    if account is not None and account.disabled:
        return None
    staff = account is not None and account.staff
    recipients = catalog.data.grants.get(email, frozenset())
    if not staff and not recipients:
        return None
    name = (account.name if account is not None else "") or catalog.data.names.get(email, "")
    return Viewer(email, name, recipients, staff)


class LoginWorker:
    """What happens to a login request, for every address the same steps."""

    def __init__(self, settings: Settings, store: Store, editions: Editions, mailer: Mailer):
        self.settings = settings
        self.store = store
        self.editions = editions
        self.mailer = mailer
        self.budget = [(item.amount, timedelta(seconds=item.get_expiry()))
                       for item in parse_many(settings.limits.mail_per_address)]

    def handle(self, req: LoginRequest) -> None:
        """Mail `req.email` a login link when it may log in and is within its mail budget;
        audit what was done."""
        catalog = self.editions.current()
        found = viewer_for(self.store, req.email, catalog)
        if found is None:
            detail = self._refusal(req.email, catalog)
        elif not self._within_budget(req.email):
            detail = "te veel mails aan dit adres; niet verstuurd"
        else:
            s = self.settings
            token = self.store.new_link(req.email, s.link_minutes)
            link = f"{s.public_url}/login/bevestigen?token={token}"
            self.mailer.deliver(compose(LoginMail(req.email, found.name, link, s.link_minutes,
                                                  s.public_url), s.sender))
            detail = "link verstuurd"
        self.store.log("login-aanvraag", req.email, "", req.client, detail)

    def _refusal(self, email: str, catalog: Catalog) -> str:
        account = self.store.account(email)
        if account is not None and account.disabled:
            return "uitgeschakeld"
        if catalog.data.problem:
            return "geen account; gegevens worden bijgewerkt (alleen medewerkers)"
        return "geen account"

    def _within_budget(self, email: str) -> bool:
        now = self.store.clock()
        return all(self.store.links_since(email, now - window) < amount
                   for amount, window in self.budget)


class LoginQueue:
    """Login requests handed from the request to one background thread (started with the first
    request). A full queue drops the request, whatever its address."""

    def __init__(self, handle: Callable[[LoginRequest], None], size: int = QUEUE_SIZE):
        self._handle = handle
        self._queue: queue.Queue[LoginRequest | None] = queue.Queue(maxsize=size)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, req: LoginRequest) -> None:
        """Hand `req` to the worker; never waits."""
        self._start()
        try:
            self._queue.put_nowait(req)
        except queue.Full:
            LOG.error("portaal: inlogaanvraag niet verwerkt: wachtrij vol")

    def wait(self) -> None:
        """Until every request handed in so far is handled (tests, and a clean stop)."""
        self._queue.join()

    def close(self) -> None:
        """Handle what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="portaal-inloggen",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while (req := self._queue.get()) is not None:
            try:
                self._handle(req)
            except Exception as exc:  # the worker goes on with the next request
                LOG.error("portaal: inlogaanvraag van %s niet verwerkt: %s", req.email,
                          type(exc).__name__)  # the type only: nothing of a link is logged
            finally:
                self._queue.task_done()
        self._queue.task_done()
