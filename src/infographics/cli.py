"""Command line: a thin layer over the library (`infographics validate|figures|build|verify`).

Messages to the user are in Dutch. Bad input never ends in a traceback: problems are printed
with their place and the exit status is non-zero.

The commands that write into an output folder (build, bundle, preview; send, in send.py) hold
that folder's lock (edition/lock.py) while they run. Ctrl-C and SIGTERM stop any command within
a few seconds: it says what it did, keeps it (the next run goes on from there) and exits with
130 (Ctrl-C) or 143 (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from infographics import __version__, dutch_argparse
from infographics.errors import InfographicsError, InputError, Report
from infographics.levels import PAGE_LEVELS, SUBJECTS, has_level
from infographics.portal import commands as portal_commands

if TYPE_CHECKING:  # the commands import what they need when they run: a fast --help
    from infographics.delivery.send import Options
    from infographics.edition.build import Context
    from infographics.edition.outcome import BuildResult
    from infographics.edition.plan import Job

DEFAULT_DATA = Path("data/sample")
SIGNAL_NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}
PAGES = ("pagina", "pagina's")
OLD_PAGES = ("verouderde pagina", "verouderde pagina's")


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_DATA,
                   help="map met CSV-bestanden of een .xlsx-werkmap (standaard: data/sample)")
    p.add_argument("--mapping", type=Path, help="YAML die kolomnamen van een export koppelt")


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: geen map")
    return path


def _add_layouts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layouts", type=_folder, metavar="MAP",
                   help="map met eigen layouts (po-lokaal.yaml, style.yaml, indicators.yaml, "
                        "sterrenchecklist.yaml, partners.yaml, ...); wat er niet in staat komt "
                        "uit het pakket")


def _parser() -> argparse.ArgumentParser:
    dutch_argparse.install()
    parser = argparse.ArgumentParser(
        prog="infographics", description="Bibliotheekmonitor-infographics maken en controleren."
    )
    parser.add_argument("--version", action="version", version=f"infographics {__version__}",
                        help="het versienummer tonen en stoppen")
    sub = parser.add_subparsers(dest="command", required=True, metavar="OPDRACHT")
    for add in (_add_validate, _add_figures, _add_build, _add_verify, _add_bundle,
                _add_preview, _add_send):
        add(sub)
    portal_commands.add_commands(sub)
    return parser


Subparsers = argparse._SubParsersAction  # argparse names the type of add_subparsers() so


def _add_validate(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="invoer controleren en alle problemen tonen")
    _add_data(p)
    _add_layouts(p)
    p.add_argument("--report", type=Path, help="schrijf de problemen ook als CSV")
    p.add_argument("--strict", action="store_true", help="waarschuwingen tellen als fouten")


def _add_figures(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("figures", help="alle cijfers exporteren (lange vorm)")
    _add_data(p)
    _add_layouts(p)
    p.add_argument("--level", default="all",
                   choices=["all", "national", "province", "poi", "size_class", "library"])
    p.add_argument("--format", default="csv", choices=["csv", "json"])
    p.add_argument("--year", action="append", default=[], metavar="JAAR",
                   help="de cijfers van de editie van dit schooljaar: dat jaar en de jaren die "
                        "haar trends tonen (herhaalbaar; standaard of 'all': alle jaren)")
    p.add_argument("--output", type=Path, help="bestand (standaard: scherm)")


def _add_build(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="infographics bouwen")
    _add_data(p)
    _add_layouts(p)
    p.add_argument("--out", type=Path, default=Path("output"))
    p.add_argument("--subject", "--theme", dest="subject", default="po",
                   choices=[*SUBJECTS, "all"],
                   help=f"onderwerp: {', '.join(SUBJECTS)} of all (--theme is de oude naam)")
    p.add_argument("--level", default="all",
                   choices=["national", "province", "library", "school", "all"])
    p.add_argument("--only", nargs="+", default=[], metavar="ID", help="alleen deze entiteiten")
    p.add_argument("--year", action="append", default=[], metavar="JAAR",
                   help="schooljaar (2022-2023) of, voor partners, kalenderjaar (2022); "
                        "herhaalbaar; of 'all' voor alle jaren (standaard: het laatste jaar "
                        "van elk onderwerp)")
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
    p.add_argument("--bundle", action="store_true",
                   help="daarna de bundels per POI maken (zoals infographics bundle)")


def _add_verify(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help="PDF's of een gebouwde map controleren (PDF/UA-eisen)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PAD",
                   help="een PDF of een map met manifest.csv")
    p.add_argument("--strict", action="store_true",
                   help="ook een onafhankelijke validator laten controleren op PDF/UA-1 en "
                        "PDF/A-2a (pagina's en afdrukversies; vraagt page-validation)")


def _add_bundle(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bundle", help="per POI een zip met alle pagina's waar de POI recht op "
                                      "heeft, plus een afdrukversie van de lokale PO-pagina's")
    _add_data(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="gebouwde map (manifest.csv)")
    p.add_argument("--year", help="schooljaar, bijvoorbeeld 2020-2021 (standaard: alle)")


def _add_preview(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("preview", help="controleblad: miniaturen van alle pagina's en "
                                       "preview/index.html, per POI, provincie en bibliotheek")
    _add_data(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="gebouwde map (manifest.csv)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="aantal processen voor de miniaturen (standaard: alle kernen)")


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: the command stops where it is (a BaseException, so no `except
    Exception` of a page or a mail swallows it), says what it did and exits 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise `Stopped` while a command runs (in the main thread only: only
    there can Python handle signals); the previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _stop) for s in SIGNAL_NAMES}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # in a log, lines appear in the order they happen
        sys.stdout.reconfigure(line_buffering=True)
    try:
        with _stoppable():
            return _COMMANDS[args.command](args)
    except Stopped as stop:
        print(f"Gestopt door {SIGNAL_NAMES.get(stop.signum, stop.signum)}: wat klaar is, is "
              "bewaard; draai dezelfde opdracht opnieuw om verder te gaan.", file=sys.stderr)
        return 128 + stop.signum
    except InputError as exc:
        print(exc.report.text(), file=sys.stderr)
        print(f"Invoer heeft fouten: {exc.report.summary()}.", file=sys.stderr)
        return 2
    except InfographicsError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a read-only folder, where no stage said more
        from infographics.edition.manifest import WRITE_ERRORS

        reason = WRITE_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)
        print(f"Fout: {exc.filename}: {reason}" if exc.filename else f"Fout: {reason}",
              file=sys.stderr)
        return 2


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from infographics.data.checklist import load_checklist
    from infographics.data.partnerconfig import load_partner_config
    from infographics.data.validate import validate_data
    from infographics.resources import layout_file

    checklist = load_checklist(layout_file("sterrenchecklist.yaml", args.layouts))
    partners = load_partner_config(layout_file("partners.yaml", args.layouts))
    report = validate_data(args.data, args.mapping, checklist, partners=partners)
    for problem in report.problems:
        print(problem)
    if args.report:
        report.write_csv(args.report)
    ok = report.ok(strict=args.strict)
    print(f"{args.data}: {report.summary()}" + ("" if ok else " \u2013 niet in orde"))
    return 0 if ok else 1


def _figures(args: argparse.Namespace) -> int:
    from infographics.data.trends import shown_years
    from infographics.edition.build import load_context
    from infographics.numbers import count

    ctx = load_context(args.data, args.mapping, args.layouts)
    _ignored_contact_errors(ctx.report)
    figures = ctx.figures
    if not _known_years(args.year, {s: figures.years(s) for s in SUBJECTS}):
        return 2
    years = None if not args.year or "all" in args.year else sorted(
        {y for year in args.year for y in shown_years(figures.years(), year)})
    frame = figures.export(args.level, years)
    if args.format == "csv":
        text = frame.to_csv(index=False)
    else:
        text = frame.to_json(orient="records", force_ascii=False, indent=1)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"{count(len(frame), 'cijfer', 'cijfers')} geschreven naar {args.output}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _known_years(years: Sequence[str], known: dict[str, list[str]]) -> bool:
    """Whether every requested year (besides `all`) is a year of one of the subjects in
    `known`; if not, say which are not and which years there are, per subject."""
    from infographics.data.read import unknown_years

    faults = unknown_years([y for y in years if y != "all"], known)
    for _, message in faults:
        print(f"Fout: {message}", file=sys.stderr)
    return not faults


def _ignored_contact_errors(report: Report | None) -> None:
    """Say that contacts.csv has errors that do not stop this command (but will stop send)."""
    from infographics.numbers import count

    errors = [p for p in (report.errors if report else []) if p.table == "contacts"]
    if errors:
        print(f"Let op: {count(len(errors), 'fout', 'fouten')} in de contactpersonen (eerste: "
              f"{errors[0]}); niet nodig voor deze opdracht, wel voor infographics send.",
              file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from infographics.edition.lock import exclusive

    with exclusive(args.out, "build", say=_say):  # one writer at a time per output folder
        return _build_alone(args)


def _build_alone(args: argparse.Namespace) -> int:
    from infographics.edition import build as b
    from infographics.edition.incremental import edition_fingerprint
    from infographics.edition.plan import plan, plan_years
    from infographics.numbers import count, integer

    started = time.perf_counter()
    subjects = SUBJECTS if args.subject == "all" else (args.subject,)
    levels = PAGE_LEVELS if args.level == "all" else (args.level,)
    years = sorted(set(args.year))
    choices = {"subjects": subjects, "levels": levels, "years": years, "only": sorted(args.only),
               "verify": not args.no_verify}
    edition = edition_fingerprint(args.data, args.mapping, choices, args.layouts)
    if not args.force and (unchanged := b.up_to_date(args.out, edition)) is not None:
        print(f"Niets veranderd sinds de vorige bouw: 0 gebouwd, 0 mislukt, "
              f"{integer(len(unchanged))} overgeslagen in {_seconds(started)}; "
              f"manifest: {args.out / 'manifest.csv'}")
        return _make_bundles(args) if args.bundle else 0
    ctx = b.load_context(args.data, args.mapping, args.layouts)
    _ignored_contact_errors(ctx.report)
    if not _known_years(years, {s: ctx.figures.years(s) for s in subjects}):
        return 2
    jobs = plan(ctx.figures, subjects, levels, args.only, years)
    if not jobs:
        print("Niets te bouwen: geen entiteiten voor deze keuze.", file=sys.stderr)
        return 1
    b.check_layouts(ctx, jobs)
    where = f"Dask-cluster {args.scheduler}" if args.scheduler else \
        f"{args.jobs} proces{'sen' if args.jobs != 1 else ''}"
    print(f"{count(len(jobs), *PAGES)} gepland, bouwen met {where}", file=sys.stderr)
    scope = None if args.only else {
        (year, subject, level) for subject in subjects
        for year in plan_years(ctx.figures, subject, years)
        for level in levels if has_level(subject, level)}
    result = _run_build(args, ctx, jobs, edition, scope)
    if result is None:
        return 2
    _report_build(args, result, started)
    status = 1 if result.failed else 0
    return max(status, _make_bundles(args)) if args.bundle else status


def _run_build(args: argparse.Namespace, ctx: Context, jobs: list[Job], edition: str,
               scope: set[tuple[str, str, str]] | None) -> BuildResult | None:
    """The build itself with its progress bar; None when the Dask scheduler cannot be reached."""
    from infographics.edition import build as b
    from infographics.edition.progress import Progress

    progress = Progress(len(jobs), bar=False if args.no_progress else None)
    try:
        return b.build_edition(jobs, args.data, args.out, args.mapping, args.jobs, ctx, progress,
                               check=not args.no_verify, force=args.force,
                               scheduler=args.scheduler, edition=edition, scope=scope,
                               layouts=args.layouts)
    except OSError as exc:
        if not args.scheduler:
            raise
        print(f"Fout: Dask-scheduler {args.scheduler} niet bereikbaar: {exc}", file=sys.stderr)
        return None
    except Stopped:
        progress.close()
        print(f"Gestopt na {progress.done} van {progress.total} pagina's: {progress.summary()}; "
              f"vastgelegd in {args.out / 'manifest.csv'}", file=sys.stderr)
        raise
    finally:
        progress.close()


def _report_build(args: argparse.Namespace, result: BuildResult, started: float) -> None:
    from infographics.numbers import count

    print(f"{result.summary()} in {_seconds(started)}; manifest: {args.out / 'manifest.csv'}")
    if result.removed:
        print(f"{count(len(result.removed), *OLD_PAGES)} verwijderd uit de uitvoer en het "
              "manifest (mislukt of niet meer in de gegevens)", file=sys.stderr)
    if result.failed:
        print(f"Mislukte pagina's staan in {args.out / 'failures.csv'}", file=sys.stderr)


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s".replace(".", ",")


def _verify(args: argparse.Namespace) -> int:
    from infographics.numbers import count, integer
    from infographics.verify import Finding, verify_file, verify_folder
    from infographics.verify.independent import INSTALL, available

    missing = [path for path in args.paths if not path.exists()]
    for path in missing:
        print(f"{path}: bestaat niet", file=sys.stderr)
    if missing:
        return 2
    if args.strict and not available():
        raise InfographicsError(f"--strict vraagt de validator page-validation: {INSTALL}")
    results: dict[str, list[Finding]] = {}
    for path in args.paths:
        if path.is_dir():
            results.update({str(path / k): v
                            for k, v in verify_folder(path, strict=args.strict).items()})
        else:
            results[str(path)] = verify_file(path, strict=args.strict)
    bad = {k: v for k, v in results.items() if v}
    for name, findings in bad.items():
        for f in findings:
            print(f"{name}: {f.check}: {f.message}")
    pdfs = sum(1 for k in results if k.endswith(".pdf"))
    others = len(results) - pdfs
    what = count(pdfs, "PDF", "PDF's") + (
        f" en {count(others, 'ander bestand', 'andere bestanden')} (bundels)" if others else "")
    print(f"{what} gecontroleerd: {integer(len(results) - len(bad))} in orde, "
          f"{integer(len(bad))} met problemen")
    return 1 if bad else 0


def _bundle(args: argparse.Namespace) -> int:
    from infographics.edition.lock import exclusive

    with exclusive(args.out, "bundle", say=_say):
        return _make_bundles(args)


def _bundle_years(args: argparse.Namespace) -> list[str] | None:
    """The years to bundle: `bundle --year Y`, or the years `build --year ... --bundle` built
    (None: every year in the manifest, also for `--year all`)."""
    years = args.year if isinstance(args.year, list) else [args.year] if args.year else []
    return None if not years or "all" in years else list(years)


def _make_bundles(args: argparse.Namespace) -> int:
    """The bundles, with the output folder's lock held (by `bundle` or `build --bundle`)."""
    from infographics.data.read import load
    from infographics.edition.bundle import Outcome, run_bundles
    from infographics.edition.entitlement import Entitlements
    from infographics.numbers import count, decimal, integer

    started = time.perf_counter()
    tables = load(args.data, args.mapping)
    if not _known_years(_bundle_years(args) or [], {
            "schooljaren (po, vo)": tables.years(),
            "kalenderjaren (partners)": tables.calendar_years()}):
        return 2
    entitlements = Entitlements.from_tables(tables)
    made: set[str] = set()

    def done(o: Outcome) -> None:  # each file as it is written; unchanged ones are counted
        if not o.written or o.entry.path in made:
            return
        made.add(o.entry.path)
        e = o.entry
        size = decimal((args.out / e.path).stat().st_size / 1e6, 1)
        what = count(e.pages, *(("bestand", "bestanden") if e.level == "bundle" else PAGES))
        print(f"{e.path}: {what}, {size} MB")

    try:
        bundles, outcomes = run_bundles(args.out, entitlements, _bundle_years(args), done)
    except Stopped:
        print(f"Gestopt na {count(len(made), 'bundelbestand', 'bundelbestanden')}; "
              f"vastgelegd in {args.out / 'manifest.csv'}", file=sys.stderr)
        raise
    if not bundles:
        print(f"Geen pagina's om te bundelen in {args.out / 'manifest.csv'}; "
              "bouw eerst met `infographics build`.", file=sys.stderr)
        return 1
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


