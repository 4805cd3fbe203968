"""Checking text sizes: the scan's text runs (each with its size on the page: the font size
through the text matrix and the CTM) into findings, one per block that shows text smaller than
`MIN_TEXT_SIZE` (the style's own floor, page/style.py), naming the block, the smallest size and
the text. Matplotlib chart text counts like any other: it is drawn as real text too."""

from __future__ import annotations

from infographics.page.style import MIN_TEXT_SIZE, points
from infographics.verify.findings import MAX_FINDINGS_PER_CHECK, Finding, examples, normal
from infographics.verify.scan import Scan
from infographics.verify.structtree import StructTree

TOLERANCE = 0.01  # points: 6.4999 from a scaled matrix is still 6.5


def check_text_size(tree: StructTree, scan: Scan) -> list[Finding]:
    """A finding per block (or per untagged part of the page) with text below the minimum."""
    owner = {m: e for e in tree.elements for m in e.mcids}
    small: dict[str, list[tuple[float, str]]] = {}
    for mcid, text, size in scan.sizes:
        if size >= MIN_TEXT_SIZE - TOLERANCE:
            continue
        elem = owner.get(mcid) if mcid is not None else None
        block = elem.block() if elem is not None else None
        where = (block[0].label() if block is not None else elem.label() if elem is not None
                 else "tekst buiten de structuur (artefact of niet getagd)")
        small.setdefault(where, []).append((size, normal(text)[:40]))
    findings = []
    for where, items in small.items():
        least = min(size for size, _ in items)
        shown = [f"{text!r} ({points(size)} pt)" for size, text in sorted(items)]
        findings.append(Finding("text-size", f"{where}: tekst van {points(least)} pt, kleiner "
                                             f"dan {points(MIN_TEXT_SIZE)} pt: {examples(shown)}"))
    return findings[:MAX_FINDINGS_PER_CHECK]
