"""The review sheet and the mails' HTML part pass an accessibility audit in a real browser
(issue 17, item 4): axe-core (tests/fixtures/axe-core, from the npm registry) is injected into
Debian's chromium over the DevTools protocol (tests/browser.py) and run on the rendered page,
with every rule it has (WCAG 2.x A and AA, and its best practices: headings in order, one
level-one heading, landmarks, the document language, alt texts, link names, colour contrast,
focusable elements). No finding of impact serious or critical is allowed on the sheet or on any
kind of mail, nor any finding at all on the sheet; every finding is printed with its rule,
impact and the elements it names. The test also checks what axe cannot judge but the issue
asks: the thumbnails' alt texts name the page, and a bundle's link says whose bundle it is.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from browser import chromium, serve
from editions import SAMPLE, copy_edition

from infographics.data.read import load
from infographics.delivery.messages import Templates
from infographics.edition.bundle import make_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.preview import FOLDER, make_preview, school_libraries_of

AXE = Path(__file__).parents[1] / "fixtures" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # 4.14.1
SERIOUS = ("serious", "critical")
RUN = """axe.run(document, {resultTypes: ["violations"]}).then(r => ({
  rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
  violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))}))"""


def audit(browser, url: str) -> dict:
    """axe-core's findings on the page at `url`, after it loaded."""
    browser.open(url)
    browser.evaluate(AXE.read_text(encoding="utf-8") + ";0")
    assert browser.evaluate("axe.version") == "4.14.1"
    return browser.evaluate(RUN)


def shown(findings: list[dict]) -> str:
    return "\n".join(json.dumps(f, ensure_ascii=False, indent=1) for f in findings)


def test_the_vendored_axe_core_is_the_pinned_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


@pytest.fixture(scope="module")
def sheet(tmp_path_factory, ctx) -> Path:
    """A small edition with its bundles and review sheet, one page missing (a warning)."""
    out = copy_edition(tmp_path_factory, ctx, "a11y")
    tables = load(SAMPLE)
    make_bundles(out, Entitlements.from_tables(tables))
    missing = next(p for p in sorted((out / "po" / "lokaal").glob("*.pdf")))
    missing.unlink()
    make_preview(out, Entitlements.from_tables(tables), school_libraries_of(tables), workers=1)
    return out


def test_review_sheet_has_no_accessibility_findings(sheet, tmp_path):
    with serve(sheet) as base, chromium(tmp_path) as browser:
        result = audit(browser, f"{base}/{FOLDER}/index.html")
        headings = browser.evaluate(
            "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'), h => +h.tagName[1])")
        alts = browser.evaluate("Array.from(document.images, i => i.alt)")
        bundle_links = browser.evaluate(
            "Array.from(document.querySelectorAll('ul.bestanden a'), a => a.textContent)")
    assert result["rules"] > 50
    assert result["violations"] == [], shown(result["violations"])
    assert headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert alts
    assert all(a.startswith("Infographic ") and "schooljaar 2020-2021" in a for a in alts)
    assert bundle_links
    assert all(" van " in link and "schooljaar" in link for link in bundle_links)


def mail_contexts() -> dict[str, dict]:
    """The template's variables for each kind of mail: a library's (with a school zip, in two
    parts), a POI's, the national group's, and a test mail redirected to the sender."""
    attachment = {"filename": "po-2020-2021-nederland.pdf", "size": "88 kB",
                  "description": "landelijke infographic PO"}
    base = {"school_year": "2020-2021", "edition": "schooljaar 2020-2021", "entity_id": "bib-0001",
            "entity_name": "Bibliotheek Hunzedal", "provinces": ["Drenthe"],
            "salutation": "Femke de Groot", "to": [{"name": "Femke de Groot",
                                                    "email": "femke@example.org"}],
            "cc": [], "attachments": [attachment, attachment], "school_zip": False,
            "partners_year": "", "part": 1,
            "parts": 1, "sender_name": "Team Bibliotheekmonitor", "redirect": None,
            "portal_url": None}
    return {
        "library": {**base, "kind": "library", "school_zip": True, "parts": 2,
                    "partners_year": "2020"},
        "poi": {**base, "kind": "poi", "entity_name": "Biblionet Drenthe"},
        "national": {**base, "kind": "national", "entity_name": "Nederland",
                     "portal_url": "https://monitor.kb.example/portaal"},
        "redirected": {**base, "kind": "library", "redirect": {
            "address": "ik@example.org", "to": ["femke@example.org"], "cc": []}},
    }


@pytest.mark.parametrize("kind", list(mail_contexts()))
def test_mail_html_has_no_serious_accessibility_findings(kind, tmp_path):
    page = tmp_path / f"{kind}.html"
    page.write_text(Templates().render("body.html.j2", mail_contexts()[kind]),
                    encoding="utf-8")
    with chromium(tmp_path) as browser:
        result = audit(browser, page.as_uri())
        lang = browser.evaluate("document.documentElement.lang")
        headings = browser.evaluate(
            "Array.from(document.querySelectorAll('h1,h2,h3'), h => h.tagName)")
    serious = [v for v in result["violations"] if v["impact"] in SERIOUS]
    assert not serious, shown(serious)
    assert result["violations"] == [], shown(result["violations"])  # not even a moderate one
    assert lang == "nl"
    assert headings == ["H1", "H2"]