def _preview(args: argparse.Namespace) -> int:
    from infographics.data.read import load
    from infographics.edition.entitlement import Entitlements
    from infographics.edition.lock import exclusive
    from infographics.edition.preview import make_preview, school_libraries_of
    from infographics.numbers import count, decimal, integer

    if not (args.out / "manifest.csv").exists():
        print(f"{args.out / 'manifest.csv'} ontbreekt; bouw eerst met `infographics build`.",
              file=sys.stderr)
        return 1
    tables = load(args.data, args.mapping)
    drawn: list[object] = []
    with exclusive(args.out, "preview", say=_say):
        try:
            result = make_preview(args.out, Entitlements.from_tables(tables),
                                  school_libraries_of(tables), workers=args.jobs,
                                  progress=drawn.append)
        except Stopped:
            print(f"Gestopt na {count(len(drawn), 'miniatuur', 'miniaturen')}; bewaard in "
                  f"{args.out / 'preview'}, het controleblad volgt bij de volgende run",
                  file=sys.stderr)
            raise
    for notice in result.warnings:
        print(f"Let op: {notice}", file=sys.stderr)
    print(f"{integer(result.pages)} pagina's: {integer(result.drawn)} miniaturen gemaakt, "
          f"{integer(result.kept)} ongewijzigd, {integer(len(result.warnings))} "
          f"waarschuwing{'en' if len(result.warnings) != 1 else ''} in "
          f"{decimal(result.seconds, 1)} s; controleblad: {result.index}")
    return 1 if result.warnings else 0


