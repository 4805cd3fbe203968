"""The rules of the input contract: typed input tables into a `Report` of cross-row and
cross-table problems.

Reading and parsing (`sources.py`, `parse.py`) check each cell; these rules check what only shows
across cells, rows and tables: duplicate keys, references between tables, parts that exceed their
whole, counts under a programme that is answered `nee`, negative counts, checklist points above
the block maximum, and e-mail addresses (as the sending code uses them). The rules come from
`schema.py`. Every problem names file (and sheet), spreadsheet row, column and value, with a
Dutch message.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from infographics.data.checklist import Checklist
from infographics.data.origin import ROW, Origin, show
from infographics.data.schema import (
    CHECKLIST_BLOCKS,
    CONTACT_TARGETS,
    FLAG_COUNTS,
    PART_WHOLE,
    REFERENCES,
    SUM_WHOLE,
    TABLES,
    YEAR_COLUMN,
    Reference,
)
from infographics.errors import Problem, Report

# one row of a frame as a dict; its cells are pandas values, typed only at run time (Any)
Record = dict[Hashable, Any]

# an address as the sending code uses it (delivery/smtp.py): an ASCII dot-atom before the @ (a
# non-ASCII one would need SMTPUTF8, which is not used), a domain that has an IDNA form
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TOP_LABEL = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


def flagged(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> list[Record]:
    """The rows of `frame` (as dicts) where `mask` is known to be true; unknown is false."""
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    hits = np.flatnonzero(mask)
    return frame.iloc[hits].to_dict("records") if len(hits) else []


def check_tables(
    frames: dict[str, pd.DataFrame],
    origins: dict[str, Origin],
    checklist: Checklist,
    broken: set[str] | frozenset[str] = frozenset(),
) -> Report:
    """All cross-row and cross-table rules; `broken` tables (missing, or missing a required
    column) are left out of the reference checks so one missing file does not flag every row."""
    report = Report()
    for name, frame in frames.items():
        report.problems.extend(duplicate_keys(frame, origins[name]))
        report.problems.extend(negative_counts(frame, origins[name]))
    report.extend(check_references(frames, origins, broken))
    libraries, lib_origin = frames["libraries"], origins["libraries"]
    report.problems.extend(parts_over_whole(libraries, lib_origin))
    report.problems.extend(sums_over_whole(libraries, lib_origin))
    report.problems.extend(counts_without_flag(libraries, lib_origin))
    report.problems.extend(points_out_of_range(frames["school_locations"],
                                               origins["school_locations"], checklist))
    report.problems.extend(bad_emails(frames["contacts"], origins["contacts"]))
    report.problems.extend(shared_emails(frames["contacts"], origins["contacts"]))
    return report


def duplicate_keys(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    """A second row with the same key as an earlier one; names the earlier row."""
    key = list(TABLES[origin.table].key)
    if not key:
        return
    known = frame.dropna(subset=key)
    dupes = flagged(known, known.duplicated(key, keep="first"))
    if not dupes:
        return
    first = known.drop_duplicates(key, keep="first").set_index(key)[ROW]
    for rec in dupes:
        values = tuple(rec[k] for k in key)
        first_row = first.loc[values if len(key) > 1 else values[0]]
        shown = ", ".join(show(v) for v in values)
        yield origin.problem(
            f"dubbele sleutel ({', '.join(key)}) = ({shown}): staat al in rij {first_row}",
            rec[ROW], key[-1], rec[key[-1]],
        )


def negative_counts(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    counts = [c.name for c in TABLES[origin.table].columns if c.kind == "int"]
    if not counts or frame.empty:
        return
    negative = frame[counts].lt(0).to_numpy(dtype=bool, na_value=False)
    for i, column in enumerate(counts):
        for rec in flagged(frame, negative[:, i]):
            yield origin.problem("aantal mag niet negatief zijn", rec[ROW], column, rec[column])


def check_references(
    frames: dict[str, pd.DataFrame],
    origins: dict[str, Origin],
    broken: set[str] | frozenset[str] = frozenset(),
) -> Report:
    """Values that must exist in another table (schema.REFERENCES, and contacts.entity_id)."""
    report = Report()
    for ref in REFERENCES:
        if ref.table in broken or ref.ref_table in broken:
            continue
        frame, target = frames[ref.table], frames[ref.ref_table]
        report.problems.extend(missing_references(frame, target, ref, origins[ref.table]))
    report.problems.extend(contact_references(frames, origins["contacts"], broken))
    return report


def missing_references(
    frame: pd.DataFrame, target: pd.DataFrame, ref: Reference, origin: Origin
) -> Iterator[Problem]:
    cols, ref_cols = list(ref.columns), list(ref.ref_columns)
    known = frame.dropna(subset=cols)
    if known.empty:
        return
    for rec in flagged(known, ~referenced(known[cols], target[ref_cols])):
        yield origin.problem(reference_message(rec, ref), rec[ROW], cols[-1], rec[cols[-1]])


def referenced(values: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Which rows of `values` occur among the `keys` (same column order). A key with an unknown
    part (a cell that already has an error) matches on its known parts, so one bad school year
    does not also flag every row that refers to that library."""
    present = pd.MultiIndex.from_frame(values).isin(pd.MultiIndex.from_frame(keys.dropna()))
    unknown = keys.isna()
    for _, key in keys[unknown.any(axis=1) & ~unknown.all(axis=1)].iterrows():
        match = np.ones(len(values), dtype=bool)
        for column, ref_column in zip(values.columns, keys.columns, strict=True):
            if not pd.isna(key[ref_column]):
                match &= (values[column] == key[ref_column]).to_numpy(dtype=bool)
        present |= match
    return present


