"""Portal settings: the command line and the environment into one frozen `Settings`, and the
two things that live beside the database: where it is, and the secret key.

Nothing here imports the web framework, so `delivery` (the mails of `send` naming the portal's
address) and the command line can read `public_url` cheaply.

- The database (`--db`): `$INFOGRAPHICS_PORTAAL_DB`, else
  `$XDG_DATA_HOME/bibliotheekmonitor/portaal.sqlite` (`~/.local/share/...`), outside any output
  folder, like the send log: rebuilding or deleting an edition never forgets accounts or audit.
- The secret key that signs the session cookie: `$INFOGRAPHICS_PORTAAL_SECRET`, else generated
  once into `portaal.secret` beside the database (mode 0600); never on the command line.
- The public address (`--public-url` or `$INFOGRAPHICS_PORTAAL_URL`): the base of the links in
  login mails (never taken from a request's Host header) and of the portal in `send`'s mails.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from infographics.errors import InfographicsError

if TYPE_CHECKING:
    from infographics.delivery.smtp import SmtpSettings

DB_ENV: Final = "INFOGRAPHICS_PORTAAL_DB"
SECRET_ENV: Final = "INFOGRAPHICS_PORTAAL_SECRET"
URL_ENV: Final = "INFOGRAPHICS_PORTAAL_URL"
SECRET_FILE: Final = "portaal.secret"
MIN_SECRET: Final = 32  # characters of a secret key from the environment
DEFAULT_SENDER: Final = "Team Bibliotheekmonitor <bibliotheekmonitor@afzender.invalid>"


def default_db(environ: Mapping[str, str] | None = None) -> Path:
    """$INFOGRAPHICS_PORTAAL_DB, else $XDG_DATA_HOME/bibliotheekmonitor/portaal.sqlite."""
    env = os.environ if environ is None else environ
    if env.get(DB_ENV):
        return Path(env[DB_ENV])
    base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "bibliotheekmonitor" / "portaal.sqlite"


def public_url(value: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The portal's public address, without a trailing slash: `value` (--public-url), else
    $INFOGRAPHICS_PORTAAL_URL, else None (no portal configured). Raises InfographicsError for
    an address that is not a plain http(s) URL."""
    env = os.environ if environ is None else environ
    text = (value or env.get(URL_ENV) or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise InfographicsError(f"portaaladres {text!r}: geef een http(s)-adres zonder "
                                "vraagteken, # of gebruikersnaam, bijvoorbeeld "
                                "https://monitor.kb.nl/portaal")
    return text.rstrip("/")


def secret_key(db: Path, environ: Mapping[str, str] | None = None) -> str:
    """$INFOGRAPHICS_PORTAAL_SECRET, else the key in `portaal.secret` beside the database,
    made once (mode 0600, created exclusively: two servers starting together share one)."""
    env = os.environ if environ is None else environ
    if env.get(SECRET_ENV):
        if len(env[SECRET_ENV]) < MIN_SECRET:
            raise InfographicsError(f"{SECRET_ENV} is te kort: minstens {MIN_SECRET} tekens")
        return env[SECRET_ENV]
    path = Path(db).parent / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    if path.stat().st_mode & 0o077:
        raise InfographicsError(f"{path} is leesbaar voor anderen; zet de rechten op 0600 "
                                "(chmod 600) of maak een nieuwe sleutel")
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_SECRET:
        raise InfographicsError(f"{path}: sleutel te kort; verwijder het bestand voor een nieuwe")
    return text


def _create_secret(path: Path) -> None:
    """Write a new key to a private temporary file and link it into place: the key appears
    whole or not at all, and an existing key (another process was first) is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".portaal-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: keep its key
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


@dataclass(frozen=True)
class Limits:
    """Rate limits (Flask-Limiter notation). A client beyond its login, confirm or refusal
    limit is answered 429. The mails to one address are only counted: beyond its budget a login
    request for it is dropped (audited) with the same answer as any other, so nobody can lock a
    contact out; its windows are at most an hour, and the mails sent within them carry links
    that still work."""

    login_per_client: str = "10 per minute;60 per hour"
    mail_per_address: str = "3 per 10 minutes;6 per hour"
    confirm_per_client: str = "10 per minute;60 per hour"
    refusals_per_client: str = "30 per minute;300 per hour"  # audited refusals of files, logins


@dataclass(frozen=True)
class Settings:
    """Everything `infographics serve` runs with."""

    data: Path
    out: Path
    db: Path
    public_url: str  # base of the links in login mails
    mapping: Path | None = None
    layouts: Path | None = None
    sender: str = DEFAULT_SENDER
    mail_outbox: Path | None = None  # .eml files instead of SMTP (trials, tests)
    smtp: SmtpSettings | None = field(default=None, repr=False)
    link_minutes: int = 30
    session_hours: int = 8
    https: bool = False  # served over https (behind a proxy): Secure cookies, HSTS
    proxies: int = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted
    help_address: str = ""  # whom to ask for an account; the sender's address when empty
    limits: Limits = field(default_factory=Limits)
    limiter_storage: str = "memory://"
    reload_seconds: float = 2.0  # how often the manifest and data are checked for changes

    @property
    def thumbnails(self) -> Path:
        """The thumbnail cache: beside the database, never inside an edition."""
        return Path(self.db).parent / "portaal-miniaturen"
