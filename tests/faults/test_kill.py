"""Killed at any moment (issue 12, items 1-3 and 7): `build` (2 worker processes, also with
`--bundle`), `bundle`, `preview` and the dry run of `send` into the edition's outbox, each run as
a subprocess of its own session and killed with SIGKILL at fixed moments. After each kill:

- no process of the run is alive 10 s later (its workers die with it);
- the next run of the same command succeeds (no stale lock, nothing half written in its way);
- `infographics verify` passes on the edition and the manifest lists exactly the files on disk,
  each with its sha256; no temporary file is left.

The edition is the 36 pages of tests/fixtures/mini (about 2 s to build); the moments are
counted in files that have appeared, so they do not depend on the machine's speed.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from editions import SAMPLE, copy_edition
from faults.kit import (
    MINI,
    Moment,
    describe,
    manifest_problems,
    run_cli,
    run_killed,
    survivors,
    thumbnail_problems,
    torn_files,
    unbundle,
)

BUILD = ["build", "--data", MINI, "--subject", "all", "--level", "all", "--year", "all",
         "--jobs", "2", "--no-progress"]
PAGES = 36
BUNDLE_FILES = 8


def build_args(out: Path, *extra: str) -> list[str | Path]:
    return [*BUILD, "--out", out, *extra]


def after_kill(run, out: Path, again: list[str | Path], ok: tuple[int, ...] = (0,)) -> None:
    """The checks every kill is followed by: nothing left running; right after the kill no
    manifest row without its file and every file whole; the next run succeeds, verify passes
    and the manifest agrees exactly with the disk."""
    left = survivors(run)
    assert not left, f"still running 10 s after the kill: {describe(left)}"
    assert torn_files(out) == []
    second = run_cli(again)
    assert second.returncode in ok, (second.stdout, second.stderr)
    checked = run_cli(["verify", out])
    assert checked.returncode == 0, checked.stdout
    assert manifest_problems(out) == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The mini edition built and bundled once (copied by the tests that kill bundle, preview
    and send)."""
    out = tmp_path_factory.mktemp("built") / "out"
    run = run_cli(build_args(out, "--bundle"))
    assert run.returncode == 0, run.stderr
    return out


def copy(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out


BUILD_MOMENTS = [
    Moment("while loading, before any page", delay=0.3),
    Moment("after the 1st page", files=1),
    Moment("after 20 pages", files=20),
    Moment("after the last page", files=PAGES),
]


@pytest.mark.parametrize("moment", BUILD_MOMENTS, ids=str)
def test_a_build_killed_at_any_moment_leaves_nothing_running_and_the_next_completes(
        moment, tmp_path):
    out = tmp_path / "out"
    run = run_killed(build_args(out), out, moment)
    after_kill(run, out, build_args(out, "--bundle"))


def edited_mini(target: Path) -> Path:
    """The mini data with a library renamed (its pages get new file names, the old ones must
    go) and a figure changed (its province and the country change too)."""
    shutil.copytree(MINI, target)
    path = target / "libraries.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Bibliotheek Arnhem", "Bibliotheek Arnhem Centraal")
    text = text.replace("2020-2021,bib-c,Bibliotheek Zwolle,PV23,120.000,Ja,60,50,",
                        "2020-2021,bib-c,Bibliotheek Zwolle,PV23,120.000,Ja,60,45,")
    path.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("files", [6], ids=lambda n: f"after {n} rebuilt pages")
def test_a_rebuild_after_a_change_killed_halfway(built, tmp_path, files):
    """Pages replaced, renamed and removed by a rebuild: right after the kill no row lists a
    file that is not there; the next run leaves the manifest exactly as the disk."""
    out = copy(built, tmp_path)
    data = edited_mini(tmp_path / "data")
    args = [*build_args(out, "--bundle"), "--data", data]
    run = run_killed(args, out, Moment(f"after {files} rebuilt pages", files=files))
    assert run.killed
    after_kill(run, out, args)
    paths = [p.relative_to(out).as_posix() for p in out.rglob("*.pdf")]
    assert not [p for p in paths if re.search(r"bibliotheek-arnhem(?!-centraal)", p)]
    assert len([p for p in paths if p.endswith("bibliotheek-arnhem-centraal.pdf")]) == 4


def test_build_with_bundle_killed_while_bundling(tmp_path):
    out = tmp_path / "out"
    moment = Moment("after 3 bundle files", files=3, pattern="bundels/*/*.*")
    run = run_killed(build_args(out, "--bundle"), out, moment)
    assert run.killed
    after_kill(run, out, build_args(out, "--bundle"))


@pytest.mark.parametrize("files", [1, 5], ids=lambda n: f"after {n} bundle files")
def test_bundle_killed_at_any_moment(built, tmp_path, files):
    out = copy(built, tmp_path)
    unbundle(out)
    bundle = ["bundle", "--data", MINI, "--out", out]
    run = run_killed(bundle, out, Moment(f"after {files}", files=files, pattern="bundels/*/*.*"))
    after_kill(run, out, bundle)
    assert len(list((out / "bundels").glob("*/*.*"))) == BUNDLE_FILES


@pytest.mark.parametrize("files", [1, 20], ids=lambda n: f"after {n} thumbnails")
def test_preview_killed_at_any_moment(built, tmp_path, files):
    out = copy(built, tmp_path)
    preview = ["preview", "--data", MINI, "--out", out, "--jobs", "2"]
    run = run_killed(preview, out, Moment(f"after {files}", files=files,
                                          pattern="preview/**/*.png"))
    after_kill(run, out, preview)
    assert thumbnail_problems(out) == []
    assert (out / "preview" / "index.html").is_file()


def test_preview_on_two_workers_killed_leaves_no_worker(tmp_path_factory, ctx):
    """40 thumbnails or more are drawn on a pool (the small sample edition: 83 pages)."""
    out = copy_edition(tmp_path_factory, ctx, "preview-pool")
    preview = ["preview", "--data", SAMPLE, "--out", out, "--jobs", "2"]
    run = run_killed(preview, out, Moment("after 20", files=20, pattern="preview/**/*.png"))
    assert run.killed
    assert len(run.seen) >= 3, run.seen  # the command and its two workers
    after_kill(run, out, preview)
    assert thumbnail_problems(out) == []


@pytest.mark.parametrize("files", [1, 4], ids=lambda n: f"after {n} mails")
def test_a_dry_run_into_the_outbox_killed_at_any_moment(built, tmp_path, files):
    out = copy(built, tmp_path)
    send = ["send", "--data", MINI, "--out", out]
    moment = Moment(f"after {files}", files=files, pattern=".outbox.nieuw/*.eml")
    run = run_killed(send, out, moment)
    after_kill(run, out, send)
    with (out / "outbox" / "overzicht.csv").open(encoding="utf-8", newline="") as fh:
        listed = {row["bestand"] for row in csv.DictReader(fh)}
    assert listed == {p.name for p in (out / "outbox").glob("*.eml")}
    assert len(listed) == 8
