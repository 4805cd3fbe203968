"""What accessibility costs per page: composing untagged vs tagged, and verifying (issue #7).

    python bench/bench_accessibility.py [--pages N] [--repeat R]

For one page of each kind (PO national, provincial, local; VO national, local; a school page),
up to N entities of that kind, each step run R times, the steps taking turns (the fastest run
counts, as with timeit: other work on the machine only ever adds time):

  resolve    figures and texts of the page (the same with or without tagging)
  untagged   compose without marked content, structure tree or XMP (`compose(tagged=False)`)
  tagged     compose as built (`compose(...)`)
  verify     `verify_pdf(pdf, numbers)`, as the build does for every page
  overhead   (tagged - untagged + verify) / (resolve + untagged): what tagging and verifying
             add to the time of an untagged page; the issue allows at most 20%

Median over the entities of each kind. Tests never assert on these numbers; `bench/run.py` may
call `main()` (it returns the rows) to include the table in its report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"
KINDS = [("po", "national"), ("po", "province"), ("po", "library"), ("vo", "national"),
         ("vo", "library"), ("vo", "school")]
LIMIT = 0.20


def _fastest(steps, repeat: int) -> list[float]:
    """ms of each step, the fastest of `repeat` rounds; the steps take turns within a round,
    so that a busy moment of the machine does not fall on one step only."""
    best = [float("inf")] * len(steps)
    for _ in range(repeat):
        for i, step in enumerate(steps):  # no gc.collect() in between: a full collection of
            t = time.perf_counter()  # this big heap leaves the caches cold, as no build does
            step()
            best[i] = min(best[i], (time.perf_counter() - t) * 1000)
    return best


def measure(pages: int = 5, repeat: int = 9) -> list[dict]:
    """One row per page kind: ms of resolve, untagged, tagged, verify (fastest of `repeat`,
    median over the pages); overhead."""
    from infographics import build as b
    from infographics.compose import compose
    from infographics.pages import Entity, resolve
    from infographics.verify import verify_pdf

    ctx = b.load_context(DATA)
    jobs = b.plan(ctx.figures, [t for t, _ in KINDS], sorted({lv for _, lv in KINDS}))
    rows = []
    for theme, level in KINDS:
        group = [j for j in jobs if j.theme == theme and j.level == level]
        sample = group[:: max(1, len(group) // pages)][:pages]
        per_page = []
        for job in sample:
            layout = ctx.layout(job.theme, job.level)
            if layout.fallback:  # a library without VO gets its plain page, as in the build
                fig = ctx.figures.get(job.school_year, job.level, job.entity_id,
                                      layout.fallback.when_zero)
                if not fig.value:
                    layout = ctx.layout(job.theme, job.level,
                                        Path(layout.path).parent / layout.fallback.layout)
            entity = Entity(job.level, job.entity_id, job.school_year)
            content = resolve(layout, ctx.figures, entity, ctx.theme)
            pdf = compose(content, ctx.theme)
            assert verify_pdf(pdf, content.numbers) == [], job.path  # warm and sound
            compose(content, ctx.theme, tagged=False)
            per_page.append(_fastest([
                lambda: resolve(layout, ctx.figures, entity, ctx.theme),  # noqa: B023
                lambda: compose(content, ctx.theme, tagged=False),  # noqa: B023
                lambda: compose(content, ctx.theme),  # noqa: B023
                lambda: verify_pdf(pdf, content.numbers),  # noqa: B023
            ], repeat))
        res, untagged, tagged, verify = (statistics.median(p[i] for p in per_page)
                                         for i in range(4))
        rows.append({"kind": f"{theme} {level}", "n": len(sample), "resolve": res,
                     "untagged": untagged, "tagged": tagged, "verify": verify,
                     "tagging": (tagged - untagged) / (res + untagged),
                     "overhead": (tagged - untagged + verify) / (res + untagged)})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["ms per page            resolve  untagged  tagged  verify  tagging  overhead",
             "                                compose   compose          +%       +% (max 20)"]
    for r in rows:
        lines.append(f"{r['kind']:13s} (n={r['n']:2d})  {r['resolve']:6.1f}  {r['untagged']:8.1f}"
                     f"  {r['tagged']:6.1f}  {r['verify']:6.1f}  {r['tagging'] * 100:6.1f}%"
                     f"  {r['overhead'] * 100:7.1f}%")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5, help="entities per page kind")
    parser.add_argument("--repeat", type=int, default=9, help="runs per step (fastest)")
    args = parser.parse_args(argv)
    rows = measure(args.pages, args.repeat)
    print(table(rows))
    worst = max(r["overhead"] for r in rows)
    print(f"\nlargest overhead {worst * 100:.1f}% "
          f"({'within' if worst <= LIMIT else 'OVER'} the {LIMIT * 100:.0f}% of issue #7)")
    return rows


if __name__ == "__main__":
    main()
    sys.exit(0)
