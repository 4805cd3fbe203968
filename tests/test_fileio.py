"""fileio: files appear whole or not at all; zips are the same bytes for the same members."""

from __future__ import annotations

import errno
import io
import os
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infographics import fileio
from infographics.fileio import ZIP_DATE, atomic_text, atomic_write, reproducible_zip


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "manifest.csv"
    atomic_write(target, "oud\n")
    atomic_write(target, b"nieuw\n")
    assert target.read_bytes() == b"nieuw\n"
    assert os.listdir(target.parent) == ["manifest.csv"]


def test_a_full_disk_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "pagina.pdf"
    atomic_write(target, b"oud")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"nieuw")
    assert target.read_bytes() == b"oud"
    assert os.listdir(tmp_path) == ["pagina.pdf"]


def test_an_error_inside_atomic_text_keeps_the_old_file(tmp_path):
    target = tmp_path / "failures.csv"
    atomic_write(target, "a,b\n")

    def write_half() -> None:
        with atomic_text(target) as fh:
            fh.write("half")
            raise RuntimeError("gestopt")

    with pytest.raises(RuntimeError, match="gestopt"):
        write_half()
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert os.listdir(tmp_path) == ["failures.csv"]


def test_atomic_text_writes_utf8_without_newline_translation(tmp_path):
    target = tmp_path / "t.csv"
    with atomic_text(target) as fh:
        fh.write("Súdwest-Fryslân\r\n")
    assert target.read_bytes() == "Súdwest-Fryslân\r\n".encode()


def test_two_writers_never_share_a_temporary_name(tmp_path, monkeypatch):
    seen: list[str] = []
    real = fileio.os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(os.path.basename(src))
        real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", spy)
    atomic_write(tmp_path / "x", b"1")
    atomic_write(tmp_path / "x", b"2")
    assert len(set(seen)) == 2


members = st.lists(st.tuples(st.text("abcdefghij/._-", min_size=1, max_size=12),
                             st.binary(max_size=200)), max_size=6,
                   unique_by=lambda member: member[0])


@given(members)
def test_reproducible_zip_is_deterministic_and_keeps_order_and_content(files):
    data = reproducible_zip(files)
    assert data == reproducible_zip(list(files))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert [i.filename for i in zf.infolist()] == [name for name, _ in files]
        for info, (name, content) in zip(zf.infolist(), files, strict=True):
            assert info.date_time == ZIP_DATE
            assert zf.read(name) == content


def test_slug_keeps_readable_names_and_never_makes_a_path():
    assert fileio.slug("Bibliotheek Fryslân-Zuid") == "bibliotheek-fryslan-zuid"
    assert fileio.slug("../../../../tmp/x") == "tmp-x"
    assert fileio.slug("a" * 300) == "a" * fileio.SLUG_MAX


def test_slug_of_a_name_with_nothing_to_keep_is_unique_and_not_empty():
    one, other = fileio.slug("北京"), fileio.slug("東京")
    assert one.startswith("x-")
    assert one != other


@given(st.text(max_size=300))
def test_slug_is_always_a_safe_single_name(text):
    name = fileio.slug(text)
    assert 0 < len(name) <= fileio.SLUG_MAX
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in name)
    assert name not in (".", "..")


def test_inside_refuses_paths_that_leave_the_folder(tmp_path):
    assert fileio.inside(tmp_path, "bundels/a.zip") == tmp_path / "bundels/a.zip"
    for bad in ("../x", "bundels/../../x", "/etc/passwd"):
        with pytest.raises(fileio.OutsideFolder, match="buiten de map"):
            fileio.inside(tmp_path, bad)
    (tmp_path / "link").symlink_to("/tmp")
    with pytest.raises(fileio.OutsideFolder):
        fileio.inside(tmp_path, "link/x")
