"""Resources that run out (issue 12, items 4 and 7): a full disk and a read-only folder while a
page, a bundle or a thumbnail is written. That item fails with a Dutch message naming its file,
everything written before stays (and is listed in the manifest, with its sha256), no file is
half written, and the next run, with room again, completes the edition.

Two ways to run out:
- for real: a small tmpfs (`mount -t tmpfs -o size=...`, later remounted larger) and a
  read-only bind mount over a folder of the edition. These need the right to mount (root in a
  container that allows it) and are skipped with the reason otherwise. (Running as root, chmod
  would not stop a write, so a read-only mount it is.)
- injected, always: `fileio`'s final step raises ENOSPC or EROFS for chosen files, in this
  process (`--jobs 1`).
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from faults.kit import MINI, manifest_problems, run_cli, thumbnail_problems, torn_files

from infographics import fileio
from infographics.cli import main
from infographics.edition.manifest import read_manifest

BUILD = ["build", "--data", MINI, "--subject", "all", "--level", "all", "--year", "all",
         "--no-progress"]


def build_args(out: Path, *extra: str | Path) -> list[str | Path]:
    return [*BUILD, "--out", out, *extra]


def completes(out: Path, args: list[str | Path]) -> None:
    """The next run, with room again, succeeds; the edition verifies and the manifest lists
    exactly the files on disk."""
    again = run_cli(args)
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert run_cli(["verify", out]).returncode == 0
    assert manifest_problems(out) == []


def kept_whole(out: Path) -> None:
    """Right after running out: no half file, no row without its file."""
    assert torn_files(out) == []
    listed = read_manifest(out)
    assert all((out / p).is_file() for p in listed)


# --- real file systems ------------------------------------------------------------------------


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount is niet toegestaan hier: {done.stderr.strip()}")


def _unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Callable[[str], Path]]:
    """`small_disk("1m")`: a tmpfs of that size (again: remount at the new size)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = []

    def size(text: str) -> Path:
        if mounted:
            _mount("-o", f"remount,size={text}", str(mount))
        else:
            _mount("-t", "tmpfs", "-o", f"size={text}", "tmpfs", str(mount))
            mounted.append(mount)
        return mount

    yield size
    for m in mounted:
        _unmount(m)


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """`read_only(folder)`: the folder becomes read-only (a read-only bind mount on itself)
    until the test ends or `read_only.undo()`."""
    mounted: list[Path] = []

    def make(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        _mount("--bind", str(folder), str(folder))
        mounted.append(folder)
        _mount("-o", "remount,bind,ro", str(folder))

    def undo() -> None:
        while mounted:
            _unmount(mounted.pop())

    make.undo = undo  # type: ignore[attr-defined]
    yield make
    undo()


def test_a_build_on_a_full_disk_fails_the_pages_that_do_not_fit_and_the_next_completes(
        small_disk):
    out = small_disk("1m") / "out"
    run = run_cli(build_args(out, "--jobs", "2"))
    assert run.returncode != 0
    assert "niet geschreven: de schijf is vol" in run.stderr + run.stdout
    assert any(f"MISLUKT {p}" in run.stderr for p in _page_paths(run.stderr)), run.stderr
    assert "Traceback" not in run.stderr
    kept_whole(out)
    small_disk("32m")
    completes(out, build_args(out, "--jobs", "2", "--bundle"))


def test_bundles_on_a_full_disk_fail_one_by_one_naming_the_file(small_disk):
    out = small_disk("5m") / "out"
    assert run_cli(build_args(out, "--jobs", "2", "--no-verify")).returncode == 0
    run = run_cli(["bundle", "--data", MINI, "--out", out])
    assert run.returncode == 2, run.stdout
    assert "bundels/" in run.stderr
    assert "niet geschreven: de schijf is vol" in run.stderr
    assert "Traceback" not in run.stderr
    kept_whole(out)
    assert [e for e in read_manifest(out).values() if e.level == "bundle"]  # some were made
    small_disk("32m")
    completes(out, ["bundle", "--data", MINI, "--out", out])


def test_thumbnails_on_a_full_disk_are_warnings_naming_the_file(small_disk):
    disk = small_disk("16m")
    out = disk / "out"
    assert run_cli(build_args(out, "--jobs", "2", "--no-verify")).returncode == 0
    filler = disk / "vulling"
    _fill(filler, leave=120_000)
    run = run_cli(["preview", "--data", MINI, "--out", out, "--jobs", "1"])
    assert run.returncode != 0
    assert "niet geschreven: de schijf is vol" in run.stderr
    assert "preview/" in run.stderr
    assert "Traceback" not in run.stderr
    assert fileio_leftovers(out) == []
    filler.unlink()
    again = run_cli(["preview", "--data", MINI, "--out", out, "--jobs", "1"])
    assert again.returncode == 0, again.stderr
    assert thumbnail_problems(out) == []


def test_a_read_only_folder_fails_its_pages_and_the_next_run_completes(tmp_path, read_only):
    out = tmp_path / "out"
    read_only(out / "vo")
    run = run_cli(build_args(out, "--jobs", "2"))
    assert run.returncode == 1, run.stderr
    assert "vo/" in run.stderr
    assert "niet geschreven: de map is alleen-lezen" in run.stderr
    listed = read_manifest(out)
    assert listed
    assert all(p.startswith("po/") for p in listed)
    kept_whole(out)
    read_only.undo()
    completes(out, build_args(out, "--jobs", "2", "--bundle"))


def test_a_read_only_bundle_folder_and_thumbnail_folder(tmp_path, read_only):
    out = tmp_path / "out"
    assert run_cli(build_args(out, "--jobs", "2", "--no-verify")).returncode == 0
    read_only(out / "bundels")
    read_only(out / "preview" / "vo")
    bundle = run_cli(["bundle", "--data", MINI, "--out", out])
    assert bundle.returncode == 2
    assert "bundels/2020-2021/rijnbrink-2020-2021.zip niet geschreven: de map is alleen-lezen" \
        in bundle.stderr
    preview = run_cli(["preview", "--data", MINI, "--out", out, "--jobs", "1"])
    assert preview.returncode == 1
    assert "preview/vo/" in preview.stderr
    assert "alleen-lezen" in preview.stderr
    assert (out / "preview" / "index.html").is_file()
    kept_whole(out)
    read_only.undo()
    completes(out, ["bundle", "--data", MINI, "--out", out])
    assert run_cli(["preview", "--data", MINI, "--out", out, "--jobs", "1"]).returncode == 0
    assert thumbnail_problems(out) == []


def _page_paths(text: str) -> list[str]:
    return [w.rstrip(":") for w in text.split() if w.endswith(".pdf:")]


def _fill(path: Path, leave: int) -> None:
    """Fill the file system of `path` until `leave` bytes are free."""
    free = shutil.disk_usage(path.parent).free
    with path.open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


def fileio_leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob(".*.tmp")]


