"""Hostile and malformed input on the delivery side (issue 16): a send never stops for one
recipient, data never becomes a path, and no header is made from data that is unsafe.

Sending is the second line of defence: `validate` refuses line breaks in names and addresses
that need SMTPUTF8 (issue 16's input side), so these tests put the poison into the tables
*after* loading, as if validation had missed it, and check that sending holds on its own.
The mails go to a real SMTP server (aiosmtpd on 127.0.0.1) from the stand-in edition of
tests/mailtest.py.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from mailtest import LATEST, SAMPLE, SENDER, copy_tree, standin_edition
from mailtest import server as server  # noqa: F401 -- the fixture

from infographics import cli
from infographics.data.read import Tables, load
from infographics.delivery import send
from infographics.delivery.ledger import Ledger
from infographics.delivery.mailplan import contacts_from_table
from infographics.delivery.send import Options, deliver
from infographics.delivery.smtp import SmtpSettings
from infographics.edition.manifest import read_manifest
from infographics.fileio import slug
from infographics.resources import TEMPLATES

ONLY = ["bib-0001", "bib-0002", "bib-0003", "bib-0004", "bib-0005"]  # 6 contacts
ROW = {"bib-0003": 4, "bib-0004-to": 5}  # spreadsheet rows in the sample's contacts.csv
POISONED = "i.wouters@bibliotheek-regio-oldambt.example.org"  # bib-0003, the 3rd of 5 mails


@pytest.fixture(scope="module")
def edition(tmp_path_factory, ctx) -> Path:
    return standin_edition(tmp_path_factory, ctx)


@pytest.fixture(scope="module")
def addresses() -> set[str]:
    return {c.address for c in contacts_from_table(load(SAMPLE).contacts)
            if c.entity_id in ONLY}


def options(out: Path, tmp: Path, port: int | None = None, **kw) -> Options:
    base = dict(data=SAMPLE, out=out, outbox=tmp / "outbox", ledger=tmp / "log.sqlite",
                sender=SENDER, rate=0, retry_delay=0.01, only=ONLY)
    if port is not None:
        base.update(send=True, smtp=SmtpSettings("127.0.0.1", port, "none", timeout=10))
    base.update(kw)
    return Options(**base)


def cli_args(out: Path, tmp: Path, port: int) -> list[str]:
    return ["send", "--data", str(SAMPLE), "--out", str(out), "--send", "--smtp-host",
            "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--from", SENDER,
            "--rate", "0", "--retry-delay", "0.01", "--ledger", str(tmp / "log.sqlite"),
            "--outbox", str(tmp / "outbox"), "--only", *ONLY]


def poison(monkeypatch: pytest.MonkeyPatch, contacts: dict[int, dict[str, str]] | None = None,
           libraries: dict[str, dict[str, str]] | None = None) -> None:
    """Put values into the loaded tables past validation: contact cells by spreadsheet row,
    library cells by library id."""
    real = send.load_tables

    def load_tables(data: Path, mapping: Path | None = None) -> tuple[Tables, list]:
        tables, errors = real(data, mapping)
        people, libs = tables.contacts.copy(), tables.libraries.copy()
        for row, values in (contacts or {}).items():
            for column, value in values.items():
                people[column] = people[column].astype(object)
                people.loc[people["_row"] == row, column] = value
        for lib, values in (libraries or {}).items():
            for column, value in values.items():
                libs[column] = libs[column].astype(object)
                libs.loc[libs["library_id"] == lib, column] = value
        return replace(tables, contacts=people, libraries=libs), errors

    monkeypatch.setattr(send, "load_tables", load_tables)


def local_page(out: Path, subject: str, library_id: str) -> Path:
    """The library's local page of `subject` in the mail of the latest school year."""
    (entry,) = [e for e in read_manifest(out).values() if e.level == "library"
                and e.subject == subject and e.entity_id == library_id
                and e.school_year == LATEST]
    return out / entry.path


