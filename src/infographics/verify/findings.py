"""Findings: what a check reports (its name and a Dutch message), and how a finding quotes what
it found (a few examples, whitespace made plain)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_EXAMPLES = 3  # examples quoted in one finding
MAX_FINDINGS_PER_CHECK = 10


@dataclass(frozen=True)
class Finding:
    """One problem of a page: the check that found it and a message for people (Dutch)."""

    check: str
    message: str


def examples(items: list[str]) -> str:
    """The first few items, and how many more there are."""
    more = f" (en {len(items) - MAX_EXAMPLES} meer)" if len(items) > MAX_EXAMPLES else ""
    return "; ".join(items[:MAX_EXAMPLES]) + more


def normal(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces."""
    return " ".join(text.split())
