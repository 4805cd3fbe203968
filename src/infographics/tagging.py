"""Tagged PDF from ReportLab: drawing calls wrapped in marked content, turned into a structure
tree (PDF/UA) when the page is saved, in one pass, with no second PDF engine.

`TaggedCanvas` is a ReportLab canvas that knows its page's structure. `tag(role, alt=...)` wraps
what is drawn inside it in `/Role <</MCID n>> BDC ... EMC` and records a structure element;
`artifact()` marks decoration (`/Artifact BMC ... EMC`). On `save()` the catalog gets the
StructTreeRoot (Document element with the elements in reading order, a ParentTree), MarkInfo,
Lang, ViewerPreferences/DisplayDocTitle and XMP metadata with the PDF/UA identification.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

LANG = "nl-NL"


@dataclass
class StructElem:
    role: str
    mcids: list[int] = field(default_factory=list)
    alt: str | None = None
    text: str = ""  # the visible text, kept for verification and outlines
    children: list[StructElem] = field(default_factory=list)


class TaggedCanvas(Canvas):
    """A one-page ReportLab canvas that writes a PDF/UA structure tree."""

    def __init__(self, target, *, title: str, author: str, subject: str, **kwargs):
        kwargs.setdefault("lang", LANG)
        super().__init__(target, **kwargs)
        self.root = StructElem("Document")
        self._stack: list[StructElem] = [self.root]
        self._next_mcid = 0
        self._open = 0
        self._meta = {"title": title, "author": author, "subject": subject}
        self.setTitle(title)
        self.setAuthor(author)
        self.setSubject(subject)
        self.setViewerPreference("DisplayDocTitle", "true")

    # --- marking content -------------------------------------------------------------------

    @contextmanager
    def tag(self, role: str, alt: str | None = None, text: str = ""):
        """Everything drawn inside is one marked-content sequence of a new element `role`."""
        if self._open:
            raise RuntimeError("marked content cannot be nested; use group() for structure")
        elem = StructElem(role, [self._next_mcid], alt, text)
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
    def group(self, role: str = "Sect", alt: str | None = None):
        """A structure element that holds other elements (no content of its own)."""
        elem = StructElem(role, alt=alt)
        self._stack[-1].children.append(elem)
        self._stack.append(elem)
        try:
            yield elem
        finally:
            self._stack.pop()

    @contextmanager
    def artifact(self):
        """Decoration: not part of the content read aloud."""
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

    def _setAnnotations(self, page):  # ReportLab hook called once per page in showPage
        super()._setAnnotations(page)
        page.__NoDefault__ = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.StructParents = 0
        page.Tabs = PDFName("S")
        self._page_name = self._doc.thisPageName()  # the name addPage will register it under

    def save(self):
        doc = self._doc
        page_ref = PDFObjectReference(self._page_name)
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        parent_tree: dict[int, PDFObjectReference] = {}
        document_ref = self._struct(self.root, root_ref, page_ref, parent_tree)
        root.dict["K"] = PDFArray([document_ref])
        ordered = [parent_tree[m] for m in sorted(parent_tree)]
        nums = [0, PDFArray(ordered)]
        root.dict["ParentTree"] = PDFDictionary({"Nums": PDFArray(nums)})
        root.dict["ParentTreeNextKey"] = 1
        catalog = doc.Catalog
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = _xmp(**self._meta)
        super().save()

    def _struct(self, elem: StructElem, parent_ref, page_ref, parent_tree) -> PDFObjectReference:
        d = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(elem.role),
                           "P": parent_ref})
        ref = self._doc.Reference(d)
        if elem.mcids:
            d.dict["Pg"] = page_ref
            for m in elem.mcids:
                parent_tree[m] = ref
        kids = list(elem.mcids) + [
            self._struct(child, ref, page_ref, parent_tree) for child in elem.children
        ]
        if kids:
            d.dict["K"] = PDFArray(kids) if len(kids) > 1 else kids[0]
        if elem.alt:
            d.dict["Alt"] = PDFString(elem.alt)
        if elem.role == "Document":
            d.dict["Lang"] = PDFString(LANG)
        return ref

    def outline(self) -> list[str]:
        """The structure in reading order as indented lines (for tests and review)."""
        lines: list[str] = []

        def walk(elem: StructElem, depth: int) -> None:
            label = elem.alt or elem.text
            lines.append("  " * depth + elem.role + (f": {label}" if label else ""))
            for child in elem.children:
                walk(child, depth + 1)

        walk(self.root, 0)
        return lines


def _xmp(title: str, author: str, subject: str) -> PDFStream:
    """XMP metadata with dc:title and the PDF/UA-1 identification (fixed, reproducible)."""
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt>
</dc:description>
<dc:language><rdf:Bag><rdf:li>{LANG}</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>Bibliotheekmonitor infographics</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    stream = PDFStream(
        dictionary=PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        content=xml.encode("utf-8"),
        filters=[],
    )
    return stream