def failures(tmp: Path) -> list[dict[str, str]]:
    with (tmp / "failures.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- one recipient


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("name", "Ingrid\nWouters", "regeleinde"),
    ("email", POISONED + "\r\nBcc: iedereen@example.org", "regeleinde"),
    ("email", "ìngrid.wouters@bibliotheek-regio-oldambt.example.org", "SMTPUTF8"),
])
def test_one_poisoned_contact_fails_alone_and_the_run_goes_on(
        edition, server, addresses, tmp_path, monkeypatch, column, value, reason):
    poison(monkeypatch, {ROW["bib-0003"]: {column: value}})
    result = deliver(options(edition, tmp_path, server.port))
    box = server.mailbox
    assert box.per_address() == Counter({a: 1 for a in addresses if a != POISONED})
    assert not any("bcc" in a.lower() or "iedereen" in a for r in box.received
                   for a in r.rcpt_tos)
    assert all(b"iedereen" not in r.data for r in box.received)
    assert not result.ok
    assert [(key, why.split(":")[0]) for key, _, why in result.sent.failed] == [
        ("library-bib-0003", "niet verstuurd")]
    (row,) = failures(tmp_path)
    address = value.lower() if column == "email" else POISONED
    assert (row["entity_id"], row["status"], row["address"]) == ("bib-0003", "mislukt", address)
    assert reason in row["reason"]
    # a rerun with the poison still there tries that one again, and nobody else
    again = deliver(options(edition, tmp_path, server.port))
    assert again.sent.messages == 0
    assert len(again.sent.failed) == 1
    assert len(box.received) == len(ONLY) - 1  # one mail per library
    # once the contact is put right, it gets the mail, once
    monkeypatch.undo()
    fixed = deliver(options(edition, tmp_path, server.port))
    assert fixed.ok
    assert fixed.sent.sent == [("library-bib-0003", POISONED)]
    assert box.per_address() == Counter({a: 1 for a in addresses})


def test_a_poisoned_to_contact_leaves_the_cc_of_the_same_mail_addressed(
        edition, server, tmp_path, monkeypatch):
    poison(monkeypatch, {ROW["bib-0004-to"]: {"name": "Femke\r\nde Groot"}})
    result = deliver(options(edition, tmp_path, server.port, only=["bib-0004"]))
    (rec,) = server.mailbox.received
    assert rec.rcpt_tos == ["s.peters@bibliotheek-hogeland.example.org"]
    msg = rec.message()
    assert msg["To"] == "Sanne Peters <s.peters@bibliotheek-hogeland.example.org>"
    assert msg["Cc"] is None
    assert msg.get_body(("plain",)).get_content().startswith("Beste Sanne Peters,")
    assert [a for _, a, _ in result.sent.failed] == ["f.degroot@bibliotheek-hogeland.example.org"]


def test_the_cli_says_who_failed_and_why_and_exits_non_zero(edition, server, addresses,
                                                            tmp_path, monkeypatch, capsys):
    poison(monkeypatch, {ROW["bib-0003"]: {"name": "Ingrid\nWouters"}})
    assert cli.main(cli_args(edition, tmp_path, server.port)) == 1
    out, err = capsys.readouterr()
    assert f"MISLUKT library-bib-0003 aan {POISONED}: niet verstuurd: " in err
    assert "naam bevat een regeleinde (U+000A); verbeter contacts.csv, rij 4" in err
    assert "mislukt: 1 adres" in out
    assert server.mailbox.per_address() == Counter({a: 1 for a in addresses if a != POISONED})
    with Ledger.read(tmp_path / "log.sqlite") as ledger:
        statuses = {r.address: r.status for r in ledger.rows()}
    assert statuses == {a: "failed" if a == POISONED else "sent" for a in addresses}


def test_an_attachment_gone_or_changed_during_the_run_fails_that_mail_only(
        edition, server, addresses, tmp_path):
    out = copy_tree(edition, tmp_path / "out")
    gone = local_page(out, "po", "bib-0003")
    changed = local_page(out, "vo", "bib-0005")

    def meddle(count: int) -> None:
        if count == 0:  # the first mail is on its way: the planning and the checks are done
            gone.unlink()
            changed.write_bytes(changed.read_bytes() + b"\n% gewijzigd\n")

    server.mailbox.before_mail = meddle
    result = deliver(options(out, tmp_path, server.port))
    lost = {POISONED, "f.sanchez@bibliotheek-westerkwartier.example.org"}
    assert server.mailbox.per_address() == Counter({a: 1 for a in addresses - lost})
    reasons = {a: why for _, a, why in result.sent.failed}
    assert set(reasons) == lost
    assert f"{gone.name}: kan niet gelezen worden" in reasons[POISONED]
    assert "veranderd sinds de controle" in reasons["f.sanchez@bibliotheek-westerkwartier"
                                                    ".example.org"]
    assert all(why.startswith("niet verstuurd: bericht kon niet worden gemaakt: ")
               for why in reasons.values())
    assert {r["address"] for r in failures(tmp_path)} == lost


