"""Checking what the page shows: the scan of its content into findings (there is extractable
text, every glyph has a Unicode value, no text lies outside the page, the expected figures are
in the text; nothing is painted outside marked content, and marked content is neither nested
nor left open)."""

from __future__ import annotations

from collections.abc import Sequence

from infographics.verify.findings import MAX_FINDINGS_PER_CHECK, Finding, examples, normal
from infographics.verify.scan import Scan


def check_text(scan: Scan, expected_numbers: Sequence[str]) -> list[Finding]:
    """Text that can be read out, inside the page, with every expected figure in it."""
    findings = []
    text = normal("".join(scan.chunks))
    if not text:
        findings.append(Finding("text", "de pagina heeft geen uitleesbare tekst"))
    for font, n in sorted(scan.unmapped.items()):
        findings.append(Finding("tounicode", f"{n} teken(s) in {font} zonder Unicode-waarde"))
    findings += [Finding("text-inside-page", f"tekst buiten de pagina: {item}")
                 for item in scan.outside[:MAX_FINDINGS_PER_CHECK]]
    for number in dict.fromkeys(normal(n) for n in expected_numbers):
        if number and not shows_number(text, number):
            findings.append(Finding("numbers", f"getal {number!r} staat niet in de tekst"))
    return findings


def shows_number(text: str, number: str) -> bool:
    """`number` occurs in `text` as a whole: "7" is not found in "78%" nor "1" in "1,1" (not
    after a digit or a digit and a separator, not before a digit or a separator and a digit)."""
    start = text.find(number)
    while start != -1:
        end = start + len(number)
        before, after = text[max(0, start - 2):start], text[end:end + 2]
        if not (before[-1:].isdecimal() or (before[:1].isdecimal() and before[1:] in (".", ","))
                or after[:1].isdecimal() or (after[:1] in (".", ",") and after[1:].isdecimal())):
            return True
        start = text.find(number, start + 1)
    return False


def check_untagged(scan: Scan) -> list[Finding]:
    """Everything painted is tagged or an artifact; marked content balanced and not nested."""
    findings = []
    if scan.untagged:
        findings.append(Finding(
            "untagged-content",
            f"{len(scan.untagged)} tekenoperator(en) buiten marked content (niet getagd en geen "
            f"artefact): {examples(scan.untagged)}"))
    findings += [Finding("marked-content", f"marked content: {m}")
                 for m in scan.marked[:MAX_FINDINGS_PER_CHECK]]
    return findings
