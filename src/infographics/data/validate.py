"""Validation: a CSV folder or .xlsx workbook into its typed frames and one `Report` of every
problem, errors and warnings.

One pass reads the tables (`sources.py`), renames and parses their cells (`parse.py`) and then
runs the contract's rules across rows and tables (`rules.py`); the problems are sorted table by
table, then by row. `validate_data` gives that report (`infographics validate`); `read.load`
turns the same pass into `Tables`. Reading and the rules do not import each other: this module
brings them together, and `read.py` builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from infographics.data.checklist import Checklist, load_checklist
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.mapping import read_mapping
from infographics.data.origin import Origin
from infographics.data.parse import empty_frame, typed_table
from infographics.data.partnerconfig import PartnerConfig, load_partner_config
from infographics.data.rules import check_tables
from infographics.data.schema import TABLES
from infographics.data.sources import default_origin, read_source
from infographics.errors import ConfigError, Problem, Report


@dataclass
class Checked:
    """What one pass of reading, parsing and validating found."""

    frames: dict[str, pd.DataFrame]
    origins: dict[str, Origin]
    report: Report
    broken: set[str]  # tables that could not be read or lack a required column

    def can_skip_rows(self) -> bool:
        """Every error belongs to a data row of a readable table, so dropping rows helps."""
        return all(p.row is not None and p.row > 1 and p.table not in self.broken
                   for p in self.report.errors)


def validate_data(
    path: Path | str, mapping: Path | None = None, checklist: Checklist | None = None,
    limits: Limits = DEFAULT_LIMITS, partners: PartnerConfig | None = None,
) -> Report:
    """Every problem of the tables at `path`, errors and warnings; never raises for bad input
    (a wrong mapping or checklist file becomes a problem that names its file and line)."""
    try:
        return check_source(Path(path), mapping, checklist, limits, partners).report
    except ConfigError as exc:
        report = Report()
        report.add(exc.message, file=exc.file, row=exc.line, column=exc.key)
        return report


def check_source(
    path: Path, mapping: Path | None, checklist: Checklist | None,
    limits: Limits = DEFAULT_LIMITS, partners: PartnerConfig | None = None,
) -> Checked:
    """Read, parse and check the tables at `path` (a CSV folder or a workbook) within `limits`;
    the codes of partners.csv against `partners` (default: the packaged configuration). A wrong
    mapping, checklist or partner file raises `ConfigError`; every problem of the data is in
    the report."""
    export_names = read_mapping(mapping, limits) if mapping is not None else {}
    checklist = checklist or load_checklist()
    partners = partners or load_partner_config()
    report = Report()
    raws = read_source(path, report, limits)
    checked = Checked({}, {}, report, set())
    for name, schema in TABLES.items():
        origin, raw = raws.get(name, (default_origin(path, name), None))
        checked.origins[name] = origin
        if raw is None:
            checked.frames[name] = empty_frame(schema)
            if name in raws or not schema.optional_table:
                checked.broken.add(name)
            continue
        frame, sound = typed_table(raw, schema, export_names.get(name, {}), origin, report,
                                   limits)
        checked.frames[name] = frame
        if not sound:
            checked.broken.add(name)
    report.extend(check_tables(checked.frames, checked.origins, checklist, checked.broken,
                               partners, report.errors))
    report.problems.sort(key=_reading_order)
    return checked


def _reading_order(problem: Problem) -> tuple[int, int]:
    """Problems table by table (in contract order), then by row; whole-file problems first."""
    order = list(TABLES)
    table = order.index(problem.table) + 1 if problem.table in order else 0
    return table, problem.row or 0
