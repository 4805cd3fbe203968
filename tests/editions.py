"""A small built edition of the sample for the bundle and preview tests, built once per test run
(shared by the xdist workers through a file lock) and copied by each test module that changes it.

It has both subjects at every level for all 12 provinces, and one to three libraries per POI with
their school pages: 2 national, 24 provincial, 26 local and 31 school pages (83 in all; about
3 s). Rijnbrink has libraries in both its provinces; bib-0026 has no VO location (a plain page).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from infographics.edition.build import build_edition
from infographics.edition.plan import plan
from infographics.levels import PAGE_LEVELS, SUBJECTS

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
YEAR = "2020-2021"  # the sample's calibrated year (the sample may hold more)
PROVINCES = [f"PV{n}" for n in range(20, 32)]
LIBRARIES = ["bib-0002", "bib-0009", "bib-0013", "bib-0018", "bib-0029", "bib-0026", "bib-0049",
             "bib-0060", "bib-0081", "bib-0110", "bib-0112", "bib-0135", "bib-0019"]


def shared_folder(factory: pytest.TempPathFactory, name: str,
                  make: Callable[[Path], None]) -> Path:
    """The folder `name` in this test run's shared temp root, made once by `make(folder)` for
    all xdist workers (a file lock keeps the others waiting; the folder appears whole, by a
    rename, or not at all). Tests must not change it: copy it first."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    target = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "manifest.csv").exists():
            building = root / f"{name}.tmp"
            shutil.rmtree(building, ignore_errors=True)
            make(building)
            building.rename(target)
    return target


def small_edition(tmp_path_factory: pytest.TempPathFactory, ctx) -> Path:
    """The folder of the small edition (build it if this run has not yet); do not change it."""

    def make(building: Path) -> None:
        jobs = plan(ctx.figures, SUBJECTS, PAGE_LEVELS, only=["NL", *PROVINCES, *LIBRARIES],
                    years=[YEAR])
        result = build_edition(jobs, SAMPLE, building, ctx=ctx, check=False)
        assert not result.failed, result.failed

    return shared_folder(tmp_path_factory, "small-edition", make)


def copy_edition(tmp_path_factory: pytest.TempPathFactory, ctx, name: str) -> Path:
    """A private copy of the small edition, to bundle or preview."""
    out = tmp_path_factory.mktemp(name) / "out"
    shutil.copytree(small_edition(tmp_path_factory, ctx), out)
    return out
