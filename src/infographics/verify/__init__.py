"""Verification stage: a built PDF into findings (one A4 page, embedded fonts, PDF/UA
structure, every text inside its block and large enough, the figures it shows).

Modules, in the order a page goes through them: `pdf` (opening, typed access to pikepdf's
objects), `contentstream` (a content stream into operations), `glyphs` (fonts as decoders),
`geometry` (rectangles and matrices), `scan` (the content walked once), `structtree` (the
structure tree read), the checks `document`, `fonts`, `text`, `textsize`, `structure` and
`blocks`, and `checks` (the entry points, running them in order). `independent` runs another
validator's PDF/UA-1 and PDF/A-2a profiles (`strict=True`, `infographics verify --strict`).
Callers use what this package exports.
"""

from infographics.verify.checks import verify_file, verify_folder, verify_pdf
from infographics.verify.findings import Finding
from infographics.verify.independent import validate_independently
from infographics.verify.structure import structure_outline

__all__ = ["Finding", "structure_outline", "validate_independently", "verify_file",
           "verify_folder", "verify_pdf"]
