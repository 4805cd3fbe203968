"""Fingerprints for incremental builds: inputs (files, layouts, resolved page content) into short
sha256 strings, and the edition state (`.bouwstatus.json`) that lets a rebuild with unchanged
inputs skip everything.

Two levels, both exact:
- A page's fingerprint is the hash of the program (code and fonts), the style, the page's
  layout and its resolved content (every text, number and drawn value, see pages.py). Pages
  draw the values they show (numbers.shown_value), so a page's fingerprint changes exactly
  when its PDF would change: a library's changed record reaches its own pages, its province,
  the country, and the pages that compare with them only where a shown figure changes.
- The edition fingerprint hashes every input file (data, mapping, layouts, style, fonts, code)
  and the run's choices. When it equals the last run's, and every file in the manifest still
  has its sha256, nothing needs even to be loaded.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from infographics.fileio import atomic_write
from infographics.page.fonts import FONT_DIR
from infographics.page.layout import LAYOUT_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole infographics package
STATE_NAME = ".bouwstatus.json"
_PROGRAM_SUFFIXES = {".py", ".j2", ".yaml", ".html", ".css"}


def _hash_files(paths: Iterable[Path], root: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = str(path.relative_to(root)) if root else path.name
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# libraries whose version can change the bytes of a page (drawing, writing, checking)
_DRAWING_LIBRARIES = ("reportlab", "matplotlib", "pikepdf", "babel", "numpy", "pandas")


@lru_cache(maxsize=1)
def program_fingerprint() -> str:
    """The code of this package, the fonts and the versions of the libraries that draw: a new
    program version (or a ReportLab upgrade) rebuilds every page."""
    code = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in _PROGRAM_SUFFIXES
            and "__pycache__" not in p.parts]
    fonts = [p for p in Path(FONT_DIR).iterdir() if p.is_file()]
    versions = []
    for name in _DRAWING_LIBRARIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return hashlib.sha256((_hash_files(code, PACKAGE_DIR) + _hash_files(fonts)
                           + ";".join(versions)).encode()).hexdigest()


def page_fingerprint(*parts: object) -> str:
    """sha256 over the program and the reprs of `parts` (style, layout, page content): frozen
    dataclasses and pydantic models whose repr lists every value."""
    digest = hashlib.sha256(program_fingerprint().encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()


def input_files(data: Path, mapping: Path | None = None,
                layouts: Path | None = None) -> list[Path]:
    """Every file a build reads besides the program: the data (folder or workbook), the column
    mapping, the analyst's layouts folder and the packaged layouts (layouts, style, indicators,
    checklist)."""
    data = Path(data)
    files = sorted(p for p in data.rglob("*") if p.is_file()) if data.is_dir() else [data]
    if mapping:
        files.append(Path(mapping))
    if layouts:
        files.extend(sorted(p for p in Path(layouts).rglob("*") if p.is_file()))
    files.extend(sorted(p for p in LAYOUT_DIR.rglob("*") if p.is_file()))
    return files


def edition_fingerprint(data: Path, mapping: Path | None, choices: Mapping[str, object],
                        layouts: Path | None = None) -> str:
    """The inputs of a whole run and its choices (subjects, levels, years, only, verify)."""
    digest = hashlib.sha256(program_fingerprint().encode())
    digest.update(json.dumps(choices, sort_keys=True).encode())
    for path in input_files(data, mapping, layouts):
        digest.update(str(path.resolve()).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:  # a missing input: loading will say so, with the file name
            digest.update(b"missing")
    return digest.hexdigest()


@dataclass(frozen=True)
class EditionState:
    fingerprint: str
    paths: tuple[str, ...]  # every page path the run planned


def read_state(out: Path) -> EditionState | None:
    try:
        raw = json.loads((Path(out) / STATE_NAME).read_text(encoding="utf-8"))
        return EditionState(raw["fingerprint"], tuple(raw["paths"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(out: Path, state: EditionState | None) -> None:
    """Record the run (or, with None, forget it: the next run checks every page)."""
    target = Path(out) / STATE_NAME
    if state is None:
        target.unlink(missing_ok=True)
        return
    atomic_write(target, json.dumps({"fingerprint": state.fingerprint,
                                     "paths": list(state.paths)}, indent=0))
