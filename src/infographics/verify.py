"""Verifying: a built infographic PDF (bytes or file) into a list of `Finding`s, empty when the
page passes; an output folder's manifest into findings per file.

The checks are what the pages promise: one A4 portrait page; embedded, non-Type 3 fonts with a
ToUnicode map; extractable text; a tagged PDF/UA structure (MarkInfo, StructTreeRoot, Lang nl,
title shown in the window, XMP with pdfuaid:part); every Figure with alternative text; headings
without skipped levels; every MCID in the content stream owned by exactly one structure element;
nothing painted outside marked content (tagged or artifact) and no marked content nested or left
open; all text inside the page; and, when given, every expected figure present in the text.

The content stream is parsed once (a small tokenizer; pypdf's `ContentStream` for anything
unusual) and walked once, tracking marked content, the graphics and text state, and the text
per MCID. `structure_outline` reads the structure tree back as an indented text version.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    TextStringObject,
)

from .manifest import read_manifest

A4 = (595.28, 841.89)
BOX_TOLERANCE = 1.0  # points, for the page size and for text positions
LANG_PREFIX = "nl"
MAX_EXAMPLES = 3  # examples quoted in one finding
MAX_FINDINGS_PER_CHECK = 10
UNMAPPED = "\uffff"  # stands for a glyph without a Unicode value while decoding

PAINT = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*",
         b"sh", b"Do", b"BI", b"INLINE IMAGE"}
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


# --- entry points ---------------------------------------------------------------------------


def verify_pdf(pdf: bytes | Path | str, expected_numbers: Sequence[str] = ()) -> list[Finding]:
    """Every problem found in `pdf`; an empty list means the page passes."""
    try:
        reader = _reader(pdf)
        pages = len(reader.pages)
    except (PyPdfError, OSError, ValueError) as exc:
        return [Finding("pdf", f"geen leesbare PDF: {type(exc).__name__}: {exc}")]
    if pages == 0:
        return [Finding("one-page", "de PDF heeft geen pagina's")]
    findings: list[Finding] = []
    if pages != 1:
        findings.append(Finding("one-page", f"{pages} pagina's in plaats van 1"))
    try:
        return findings + _check_page(reader, reader.pages[0], expected_numbers)
    except Exception as exc:  # a malformed file is a finding, not a crash of a whole folder
        return findings + [Finding("pdf", f"niet te controleren: {type(exc).__name__}: {exc}")]


def _check_page(reader: PdfReader, page, expected_numbers: Sequence[str]) -> list[Finding]:
    findings = _check_a4(page)
    findings += _check_fonts(page)
    scan = _scan_page(reader, page)
    findings += _check_text(scan, expected_numbers)
    findings += _check_untagged(scan)
    findings += _check_catalog(reader)
    findings += _check_structure(reader, page, scan)
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


def structure_outline(pdf: bytes | Path | str) -> list[str]:
    """The structure tree in reading order, one indented line per element: "H1: <text>",
    "Figure: <alt>", "P: <text>" (text = what that element's marked content shows)."""
    reader = _reader(pdf)
    scan = _scan_page(reader, reader.pages[0])
    tree = _StructTree.read(reader)
    lines = []
    for elem in tree.elements:
        text = _normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))
        label = elem.alt or text
        lines.append("  " * elem.depth + elem.role + (f": {label}" if label else ""))
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


def _reader(pdf: bytes | Path | str) -> PdfReader:
    data = pdf if isinstance(pdf, bytes | bytearray) else Path(pdf).read_bytes()
    return PdfReader(io.BytesIO(data))