_COMMANDS = {"validate": _validate, "figures": _figures, "build": _build, "verify": _verify,
             "bundle": _bundle, "preview": _preview}


class _SendHelp(argparse.HelpFormatter):
    """Help text wrapped between words only: a kind such as bijlage-ontbreekt stays whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def _add_send(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("send", help="infographics mailen: proefrun naar een outbox (standaard), "
                                    "of met --send echt versturen", formatter_class=_SendHelp)
    _add_data(p)
    p.add_argument("--out", type=Path, default=Path("output"), help="gebouwde map (manifest.csv)")
    p.add_argument("--year", help="schooljaar (standaard: het laatste in het manifest)")
    p.add_argument("--send", action="store_true",
                   help="echt versturen via SMTP; zonder: proefrun, .eml-bestanden in --outbox")
    _add_smtp(p)
    p.add_argument("--outbox", type=Path, metavar="MAP",
                   help="map voor de .eml-bestanden van een proefrun (standaard: OUT/outbox)")
    p.add_argument("--limit", type=int, metavar="N", help="hoogstens N berichten in deze run")
    p.add_argument("--only", nargs="+", default=[], metavar="ID",
                   help="alleen deze bibliotheken, POI's of 'national'")
    p.add_argument("--redirect-to", metavar="ADRES",
                   help="alles naar dit testadres, met de echte ontvangers in onderwerp en tekst")
    p.add_argument("--status", action="store_true", help="het verzendlog als tabel tonen")
    from infographics.delivery.reconcile import (  # the kinds: reconcile.py only
        ALLOWABLE,
        NEVER_ALLOWED,
    )

    p.add_argument("--allow", action="append", default=[], metavar="SOORT",
                   help="een soort ernstig probleem bewust toestaan (herhaalbaar): "
                        f"{', '.join(ALLOWABLE)}; nooit: {', '.join(sorted(NEVER_ALLOWED))}")
    p.add_argument("--resend-changed", action="store_true",
                   help="opnieuw versturen aan wie een inmiddels gewijzigde bijlage kreeg")
    p.add_argument("--resend-uncertain", action="store_true",
                   help="opnieuw versturen wat een afgebroken run onzeker liet")
    p.add_argument("--max-size-mb", type=float, metavar="MB",
                   help="grootste bericht (standaard 20); groter wordt gesplitst")
    p.add_argument("--rate", type=float, metavar="N",
                   help="berichten per minuut (standaard 30; 0 = geen limiet)")
    p.add_argument("--retries", type=int, metavar="N",
                   help="nieuwe pogingen na een tijdelijke weigering (4xx; standaard 3)")
    p.add_argument("--retry-delay", type=float, metavar="S",
                   help="seconden tot de eerste nieuwe poging, daarna steeds dubbel (standaard 30)")
    p.add_argument("--ledger", type=Path, metavar="BESTAND",
                   help="verzendlog (standaard: $INFOGRAPHICS_VERZENDLOG of "
                        "~/.local/share/bibliotheekmonitor/verzendlog.sqlite, buiten de uitvoer)")
    p.add_argument("--portal-url", metavar="ADRES",
                   help="het openbare adres van het portaal (infographics serve), genoemd in "
                        "elke mail (standaard: $INFOGRAPHICS_PORTAAL_URL)")
    p.add_argument("--templates", type=Path, metavar="MAP",
                   help="map met eigen mailsjablonen (subject.j2, body.txt.j2, body.html.j2)")
    p.add_argument("--config", type=Path, metavar="BESTAND",
                   help="TOML met een [send]-tabel (smtp_host, smtp_port, smtp_security, from, "
                        "rate, ...); geen wachtwoorden")


def _add_smtp(p: argparse.ArgumentParser) -> None:
    p.add_argument("--smtp-host", metavar="HOST")
    p.add_argument("--smtp-port", type=int, metavar="POORT",
                   help="standaard 25 (none), 587 (starttls), 465 (ssl)")
    p.add_argument("--smtp-security", choices=["none", "starttls", "ssl"],
                   help="standaard starttls; gebruiker en wachtwoord alleen via "
                        "INFOGRAPHICS_SMTP_USER en INFOGRAPHICS_SMTP_PASSWORD (of een vraag)")
    p.add_argument("--from", dest="sender", metavar="ADRES",
                   help='afzender, bijvoorbeeld "Team Bibliotheekmonitor <monitor@kb.nl>"')


def _send(args: argparse.Namespace) -> int:
    from infographics.delivery import send as d

    wrong = _wrong_send_arguments(args)
    if wrong:
        print(f"Fout: {wrong}", file=sys.stderr)
        return 2
    opts = _send_options(args, d.read_config(args.config) if args.config else {})
    if args.status:
        for line in d.status_lines(opts):
            print(line)
        return 0
    if args.send and not opts.smtp:
        print("Fout: geef een SMTP-server op met --smtp-host (of smtp_host in --config)",
              file=sys.stderr)
        return 2

    try:
        result = d.deliver(opts, _say)
    except Stopped:
        print("Gestopt: wat verstuurd is, staat in het verzendlog (een bericht dat onderweg "
              "was, geldt als onzeker); draai opnieuw voor de rest." if args.send else
              "Gestopt: de proefrun is onvolledig; draai hem opnieuw.", file=sys.stderr)
        raise
    for line in d.problem_lines(result.prepared.reconciliation):
        print(line, file=sys.stderr)
    if result.blocking:
        for line in d.blocking_lines(result.blocking):
            print(line, file=sys.stderr)
        print("Verzending gestopt: er is niets verstuurd." if args.send else
              "Een echte verzending (--send) zou hierom stoppen.", file=sys.stderr)
    for line in d.summary_lines(result, opts):
        print(line)
    return 0 if result.ok else 1


def _wrong_send_arguments(args: argparse.Namespace) -> str:
    """What is wrong with the send arguments themselves, in Dutch; "" when nothing is."""
    from infographics.data.rules import valid_email
    from infographics.delivery.reconcile import ALLOWABLE

    wrong = [k for k in args.allow if k not in ALLOWABLE]
    if wrong:
        return f"--allow {', '.join(wrong)}: onbekende soort; kies uit {', '.join(ALLOWABLE)}"
    if args.redirect_to is not None and not valid_email(args.redirect_to):
        return f"--redirect-to {args.redirect_to}: geen geldig e-mailadres"
    if args.limit is not None and args.limit < 1:
        return "--limit moet 1 of meer zijn"
    return ""


def _send_options(args: argparse.Namespace, conf: Mapping[str, object]) -> Options:
    """The send options: the command line first, then the --config file, then the defaults.
    With --send and an SMTP host, the SMTP settings (user and password from the environment)."""
    from infographics.delivery import send as d
    from infographics.delivery.messages import DEFAULT_MAX_SIZE, MB
    from infographics.delivery.smtp import SmtpSettings, credentials
    from infographics.portal.settings import public_url

    def pick(name: str, key: str | None = None, default: Any = None) -> Any:
        value = getattr(args, name)
        return value if value is not None else conf.get(key or name, default)

    def path(name: str) -> Path | None:
        value = pick(name)
        return Path(value) if value else None

    size = pick("max_size_mb")
    opts = d.Options(
        data=args.data, out=args.out, mapping=args.mapping, year=args.year, send=args.send,
        outbox=path("outbox"), limit=args.limit, only=args.only,
        redirect_to=args.redirect_to, allow=args.allow, resend_changed=args.resend_changed,
        resend_uncertain=args.resend_uncertain,
        max_size=int(size * MB) if size else DEFAULT_MAX_SIZE, sender=pick("sender", "from"),
        rate=pick("rate", default=30.0), retries=pick("retries", default=3),
        retry_delay=pick("retry_delay", default=30.0), ledger=path("ledger"),
        templates=path("templates"), portal_url=public_url(pick("portal_url")))
    host = pick("smtp_host")
    if args.send and host:
        user, password = credentials()
        opts.smtp = SmtpSettings(host, pick("smtp_port"),
                                 pick("smtp_security", default="starttls"), user, password)
    return opts


_COMMANDS["send"] = _send
_COMMANDS.update(portal_commands.HANDLERS)


if __name__ == "__main__":
    sys.exit(main())
