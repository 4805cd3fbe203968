"""Checking fonts: the fonts a page uses (its resources and those of the Form XObjects in
them) into findings: every font embedded, none of Type 3, each with a ToUnicode map."""

from __future__ import annotations

from pikepdf import Page

from infographics.verify.findings import Finding
from infographics.verify.pdf import (
    ObjectKey,
    as_list,
    get,
    get_str,
    is_dict,
    items_of,
    object_key,
    values_of,
)

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def check_fonts(page: Page) -> list[Finding]:
    """Each font object once: embedded, not Type 3, with a ToUnicode map."""
    findings = []
    done: set[ObjectKey | None] = set()
    for name, font in _font_dicts(get(page.obj, "/Resources")):
        key = object_key(font) if is_dict(font) else None
        if not is_dict(font) or (key is not None and key in done):
            continue
        done.add(key)
        label = f"{name} ({get_str(font, '/BaseFont', '?').lstrip('/')})"
        if get(font, "/Subtype") == "/Type3":
            findings.append(Finding("no-type3", f"lettertype {label} is Type 3"))
        elif not _embedded(font):
            findings.append(Finding("fonts-embedded", f"lettertype {label} is niet ingebed"))
        if "/ToUnicode" not in font:
            findings.append(Finding("tounicode", f"lettertype {label} heeft geen ToUnicode"))
    return findings


def _font_dicts(resources: object,
                seen: set[ObjectKey | None] | None = None) -> list[tuple[str, object]]:
    """(resource name, font dict) for the fonts in `resources` and in any Form XObject in it."""
    seen = set() if seen is None else seen
    fonts = items_of(get(resources, "/Font", {}))
    for xobj in values_of(get(resources, "/XObject", {})):
        key = object_key(xobj) if is_dict(xobj) else None
        if get(xobj, "/Subtype") != "/Form" or key in seen:
            continue
        seen.add(key)
        fonts += _font_dicts(get(xobj, "/Resources"), seen)
    return fonts


def _embedded(font: object) -> bool:
    if get(font, "/Subtype") == "/Type0":
        kids = as_list(get(font, "/DescendantFonts"))
        return bool(kids) and all(_embedded(k) for k in kids)
    desc = get(font, "/FontDescriptor")
    return is_dict(desc) and any(k in desc for k in _FONT_FILES)