def _normal(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces."""
    return " ".join(text.split())


# --- page box and fonts ---------------------------------------------------------------------


def _check_a4(page) -> list[Finding]:
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    if int(page.get("/Rotate", 0) or 0) % 180:
        w, h = h, w
    if abs(w - A4[0]) <= BOX_TOLERANCE and abs(h - A4[1]) <= BOX_TOLERANCE:
        return []
    return [Finding("a4", f"MediaBox {w:.2f} x {h:.2f} pt is geen A4 staand "
                          f"({A4[0]} x {A4[1]} pt)")]


def _font_dicts(resources, seen: set[int] | None = None) -> list[tuple[str, DictionaryObject]]:
    """(resource name, font dict) for the fonts in `resources` and in any Form XObject in it."""
    seen = set() if seen is None else seen
    resources = _resolve(resources) or {}
    fonts = [(str(name), _resolve(ref)) for name, ref in (_resolve(resources.get("/Font")) or {})
             .items()]
    for ref in (_resolve(resources.get("/XObject")) or {}).values():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        xobj = _resolve(ref)
        if key in seen or xobj.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        fonts += _font_dicts(xobj.get("/Resources"), seen)
    return fonts


def _check_fonts(page) -> list[Finding]:
    findings = []
    done: set[int] = set()
    for name, font in _font_dicts(page.get("/Resources")):
        if id(font) in done:
            continue
        done.add(id(font))
        label = f"{name} ({str(font.get('/BaseFont', '?')).lstrip('/')})"
        if font.get("/Subtype") == "/Type3":
            findings.append(Finding("no-type3", f"lettertype {label} is Type 3"))
        elif not _embedded(font):
            findings.append(Finding("fonts-embedded", f"lettertype {label} is niet ingebed"))
        if "/ToUnicode" not in font:
            findings.append(Finding("tounicode", f"lettertype {label} heeft geen ToUnicode"))
    return findings


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        kids = _resolve(font.get("/DescendantFonts")) or []
        return bool(kids) and all(_embedded(_resolve(k)) for k in kids)
    desc = _resolve(font.get("/FontDescriptor"))
    return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


# --- fonts as decoders ----------------------------------------------------------------------


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BLOCK = re.compile(rb"begin(bfchar|bfrange|codespacerange)(.*?)end\1", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])")


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", "replace") if len(raw) >= 2 else raw.decode("latin-1")


def _parse_cmap(data: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per code, code -> text) from a ToUnicode CMap (bfchar and bfrange)."""
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
    """Turns shown strings into text and advance widths (in text space units per 1 pt)."""

    def __init__(self, font: DictionaryObject | None):
        font = font or DictionaryObject()
        self.name = str(font.get("/BaseFont", "?")).lstrip("/")
        self.width_bytes, self.unicode = 1, None
        tu = _resolve(font.get("/ToUnicode"))
        if tu is not None and hasattr(tu, "get_data"):
            self.width_bytes, self.unicode = _parse_cmap(tu.get_data())
        self.widths: dict[int, float] = {}
        self.default = 0.0
        subtype = font.get("/Subtype")
        if subtype == "/Type0":
            self._cid_widths(font)
        else:
            self._simple_widths(font, subtype == "/Type3")
        # single-byte fast path: a str.translate table and a width per byte
        self.table = {c: (t if t and t != "\x00" else UNMAPPED)
                      for c, t in (self.unicode or {}).items() if c < 256}
        if self.unicode is not None:
            self.table.update({c: UNMAPPED for c in range(256) if c not in self.unicode})
        self.byte_widths = [self.widths.get(c, self.default) for c in range(256)]

    def _simple_widths(self, font, type3: bool) -> None:
        scale = float(font["/FontMatrix"][0]) if type3 and "/FontMatrix" in font else 0.001
        first = int(font.get("/FirstChar", 0))
        for i, w in enumerate(_resolve(font.get("/Widths")) or []):
            self.widths[first + i] = float(w) * scale
        desc = _resolve(font.get("/FontDescriptor")) or {}
        self.default = float(desc.get("/MissingWidth", 0)) * scale

    def _cid_widths(self, font) -> None:
        self.width_bytes = 2 if self.unicode is None else self.width_bytes
        kid = _resolve((_resolve(font.get("/DescendantFonts")) or [None])[0]) or {}
        self.default = float(kid.get("/DW", 1000)) / 1000
        w = list(_resolve(kid.get("/W")) or [])
        i = 0
        while i + 1 < len(w):
            first, nxt = int(w[i]), _resolve(w[i + 1])
            if isinstance(nxt, ArrayObject | list):
                for j, v in enumerate(nxt):
                    self.widths[first + j] = float(v) / 1000
                i += 2
            else:
                for code in range(first, int(nxt) + 1):
                    self.widths[code] = float(w[i + 2]) / 1000
                i += 3

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


# --- parsing content streams ---------------------------------------------------------------


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


class _Unparsed(Exception):
    """The fast tokenizer met something it leaves to pypdf (inline image, nested parentheses)."""


def _operations(contents, reader: PdfReader) -> list[tuple[list, bytes]]:
    """(operands, operator) pairs of a content stream or array of streams. A small tokenizer
    does the common case several times faster than pypdf; anything unusual goes to pypdf's
    `ContentStream`, which gives the same pairs."""
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    data = b"\n".join(_resolve(part).get_data() for part in parts)
    try:
        return _tokenize(data)
    except _Unparsed:
        return ContentStream(contents, reader).operations


def _tokenize(data: bytes) -> list[tuple[list, bytes]]:
    ops: list[tuple[list, bytes]] = []
    stack: list[tuple[list, bytes]] = []  # enclosing operand lists while inside [ ] or << >>
    cur: list = []
    for m in _TOKEN.finditer(data):
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "num":
            cur.append(float(tok))
        elif kind == "op":
            if tok in _CONSTANTS:
                cur.append(_CONSTANTS[tok])
            elif tok == b"BI" or stack:
                raise _Unparsed(tok)
            else:
                ops.append((cur, tok))
                cur = []
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
        elif kind == "other":
            raise _Unparsed(tok)
    if stack or cur:
        raise _Unparsed(b"unbalanced")
    return ops


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
    """What the content stream shows: text per MCID, MCIDs used, and problems met on the way."""

    box: tuple[float, float, float, float]
    mcid_text: dict[int, str] = field(default_factory=dict)
    mcids: Counter = field(default_factory=Counter)
    chunks: list[str] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # unbalanced or nested marked content
    outside: list[str] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)  # font name -> glyphs without Unicode