# --- injected ---------------------------------------------------------------------------------


@pytest.fixture
def inject(monkeypatch) -> Callable[[int, Callable[[Path], bool]], None]:
    """`inject(errno.ENOSPC, lambda target: ...)`: writing a file for which the test says True
    fails as a full disk (or a read-only folder) would, at the last step."""

    def failing(code: int, when: Callable[[Path], bool]) -> None:
        commit = fileio._commit

        def broken(fh, tmp: Path, target: Path) -> None:
            if when(Path(target)):
                raise OSError(code, "injected", str(tmp))
            commit(fh, tmp, target)

        monkeypatch.setattr(fileio, "_commit", broken)

    return failing


def test_injected_full_disk_for_the_vo_pages(tmp_path, inject, capsys):
    out = tmp_path / "out"
    inject(errno.ENOSPC, lambda t: "/vo/" in t.as_posix())
    assert main([str(a) for a in build_args(out, "--jobs", "1")]) == 1
    err = capsys.readouterr().err
    assert "niet geschreven: de schijf is vol" in err
    assert "MISLUKT vo/landelijk/vo-2020-2021-nederland.pdf: niet geschreven: de schijf is vol" \
        in err
    assert {p.split("/")[0] for p in read_manifest(out)} == {"po"}
    kept_whole(out)
    assert fileio_leftovers(out) == []


def test_injected_full_disk_for_the_manifest_stops_with_its_name(tmp_path, inject, capsys):
    out = tmp_path / "out"
    inject(errno.ENOSPC, lambda t: t.name == "manifest.csv")
    assert main([str(a) for a in build_args(out, "--jobs", "1")]) == 2
    err = capsys.readouterr().err
    assert f"Fout: {out / 'manifest.csv'} niet geschreven: de schijf is vol" in err
    assert not (out / "manifest.csv").exists()
    assert fileio_leftovers(out) == []
    kept_whole(out)


def test_injected_read_only_bundle_and_thumbnail(tmp_path, inject, capsys):
    out = tmp_path / "out"
    assert main([str(a) for a in build_args(out, "--jobs", "1", "--no-verify")]) == 0
    inject(errno.EROFS, lambda t: t.name.startswith("probiblio-2020-2021")
           or t.name == "po-2020-2021-nederland.png")
    assert main(["bundle", "--data", str(MINI), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "probiblio-2020-2021.zip niet geschreven: de map is alleen-lezen" in err
    assert {e.entity_id for e in read_manifest(out).values() if e.level == "bundle"} == {
        "rijnbrink", "probiblio"}  # 2019-2020 for both, 2020-2021 for rijnbrink
    assert main(["preview", "--data", str(MINI), "--out", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "preview/po/landelijk/po-2020-2021-nederland.png niet geschreven: de map is " \
           "alleen-lezen" in err
    kept_whole(out)


def test_a_read_only_edition_is_refused_at_once_by_every_writer(tmp_path, read_only):
    """Nothing can be written at all: each writing command stops before it starts, naming the
    folder; reading commands (verify) still work."""
    out = tmp_path / "out"
    assert run_cli(build_args(out, "--jobs", "1", "--no-verify", "--bundle")).returncode == 0
    before = manifest_problems(out)
    read_only(out)
    for args in (build_args(out, "--jobs", "2", "--force"),
                 ["bundle", "--data", MINI, "--out", out],
                 ["preview", "--data", MINI, "--out", out],
                 ["send", "--data", MINI, "--out", out]):
        run = run_cli(args)
        assert run.returncode == 2, (args[0], run.stderr)
        assert f"Fout: {out}: de map kan niet worden beschreven (de map is alleen-lezen)" \
            in run.stderr, run.stderr
    assert run_cli(["verify", out]).returncode == 0
    assert manifest_problems(out) == before == []
