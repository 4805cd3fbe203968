"""The public API: every name in __all__ resolves, from the module that defines it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import infographics

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_all_lists_exactly_the_api():
    assert set(infographics.__all__) == {"__version__", *infographics._API}


def test_every_public_name_resolves():
    for name in infographics.__all__:
        assert getattr(infographics, name) is not None, name
    assert infographics.__version__.count(".") == 2


def test_importing_the_package_loads_no_heavy_library():
    code = ("import sys, infographics; "
            "print(sorted(m for m in ('pandas', 'reportlab', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_readme_example_runs(tmp_path):
    ctx = infographics.load_context(SAMPLE)
    jobs = infographics.plan(ctx.figures, ["po"], ["national"])
    result = infographics.build_edition(jobs, SAMPLE, tmp_path, ctx=ctx)
    assert len(result.built) == 1
    assert infographics.verify_pdf(tmp_path / result.built[0].job.path) == []
