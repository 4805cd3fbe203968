"""Verifying: a built infographic PDF (bytes or file) into a list of `Finding`s, empty when the
page passes; an output folder's manifest into findings per file.

The checks are what the pages promise: one A4 portrait page; embedded, non-Type 3 fonts with a
ToUnicode map; extractable text; a tagged PDF/UA structure (MarkInfo, StructTreeRoot, Lang nl,
title shown in the window, XMP with pdfuaid:part); every Figure with alternative text; headings
without skipped levels; every MCID in the content stream owned by exactly one structure element;
nothing painted outside marked content (tagged or artifact) and no marked content nested or left
open; all text inside the page and inside its block; blocks that do not overlap; and, when
given, every expected figure present in the text.

Blocks are read from the PDF itself: a structure element with a layout attribute
`/A <</O /Layout /BBox [x0 y0 x1 y1]>>` (titled /T with the block id: a block's `Div`, or the
block's only element; or a Figure inside a block). Every piece of text belongs, through its
MCID and structure element, to the nearest element with a BBox (itself or an ancestor), and its
glyph boxes (advance x font ascent and descent) must lie inside that BBox; a BBox lies inside
the BBox of its nearest ancestor that has one, and two BBoxes of which neither contains the
other in the tree do not overlap (touching is allowed).

Objects are read with pikepdf (qpdf, C++), from a memory map. The content stream is cut into
operations by one regular expression (a ReportLab line of text is one step, runs of path
operations are skipped) and only the operands the walk needs are parsed; anything unusual, such
as an inline image, goes to pikepdf's `parse_content_stream`, which gives the same pairs. It is
walked once, tracking marked content, the graphics and text state, and the text per MCID.
Font decoders are shared between pages whose fonts are the same (`_font`).
`structure_outline` reads the structure tree back as an indented text version.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, PdfError, String

from infographics.edition.manifest import read_manifest

A4 = (595.28, 841.89)
BOX_TOLERANCE = 1.0  # points, for the page size and for text positions
OVERLAP_EPSILON = 0.05  # points: blocks overlapping by less than this only touch (rounding)
LANG_PREFIX = "nl"
MAX_EXAMPLES = 3  # examples quoted in one finding
MAX_FINDINGS_PER_CHECK = 10
UNMAPPED = "\uffff"  # stands for a glyph without a Unicode value while decoding

PAINT = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*",
         b"sh", b"Do", b"BI", b"INLINE IMAGE"}
Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


# --- entry points ---------------------------------------------------------------------------


def verify_pdf(pdf: bytes | Path | str, expected_numbers: Sequence[str] = ()) -> list[Finding]:
    """Every problem found in `pdf`; an empty list means the page passes."""
    try:
        with _open(pdf) as doc:
            return _check_document(doc, expected_numbers)
    except (PdfError, OSError, ValueError) as exc:
        return [Finding("pdf", f"geen leesbare PDF: {type(exc).__name__}: {exc}")]


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


def _check_page(doc: Pdf, page, expected_numbers: Sequence[str]) -> list[Finding]:
    findings = _check_a4(page)
    findings += _check_fonts(page)
    scan = _scan_page(page)
    findings += _check_text(scan, expected_numbers)
    findings += _check_untagged(scan)
    findings += _check_catalog(doc)
    findings += _check_structure(doc, page, scan)
    return findings


def verify_folder(out: Path) -> dict[str, list[Finding]]:
    """Findings per PDF listed in `out/manifest.csv` (relative `path`), including whether each
    file's sha256 is the manifest's. Every listed file gets an entry, empty when it passes."""
    out = Path(out)
    manifest = out / "manifest.csv"
    if not manifest.exists():
        return {"manifest.csv": [Finding("manifest", f"{manifest} ontbreekt")]}
    result: dict[str, list[Finding]] = {}
    for path, entry in read_manifest(out).items():
        result[path] = _verify_listed(out / path, entry.sha256, pdf_page=entry.is_page)
    return result


def structure_outline(pdf: bytes | Path | str, blocks: bool = False) -> list[str]:
    """The structure tree in reading order, one indented line per element: "H1: <text>",
    "Figure: <alt>", "P: <text>" (text = what that element's marked content shows). A block's
    Div is not read aloud, so by default its elements stand in its place; with `blocks` it is
    shown as "Div [block id]"."""
    with _open(pdf) as doc:
        scan = _scan_page(doc.pages[0])
        tree = _StructTree.read(doc)
    lines = []
    for elem in tree.elements:
        if not blocks and elem.silent:
            continue
        text = _normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))
        label = elem.alt or text
        title = f" [{elem.title}]" if blocks and elem.title else ""
        depth = elem.depth if blocks else elem.depth - sum(a.silent for a in elem.ancestors())
        lines.append("  " * depth + elem.role + title + (f": {label}" if label else ""))
    return lines


def _verify_listed(path: Path, sha256: str, pdf_page: bool = True) -> list[Finding]:
    """The file exists and has its sha256; a page is also verified as a PDF/UA page (bundle
    zips and merged print PDFs only get the hash check)."""
    if not path.is_file():
        return [Finding("manifest-missing", f"{path} staat in manifest.csv maar bestaat niet")]
    data = path.read_bytes()
    findings = []
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256.strip().lower():
        findings.append(Finding("manifest-sha256",
                                f"sha256 {actual} wijkt af van manifest.csv ({sha256 or 'leeg'})"))
    return findings + verify_pdf(data) if pdf_page else findings


@contextmanager
def _open(pdf: bytes | Path | str) -> Iterator[Pdf]:
    """The PDF as qpdf reads it, without repairing a damaged file (a verifier reports it).
    qpdf reads objects about twice as fast from a memory map as through a Python stream, so
    bytes go into an anonymous memory file first where the system has them (Linux)."""
    stream = _memory_file(pdf) if isinstance(pdf, bytes | bytearray) else open(pdf, "rb")  # noqa: SIM115
    with stream, _qpdf(stream) as doc:
        yield doc


def _qpdf(stream) -> Pdf:
    options = {"attempt_recovery": False, "access_mode": pikepdf.AccessMode.mmap}
    try:  # scalars as Python int, bool, Decimal, whatever the process-wide default
        return pikepdf.open(stream, conversion_mode="implicit", **options)
    except TypeError:  # a pikepdf without conversion modes always converts
        return pikepdf.open(stream, **options)


def _memory_file(data: bytes):
    """A readable file holding `data`: a memfd (mappable) or else a BytesIO."""
    try:
        fd = os.memfd_create("verify.pdf", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or no memfd
        return io.BytesIO(data)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return os.fdopen(fd, "rb")


def _normal(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces."""
    return " ".join(text.split())


# --- objects ----------------------------------------------------------------------------------


def _is_dict(obj) -> bool:
    """A dictionary or a stream (whose dictionary is read the same way)."""
    return isinstance(obj, Dictionary | pikepdf.Stream)


def _get(obj, key: str, default=None):
    """obj[key] for a dictionary or stream, `default` for anything else or a missing key."""
    if not _is_dict(obj):
        return default
    value = obj.get(key, default)
    return default if value is None else value


def _key(obj) -> tuple[int, int] | None:
    """What identifies an object: its object number; None for a direct object (which has no
    identity of its own, and cannot be part of a cycle)."""
    objgen = obj.objgen
    return objgen if objgen != (0, 0) else None


def _as_list(obj) -> list:
    """An array's items, or the one object."""
    if obj is None:
        return []
    return list(obj) if isinstance(obj, Array) else [obj]


def _numbers(array) -> list[float]:
    """The numbers of an array of numbers (a font's widths), read in one go."""
    if not isinstance(array, Array):
        return []
    text = array.unparse()
    if b"R" not in text:  # no references: "[ 1 2.5 ... ]"
        try:
            return [float(v) for v in text[1:-1].split()]
        except ValueError:
            pass
    return [float(v) for v in array]


def _rect(obj) -> Rect | None:
    """A rectangle [x0 y0 x1 y1] (normalised), or None when it is not four numbers."""
    try:
        x0, y0, x1, y1 = (float(v) for v in obj)
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


# --- page box and fonts ---------------------------------------------------------------------


def _check_a4(page) -> list[Finding]:
    box = _rect(_numbers(page.mediabox)) or (0.0, 0.0, 0.0, 0.0)
    w, h = box[2] - box[0], box[3] - box[1]
    if int(_get(page.obj, "/Rotate", 0) or 0) % 180:
        w, h = h, w
    if abs(w - A4[0]) <= BOX_TOLERANCE and abs(h - A4[1]) <= BOX_TOLERANCE:
        return []
    return [Finding("a4", f"MediaBox {w:.2f} x {h:.2f} pt is geen A4 staand "
                          f"({A4[0]} x {A4[1]} pt)")]


def _font_dicts(resources, seen: set | None = None) -> list[tuple[str, Dictionary]]:
    """(resource name, font dict) for the fonts in `resources` and in any Form XObject in it."""
    seen = set() if seen is None else seen
    fonts = [(str(name), font) for name, font in _get(resources, "/Font", {}).items()]
    for xobj in _get(resources, "/XObject", {}).values():
        key = _key(xobj) if _is_dict(xobj) else None
        if _get(xobj, "/Subtype") != "/Form" or key in seen:
            continue
        seen.add(key)
        fonts += _font_dicts(_get(xobj, "/Resources"), seen)
    return fonts


def _check_fonts(page) -> list[Finding]:
    findings = []
    done: set = set()
    for name, font in _font_dicts(_get(page.obj, "/Resources")):
        key = _key(font) if _is_dict(font) else None
        if not _is_dict(font) or (key is not None and key in done):
            continue
        done.add(key)
        label = f"{name} ({str(_get(font, '/BaseFont', '?')).lstrip('/')})"
        if _get(font, "/Subtype") == "/Type3":
            findings.append(Finding("no-type3", f"lettertype {label} is Type 3"))
        elif not _embedded(font):
            findings.append(Finding("fonts-embedded", f"lettertype {label} is niet ingebed"))
        if "/ToUnicode" not in font:
            findings.append(Finding("tounicode", f"lettertype {label} heeft geen ToUnicode"))
    return findings


def _embedded(font) -> bool:
    if _get(font, "/Subtype") == "/Type0":
        kids = _as_list(_get(font, "/DescendantFonts"))
        return bool(kids) and all(_embedded(k) for k in kids)
    desc = _get(font, "/FontDescriptor")
    return _is_dict(desc) and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


# --- fonts as decoders ----------------------------------------------------------------------


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BLOCK = re.compile(rb"begin(bfchar|bfrange|codespacerange)(.*?)end\1", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", "replace") if len(raw) >= 2 else raw.decode("latin-1")


@lru_cache(maxsize=256)
def _parse_cmap(data: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per code, code -> text) from a ToUnicode CMap (bfchar and bfrange); cached, as
    the same subset's CMap recurs on many pages (do not change the returned table)."""
    width, table = 1, {}
    for kind, body in _BLOCK.findall(data):
        if kind == b"codespacerange":
            lows = _HEX.findall(body)
            width = max(1, len(lows[0].strip()) // 2) if lows else 1
        elif kind == b"bfchar":
            hexes = _HEX.findall(body)
            for src, dst in zip(hexes[::2], hexes[1::2], strict=False):
                table[int(src, 16)] = _utf16(dst)
        else:
            for lo, hi, dst in _RANGE.findall(body):
                _add_range(table, int(lo, 16), int(hi, 16), dst)
    return width, table


def _add_range(table: dict[int, str], lo: int, hi: int, dst: bytes) -> None:
    if dst.startswith(b"["):
        for code, item in zip(range(lo, hi + 1), _HEX.findall(dst), strict=False):
            table[code] = _utf16(item)
        return
    start = _utf16(dst[1:-1])
    for i, code in enumerate(range(lo, hi + 1)):
        table[code] = start[:-1] + chr(ord(start[-1]) + i) if start else ""


class _Font:
    """Turns shown strings into text and advance widths (in text space units per 1 pt), and
    knows how far its glyphs reach above and below the baseline (per 1 pt)."""

    def __init__(self, font: Dictionary | None):
        font = font if _is_dict(font) else None
        self.name = str(_get(font, "/BaseFont", "?")).lstrip("/")
        self.width_bytes, self.unicode = 1, None
        tu = _get(font, "/ToUnicode")
        if isinstance(tu, pikepdf.Stream):
            self.width_bytes, self.unicode = _parse_cmap(tu.read_bytes())
        self.widths: dict[int, float] = {}
        self.default = 0.0
        subtype = _get(font, "/Subtype")
        if subtype == "/Type0":
            self._cid_widths(font)
        else:
            self._simple_widths(font, subtype == "/Type3")
        # single-byte fast path: a str.translate table and a width per byte
        self.table = dict.fromkeys(range(256), UNMAPPED) if self.unicode is not None else {}
        self.table.update({c: (t if t and t != "\x00" else UNMAPPED)
                           for c, t in (self.unicode or {}).items() if c < 256})
        self.byte_widths = [self.default] * 256
        for c, w in self.widths.items():
            if 0 <= c < 256:
                self.byte_widths[c] = w

    def _simple_widths(self, font, type3: bool) -> None:
        matrix = _get(font, "/FontMatrix")
        scale = float(matrix[0]) if type3 and matrix is not None else 0.001
        first = int(_get(font, "/FirstChar", 0))
        for i, w in enumerate(_numbers(_get(font, "/Widths"))):
            self.widths[first + i] = w * scale
        desc = _get(font, "/FontDescriptor")
        self.default = float(_get(desc, "/MissingWidth", 0)) * scale
        self._extent(desc, 1 / 1000 if not type3 else 0.0)

    def _cid_widths(self, font) -> None:
        self.width_bytes = 2 if self.unicode is None else self.width_bytes
        kid = (_as_list(_get(font, "/DescendantFonts")) or [None])[0]
        self.default = float(_get(kid, "/DW", 1000)) / 1000
        self._extent(_get(kid, "/FontDescriptor"), 1 / 1000)
        w = list(_get(kid, "/W") or ())
        i = 0
        while i + 1 < len(w):
            first, nxt = int(w[i]), w[i + 1]
            if isinstance(nxt, Array):
                for j, v in enumerate(nxt):
                    self.widths[first + j] = float(v) / 1000
                i += 2
            else:
                for code in range(first, int(nxt) + 1):
                    self.widths[code] = float(w[i + 2]) / 1000
                i += 3

    def _extent(self, desc, scale: float) -> None:
        """Ascent and descent from the font descriptor (glyph space, 1/1000 em); a Type 3 font
        or a font without them is measured on its baseline only."""
        self.ascent = max(0.0, float(_get(desc, "/Ascent", 0)) * scale)
        self.descent = min(0.0, float(_get(desc, "/Descent", 0)) * scale)

    def decode(self, raw: bytes) -> tuple[str, int, float, int]:
        """(text, glyphs without Unicode, sum of glyph widths, single-byte spaces) of `raw`."""
        if self.width_bytes == 1:
            text = raw.decode("latin-1").translate(self.table)
            width = sum(map(self.byte_widths.__getitem__, raw))
            spaces = raw.count(32)
        else:
            n = self.width_bytes
            codes = [int.from_bytes(raw[i : i + n], "big") for i in range(0, len(raw) - n + 1, n)]
            text = "".join((self.unicode or {}).get(c) or UNMAPPED for c in codes).replace(
                "\x00", UNMAPPED)
            width = sum(self.widths.get(c, self.default) for c in codes)
            spaces = 0
        missing = text.count(UNMAPPED)
        return (text.replace(UNMAPPED, "") if missing else text), missing, width, spaces


_NO_FONT = _Font(None)
_REFERENCE = re.compile(rb"\d+ \d+ R")  # an object's number differs from page to page
_FONTS: dict[tuple, _Font] = {}  # simple fonts by what makes them, shared between pages
_MAX_FONTS = 256


def _font(obj) -> _Font:
    """The decoder of a font dictionary. A simple font is reused when an earlier page had one
    with the same name, widths, ToUnicode and metrics (ReportLab's subsets of Lato keep ASCII
    at its own codes, so nearly every page has the same four)."""
    subtype = _get(obj, "/Subtype")
    if subtype not in ("/TrueType", "/Type1"):
        return _Font(obj)
    desc, tu = obj.get("/FontDescriptor"), obj.get("/ToUnicode")
    key = (_REFERENCE.sub(b"R", obj.unparse(resolved=True)),  # /Widths within
           _REFERENCE.sub(b"R", desc.unparse(resolved=True)) if _is_dict(desc) else None,
           (tu.read_raw_bytes(), tu.stream_dict.unparse()) if isinstance(tu, pikepdf.Stream)
           else None)
    font = _FONTS.get(key)
    if font is None:
        if len(_FONTS) >= _MAX_FONTS:
            _FONTS.clear()
        font = _FONTS[key] = _Font(obj)
    return font


# --- parsing content streams ---------------------------------------------------------------

_END = rb"(?![^\s/\[\]<>(){}%])"  # a token ends at white space or a delimiter
_NUM = rb"[+-]?(?:\d+\.?\d*|\.\d+)" + _END
_NAME = rb"/[^\s/\[\]<>(){}%#]*+" + _END  # a name with #xx escapes goes to the slow path
_STR = rb"\((?:[^()\\]++|\\.)*+\)"
_HEXSTR = rb"<[0-9A-Fa-f\s]*+>"
_SIMPLE = b"|".join([_NUM, _NAME, _STR, _HEXSTR, rb"(?:true|false|null)" + _END])
_ARRAY = rb"\[(?:\s|" + _SIMPLE + rb")*+\]"
_DICT = rb"<<(?:\s|" + _SIMPLE + b"|" + _ARRAY + rb")*+>>"
# one operation: its operands (kept as bytes) and its operator; anything else is `bad`
_OPERAND = b"(?:" + _SIMPLE + b"|" + _ARRAY + b"|" + _DICT + b")"
_OPERATION = re.compile(
    rb"\s*((?:" + _OPERAND + rb"(?:\s*" + _OPERAND + rb")*+)?+)\s*"
    rb"([A-Za-z'\"][^\s/\[\]<>(){}%]*+)|\s*(\S)",
    re.S,
)
# For the walk, two shortcuts in the same expression, which change nothing in what the walk
# finds (tests/test_verify.py compares): a text object as ReportLab writes one line of text
# (canvas.drawString: Tm Tf TL Tj T*; mplcanvas: a second Tm and no T*) is one step, and a run
# of operations the walk ignores (path construction, colours, line style, ET) is skipped.
_N = rb"[+-]?(?:\d+\.?\d*|\.\d+)"
_SIX = _N + rb"(?:\s+" + _N + rb"){5}"
_TEXT_OBJECT = (rb"BT\s+(" + _SIX + rb")\s+Tm\s+(?:(" + _SIX + rb")\s+Tm\s+)?"
                rb"(/[^\s/\[\]<>(){}%#]+)\s+(" + _N + rb")\s+Tf\s+(" + _N + rb")\s+TL\s*"
                rb"(" + _STR + rb")\s*Tj(\s+T\*)?\s+ET" + _END)
_IGNORED = rb"(?:[mlcvyhnijJMwgGkK]|r[eg]|RG|ri|gs|[cC][sS]|scn?|SCN?|W\*?|ET)" + _END
_SKIP = rb"(?:[-+.\d\s]*+" + _IGNORED + rb"\s*)+"  # numbers only: gs, cs with a name go on
_WALK = re.compile(
    rb"\s*(?:" + _SKIP + b"|" + _TEXT_OBJECT
    + rb"|((?:" + _OPERAND + rb"(?:\s*" + _OPERAND + rb")*+)?+)\s*"
    rb"([A-Za-z'\"][^\s/\[\]<>(){}%]*+)|(\S))",
    re.S,
)
_MCID_PROPERTIES = re.compile(rb"(/[^\s/\[\]<>(){}%#]+)\s*<<\s*/MCID\s+(\d+)\s*>>")
TEXT_OBJECT = b"BT..ET"  # the operator of a text object walked as one step
_TOKEN = re.compile(
    rb"\s*(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?![^\s/\[\]<>(){}%])"
    rb"|(?P<name>/[^\s/\[\]<>(){}%]*)"
    rb"|(?P<str>\((?:[^()\\]|\\.)*\))"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|(?P<op>[A-Za-z'\"][^\s/\[\]<>(){}%]*)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<end>\s*$)|(?P<other>.))",
    re.S,
)
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|[\r\n])|(.))", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_CONSTANTS = {b"true": True, b"false": False, b"null": None}
_INLINE_IMAGE = {b"BI", b"ID", b"EI"}


class _Unparsed(Exception):
    """The fast parser met something it leaves to qpdf (inline image, nested parentheses)."""


Operation = tuple[bytes | list, bytes]  # (operands, still as bytes or already parsed; operator)


def _operations(data: bytes) -> list[Operation]:
    """(operands, operator) pairs of a content stream. One regular expression cuts the stream
    into operations, leaving the operands as bytes for `_args` to parse when they matter (most
    operations are paths and colours, whose operands the checks never need); anything unusual
    goes to qpdf's parser, whose operands come parsed."""
    try:
        return _walk_split(data)
    except _Unparsed:
        with pikepdf.new() as scratch:
            stream = pikepdf.Stream(scratch, data)
            return [([_py(o) for o in operands], str(op).encode("latin-1"))
                    for operands, op in pikepdf.parse_content_stream(stream)]


def _split(data: bytes) -> list[tuple[bytes, bytes]]:
    found = _OPERATION.findall(data)
    bad = [b for _, _, b in found if b]
    if bad:
        raise _Unparsed(bad[0])
    ops = [(raw, op) for raw, op, _ in found]
    if b"BI" in data and any(op in _INLINE_IMAGE for _, op in ops):
        raise _Unparsed(b"BI")
    return ops


def _walk_split(data: bytes) -> list[Operation]:
    """Like `_split`, with ReportLab's one-line text objects as one `TEXT_OBJECT` step (its
    operands the seven groups of `_TEXT_OBJECT`) and without the operations the walk ignores."""
    ops: list[Operation] = []
    for found in _WALK.findall(data):
        if found[8]:
            ops.append((found[7], found[8]))
        elif found[0]:
            ops.append((found[:7], TEXT_OBJECT))
        elif found[9]:
            raise _Unparsed(found[9])
    if b"BI" in data and any(op in _INLINE_IMAGE for _, op in ops):
        raise _Unparsed(b"BI")
    return ops


def _tokenize(data: bytes) -> list[tuple[list, bytes]]:
    """Every operation with its operands parsed (numbers as float, names as "/Name" strings,
    strings as bytes, arrays as lists, dictionaries as dicts); `_Unparsed` if unusual."""
    return [(_parse_operands(raw), op) for raw, op in _split(data)]


def _args(raw: bytes | list) -> list:
    """The operands of one operation, parsed. What ReportLab writes most (numbers, simple
    names, one plain string) takes a shortcut; anything else goes through the tokenizer."""
    if isinstance(raw, list):
        return raw
    if raw[:1] == b"(":
        inner = raw[1:-1]
        if raw[-1:] == b")" and not (b"\\" in inner or b"(" in inner or b")" in inner):
            return [inner]
    elif not (b"(" in raw or b"[" in raw or b"<" in raw):
        try:
            return [tok.decode("latin-1") if tok[:1] == b"/" else float(tok)
                    for tok in raw.split()]
        except ValueError:  # true, false, null
            pass
    return _parse_operands(raw)


def _parse_operands(data: bytes) -> list:
    stack: list[tuple[list, bytes]] = []  # enclosing operand lists while inside [ ] or << >>
    cur: list = []
    for m in _TOKEN.finditer(data):
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "num":
            cur.append(float(tok))
        elif kind == "name":
            cur.append(tok.decode("latin-1"))
        elif kind == "str":
            cur.append(_ESCAPE.sub(_unescape, tok[1:-1]))
        elif kind == "hex":
            digits = re.sub(rb"\s", b"", tok[1:-1])
            cur.append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        elif kind == "open":
            stack.append((cur, tok))
            cur = []
        elif kind == "close":
            cur = _close(stack, cur, tok)
        elif kind == "op" and tok in _CONSTANTS:
            cur.append(_CONSTANTS[tok])
        elif kind in ("op", "other"):
            raise _Unparsed(tok)
    if stack:
        raise _Unparsed(b"unbalanced")
    return cur


def _close(stack: list[tuple[list, bytes]], items: list, tok: bytes) -> list:
    if not stack or (stack[-1][1] == b"[") != (tok == b"]"):
        raise _Unparsed(tok)
    outer, _ = stack.pop()
    if tok == b"]":
        outer.append(items)
    else:
        outer.append({str(k): v for k, v in zip(items[::2], items[1::2], strict=True)})
    return outer


def _unescape(m: re.Match) -> bytes:
    octal, newline, char = m.groups()
    if octal:
        return bytes([int(octal, 8) & 0xFF])
    if newline:
        return b""
    return _ESCAPES.get(char, char)


def _py(obj):
    """A qpdf operand as the fast parser gives it."""
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, int | float | Decimal):
        return float(obj)
    if isinstance(obj, Name):
        return str(obj)
    if isinstance(obj, String):
        return bytes(obj)
    if isinstance(obj, Array):
        return [_py(x) for x in obj]
    if isinstance(obj, Dictionary):
        return {str(k): _py(v) for k, v in obj.items()}
    return obj  # an inline image: only its operator matters


# --- one pass over the content stream -------------------------------------------------------


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m x n (apply m, then n), PDF row-vector convention."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


@dataclass
class _TextState:
    font: _Font | None = None
    size: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass
class _Scan:
    """What the content stream shows: text per MCID, MCIDs used, where tagged text is, and
    problems met on the way."""

    box: Rect
    mcid_text: dict[int, str] = field(default_factory=dict)
    mcids: Counter = field(default_factory=Counter)
    chunks: list[str] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # unbalanced or nested marked content
    outside: list[str] = field(default_factory=list)
    runs: list[tuple[int, str, Rect]] = field(default_factory=list)  # MCID, text, glyph box
    unmapped: Counter = field(default_factory=Counter)  # font name -> glyphs without Unicode


class _Walker:
    """Walks content operations once, tracking marked content, CTM and the text matrices."""

    def __init__(self, scan: _Scan):
        self.scan = scan
        self.ctm: Matrix = IDENTITY
        self.gstack: list[tuple[Matrix, _TextState]] = []
        self.ts = _TextState()
        self.tm: Matrix = IDENTITY
        self.tlm: Matrix = IDENTITY
        self.marks: list[tuple[bool, int | None]] = []  # (covered, MCID) per open sequence
        self.covered = False
        self.mcid: int | None = None
        self.newline = True
        self.fonts: dict = {}  # font object number -> _Font
        self.named: dict[str, _Font] = {}  # resource name -> _Font, for the current resources
        self.forms: list = []
        self.resources = None

    def walk(self, operations: list[Operation], resources) -> None:
        outer, self.resources = self.resources, resources if _is_dict(resources) else {}
        named, self.named = self.named, {}
        handlers, paint = _HANDLERS, PAINT
        for operands, op in operations:
            if op in paint and not self.covered and not self.forms:
                self._untagged(op, operands)
            handler = handlers.get(op)
            if handler is not None:
                handler(self, operands)
        self.resources, self.named = outer, named

    # marked content
    def _untagged(self, op: bytes, operands) -> None:
        shown = ""
        if op in (b"Tj", b"'", b'"', b"TJ") and operands:
            shown = f" {self._decode_any(_args(operands)[-1])!r}"
        self.scan.untagged.append(op.decode("latin-1") + shown)

    def bdc(self, operands) -> None:
        plain = _MCID_PROPERTIES.fullmatch(operands) if isinstance(operands, bytes) else None
        if plain:  # "/P <</MCID 3>>", as ReportLab writes it
            tag, mcid = plain[1], int(plain[2])
            self.scan.mcids[mcid] += 1
            self._push(tag == b"/Artifact", mcid)
            return
        args = _args(operands)
        tag = str(args[0]) if args else ""
        props = args[1] if len(args) > 1 else None
        if isinstance(props, str):  # a named /Properties entry
            props = _get(_get(self.resources, "/Properties"), props)
        mcid = _get(props, "/MCID") if _is_dict(props) else (
            props.get("/MCID") if isinstance(props, dict) else None)
        mcid = int(mcid) if isinstance(mcid, int | float | Decimal) else None
        if mcid is not None:
            self.scan.mcids[mcid] += 1
        self._push(tag == "/Artifact", mcid)

    def bmc(self, operands) -> None:
        args = _args(operands)
        self._push(bool(args) and str(args[0]) == "/Artifact", None)

    def _push(self, artifact: bool, mcid: int | None) -> None:
        if (artifact or mcid is not None) and self.covered:  # content of two owners at once
            inner = "een artefact" if artifact else f"MCID {mcid}"
            outer = f"MCID {self.mcid}" if self.mcid is not None else "een artefact"
            self.scan.marked.append(f"{inner} genest in {outer}")
        self.marks.append((self.covered, self.mcid))
        self.covered = self.covered or artifact or mcid is not None
        self.mcid = mcid if mcid is not None else self.mcid

    def emc(self, operands) -> None:
        if not self.marks:
            self.scan.marked.append("EMC zonder BDC/BMC")
            return
        self.covered, self.mcid = self.marks.pop()

    # graphics state
    def q(self, operands) -> None:
        self.gstack.append((self.ctm, replace(self.ts)))

    def Q(self, operands) -> None:  # noqa: N802 - PDF operator name
        if self.gstack:
            self.ctm, self.ts = self.gstack.pop()

    def cm(self, operands) -> None:
        args = _args(operands)
        if len(args) == 6:
            self.ctm = _mul(tuple(float(v) for v in args), self.ctm)

    def do(self, operands) -> None:
        args = _args(operands)
        xobj = _get(_get(self.resources, "/XObject"), str(args[0])) if args else None
        if not isinstance(xobj, pikepdf.Stream) or _get(xobj, "/Subtype") != "/Form":
            return
        key = _key(xobj)
        if key in self.forms:
            return
        self.q(())
        matrix = _get(xobj, "/Matrix")
        if matrix is not None and len(matrix) == 6:
            self.ctm = _mul(tuple(float(v) for v in matrix), self.ctm)
        self.forms.append(key)
        self.walk(_operations(xobj.read_bytes()), _get(xobj, "/Resources") or self.resources)
        self.forms.pop()
        self.Q(())

    # text state and positioning
    def bt(self, operands) -> None:
        self.tm = self.tlm = IDENTITY
        self.newline = True

    def tf(self, operands) -> None:
        args = _args(operands)
        name = str(args[0])
        self.ts.font, self.ts.size = self.named.get(name) or self._font(name), float(args[1])

    def _font(self, name: str) -> _Font:
        """The font of resource `name` (each font object read once per page)."""
        obj = _get(_get(self.resources, "/Font"), name)
        key = _key(obj) if _is_dict(obj) else None
        font = self.fonts.get(key) or _font(obj)
        self.named[name] = self.named[name.encode("latin-1")] = font
        if key is not None:
            self.fonts[key] = font
        return font

    def td(self, operands) -> None:
        args = _args(operands)
        x, y = float(args[0]), float(args[1])
        self.tlm = self.tm = _mul((1, 0, 0, 1, x, y), self.tlm)
        self.newline = True

    def td_leading(self, operands) -> None:
        args = _args(operands)
        self.ts.leading = -float(args[1])
        self.td(args)

    def tm_set(self, operands) -> None:
        args = _args(operands)
        if len(args) == 6:
            self.tlm = self.tm = tuple(map(float, args))
        self.newline = True

    def next_line(self, operands=()) -> None:
        self.td([0.0, -self.ts.leading])

    def text_object(self, groups) -> None:
        """BT Tm [Tm] Tf TL Tj [T*] ET as one step (see `_TEXT_OBJECT`): the same as the
        operations one by one, with less work in between."""
        matrix, second, name, size, leading, string, next_line = groups
        self.tlm = self.tm = tuple(map(float, (second or matrix).split()))
        font = self.named.get(name) or self._font(name.decode("latin-1"))
        ts = self.ts
        ts.font, ts.size, ts.leading = font, float(size), float(leading)
        inner = string[1:-1]
        shown = _ESCAPE.sub(_unescape, inner) if b"\\" in inner else inner
        if not self.covered and not self.forms:
            self._untagged(b"Tj", [shown])
        self.newline = True
        start = self.tm  # from here on what _show and _glyphs do for one string
        text, missing, width, spaces = font.decode(shown)
        if missing:
            self.scan.unmapped[font.name] += missing
        dx = (width * ts.size + len(shown) // font.width_bytes * ts.char_space
              + spaces * ts.word_space) * ts.scale
        a, b, c, d, e, f = start
        self.tm = (a, b, c, d, e + dx * a, f + dx * b)
        self._record(text, start, font)
        if next_line:  # T*: the next line, `leading` below the start of this one
            a, b, c, d, e, f = self.tlm
            self.tlm = self.tm = (a, b, c, d, e - ts.leading * c, f - ts.leading * d)

    # showing text
    def tj(self, operands) -> None:
        self._show([_args(operands)[0]])

    def tj_array(self, operands) -> None:
        self._show(list(_args(operands)[0]))

    def quote(self, operands) -> None:
        self.next_line()
        self._show([_args(operands)[0]])

    def dquote(self, operands) -> None:
        args = _args(operands)
        self.ts.word_space, self.ts.char_space = float(args[0]), float(args[1])
        self.next_line()
        self._show([args[2]])

    def _show(self, items) -> None:
        ts, font = self.ts, self.ts.font or _NO_FONT
        start = self.tm
        parts = []
        for item in items:
            if isinstance(item, str | bytes):
                parts.append(self._glyphs(font, _raw(item)))
            else:  # a TJ adjustment in thousandths of text space
                shift = -float(item) / 1000 * ts.size * ts.scale
                self._advance(shift)
                if shift > 0.2 * ts.size:
                    parts.append(" ")
        self._record("".join(parts), start, font)

    def _glyphs(self, font: _Font, raw: bytes) -> str:
        ts = self.ts
        text, missing, width, spaces = font.decode(raw)
        glyphs = len(raw) // font.width_bytes
        self._advance((width * ts.size + glyphs * ts.char_space + spaces * ts.word_space)
                      * ts.scale)
        if missing:
            self.scan.unmapped[font.name] += missing
        return text

    def _advance(self, dx: float) -> None:
        a, b, c, d, e, f = self.tm
        self.tm = (a, b, c, d, e + dx * a, f + dx * b)

    def _record(self, text: str, start: Matrix, font: _Font) -> None:
        """The run's text, and its glyph box (from its start to its end, from the font's
        descent to its ascent) inside the page, and for tagged text, kept for its block."""
        scan = self.scan
        if self.newline and scan.chunks:
            text = " " + text
        self.newline = False
        scan.chunks.append(text)
        if self.mcid is not None:
            scan.mcid_text[self.mcid] = scan.mcid_text.get(self.mcid, "") + text
        size, rise = self.ts.size, self.ts.rise
        low, high = rise + font.descent * size, rise + font.ascent * size
        first, last = start, self.tm
        if self.ctm != IDENTITY:
            first, last = _mul(first, self.ctm), _mul(last, self.ctm)
        if first[1] == first[2] == 0 and first[3] > 0:  # upright text, the common case
            y = first[5] + low * first[3], first[5] + high * first[3]
            rect = (min(first[4], last[4]), y[0], max(first[4], last[4]), y[1])
        else:
            corners = (_apply(first, 0.0, low), _apply(first, 0.0, high),
                       _apply(last, 0.0, low), _apply(last, 0.0, high))
            xs, ys = [p[0] for p in corners], [p[1] for p in corners]
            rect = (min(xs), min(ys), max(xs), max(ys))
        if not _within(rect, scan.box, BOX_TOLERANCE):
            scan.outside.append(f"{_normal(text)!r} op {_show_rect(rect)}")
        elif self.mcid is not None and text.strip():
            scan.runs.append((self.mcid, text, rect))

    def _decode_any(self, item) -> str:
        font = self.ts.font or _NO_FONT
        items = [item] if isinstance(item, str | bytes) else item
        return _normal("".join(font.decode(_raw(x))[0] for x in items
                               if isinstance(x, str | bytes)))[:40]


def _raw(item) -> bytes:
    return item if isinstance(item, bytes) else str(item).encode("latin-1", "replace")


def _within(inner: Rect, outer: Rect, tolerance: float) -> bool:
    return (inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance
            and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance)


def _show_rect(rect: Rect) -> str:
    return "[{:.1f} {:.1f} {:.1f} {:.1f}]".format(*rect)


def _setter(attr: str, divisor: float = 1):
    """A handler for a text state operator with one number (Tc, Tw, Tz, TL, Ts)."""

    def handler(walker: _Walker, operands) -> None:
        setattr(walker.ts, attr, float(_args(operands)[0]) / divisor)

    return handler


_HANDLERS = {
    b"BDC": _Walker.bdc, b"BMC": _Walker.bmc, b"EMC": _Walker.emc,
    b"q": _Walker.q, b"Q": _Walker.Q, b"cm": _Walker.cm, b"Do": _Walker.do,
    b"BT": _Walker.bt, b"Tf": _Walker.tf, b"Td": _Walker.td, b"TD": _Walker.td_leading,
    b"Tm": _Walker.tm_set, b"T*": _Walker.next_line,
    b"Tc": _setter("char_space"), b"Tw": _setter("word_space"), b"Tz": _setter("scale", 100),
    b"TL": _setter("leading"), b"Ts": _setter("rise"),
    b"Tj": _Walker.tj, b"TJ": _Walker.tj_array, b"'": _Walker.quote, b'"': _Walker.dquote,
    TEXT_OBJECT: _Walker.text_object,
}


def _scan_page(page, operations=_operations) -> _Scan:
    """The page's content walked once (`operations` cuts it up: the tests compare the fast
    `_operations` with plain `_tokenize`)."""
    scan = _Scan(_rect(_numbers(page.cropbox)) or (0.0, 0.0, 0.0, 0.0))
    contents = _get(page.obj, "/Contents")
    walker = _Walker(scan)
    if contents is not None:
        data = b"\n".join(part.read_bytes() for part in _as_list(contents)
                          if isinstance(part, pikepdf.Stream))
        walker.walk(operations(data), _get(page.obj, "/Resources"))
    if walker.marks:
        scan.marked.append(f"{len(walker.marks)} BDC/BMC zonder EMC aan het eind")
    return scan


# --- checks on what the scan found ----------------------------------------------------------


def _examples(items: list[str]) -> str:
    more = f" (en {len(items) - MAX_EXAMPLES} meer)" if len(items) > MAX_EXAMPLES else ""
    return "; ".join(items[:MAX_EXAMPLES]) + more


def _check_text(scan: _Scan, expected_numbers: Sequence[str]) -> list[Finding]:
    findings = []
    text = _normal("".join(scan.chunks))
    if not text:
        findings.append(Finding("text", "de pagina heeft geen uitleesbare tekst"))
    for font, n in sorted(scan.unmapped.items()):
        findings.append(Finding("tounicode", f"{n} teken(s) in {font} zonder Unicode-waarde"))
    findings += [Finding("text-inside-page", f"tekst buiten de pagina: {item}")
                 for item in scan.outside[:MAX_FINDINGS_PER_CHECK]]
    for number in dict.fromkeys(_normal(n) for n in expected_numbers):
        if number and not _shows_number(text, number):
            findings.append(Finding("numbers", f"getal {number!r} staat niet in de tekst"))
    return findings


def _shows_number(text: str, number: str) -> bool:
    """`number` occurs in `text` as a whole: "7" is not found in "78%" nor "1" in "1,1" (not
    after a digit or a digit and a separator, not before a digit or a separator and a digit)."""
    start = text.find(number)
    while start != -1:
        end = start + len(number)
        before, after = text[max(0, start - 2):start], text[end:end + 2]
        if not (before[-1:].isdecimal() or (before[:1].isdecimal() and before[1:] in (".", ","))
                or after[:1].isdecimal() or (after[:1] in (".", ",") and after[1:].isdecimal())):
            return True
        start = text.find(number, start + 1)
    return False


def _check_untagged(scan: _Scan) -> list[Finding]:
    findings = []
    if scan.untagged:
        findings.append(Finding(
            "untagged-content",
            f"{len(scan.untagged)} tekenoperator(en) buiten marked content (niet getagd en geen "
            f"artefact): {_examples(scan.untagged)}"))
    findings += [Finding("marked-content", f"marked content: {m}")
                 for m in scan.marked[:MAX_FINDINGS_PER_CHECK]]
    return findings


# --- catalog, metadata and structure tree ---------------------------------------------------


_XMP_PART = re.compile(rb"pdfuaid:part(?:>\s*|\s*=\s*[\"'])\d")
_XMP_TITLE = re.compile(rb"<dc:title>.*?<rdf:li[^>]*>\s*[^<\s]", re.S)


def _check_catalog(doc: Pdf) -> list[Finding]:
    cat = doc.Root
    findings = []
    if not _true(_get(_get(cat, "/MarkInfo"), "/Marked")):
        findings.append(Finding("tagged", "/MarkInfo /Marked is niet true"))
    if "/StructTreeRoot" not in cat:
        findings.append(Finding("tagged", "geen /StructTreeRoot (structuurboom) in de catalogus"))
    lang = str(_get(cat, "/Lang", ""))
    if not lang.lower().startswith(LANG_PREFIX):
        findings.append(Finding("lang", f"/Lang is {lang!r}, verwacht nl-..."))
    if not str(_get(_get(doc.trailer, "/Info"), "/Title", "")).strip():
        findings.append(Finding("title", "/Info /Title ontbreekt of is leeg"))
    if not _true(_get(_get(cat, "/ViewerPreferences"), "/DisplayDocTitle")):
        findings.append(Finding("display-doc-title",
                                "/ViewerPreferences /DisplayDocTitle is niet true"))
    findings += _check_xmp(_get(cat, "/Metadata"))
    return findings


def _true(value) -> bool:
    """A PDF boolean true (not the string "true")."""
    return isinstance(value, bool) and value


def _check_xmp(meta) -> list[Finding]:
    xml = meta.read_bytes() if isinstance(meta, pikepdf.Stream) else b""
    missing = [name for name, rx in (("pdfuaid:part", _XMP_PART), ("dc:title", _XMP_TITLE))
               if not rx.search(xml)]
    if not missing:
        return []
    return [Finding("xmp-pdfua", "XMP-metadata " + ("ontbreekt" if not xml else
                                                    "mist " + " en ".join(missing)))]


@dataclass(eq=False)
class _Elem:
    role: str
    depth: int
    alt: str | None
    mcids: list[int]
    parent: _Elem | None = None
    title: str | None = None  # /T
    bbox: Rect | None = None  # from /A <</O /Layout /BBox [...]>>
    bad_bbox: str | None = None  # a layout /BBox that is not a rectangle, as written

    @property
    def silent(self) -> bool:
        """A grouping Div, passed over by a screen reader (no content, no alternative text)."""
        return self.role == "Div" and not self.alt and not self.mcids

    def ancestors(self):
        elem = self.parent
        while elem is not None:
            yield elem
            elem = elem.parent

    def block(self) -> _Elem | None:
        """The nearest element with a BBox: itself or an ancestor."""
        if self.bbox is not None:
            return self
        return next((a for a in self.ancestors() if a.bbox is not None), None)

    def label(self) -> str:
        if self.title:
            return f"blok {self.title!r}"
        outer = next((a for a in self.ancestors() if a.title), None)
        return self.role + (f" in blok {outer.title!r}" if outer else "")


class _StructTree:
    """The structure elements in reading order (depth-first), with their roles mapped."""

    def __init__(self, root):
        self.root = root if _is_dict(root) else None
        self.elements: list[_Elem] = []
        self.by_ref: dict[tuple[int, int], _Elem] = {}  # object number -> element (ParentTree)
        rolemap = _get(self.root, "/RoleMap")
        self.rolemap = {str(k): str(v) for k, v in rolemap.items()} if _is_dict(rolemap) else {}
        self._seen: set[tuple[int, int]] = set()

    @classmethod
    def read(cls, doc: Pdf) -> _StructTree:
        tree = cls(_get(doc.Root, "/StructTreeRoot"))
        if tree.root is not None:
            for kid in _as_list(_get(tree.root, "/K")):
                tree._walk(kid, 0, None)
        return tree

    def role(self, s: str) -> str:
        for _ in range(8):  # a role map chain ends at a standard role
            if s not in self.rolemap:
                break
            s = self.rolemap[s]
        return s.lstrip("/")

    def _walk(self, elem, depth: int, parent: _Elem | None) -> None:
        if not _is_dict(elem) or "/S" not in elem:
            return
        key = _key(elem)
        if key is not None:
            if key in self._seen:
                return
            self._seen.add(key)
        get = elem.get
        alt, title, attributes, kids = get("/Alt"), get("/T"), get("/A"), get("/K")
        role = str(get("/S"))
        node = _Elem(self.role(role) if self.rolemap else role[1:], depth,
                     None if alt is None else str(alt), [], parent,
                     None if title is None else str(title))
        if attributes is not None:
            self._layout(node, attributes)
        self.elements.append(node)
        if key is not None:
            self.by_ref[key] = node
        if isinstance(kids, int):  # one MCID, the common case
            if not isinstance(kids, bool):
                node.mcids.append(kids)
            return
        for kid in _as_list(kids):
            if isinstance(kid, int):
                if not isinstance(kid, bool):
                    node.mcids.append(kid)
            elif not _is_dict(kid):
                continue
            elif "/S" in kid:
                self._walk(kid, depth + 1, node)
            elif kid.get("/Type") == "/MCR" and isinstance(kid.get("/MCID"), int):
                node.mcids.append(int(kid["/MCID"]))

    @staticmethod
    def _layout(node: _Elem, attributes) -> None:
        """The BBox of the element's layout attributes (a dictionary or an array of them,
        possibly with revision numbers in between)."""
        for attr in _as_list(attributes):
            if _get(attr, "/O") == "/Layout" and "/BBox" in attr:
                box = attr["/BBox"]
                numbers = _numbers(box)
                node.bbox = _rect(numbers) if len(numbers) == 4 else None
                if node.bbox is None:
                    node.bad_bbox = str(box)[:60]


def _number_tree(node, seen: set | None = None) -> dict[int, object]:
    """All key -> value pairs of a number tree (Nums and Kids)."""
    seen = set() if seen is None else seen
    if not _is_dict(node) or (_key(node) is not None and _key(node) in seen):
        return {}
    seen.add(_key(node))
    nums = list(_get(node, "/Nums") or ())
    pairs = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=False)}
    for kid in _get(node, "/Kids") or ():
        pairs.update(_number_tree(kid, seen))
    return pairs


