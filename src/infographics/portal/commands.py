"""The portal's part of the command line: `infographics serve` and `infographics accounts
add|list|disable|enable|audit`, as argparse subcommands (`add_commands`) and their handlers
(`HANDLERS`, by command name), registered by `cli.py`.

Like `cli.py`, each handler imports what it needs when it runs, so `infographics --help` does
not load the web framework.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from infographics.portal.settings import DB_ENV, URL_ENV

if TYPE_CHECKING:
    from collections.abc import Callable

    from infographics.portal.settings import Settings
    from infographics.portal.store import Store

Subparsers = argparse._SubParsersAction  # argparse has no public name for it


def add_commands(sub: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `serve` and `accounts` to the command line."""
    _add_serve(sub)
    _add_accounts(sub)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, metavar="BESTAND",
                   help=f"portaaldatabase (standaard: ${DB_ENV} of "
                        "~/.local/share/bibliotheekmonitor/portaal.sqlite, buiten de uitvoer)")


def _add_serve(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="het portaal: elk account ziet precies zijn eigen "
                                     "infographics en cijfers")
    p.add_argument("--data", type=Path, default=Path("data/sample"),
                   help="map met CSV-bestanden of een .xlsx-werkmap (standaard: data/sample)")
    p.add_argument("--mapping", type=Path, help="YAML die kolomnamen van een export koppelt")
    p.add_argument("--layouts", type=Path, metavar="MAP", help="map met eigen layouts")
    p.add_argument("--out", type=Path, default=Path("output"), help="gebouwde map (manifest.csv)")
    p.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard "
                   "127.0.0.1; zet er een reverse proxy met https voor)")
    p.add_argument("--port", type=int, default=8000, help="poort (standaard 8000)")
    _add_db(p)
    p.add_argument("--public-url", metavar="URL",
                   help=f"openbaar adres van het portaal voor de links in de inlogmails "
                        f"(standaard ${URL_ENV}, anders http://HOST:POORT)")
    p.add_argument("--mail-outbox", type=Path, metavar="MAP",
                   help="inlogmails als .eml-bestanden in deze map in plaats van via SMTP")
    p.add_argument("--smtp-host", metavar="HOST")
    p.add_argument("--smtp-port", type=int, metavar="POORT")
    p.add_argument("--smtp-security", choices=["none", "starttls", "ssl"], default="starttls",
                   help="standaard starttls; gebruiker en wachtwoord alleen via "
                        "INFOGRAPHICS_SMTP_USER en INFOGRAPHICS_SMTP_PASSWORD")
    p.add_argument("--from", dest="sender", metavar="ADRES",
                   help='afzender, bijvoorbeeld "Team Bibliotheekmonitor <monitor@kb.nl>"')
    p.add_argument("--help-address", metavar="ADRES",
                   help="wie je om een account vraagt (standaard: het adres van --from)")
    p.add_argument("--link-minutes", type=int, default=30, metavar="N",
                   help="hoe lang een inloglink geldig is (standaard 30 minuten)")
    p.add_argument("--session-hours", type=int, default=8, metavar="N",
                   help="hoe lang een sessie duurt (standaard 8 uur)")
    p.add_argument("--https", action="store_true",
                   help="het portaal is via https bereikbaar (achter een proxy): Secure-cookies, "
                        "HSTS en http wordt https")
    p.add_argument("--proxies", type=int, default=0, metavar="N",
                   help="aantal reverse proxies ervoor waarvan X-Forwarded-* vertrouwd wordt; "
                        "zet dit achter een proxy altijd, anders delen alle bezoekers het adres "
                        "van de proxy en daarmee één limiet per client (en het auditlog ziet "
                        "alleen de proxy)")
    p.add_argument("--threads", type=int, default=8, help="threads van waitress (standaard 8)")


