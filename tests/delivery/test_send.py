"""Delivery end to end (issue 6): the whole sample edition sent to a real SMTP server (aiosmtpd
on 127.0.0.1), counted and opened at the server; reruns, a run killed halfway, the dry run with
real pages, redirecting, changed attachments, reconciliation stopping a run, the CLI.

The full-edition tests use the stand-in edition of tests/mailtest.py (every file and manifest
row of the sample edition, every year, tiny pages that say whose they are), mailed for its
latest school year (`LATEST`, carrying the partners edition 2022) as `send` does by default;
the dry-run tests use real pages (tests/editions.py's small edition, 2020-2021 only).
"""

from __future__ import annotations

import csv
import email
import hashlib
import io
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from email import policy
from pathlib import Path

import pypdf
import pytest
from editions import LIBRARIES, copy_edition
from mailtest import (
    LATEST,
    SAMPLE,
    SENDER,
    YEAR,
    attachments,
    entitlements,
    pdf_standin,
    standin_edition,
    standin_pdf,
    start_server,
    zip_members,
)
from mailtest import server as server  # noqa: F401 -- the fixture

from infographics import cli
from infographics.data.read import load
from infographics.delivery.ledger import Ledger
from infographics.delivery.mailplan import contacts_from_table, editions_of
from infographics.delivery.send import (
    Options,
    blocking_lines,
    deliver,
    listed,
    status_rows,
    summary_lines,
)
from infographics.delivery.smtp import SmtpSettings
from infographics.edition.bundle import make_bundles
from infographics.edition.entitlement import Recipient
from infographics.edition.manifest import read_manifest, update_manifest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def edition(tmp_path_factory, ctx) -> Path:
    return standin_edition(tmp_path_factory, ctx)


@pytest.fixture(scope="module")
def contacts():
    return contacts_from_table(load(SAMPLE).contacts)


def options(out: Path, tmp: Path, port: int | None = None, **kw) -> Options:
    base = dict(data=SAMPLE, out=out, outbox=tmp / "outbox", ledger=tmp / "log.sqlite",
                sender=SENDER, rate=0, retry_delay=0.01)
    if port is not None:
        base.update(send=True, smtp=SmtpSettings("127.0.0.1", port, "none", timeout=10))
    base.update(kw)
    return Options(**base)


def cli_args(out: Path, tmp: Path, port: int, *extra: str) -> list[str]:
    return ["send", "--data", str(SAMPLE), "--out", str(out), "--send", "--smtp-host",
            "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--from", SENDER,
            "--rate", "0", "--retry-delay", "0.01", "--ledger", str(tmp / "log.sqlite"),
            "--outbox", str(tmp / "outbox"), *extra]


def group_of(msg) -> Recipient:
    key = msg["X-Bibliotheekmonitor"].split()[1]  # library-bib-0001, poi-zb, national
    kind, _, entity = key.partition("-")
    return Recipient(kind, entity)


# --------------------------------------------------------------------------- the full send


def assert_page_may_go(group: Recipient, data: bytes, ents) -> None:
    """A PDF attachment is a page of the mail's editions that this group may have."""
    level, entity, _, year = pdf_standin(data)
    assert year in editions_of(LATEST)
    if group.kind == "library":  # never another library's local page
        assert level in ("national", "province", "library")
        assert level != "library" or entity == group.entity_id
        assert level != "province" or entity == ents.province_of(year, group.entity_id)
    elif group.kind == "poi":
        assert level in ("national", "province")
        assert level != "province" or ents.province_poi[entity] == group.entity_id
    else:
        assert level == "national"


def zip_entries(group: Recipient, name: str, data: bytes, by_sha: dict, ents) -> list:
    """The manifest entries a zip attachment delivers, checked: a library's school pages are
    its own, a POI's bundle holds local and school pages of its own libraries only."""
    members = zip_members(data)
    if group.kind == "library":
        assert name.startswith(f"vo-{LATEST}-sterrenchecklists-")
        entries = []
        for member in members.values():
            level, _, library, _ = pdf_standin(member)
            assert (level, library) == ("school", group.entity_id)
            entries.append(by_sha[hashlib.sha256(member).hexdigest()])
        return entries
    bundle = by_sha[hashlib.sha256(data).hexdigest()]
    assert (bundle.level, bundle.entity_id) == ("bundle", group.entity_id)
    for member in members.values():
        level, _, library, year = pdf_standin(member)
        assert year == bundle.school_year
        if level in ("library", "school"):
            assert ents.poi_of_library(year, library) == group.entity_id
    return [bundle]


