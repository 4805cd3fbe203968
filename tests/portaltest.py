"""Shared parts of the portal tests (tests/portal/, the browser test): the small sample edition
with its POI bundles (built once per run for all xdist workers), one catalog per worker, an app
per test with its own database and outbox, and logging in the way a person does (form, mail,
confirm button) or directly.

Expected answers are computed in the tests from the CSVs, never through the portal's or the
entitlement code.
"""

from __future__ import annotations

import email
import re
import shutil
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest
from editions import LIBRARIES, PROVINCES, SAMPLE, shared_folder, small_edition

from infographics.data.read import load
from infographics.edition.build import build_edition
from infographics.edition.bundle import run_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS
from infographics.portal.app import create_app
from infographics.portal.catalog import Editions
from infographics.portal.settings import Settings
from infographics.portal.state import EXTENSION
from infographics.portal.store import Store

PUBLIC = "http://portaal.test"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(re.escape(PUBLIC) + r"(/login/bevestigen\?token=[A-Za-z0-9_-]+)")


@pytest.fixture(scope="session")
def portal_edition(tmp_path_factory, ctx) -> Path:
    """The small edition (83 pages of 2020-2021), the partners pages of the sample's latest
    calendar year for the same country, provinces and libraries (26 pages), and their bundle
    files (18 and 9); do not change it."""

    def make(building: Path) -> None:
        shutil.copytree(small_edition(tmp_path_factory, ctx), building)
        calendar = ctx.figures.years("partners")[-1]
        jobs = plan(ctx.figures, ["partners"], PAGE_LEVELS,
                    only=["NL", *PROVINCES, *LIBRARIES], years=[calendar])
        result = build_edition(jobs, SAMPLE, building, ctx=ctx, check=False)
        assert not result.failed, result.failed
        run_bundles(building, Entitlements.from_tables(load(SAMPLE)))

    return shared_folder(tmp_path_factory, "portal-edition", make)


def settings_for(out: Path, folder: Path, **changes) -> Settings:
    base = Settings(data=SAMPLE, out=out, db=folder / "db" / "portaal.sqlite",
                    public_url=PUBLIC, mail_outbox=folder / "outbox", reload_seconds=3600)
    return replace(base, **changes)


@pytest.fixture(scope="session")
def editions(portal_edition, tmp_path_factory) -> Editions:
    """The catalog of the portal edition, loaded once per worker."""
    folder = tmp_path_factory.mktemp("editions")
    return Editions(settings_for(portal_edition, folder))


class Portal:
    """One app under test: its client factory, store and outbox."""

    def __init__(self, settings: Settings, editions: Editions | None = None):
        self.settings = settings
        self.store = Store(settings.db)
        self.app = create_app(settings, self.store, editions=editions)
        self.app.config["TESTING"] = True
        self.outbox = settings.mail_outbox
        assert self.outbox is not None

    def client(self, address: str = "127.0.0.1"):
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    def settle(self) -> None:
        """Wait until the login worker has handled every login request so far."""
        self.app.extensions[EXTENSION].logins.wait()

    def mails(self) -> list[email.message.EmailMessage]:
        if not self.outbox.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.outbox.glob("*.eml"))]

    def session(self, client, email_address: str) -> None:
        """Log `client` in as `email_address` directly (the login itself is tested apart)."""
        sid = self.store.new_session(email_address, 1)
        with client.session_transaction() as s:
            s["sid"] = sid


@pytest.fixture
def portal(portal_edition, editions, tmp_path) -> Portal:
    return Portal(settings_for(portal_edition, tmp_path), editions)


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, "geen CSRF-token in de pagina"
    return found.group(1)


def settle(client) -> None:
    """Wait until the login worker of `client`'s app has handled every request so far."""
    client.application.extensions[EXTENSION].logins.wait()


def request_link(client, address: str):
    """Ask for a login link through the form; the answer, once the worker handled it."""
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"email": address, "csrf_token": csrf(page)})
    settle(client)
    return answer


def link_in(mail) -> str:
    """The path of the login link in a mail."""
    body = mail.get_body(("plain",)).get_content()
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def confirm(client, path: str):
    """Open the confirm page of a link and press its button."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]*)"', html)
    if token is None:  # no button (a used or expired link): press it anyway, with the token
        html = client.get("/login").get_data(as_text=True)
    return client.post("/login/bevestigen",
                       data={"token": token.group(1) if token else path.split("token=")[1],
                             "csrf_token": csrf(html)})


def login(portal: Portal, client, address: str):
    """Log in through the form, the mail and the confirm button; the confirm answer."""
    before = len(portal.mails())
    request_link(client, address)
    mails = portal.mails()
    assert len(mails) == before + 1, f"geen inlogmail voor {address}"
    return confirm(client, link_in(mails[-1]))
