"""The send ledger (issue 6): states per address and set of attachment hashes, `sending` left by a
killed run becomes `uncertain`, one sending run at a time, read-only use without a file, and
failures.csv."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from infographics.delivery.ledger import Ledger, Target, write_failures
from infographics.errors import InfographicsError

ITEMS = (("po/lokaal/a.pdf", "sha-a"), ("vo/lokaal/a.pdf", "sha-b"))


def target(address="a@bieb.example.org", items=ITEMS, digest="d1", part="1/1",
           entity="bib-1") -> Target:
    return Target("2020-2021", address, "to", "library", entity, "Bieb", part, items, digest)


def test_states_follow_what_reached_each_address(tmp_path):
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        t = target()
        assert ledger.state(t) == "pending"
        ledger.begin([t], "<m1@kb>")
        assert ledger.state(t) == "uncertain"
        ledger.finish([t], "sent", "<m1@kb>")
        assert ledger.state(t) == "sent"
        # the same files again to the same address and library: nothing new
        assert ledger.state(target(digest="other-order")) == "sent"
        # another address, or another library at the same address, still has to get it
        assert ledger.state(target(address="b@bieb.example.org")) == "pending"
        assert ledger.state(target(entity="bib-2")) == "pending"
        # a page rebuilt since: changed, not simply pending
        changed = target(items=(("po/lokaal/a.pdf", "sha-a2"), ITEMS[1]), digest="d2")
        assert ledger.state(changed) == "changed"
        # a new file next to the sent ones is just pending
        more = target(items=(*ITEMS, ("vo/school/x.pdf", "sha-x")), digest="d3")
        assert ledger.state(more) == "pending"
        (row,) = ledger.rows()
        assert (row.status, row.message_id, row.attempts) == ("sent", "<m1@kb>", 1)
        assert row.sent_at
        assert row.items == ITEMS
        assert [e[2] for e in ledger.events()] == ["sending", "sent"]


def test_a_split_zip_counts_per_part_and_a_new_bundle_is_changed(tmp_path):
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        one = target(items=(("bundels/b.zip#1/2", "z1"),), digest="p1", part="1/2")
        two = target(items=(("bundels/b.zip#2/2", "z1"),), digest="p2", part="2/2")
        ledger.finish([one], "sent", "<m1@kb>")
        assert ledger.state(one) == "sent"
        assert ledger.state(two) == "pending"
        assert ledger.state(target(items=(("bundels/b.zip#1/3", "z2"),), digest="n1")) \
            == "changed"


def test_a_run_that_died_mid_send_leaves_uncertain_rows_for_the_next(tmp_path):
    path = tmp_path / "log.sqlite"
    ledger = Ledger.for_sending(path)
    ledger.begin([target()], "<m1@kb>")
    ledger.conn.close()  # as if killed: no finish, no clean close
    ledger._lock.close()
    with Ledger.for_sending(path) as again:
        (row,) = again.rows()
        assert row.status == "uncertain"
        assert "vorige run stopte" in row.error
        assert again.state(target()) == "uncertain"
        # a failed attempt of it later is a failure again, and pending for the run after
        again.finish([target()], "failed", "<m1@kb>", "geweigerd: 550")
        assert again.state(target()) == "pending"


def test_only_one_sending_run_per_ledger(tmp_path):
    with (Ledger.for_sending(tmp_path / "log.sqlite"),
          pytest.raises(InfographicsError, match="er loopt al een verzending")):
        Ledger.for_sending(tmp_path / "log.sqlite")
    Ledger.for_sending(tmp_path / "log.sqlite").close()  # free again


def test_reading_never_creates_or_writes(tmp_path):
    path = tmp_path / "log.sqlite"
    with Ledger.read(path) as ledger:
        assert ledger.rows() == []
        assert ledger.state(target()) == "pending"
        with pytest.raises(InfographicsError, match="alleen-lezen"):
            ledger.finish([target()], "sent")
    assert not path.exists()
    with Ledger.for_sending(path) as ledger:
        ledger.finish([target()], "sent", "<m1@kb>")
    with Ledger.read(path) as ledger:
        assert [r.status for r in ledger.rows()] == ["sent"]
        with pytest.raises(sqlite3.OperationalError):
            ledger.conn.execute("DELETE FROM deliveries")


def test_unknown_status_is_refused(tmp_path):
    with (Ledger.for_sending(tmp_path / "log.sqlite") as ledger,
          pytest.raises(ValueError, match="bounced")):
        ledger.finish([target()], "bounced")


def test_failures_csv_lists_what_did_not_arrive_and_why(tmp_path):
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        ledger.finish([target("ok@bieb.example.org")], "sent", "<m1@kb>")
        ledger.finish([target("weg@bieb.example.org")], "failed", "<m1@kb>",
                      "geweigerd: 550 5.1.1 onbekend")
        ledger.finish([target("twijfel@bieb.example.org")], "uncertain", "<m1@kb>", "?")
        n = write_failures(tmp_path / "failures.csv", ledger.rows())
    with (tmp_path / "failures.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n == 2
    assert {(r["address"], r["status"]) for r in rows} == {
        ("weg@bieb.example.org", "mislukt"), ("twijfel@bieb.example.org", "onzeker")}
    assert next(r for r in rows if r["status"] == "mislukt")["reason"] == \
        "geweigerd: 550 5.1.1 onbekend"


def test_an_uncertain_mail_stays_uncertain_when_its_attachments_or_split_change(tmp_path):
    # killed in the uncertain window; then the edition is rebuilt (or split differently):
    # the address probably has the first mail, so the new one is not simply "pending"
    path = tmp_path / "log.sqlite"
    ledger = Ledger.for_sending(path)
    ledger.begin([target()], "<m1@kb>")
    ledger.conn.close()
    ledger._lock.close()
    with Ledger.for_sending(path) as again:
        rebuilt = target(items=(("po/lokaal/a.pdf", "sha-a2"), ITEMS[1]), digest="d2")
        assert again.state(rebuilt) == "uncertain"
        resplit = target(items=ITEMS[:1], digest="d3", part="1/2")
        assert again.state(resplit) == "uncertain"
        # a mail with none of those files is not held back by it
        other = target(items=(("vo/school/x.pdf", "sha-x"),), digest="d4", part="2/2")
        assert again.state(other) == "pending"


def test_a_file_that_arrived_whole_or_in_every_part_has_arrived_whatever_the_split(tmp_path):
    whole = ("bundels/b.zip", "z1")
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        ledger.finish([target(items=(whole,), digest="w")], "sent", "<m1@kb>")
        for i in (1, 2):
            part = target(items=((f"bundels/b.zip#{i}/2", "z1"),), digest=f"p{i}",
                          part=f"{i}/2")
            assert ledger.state(part) == "sent"
    with Ledger.for_sending(tmp_path / "parts.sqlite") as ledger:
        for i in (1, 2, 3):
            ledger.finish([target(items=((f"bundels/b.zip#{i}/3", "z1"),), digest=f"p{i}",
                                  part=f"{i}/3")], "sent", "<m1@kb>")
        assert ledger.state(target(items=(whole,), digest="w")) == "sent"
        assert ledger.state(target(items=(("bundels/b.zip#2/2", "z1"),), digest="q2",
                                   part="2/2")) == "sent"
    with Ledger.for_sending(tmp_path / "half.sqlite") as ledger:
        ledger.finish([target(items=(("bundels/b.zip#1/2", "z1"),), digest="p1", part="1/2")],
                      "sent", "<m1@kb>")
        # only half of it arrived: which members a new split holds is not known
        assert ledger.state(target(items=(whole,), digest="w")) == "pending"


def test_the_same_bytes_under_a_new_path_have_arrived(tmp_path):
    # a rebuild renamed unchanged pages (a library with the same name slug was added, so
    # build gives both an id suffix): same files, not a new mail
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        ledger.finish([target()], "sent", "<m1@kb>")
        renamed = tuple((path.replace(".pdf", "-bib-1.pdf"), sha) for path, sha in ITEMS)
        assert ledger.state(target(items=renamed, digest="d2")) == "sent"
        assert ledger.state(target(items=(*renamed, ("po/lokaal/n.pdf", "sha-n")),
                                   digest="d3")) == "pending"


def test_an_uncertain_mail_stays_uncertain_when_its_unchanged_files_are_renamed(tmp_path):
    path = tmp_path / "log.sqlite"
    ledger = Ledger.for_sending(path)
    ledger.begin([target()], "<m1@kb>")
    ledger.conn.close()
    ledger._lock.close()
    with Ledger.for_sending(path) as again:
        renamed = tuple((p.replace(".pdf", "-bib-1.pdf"), sha) for p, sha in ITEMS)
        assert again.state(target(items=renamed, digest="d2")) == "uncertain"


def test_the_other_part_of_a_split_zip_is_not_held_back_by_an_uncertain_part(tmp_path):
    path = tmp_path / "log.sqlite"
    one = target(items=(("bundels/b.zip#1/2", "z1"),), digest="p1", part="1/2")
    two = target(items=(("bundels/b.zip#2/2", "z1"),), digest="p2", part="2/2")
    ledger = Ledger.for_sending(path)
    ledger.begin([one], "<m1@kb>")
    ledger.conn.close()
    ledger._lock.close()
    with Ledger.for_sending(path) as again:
        assert again.state(one) == "uncertain"
        assert again.state(two) == "pending"  # never attempted
        # split otherwise, or whole, it may hold what part 1 held
        assert again.state(target(items=(("bundels/b.zip#2/3", "z1"),), digest="q2",
                                  part="2/3")) == "uncertain"
        assert again.state(target(items=(("bundels/b.zip", "z1"),), digest="w")) == \
            "uncertain"


def test_a_part_of_another_split_with_the_same_count_has_not_arrived(tmp_path):
    """Another size limit can cut the same zip into as many parts with other members: part
    1/2 of that split is not part 1/2 that was sent (pages would silently go missing)."""
    with Ledger.for_sending(tmp_path / "log.sqlite") as ledger:
        sent = target(items=(("bundels/b.zip#1/2:aaaa", "z1"),), digest="p1", part="1/2")
        ledger.finish([sent], "sent", "<m1@kb>")
        assert ledger.state(sent) == "sent"
        other = target(items=(("bundels/b.zip#1/2:bbbb", "z1"),), digest="q1", part="1/2")
        assert ledger.state(other) != "sent"
        both = [target(items=((f"bundels/b.zip#{i}/2:aaaa", "z1"),), digest=f"p{i}",
                       part=f"{i}/2") for i in (1, 2)]
        ledger.finish(both[1:], "sent", "<m2@kb>")
        assert ledger.state(target(items=(("bundels/b.zip", "z1"),), digest="w")) == "sent"
