"""The independent validator over a whole edition (issue 17): every PDF in a built edition's
manifest (pages and print PDFs) through page-validation's PDF/UA-1 and PDF/A-2a profiles, with
the counts per kind of file and profile, the failing rules, and the validator's time.

    python bench/bench_pdfa.py [--out output]       # an edition built with --bundle
    python bench/bench_pdfa.py --build [--jobs N]   # builds the full sample edition first

The exit status is 1 when any file fails either profile, so the script can gate a release.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import page as validator

from infographics.edition.manifest import read_manifest

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {"PDF/UA-1": "ua1", "PDF/A-2a": "2a"}


def build(out: Path, jobs: int) -> None:
    """The full sample edition (both subjects, every level, bundles) into `out`."""
    subprocess.run([sys.executable, "-m", "infographics", "build", "--data",
                    str(ROOT / "data" / "sample"), "--out", str(out), "--subject", "all",
                    "--level", "all", "--bundle", "--no-progress", "--force",
                    "--jobs", str(jobs)], check=True, stdout=subprocess.DEVNULL)


def kind(level: str, subject: str) -> str:
    return "print" if level == "print" else f"{subject} {level}"


def validate(out: Path) -> int:
    """Validate every PDF of `out`'s manifest; print the table; the number of failing files."""
    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter)
    rules: collections.Counter[str] = collections.Counter()
    times: list[float] = []
    bad = 0
    for path, entry in sorted(read_manifest(out).items()):
        if not path.endswith(".pdf"):
            continue
        data = (out / path).read_bytes()
        failed = False
        for name, profile in PROFILES.items():
            started = time.perf_counter()
            report = validator.validate_pdf_bytes(data, profile=profile)
            times.append((time.perf_counter() - started) * 1000)
            verdict = "passed" if report.is_compliant else "failed"
            counts[(kind(entry.level, entry.subject), name)][verdict] += 1
            for rule in sorted({f.rule_id for f in report.failures}):
                rules[f"{name} {rule}"] += 1
                failed = True
        bad += failed
    print(f"{'kind':16s} {'profile':9s} {'files':>6s} {'passed':>7s} {'failed':>7s}")
    for (what, name), c in sorted(counts.items()):
        print(f"{what:16s} {name:9s} {sum(c.values()):6d} {c['passed']:7d} {c['failed']:7d}")
    for rule, n in rules.most_common():
        print(f"  {rule}: {n} files")
    total = sum(sum(c.values()) for c in counts.values()) // len(PROFILES)
    print(f"{total} PDF's, {bad} with failures; validator {statistics.median(times):.1f} ms "
          f"per file and profile (median), {sum(times) / 1000:.1f} s in all "
          f"(page-validation {validator.__version__})")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("output"))
    parser.add_argument("--build", action="store_true", help="build the sample edition first")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not args.build:
        return 1 if validate(args.out) else 0
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "editie", args.jobs)
        return 1 if validate(Path(tmp) / "editie") else 0


if __name__ == "__main__":
    sys.exit(main())
