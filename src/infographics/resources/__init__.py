"""Packaged resources: the layouts (YAML), the Lato fonts (with their licence), the sRGB colour
profile of the PDF/A output intent (`SRGB_ICC`, with its licence), the provinces' boundaries of
the map (`PROVINCES_GEOJSON`, CBS/PDOK, with its source and licence in geo/SOURCE.md) and the
Jinja2 templates that ship inside the wheel, found with `importlib.resources` so that an installed
`infographics` works from any folder.

An analyst's own layouts come from `--layouts DIR`: `layout_file` looks there first and falls
back to the packaged file of the same name, so a folder with one changed layout is enough.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["FONTS", "LAYOUTS", "PROVINCES_GEOJSON", "SRGB_ICC", "TEMPLATES", "layout_file",
           "shown"]


def _folder(name: str) -> Path:
    folder = files(__name__) / name
    if not isinstance(folder, Path):  # a zipped install: ReportLab and Jinja2 need real files
        raise RuntimeError(f"infographics moet uitgepakt geïnstalleerd zijn ({folder} is geen map)")
    return folder


LAYOUTS = _folder("layouts")
FONTS = _folder("fonts")
TEMPLATES = _folder("templates")
SRGB_ICC = _folder("color") / "sRGB.icc"  # Debian icc-profiles-free, zlib (color/LICENSE.txt)
PROVINCES_GEOJSON = _folder("geo") / "provincie_2021.geojson"  # CBS/PDOK, CC BY 4.0 (SOURCE.md)


def layout_file(name: str, layouts: Path | None = None) -> Path:
    """`name` (e.g. `po-lokaal.yaml`) from the analyst's folder `layouts` when it is there,
    otherwise the packaged one."""
    if layouts is not None:
        own = Path(layouts) / name
        if own.is_file():
            return own
    return LAYOUTS / name


def shown(path: Path) -> str:
    """How a file is named in a message: a packaged resource as `layouts/po-lokaal.yaml`, a file
    below the working folder relative to it, anything else in full."""
    resolved = Path(path).resolve()
    for root in (Path(str(files(__name__))).resolve(), Path.cwd()):
        if resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
    return str(path)
