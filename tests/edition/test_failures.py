"""failures.csv: the one reader and writer, for the build and the review sheet; a file from
before 0.2.0 (subject column named `theme`) is read too, and an unknown manifest value is named."""

from __future__ import annotations

import pytest

from infographics.edition.failures import Failure, read_failures, write_failures
from infographics.edition.manifest import read_manifest
from infographics.errors import InfographicsError

ROW = Failure("2020-2021", "po", "library", "bib-0001", "Bibliotheek Hunzedal",
              "blok 'header': tekst past niet")


def test_written_rows_read_back(tmp_path):
    write_failures(tmp_path, [ROW, ROW])
    assert read_failures(tmp_path) == [ROW, ROW]
    assert (tmp_path / "failures.csv").read_bytes().startswith(
        b"school_year,subject,level,entity_id,entity_name,reason\r\n")
    assert not list(tmp_path.glob("*.tmp"))


def test_no_file_no_failures(tmp_path):
    assert read_failures(tmp_path) == []


def test_an_old_file_with_a_theme_column_is_read(tmp_path):
    (tmp_path / "failures.csv").write_text(
        "school_year,theme,level,entity_id,entity_name,reason\r\n"
        "2020-2021,po,library,bib-0001,Bibliotheek Hunzedal,blok 'header': tekst past niet\r\n",
        encoding="utf-8")
    assert read_failures(tmp_path) == [ROW]


def test_a_short_row_is_read_with_empty_values(tmp_path):
    (tmp_path / "failures.csv").write_text(
        "school_year,subject,level,entity_id,entity_name,reason\r\n2020-2021,vo,school\r\n",
        encoding="utf-8")
    assert read_failures(tmp_path) == [Failure("2020-2021", "vo", "school", "", "", "")]


def test_a_manifest_row_with_an_unknown_level_is_named(tmp_path):
    (tmp_path / "manifest.csv").write_text(
        "school_year,subject,level,entity_id,entity_name,library_id,path,sha256,pages,inputs\r\n"
        "2020-2021,po,gemeente,G1,Gemeente,,po/g.pdf,00,1,\r\n", encoding="utf-8")
    with pytest.raises(InfographicsError, match=r"regel 2: onbekend niveau 'gemeente'"):
        read_manifest(tmp_path)