def reference_message(rec: Record, ref: Reference) -> str:
    *context, last = ref.columns
    where = "".join(
        f" in schooljaar {rec[c]}" if c == YEAR_COLUMN else f" met {c} {show(rec[c])}"
        for c in context
    )
    return f"onbekende {ref.label} '{show(rec[last])}'{where} (niet in {ref.ref_table})"


def contact_references(
    frames: dict[str, pd.DataFrame], origin: Origin, broken: set[str] | frozenset[str]
) -> Iterator[Problem]:
    contacts = frames["contacts"]
    for kind, ref in CONTACT_TARGETS.items():
        rows = contacts[contacts["entity_type"] == kind]
        for rec in flagged(rows, rows["entity_id"].isna()):
            yield origin.problem(f"entity_id ontbreekt (verplicht bij entity_type '{kind}')",
                                 rec[ROW], "entity_id")
        if ref.ref_table not in broken and "contacts" not in broken:
            yield from missing_references(rows, frames[ref.ref_table], ref, origin)
    national = (contacts["entity_type"] == "national") & contacts["entity_id"].notna()
    for rec in flagged(contacts, national):
        yield origin.problem("entity_id wordt genegeerd bij entity_type 'national'",
                             rec[ROW], "entity_id", rec["entity_id"], severity="warning")


