"""Tagged PDF from ReportLab: drawing calls wrapped in marked content, turned into a structure
tree (PDF/UA) when the page is saved, in one pass, with no second PDF engine.

`TaggedCanvas` is a ReportLab canvas that knows its page's structure. `tag(role, alt=...)` wraps
what is drawn inside it in `/Role <</MCID n>> BDC ... EMC` and records a structure element;
`artifact()` marks decoration (`/Artifact BMC ... EMC`); `block(id, bbox)` groups the elements
of one layout block in a `Div` whose title (/T) is the block id and whose layout attribute
(`/A <</O /Layout /BBox [x0 y0 x1 y1]>>`, ISO 32000-1 14.8.5.4) is the block's rectangle (a
block of one element puts both on that element), so a verifier can check on the PDF alone that
text stays inside its block and blocks do not overlap.
A Figure may carry its own BBox the same way (`tag("Figure", alt=..., bbox=...)`). On `save()`
the catalog gets the StructTreeRoot (Document element with the elements in reading order, a
ParentTree), MarkInfo, Lang, ViewerPreferences/DisplayDocTitle and XMP metadata with the PDF/UA
identification.

The page is also an archival PDF: PDF/A-2a and PDF/UA-1 at once. The XMP (`xmp_metadata`,
uncompressed, no /Filter) carries the same title, author, subject, keywords, creator, producer
and dates as /Info, the PDF/A identification (part 2, conformance A), the PDF/UA identification
and the PDF/A extension schema that describes `pdfuaid`; the catalog has an sRGB output intent
(`output_intent`, the profile shipped in `resources/color`) that says what the DeviceRGB
colours mean; and every stream ends with an end-of-line before `endstream` (ISO 19005-2
6.1.7.1), which ReportLab leaves out: `with_stream_eols` adds it to the finished file and moves
the cross-reference table along. The fonts' ToUnicode maps are fixed in `fonts.py`.

`TaggedCanvas(..., tagged=False)` draws the same page without any of this (no marked content,
no structure tree, no XMP, no output intent): only for measuring what tagging costs.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import IO, Any, Literal
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    NoEncryption,
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from infographics.resources import SRGB_ICC

LANG = "nl-NL"
PRODUCER = "Bibliotheekmonitor infographics (ReportLab)"
# the output intent: what DeviceRGB means (ISO 19005-2 6.2.3); the registry name of sRGB
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y up
# the standard structure types a page uses (ISO 32000-1, 14.8.4)
Role = Literal["Document", "Sect", "Div", "H1", "H2", "H3", "P", "Figure"]


@dataclass
class StructElem:
    role: Role
    mcids: list[int] = field(default_factory=list)
    alt: str | None = None
    text: str = ""  # the visible text, kept for verification and outlines
    children: list[StructElem] = field(default_factory=list)
    title: str | None = None  # /T: names the element (the block id of a block's Div)
    bbox: BBox | None = None  # /A <</O /Layout /BBox ...>>: the rectangle its content is in


class TaggedCanvas(Canvas):
    """A one-page ReportLab canvas that writes a PDF/UA structure tree."""

    _doc: PDFDocument  # set by Canvas.__init__; ReportLab's stubs leave it out

    def __init__(self, target: str | IO[bytes], *, title: str, author: str, subject: str,
                 tagged: bool = True, **kwargs: Any):
        kwargs.setdefault("lang", LANG)
        super().__init__(target, **kwargs)
        self._target = target
        self.tagged = tagged  # False: the same drawing without marks or tree (benchmark only)
        self.root = StructElem("Document")
        self._stack: list[StructElem] = [self.root]
        self._next_mcid = 0
        self._open = 0
        self._meta = {"title": title, "author": author, "subject": subject}
        self._page_name = ""
        self.setTitle(title)
        self.setAuthor(author)
        self.setSubject(subject)
        self.setProducer(PRODUCER)
        self.setViewerPreference("DisplayDocTitle", "true")

    # --- marking content -------------------------------------------------------------------

    @contextmanager
    def tag(self, role: Role, alt: str | None = None, text: str = "",
            bbox: BBox | None = None) -> Iterator[StructElem]:
        """Everything drawn inside is one marked-content sequence of a new element `role`."""
        if self._open:
            raise RuntimeError("marked content cannot be nested; use group() for structure")
        elem = StructElem(role, [self._next_mcid], alt, text, bbox=bbox)
        if not self.tagged:
            yield elem
            return
        self._stack[-1].children.append(elem)
        self.addLiteral(f"/{role} <</MCID {self._next_mcid}>> BDC")
        self._next_mcid += 1
        self._open += 1
        try:
            yield elem
        finally:
            self._open -= 1
            self.addLiteral("EMC")

    @contextmanager
    def group(self, role: Role = "Sect", alt: str | None = None, title: str | None = None,
              bbox: BBox | None = None) -> Iterator[StructElem]:
        """A structure element that holds other elements (no content of its own)."""
        elem = StructElem(role, alt=alt, title=title, bbox=bbox)
        if not self.tagged:
            yield elem
            return
        self._stack[-1].children.append(elem)
        self._stack.append(elem)
        try:
            yield elem
        finally:
            self._stack.pop()

    @contextmanager
    def block(self, block_id: str, bbox: BBox) -> Iterator[StructElem]:
        """A layout block: its elements in a `Div` titled with the block id and carrying the
        block's rectangle. A block of one element (a KPI's P, a donut's Figure) needs no Div:
        that element itself takes the title and the rectangle (unless it has a rectangle of
        its own), which keeps the tree small."""
        with self.group("Div", title=block_id, bbox=bbox) as div:
            yield div
        if not self.tagged or len(div.children) > 1:
            return
        siblings = self._stack[-1].children  # the Div is the last of them
        if not div.children:  # decoration only: nothing to read, no element
            siblings.pop()
            return
        only = div.children[0]
        if only.title is None and only.bbox in (None, bbox):
            only.title, only.bbox = block_id, bbox
            siblings[-1] = only

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """Decoration: not part of the content read aloud."""
        if not self.tagged:
            yield
            return
        if self._open:
            raise RuntimeError("an artifact cannot be inside marked content")
        self.addLiteral("/Artifact BMC")
        self._open += 1
        try:
            yield
        finally:
            self._open -= 1
            self.addLiteral("EMC")

    # --- writing the structure ---------------------------------------------------------------

    def _setAnnotations(self, page: Any) -> None:
        """ReportLab's hook, called once per page in showPage. `page` is ReportLab's PDFPage
        (Any: its PDF keys are set as attributes, which its stubs do not know)."""
        super()._setAnnotations(page)  # type: ignore[misc]  # a private hook the stubs leave out
        if not self.tagged:
            return
        page.__NoDefault__ = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = 0
        page.Tabs = PDFName("S")
        self._page_name = self._doc.thisPageName()  # the name addPage will register it under

    def save(self) -> None:
        if not self.tagged:
            super().save()
            return
        doc: Any = self._doc  # Any: Catalog and Reference are missing from ReportLab's stubs
        page_ref = PDFObjectReference(self._page_name)
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        parent_tree: dict[int, PDFObjectReference] = {}
        document_ref = _struct(doc, self.root, root_ref, page_ref, parent_tree)
        root.dict["K"] = PDFArray([document_ref])
        ordered = [parent_tree[m] for m in sorted(parent_tree)]
        nums = [0, PDFArray(ordered)]
        root.dict["ParentTree"] = PDFDictionary({"Nums": PDFArray(nums)})
        root.dict["ParentTreeNextKey"] = 1
        catalog = doc.Catalog
        catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = _RawStream(b"/Subtype /XML /Type /Metadata", self._xmp())
        catalog.OutputIntents = PDFArray([_output_intent(doc)])
        data = with_stream_eols(doc.GetPDFData(self))
        if isinstance(self._target, str):
            Path(self._target).write_bytes(data)
        else:
            self._target.write(data)

    def _xmp(self) -> bytes:
        """The XMP packet, from what /Info will say (ReportLab's PDFInfo and time stamp)."""
        info, stamp = self._doc.info, self._doc._timeStamp  # type: ignore[attr-defined]
        yyyy, mm, dd, hh, mi, ss = stamp.YMDhms
        offset = f"{stamp.dhh:+03d}:{stamp.dmm:02d}"
        return xmp_metadata(
            title=info.title, author=info.author, subject=info.subject,
            keywords=info.keywords, creator=info.creator, producer=info.producer,
            date=f"{yyyy:04d}-{mm:02d}-{dd:02d}T{hh:02d}:{mi:02d}:{ss:02d}{offset}")

    def outline(self, blocks: bool = False) -> list[str]:
        """The structure in reading order as indented lines (for tests and review). A block's
        Div is not read aloud, so its elements stand at its place; with `blocks`, it is shown
        as "Div [block id]"."""
        lines: list[str] = []

        def walk(elem: StructElem, depth: int) -> None:
            if not blocks and _silent(elem.role, elem.alt, elem.mcids):
                for child in elem.children:
                    walk(child, depth)
                return
            label = elem.alt or elem.text
            title = f" [{elem.title}]" if elem.title and blocks else ""
            lines.append("  " * depth + elem.role + title + (f": {label}" if label else ""))
            for child in elem.children:
                walk(child, depth + 1)

        walk(self.root, 0)
        return lines


def _struct(doc: Any, elem: StructElem, parent_ref: PDFObjectReference,
            page_ref: PDFObjectReference,
            parent_tree: dict[int, PDFObjectReference]) -> PDFObjectReference:
    """Write `elem` and its children into `doc` (ReportLab's document), each registered in
    `parent_tree` under its MCIDs; returns the reference to `elem`."""
    obj = _StructObject(elem, parent_ref, page_ref)
    ref: PDFObjectReference = doc.Reference(obj)
    for m in elem.mcids:
        parent_tree[m] = ref
    obj.kids = list(elem.mcids) + [
        _struct(doc, child, ref, page_ref, parent_tree) for child in elem.children
        if child.mcids or child.children  # a group left empty is not written
    ]
    return ref


class _StructObject(PDFObject):
    """A structure element, written straight to bytes: formatting it as ReportLab's generic
    PDFDictionary cost more than all the rest of tagging."""

    def __init__(self, elem: StructElem, parent: PDFObjectReference, page: PDFObjectReference):
        self.elem, self.parent, self.page = elem, parent, page
        self.kids: list[int | PDFObjectReference] = []

    def format(self, document: PDFDocument) -> bytes:
        e = self.elem
        out = [b"<< /Type /StructElem /S /", e.role.encode("ascii"), b" /P ",
               self.parent.format(document)]
        if e.mcids:
            out += [b" /Pg ", self.page.format(document)]
        if self.kids:
            kids = [k.format(document) if isinstance(k, PDFObject) else b"%d" % k
                    for k in self.kids]
            out += [b" /K ", kids[0] if len(kids) == 1 else b"[ " + b" ".join(kids) + b" ]"]
        if e.title:
            out += [b" /T ", _text_string(e.title, document)]
        if e.alt:
            out += [b" /Alt ", _text_string(e.alt, document)]
        if e.bbox is not None:
            box = " ".join(_number(v) for v in e.bbox).encode("ascii")
            out += [b" /A << /O /Layout /BBox [ ", box, b" ] >>"]
        if e.role == "Document":
            out += [b" /Lang ", PDFString(LANG).format(document)]
        out.append(b" >>")
        return b"".join(out)


_LITERAL_ESCAPE = re.compile(rb"[()\\\r\n]")


def _text_string(text: str, document: PDFDocument) -> bytes:
    """A PDF text string: PDFDocEncoding in a literal string when it can be, else UTF-16 with
    a byte order mark as a hex string (ReportLab's PDFString escapes byte by byte in Python,
    which cost more than the rest of the tree; it is still used if the PDF is encrypted)."""
    encrypt: object = document.encrypt  # the stubs say NoEncryption; it may be encryption
    if not isinstance(encrypt, NoEncryption):
        return PDFString(text).format(document)
    try:
        raw = text.encode("pdfdoc")
    except UnicodeEncodeError:
        return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"
    return b"(" + _LITERAL_ESCAPE.sub(lambda m: b"\\" + _ESCAPED[m[0]], raw) + b")"


_ESCAPED = {b"(": b"(", b")": b")", b"\\": b"\\", b"\r": b"r", b"\n": b"n"}


def _number(v: float) -> str:
    """A coordinate as PDF writes it: two decimals at most, no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _silent(role: str, alt: str | None, mcids: list[int]) -> bool:
    """A grouping Div that a screen reader passes over (no content, no alternative text)."""
    return role == "Div" and not alt and not mcids


_PDFUAID_SCHEMA = """<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 (PDF/UA) the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def xmp_metadata(*, title: str, author: str, subject: str, keywords: str, creator: str,
                 producer: str, date: str, lang: str = LANG) -> bytes:
    """An XMP packet for PDF/A-2a and PDF/UA-1: Dublin Core, the PDF and XMP basic properties
    matching /Info (`date` as XMP writes it, 2000-01-01T00:00:00+00:00), the PDF/A and PDF/UA
    identification and the extension schema of `pdfuaid` (ISO 19005-2 6.6.2.3)."""
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt>
</dc:description>
<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{escape(producer)}</pdf:Producer>
<pdf:Keywords>{escape(keywords)}</pdf:Keywords>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>A</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
{_PDFUAID_SCHEMA}
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


@cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile of the output intent, Flate-compressed once per process."""
    return zlib.compress(SRGB_ICC.read_bytes(), 9)


def _output_intent(doc: Any) -> PDFDictionary:
    """The PDF/A output intent: sRGB, its ICC profile embedded (`doc`: ReportLab's document)."""
    profile = _RawStream(b"/Filter /FlateDecode /N 3", srgb_profile())
    return PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
        "Info": PDFString(OUTPUT_CONDITION),
        "DestOutputProfile": doc.Reference(profile)})


