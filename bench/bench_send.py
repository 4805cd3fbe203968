"""Delivery benchmark (issue 6): the sample edition is built with its bundles into a temporary
folder, then `infographics send` does a full dry run: mails, outbox size, largest mail and the
time it takes. (Bundle and review-sheet times: bench_preview.py.) Tests never assert on these.

    python bench/bench_send.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from infographics.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        status = cli(["build", "--data", str(DATA), "--out", str(out), "--subject", "all",
                      "--level", "all", "--bundle", "--no-progress"])
        if status != 0:  # not an assert: `python -O` would skip the build
            print(f"build failed (exit status {status})", file=sys.stderr)
            return status
        t = time.perf_counter()
        # a send log of its own: the dry run reads it; the user's log is never touched
        status = cli(["send", "--data", str(DATA), "--out", str(out),
                      "--ledger", str(Path(tmp) / "verzendlog.sqlite")])
        seconds = time.perf_counter() - t
        sizes = [m.stat().st_size for m in sorted((out / "outbox").glob("*.eml"))]
        print(f"\ndry run: {len(sizes)} mails, {sum(sizes) / 1e6:.1f} MB in the outbox, "
              f"largest {max(sizes, default=0) / 1e6:.1f} MB, {seconds:.1f} s "
              f"(exit status {status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
