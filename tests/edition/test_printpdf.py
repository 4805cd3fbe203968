"""The print PDF (issue 17, item 2): the local PO pages merged in order keep their structure,
joined under one Document with a Sect per library; every page has its own ParentTree row whose
elements sit on that page and own exactly its MCIDs; bookmarks per province and library;
Dutch, titled, archival metadata; the same pages give the same bytes. That it conforms to
PDF/UA-1 and PDF/A-2a is checked with the independent validator in
tests/verify/test_independent.py."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from infographics.edition.build import render
from infographics.edition.printpdf import PrintSection, print_pdf

LIBRARIES = [("Gelderland", "bib-0029"), ("Overijssel", "bib-0018"), ("Overijssel", "bib-0019")]


@pytest.fixture(scope="module")
def sections(ctx, po_jobs) -> list[PrintSection]:
    return [PrintSection(province, po_jobs[lib].entity_name, render(ctx, po_jobs[lib]))
            for province, lib in LIBRARIES]


@pytest.fixture(scope="module")
def merged(sections) -> bytes:
    data, pages = print_pdf("Rijnbrink", "2020-2021", sections)
    assert pages == len(sections)
    return data


def kids(elem: pikepdf.Object) -> list[pikepdf.Object]:
    k = elem.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]


def mcids_of(elem: pikepdf.Object) -> list[int]:
    return [int(k) for k in kids(elem) if isinstance(k, int)]


def content_mcids(page: pikepdf.Page) -> list[int]:
    return [int(m) for m in re.findall(rb"<</MCID (\d+)>> BDC", page.Contents.read_bytes())]


def test_one_document_with_a_section_per_library_holding_its_page(merged, sections):
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        tree = pdf.Root.StructTreeRoot
        (document,) = kids(tree)
        assert document.S == "/Document"
        assert document.P.objgen == tree.objgen
        sects = kids(document)
        assert [str(s.T) for s in sects] == [s.library for s in sections]
        for index, (sect, page) in enumerate(zip(sects, pdf.pages, strict=True)):
            assert sect.S == "/Sect"
            assert sect.P.objgen == document.objgen
            assert int(page.StructParents) == index

            def walk(elem, parent, page=page):
                assert elem.P.objgen == parent.objgen
                if mcids_of(elem):
                    assert elem.Pg.objgen == page.objgen  # the element is on its own page
                for child in kids(elem):
                    if isinstance(child, pikepdf.Dictionary):
                        walk(child, elem)

            for child in kids(sect):
                walk(child, sect)
            assert kids(sect)[0].S in ("/H1", "/Div")  # the page's own elements, as they were


def test_each_page_has_its_parent_tree_row_owning_exactly_its_mcids(merged):
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        assert [int(n) for n in nums[0::2]] == list(range(len(pdf.pages)))
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == len(pdf.pages)
        for page, row in zip(pdf.pages, nums[1::2], strict=True):
            mcids = content_mcids(page)
            assert sorted(mcids) == list(range(len(row)))
            for mcid in mcids:  # the row names the element that owns the MCID, on this page
                assert mcid in mcids_of(row[mcid])
                assert row[mcid].Pg.objgen == page.objgen


def test_bookmarks_title_language_and_metadata(merged, sections):
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "nl-NL"
        assert bool(root.MarkInfo.Marked)
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert root.PageMode == "/UseOutlines"
        title = str(pdf.trailer.Info.Title)
        assert title == ("Lokale infographics primair onderwijs 2020-2021: Rijnbrink "
                         "(afdrukversie)")
        xmp = root.Metadata.read_raw_bytes()
        assert "/Filter" not in root.Metadata.stream_dict
        assert title.encode() in xmp
        assert b"<pdfaid:part>2</pdfaid:part>" in xmp
        assert root.OutputIntents[0].S == "/GTS_PDFA1"
        with pdf.open_outline() as outline:
            tree = [(item.title, [(c.title, c.destination[0].objgen) for c in item.children])
                    for item in outline.root]
        pages = [p.objgen for p in pdf.pages]
        assert tree == [("Gelderland", [(sections[0].library, pages[0])]),
                        ("Overijssel", [(sections[1].library, pages[1]),
                                        (sections[2].library, pages[2])])]


def test_same_pages_same_bytes_and_the_sources_are_left_alone(sections):
    before = [s.pdf for s in sections]
    first, _ = print_pdf("Rijnbrink", "2020-2021", sections)
    second, _ = print_pdf("Rijnbrink", "2020-2021", sections)
    assert first == second
    assert [s.pdf for s in sections] == before
    other, _ = print_pdf("Rijnbrink", "2020-2021", list(reversed(sections)))
    assert other != first


def test_a_page_without_a_document_element_is_refused(sections):
    with pikepdf.open(io.BytesIO(sections[0].pdf)) as pdf:
        pdf.Root.StructTreeRoot.K[0].S = pikepdf.Name.Part
        out = io.BytesIO()
        pdf.save(out)
    with pytest.raises(ValueError, match="Document"):
        print_pdf("X", "2020-2021", [PrintSection("P", "L", out.getvalue())])


def test_an_untagged_page_is_merged_without_a_section(sections):
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.drawString(72, 720, "geen structuur")
    c.showPage()
    c.save()
    data, pages = print_pdf("X", "2020-2021", [sections[0], PrintSection("P", "L", buf.getvalue()),
                                               sections[1]])
    assert pages == 3
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sects = kids(kids(pdf.Root.StructTreeRoot)[0])
        assert [str(s.T) for s in sects] == [sections[0].library, sections[1].library]
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        assert [int(n) for n in nums[0::2]] == [0, 2]
        assert "/StructParents" not in pdf.pages[1].obj
