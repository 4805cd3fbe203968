"""Command line: a thin layer over the library (`infographics validate|figures|build|verify`).

Messages to the user are in Dutch. Bad input never ends in a traceback: problems are printed
with their place and the exit status is non-zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import InfographicsError, InputError

DEFAULT_DATA = Path("data/sample")


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="map met CSV-bestanden of een .xlsx-werkmap (standaard: data/sample)")
    p.add_argument("--mapping", type=Path, help="YAML die kolomnamen van een export koppelt")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infographics", description="Bibliotheekmonitor-infographics maken en controleren."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="invoer controleren en alle problemen tonen")
    _add_data(p)
    p.add_argument("--report", type=Path, help="schrijf de problemen ook als CSV")
    p.add_argument("--strict", action="store_true", help="waarschuwingen tellen als fouten")

    p = sub.add_parser("figures", help="alle cijfers exporteren (lange vorm)")
    _add_data(p)
    p.add_argument("--level", default="all",
                   choices=["all", "national", "province", "poi", "size_class", "library"])
    p.add_argument("--format", default="csv", choices=["csv", "json"])
    p.add_argument("--output", type=Path, help="bestand (standaard: scherm)")

    p = sub.add_parser("build", help="infographics bouwen")
    _add_data(p)
    p.add_argument("--out", type=Path, default=Path("output"))
    p.add_argument("--theme", default="po", choices=["po", "vo", "all"])
    p.add_argument("--level", default="all",
                   choices=["national", "province", "library", "school", "all"])
    p.add_argument("--only", nargs="+", default=[], metavar="ID", help="alleen deze entiteiten")
    p.add_argument("--year", help="schooljaar, bijvoorbeeld 2020-2021 (standaard: alle)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="aantal processen (standaard: alle kernen)")
    p.add_argument("--no-verify", action="store_true",
                   help="pagina's niet controleren (tags, fonts, A4, getallen)")
    p.add_argument("--force", action="store_true",
                   help="alles opnieuw bouwen, ook pagina's die niet veranderd zijn")
    p.add_argument("--scheduler", metavar="tcp://HOST:POORT",
                   help="bouwen op een bestaand Dask-cluster in plaats van met lokale processen "
                        "(de workers moeten --data en --out op hetzelfde pad zien)")
    p.add_argument("--no-progress", action="store_true",
                   help="geen voortgangsbalk, alleen regels (standaard buiten een terminal)")

    p = sub.add_parser("verify", help="PDF's of een gebouwde map controleren (PDF/UA-eisen)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PAD",
                   help="een PDF of een map met manifest.csv")

    p = sub.add_parser("bundle", help="per POI een zip met alle pagina's waar de POI recht op "
                                      "heeft, plus een afdrukversie van de lokale PO-pagina's")
    _add_data(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="gebouwde map (manifest.csv)")
    p.add_argument("--year", help="schooljaar, bijvoorbeeld 2020-2021 (standaard: alle)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as exc:
        print(exc.report.text(), file=sys.stderr)
        print(f"Invoer heeft fouten: {exc.report.summary()}.", file=sys.stderr)
        return 2
    except InfographicsError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


def _validate(args) -> int:
    from .validate import validate_data

    report = validate_data(args.data, args.mapping)
    for problem in report.problems:
        print(problem)
    if args.report:
        report.write_csv(args.report)
    ok = report.ok(strict=args.strict)
    print(f"{args.data}: {report.summary()}" + ("" if ok else " \u2013 niet in orde"))
    return 0 if ok else 1


def _figures(args) -> int:
    from .indicators import load_indicators
    from .load import load
    from .measure import measure

    figures = measure(load(args.data, args.mapping), load_indicators())
    frame = figures.export(args.level)
    if args.format == "csv":
        text = frame.to_csv(index=False)
    else:
        text = frame.to_json(orient="records", force_ascii=False, indent=1)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"{len(frame)} cijfers geschreven naar {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _build(args) -> int:
    from . import build as b
    from .incremental import edition_fingerprint
    from .numbers import integer
    from .progress import Progress

    started = time.perf_counter()
    themes = b.THEMES if args.theme == "all" else (args.theme,)
    levels = b.LEVELS if args.level == "all" else (args.level,)
    years = [args.year] if args.year else []
    choices = {"themes": themes, "levels": levels, "years": years, "only": sorted(args.only),
               "verify": not args.no_verify}
    edition = edition_fingerprint(args.data, args.mapping, choices)
    if not args.force and (unchanged := b.up_to_date(args.out, edition)) is not None:
        print(f"Niets veranderd sinds de vorige bouw: 0 gebouwd, 0 mislukt, "
              f"{integer(len(unchanged))} overgeslagen in {_seconds(started)}; "
              f"manifest: {args.out / 'manifest.csv'}")
        return 0
    ctx = b.load_context(args.data, args.mapping)
    jobs = b.plan(ctx.figures, themes, levels, args.only, years)
    if not jobs:
        print("Niets te bouwen: geen entiteiten voor deze keuze.", file=sys.stderr)
        return 1
    where = f"Dask-cluster {args.scheduler}" if args.scheduler else \
        f"{args.jobs} proces{'sen' if args.jobs != 1 else ''}"
    print(f"{integer(len(jobs))} pagina's gepland, bouwen met {where}", file=sys.stderr)
    progress = Progress(len(jobs), bar=False if args.no_progress else None)
    try:
        result = b.run(jobs, args.data, args.out, args.mapping, args.jobs, ctx, progress,
                       check=not args.no_verify, force=args.force, scheduler=args.scheduler,
                       edition=edition)
    except OSError as exc:
        if not args.scheduler:
            raise
        print(f"Fout: Dask-scheduler {args.scheduler} niet bereikbaar: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    print(f"{result.summary()} in {_seconds(started)}; manifest: {args.out / 'manifest.csv'}")
    if result.failed:
        print(f"Mislukte pagina's staan in {args.out / 'failures.csv'}", file=sys.stderr)
    return 1 if result.failed else 0


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s".replace(".", ",")


def _verify(args) -> int:
    from .verify import verify_folder, verify_pdf

    results: dict[str, list] = {}
    for path in args.paths:
        if path.is_dir():
            results.update({str(path / k): v for k, v in verify_folder(path).items()})
        else:
            results[str(path)] = verify_pdf(path)
    bad = {k: v for k, v in results.items() if v}
    for name, findings in bad.items():
        for f in findings:
            print(f"{name}: {f.check}: {f.message}")
    print(f"{len(results) - len(bad)} pagina's in orde, {len(bad)} met problemen")
    return 1 if bad else 0


def _bundle(args) -> int:
    from .bundle import run_bundles
    from .entitlement import Entitlements
    from .load import load
    from .numbers import decimal, integer

    started = time.perf_counter()
    entitlements = Entitlements.from_tables(load(args.data, args.mapping))
    bundles, outcomes = run_bundles(args.out, entitlements, [args.year] if args.year else None)
    if not bundles:
        print(f"Geen pagina's om te bundelen in {args.out / 'manifest.csv'}; "
              "bouw eerst met `infographics build`.", file=sys.stderr)
        return 1
    for o in outcomes:
        e = o.entry
        size = decimal((args.out / e.path).stat().st_size / 1e6, 1)
        what = "bestanden" if e.level == "bundle" else "pagina's"
        state = "geschreven" if o.written else "ongewijzigd"
        print(f"{e.path}: {integer(e.pages)} {what}, {size} MB ({state})")
    incomplete = [b for b in bundles if b.missing]
    for b in incomplete:
        for line in b.missing:
            print(f"Let op: bundel {b.poi_id} {b.school_year}: {line}", file=sys.stderr)
    written = sum(o.written for o in outcomes)
    seconds = decimal(time.perf_counter() - started, 1)
    print(f"{integer(len(bundles))} bundels: {integer(written)} bestanden geschreven, "
          f"{integer(len(outcomes) - written)} ongewijzigd in {seconds} s"
          + (f"; {integer(len(incomplete))} onvolledig" if incomplete else ""))
    return 1 if incomplete else 0


_COMMANDS = {"validate": _validate, "figures": _figures, "build": _build, "verify": _verify,
             "bundle": _bundle}


if __name__ == "__main__":
    sys.exit(main())
