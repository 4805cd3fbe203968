"""The portal's command line and settings: `infographics accounts add|list|disable|enable|audit`,
the checks of `infographics serve` before it starts, the database outside the output folder, the
secret key (environment or a private file made once) and the public address."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat

import pytest
from editions import SAMPLE
from portaltest import Portal, settings_for

from infographics.cli import main
from infographics.errors import InfographicsError
from infographics.portal.settings import (
    DB_ENV,
    SECRET_ENV,
    URL_ENV,
    default_db,
    public_url,
    secret_key,
)
from infographics.portal.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "state" / "portaal.sqlite"
    monkeypatch.setenv(DB_ENV, str(path))
    return path


def test_accounts_add_list_disable_enable(db, capsys):
    assert main(["accounts", "add", " Mira@KB.example.org ", "--name", "Mira"]) == 0
    assert "mira@kb.example.org is medewerker" in capsys.readouterr().out
    store = Store(db)
    account = store.account("mira@kb.example.org")
    assert account is not None
    assert account.staff
    assert not account.disabled
    assert main(["accounts", "disable", "y.devries@bibliotheek-regio-westerkwartier.example.org"]
                ) == 0
    capsys.readouterr()
    assert main(["accounts", "list", "--data", str(SAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "mira@kb.example.org\tmedewerker\tactief" in lines
    assert ("y.devries@bibliotheek-regio-westerkwartier.example.org\tbibliotheek bib-0002\t"
            "uitgeschakeld") in lines
    assert "k.bos@rijnbrink.example.org\tPOI rijnbrink\tactief" in lines
    assert "bibliotheekmonitor@kb.example.org\tlandelijk\tactief" in lines
    with (SAMPLE / "contacts.csv").open(encoding="utf-8-sig", newline="") as fh:
        addresses = {r["email"].strip().lower() for r in csv.DictReader(fh)}
    assert len(addresses) > 100
    assert len(lines) == 1 + len(addresses)  # the staff account and every contact address
    assert {line.split("\t")[0] for line in lines} == addresses | {"mira@kb.example.org"}
    assert main(["accounts", "enable", "y.devries@bibliotheek-regio-westerkwartier.example.org"]
                ) == 0
    assert not store.account("y.devries@bibliotheek-regio-westerkwartier.example.org").disabled


def test_accounts_refuse_an_invalid_address(db, capsys):
    assert main(["accounts", "add", "geen adres"]) == 2
    assert "geen geldig e-mailadres" in capsys.readouterr().err


def test_accounts_audit_csv(db, tmp_path, capsys):
    store = Store(db)
    store.log("login", "a@b.example.org", client="127.0.0.1")
    store.log("bekeken", "a@b.example.org", "po/landelijk/x.pdf", "127.0.0.1")
    store.log("login-aanvraag", "=cmd@b.example.org", detail="geen account")
    assert main(["accounts", "audit"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["event"] for r in rows] == ["login-aanvraag", "bekeken", "login"]
    assert rows[0]["account"] == "'=cmd@b.example.org"  # no formula in a spreadsheet
    assert rows[1]["file"] == "po/landelijk/x.pdf"
    out = tmp_path / "audit.csv"
    assert main(["accounts", "audit", "--since", "2000-01-01", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8-sig").count("\n") == 4
    assert main(["accounts", "audit", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # the header only
    assert main(["accounts", "audit", "--since", "gisteren"]) == 2


def test_serve_needs_a_mail_route_and_a_built_edition(db, tmp_path, capsys):
    assert main(["serve", "--out", str(tmp_path)]) == 2
    assert "--mail-outbox" in capsys.readouterr().err
    assert main(["serve", "--out", str(tmp_path), "--mail-outbox", str(tmp_path / "o")]) == 2
    assert "manifest.csv ontbreekt" in capsys.readouterr().err


def test_serve_settings(db, portal_edition, tmp_path, monkeypatch):
    from infographics.cli import _parser
    from infographics.portal.commands import serve_settings

    monkeypatch.setenv(URL_ENV, "https://monitor.kb.example.org/portaal/")
    args = _parser().parse_args(["serve", "--out", str(portal_edition), "--mail-outbox",
                                 str(tmp_path / "o"), "--port", "8123", "--https",
                                 "--proxies", "1", "--link-minutes", "15"])
    s = serve_settings(args)
    assert s is not None
    assert s.public_url == "https://monitor.kb.example.org/portaal"
    assert s.db == db
    assert s.https
    assert s.proxies == 1
    assert s.link_minutes == 15
    monkeypatch.delenv(URL_ENV)
    s = serve_settings(args)
    assert s is not None
    assert s.public_url == "http://127.0.0.1:8123"


def test_default_database_is_outside_the_output(monkeypatch, tmp_path):
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db() == tmp_path / "data" / "bibliotheekmonitor" / "portaal.sqlite"
    assert default_db({DB_ENV: "/x/p.sqlite"}) == type(default_db())("/x/p.sqlite")


@pytest.mark.parametrize("url", ["ftp://x.example.org", "https://x.example.org/?a=1",
                                 "https://user:pw@x.example.org", "x.example.org",
                                 "https://x.example.org/#top", "javascript:alert(1)"])
def test_public_url_refuses_odd_addresses(url):
    with pytest.raises(InfographicsError):
        public_url(url, {})


def test_public_url():
    assert public_url(None, {}) is None
    assert public_url("https://monitor.kb.nl/portaal/", {}) == "https://monitor.kb.nl/portaal"
    assert public_url(None, {URL_ENV: "http://127.0.0.1:8000"}) == "http://127.0.0.1:8000"


def test_secret_key_made_once_private_and_kept(tmp_path):
    db = tmp_path / "state" / "portaal.sqlite"
    first = secret_key(db, {})
    path = db.parent / "portaal.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert secret_key(db, {}) == first
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".portaal-")]
    os.chmod(path, 0o644)
    with pytest.raises(InfographicsError, match="leesbaar voor anderen"):
        secret_key(db, {})


def test_secret_key_from_the_environment(tmp_path):
    db = tmp_path / "portaal.sqlite"
    assert secret_key(db, {SECRET_ENV: "x" * 40}) == "x" * 40
    assert not (tmp_path / "portaal.secret").exists()
    with pytest.raises(InfographicsError, match="te kort"):
        secret_key(db, {SECRET_ENV: "kort"})


def test_sessions_do_not_survive_a_new_secret_key(portal_edition, editions, tmp_path):
    """The cookie is signed: another key (another server's, or a changed one) reads none."""
    portal = Portal(settings_for(portal_edition, tmp_path), editions)
    client = portal.client()
    portal.session(client, "k.bos@rijnbrink.example.org")
    assert "Uitloggen" in client.get("/").get_data(as_text=True)
    (tmp_path / "db" / "portaal.secret").unlink()
    other = Portal(settings_for(portal_edition, tmp_path), editions)
    stranger = other.client()
    stranger.set_cookie("portaal_sessie", client.get_cookie("portaal_sessie").value)
    assert "Uitloggen" not in stranger.get("/").get_data(as_text=True)


def test_the_database_is_private_in_a_folder_that_exists(tmp_path):
    """SQLite makes its file with the umask (0644); the portal's database (sessions, audit,
    addresses) is 0600 from the start, and so are its -wal and -shm files."""
    folder = tmp_path / "bestaat"
    folder.mkdir(mode=0o755)
    store = Store(folder / "portaal.sqlite")
    store.log("login", "a@b.example.org")
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert {p.name for p in folder.iterdir()} >= {"portaal.sqlite", "portaal.sqlite-wal"}
    store.close()
    old = folder / "oud.sqlite"
    old.touch(mode=0o644)
    old.chmod(0o644)
    Store(old).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600  # a database made before is made private


OLD_AUDIT = """CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('login-aanvraag', 'login', 'login-geweigerd', 'logout',
        'bekeken', 'gedownload', 'geweigerd', 'cijfers', 'cijfers-csv', 'audit')),
    account TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at);
INSERT INTO audit (at, event, account) VALUES ('2021-01-01T00:00:00.000000Z', 'login', 'x@y.nl');
"""


def test_a_database_of_the_previous_version_gets_the_new_events(tmp_path):
    path = tmp_path / "portaal.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_AUDIT)
    store = Store(path)
    store.log("gegevens", detail="nieuwe gegevens niet te lezen")
    assert [(r.event, r.account) for r in store.audit()] == [("gegevens", ""), ("login", "x@y.nl")]
    store.close()
    with sqlite3.connect(path) as db:
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "audit_at" in indexes
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO audit (at, event) VALUES ('x', 'iets anders')")
    Store(path).close()  # opened again: nothing to do


def test_serve_help_says_what_proxies_is_for(capsys):
    """Without --proxies behind a reverse proxy every visitor has the proxy's address: they all
    share one per-client limit. The help says so."""
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--proxies" in text
    assert "delen alle bezoekers" in text
