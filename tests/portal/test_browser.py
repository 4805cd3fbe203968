"""A real browser (issue 15, tests): Debian's chromium over the DevTools pipe (tests/browser.py)
against the portal under waitress on 127.0.0.1: ask for a link, log in through the link in the
outbox, open a PDF, see the figures view, log out, and be refused afterwards.
"""

from __future__ import annotations

import re
import threading

import pytest
import waitress
from browser import chromium, require_chromium
from editions import YEAR
from portaltest import Portal, settings_for

from infographics.edition.manifest import read_manifest
from infographics.portal.catalog import file_id

LIBRARY = "y.devries@bibliotheek-regio-westerkwartier.example.org"  # bib-0002


@pytest.fixture
def served(portal_edition, editions, tmp_path):
    """The portal on a free port of 127.0.0.1 under waitress; yields (base URL, portal)."""
    require_chromium()
    server = waitress.create_server(lambda environ, start: [], host="127.0.0.1", port=0,
                                    threads=4)  # the app follows once the address is known
    base = f"http://127.0.0.1:{server.effective_port}"
    portal = Portal(settings_for(portal_edition, tmp_path, public_url=base), editions)
    server.application = portal.app
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield base, portal
    finally:
        server.close()
        thread.join(timeout=10)


def _submit(browser, selector: str) -> None:
    browser.evaluate(f"document.querySelector({selector!r}).submit()")
    browser.wait_for("Page.loadEventFired")


def _text(browser) -> str:
    return browser.evaluate("document.body.innerText")


def _outbox_link(portal, base: str) -> str:
    """The login link in the newest mail of the outbox (once the login worker wrote it)."""
    portal.settle()
    mails = portal.mails()
    assert len(mails) == 1
    found = re.search(re.escape(base) + r"/login/bevestigen\?token=[A-Za-z0-9_-]+",
                      mails[-1].get_body(("plain",)).get_content())
    assert found
    return found.group(0)


def test_login_open_pdf_figures_logout(served, tmp_path):
    base, portal = served
    pdf = next(e for e in read_manifest(portal.settings.out).values()
               if e.level == "library" and e.library_id == "bib-0002" and e.subject == "po")
    with chromium(tmp_path) as browser:
        browser.open(base + "/")
        assert "Inloggen" in _text(browser)
        assert "Bibliotheek Regio Westerkwartier" not in _text(browser)
        browser.open(base + "/login")
        browser.evaluate(f"document.getElementById('email').value = {LIBRARY!r}")
        _submit(browser, "form.form")
        assert "Kijk in uw mail" in _text(browser)

        link = _outbox_link(portal, base)
        browser.open(link)  # the GET shows a button; it does not log in
        assert "Uitloggen" not in _text(browser)
        assert f"U logt in als {LIBRARY}" in _text(browser)
        _submit(browser, "main form")
        page = _text(browser)
        assert "Uitloggen" in page
        assert "Welkom, Yasmina de Vries" in page
        assert "Bibliotheek Regio Westerkwartier" in page
        images = browser.evaluate(
            "Promise.all([...document.images].map(i => i.decode().then(() => i.naturalWidth)))")
        assert images
        assert all(w > 0 for w in images)

        browser.open(f"{base}/bestand/{file_id(pdf.path)}")
        assert browser.evaluate("document.contentType") == "application/pdf"
        fetched = browser.evaluate(
            f"fetch('/bestand/{file_id(pdf.path)}?download=1').then(r => r.arrayBuffer())"
            ".then(b => b.byteLength)")
        assert fetched == (portal.settings.out / pdf.path).stat().st_size

        browser.open(base + "/cijfers")  # the latest year; choose the calibrated one
        assert "Cijfers: Bibliotheek Regio Westerkwartier" in _text(browser)
        browser.evaluate(f"document.getElementById('keuze-jaar').value = {YEAR!r}")
        _submit(browser, "form.choose")
        page = _text(browser)
        assert f"Schooljaar {YEAR}" in page
        assert "Cijfers: Bibliotheek Regio Westerkwartier" in page
        assert "Groningen" in page
        assert "Nederland" in page
        assert "5.386" in page  # PO locations the libraries cooperate with, 2020-2021

        _submit(browser, "form.logout")
        assert "U bent uitgelogd" in _text(browser)
        browser.open(f"{base}/bestand/{file_id(pdf.path)}")
        assert "Niet gevonden" in _text(browser)
    events = [r.event for r in reversed(portal.store.audit())]
    assert events[:2] == ["login-aanvraag", "login"]
    assert "bekeken" in events
    assert "gedownload" in events
    assert "cijfers" in events
    assert events[-2:] == ["logout", "geweigerd"]