class _Walker:
    """Walks content operations once, tracking marked content, CTM and the text matrices."""

    def __init__(self, reader: PdfReader, scan: _Scan):
        self.reader, self.scan = reader, scan
        self.ctm: Matrix = IDENTITY
        self.gstack: list[tuple[Matrix, _TextState]] = []
        self.ts = _TextState()
        self.tm: Matrix = IDENTITY
        self.tlm: Matrix = IDENTITY
        self.marks: list[tuple[bool, int | None]] = []  # (covered, MCID) per open sequence
        self.covered = False
        self.mcid: int | None = None
        self.newline = True
        self.fonts: dict[int, _Font] = {}
        self.forms: list[int] = []
        self.resources = None

    def walk(self, operations, resources) -> None:
        outer, self.resources = self.resources, _resolve(resources) or DictionaryObject()
        for operands, op in operations:
            if op in PAINT and not self.covered and not self.forms:
                self._untagged(op, operands)
            handler = _HANDLERS.get(op)
            if handler is not None:
                handler(self, operands)
        self.resources = outer

    # marked content
    def _untagged(self, op: bytes, operands) -> None:
        shown = ""
        if op in (b"Tj", b"'", b'"', b"TJ") and operands:
            shown = f" {self._decode_any(operands[-1])!r}"
        self.scan.untagged.append(op.decode("latin-1") + shown)

    def bdc(self, operands) -> None:
        tag = str(operands[0]) if operands else ""
        props = _resolve(operands[1]) if len(operands) > 1 else None
        if isinstance(props, str) and self.resources is not None:  # named /Properties entry
            props = _resolve((_resolve(self.resources.get("/Properties")) or {}).get(props))
        mcid = props.get("/MCID") if isinstance(props, dict) else None
        mcid = int(mcid) if mcid is not None else None
        if mcid is not None:
            self.scan.mcids[mcid] += 1
        self._push(tag == "/Artifact", mcid)

    def bmc(self, operands) -> None:
        self._push(bool(operands) and str(operands[0]) == "/Artifact", None)

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
        if len(operands) == 6:
            self.ctm = _mul(tuple(float(v) for v in operands), self.ctm)

    def do(self, operands) -> None:
        xobj = _resolve((_resolve(self.resources.get("/XObject")) or {}).get(operands[0]))
        if xobj is None or xobj.get("/Subtype") != "/Form":
            return
        key = xobj.indirect_reference.idnum if xobj.indirect_reference else id(xobj)
        if key in self.forms:
            return
        self.q(())
        matrix = xobj.get("/Matrix")
        if matrix is not None and len(matrix) == 6:
            self.ctm = _mul(tuple(float(v) for v in matrix), self.ctm)
        self.forms.append(key)
        self.walk(_operations(xobj, self.reader), xobj.get("/Resources") or self.resources)
        self.forms.pop()
        self.Q(())

    # text state and positioning
    def bt(self, operands) -> None:
        self.tm = self.tlm = IDENTITY
        self.newline = True

    def tf(self, operands) -> None:
        fonts = _resolve(self.resources.get("/Font")) or {}
        ref = fonts.get(operands[0])
        font = _resolve(ref)
        key = ref.idnum if isinstance(ref, IndirectObject) else id(font)
        if key not in self.fonts:
            self.fonts[key] = _Font(font)
        self.ts.font, self.ts.size = self.fonts[key], float(operands[1])

    def td(self, operands) -> None:
        self.tlm = self.tm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), self.tlm)
        self.newline = True

    def td_leading(self, operands) -> None:
        self.ts.leading = -float(operands[1])
        self.td(operands)

    def tm_set(self, operands) -> None:
        self.tlm = self.tm = tuple(float(v) for v in operands)
        self.newline = True

    def next_line(self, operands=()) -> None:
        self.td((0, -self.ts.leading))

    # showing text
    def tj(self, operands) -> None:
        self._show([operands[0]])

    def tj_array(self, operands) -> None:
        self._show(list(operands[0]))

    def quote(self, operands) -> None:
        self.next_line()
        self._show([operands[0]])

    def dquote(self, operands) -> None:
        self.ts.word_space, self.ts.char_space = float(operands[0]), float(operands[1])
        self.next_line()
        self._show([operands[2]])

    def _show(self, items) -> None:
        ts, font = self.ts, self.ts.font or _Font(None)
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
        self._record("".join(parts), start)

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

    def _record(self, text: str, start: Matrix) -> None:
        scan = self.scan
        if self.newline and scan.chunks:
            text = " " + text
        self.newline = False
        scan.chunks.append(text)
        if self.mcid is not None:
            scan.mcid_text[self.mcid] = scan.mcid_text.get(self.mcid, "") + text
        rise = self.ts.rise
        begin = _apply(_mul(start, self.ctm), 0.0, rise)
        end = _apply(_mul(self.tm, self.ctm), 0.0, rise)
        if not (_inside(begin, scan.box) and _inside(end, scan.box)):
            scan.outside.append(f"{_normal(text)!r} van ({begin[0]:.1f}, {begin[1]:.1f}) "
                                f"tot ({end[0]:.1f}, {end[1]:.1f})")

    def _decode_any(self, item) -> str:
        font = self.ts.font or _Font(None)
        items = [item] if isinstance(item, str | bytes) else item
        return _normal("".join(font.decode(_raw(x))[0] for x in items
                               if isinstance(x, str | bytes)))[:40]


