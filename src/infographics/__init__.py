"""Bibliotheekmonitor infographics: survey records in, one-page Dutch infographic PDFs out.

The public API, one name per step of the pipeline (see the README for the picture):

    tables = load("data/sample")                      # data: CSV/XLSX into validated tables
    figures = measure(tables, load_indicators())      # data: every indicator at every level
    ctx = load_context("data/sample")                 # edition: data, figures, style, layouts
    jobs = plan(ctx.figures, ["po"], ["national"])    # edition: which pages, which file names
    result = build_edition(jobs, Path("data/sample"), Path("output"), ctx=ctx)
    findings = verify_pdf(Path("output/po/landelijk/po-2020-2021-nederland.pdf"))

Names are imported when first used, so `import infographics` (and `infographics --help`) stays
fast; type checkers see them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

# public name -> the module that defines it
_API = {
    "InfographicsError": "infographics.errors",
    "InputError": "infographics.errors",
    "ConfigError": "infographics.errors",
    "PageError": "infographics.errors",
    "Problem": "infographics.errors",
    "Report": "infographics.errors",
    "Tables": "infographics.data.read",
    "load": "infographics.data.read",
    "validate_data": "infographics.data.validate",
    "load_indicators": "infographics.data.indicators",
    "Figures": "infographics.data.measure",
    "measure": "infographics.data.measure",
    "load_layout": "infographics.page.layout",
    "load_style": "infographics.page.style",
    "PageTarget": "infographics.page.content",
    "resolve": "infographics.page.content",
    "PageContent": "infographics.page.blocks",
    "draw_page": "infographics.page.draw",
    "verify_pdf": "infographics.verify",
    "verify_folder": "infographics.verify",
    "Finding": "infographics.verify",
    "Job": "infographics.edition.plan",
    "plan": "infographics.edition.plan",
    "load_context": "infographics.edition.build",
    "build_edition": "infographics.edition.build",
    "BuildResult": "infographics.edition.outcome",
    "read_manifest": "infographics.edition.manifest",
    "Entitlements": "infographics.edition.entitlement",
    "run_bundles": "infographics.edition.bundle",
    "make_preview": "infographics.edition.preview",
    "Options": "infographics.delivery.send",
    "deliver": "infographics.delivery.send",
}

__all__ = ["__version__", "build_edition", "BuildResult", "ConfigError", "deliver", "draw_page",
           "Entitlements", "Figures", "Finding", "InfographicsError", "InputError", "Job", "load",
           "load_context", "load_indicators", "load_layout", "load_style", "make_preview",
           "measure", "Options", "PageContent", "PageError", "PageTarget", "plan", "Problem",
           "read_manifest", "Report", "resolve", "run_bundles", "Tables", "validate_data",
           "verify_folder", "verify_pdf"]  # == _API, tested

if TYPE_CHECKING:
    from infographics.data.indicators import load_indicators
    from infographics.data.measure import Figures, measure
    from infographics.data.read import Tables, load
    from infographics.data.validate import validate_data
    from infographics.delivery.send import Options, deliver
    from infographics.edition.build import build_edition, load_context
    from infographics.edition.bundle import run_bundles
    from infographics.edition.entitlement import Entitlements
    from infographics.edition.manifest import read_manifest
    from infographics.edition.outcome import BuildResult
    from infographics.edition.plan import Job, plan
    from infographics.edition.preview import make_preview
    from infographics.errors import (
        ConfigError,
        InfographicsError,
        InputError,
        PageError,
        Problem,
        Report,
    )
    from infographics.page.blocks import PageContent
    from infographics.page.content import PageTarget, resolve
    from infographics.page.draw import draw_page
    from infographics.page.layout import load_layout
    from infographics.page.style import load_style
    from infographics.verify import Finding, verify_folder, verify_pdf


def __getattr__(name: str) -> Any:
    """Import a public name from its module when it is first used (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'infographics' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
