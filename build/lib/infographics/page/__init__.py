"""Page stage: a YAML layout and the figures into one tagged A4 PDF (layout spec, style,
resolved page content, charts, drawing, tagging, fonts)."""
