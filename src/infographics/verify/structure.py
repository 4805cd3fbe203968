"""Checking the structure tree: the tree and the page's scan into findings (the page has
StructParents; every Figure has alternative text; headings skip no level; every MCID in the
content is owned by exactly one element, which the ParentTree names), and the tree read back
as an indented text version (`structure_outline`)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pikepdf import Page

from infographics.verify.findings import MAX_FINDINGS_PER_CHECK, Finding, normal
from infographics.verify.pdf import as_list, get, is_dict, object_key, open_pdf, to_int
from infographics.verify.scan import Scan, scan_page
from infographics.verify.structtree import StructTree, number_tree

_HEADING = re.compile(r"H[1-6]")


def structure_outline(pdf: bytes | Path | str, blocks: bool = False) -> list[str]:
    """The structure tree in reading order, one indented line per element: "H1: <text>",
    "Figure: <alt>", "P: <text>" (text = what that element's marked content shows). A block's
    Div is not read aloud, so by default its elements stand in its place; with `blocks` it is
    shown as "Div [block id]"."""
    with open_pdf(pdf) as doc:
        scan = scan_page(doc.pages[0])
        tree = StructTree.read(doc)
    lines = []
    for elem in tree.elements:
        if not blocks and elem.silent:
            continue
        text = normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))
        label = elem.alt or text
        title = f" [{elem.title}]" if blocks and elem.title else ""
        depth = elem.depth if blocks else elem.depth - sum(a.silent for a in elem.ancestors())
        lines.append("  " * depth + elem.role + title + (f": {label}" if label else ""))
    return lines


def check_structure(tree: StructTree, page: Page, scan: Scan) -> list[Finding]:
    """The page's link to the tree, Figures' alternative text, heading levels and MCIDs (for
    a tree that has a root: without one, the catalog check reports it)."""
    findings = []
    if "/StructParents" not in page.obj:
        findings.append(Finding("tagged", "de pagina heeft geen /StructParents"))
    findings += _check_figures(tree, scan)
    findings += _check_headings(tree)
    problems = _mcid_problems(tree, get(page.obj, "/StructParents"), scan.mcids)
    findings += [Finding("mcid", p) for p in problems[:MAX_FINDINGS_PER_CHECK]]
    return findings


def _check_figures(tree: StructTree, scan: Scan) -> list[Finding]:
    findings = []
    for i, elem in enumerate(e for e in tree.elements if e.role == "Figure"):
        if not (elem.alt or "").strip():
            shows = normal(" ".join(scan.mcid_text.get(m, "") for m in elem.mcids))[:60]
            findings.append(Finding("figure-alt", f"Figure {i + 1} (MCID {elem.mcids or '-'}) "
                                                  f"heeft geen /Alt; toont: {shows!r}"))
    return findings


def _check_headings(tree: StructTree) -> list[Finding]:
    """Headings start at H1 and never skip a level (H1 -> H3)."""
    levels = [int(e.role[1]) for e in tree.elements if _HEADING.fullmatch(e.role)]
    findings = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            findings.append(Finding("headings", f"H{level} volgt op "
                                    + (f"H{previous}" if previous else "het begin")
                                    + f"; er ontbreekt een H{previous + 1}"))
        previous = level
    return findings


def _mcid_problems(tree: StructTree, key: object, used: Counter[int]) -> list[str]:
    """Each MCID in the content once, owned by one element, which the ParentTree names."""
    owners = Counter(m for e in tree.elements for m in e.mcids)
    parents = number_tree(get(tree.root, "/ParentTree"))
    row = as_list(parents.get(to_int(key))) if key is not None else []
    problems = []
    for mcid, uses in sorted(used.items()):
        if uses > 1:
            problems.append(f"MCID {mcid} staat {uses} keer in de inhoud")
        if owners[mcid] != 1:
            problems.append(f"MCID {mcid} hoort bij {owners[mcid]} structuurelementen")
        ref = row[mcid] if mcid < len(row) else None
        ref_key = object_key(ref) if is_dict(ref) else None
        elem = tree.by_ref.get(ref_key) if ref_key is not None else None
        if elem is None or mcid not in elem.mcids:
            problems.append(f"MCID {mcid}: de ParentTree wijst niet naar het element ervan")
    dangling = sorted(set(owners) - set(used))
    if dangling:
        problems.append(f"MCID {dangling[:5]} in de structuurboom maar niet in de inhoud")
    return problems