def test_a_template_error_for_one_recipient_fails_that_mail_only(edition, server, addresses,
                                                                  tmp_path):
    own = tmp_path / "sjablonen"
    own.mkdir()
    body = (TEMPLATES / "mail" / "body.txt.j2").read_text(encoding="utf-8")
    (own / "body.txt.j2").write_text(
        '{% if entity_id == "bib-0003" %}{{ geen_veld }}{% endif %}' + body, encoding="utf-8")
    result = deliver(options(edition, tmp_path, server.port, templates=own))
    assert server.mailbox.per_address() == Counter({a: 1 for a in addresses if a != POISONED})
    ((key, address, why),) = result.sent.failed
    assert (key, address) == ("library-bib-0003", POISONED)
    assert "mailsjabloon body.txt.j2" in why
    assert "geen_veld" in why


# --------------------------------------------------------------------------- data never a path


HOSTILE_IDS = ["../../../../tmp/x", "a/b\\c", "x" * 300, "..", "./.", "bib\u20280003"]


@pytest.mark.parametrize("library_id", HOSTILE_IDS)
def test_a_hostile_library_id_names_its_outbox_file_inside_the_outbox(
        edition, tmp_path, monkeypatch, library_id):
    poison(monkeypatch, {ROW["bib-0003"]: {"entity_id": library_id}},
           {"bib-0003": {"library_id": library_id}})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = deliver(options(edition, tmp_path, only=[library_id]))
    (eml,) = result.written
    assert eml.parent == tmp_path / "outbox"
    assert eml.name == f"0001-library-{slug(library_id, 60)}.eml"
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [eml.name, "overzicht.csv"]
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before and p.parts[0] != "outbox"] == []


def test_a_failing_dry_run_leaves_the_old_outbox_as_it_was(edition, tmp_path, monkeypatch):
    opts = options(edition, tmp_path, only=ONLY)
    deliver(opts)
    outbox = tmp_path / "outbox"
    old = {p.name: p.read_bytes() for p in outbox.iterdir()}
    assert len(old) == len(ONLY) + 1
    written = []

    def write_then_stop(folder: Path, name: str, outgoing):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(name)
        return real(folder, name, outgoing)

    real = send._write_mail
    monkeypatch.setattr(send, "_write_mail", write_then_stop)
    with pytest.raises(OSError, match="No space"):
        deliver(opts)
    assert {p.name: p.read_bytes() for p in outbox.iterdir()} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


def test_a_file_gone_between_the_checks_and_the_planning_fails_that_recipient_only(
        edition, tmp_path, monkeypatch):
    out = copy_tree(edition, tmp_path / "out")
    real = send.split
    gone = local_page(out, "po", "bib-0003")

    def split_after_a_loss(plan, *args, **kwargs):
        if plan.recipient.entity_id == "bib-0003":
            gone.unlink()
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(send, "split", split_after_a_loss)
    result = deliver(options(out, tmp_path))
    ((key, address, why),) = result.failed
    assert (key, address) == ("library-bib-0003", POISONED)
    assert why.startswith("niet verstuurd: bijlage kan niet gelezen worden")
    assert len(result.written) == len(ONLY) - 1
    assert not result.ok


def test_data_never_steers_the_terminal_in_progress_problems_or_status(edition, server,
                                                                      tmp_path, monkeypatch,
                                                                      capsys):
    sneaky = "i.wouters@bibliotheek-regio-oldambt.example.org\x1b[2J\r\nvals"
    poison(monkeypatch, {ROW["bib-0003"]: {"email": sneaky}, 3: {"entity_id": "bib\x1b]0;x\x07"}})
    send_args = [*cli_args(edition, tmp_path, server.port), "--allow", "onbekende-ontvanger"]
    send_args.remove("bib-0002")  # its contact row now names another, unknown library
    assert cli.main(send_args) == 1
    assert cli.main([*send_args, "--status"]) == 0
    out, err = capsys.readouterr()
    assert not any(c in out + err for c in "\x1b\x07\r")
    assert "\\x1b[2J\\r\\nvals" in err  # the progress line says what the data holds
    assert "bib\\x1b]0;x\\x07" in err  # and so does the problem about the unknown library
    assert "\\x1b[2j\\r\\nvals" in out  # and the status table (addresses in lower case)
