"""Verification stage: a built PDF into findings (one A4 page, embedded fonts, PDF/UA
structure, every text inside its block, the figures it shows)."""

from infographics.verify.checks import Finding, structure_outline, verify_folder, verify_pdf

__all__ = ["Finding", "structure_outline", "verify_folder", "verify_pdf"]