class _RawStream(PDFObject):
    """A stream written as it is (no filter added): `entries` of its dictionary besides
    /Length, then the data, with the end-of-line before `endstream` that PDF/A asks."""

    __RefOnly__ = 1

    def __init__(self, entries: bytes, data: bytes):
        self.entries, self.data = entries, data

    def format(self, document: PDFDocument) -> bytes:
        head = b"<< %s /Length %d >>\nstream\n" % (self.entries, len(self.data))
        return head + self.data + b"\nendstream\n"


_STREAM_START = b">>\nstream\n"
_LENGTH = re.compile(rb"/Length (\d+)[\s/>]")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\n$")


def with_stream_eols(data: bytes) -> bytes:
    """A PDF (ReportLab's or qpdf's) whose every stream ends in an end-of-line that a reader
    cannot take for data, the stream data and /Length unchanged and the cross-reference
    offsets moved along. ReportLab writes no end-of-line before `endstream` (PDF/A 6.1.7.1
    wants one); qpdf writes LF, which after data ending in CR reads as one CRLF and makes the
    data one byte short: such data gets CRLF. Streams are found by jumping over each one's
    /Length, so binary data is never searched."""
    parts: list[bytes] = []
    inserted: list[int] = []  # offsets in `data` where something goes in
    pos = searched = 0
    while (head := data.find(_STREAM_START, searched)) >= 0:
        dictionary = data[data.rfind(b" obj\n", 0, head):head]
        length = _LENGTH.search(dictionary)
        if length is None:
            raise ValueError(f"stream zonder /Length op byte {head}")
        searched = end = head + len(_STREAM_START) + int(length[1])
        eol = _missing_eol(data, end)
        if eol:
            parts += [data[pos:end], eol]
            inserted.append(end)
            pos = end
    if not inserted:
        return data
    xref = data.rfind(b"\nxref\n") + 1
    parts.append(data[pos:xref])
    shifts = [0, *accumulate(len(eol) for eol in parts[1::2])]  # bytes inserted before

    def moved(offset: int) -> int:
        return offset + shifts[bisect_left(inserted, offset)]

    table = _XREF_ENTRY.sub(lambda m: b"%010d %s n" % (moved(int(m[1])), m[2]), data[xref:])
    table = _STARTXREF.sub(lambda m: b"startxref\n%d\n%%%%EOF\n" % moved(int(m[1])), table)
    return b"".join(parts) + table


def _missing_eol(data: bytes, end: int) -> bytes:
    """What must go in after a stream's data ending at `end`: nothing when an end-of-line that
    cannot be read as data follows, else CRLF after data ending in CR and LF otherwise."""
    after_cr = data[end - 1:end] == b"\r"
    if data.startswith(b"endstream", end):
        return b"\r\n" if after_cr else b"\n"
    if data.startswith(b"\r\nendstream", end):
        return b""
    if data.startswith(b"\nendstream", end):
        return b"\r" if after_cr else b""
    raise ValueError(f"/Length van de stream die eindigt op byte {end} klopt niet")