def test_full_send_reaches_every_contact_once_with_exactly_its_own_files(edition, server,
                                                                         contacts, tmp_path):
    result = deliver(options(edition, tmp_path, server.port))
    assert result.ok
    assert not result.blocking
    received = server.mailbox.received
    # exactly one message per recipient address, and every contact is a recipient
    assert server.mailbox.per_address() == Counter({c.address: 1 for c in contacts})
    assert len(received) == 144  # 134 libraries, 9 POIs, national: one mail per group
    ents = entitlements()
    manifest = read_manifest(edition)
    by_sha = {e.sha256: e for e in manifest.values()}
    members_of = {(c.kind, c.entity_id): set() for c in contacts}
    for c in contacts:
        members_of[(c.kind, c.entity_id)].add(c.address)
    for rec in received:
        msg = rec.message()
        group = group_of(msg)
        assert {a.lower() for a in rec.rcpt_tos} == members_of[(group.kind, group.entity_id)]
        sent_entries = []
        for name, ctype, data in attachments(msg):
            if ctype == "application/pdf":
                assert_page_may_go(group, data, ents)
                sent_entries.append(by_sha[hashlib.sha256(data).hexdigest()])
            else:
                assert ctype == "application/zip"
                sent_entries += zip_entries(group, name, data, by_sha, ents)
        levels = {"library": ("national", "province", "library", "school"),
                  "poi": ("national", "province", "bundle"), "national": ("national",)}
        expected = {e.path for e in manifest.values()
                    if e.level in levels[group.kind] and ents.may_receive(group, e)
                    and e.school_year in editions_of(LATEST)}
        assert {e.path for e in sent_entries} == expected, group
    # and a rerun sends nothing
    again = deliver(options(edition, tmp_path, server.port))
    assert again.sent.messages == 0
    assert len(server.mailbox.received) == 144
    with Ledger.read(tmp_path / "log.sqlite") as ledger:
        rows = ledger.rows()
    assert len(rows) == len(contacts)
    assert {r.status for r in rows} == {"sent"}


def test_killed_between_messages_and_rerun_delivers_every_message_exactly_once(
        edition, server, contacts, tmp_path):
    errors = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "infographics.cli",
                             *cli_args(edition, tmp_path, server.port)],
                            stdout=subprocess.DEVNULL, stderr=errors, cwd=REPO)

    def kill(count: int) -> None:
        if count >= 60 and proc.poll() is None:
            proc.kill()  # at the 61st MAIL: the 60th is confirmed and logged, the 61st not begun
            proc.wait()

    server.mailbox.before_mail = kill
    assert proc.wait(timeout=120) == -9
    first = len(server.mailbox.received)
    assert first == 60
    server.mailbox.before_mail = None
    assert cli.main(cli_args(edition, tmp_path, server.port)) == 0
    assert server.mailbox.per_address() == Counter({c.address: 1 for c in contacts})
    assert len(server.mailbox.received) == 144


