"""Loading: a folder of CSV files or one .xlsx workbook into validated, typed `Tables`.

Reading turns each table into text cells with their spreadsheet row (header = row 1); an
optional column-mapping YAML renames export columns to the canonical names of `schema.py`; then
each column is parsed as a whole (ints with Dutch thousands dots, ja/nee booleans, numbers with
a decimal comma, enums, school years) into nullable pandas types where an empty cell stays
unknown, never 0. `validate.py` adds the cross-row and cross-table rules. Every problem of every
table is collected in one `Report`; `load` raises `InputError` with it, or with
`skip_bad_rows` drops the bad rows (and the rows that depend on them) and lists each as a warning.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from infographics import yamlsrc
from infographics.data.checklist import Checklist, load_checklist
from infographics.data.schema import TABLES, YEAR_COLUMN, Column, TableSchema
from infographics.data.validate import FILE, ROW, Origin, check_references, check_tables
from infographics.errors import ConfigError, InputError, Problem, Report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
BOOLEANS = {
    "ja": True, "nee": False, "yes": True, "no": False,
    "true": True, "false": False, "1": True, "0": False,
}
INT_RE = r"-?(?:\d{1,18}|\d{1,3}(?:\.\d{3}){1,5})"
NUMBER_RE = r"-?\d{1,15}(?:[.,]\d{1,15})?"
YEAR_RE = r"(\d{4})-(\d{4})"
DTYPES = {"int": "Int64", "bool": "boolean", "number": "Float64"}

Errors = list[tuple[np.ndarray, str]]  # (rows that are wrong, message)
Parsed = tuple[pd.Series, Errors]  # typed values, errors


@dataclass(frozen=True, eq=False)
class Tables:
    """Validated, typed input tables. Each frame has the canonical columns (plus unknown extra
    columns, kept as text), `_row` (spreadsheet row, header = 1) and `_file` ("libraries.csv" or
    "monitor.xlsx[libraries]"). An absent optional table is an empty frame with its columns."""

    provinces: pd.DataFrame
    pois: pd.DataFrame
    libraries: pd.DataFrame
    school_locations: pd.DataFrame
    contacts: pd.DataFrame
    report: Report
    source: str

    def years(self) -> list[str]:
        """The school years present in libraries, sorted."""
        return sorted(self.libraries[YEAR_COLUMN].dropna().unique().tolist())

    def for_year(self, year: str) -> Tables:
        """Only `year`'s libraries and school locations; the other tables unchanged."""
        return replace(
            self,
            libraries=_year_rows(self.libraries, [year]),
            school_locations=_year_rows(self.school_locations, [year]),
        )


# --------------------------------------------------------------------------- public API


def load(
    path: Path,
    mapping: Path | None = None,
    years: Sequence[str] | None = None,
    skip_bad_rows: bool = False,
    checklist: Checklist | None = None,
    unused: Sequence[str] = (),
) -> Tables:
    """Read, parse and validate the tables at `path` (a CSV folder or an .xlsx workbook).

    Raises `InputError` (with every problem) when there are errors, unless `skip_bad_rows`:
    then rows with errors, and rows that depend on them, are dropped and listed as warnings.
    Errors that belong to no row (a missing file or required column) always raise. A wrong
    mapping or checklist file raises `ConfigError`. Errors in the tables named in `unused`
    (e.g. contacts, when only building pages) stay in the report but do not stop loading."""
    if isinstance(years, str):
        years = [years]
    checked = _read_and_check(Path(path), mapping, checklist)
    frames, origins, report = checked.frames, checked.origins, checked.report
    if years is not None:
        _check_years(frames["libraries"], origins["libraries"], years, report)
    if any(p.table not in unused for p in report.errors):
        if not skip_bad_rows or not checked.can_skip_rows():
            raise InputError(report)
        frames, report = _skip_bad_rows(frames, origins, report)
    if years is not None:
        frames = {
            name: _year_rows(frame, years) if YEAR_COLUMN in TABLES[name].names else frame
            for name, frame in frames.items()
        }
    return Tables(**frames, report=report, source=str(path))


