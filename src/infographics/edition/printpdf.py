"""Print PDF: a POI's local PO pages (tagged one-page PDFs) into one tagged, archival PDF for
printing, in the order given, with a bookmark per province and per library.

The pages' structure trees are joined, not dropped: each page's `Document` element becomes a
`Sect` titled with the library's name, and these sections stand in print order under one new
`Document`; every page keeps its marked content and gets its own row of the joined ParentTree
(/StructParents = its page index). An untagged page (not one of ours: a test's stand-in) is
merged as it is, without a section. The file is PDF/UA-1 and PDF/A-2a as the pages are: Dutch
(/Lang), titled and showing the title, the XMP of `page.tagging.xmp_metadata` matching /Info,
the sRGB output intent, bookmarks shown on opening. pikepdf (qpdf) copies the pages with every
object they use; the same pages give the same bytes (fixed dates, a file identifier computed
from the content).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from pikepdf import Array, Dictionary, Name, Object, OutlineItem, Pdf, Stream, String

from infographics.page.tagging import (
    LANG,
    OUTPUT_CONDITION,
    PRODUCER,
    srgb_profile,
    with_stream_eols,
    xmp_metadata,
)

AUTHOR = "KB - Bibliotheekmonitor"
CREATOR = "Bibliotheekmonitor infographics"
PDF_DATE = "D:20000101000000+00'00'"  # the pages' own fixed date
XMP_DATE = "2000-01-01T00:00:00+00:00"  # the same moment as XMP writes it


@dataclass(frozen=True)
class PrintSection:
    """One page of the print PDF: its bookmark under its province, and its PDF."""

    province: str  # the parent bookmark ("" for a library without a province: "Onbekend")
    library: str  # the bookmark and the title (/T) of the page's section
    pdf: bytes  # a tagged one-page infographic


def print_pdf(poi_name: str, school_year: str,
              sections: Sequence[PrintSection]) -> tuple[bytes, int]:
    """The `sections`' pages merged in their order into one tagged PDF titled for `poi_name`
    and `school_year`; and its page count."""
    merged = Pdf.new()
    document = merged.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Document, Lang=String(LANG), K=Array()))
    nums: list[int | Object] = []
    for index, section in enumerate(sections):
        if (row := _append(merged, document, index, section)) is not None:
            nums += [index, row]
    tree = merged.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=Array(nums)),
        ParentTreeNextKey=len(sections)))
    merged.Root.StructTreeRoot = document.P = tree
    for child in document.K:
        child.P = document
    _bookmarks(merged, sections)
    _describe(merged, f"Lokale infographics primair onderwijs {school_year}: {poi_name} "
                      "(afdrukversie)",
              f"Bibliotheekmonitor {school_year}, lokaal PO, {poi_name}")
    buffer = io.BytesIO()
    merged.save(buffer, deterministic_id=True, min_version="1.4")
    return with_stream_eols(buffer.getvalue()), len(merged.pages)


def _append(merged: Pdf, document: Object, index: int,
            section: PrintSection) -> Object | None:
    """Copy the section's page into `merged` as page `index` with its structure: its Document
    element as a Sect under `document`; returns its ParentTree row, copied. A page without
    any structure (not one of ours) is copied as it is, and the file is not fully tagged
    (`verify --strict` says so); a structure that does not start with a Document is refused."""
    source = Pdf.open(io.BytesIO(section.pdf))
    page = source.pages[0]
    tree = source.Root.get("/StructTreeRoot")
    if tree is None:
        merged.pages.append(page)
        return None
    top = tree.K[0] if isinstance(tree.K, Array) else tree.K
    if top.get("/S") != Name.Document:
        raise ValueError(f"{section.library}: de structuur begint niet met een Document")
    row = _parent_tree_row(tree, int(page.obj.StructParents))
    top.S, top.T = Name.Sect, String(section.library)
    del top["/P"]  # set to the new Document once copied; the old tree stays behind
    merged.pages.append(page)  # copies the page and all it uses; the copies below map onto it
    merged.pages[-1].obj.StructParents = index
    document.K.append(merged.copy_foreign(top))
    return merged.copy_foreign(source.make_indirect(row))


def _parent_tree_row(tree: Object, key: int) -> Array:
    """The ParentTree's row `key` (the elements owning the page's MCIDs), from a flat /Nums
    array as the pages have (no /Kids)."""
    nums = tree.ParentTree.Nums
    for i in range(0, len(nums) - 1, 2):
        row = nums[i + 1]
        if int(nums[i]) == key and isinstance(row, Array):
            return row
    raise ValueError(f"ParentTree heeft geen rij {key}")


def _bookmarks(merged: Pdf, sections: Sequence[PrintSection]) -> None:
    """A bookmark per province (at its first page) holding one per library."""
    with merged.open_outline() as outline:
        provinces: dict[str, OutlineItem] = {}
        for index, section in enumerate(sections):
            if section.province not in provinces:
                provinces[section.province] = OutlineItem(section.province or "Onbekend", index)
                outline.root.append(provinces[section.province])
            provinces[section.province].children.append(OutlineItem(section.library, index))


def _describe(merged: Pdf, title: str, subject: str) -> None:
    """/Info and the XMP saying the same, Dutch, tagged, the title shown, bookmarks open, the
    sRGB output intent."""
    merged.trailer.Info = merged.make_indirect(Dictionary(
        Title=String(title), Author=String(AUTHOR), Subject=String(subject),
        Keywords=String(""), Creator=String(CREATOR), Producer=String(PRODUCER),
        CreationDate=String(PDF_DATE), ModDate=String(PDF_DATE)))
    xmp = xmp_metadata(title=title, author=AUTHOR, subject=subject, keywords="",
                       creator=CREATOR, producer=PRODUCER, date=XMP_DATE)
    root = merged.Root
    root.Metadata = Stream(merged, xmp, Type=Name.Metadata, Subtype=Name.XML)
    root.Lang = String(LANG)
    root.MarkInfo = Dictionary(Marked=True)
    root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    root.PageMode = Name.UseOutlines
    profile = Stream(merged, srgb_profile(), Filter=Name.FlateDecode, N=3)
    root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(OUTPUT_CONDITION), Info=String(OUTPUT_CONDITION),
        DestOutputProfile=merged.make_indirect(profile))])