def _check_structure(doc: Pdf, page, scan: _Scan) -> list[Finding]:
    tree = _StructTree.read(doc)
    if tree.root is None:
        return []  # reported by _check_catalog
    findings = []
    if "/StructParents" not in page.obj:
        findings.append(Finding("tagged", "de pagina heeft geen /StructParents"))
    for i, elem in enumerate(e for e in tree.elements if e.role == "Figure"):
        if not (elem.alt or "").strip():
            shows = _normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))[:60]
            findings.append(Finding("figure-alt", f"Figure {i + 1} (MCID {elem.mcids or '-'}) "
                                                  f"heeft geen /Alt; toont: {shows!r}"))
    findings += _check_headings(tree)
    problems = _mcid_problems(tree, _get(page.obj, "/StructParents"), scan.mcids)
    findings += [Finding("mcid", p) for p in problems[:MAX_FINDINGS_PER_CHECK]]
    findings += _check_blocks(tree, scan)
    return findings


def _check_headings(tree: _StructTree) -> list[Finding]:
    """Headings start at H1 and never skip a level (H1 -> H3)."""
    levels = [int(e.role[1]) for e in tree.elements if re.fullmatch(r"H[1-6]", e.role)]
    findings = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            findings.append(Finding("headings", f"H{level} volgt op "
                                    + (f"H{previous}" if previous else "het begin")
                                    + f"; er ontbreekt een H{previous + 1}"))
        previous = level
    return findings


