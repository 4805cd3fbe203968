"""Verifying: a built infographic PDF (bytes or file) into a list of `Finding`s, empty when the
page passes; an output folder's manifest into findings per file.

The checks are what the pages promise: one A4 portrait page; embedded, non-Type 3 fonts with a
ToUnicode map (fonts); extractable text (text); a tagged PDF/UA structure: MarkInfo,
StructTreeRoot, Lang nl, title shown in the window, XMP with pdfuaid:part (document); every
Figure with alternative text, headings without skipped levels, every MCID in the content
stream owned by exactly one structure element (structure); nothing painted outside marked
content (tagged or artifact) and no marked content nested or left open (text); no text smaller
than 6,5 pt, named by its block (textsize); all text inside
the page and inside its block, and blocks that do not overlap (blocks); and, when given, every
expected figure present in the text (text).

Blocks are read from the PDF itself: a structure element with a layout attribute
`/A <</O /Layout /BBox [x0 y0 x1 y1]>>` (titled /T with the block id: a block's `Div`, or the
block's only element; or a Figure inside a block). Every piece of text belongs, through its
MCID and structure element, to the nearest element with a BBox (itself or an ancestor), and its
glyph boxes (advance x font ascent and descent) must lie inside that BBox; a BBox lies inside
the BBox of its nearest ancestor that has one, and two BBoxes of which neither contains the
other in the tree do not overlap (touching is allowed).

Objects are read with pikepdf (qpdf, C++), from a memory map (pdf). The content stream is cut
into operations (contentstream) and walked once (scan), with fonts as decoders (glyphs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from pikepdf import Page, Pdf, PdfError

from infographics.edition.manifest import read_manifest
from infographics.verify.blocks import check_blocks
from infographics.verify.document import check_a4, check_catalog
from infographics.verify.findings import Finding
from infographics.verify.fonts import check_fonts
from infographics.verify.independent import validate_independently
from infographics.verify.pdf import open_pdf
from infographics.verify.scan import scan_page
from infographics.verify.structtree import StructTree
from infographics.verify.structure import check_structure
from infographics.verify.text import check_text, check_untagged
from infographics.verify.textsize import check_text_size


def verify_pdf(pdf: bytes | Path | str, expected_numbers: Sequence[str] = (), *,
               strict: bool = False) -> list[Finding]:
    """Every problem found in `pdf`; an empty list means the page passes. `strict` also runs
    the independent PDF/UA-1 and PDF/A-2a validator (`independent`, about 20 ms more)."""
    try:
        with open_pdf(pdf) as doc:
            findings = _check_document(doc, expected_numbers)
    except (PdfError, OSError, ValueError) as exc:
        return [Finding("pdf", f"geen leesbare PDF: {type(exc).__name__}: {exc}")]
    return findings + validate_independently(pdf) if strict else findings


def verify_file(path: Path, *, strict: bool = False) -> list[Finding]:
    """A PDF given on its own: a one-page infographic as `verify_pdf` checks it; a PDF of
    several pages (a bundle's print PDF) as the manifest check does: the document's tagging,
    language, title and metadata, and with `strict` the independent validator."""
    data = Path(path).read_bytes()
    try:
        with open_pdf(data) as doc:
            if len(doc.pages) <= 1:
                return verify_pdf(data, strict=strict)
            findings = check_catalog(doc)
    except (PdfError, OSError, ValueError) as exc:
        return [Finding("pdf", f"geen leesbare PDF: {type(exc).__name__}: {exc}")]
    return findings + validate_independently(data) if strict else findings


def verify_folder(out: Path, *, strict: bool = False) -> dict[str, list[Finding]]:
    """Findings per PDF listed in `out/manifest.csv` (relative `path`), including whether each
    file's sha256 is the manifest's. Every listed file gets an entry, empty when it passes.
    `strict` also runs the independent validator on every PDF (pages and print PDFs)."""
    out = Path(out)
    manifest = out / "manifest.csv"
    if not manifest.exists():
        return {"manifest.csv": [Finding("manifest", f"{manifest} ontbreekt")]}
    result: dict[str, list[Finding]] = {}
    for path, entry in read_manifest(out).items():
        result[path] = _verify_listed(out / path, entry.sha256, pdf_page=entry.is_page,
                                      strict=strict and path.endswith(".pdf"))
    return result


def _check_document(doc: Pdf, expected_numbers: Sequence[str]) -> list[Finding]:
    pages = len(doc.pages)
    if pages == 0:
        return [Finding("one-page", "de PDF heeft geen pagina's")]
    findings: list[Finding] = []
    if pages != 1:
        findings.append(Finding("one-page", f"{pages} pagina's in plaats van 1"))
    try:
        return findings + _check_page(doc, doc.pages[0], expected_numbers)
    except Exception as exc:  # a malformed file is a finding, not a crash of a whole folder
        return findings + [Finding("pdf", f"niet te controleren: {type(exc).__name__}: {exc}")]


def _check_page(doc: Pdf, page: Page, expected_numbers: Sequence[str]) -> list[Finding]:
    findings = check_a4(page)
    findings += check_fonts(page)
    scan = scan_page(page)
    findings += check_text(scan, expected_numbers)
    findings += check_untagged(scan)
    findings += check_catalog(doc)
    tree = StructTree.read(doc)
    findings += check_text_size(tree, scan)
    if tree.root is not None:  # without a tree, check_catalog reported it
        findings += check_structure(tree, page, scan)
        findings += check_blocks(tree, scan)
    return findings


def _verify_listed(path: Path, sha256: str, pdf_page: bool = True,
                   strict: bool = False) -> list[Finding]:
    """The file exists and has its sha256; a page is also verified as a PDF/UA page (bundle
    zips and merged print PDFs only get the hash check); with `strict`, the independent
    validator checks it too (a page or a print PDF)."""
    if not path.is_file():
        return [Finding("manifest-missing", f"{path} staat in manifest.csv maar bestaat niet")]
    data = path.read_bytes()
    findings = []
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256.strip().lower():
        findings.append(Finding("manifest-sha256",
                                f"sha256 {actual} wijkt af van manifest.csv ({sha256 or 'leeg'})"))
    if pdf_page:
        return findings + verify_pdf(data, strict=strict)
    return findings + validate_independently(data) if strict else findings
