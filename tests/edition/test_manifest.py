"""manifest: the record of every file; a path in it never leads outside the output folder."""

from __future__ import annotations

import pytest

from infographics.edition.manifest import COLUMNS, NAME, Entry, read_manifest, update_manifest
from infographics.errors import InfographicsError


def entry(path: str) -> Entry:
    return Entry("2020-2021", "po", "national", "NL", "Nederland", "", path, "0" * 64, 1)


def test_round_trip_sorted_by_path(tmp_path):
    update_manifest(tmp_path, [entry("po/b.pdf"), entry("po/a.pdf")])
    assert list(read_manifest(tmp_path)) == ["po/a.pdf", "po/b.pdf"]
    lines = (tmp_path / NAME).read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)


@pytest.mark.parametrize("path", ["../buiten.pdf", "po/../../buiten.pdf", "/etc/passwd",
                                  "po\\..\\x.pdf", "", "po//x.pdf", ".verborgen/x.pdf",
                                  "po/x\n.pdf"])
def test_a_path_outside_the_output_folder_is_refused_with_its_line(tmp_path, path):
    update_manifest(tmp_path, [entry("po/a.pdf")])
    with (tmp_path / NAME).open("a", encoding="utf-8", newline="") as fh:
        fh.write(f'2020-2021,po,national,NL,Nederland,,"{path}",{"0" * 64},1,\n')
    outside = r"regel [34]: pad .* ligt niet binnen de uitvoermap"
    with pytest.raises(InfographicsError, match=outside):
        read_manifest(tmp_path)
