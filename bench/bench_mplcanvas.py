"""Time one comparison bar chart: building it, drawing it on a ReportLab canvas, saving it.

Run: /tmp/venv0/bin/python bench/bench_mplcanvas.py [runs]
Prints the median over `runs` (default 30) in milliseconds. Every run builds a fresh figure,
so nothing is drawn twice; savefig to SVG and PDF (TrueType fonts) are there for reference.
"""

from __future__ import annotations

import io
import logging
import statistics
import sys
import time
from collections.abc import Callable

import matplotlib
from matplotlib.figure import Figure
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from infographics.page import fonts
from infographics.page.mplcanvas import draw_figure

LABELS = ["Bibliotheek Zuidrand", "Provincie Utrecht", "Vergelijkbare gemeenten", "Nederland"]
VALUES = [64, 71, 69, 78]
STYLE = {"font.family": "Lato", "font.size": 9, "pdf.fonttype": 42}


def build() -> Figure:
    """A horizontal comparison bar chart of four bars with value labels."""
    fig = Figure(figsize=(3.5, 1.6))
    ax = fig.add_axes((0.4, 0.05, 0.52, 0.9))
    bars = ax.barh(LABELS, VALUES, color=["#e4007d", "#9b9b9b", "#9b9b9b", "#5a5a5a"])
    ax.bar_label(bars, labels=[f"{v}%" for v in VALUES], padding=3, fontweight="bold")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def on_canvas(fig: Figure) -> None:
    draw_figure(Canvas(io.BytesIO(), pagesize=A4, initialFontName="Lato"), fig, 50, 600)


def to_svg(fig: Figure) -> None:
    fig.savefig(io.BytesIO(), format="svg")


def to_pdf(fig: Figure) -> None:
    fig.savefig(io.BytesIO(), format="pdf")


def median_ms(step: Callable[[Figure], None] | None, runs: int) -> float:
    """Median time of `step` on a freshly built figure (or of building, if step is None)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fig = build()
        if step is not None:
            start = time.perf_counter()
            step(fig)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(runs: int = 30) -> None:
    fonts.register()
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # savefig PDF: Lato's head date
    with matplotlib.rc_context(STYLE):
        on_canvas(build())  # warm caches (fonts, metrics) once, as a real run would
        rows = [
            ("(a) build Figure", median_ms(None, runs)),
            ("(b) draw_figure on canvas", median_ms(on_canvas, runs)),
            ("(c) savefig SVG", median_ms(to_svg, runs)),
            ("(c) savefig PDF, TrueType", median_ms(to_pdf, runs)),
        ]
    print(f"one 4-bar chart, median of {runs} runs")
    print(f"{'step':<28}{'ms':>8}")
    for name, ms in rows:
        print(f"{name:<28}{ms:>8.2f}")
    print(f"{'(a)+(b) chart on page':<28}{rows[0][1] + rows[1][1]:>8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
