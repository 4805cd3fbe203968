"""The tagged canvas: marked content, structure tree, catalog entries, reproducible bytes."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from infographics.page import fonts
from infographics.page.tagging import TaggedCanvas


def _page(**draw):
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(buf, title="Titel van de pagina", author="KB - Bibliotheekmonitor",
                     subject="test", pagesize=A4, initialFontName="Lato", invariant=1)
    with c.artifact():
        c.rect(10, 10, 50, 50, fill=1)
    with c.tag("H1", text="Kop"):
        c.setFont("Lato-Bold", 20)
        c.drawString(40, 780, "Kop")
    with c.group("Sect"):
        with c.tag("Figure", alt="Ringdiagram: 78% van de schoollocaties."):
            c.circle(200, 500, 40)
        with c.tag("P", text="Tekst"):
            c.drawString(40, 400, "Tekst")
    c.showPage()
    c.save()
    return c, buf.getvalue()


def test_catalog_entries_and_structure():
    canvas, pdf = _page()
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl-NL"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part>1<" in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title == "Titel van de pagina"
    assert reader.pages[0]["/StructParents"] == 0
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    roles = [k.get_object()["/S"] for k in document["/K"]]
    assert roles == ["/H1", "/Sect"]
    figure = document["/K"][1].get_object()["/K"][0].get_object()
    assert figure["/S"] == "/Figure"
    assert figure["/Alt"].startswith("Ringdiagram: 78%")
    parents = tree["/ParentTree"]["/Nums"][1]
    assert len(parents) == 3  # one entry per MCID
    assert canvas.outline()[0] == "Document"
    assert canvas.outline()[1] == "  H1: Kop"


def test_content_is_marked():
    _, pdf = _page()
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
    assert b"/Artifact BMC" in content
    assert b"/H1 <</MCID 0>> BDC" in content
    assert content.count(b"BDC") + content.count(b"BMC") == content.count(b"EMC")


def test_same_input_same_bytes():
    assert _page()[1] == _page()[1]


def test_no_nested_marked_content():
    fonts.register()
    c = TaggedCanvas(io.BytesIO(), title="t", author="a", subject="s", initialFontName="Lato")
    with c.tag("P"), pytest.raises(RuntimeError), c.tag("P"):
        pass


def _blocks_page(tagged: bool = True):
    fonts.register()
    buf = io.BytesIO()
    c = TaggedCanvas(buf, title="Blokken", author="a", subject="s", pagesize=A4,
                     initialFontName="Lato", invariant=1, tagged=tagged)
    with c.block("kop", (28, 700, 567, 800)):
        with c.artifact():
            c.rect(28, 700, 539, 100, fill=1)
        with c.tag("H1", text="Kop"):
            c.drawString(40, 760, "Kop")
        with c.tag("P", text="Ondertitel"):
            c.drawString(40, 720, "Ondertitel")
    with c.block("kpi", (28, 500, 200, 600)), c.tag("P", text="78% samen"):
        c.drawString(40, 550, "78% samen")
    with c.block("leeg", (300, 500, 400, 600)), c.artifact():
        c.rect(300, 500, 100, 100, fill=1)
    c.showPage()
    c.save()
    return c, buf.getvalue()


def test_blocks_carry_their_id_and_rectangle():
    canvas, pdf = _blocks_page()
    document = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]["/K"][0]
    kids = [k.get_object() for k in document["/K"]]
    # several elements: a Div around them; one element: that element is the block; a block
    # with decoration only has no element
    assert [(k["/S"], k["/T"]) for k in kids] == [("/Div", "kop"), ("/P", "kpi")]
    assert kids[0]["/A"]["/O"] == "/Layout"
    assert [float(v) for v in kids[0]["/A"]["/BBox"]] == [28, 700, 567, 800]
    assert [k.get_object()["/S"] for k in kids[0]["/K"]] == ["/H1", "/P"]
    assert canvas.outline() == ["Document", "  H1: Kop", "  P: Ondertitel", "  P: 78% samen"]
    assert canvas.outline(blocks=True) == [
        "Document", "  Div [kop]", "    H1: Kop", "    P: Ondertitel", "  P [kpi]: 78% samen"]


def test_untagged_canvas_draws_the_same_without_structure():
    _, tagged = _blocks_page()
    _, plain = _blocks_page(tagged=False)
    reader = PdfReader(io.BytesIO(plain))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" not in root
    assert "/MarkInfo" not in root
    content = reader.pages[0].get_contents().get_data()
    assert b"BDC" not in content
    assert b"BMC" not in content
    assert b"EMC" not in content
    assert reader.pages[0].extract_text() == PdfReader(io.BytesIO(tagged)).pages[0].extract_text()