def _mcid_problems(tree: _StructTree, key, used: Counter) -> list[str]:
    """Each MCID in the content once, owned by one element, which the ParentTree names."""
    owners = Counter(m for e in tree.elements for m in e.mcids)
    parents = _number_tree(_get(tree.root, "/ParentTree"))
    row = _as_list(parents.get(int(key))) if key is not None else []
    problems = []
    for mcid, uses in sorted(used.items()):
        if uses > 1:
            problems.append(f"MCID {mcid} staat {uses} keer in de inhoud")
        if owners[mcid] != 1:
            problems.append(f"MCID {mcid} hoort bij {owners[mcid]} structuurelementen")
        ref = row[mcid] if mcid < len(row) else None
        elem = tree.by_ref.get(_key(ref)) if _is_dict(ref) else None
        if elem is None or mcid not in elem.mcids:
            problems.append(f"MCID {mcid}: de ParentTree wijst niet naar het element ervan")
    dangling = sorted(set(owners) - set(used))
    if dangling:
        problems.append(f"MCID {dangling[:5]} in de structuurboom maar niet in de inhoud")
    return problems


# --- blocks: text inside its block, blocks apart ----------------------------------------------


def _check_blocks(tree: _StructTree, scan: _Scan) -> list[Finding]:
    """Every block's BBox is a rectangle on the page, inside the BBox of the block around it;
    blocks not nested in each other do not overlap; every tagged text run lies inside the BBox
    of its element's nearest block."""
    findings = [Finding("block-bbox", f"{e.label()}: /BBox {e.bad_bbox} is geen rechthoek")
                for e in tree.elements if e.bad_bbox]
    boxed = [e for e in tree.elements if e.bbox is not None]
    for elem in boxed:
        outer = elem.parent.block() if elem.parent is not None else None
        if not _within(elem.bbox, scan.box, BOX_TOLERANCE):
            findings.append(Finding("block-bbox", f"{elem.label()} {_show_rect(elem.bbox)} "
                                                  f"ligt (deels) buiten de pagina"))
        elif outer is not None and not _within(elem.bbox, outer.bbox, BOX_TOLERANCE):
            findings.append(Finding("block-bbox", f"{elem.label()} {_show_rect(elem.bbox)} "
                                                  f"steekt buiten {outer.label()} "
                                                  f"{_show_rect(outer.bbox)}"))
    findings += _overlaps(boxed)[:MAX_FINDINGS_PER_CHECK]
    findings += _text_outside_blocks(tree, scan, bool(boxed))[:MAX_FINDINGS_PER_CHECK]
    return findings


