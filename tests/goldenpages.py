"""Golden pages: a freshly rendered page against its reference files in tests/golden (the PDF
and a grayscale PNG of it at 72 dpi). The text must be exactly the reference's; the picture is
compared as rst2pdf compares its reference renderings: both images averaged over cells of CELL x
CELL pixels, and no cell may differ more than TOLERANCE grey levels (of 255), which a renderer
or font version stays far below and a moved block, missing tile or changed chart does not.
With `pytest --regen-golden` the reference files are written instead (look at them first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

GOLDEN = Path(__file__).parent / "golden"
CELL = 16
TOLERANCE = 20.0


def cells(img: Image.Image, size: int = CELL) -> np.ndarray:
    """The image's mean grey level per size x size cell."""
    a = np.asarray(img, dtype=float)
    h, w = a.shape[0] // size * size, a.shape[1] // size * size
    return a[:h, :w].reshape(h // size, size, w // size, size).mean(axis=(1, 3))


def check_golden(name: str, data: bytes, pdf: Any, regen: bool, tmp_path: Path) -> None:
    """`data` (a page's PDF) against tests/golden/`name`.pdf|.png; `pdf` is the conftest's PDF
    tools fixture. On a difference the new rendering is saved in `tmp_path` and named."""
    picture = Image.fromarray(pdf.gray(data), mode="L")
    ref_pdf, ref_png = GOLDEN / f"{name}.pdf", GOLDEN / f"{name}.png"
    if regen:
        GOLDEN.mkdir(exist_ok=True)
        ref_pdf.write_bytes(data)
        picture.save(ref_png, optimize=True)
        pytest.skip(f"golden files rewritten: {ref_pdf.name}, {ref_png.name}")
    assert ref_pdf.exists(), "no golden files: run pytest --regen-golden"
    assert ref_png.exists(), "no golden files: run pytest --regen-golden"
    assert pdf.text(data) == pdf.text(ref_pdf.read_bytes())
    reference = Image.open(ref_png).convert("L")
    assert picture.size == reference.size
    diff = np.abs(cells(picture) - cells(reference))
    if diff.max() > TOLERANCE:
        actual = tmp_path / f"{name}.actual.png"
        picture.save(actual)
        row, col = np.unravel_index(diff.argmax(), diff.shape)
        pytest.fail(f"{name}: rendering differs from {ref_png.name} by {diff.max():.1f} grey "
                    f"levels near pixel x={col * CELL}, y={row * CELL} (tolerance {TOLERANCE}); "
                    f"{int((diff > TOLERANCE).sum())} cells differ; new rendering: {actual}")
