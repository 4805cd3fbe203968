"""resources: packaged layouts, fonts and templates, an analyst's own layouts first."""

from __future__ import annotations

import hashlib
from pathlib import Path

from infographics import resources
from infographics.resources import (
    FONTS,
    LAYOUTS,
    PROVINCES_GEOJSON,
    TEMPLATES,
    layout_file,
    shown,
)


def test_packaged_resources_are_inside_the_package():
    package = Path(resources.__file__).parent
    for folder in (LAYOUTS, FONTS, TEMPLATES):
        assert folder.is_dir()
        assert folder.is_relative_to(package)
    assert (LAYOUTS / "po-lokaal.yaml").is_file()
    assert (FONTS / "OFL.txt").is_file()  # the fonts' licence travels with them
    assert (TEMPLATES / "mail" / "subject.j2").is_file()


def test_an_analysts_layout_comes_first_and_the_rest_from_the_package(tmp_path):
    own = tmp_path / "po-lokaal.yaml"
    own.write_text("extends: po-base.yaml\n", encoding="utf-8")
    assert layout_file("po-lokaal.yaml", tmp_path) == own
    assert layout_file("po-landelijk.yaml", tmp_path) == LAYOUTS / "po-landelijk.yaml"
    assert layout_file("po-lokaal.yaml") == LAYOUTS / "po-lokaal.yaml"


def test_shown_names_packaged_files_briefly_and_others_relative_or_in_full(tmp_path,
                                                                            monkeypatch):
    assert shown(LAYOUTS / "po-lokaal.yaml") == "layouts/po-lokaal.yaml"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mijn").mkdir()
    assert shown(tmp_path / "mijn" / "a.yaml") == "mijn/a.yaml"
    elsewhere = Path("/nergens/b.yaml")
    assert shown(elsewhere) == str(elsewhere)


def test_the_map_boundaries_ship_with_their_source_and_licence():
    """The province boundaries (CBS/PDOK, CC BY 4.0) are inside the package, next to a note
    saying where they come from, under which licence and with which sha256, which they have."""
    assert PROVINCES_GEOJSON.is_file()
    assert PROVINCES_GEOJSON.is_relative_to(Path(resources.__file__).parent)
    note = (PROVINCES_GEOJSON.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note
    assert "Kaartgrenzen: CBS/Kadaster (PDOK)" in note
    digest = hashlib.sha256(PROVINCES_GEOJSON.read_bytes()).hexdigest()
    assert f"`{digest}`" in note