def _overlaps(boxed: list[_Elem]) -> list[Finding]:
    """Pairs of BBoxes, neither an ancestor of the other, that share more than an edge."""
    findings = []
    order = sorted(boxed, key=lambda e: -e.bbox[3])  # top down: blocks are mostly rows
    for i, a in enumerate(order):
        ax0, ay0, ax1, ay1 = a.bbox
        for b in order[i + 1:]:
            bx0, by0, bx1, by1 = b.bbox
            if by1 <= ay0 + OVERLAP_EPSILON:
                break  # this one and all after it end below a
            w, h = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
            if w <= OVERLAP_EPSILON or h <= OVERLAP_EPSILON:
                continue
            if any(x is a for x in b.ancestors()) or any(x is b for x in a.ancestors()):
                continue  # nested in the structure: checked as inside its block
            first, second = sorted((a, b), key=lambda e: e.label())
            findings.append(Finding("blocks-overlap", f"{first.label()} "
                                    f"{_show_rect(first.bbox)} en {second.label()} "
                                    f"{_show_rect(second.bbox)} overlappen "
                                    f"({w:.1f} x {h:.1f} pt)"))
    return findings


def _text_outside_blocks(tree: _StructTree, scan: _Scan, any_block: bool) -> list[Finding]:
    if not scan.runs:
        return []
    if not any_block:
        return [Finding("text-inside-block", "geen enkel structuurelement heeft een /BBox "
                                             "(/A <</O /Layout /BBox ...>>): van de tekst is "
                                             "niet na te gaan of die in zijn blok staat")]
    owner = {m: e for e in tree.elements for m in e.mcids}
    outside: dict[_Elem, list[str]] = {}
    unboxed: list[str] = []
    for mcid, text, rect in scan.runs:
        elem = owner.get(mcid)
        if elem is None:
            continue  # reported by the MCID check
        block = elem.block()
        if block is None:
            unboxed.append(f"{_normal(text)[:40]!r} ({elem.role}, MCID {mcid})")
        elif not _within(rect, block.bbox, BOX_TOLERANCE):
            outside.setdefault(block, []).append(f"{_normal(text)[:40]!r} op {_show_rect(rect)}")
    findings = [Finding("text-inside-block", f"tekst buiten {block.label()} "
                                             f"{_show_rect(block.bbox)}: {_examples(items)}")
                for block, items in outside.items()]
    if unboxed:
        findings.append(Finding("text-inside-block", f"tekst in geen blok (geen element met "
                                                     f"/BBox erboven): {_examples(unboxed)}"))
    return findings
