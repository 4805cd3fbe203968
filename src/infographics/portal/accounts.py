"""Accounts as a list for `infographics accounts list`: the staff accounts and disabled
addresses in the database and, given the data, every contact address with what it sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from infographics.delivery.mailplan import contacts_from_table
from infographics.delivery.send import load_tables
from infographics.portal.store import Store

KINDS = {"library": "bibliotheek", "poi": "POI", "national": "landelijk"}


def account_rows(store: Store, data: Path | None, mapping: Path | None = None) -> Iterator[str]:
    """One line per address: address, what it sees, and whether it may log in."""
    stored = {a.email: a for a in store.accounts()}
    seen: dict[str, list[str]] = {}
    if data is not None:
        tables, _ = load_tables(data, mapping)
        for c in contacts_from_table(tables.contacts):
            seen.setdefault(c.address, []).append(
                KINDS[c.kind] + (f" {c.entity_id}" if c.entity_id else ""))
    for email in sorted(set(stored) | set(seen)):
        account = stored.get(email)
        what = ["medewerker"] if account is not None and account.staff else []
        what += sorted(set(seen.get(email, [])))
        if not what:
            what = ["geen contactpersoon in de gegevens" if data is not None else "-"]
        state = "uitgeschakeld" if account is not None and account.disabled else "actief"
        yield f"{email}\t{', '.join(what)}\t{state}"
