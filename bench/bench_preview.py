"""Times POI bundles and the review sheet on a built edition: all bundles from nothing and
again (nothing changed), then thumbnails + index.html with 1 and with 2 processes from nothing
and again. The edition is copied first, so the folder given is left as it is.

    python bench/bench_preview.py [--out output] [--data data/sample]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from infographics.data.read import load
from infographics.edition.bundle import run_bundles
from infographics.edition.entitlement import Entitlements
from infographics.edition.preview import FOLDER, make_preview, school_libraries_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("output"))
    parser.add_argument("--data", type=Path, default=Path("data/sample"))
    args = parser.parse_args()
    tables = load(args.data)
    ent = Entitlements.from_tables(tables)
    schools = school_libraries_of(tables)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "editie"
        shutil.copytree(args.out, out, ignore=shutil.ignore_patterns("bundels", FOLDER))
        for label in ("bundels, van niets", "bundels, opnieuw"):
            started = time.perf_counter()
            bundles, outcomes = run_bundles(out, ent)
            seconds = time.perf_counter() - started
            size = sum((out / o.entry.path).stat().st_size for o in outcomes) / 1e6
            print(f"{label:28s} {seconds:6.2f} s  {len(bundles)} POI's, "
                  f"{sum(o.written for o in outcomes)} bestanden geschreven, {size:.1f} MB")
        for workers in (1, 2):
            shutil.rmtree(out / FOLDER, ignore_errors=True)
            for label in ("van niets", "opnieuw"):
                r = make_preview(out, ent, schools, workers=workers)
                print(f"controleblad {workers} proces(sen), {label:9s} {r.seconds:6.2f} s  "
                      f"{r.pages} pagina's, {r.drawn} miniaturen gemaakt")
        size = sum(p.stat().st_size for p in (out / FOLDER).rglob("*.png")) / 1e6
        print(f"miniaturen: {size:.1f} MB; index.html: "
              f"{(out / FOLDER / 'index.html').stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
