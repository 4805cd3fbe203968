"""Checking blocks: the structure tree's layout BBoxes and the page's tagged text runs into
findings. Every block's BBox is a rectangle on the page, inside the BBox of the block around
it; blocks not nested in each other do not overlap (touching is allowed); every tagged text
run's glyph box lies inside the BBox of its element's nearest block."""

from __future__ import annotations

from infographics.verify.findings import MAX_FINDINGS_PER_CHECK, Finding, examples, normal
from infographics.verify.geometry import BOX_TOLERANCE, OVERLAP_EPSILON, Rect, show_rect, within
from infographics.verify.scan import Scan
from infographics.verify.structtree import Elem, StructTree

Boxed = tuple[Elem, Rect]  # an element with its BBox


def check_blocks(tree: StructTree, scan: Scan) -> list[Finding]:
    """Block BBoxes well formed, on the page, inside their outer block, apart; text inside."""
    findings = [Finding("block-bbox", f"{e.label()}: /BBox {e.bad_bbox} is geen rechthoek")
                for e in tree.elements if e.bad_bbox]
    boxed = [(e, e.bbox) for e in tree.elements if e.bbox is not None]
    for elem, box in boxed:
        outer = elem.parent.block() if elem.parent is not None else None
        if not within(box, scan.box, BOX_TOLERANCE):
            findings.append(Finding("block-bbox", f"{elem.label()} {show_rect(box)} "
                                                  f"ligt (deels) buiten de pagina"))
        elif outer is not None and not within(box, outer[1], BOX_TOLERANCE):
            findings.append(Finding("block-bbox", f"{elem.label()} {show_rect(box)} "
                                                  f"steekt buiten {outer[0].label()} "
                                                  f"{show_rect(outer[1])}"))
    findings += _overlaps(boxed)[:MAX_FINDINGS_PER_CHECK]
    findings += _text_outside_blocks(tree, scan, bool(boxed))[:MAX_FINDINGS_PER_CHECK]
    return findings


def _overlaps(boxed: list[Boxed]) -> list[Finding]:
    """Pairs of BBoxes, neither an ancestor of the other, that share more than an edge."""
    findings = []
    order = sorted(boxed, key=lambda item: -item[1][3])  # top down: blocks are mostly rows
    for i, (a, a_box) in enumerate(order):
        ax0, ay0, ax1, ay1 = a_box
        for b, b_box in order[i + 1:]:
            bx0, by0, bx1, by1 = b_box
            if by1 <= ay0 + OVERLAP_EPSILON:
                break  # this one and all after it end below a
            w, h = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
            if w <= OVERLAP_EPSILON or h <= OVERLAP_EPSILON:
                continue
            if any(x is a for x in b.ancestors()) or any(x is b for x in a.ancestors()):
                continue  # nested in the structure: checked as inside its block
            findings.append(_overlap((a, a_box), (b, b_box), w, h))
    return findings


def _overlap(a: Boxed, b: Boxed, w: float, h: float) -> Finding:
    (first, first_box), (second, second_box) = sorted((a, b), key=lambda item: item[0].label())
    return Finding("blocks-overlap", f"{first.label()} {show_rect(first_box)} en "
                                     f"{second.label()} {show_rect(second_box)} overlappen "
                                     f"({w:.1f} x {h:.1f} pt)")


def _text_outside_blocks(tree: StructTree, scan: Scan, any_block: bool) -> list[Finding]:
    if not scan.runs:
        return []
    if not any_block:
        return [Finding("text-inside-block", "geen enkel structuurelement heeft een /BBox "
                                             "(/A <</O /Layout /BBox ...>>): van de tekst is "
                                             "niet na te gaan of die in zijn blok staat")]
    owner = {m: e for e in tree.elements for m in e.mcids}
    outside: dict[Boxed, list[str]] = {}
    unboxed: list[str] = []
    for mcid, text, box in scan.runs:
        elem = owner.get(mcid)
        if elem is None:
            continue  # reported by the MCID check
        block = elem.block()
        if block is None:
            unboxed.append(f"{normal(text)[:40]!r} ({elem.role}, MCID {mcid})")
        elif not within(box, block[1], BOX_TOLERANCE):
            outside.setdefault(block, []).append(f"{normal(text)[:40]!r} op {show_rect(box)}")
    findings = [Finding("text-inside-block", f"tekst buiten {block.label()} "
                                             f"{show_rect(bbox)}: {examples(items)}")
                for (block, bbox), items in outside.items()]
    if unboxed:
        findings.append(Finding("text-inside-block", f"tekst in geen blok (geen element met "
                                                     f"/BBox erboven): {examples(unboxed)}"))
    return findings
