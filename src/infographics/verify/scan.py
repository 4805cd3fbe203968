"""Walking a page's content: its content stream (and the Form XObjects it draws) into a `Scan`,
what the page shows: the text per MCID, every tagged text run with its glyph box, the MCIDs
used, and what was painted outside marked content, outside the page or marked wrongly.

The stream is walked once (`_Walker`), tracking marked content, the graphics state (CTM) and
the text state and matrices. A glyph box runs from a run's start to its end, from the font's
descent to its ascent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pikepdf import Page, Stream

from infographics.verify.contentstream import (
    MCID_PROPERTIES,
    TEXT_OBJECT,
    Operand,
    Operands,
    Operation,
    args,
    operations,
    unescape,
)
from infographics.verify.findings import normal
from infographics.verify.geometry import (
    BOX_TOLERANCE,
    IDENTITY,
    Matrix,
    Rect,
    apply,
    matrix,
    mul,
    rect,
    show_rect,
    within,
)
from infographics.verify.glyphs import NO_FONT, Font, font_decoder
from infographics.verify.pdf import (
    ObjectKey,
    PdfDict,
    as_list,
    get,
    is_dict,
    length,
    list_of,
    numbers,
    object_key,
    to_float,
)

PAINT = {b"Tj", b"TJ", b"'", b'"', b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*",
         b"sh", b"Do", b"BI", b"INLINE IMAGE"}


@dataclass
class _TextState:
    font: Font | None = None
    size: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass
class Scan:
    """What the content stream shows: text per MCID, MCIDs used, where tagged text is, and
    problems met on the way."""

    box: Rect
    mcid_text: dict[int, str] = field(default_factory=dict)
    mcids: Counter[int] = field(default_factory=Counter)
    chunks: list[str] = field(default_factory=list)
    untagged: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # unbalanced or nested marked content
    outside: list[str] = field(default_factory=list)
    runs: list[tuple[int, str, Rect]] = field(default_factory=list)  # MCID, text, glyph box
    # every run that shows text: its MCID (None: not tagged, or an artifact), the text and its
    # size on the page in points (the font size through the text matrix and the CTM)
    sizes: list[tuple[int | None, str, float]] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)  # font -> glyphs without Unicode


def scan_page(page: Page, parse: Callable[[bytes], list[Operation]] = operations) -> Scan:
    """The page's content walked once (`parse` cuts it up: the tests compare the fast
    `operations` with the plain `tokenize`)."""
    scan = Scan(rect(numbers(page.cropbox)) or (0.0, 0.0, 0.0, 0.0))
    contents = get(page.obj, "/Contents")
    walker = _Walker(scan)
    if contents is not None:
        data = b"\n".join(part.read_bytes() for part in as_list(contents)
                          if isinstance(part, Stream))
        walker.walk(parse(data), get(page.obj, "/Resources"))
    if walker.marks:
        scan.marked.append(f"{len(walker.marks)} BDC/BMC zonder EMC aan het eind")
    return scan


class _Walker:
    """Walks content operations once, tracking marked content, CTM and the text matrices."""

    def __init__(self, scan: Scan):
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
        self.fonts: dict[ObjectKey, Font] = {}  # font object number -> decoder
        self.named: dict[str | bytes, Font] = {}  # resource name -> decoder, these resources
        self.forms: list[ObjectKey | None] = []  # the Form XObjects being walked
        self.resources: PdfDict | None = None

    def walk(self, operations: list[Operation], resources: object) -> None:
        outer, self.resources = self.resources, resources if is_dict(resources) else None
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
    def _untagged(self, op: bytes, operands: Operands) -> None:
        shown = ""
        if op in (b"Tj", b"'", b'"', b"TJ") and operands:
            shown = f" {self._decode_any(args(operands)[-1])!r}"
        self.scan.untagged.append(op.decode("latin-1") + shown)

    def bdc(self, operands: Operands) -> None:
        plain = MCID_PROPERTIES.fullmatch(operands) if isinstance(operands, bytes) else None
        if plain:  # "/P <</MCID 3>>", as ReportLab writes it
            tag, mcid = plain[1], int(plain[2])
            self.scan.mcids[mcid] += 1
            self._push(tag == b"/Artifact", mcid)
            return
        found = args(operands)
        tag_name = str(found[0]) if found else ""
        mcid_found = self._mcid(found[1] if len(found) > 1 else None)
        if mcid_found is not None:
            self.scan.mcids[mcid_found] += 1
        self._push(tag_name == "/Artifact", mcid_found)

    def _mcid(self, props: Operand) -> int | None:
        """The MCID in a BDC's properties: a dictionary, or a named /Properties entry."""
        found: object = props
        if isinstance(props, str):
            found = get(get(self.resources, "/Properties"), props)
        mcid = get(found, "/MCID") if is_dict(found) else (
            found.get("/MCID") if isinstance(found, dict) else None)
        return int(mcid) if isinstance(mcid, int | float | Decimal) else None

    def bmc(self, operands: Operands) -> None:
        found = args(operands)
        self._push(bool(found) and str(found[0]) == "/Artifact", None)

    def _push(self, artifact: bool, mcid: int | None) -> None:
        if (artifact or mcid is not None) and self.covered:  # content of two owners at once
            inner = "een artefact" if artifact else f"MCID {mcid}"
            outer = f"MCID {self.mcid}" if self.mcid is not None else "een artefact"
            self.scan.marked.append(f"{inner} genest in {outer}")
        self.marks.append((self.covered, self.mcid))
        self.covered = self.covered or artifact or mcid is not None
        self.mcid = mcid if mcid is not None else self.mcid

    def emc(self, operands: Operands) -> None:
        if not self.marks:
            self.scan.marked.append("EMC zonder BDC/BMC")
            return
        self.covered, self.mcid = self.marks.pop()

    # graphics state
    def q(self, operands: Operands) -> None:
        self.gstack.append((self.ctm, replace(self.ts)))

    def Q(self, operands: Operands) -> None:  # noqa: N802 - PDF operator name
        if self.gstack:
            self.ctm, self.ts = self.gstack.pop()

    def cm(self, operands: Operands) -> None:
        found = args(operands)
        if len(found) == 6:
            self.ctm = mul(matrix([to_float(v) for v in found]), self.ctm)

    def do(self, operands: Operands) -> None:
        """A Form XObject is walked in place (once at a time: a form drawing itself is not
        followed), with its matrix and resources; an image is only painting."""
        found = args(operands)
        xobj = get(get(self.resources, "/XObject"), str(found[0])) if found else None
        if not isinstance(xobj, Stream) or get(xobj, "/Subtype") != "/Form":
            return
        key = object_key(xobj)
        if key in self.forms:
            return
        self.q(b"")
        values = get(xobj, "/Matrix")
        if values is not None and length(values) == 6:
            self.ctm = mul(matrix([to_float(v) for v in list_of(values)]), self.ctm)
        self.forms.append(key)
        self.walk(operations(xobj.read_bytes()), get(xobj, "/Resources") or self.resources)
        self.forms.pop()
        self.Q(b"")

    # text state and positioning
    def bt(self, operands: Operands) -> None:
        self.tm = self.tlm = IDENTITY
        self.newline = True

    def tf(self, operands: Operands) -> None:
        found = args(operands)
        name = str(found[0])
        self.ts.font, self.ts.size = self.named.get(name) or self._font(name), to_float(found[1])

    def _font(self, name: str) -> Font:
        """The font of resource `name` (each font object read once per page)."""
        obj = get(get(self.resources, "/Font"), name)
        key = object_key(obj) if is_dict(obj) else None
        font = (self.fonts.get(key) if key is not None else None) or font_decoder(obj)
        self.named[name] = self.named[name.encode("latin-1")] = font
        if key is not None:
            self.fonts[key] = font
        return font

    def td(self, operands: Operands) -> None:
        found = args(operands)
        x, y = to_float(found[0]), to_float(found[1])
        self.tlm = self.tm = mul((1, 0, 0, 1, x, y), self.tlm)
        self.newline = True

    def td_leading(self, operands: Operands) -> None:
        found = args(operands)
        self.ts.leading = -to_float(found[1])
        self.td(found)

    def tm_set(self, operands: Operands) -> None:
        found = args(operands)
        if len(found) == 6:
            self.tlm = self.tm = matrix([to_float(v) for v in found])
        self.newline = True

    def next_line(self, operands: Operands = b"") -> None:
        self.td([0.0, -self.ts.leading])

    def text_object(self, operands: Operands) -> None:
        """BT Tm [Tm] Tf TL Tj [T*] ET as one step (see `contentstream._TEXT_OBJECT`): the same
        as the operations one by one, with less work in between."""
        if not isinstance(operands, tuple):
            return  # only the walk's own split makes this step, always with its groups
        first, second, name, size, leading, string, next_line = operands
        a, b, c, d, e, f = map(float, (second or first).split())
        self.tlm = self.tm = (a, b, c, d, e, f)
        font = self.named.get(name) or self._font(name.decode("latin-1"))
        ts = self.ts
        ts.font, ts.size, ts.leading = font, float(size), float(leading)
        inner = string[1:-1]
        shown = unescape(inner) if b"\\" in inner else inner
        if not self.covered and not self.forms:
            self._untagged(b"Tj", [shown])
        self.newline = True
        start = self.tm  # from here on what _show and _glyphs do for one string
        text, missing, width, spaces = font.decode(shown)
        if missing:
            self.scan.unmapped[font.name] += missing
        dx = (width * ts.size + len(shown) // font.width_bytes * ts.char_space
              + spaces * ts.word_space) * ts.scale
        self.tm = (a, b, c, d, e + dx * a, f + dx * b)
        self._record(text, start, font)
        if next_line:  # T*: the next line, `leading` below the start of this one
            a, b, c, d, e, f = self.tlm
            self.tlm = self.tm = (a, b, c, d, e - ts.leading * c, f - ts.leading * d)

    # showing text
    def tj(self, operands: Operands) -> None:
        self._show([args(operands)[0]])

    def tj_array(self, operands: Operands) -> None:
        self._show(list_of(args(operands)[0]))

    def quote(self, operands: Operands) -> None:
        self.next_line()
        self._show([args(operands)[0]])

    def dquote(self, operands: Operands) -> None:
        found = args(operands)
        self.ts.word_space, self.ts.char_space = to_float(found[0]), to_float(found[1])
        self.next_line()
        self._show([found[2]])

    def _show(self, items: Iterable[object]) -> None:
        ts, font = self.ts, self.ts.font or NO_FONT
        start = self.tm
        parts = []
        for item in items:
            if isinstance(item, str | bytes):
                parts.append(self._glyphs(font, _raw(item)))
            else:  # a TJ adjustment in thousandths of text space
                shift = -to_float(item) / 1000 * ts.size * ts.scale
                self._advance(shift)
                if shift > 0.2 * ts.size:
                    parts.append(" ")
        self._record("".join(parts), start, font)

    def _glyphs(self, font: Font, raw: bytes) -> str:
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

    def _record(self, text: str, start: Matrix, font: Font) -> None:
        """The run's text, and its glyph box (from its start to its end, from the font's
        descent to its ascent) inside the page, and for tagged text, kept for its block."""
        scan = self.scan
        if self.newline and scan.chunks:
            text = " " + text
        self.newline = False
        scan.chunks.append(text)
        if self.mcid is not None:
            scan.mcid_text[self.mcid] = scan.mcid_text.get(self.mcid, "") + text
        on_page = mul(start, self.ctm) if self.ctm != IDENTITY else start
        if text.strip():
            scan.sizes.append((self.mcid, text, self.ts.size * math.hypot(on_page[2],
                                                                          on_page[3])))
        box = self._glyph_box(on_page, font)
        if not within(box, scan.box, BOX_TOLERANCE):
            scan.outside.append(f"{normal(text)!r} op {show_rect(box)}")
        elif self.mcid is not None and text.strip():
            scan.runs.append((self.mcid, text, box))

    def _glyph_box(self, first: Matrix, font: Font) -> Rect:
        """From `first` (the run's start, already on the page) to the current text position,
        from the font's descent to its ascent, on the page."""
        size, rise = self.ts.size, self.ts.rise
        low, high = rise + font.descent * size, rise + font.ascent * size
        last = self.tm if self.ctm == IDENTITY else mul(self.tm, self.ctm)
        if first[1] == first[2] == 0 and first[3] > 0:  # upright text, the common case
            y = first[5] + low * first[3], first[5] + high * first[3]
            return min(first[4], last[4]), y[0], max(first[4], last[4]), y[1]
        corners = (apply(first, 0.0, low), apply(first, 0.0, high),
                   apply(last, 0.0, low), apply(last, 0.0, high))
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def _decode_any(self, item: Operand) -> str:
        font = self.ts.font or NO_FONT
        items = [item] if isinstance(item, str | bytes) else list_of(item)
        return normal("".join(font.decode(_raw(x))[0] for x in items
                              if isinstance(x, str | bytes)))[:40]


