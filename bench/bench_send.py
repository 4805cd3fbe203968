"""Delivery benchmark (issue 6): the sample edition is built with its bundles into a temporary
folder, then `infographics send` does a full dry run: mails, outbox size, largest mail and the
time it takes. (Bundle and review-sheet times: bench_preview.py.) Tests never assert on these.

    python bench/bench_send.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"


def main() -> int:
    from infographics.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        os.environ["INFOGRAPHICS_VERZENDLOG"] = str(Path(tmp) / "verzendlog.sqlite")
        assert cli(["build", "--data", str(DATA), "--out", str(out), "--subject", "all",
                    "--level", "all", "--bundle", "--no-progress"]) == 0
        t = time.perf_counter()
        status = cli(["send", "--data", str(DATA), "--out", str(out)])
        seconds = time.perf_counter() - t
        mails = sorted((out / "outbox").glob("*.eml"))
        sizes = [m.stat().st_size for m in mails]
        print(f"\ndry run: {len(mails)} mails, {sum(sizes) / 1e6:.1f} MB in the outbox, "
              f"largest {max(sizes) / 1e6:.1f} MB, {seconds:.1f} s (exit status {status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
