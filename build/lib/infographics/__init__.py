"""Bibliotheekmonitor infographics: survey records in, one-page Dutch infographic PDFs out."""

__version__ = "0.2.0"