def _raw(item: str | bytes) -> bytes:
    return item if isinstance(item, bytes) else item.encode("latin-1", "replace")


Handler = Callable[[_Walker, Operands], None]


def _setter(attr: str, divisor: float = 1) -> Handler:
    """A handler for a text state operator with one number (Tc, Tw, Tz, TL, Ts)."""

    def handler(walker: _Walker, operands: Operands) -> None:
        setattr(walker.ts, attr, to_float(args(operands)[0]) / divisor)

    return handler


_HANDLERS: dict[bytes, Handler] = {
    b"BDC": _Walker.bdc, b"BMC": _Walker.bmc, b"EMC": _Walker.emc,
    b"q": _Walker.q, b"Q": _Walker.Q, b"cm": _Walker.cm, b"Do": _Walker.do,
    b"BT": _Walker.bt, b"Tf": _Walker.tf, b"Td": _Walker.td, b"TD": _Walker.td_leading,
    b"Tm": _Walker.tm_set, b"T*": _Walker.next_line,
    b"Tc": _setter("char_space"), b"Tw": _setter("word_space"), b"Tz": _setter("scale", 100),
    b"TL": _setter("leading"), b"Ts": _setter("rise"),
    b"Tj": _Walker.tj, b"TJ": _Walker.tj_array, b"'": _Walker.quote, b'"': _Walker.dquote,
    TEXT_OBJECT: _Walker.text_object,
}