def parts_over_whole(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    for part, whole in PART_WHOLE:
        for rec in flagged(frame, frame[part] > frame[whole]):
            yield origin.problem(
                f"deel groter dan geheel: {part} ({show(rec[part])}) > {whole} "
                f"({show(rec[whole])})",
                rec[ROW], part, rec[part],
            )


def sums_over_whole(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    """The known parts already add up to more than the whole (an unknown part adds nothing)."""
    for parts, whole in SUM_WHOLE:
        total = frame[list(parts)].sum(axis=1, min_count=1)
        for rec in flagged(frame.assign(_total=total), total > frame[whole]):
            terms = " + ".join(show(rec[p]) or "onbekend" for p in parts)
            yield origin.problem(
                f"som groter dan geheel: {' + '.join(parts)} ({terms} = {show(rec['_total'])}) > "
                f"{whole} ({show(rec[whole])})",
                rec[ROW], parts[0], rec[parts[0]],
            )


def counts_without_flag(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    """Counts under a programme must be empty or 0 when the programme is answered `nee`."""
    for flag, counts in FLAG_COUNTS:
        off = frame[flag] == False  # noqa: E712 -- element-wise on a nullable column
        for count in counts:
            for rec in flagged(frame, off & (frame[count] > 0)):
                yield origin.problem(
                    f"{flag} is nee, maar {count} is {show(rec[count])} (moet leeg of 0 zijn)",
                    rec[ROW], count, rec[count],
                )


def points_out_of_range(
    frame: pd.DataFrame, origin: Origin, checklist: Checklist
) -> Iterator[Problem]:
    blocks = {b.column: b for b in checklist.blocks}
    for column in CHECKLIST_BLOCKS:
        for rec in flagged(frame, frame[column] < 0):
            yield origin.problem("punten mogen niet negatief zijn", rec[ROW], column, rec[column])
        block = blocks.get(column)
        if block is None:
            continue
        for rec in flagged(frame, frame[column] > block.max):
            yield origin.problem(
                f"meer punten dan het maximum van bouwsteen '{block.label}': "
                f"{show(rec[column])} > {show(block.max)}",
                rec[ROW], column, rec[column],
            )


def valid_email(address: str) -> bool:
    """One plain address as the sending code uses it (see `email_fault`)."""
    return not email_fault(address)


def email_fault(address: str) -> str:
    """What is wrong with `address` (Dutch), or '' if it is one plain address the sending code
    can use: one @; before it an ASCII dot-atom of at most 64 characters (a non-ASCII user name
    needs SMTPUTF8, which is not used); after it a domain of dotted labels whose IDNA form (as
    it is sent: bieb.fryslân.nl) is valid, with a top-level domain of letters; 254 at most."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "één adres met een @ verwacht (naam@domein.nl)"
    if not local.isascii():
        return ("niet-ASCII-tekens vóór de @ vragen SMTPUTF8, dat bij het verzenden niet "
                "gebruikt wordt; gebruik een adres met alleen ASCII vóór de @")
    if len(local) > 64 or not _LOCAL_PART.fullmatch(local):
        return "ongeldig deel vóór de @ (geen spaties, haakjes, komma's, tweede @ of '..')"
    try:
        wire = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "ongeldige domeinnaam na de @"
    labels = wire.split(".")
    if (len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels[:-1])
            or not _TOP_LABEL.fullmatch(labels[-1]) or len(wire) > 253):
        return "ongeldige domeinnaam na de @ (bv. bibliotheek.nl)"
    if len(local) + 1 + len(wire) > 254:
        return "adres is langer dan 254 tekens"
    return ""


def bad_emails(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    known = frame[frame["email"].notna()]
    faults = known["email"].map(email_fault)
    for rec in flagged(known, (faults != "").to_numpy(dtype=bool)):
        yield origin.problem(f"ongeldig e-mailadres: {email_fault(rec['email'])}", rec[ROW],
                             "email", rec["email"])


def shared_emails(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    """One warning per address that is a contact of more than one library."""
    rows = frame[(frame["entity_type"] == "library") & frame["email"].notna()
                 & frame["entity_id"].notna()]
    for _, group in rows.groupby(rows["email"].str.lower(), sort=False):
        libraries = list(dict.fromkeys(group["entity_id"]))
        if len(libraries) < 2:
            continue
        second = flagged(group, group["entity_id"] != libraries[0])[0]
        yield origin.problem(
            f"e-mailadres hoort bij meer dan één bibliotheek: {', '.join(libraries)} "
            f"(rijen {', '.join(str(r) for r in group[ROW])})",
            second[ROW], "email", second["email"], severity="warning",
        )