def _raw(item) -> bytes:
    if isinstance(item, TextStringObject):
        return item.get_original_bytes()
    if isinstance(item, ByteStringObject | bytes):
        return bytes(item)
    return str(item).encode("latin-1", "replace")


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y = point
    x0, y0, x1, y1 = box
    t = BOX_TOLERANCE
    return x0 - t <= x <= x1 + t and y0 - t <= y <= y1 + t


def _setter(attr: str, divisor: float = 1):
    """A handler for a text state operator with one number (Tc, Tw, Tz, TL, Ts)."""

    def handler(walker: _Walker, operands) -> None:
        setattr(walker.ts, attr, float(operands[0]) / divisor)

    return handler


_HANDLERS = {
    b"BDC": _Walker.bdc, b"BMC": _Walker.bmc, b"EMC": _Walker.emc,
    b"q": _Walker.q, b"Q": _Walker.Q, b"cm": _Walker.cm, b"Do": _Walker.do,
    b"BT": _Walker.bt, b"Tf": _Walker.tf, b"Td": _Walker.td, b"TD": _Walker.td_leading,
    b"Tm": _Walker.tm_set, b"T*": _Walker.next_line,
    b"Tc": _setter("char_space"), b"Tw": _setter("word_space"), b"Tz": _setter("scale", 100),
    b"TL": _setter("leading"), b"Ts": _setter("rise"),
    b"Tj": _Walker.tj, b"TJ": _Walker.tj_array, b"'": _Walker.quote, b'"': _Walker.dquote,
}