def _add_accounts(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("accounts", help="accounts van het portaal: medewerkers toevoegen, "
                                        "accounts tonen, uitschakelen, auditlog")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="een KB-medewerker toevoegen (ziet alles en de audit)")
    a.add_argument("email", metavar="ADRES")
    a.add_argument("--name", default="", metavar="NAAM")
    _add_db(a)
    a = actions.add_parser("list", help="medewerkers, uitgeschakelde adressen en (met --data) "
                                        "de contactpersonen")
    a.add_argument("--data", type=Path, help="ook de contactpersonen uit deze gegevens tonen")
    a.add_argument("--mapping", type=Path)
    _add_db(a)
    for name, what in (("disable", "uitschakelen: kan niet meer inloggen, sessies stoppen"),
                       ("enable", "weer inschakelen")):
        a = actions.add_parser(name, help=f"een adres {what}")
        a.add_argument("email", metavar="ADRES")
        _add_db(a)
    a = actions.add_parser("audit", help="het auditlog als CSV")
    a.add_argument("--since", metavar="DATUM", help="vanaf deze datum (JJJJ-MM-DD)")
    a.add_argument("--output", type=Path, metavar="BESTAND", help="bestand (standaard: scherm)")
    _add_db(a)


# --- handlers ----------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    from infographics.portal.server import run

    settings = serve_settings(args)
    if settings is None:
        return 2
    return run(settings, args.host, args.port, args.threads)


def serve_settings(args: argparse.Namespace) -> Settings | None:
    """The settings of `serve`; None (after saying why) when they cannot work."""
    from infographics.delivery.smtp import SmtpSettings, credentials
    from infographics.portal.settings import DEFAULT_SENDER, Settings, default_db, public_url

    if args.mail_outbox is None and not args.smtp_host:
        print("Fout: geef --mail-outbox MAP (inlogmails als bestanden) of --smtp-host HOST",
              file=sys.stderr)
        return None
    if not (args.out / "manifest.csv").exists():
        print(f"Fout: {args.out / 'manifest.csv'} ontbreekt; bouw eerst met "
              "`infographics build`", file=sys.stderr)
        return None
    smtp = None
    if args.smtp_host and args.mail_outbox is None:
        user, password = credentials()
        smtp = SmtpSettings(args.smtp_host, args.smtp_port, args.smtp_security, user, password)
    url = public_url(args.public_url) or f"http://{args.host}:{args.port}"
    return Settings(args.data, args.out, args.db or default_db(), url, args.mapping,
                    args.layouts, args.sender or DEFAULT_SENDER, args.mail_outbox, smtp,
                    args.link_minutes, args.session_hours, args.https, args.proxies,
                    args.help_address or "")


def _accounts(args: argparse.Namespace) -> int:
    from infographics.data.rules import valid_email
    from infographics.portal.settings import default_db
    from infographics.portal.store import Store

    store = Store(args.db or default_db())
    if args.action in ("add", "disable", "enable"):
        args.email = args.email.strip().lower()
        if not valid_email(args.email):
            print(f"Fout: {args.email}: geen geldig e-mailadres", file=sys.stderr)
            return 2
    actions: dict[str, Callable[[argparse.Namespace, Store], int]] = {
        "add": _add, "list": _list, "disable": _disable, "enable": _enable, "audit": _audit}
    return actions[args.action](args, store)


def _add(args: argparse.Namespace, store: Store) -> int:
    store.add_staff(args.email, args.name)
    print(f"{args.email} is medewerker: ziet alle infographics, cijfers en de audit.")
    return 0


def _disable(args: argparse.Namespace, store: Store) -> int:
    store.set_disabled(args.email, True)
    print(f"{args.email} is uitgeschakeld: inloggen kan niet meer, open sessies zijn beëindigd.")
    return 0


def _enable(args: argparse.Namespace, store: Store) -> int:
    store.set_disabled(args.email, False)
    print(f"{args.email} is weer ingeschakeld.")
    return 0


def _list(args: argparse.Namespace, store: Store) -> int:
    from infographics.portal.accounts import account_rows

    for line in account_rows(store, args.data, args.mapping):
        print(line)
    return 0


def _audit(args: argparse.Namespace, store: Store) -> int:
    from datetime import date

    from infographics.fileio import atomic_write
    from infographics.portal.csvout import csv_text
    from infographics.portal.store import AUDIT_COLUMNS

    since = ""
    if args.since:
        try:
            since = date.fromisoformat(args.since).isoformat()
        except ValueError:
            print(f"Fout: --since {args.since}: geen datum (JJJJ-MM-DD)", file=sys.stderr)
            return 2
    rows = store.audit(since)
    text = csv_text(AUDIT_COLUMNS, ([getattr(r, c) for c in AUDIT_COLUMNS] for r in rows))
    if args.output:
        atomic_write(args.output, text)
        print(f"{len(rows)} regels geschreven naar {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text.removeprefix("\ufeff"))
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"serve": _serve,
                                                             "accounts": _accounts}
