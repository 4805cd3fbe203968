"""Checking the document: its page box, catalog and metadata into findings (one A4 portrait
page; MarkInfo and a StructTreeRoot; Lang nl; a title, shown in the window; XMP metadata with
pdfuaid:part and dc:title; and for PDF/A-2a: the XMP unfiltered, with pdfaid part 2 and
conformance A, and an output intent with an ICC profile)."""

from __future__ import annotations

import re

from pikepdf import Page, Pdf, Stream

from infographics.verify.findings import Finding
from infographics.verify.geometry import BOX_TOLERANCE, rect
from infographics.verify.pdf import as_list, get, get_str, numbers, to_int

A4 = (595.28, 841.89)
LANG_PREFIX = "nl"
_XMP_PART = re.compile(rb"pdfuaid:part(?:>\s*|\s*=\s*[\"'])\d")
_XMP_TITLE = re.compile(rb"<dc:title>.*?<rdf:li[^>]*>\s*[^<\s]", re.S)
_XMP_PDFA = {"pdfaid:part 2": re.compile(rb"pdfaid:part(?:>\s*|\s*=\s*[\"'])2\b"),
             "pdfaid:conformance A": re.compile(
                 rb"pdfaid:conformance(?:>\s*|\s*=\s*[\"'])A\b")}


def check_a4(page: Page) -> list[Finding]:
    """The page is A4 portrait (after its /Rotate), give or take a point."""
    box = rect(numbers(page.mediabox)) or (0.0, 0.0, 0.0, 0.0)
    w, h = box[2] - box[0], box[3] - box[1]
    if to_int(get(page.obj, "/Rotate", 0) or 0) % 180:
        w, h = h, w
    if abs(w - A4[0]) <= BOX_TOLERANCE and abs(h - A4[1]) <= BOX_TOLERANCE:
        return []
    return [Finding("a4", f"MediaBox {w:.2f} x {h:.2f} pt is geen A4 staand "
                          f"({A4[0]} x {A4[1]} pt)")]


def check_catalog(doc: Pdf) -> list[Finding]:
    """Tagged, in Dutch, titled (and showing the title), with PDF/UA metadata."""
    cat = doc.Root
    findings = []
    if not _true(get(get(cat, "/MarkInfo"), "/Marked")):
        findings.append(Finding("tagged", "/MarkInfo /Marked is niet true"))
    if "/StructTreeRoot" not in cat:
        findings.append(Finding("tagged", "geen /StructTreeRoot (structuurboom) in de catalogus"))
    lang = get_str(cat, "/Lang")
    if not lang.lower().startswith(LANG_PREFIX):
        findings.append(Finding("lang", f"/Lang is {lang!r}, verwacht nl-..."))
    if not get_str(get(doc.trailer, "/Info"), "/Title").strip():
        findings.append(Finding("title", "/Info /Title ontbreekt of is leeg"))
    if not _true(get(get(cat, "/ViewerPreferences"), "/DisplayDocTitle")):
        findings.append(Finding("display-doc-title",
                                "/ViewerPreferences /DisplayDocTitle is niet true"))
    findings += _check_xmp(get(cat, "/Metadata"))
    findings += check_archival(cat)
    return findings


def check_archival(cat: object) -> list[Finding]:
    """What PDF/A-2a adds that a page could lose: the XMP stream without a /Filter (not even
    an empty one), with pdfaid part 2 conformance A, and an output intent (GTS_PDFA1) with an
    ICC profile for the DeviceRGB colours."""
    findings = []
    meta = get(cat, "/Metadata")
    if isinstance(meta, Stream):
        if "/Filter" in meta.stream_dict:
            findings.append(Finding("xmp-pdfa", "de XMP-stream heeft een /Filter; PDF/A wil "
                                                "hem onbewerkt"))
        xml = meta.read_bytes()
        missing = [name for name, rx in _XMP_PDFA.items() if not rx.search(xml)]
        if missing:
            findings.append(Finding("xmp-pdfa", "XMP-metadata mist " + " en ".join(missing)))
    if not any(get_str(i, "/S") == "/GTS_PDFA1"
               and isinstance(get(i, "/DestOutputProfile"), Stream)
               for i in as_list(get(cat, "/OutputIntents"))):
        findings.append(Finding("output-intent", "geen PDF/A-output intent (GTS_PDFA1) met een "
                                                 "ICC-profiel"))
    return findings


def _true(value: object) -> bool:
    """A PDF boolean true (not the string "true")."""
    return isinstance(value, bool) and value


def _check_xmp(meta: object) -> list[Finding]:
    xml = meta.read_bytes() if isinstance(meta, Stream) else b""
    missing = [name for name, rx in (("pdfuaid:part", _XMP_PART), ("dc:title", _XMP_TITLE))
               if not rx.search(xml)]
    if not missing:
        return []
    return [Finding("xmp-pdfua", "XMP-metadata " + ("ontbreekt" if not xml else
                                                    "mist " + " en ".join(missing)))]