def validate_data(
    path: Path, mapping: Path | None = None, checklist: Checklist | None = None
) -> Report:
    """Every problem of the tables at `path`, errors and warnings; never raises for bad input
    (a wrong mapping or checklist file becomes a problem that names its file and line)."""
    try:
        return _read_and_check(Path(path), mapping, checklist).report
    except ConfigError as exc:
        report = Report()
        report.add(exc.message, file=exc.file, row=exc.line, column=exc.key)
        return report


def read_mapping(path: Path) -> dict[str, dict[str, str]]:
    """A column-mapping YAML `{table: {canonical_column: "Column name in the export"}}`.

    An unknown table or column, a duplicate, or a value that is not a column name raises
    `ConfigError` naming the file, the line and the key."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, None, "", f"kan niet gelezen worden: {exc}") from exc
    root = yamlsrc.compose_node(text, name)
    if root is None or _is_null(root):
        return {}
    _expect_mapping(root, name, "", "verwacht 'tabel: {kolom: \"kolomnaam in de export\"}'")
    result: dict[str, dict[str, str]] = {}
    for key_node, value_node in root.value:
        table = _key(key_node, name, "")
        if table not in TABLES:
            raise ConfigError(name, _line(key_node), table,
                              f"onbekende tabel; kies uit {', '.join(TABLES)}")
        if table in result:
            raise ConfigError(name, _line(key_node), table, "tabel staat twee keer in de mapping")
        result[table] = _read_table_mapping(value_node, TABLES[table], name)
    return result


# --------------------------------------------------------------------------- mapping helpers


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _expect_mapping(node: yaml.Node, file: str, key: str, message: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(file, _line(node), key, message)


def _key(node: yaml.Node, file: str, parent: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(file, _line(node), parent, "sleutel moet een naam zijn")
    return str(node.value)


def _read_table_mapping(node: yaml.Node, schema: TableSchema, file: str) -> dict[str, str]:
    if _is_null(node):
        return {}
    _expect_mapping(node, file, schema.name,
                    "verwacht 'kolom: \"kolomnaam in de export\"' per kolom")
    out: dict[str, str] = {}
    for key_node, value_node in node.value:
        column = _key(key_node, file, schema.name)
        key = f"{schema.name}.{column}"
        if column not in schema.names:
            raise ConfigError(file, _line(key_node), key, _unknown_column_message(column, schema))
        if column in out:
            raise ConfigError(file, _line(key_node), key, "kolom staat twee keer in de mapping")
        export = value_node.value.strip() if isinstance(value_node, yaml.ScalarNode) else ""
        if not export or _is_null(value_node):
            raise ConfigError(file, _line(value_node), key,
                              "verwacht de kolomnaam in de export als tekst")
        taken = next((c for c, e in out.items() if e == export), None)
        if taken:
            raise ConfigError(file, _line(value_node), key,
                              f"exportkolom '{export}' is al gekoppeld aan '{taken}'")
        out[column] = export
    return out


def _unknown_column_message(column: str, schema: TableSchema) -> str:
    close = difflib.get_close_matches(column, schema.names, n=1)
    hint = f"; bedoelt u '{close[0]}'?" if close else ""
    return f"onbekende kolom in tabel {schema.name}{hint}"


# --------------------------------------------------------------------------- the pipeline


@dataclass
class _Checked:
    """What one pass of reading, parsing and validating found."""

    frames: dict[str, pd.DataFrame]
    origins: dict[str, Origin]
    report: Report
    broken: set[str]  # tables that could not be read or lack a required column

    def can_skip_rows(self) -> bool:
        """Every error belongs to a data row of a readable table, so dropping rows helps."""
        return all(p.row is not None and p.row > 1 and p.table not in self.broken
                   for p in self.report.errors)


def _read_and_check(path: Path, mapping: Path | None, checklist: Checklist | None) -> _Checked:
    names = read_mapping(mapping) if mapping is not None else {}
    checklist = checklist or load_checklist()
    report = Report()
    raws = _read_source(path, report)
    checked = _Checked({}, {}, report, set())
    for name, schema in TABLES.items():
        origin, raw = raws.get(name, (_default_origin(path, name), None))
        checked.origins[name] = origin
        if raw is None:
            checked.frames[name] = empty_frame(schema, origin)
            if name in raws or not schema.optional_table:
                checked.broken.add(name)
            continue
        before = len(report.errors)
        raw = _rename(raw, names.get(name, {}), origin, report)
        raw, missing = _conform(raw, schema, names.get(name, {}), origin, report)
        if any(p.row == 1 for p in report.errors[before:]):
            checked.broken.add(name)
        checked.frames[name] = _parse_table(raw, schema, missing, origin, report)
    report.extend(check_tables(checked.frames, checked.origins, checklist, checked.broken))
    report.problems.sort(key=_reading_order)
    return checked


def _reading_order(problem: Problem) -> tuple[int, int]:
    """Problems table by table (in contract order), then by row; whole-file problems first."""
    order = list(TABLES)
    table = order.index(problem.table) + 1 if problem.table in order else 0
    return table, problem.row or 0


def _default_origin(path: Path, table: str) -> Origin:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return Origin(table, path.name, table)
    return Origin(table, f"{table}.csv")


def empty_frame(schema: TableSchema, origin: Origin) -> pd.DataFrame:
    """A table with no rows but the canonical columns and types."""
    frame = pd.DataFrame({c.name: pd.Series([], dtype=DTYPES.get(c.kind, object))
                          for c in schema.columns})
    frame[ROW] = pd.Series([], dtype="int64")
    frame[FILE] = pd.Series([], dtype=object)
    return frame


# --------------------------------------------------------------------------- reading


RawTables = dict[str, tuple[Origin, pd.DataFrame | None]]


def _read_source(path: Path, report: Report) -> RawTables:
    if path.is_dir():
        return _read_folder(path, report)
    if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, report)
    if path.is_file():
        report.add("geen map met CSV-bestanden en geen .xlsx-werkmap", file=path.name)
    else:
        report.add("map of bestand bestaat niet", file=str(path))
    return {}


def _read_folder(folder: Path, report: Report) -> RawTables:
    try:
        present = {p.name.lower(): p.name for p in folder.iterdir()}
    except OSError as exc:
        report.add(f"map kan niet gelezen worden: {exc.strerror}", file=str(folder))
        return {}
    out: RawTables = {}
    for name, schema in TABLES.items():
        origin = Origin(name, f"{name}.csv")
        file = folder / origin.file
        if not file.is_file():
            if not schema.optional_table:
                other = present.get(origin.file.lower())
                hint = f" (wel gevonden: {other}; let op hoofdletters)" if other else ""
                report.add(f"verplicht bestand ontbreekt{hint}", file=origin.file, table=name)
            continue
        rows = _read_csv_rows(file, origin, report)
        out[name] = (origin, None if rows is None else _frame_from_rows(rows, origin, report))
    return out


def _read_csv_rows(file: Path, origin: Origin, report: Report) -> list[list[str]] | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        report.problems.append(origin.problem(f"bestand kan niet gelezen worden: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.end].hex(" ")
        report.problems.append(origin.problem(
            f"bestand is geen UTF-8 (byte {bad}); sla het op als 'CSV UTF-8'", line))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        report.problems.append(origin.problem(f"ongeldige CSV: {exc}", reader.line_num))
        return None
    if rows and len(rows[0]) == 1 and ";" in rows[0][0]:
        report.problems.append(origin.problem(
            "scheidingsteken moet een komma zijn, geen puntkomma (in Excel: Opslaan als > "
            "'CSV UTF-8 (door komma's gescheiden)', of lever de .xlsx-werkmap zelf)", 1))
        return None
    return rows


def _read_workbook(path: Path, report: Report) -> RawTables:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                               na_filter=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        report.add(f"werkmap kan niet gelezen worden ({type(exc).__name__}: {exc}); "
                   "is het een .xlsx-bestand?", file=path.name)
        return {}
    by_name = {str(s).strip().lower(): s for s in sheets}
    out: RawTables = {}
    for name, schema in TABLES.items():
        origin = Origin(name, path.name, name)
        sheet = by_name.pop(name, None)
        if sheet is None:
            if not schema.optional_table:
                report.problems.append(origin.problem("verplicht tabblad ontbreekt"))
            continue
        origin = Origin(name, path.name, str(sheet))
        rows = [[_cell_text(v) for v in rec] for rec in sheets[sheet].itertuples(index=False)]
        out[name] = (origin, _frame_from_rows(rows, origin, report))
    for sheet in by_name.values():
        report.warn("onbekend tabblad wordt genegeerd", file=path.name, sheet=str(sheet))
    return out


def _cell_text(value: object) -> str:
    """An Excel cell as text: numbers stored as numbers lose a trailing .0, booleans read
    true/false, so the column parsers see the same as for a CSV."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return ""
    return str(value)


