"""Independent validation: a PDF (bytes or file) into the failures that another validator
reports for PDF/UA-1 and PDF/A-2a, as findings.

The validator is `page` (PyPI `page-validation`, an optional extra: `pip install
'bibliotheekmonitor-infographics[strict]'`), a PDF/A and PDF/UA checker built and tested
against the veraPDF corpus; it knows nothing of our pages, so it checks what our own fast
verifier (`checks`) does not: the whole machine-checkable part of both standards (the
Matterhorn Protocol's PDF/UA-1 conditions and ISO 19005-2 level A). It takes about 20 ms a
page, several times what our verifier takes: `infographics verify --strict`, the tests and
`bench/bench_pdfa.py` run it, the build does not.

Each failing rule becomes one finding: check `PDF/UA-1 PDFUA1-...` or `PDF/A-2a PDFA2A-...`,
the validator's own (English) message, the object it names and how often the rule failed.
"""

from __future__ import annotations

from pathlib import Path

from infographics.errors import InfographicsError
from infographics.verify.findings import Finding

try:
    import page as validator
except ImportError:  # the optional extra is not installed
    validator = None  # type: ignore[assignment]

PROFILES = {"PDF/UA-1": "ua1", "PDF/A-2a": "2a"}  # our name: the validator's profile
INSTALL = "pip install 'bibliotheekmonitor-infographics[strict]'"


def available() -> bool:
    """Whether the independent validator is installed."""
    return validator is not None


def validate_independently(pdf: bytes | Path | str) -> list[Finding]:
    """The failures of the PDF/UA-1 and PDF/A-2a profiles, one finding per failing rule; an
    empty list means the file conforms to both. Raises `InfographicsError` when the validator
    is not installed."""
    if validator is None:
        raise InfographicsError(f"de onafhankelijke controle (--strict) vraagt page-validation: "
                                f"{INSTALL}")
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    findings: list[Finding] = []
    for name, profile in PROFILES.items():
        try:
            report = validator.validate_pdf_bytes(data, profile=profile)
        except validator.PageError as exc:
            findings.append(Finding(name, f"onafhankelijke validator kan de PDF niet lezen: "
                                          f"{type(exc).__name__}: {exc}"))
            continue
        findings += _by_rule(name, report.failures)
    return findings


def _by_rule(profile: str, failures: list[validator.ValidationFailure]) -> list[Finding]:
    """One finding per rule, in the order the validator reported them."""
    seen: dict[str, list[validator.ValidationFailure]] = {}
    for failure in failures:
        seen.setdefault(failure.rule_id, []).append(failure)
    return [Finding(f"{profile} {rule}", _message(group)) for rule, group in seen.items()]


def _message(group: list[validator.ValidationFailure]) -> str:
    first = group[0]
    where = f" (object {first.object_id.object_number} {first.object_id.generation})" \
        if first.object_id is not None else ""
    more = f"; {len(group)} keer" if len(group) > 1 else ""
    return f"onafhankelijke validator: {first.message}{where}{more}"
