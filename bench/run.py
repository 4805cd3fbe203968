"""Benchmarks: wall-clock figures for loading, measuring and building pages (`make bench`).

Prints a table: load + validate + measure of the sample (median), ms per page (median) by page
kind on one core and where a local PO page's time goes (resolve, draw_page); results also go to
bench/results/latest.txt. Then runs bench_accessibility.py (tagging and verification overhead)
and, without --quick, bench_bulk.py (full edition on 1 and 2 processes, unchanged and
incremental rebuilds, synthetic editions up to 6.000 pages) and bench_send.py (a full dry
run of send). Bundles and the review sheet: bench_preview.py. Tests never assert on these.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    from infographics.data.indicators import load_indicators
    from infographics.data.measure import measure
    from infographics.data.read import load
    from infographics.edition import build as b
    from infographics.edition.plan import plan
    from infographics.levels import PAGE_LEVELS, SUBJECTS
    from infographics.page.content import PageTarget, resolve

    out = io.StringIO()

    def say(line: str) -> None:
        print(line)
        out.write(line + "\n")

    say("Bibliotheekmonitor infographics benchmark (sample data, this machine)")
    ind = load_indicators()
    say(f"load + validate sample: {median_ms(lambda: load(DATA), 7):8.1f} ms (median of 7)")
    tables = load(DATA)
    say(f"measure all levels:     {median_ms(lambda: measure(tables, ind), 7):8.1f} ms")
    say(f"load + validate + measure: "
        f"{median_ms(lambda: measure(load(DATA), ind), 7):5.1f} ms")

    ctx = b.load_context(DATA)
    jobs = plan(ctx.figures, SUBJECTS, PAGE_LEVELS)
    kinds = {}
    for job in jobs:
        kinds.setdefault((job.subject, job.level), []).append(job)
    for job in jobs[:3]:
        b.render(ctx, job)  # warm-up: layouts, fonts, matplotlib
    say("\nms per page, one core (median over up to 30 pages of each kind):")
    for (subject, level), group in sorted(kinds.items()):
        sample = group[:: max(1, len(group) // 30)][:30]
        times = []
        for job in sample:
            t = time.perf_counter()
            b.render(ctx, job)
            times.append((time.perf_counter() - t) * 1000)
        say(f"  {subject} {level:9s} {statistics.median(times):6.1f} ms  (n={len(sample)})")

    say("\nwhere a local PO page's time goes (median of 20):")
    local = kinds[("po", "library")][:20]
    layout = ctx.layout("po", "library")
    from infographics.page.draw import draw_page

    def stages(job):
        t0 = time.perf_counter()
        target = PageTarget("library", job.entity_id, job.school_year)
        content = resolve(layout, ctx.figures, target, ctx.style)
        t1 = time.perf_counter()
        draw_page(content, ctx.style)
        t2 = time.perf_counter()
        return (t1 - t0) * 1000, (t2 - t1) * 1000

    parts = [stages(j) for j in local]
    say(f"  resolve figures and texts {statistics.median(p[0] for p in parts):6.1f} ms")
    say(f"  draw_page (charts, tags, save) {statistics.median(p[1] for p in parts):6.1f} ms")

    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.txt").write_text(out.getvalue(), encoding="utf-8")
    sys.path.insert(0, str(ROOT / "bench"))
    if (ROOT / "bench" / "bench_accessibility.py").exists():
        print("\ntagging and verification overhead (bench_accessibility.py):", flush=True)
        __import__("bench_accessibility").main([])
    if "--quick" not in sys.argv:
        print("\nbulk runs (bench_bulk.py):", flush=True)
        import bench_bulk
        import bench_send

        bench_bulk.main()
        print("\ndelivery dry run (bench_send.py):", flush=True)
        bench_send.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