def _frame_from_rows(rows: list[list[str]], origin: Origin, report: Report) -> pd.DataFrame | None:
    """Header row plus records into a frame of stripped text with `_row`; blank rows are skipped
    (they still count in the row numbers), unnamed empty columns dropped."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        report.problems.append(origin.problem("bestand is leeg of de kopregel ontbreekt", 1))
        return None
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    records, numbers = [], []
    for number, rec in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in rec):
            continue
        if len(rec) > width and any(cell.strip() for cell in rec[width:]):
            report.problems.append(origin.problem(
                f"rij heeft {len(rec)} waarden maar de kopregel {width} kolommen", number))
        records.append([cell.strip() for cell in rec[:width]] + [""] * (width - len(rec)))
        numbers.append(number)
    frame = pd.DataFrame(records, columns=range(width), dtype=object)
    keep = _header_columns(header, frame, origin, report)
    frame = frame[list(keep)].set_axis(list(keep.values()), axis=1)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    return frame


def _header_columns(
    header: list[str], frame: pd.DataFrame, origin: Origin, report: Report
) -> dict[int, str]:
    """Column positions to keep with their names: no unnamed or repeated columns."""
    keep: dict[int, str] = {}
    for i, name in enumerate(header):
        if not name:
            if (frame[i] != "").any():
                report.problems.append(origin.problem(
                    f"kolom {i + 1} heeft geen naam in de kopregel en wordt genegeerd", 1,
                    severity="warning"))
        elif name in keep.values() or name in (ROW, FILE):
            report.problems.append(origin.problem(
                "kolomnaam komt meer dan eens voor; alleen de eerste telt", 1, name))
        else:
            keep[i] = name
    return keep


# --------------------------------------------------------------------------- columns


def _rename(
    frame: pd.DataFrame, mapping: dict[str, str], origin: Origin, report: Report
) -> pd.DataFrame:
    """Export column names to canonical ones, as the mapping says."""
    renames = {}
    for canonical, export in mapping.items():
        if export not in frame.columns or export == canonical:
            continue
        if canonical in frame.columns:
            report.problems.append(origin.problem(
                f"kolom staat er zowel als '{canonical}' als (via mapping) als '{export}'; "
                f"'{export}' telt", 1, canonical))
            frame = frame.drop(columns=canonical)
        renames[export] = canonical
    return frame.rename(columns=renames)


def _conform(
    frame: pd.DataFrame, schema: TableSchema, mapping: dict[str, str], origin: Origin,
    report: Report,
) -> tuple[pd.DataFrame, set[str]]:
    """Missing columns (error if required, else a warning; added as all unknown, their names
    returned); unknown extra columns kept with a warning each."""
    missing = set()
    for column in schema.columns:
        if column.name in frame.columns:
            continue
        export = mapping.get(column.name)
        via = f" (volgens de mapping: '{export}')" if export else ""
        if column.required:
            report.problems.append(origin.problem(f"verplichte kolom ontbreekt{via}", 1,
                                                  column.name))
        else:
            report.problems.append(origin.problem(
                f"kolom ontbreekt{via}; alle waarden gelden als onbekend", 1, column.name,
                severity="warning"))
        frame[column.name] = ""
        missing.add(column.name)
    extras = [c for c in frame.columns if c not in schema.names and c != ROW]
    for name in extras:
        close = difflib.get_close_matches(name, schema.names, n=1)
        hint = f"; bedoelt u '{close[0]}'?" if close else ""
        report.problems.append(origin.problem(
            f"onbekende kolom wordt genegeerd{hint}", 1, name, severity="warning"))
    return frame[[*schema.names, *extras, ROW]], missing


def _parse_table(
    raw: pd.DataFrame, schema: TableSchema, missing: set[str], origin: Origin, report: Report
) -> pd.DataFrame:
    """Every column from text into its type; each bad cell is a problem and becomes unknown.
    A `missing` column is all unknown."""
    out = {}
    for name in raw.columns:
        if name == ROW:
            continue
        column = schema.column(name) or Column(name)
        if name in missing:
            out[name] = pd.Series(None, index=raw.index, dtype=DTYPES.get(column.kind, object))
        else:
            out[name] = _parse_column(raw[name], column, raw[ROW], origin, report)
    frame = pd.DataFrame(out, index=raw.index)
    frame[ROW] = raw[ROW].astype("int64")
    frame[FILE] = pd.Series(origin.label, index=frame.index, dtype=object)
    return frame.reset_index(drop=True)


def _parse_column(
    text: pd.Series, column: Column, rows: pd.Series, origin: Origin, report: Report
) -> pd.Series:
    empty = (text == "").to_numpy()
    if column.default is not None and empty.any():
        text = text.where(~empty, column.default)
        empty = (text == "").to_numpy()
    cells = text.where(~empty, None)
    errors: Errors = [(empty, "verplichte waarde ontbreekt")] if column.required else []
    parser = _parse_year if column.name == YEAR_COLUMN else PARSERS[column.kind]
    values, parse_errors = parser(cells, ~empty, column)
    for mask, message in [*errors, *parse_errors]:
        for i in np.flatnonzero(mask):
            report.problems.append(
                origin.problem(message, rows.iat[i], column.name, text.iat[i]))
    return values


def _matches(cells: pd.Series, pattern: str) -> np.ndarray:
    """Known cells that fully match `pattern` (False for unknown cells)."""
    return cells.str.fullmatch(pattern, na=False).to_numpy(dtype=bool, copy=True)


def _parse_text(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    return cells, []


def _parse_enum(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    lowered = cells.str.lower()
    ok = lowered.isin(column.choices).to_numpy()
    values = lowered.where(ok, None)
    return values, [(known & ~ok, f"ongeldige waarde; kies uit {', '.join(column.choices)}")]


def _parse_bool(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    mapped = cells.str.lower().map(BOOLEANS)
    bad = known & mapped.isna().to_numpy()
    message = "geen geldige ja/nee-waarde (gebruik ja/nee, yes/no, true/false of 1/0)"
    return mapped.astype("boolean"), [(bad, message)]


def _parse_int(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    ok = _matches(cells, INT_RE)
    wrong = known & ~ok
    comma = wrong & _matches(cells, ".*,.*") if wrong.any() else wrong
    digits = cells.where(ok, None).str.replace(".", "", regex=False)
    values = pd.to_numeric(digits, dtype_backend="numpy_nullable").astype("Int64")
    return values, [
        (comma, "komma is niet toegestaan in een geheel getal; gebruik een punt als "
                "duizendtalscheiding of niets (5.386 of 5386)"),
        (wrong & ~comma, "geen geldig geheel getal (schrijf bv. 5386 of 5.386)"),
    ]


def _parse_number(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    ok = _matches(cells, NUMBER_RE)
    plain = cells.where(ok, None).str.replace(",", ".", regex=False)
    values = pd.to_numeric(plain, dtype_backend="numpy_nullable").astype("Float64")
    return values, [(known & ~ok, "geen geldig getal (schrijf bv. 4 of 4,5)")]


def _parse_year(cells: pd.Series, known: np.ndarray, column: Column) -> Parsed:
    ok = _matches(cells, YEAR_RE)
    if ok.any():
        years = cells.str.extract(YEAR_RE)
        first = pd.to_numeric(years[0], errors="coerce").to_numpy()
        second = pd.to_numeric(years[1], errors="coerce").to_numpy()
        ok = ok & (second == first + 1)
    message = "schooljaar moet de vorm JJJJ-JJJJ hebben met twee opeenvolgende jaren (2020-2021)"
    return cells.where(ok, None), [(known & ~ok, message)]


PARSERS: dict[str, Callable[[pd.Series, np.ndarray, Column], Parsed]] = {
    "text": _parse_text,
    "enum": _parse_enum,
    "bool": _parse_bool,
    "int": _parse_int,
    "number": _parse_number,
}


# --------------------------------------------------------------------------- years and skipping


def _year_rows(frame: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    return frame[frame[YEAR_COLUMN].isin(list(years))].reset_index(drop=True)


def _check_years(
    libraries: pd.DataFrame, origin: Origin, years: Sequence[str], report: Report
) -> None:
    present = set(libraries[YEAR_COLUMN].dropna())
    for year in years:
        if year not in present:
            known = ", ".join(sorted(present)) or "geen"
            report.problems.append(origin.problem(
                f"gevraagd schooljaar komt niet voor in libraries (wel: {known})",
                column=YEAR_COLUMN, value=year))


def _skip_bad_rows(
    frames: dict[str, pd.DataFrame], origins: dict[str, Origin], report: Report
) -> tuple[dict[str, pd.DataFrame], Report]:
    """Drop every row with an error, then (repeatedly) the rows whose references now fail;
    the new report has the warnings plus one warning per dropped row saying why."""
    kept = Report([p for p in report.problems if p.severity == "warning"])
    frames = _drop_rows(frames, origins, report.errors, kept, "rij overgeslagen")
    while True:
        lost = check_references(frames, origins).errors
        if not lost:
            return frames, kept
        frames = _drop_rows(frames, origins, lost, kept,
                            "rij overgeslagen omdat een rij waar hij naar verwijst is overgeslagen")


def _drop_rows(
    frames: dict[str, pd.DataFrame], origins: dict[str, Origin], errors: list[Problem],
    kept: Report, reason: str,
) -> dict[str, pd.DataFrame]:
    by_row: dict[tuple[str, int], list[Problem]] = {}
    for problem in errors:
        by_row.setdefault((problem.table, problem.row), []).append(problem)
    order = list(TABLES)
    for (table, row), problems in sorted(by_row.items(),
                                         key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        why = "; ".join(f"{p.column}: {p.message}" if p.column else p.message for p in problems)
        kept.problems.append(origins[table].problem(f"{reason}: {why}", row,
                                                    severity="warning"))
    out = {}
    for name, frame in frames.items():
        rows = {row for table, row in by_row if table == name}
        out[name] = frame[~frame[ROW].isin(rows)].reset_index(drop=True) if rows else frame
    return out