def test_killed_after_the_server_took_a_message_it_is_uncertain_and_not_sent_twice(
        edition, server, tmp_path, capsys):
    only = ["--only", "bib-0001", "bib-0002", "bib-0003", "bib-0005", "bib-0006"]
    proc = subprocess.Popen([sys.executable, "-m", "infographics.cli",
                             *cli_args(edition, tmp_path, server.port, *only)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)

    def kill(count: int) -> None:
        if count == 3 and proc.poll() is None:
            proc.kill()  # the server has the 3rd message; the sender never hears "250"
            proc.wait()

    server.mailbox.before_reply = kill
    assert proc.wait(timeout=120) == -9
    server.mailbox.before_reply = None
    assert len(server.mailbox.received) == 3
    third = server.mailbox.received[2].rcpt_tos[0].lower()
    assert cli.main(cli_args(edition, tmp_path, server.port, *only)) == 0
    out = capsys.readouterr().out
    assert "Onzeker" in out
    assert "--resend-uncertain" in out
    assert server.mailbox.per_address() == Counter(
        {a.lower(): 1 for r in server.mailbox.received for a in r.rcpt_tos})
    assert len(server.mailbox.received) == 5
    rows = {r.address: r for r in status_rows(options(edition, tmp_path))}
    assert rows[third].status == "uncertain"
    assert cli.main(cli_args(edition, tmp_path, server.port, "--status")) == 0
    assert "onzeker" in capsys.readouterr().out
    # asked for explicitly, the uncertain one goes again (same Message-ID as the first time)
    assert cli.main(cli_args(edition, tmp_path, server.port, *only,
                             "--resend-uncertain")) == 0
    assert server.mailbox.per_address()[third] == 2
    first, second = (r.message()["Message-ID"] for r in server.mailbox.received
                     if third in (a.lower() for a in r.rcpt_tos))
    assert first == second


def test_temporary_refusal_is_retried_and_a_permanent_one_fails_only_that_address(
        edition, server, tmp_path):
    box = server.mailbox
    box.temporary["d.hoekstra@bibliotheek-hunzedal.example.org"] = 2  # bib-0001
    box.permanent.add("f.degroot@bibliotheek-hogeland.example.org")  # bib-0004's to; cc ok
    opts = options(edition, tmp_path, server.port,
                   only=["bib-0001", "bib-0002", "bib-0004", "bib-0005"])
    result = deliver(opts)
    counts = box.per_address()
    assert counts["d.hoekstra@bibliotheek-hunzedal.example.org"] == 1
    assert box.refused["d.hoekstra@bibliotheek-hunzedal.example.org"] == 2
    assert "f.degroot@bibliotheek-hogeland.example.org" not in counts
    assert counts["s.peters@bibliotheek-hogeland.example.org"] == 1  # the cc of the same mail
    assert counts["f.sanchez@bibliotheek-westerkwartier.example.org"] == 1  # bib-0005
    assert result.sent.retried == 2
    assert len(result.sent.failed) == 1
    assert not result.ok
    with (tmp_path / "failures.csv").open(encoding="utf-8") as fh:
        failures = list(csv.DictReader(fh))
    assert [(f["address"], f["status"]) for f in failures] == [
        ("f.degroot@bibliotheek-hogeland.example.org", "mislukt")]
    assert failures[0]["reason"].startswith("geweigerd: 550")
    # a rerun tries the failed address again, and only that one
    box.permanent.clear()
    again = deliver(opts)
    assert again.ok
    assert again.sent.sent == [("library-bib-0004",
                                             "f.degroot@bibliotheek-hogeland.example.org")]
    assert set(box.per_address().values()) == {1}


# --------------------------------------------------------------------------- dry run, redirect


def test_dry_run_writes_eml_files_that_parse_back_with_real_pdf_pages(tmp_path_factory, ctx,
                                                                       tmp_path):
    out = copy_edition(tmp_path_factory, ctx, "mail-dry")
    make_bundles(out, entitlements())
    opts = options(out, tmp_path, only=[*LIBRARIES, "rijnbrink", "national"])
    result = deliver(opts)
    assert not result.blocking, result.blocking
    assert not (tmp_path / "log.sqlite").exists()  # a dry run does not touch the ledger
    emls = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(emls) == len(LIBRARIES) + 2 == len(result.written)
    names = {lib: entitlements().library_names[(YEAR, lib)] for lib in LIBRARIES}
    for path in emls:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["Message-ID"]
        assert msg["Date"]
        assert msg["From"] == SENDER
        assert msg.get_body(("plain",)).get_content().startswith("Beste ")
        assert "<ul>" in msg.get_body(("html",)).get_content()
        group = group_of(msg)
        for name, ctype, data in attachments(msg):
            if ctype != "application/pdf":
                continue
            reader = pypdf.PdfReader(io.BytesIO(data))
            assert len(reader.pages) == 1
            if "/lokaal/" not in name and "bibliotheek" in name and group.kind == "library":
                text = " ".join(reader.pages[0].extract_text().split())
                assert names[group.entity_id] in text
    with (tmp_path / "outbox" / "overzicht.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(emls)


def test_every_mail_names_the_portal_when_one_is_configured(tmp_path_factory, ctx, tmp_path):
    """One product, two channels: with the portal's address set, each mail says where the same
    files and figures are online; without it, no mail mentions a portal."""
    out = copy_edition(tmp_path_factory, ctx, "mail-portal")
    make_bundles(out, entitlements())
    url = "https://monitor.kb.example/portaal"
    for portal_url, outbox in ((url, "met"), (None, "zonder")):
        opts = options(out, tmp_path / outbox, only=[LIBRARIES[0], "rijnbrink", "national"],
                       portal_url=portal_url)
        assert not deliver(opts).blocking
        for path in sorted((tmp_path / outbox / "outbox").glob("*.eml")):
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            text = msg.get_body(("plain",)).get_content()
            html = msg.get_body(("html",)).get_content()
            if portal_url:
                assert f"Bibliotheekmonitor-portaal: {url} (inloggen" in " ".join(text.split())
                assert f'<a href="{url}">' in html
            else:
                assert "portaal" not in text + html


def test_redirect_sends_everything_to_the_test_inbox_and_logs_nothing(edition, server,
                                                                      tmp_path):
    opts = options(edition, tmp_path, server.port, redirect_to="ik@kb.example.org",
                   only=["bib-0004", "zb"], limit=5)
    result = deliver(opts)
    assert result.ok
    assert len(server.mailbox.received) == 2
    for rec in server.mailbox.received:
        assert rec.rcpt_tos == ["ik@kb.example.org"]
        msg = rec.message()
        assert msg["To"] == "ik@kb.example.org"
        assert msg["Cc"] is None
        assert msg["Subject"].startswith("[TEST voor ")
        assert "TESTBERICHT" in msg.get_body(("plain",)).get_content()
    bib4 = next(r.message() for r in server.mailbox.received
                if "Hogeland" in r.message()["Subject"])
    assert "f.degroot@bibliotheek-hogeland.example.org" in bib4["Subject"]
    assert "cc: s.peters@bibliotheek-hogeland.example.org" in bib4["Subject"]
    assert not (tmp_path / "log.sqlite").exists()
    # a real send afterwards still sends everything
    real = deliver(options(edition, tmp_path, server.port, only=["bib-0004", "zb"]))
    assert real.sent.messages == 2


def test_limit_and_only_narrow_a_run(edition, server, tmp_path):
    opts = options(edition, tmp_path, server.port, only=["bib-0010", "bib-0011", "bib-0012"],
                   limit=2)
    first = deliver(opts)
    assert first.sent.messages == 2
    second = deliver(opts)
    assert second.sent.messages == 1
    assert len(server.mailbox.received) == 3


# --------------------------------------------------------------------------- changes, stops


def test_a_changed_attachment_is_reported_and_resent_only_when_asked(edition, server, tmp_path):
    out = tmp_path / "ed"
    shutil.copytree(edition, out)
    opts = options(out, tmp_path, server.port, only=["bib-0007"])
    assert deliver(opts).sent.messages == 1
    manifest = read_manifest(out)
    local = next(e for e in manifest.values() if e.level == "library"
                 and e.entity_id == "bib-0007" and e.subject == "po" and e.school_year == LATEST)
    data = standin_pdf("library", "bib-0007", "bib-0007", LATEST) + b"\n% rebuilt\n"
    (out / local.path).write_bytes(data)
    update_manifest(out, [replace(local, sha256=hashlib.sha256(data).hexdigest())])
    again = deliver(opts)
    assert again.sent.messages == 0
    assert set(again.planned[0].states.values()) == {"changed"}
    rows = [r for r in status_rows(opts) if r.status == "skipped"]
    assert len(rows) == 2
    assert "--resend-changed" in rows[0].error
    (line,) = [x for x in summary_lines(again, opts) if x.startswith("Bijlage gewijzigd")]
    assert line == ("Bijlage gewijzigd na verzending: 2 adressen; niet opnieuw verstuurd zonder "
                    f"--resend-changed. Gewijzigd: {local.path}.")
    forced = deliver(options(out, tmp_path, server.port, only=["bib-0007"], resend_changed=True))
    assert forced.sent.messages == 1
    assert server.mailbox.per_address()["d.brouwer@bibliotheek-lauwersmar.example.org"] == 2


def test_serious_problems_stop_a_send_unless_allowed_per_kind(edition, server, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    with (data / "contacts.csv").open("a", encoding="utf-8") as fh:
        fh.write("library,bib-0003,Iemand,geen-adres,to\n")  # invalid address
        fh.write("library,bib-9999,Niemand,n@bibliotheek-nergens.example.org,to\n")
    opts = options(edition, tmp_path, server.port, data=data, only=["bib-0003"])
    stopped = deliver(opts)
    assert {p.kind for p in stopped.blocking} == {"ongeldig-adres", "onbekende-ontvanger"}
    assert stopped.sent is None
    assert server.mailbox.received == []
    allowed = deliver(options(edition, tmp_path, server.port, data=data, only=["bib-0003"],
                          allow=["ongeldig-adres", "onbekende-ontvanger"]))
    assert allowed.ok
    assert [r.rcpt_tos for r in server.mailbox.received] == [
        ["i.wouters@bibliotheek-regio-oldambt.example.org"]]


def test_cli_dry_run_prints_a_summary_and_sends_nothing(edition, tmp_path, capsys):
    server = start_server()
    try:
        args = cli_args(edition, tmp_path, server.port, "--only", "bib-0020", "national")
        args.remove("--send")
        assert cli.main(args) == 0
        out = capsys.readouterr().out
        assert "Proefrun: 2 berichten geschreven" in out
        assert "niets verstuurd" in out
        assert server.mailbox.received == []
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    finally:
        server.stop()


def test_cli_refuses_unknown_allow_kinds_and_bad_redirect(edition, tmp_path, capsys):
    assert cli.main(cli_args(edition, tmp_path, 1, "--allow", "alles")) == 2
    assert "onbekende soort" in capsys.readouterr().err
    assert cli.main(cli_args(edition, tmp_path, 1, "--redirect-to", "ik-at-kb")) == 2
    assert "geen geldig e-mailadres" in capsys.readouterr().err


def test_config_file_gives_smtp_settings_but_never_passwords(edition, server, tmp_path, capsys):
    conf = tmp_path / "send.toml"
    conf.write_text(f'[send]\nsmtp_host = "127.0.0.1"\nsmtp_port = {server.port}\n'
                    f'smtp_security = "none"\nfrom = "{SENDER}"\nrate = 0\n', encoding="utf-8")
    args = ["send", "--data", str(SAMPLE), "--out", str(edition), "--send", "--config",
            str(conf), "--ledger", str(tmp_path / "log.sqlite"), "--only", "bib-0030"]
    assert cli.main(args) == 0
    assert len(server.mailbox.received) == 1
    assert "Verstuurd: 1 bericht aan 1 adres;" in capsys.readouterr().out
    conf.write_text('[send]\nsmtp_host = "x"\nsmtp_password = "geheim"\n', encoding="utf-8")
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "horen niet in een bestand" in err
    assert "geheim" not in err


def test_an_empty_redirect_address_is_refused_not_taken_as_a_real_send(edition, server,
                                                                       tmp_path, capsys):
    # `--redirect-to "$ME"` with $ME unset: a test send must never turn into a real one
    args = cli_args(edition, tmp_path, server.port, "--only", "bib-0004", "--redirect-to", "")
    assert cli.main(args) == 2
    assert "geen geldig e-mailadres" in capsys.readouterr().err
    assert server.mailbox.received == []


def test_a_rerun_with_another_size_limit_sends_no_bundle_twice(edition, server, tmp_path):
    # the POI bundle went out whole; a rerun with a smaller --max-size-mb (to get a few other
    # mails past a strict server) splits it, but the POI already has every page of it
    assert deliver(options(edition, tmp_path, server.port, only=["zb"])).sent.messages == 1
    again = deliver(options(edition, tmp_path, server.port, only=["zb"], max_size=40_000))
    assert len(again.planned) > 1
    assert again.sent.messages == 0
    assert len(server.mailbox.received) == 1
    # and the other way round: sent in parts, then a rerun with room for the whole bundle
    split = deliver(options(edition, tmp_path, server.port, only=["biblionet-drenthe"],
                        max_size=40_000))
    assert split.sent.messages > 1
    whole = deliver(options(edition, tmp_path, server.port, only=["biblionet-drenthe"]))
    assert len(whole.planned) == 1
    assert whole.sent.messages == 0


def test_the_summary_counts_addresses_one_way_and_says_so(edition, server, tmp_path):
    # the POI's mail in several parts to 2 addresses: every count is of unique addresses,
    # and the (part, address) pairs are named as such ("zendingen")
    opts = options(edition, tmp_path, server.port, only=["zb"], max_size=40_000)
    first = deliver(opts)
    parts = len(first.planned)
    assert parts > 1
    lines = summary_lines(first, opts)
    assert lines[0] == (f"Schooljaar {LATEST}: 1 ontvangersgroep, {parts} berichten aan 2 adressen "
                        f"({2 * parts} zendingen; een zending is één bericht aan één adres).")
    assert any(x.startswith(f"Verstuurd: {parts} berichten aan 2 adressen ({2 * parts} "
                            "zendingen); mislukt: 0 adressen, onzeker: 0 adressen in ")
               for x in lines)
    again = summary_lines(deliver(opts), opts)
    assert again[0] == lines[0]
    assert again[1] == (f"Al verstuurd (volgens het verzendlog): 2 adressen ({2 * parts} "
                        "zendingen); die gaan niet opnieuw.")


def test_counts_in_the_messages_are_singular_for_one():
    class P:
        kind = "ongeldig-adres"

    assert blocking_lines([P()])[0] == "1 ernstig probleem (ongeldig-adres)."
    assert blocking_lines([P(), P()])[0] == "2 ernstige problemen (ongeldig-adres)."


def test_long_lists_of_files_are_cut_after_ten():
    assert listed(["a", "b"]) == "a, b"
    names = [f"f{i:02d}.pdf" for i in range(13)]
    assert listed(names) == ", ".join(names[:10]) + " en 3 meer"


def test_status_without_a_ledger_says_nothing_was_sent(edition, tmp_path, capsys):
    args = ["send", "--data", str(SAMPLE), "--out", str(edition), "--status",
            "--ledger", str(tmp_path / "nog-niet" / "log.sqlite")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out == f"Nog niets verstuurd: er is geen verzendlog in {tmp_path / 'nog-niet'}.\n"
    assert not (tmp_path / "nog-niet").exists()


def test_the_allow_kinds_are_listed_in_the_help_and_the_readme(capsys):
    from infographics.delivery.reconcile import ALLOWABLE, NEVER_ALLOWED

    with pytest.raises(SystemExit):
        cli.main(["send", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    versturen = readme.split("## Versturen", 1)[1].split("\n## ", 1)[0]
    for kind in (*ALLOWABLE, *NEVER_ALLOWED):
        assert kind in help_text
        assert f"`{kind}`" in versturen


def test_the_default_send_log_outlives_the_edition_folder(edition, server, tmp_path):
    """Without --ledger the send log is the user's own (here $INFOGRAPHICS_VERZENDLOG), not a
    file in the output folder: the same edition copied to a new folder, or the old folder
    deleted and rebuilt, sends nothing a second time."""
    first = tmp_path / "uitvoer"
    shutil.copytree(edition, first)
    opts = options(first, tmp_path, server.port, ledger=None, only=["bib-0001", "bib-0027"])
    assert opts.ledger_path == tmp_path / "verzendlog.sqlite"  # the conftest's own log
    result = deliver(opts)
    sent = sum(server.mailbox.per_address().values())
    assert result.ok
    assert sent > 0
    assert not (first / "verzending" / "verzendlog.sqlite").exists()
    shutil.rmtree(first)
    second = tmp_path / "uitvoer-2"
    shutil.copytree(edition, second)
    deliver(options(second, tmp_path, server.port, ledger=None, only=["bib-0001", "bib-0027"]))
    assert sum(server.mailbox.per_address().values()) == sent