def _scan_page(reader: PdfReader, page) -> _Scan:
    box = page.cropbox
    scan = _Scan((float(box.left), float(box.bottom), float(box.right), float(box.top)))
    contents = _resolve(page.get("/Contents"))
    walker = _Walker(reader, scan)
    if contents is not None:
        walker.walk(_operations(contents, reader), page.get("/Resources"))
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
    """`number` occurs in `text` as a whole: "7" is not found in "78%" nor "1" in "1,1"."""
    pattern = rf"(?<!\d)(?<!\d[.,]){re.escape(number)}(?![.,]?\d)"
    return number in text and re.search(pattern, text) is not None


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


def _check_catalog(reader: PdfReader) -> list[Finding]:
    cat = reader.trailer["/Root"]
    findings = []
    mark = _resolve(cat.get("/MarkInfo")) or {}
    if not _true(mark.get("/Marked")):
        findings.append(Finding("tagged", "/MarkInfo /Marked is niet true"))
    if "/StructTreeRoot" not in cat:
        findings.append(Finding("tagged", "geen /StructTreeRoot (structuurboom) in de catalogus"))
    lang = str(cat.get("/Lang", ""))
    if not lang.lower().startswith(LANG_PREFIX):
        findings.append(Finding("lang", f"/Lang is {lang!r}, verwacht nl-..."))
    title = (reader.metadata or {}).get("/Title")
    if not str(title or "").strip():
        findings.append(Finding("title", "/Info /Title ontbreekt of is leeg"))
    prefs = _resolve(cat.get("/ViewerPreferences")) or {}
    if not _true(prefs.get("/DisplayDocTitle")):
        findings.append(Finding("display-doc-title",
                                "/ViewerPreferences /DisplayDocTitle is niet true"))
    findings += _check_xmp(_resolve(cat.get("/Metadata")))
    return findings


def _true(value) -> bool:
    """A PDF boolean true (not the string "true")."""
    return isinstance(value, BooleanObject) and bool(value.value)


def _check_xmp(meta) -> list[Finding]:
    xml = meta.get_data() if meta is not None and hasattr(meta, "get_data") else b""
    missing = [name for name, rx in (("pdfuaid:part", _XMP_PART), ("dc:title", _XMP_TITLE))
               if not rx.search(xml)]
    if not missing:
        return []
    return [Finding("xmp-pdfua", "XMP-metadata " + ("ontbreekt" if not xml else
                                                    "mist " + " en ".join(missing)))]


@dataclass
class _Elem:
    role: str
    depth: int
    alt: str | None
    mcids: list[int]


