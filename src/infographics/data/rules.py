"""The rules of the input contract: typed input tables into a `Report` of cross-row and
cross-table problems.

Reading and parsing (`sources.py`, `parse.py`) check each cell; these rules check what only shows
across cells, rows and tables: duplicate keys, references between tables, parts that exceed their
whole, counts under a programme that is answered `nee`, negative counts, checklist points above
the block maximum, e-mail addresses (as the sending code uses them), the organisations a merged
library continues (`successor_of`: libraries of an earlier school year, not itself, no
cycle), and for the partners tables
the category and function codes (against `partners.yaml`), partner rows of a library that did
not take part that year, and a network province that differs from libraries (a warning). The
rules come from `schema.py`. Every problem names file (and sheet), spreadsheet row, column and
value, with a Dutch message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from infographics.data.checklist import Checklist
from infographics.data.limits import count as dutch_count
from infographics.data.origin import ROW, Origin, show
from infographics.data.partnerconfig import PartnerConfig
from infographics.data.schema import (
    CALENDAR_YEAR_COLUMN,
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
    partners: PartnerConfig | None = None,
    cell_errors: Iterable[Problem] = (),
) -> Report:
    """All cross-row and cross-table rules; `broken` tables (missing, or missing a required
    column) are left out of the reference checks so one missing file does not flag every row.
    Without `partners` (the partner configuration) the codes of partners.csv are not checked.
    `cell_errors` are the problems parsing found: a cell with an error is unknown, and an
    unknown optional key cell is not taken for an empty one."""
    report = Report()
    wrong = {(p.table, p.row, p.column) for p in cell_errors}
    for name, frame in frames.items():
        report.problems.extend(duplicate_keys(frame, origins[name], wrong))
        report.problems.extend(negative_counts(frame, origins[name]))
        report.problems.extend(implausible_counts(frame, origins[name]))
    report.extend(check_references(frames, origins, broken))
    libraries, lib_origin = frames["libraries"], origins["libraries"]
    report.problems.extend(parts_over_whole(libraries, lib_origin))
    report.problems.extend(sums_over_whole(libraries, lib_origin))
    report.problems.extend(counts_without_flag(libraries, lib_origin))
    report.problems.extend(bad_successors(libraries, frames["network"], lib_origin))
    report.problems.extend(points_out_of_range(frames["school_locations"],
                                               origins["school_locations"], checklist))
    report.problems.extend(bad_emails(frames["contacts"], origins["contacts"]))
    report.problems.extend(shared_emails(frames["contacts"], origins["contacts"]))
    report.extend(check_partners(frames, origins, broken, partners))
    return report


def check_partners(
    frames: dict[str, pd.DataFrame], origins: dict[str, Origin],
    broken: set[str] | frozenset[str], partners: PartnerConfig | None,
) -> Report:
    """The rules of network.csv and partners.csv beyond keys, references and counts."""
    report = Report()
    network, rows = frames["network"], frames["partners"]
    if partners is not None:
        report.problems.extend(unknown_partner_codes(rows, origins["partners"], partners))
    if "network" not in broken and "partners" not in broken:
        report.problems.extend(partners_without_response(rows, network, origins))
    if "network" not in broken and "libraries" not in broken:
        report.problems.extend(moved_libraries(network, frames["libraries"],
                                               origins["network"]))
    return report


def duplicate_keys(
    frame: pd.DataFrame, origin: Origin, wrong: set[tuple[str, int | None, str]] | None = None,
) -> Iterator[Problem]:
    """A second row with the same key as an earlier one; names the earlier row. An empty
    optional key cell is a value of its own, unless the cell is `wrong` (it had an error)."""
    schema = TABLES[origin.table]
    key = list(schema.key)
    if not key:
        return
    # an empty optional key column (partners.function: general cooperation) is a value too
    optional = [k for k in key if not (column := schema.column(k)) or not column.required]
    known = frame.dropna(subset=[k for k in key if k not in optional])
    for k in optional:
        wrong_rows = {row for table, row, column in wrong or () if (table, column)
                      == (origin.table, k)}
        known = known[~known[ROW].isin(wrong_rows)]
    known = known.assign(**{k: known[k].astype(object).where(known[k].notna(), "")
                            for k in optional})
    dupes = flagged(known, known.duplicated(key, keep="first"))
    if not dupes:
        return
    first = known.drop_duplicates(key, keep="first").set_index(key)[ROW]
    for rec in dupes:
        values = tuple(rec[k] for k in key)
        first_row = first.loc[values if len(key) > 1 else values[0]]
        shown = ", ".join(show(v) or "leeg" for v in values)
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


def implausible_counts(frame: pd.DataFrame, origin: Origin) -> Iterator[Problem]:
    """A count above its column's plausible bound (`Column.most`): a typing error, which would
    otherwise be summed into every aggregate and printed with 17 digits."""
    bounded = [(c.name, c.most) for c in TABLES[origin.table].columns
               if c.kind == "int" and c.most is not None]
    for name, most in bounded:
        for rec in flagged(frame, frame[name] > most):
            yield origin.problem(
                f"aantal is onwaarschijnlijk groot (hoogstens {dutch_count(most)})",
                rec[ROW], name, rec[name])


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
        f" in schooljaar {rec[c]}" if c == YEAR_COLUMN
        else f" in jaar {rec[c]}" if c == CALENDAR_YEAR_COLUMN
        else f" met {c} {show(rec[c])}"
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


def bad_successors(
    frame: pd.DataFrame, network: pd.DataFrame, origin: Origin
) -> Iterator[Problem]:
    """`successor_of` names the organisations a library continues (a merger): each must be a
    library of a school year before the row's (in libraries, or in network in a calendar year
    that ends such a school year: 2018 is 2017-2018), never the library itself, and following
    them must never lead back to the library (a cycle). Each wrong id is a problem at its row.
    The ids themselves are checked where they are read (`text.py`)."""
    column = "successor_of"
    rows = frame.dropna(subset=[column, YEAR_COLUMN, "library_id"])
    if rows.empty:
        return
    known = frame.dropna(subset=[YEAR_COLUMN, "library_id"])
    # per id its first school year; a calendar year Y of network is school year (Y-1)-Y
    ends = network.dropna(subset=[CALENDAR_YEAR_COLUMN, "library_id"])
    spans = pd.concat([
        known[["library_id", YEAR_COLUMN]],
        pd.DataFrame({"library_id": ends["library_id"], YEAR_COLUMN: [
            f"{int(y) - 1}-{y}" for y in ends[CALENDAR_YEAR_COLUMN]]}),
    ])
    first = spans.groupby("library_id")[YEAR_COLUMN].min().to_dict()
    edges: list[tuple[Record, str]] = []  # (row, an organisation it continues)
    for rec in rows.to_dict("records"):
        library, year = rec["library_id"], rec[YEAR_COLUMN]
        for old in str(rec[column]).split(";"):
            if old == library:
                message = f"bibliotheek '{show(old)}' kan zichzelf niet voortzetten"
            elif old not in first:
                message = f"onbekende bibliotheek '{show(old)}' (niet in libraries of network)"
            elif first[old] >= year:
                message = (f"bibliotheek '{show(old)}' bestaat pas vanaf schooljaar {first[old]}, "
                           f"niet in een schooljaar vóór {year}; successor_of noemt de "
                           "organisaties die deze bibliotheek voortzet")
            else:
                edges.append((rec, old))
                continue
            yield origin.problem(message, rec[ROW], column, rec[column])
    graph: dict[str, set[str]] = {}
    for rec, old in edges:
        graph.setdefault(rec["library_id"], set()).add(old)
    for rec, old in edges:
        path = _path(graph, old, rec["library_id"])
        if path:
            chain = " → ".join([rec["library_id"], *path])
            yield origin.problem(f"successor_of loopt in een kring: {chain}", rec[ROW], column,
                                 rec[column])


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """The ids from `start` to `goal` along `graph` (depth first), or [] if there is none."""
    trail: dict[str, str | None] = {start: None}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            path = [node]
            while (before := trail[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in trail:
                trail[nxt] = node
                todo.append(nxt)
    return []


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


# --- partners -------------------------------------------------------------------------------------


def unknown_partner_codes(
    frame: pd.DataFrame, origin: Origin, partners: PartnerConfig
) -> Iterator[Problem]:
    """A category or function that the partner configuration does not know."""
    for column, codes, noun in (("category", partners.category_ids, "partnercategorie"),
                                ("function", partners.function_ids, "kernfunctie")):
        known = frame[column]
        for rec in flagged(frame, known.notna() & ~known.isin(codes)):
            close = difflib.get_close_matches(str(rec[column]), codes, n=1)
            hint = f"bedoelt u '{close[0]}'?" if close else f"kies uit {', '.join(codes)}"
            yield origin.problem(f"onbekende {noun} '{show(rec[column])}'; {hint} "
                                 "(de codes staan in partners.yaml)",
                                 rec[ROW], column, rec[column])


def partners_without_response(
    partners: pd.DataFrame, network: pd.DataFrame, origins: dict[str, Origin]
) -> Iterator[Problem]:
    """A partners row of a library whose network row says it did not take part that year."""
    silent = network[network["responded"].eq(False).fillna(False).astype(bool)]
    rows = {(y, lib): row for y, lib, row
            in zip(silent["year"], silent["library_id"], silent[ROW], strict=True)}
    if not rows:
        return
    keys = pd.Series(list(zip(partners["year"], partners["library_id"], strict=True)),
                     index=partners.index, dtype=object)
    where = origins["network"].label
    for rec in flagged(partners, keys.isin(list(rows)).to_numpy(dtype=bool)):
        net_row = rows[(rec["year"], rec["library_id"])]
        yield origins["partners"].problem(
            f"bibliotheek '{show(rec['library_id'])}' deed in {rec['year']} niet mee aan de "
            f"vragenlijst ({where} rij {net_row}: responded = nee), dus hoort hier geen rij",
            rec[ROW], "cooperates", rec["cooperates"])


def moved_libraries(
    network: pd.DataFrame, libraries: pd.DataFrame, origin: Origin
) -> Iterator[Problem]:
    """A warning where libraries puts the same library, in a school year that covers the
    network row's calendar year, only in other provinces (a library may move, so no error)."""
    lib = libraries.dropna(subset=[YEAR_COLUMN, "library_id", "province"])
    if lib.empty or network.empty:
        return
    first = lib[YEAR_COLUMN].str.slice(0, 4)
    second = lib[YEAR_COLUMN].str.slice(5, 9)
    columns = [YEAR_COLUMN, "library_id", "province"]
    spans = pd.concat([lib[columns].assign(year=first), lib[columns].assign(year=second)])
    spans = spans.rename(columns={"province": "lib_province"})
    pairs = network[["year", "library_id", "province", ROW]].merge(
        spans, on=["year", "library_id"], how="inner")
    same = (pairs["province"] == pairs["lib_province"]).to_numpy(dtype=bool, na_value=False)
    agrees = set(pairs[ROW][same])
    for rec in flagged(pairs, ~pairs[ROW].isin(agrees) & pairs["province"].notna()):
        if rec[ROW] in agrees:
            continue
        agrees.add(rec[ROW])  # one warning per network row
        yield origin.problem(
            f"libraries zet deze bibliotheek in schooljaar {rec[YEAR_COLUMN]} in provincie "
            f"'{show(rec['lib_province'])}', network in {rec['year']} in "
            f"'{show(rec['province'])}'; klopt dat (verhuisd)?",
            rec[ROW], "province", rec["province"], severity="warning")
