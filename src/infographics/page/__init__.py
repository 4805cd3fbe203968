"""Page stage: a YAML layout and the figures into one tagged A4 PDF: layout spec (layout.py),
style, the resolver (content.py) making one typed content per block (blocks.py), the composer
drawing it (draw.py) with charts, tagging and fonts."""
