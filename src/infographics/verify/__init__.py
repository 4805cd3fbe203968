"""Verification stage: a built PDF into findings (one A4 page, embedded fonts, PDF/UA
structure, every text inside its block, the figures it shows)."""
