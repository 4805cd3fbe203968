"""Located problems: every stage turns what is wrong into a `Problem` that names where it is.

A `Problem` says file (and sheet), spreadsheet row, column (or YAML line and key), the value and
what is wrong. A `Report` collects them all so a user sees every problem at once; stages raise
an exception carrying the report instead of a bare traceback.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


# how a problem's severity reads in a message (the CSV report keeps error/warning)
SEVERITY_WORDS = {"error": "fout", "warning": "waarschuwing"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with its exact place."""

    message: str
    file: str = ""
    row: int | None = None  # spreadsheet row number: header = 1, first record = 2
    column: str = ""
    value: str = ""
    severity: Severity = "error"
    sheet: str = ""
    table: str = ""

    def location(self) -> str:
        where = self.file
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f": {self.column}"
        return where

    def __str__(self) -> str:
        value = f" (waarde: {self.value!r})" if self.value != "" else ""
        return f"{self.location()}: {SEVERITY_WORDS[self.severity]}: {self.message}{value}"


@dataclass
class Report:
    """All problems found by one stage, errors and warnings."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, **where))

    def warn(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, severity="warning", **where))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def text(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def summary(self) -> str:
        return f"{len(self.errors)} fout(en), {len(self.warnings)} waarschuwing(en)"

    def write_csv(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                ["severity", "file", "sheet", "row", "column", "value", "message"]
            )
            for p in self.problems:
                writer.writerow(
                    [p.severity, p.file, p.sheet, p.row or "", p.column, p.value, p.message]
                )


class InfographicsError(Exception):
    """Base for errors a user can act on; the CLI prints them without a traceback."""


class InputError(InfographicsError):
    """The input tables have errors; carries the full report."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.text())


class ConfigError(InfographicsError):
    """A YAML configuration (layout, style, indicators) is wrong; message names file:line: key."""

    def __init__(self, file: str, line: int | None, key: str, message: str):
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class PageError(InfographicsError):
    """One page could not be built (e.g. text that cannot fit); names the block."""

    def __init__(self, block: str, message: str):
        self.block = block
        super().__init__(f"blok '{block}': {message}")
