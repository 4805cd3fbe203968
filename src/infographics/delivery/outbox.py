"""Outbox: the files of a dry run (the .eml mails and overzicht.csv) into the outbox folder,
which is replaced whole, so a run that stops at any moment leaves the old outbox or the new one.

A dry run writes into a new folder next to the outbox (`.<name>.nieuw`), then swaps it in: the
old outbox is renamed aside (`.<name>.oud`), the new one renamed into its place, the old one
removed. The next run puts back an old outbox that a run stopped between those two renames left
aside, and removes what else is left over. A folder holding anything but what a dry run writes
is never replaced (`--outbox` may point at a folder that is not ours): that is an error before
anything is written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from infographics.errors import InfographicsError
from infographics.fileio import fsync_folder
from infographics.numbers import count

OVERVIEW = "overzicht.csv"


def _aside(outbox: Path, what: str) -> Path:
    return outbox.with_name(f".{outbox.name}.{what}")


def ours(path: Path) -> bool:
    """Whether `path` in an outbox is something a dry run writes: a mail, the overview, or a
    temporary file of `fileio.atomic_write` left by a run that stopped."""
    name = path.name
    return path.is_file() and not path.is_symlink() and (
        name.endswith(".eml") or name == OVERVIEW
        or (name.startswith(".") and name.endswith(".tmp")))


def check_replaceable(outbox: Path) -> None:
    """InfographicsError when `outbox` exists and is not a folder of dry-run files only."""
    if not outbox.exists() and not outbox.is_symlink():
        return
    if outbox.is_symlink() or not outbox.is_dir():
        raise InfographicsError(f"{outbox}: geen map; kies met --outbox een map voor de "
                                "proefrun")
    foreign = sorted(p.name for p in outbox.iterdir() if not ours(p))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise InfographicsError(
            f"{outbox}: bevat {count(len(foreign), 'ander bestand', 'andere bestanden')} dan "
            f"een proefrun schrijft ({shown}); een proefrun vervangt de hele map: kies met "
            "--outbox een eigen map")


def _recover(outbox: Path) -> None:
    """What a stopped run left: an old outbox set aside is put back (the run stopped between
    the renames), a half-written new one and a set-aside old one next to a new outbox go."""
    old, new = _aside(outbox, "oud"), _aside(outbox, "nieuw")
    if old.is_dir() and not outbox.exists():
        old.rename(outbox)
    for leftover in (new, old):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)


@contextlib.contextmanager
def replacing(outbox: Path) -> Iterator[Path]:
    """The folder to write the new outbox into; swapped in for `outbox` when the block ends
    without an error (after an error the old outbox stays as it was)."""
    outbox = Path(os.path.abspath(outbox))
    _recover(outbox)
    check_replaceable(outbox)
    new = _aside(outbox, "nieuw")
    new.mkdir(parents=True)
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    old = _aside(outbox, "oud")
    if outbox.exists():
        outbox.rename(old)
    new.rename(outbox)
    fsync_folder(outbox.parent)
    shutil.rmtree(old, ignore_errors=True)