class _StructTree:
    """The structure elements in reading order (depth-first), with their roles mapped."""

    def __init__(self, root):
        self.root = root
        self.elements: list[_Elem] = []
        self.by_ref: dict[int, _Elem] = {}  # object number -> element, for the ParentTree
        rolemap = _resolve(root.get("/RoleMap")) if root is not None else None
        self.rolemap = {str(k): str(v) for k, v in (rolemap or {}).items()}
        self._seen: set[int] = set()

    @classmethod
    def read(cls, reader: PdfReader) -> _StructTree:
        tree = cls(_resolve(reader.trailer["/Root"].get("/StructTreeRoot")))
        if tree.root is not None:
            for kid in _as_list(tree.root.get("/K")):
                tree._walk(kid, 0)
        return tree

    def role(self, s: str) -> str:
        for _ in range(8):  # a role map chain ends at a standard role
            if s not in self.rolemap:
                break
            s = self.rolemap[s]
        return s.lstrip("/")

    def _walk(self, ref, depth: int) -> None:
        elem = _resolve(ref)
        if not isinstance(elem, dict) or "/S" not in elem:
            return
        key = ref.idnum if isinstance(ref, IndirectObject) else id(elem)
        if key in self._seen:
            return
        self._seen.add(key)
        alt = elem.get("/Alt")
        node = _Elem(self.role(str(elem["/S"])), depth, str(alt) if alt is not None else None, [])
        self.elements.append(node)
        if isinstance(ref, IndirectObject):
            self.by_ref[ref.idnum] = node
        for kid in _as_list(elem.get("/K")):
            obj = _resolve(kid)
            if isinstance(obj, int):
                node.mcids.append(int(obj))
            elif isinstance(obj, dict) and obj.get("/Type") == "/MCR":
                node.mcids.append(int(obj["/MCID"]))
            elif isinstance(obj, dict) and "/S" in obj:
                self._walk(kid, depth + 1)


def _as_list(obj) -> list:
    """An array's items, or the one object (kept as its reference, which names it)."""
    value = _resolve(obj)
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject | list) else [obj]


def _number_tree(node, seen: set[int] | None = None) -> dict[int, object]:
    """All key -> value pairs of a number tree (Nums and Kids)."""
    seen = set() if seen is None else seen
    node = _resolve(node)
    if not isinstance(node, dict) or id(node) in seen:
        return {}
    seen.add(id(node))
    nums = list(node.get("/Nums") or [])
    pairs = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=False)}
    for kid in node.get("/Kids") or []:
        pairs.update(_number_tree(kid, seen))
    return pairs


def _check_structure(reader: PdfReader, page, scan: _Scan) -> list[Finding]:
    tree = _StructTree.read(reader)
    if tree.root is None:
        return []  # reported by _check_catalog
    findings = []
    if "/StructParents" not in page:
        findings.append(Finding("tagged", "de pagina heeft geen /StructParents"))
    for i, elem in enumerate(e for e in tree.elements if e.role == "Figure"):
        if not (elem.alt or "").strip():
            shows = _normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))[:60]
            findings.append(Finding("figure-alt", f"Figure {i + 1} (MCID {elem.mcids or '-'}) "
                                                  f"heeft geen /Alt; toont: {shows!r}"))
    findings += _check_headings(tree)
    problems = _mcid_problems(tree, page.get("/StructParents"), scan.mcids)
    findings += [Finding("mcid", p) for p in problems[:MAX_FINDINGS_PER_CHECK]]
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
    parents = _number_tree(tree.root.get("/ParentTree"))
    row = _as_list(parents.get(int(key))) if key is not None else []
    problems = []
    for mcid, uses in sorted(used.items()):
        if uses > 1:
            problems.append(f"MCID {mcid} staat {uses} keer in de inhoud")
        if owners[mcid] != 1:
            problems.append(f"MCID {mcid} hoort bij {owners[mcid]} structuurelementen")
        ref = row[mcid] if mcid < len(row) else None
        elem = tree.by_ref.get(ref.idnum) if isinstance(ref, IndirectObject) else None
        if elem is None or mcid not in elem.mcids:
            problems.append(f"MCID {mcid}: de ParentTree wijst niet naar het element ervan")
    dangling = sorted(set(owners) - set(used))
    if dangling:
        problems.append(f"MCID {dangling[:5]} in de structuurboom maar niet in de inhoud")
    return problems
