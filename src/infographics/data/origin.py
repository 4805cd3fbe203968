"""Where input rows come from: a table's file and sheet (`Origin`) plus the spreadsheet row kept
in every frame, turned into located `errors.Problem`s; and typed cells back into the text a user
wrote (`show`), for the value a problem names.

Reading, parsing and the rules all report through `Origin.problem`, so every problem of the
input stage names file (and sheet), row, column and value the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from infographics.errors import Problem, Severity

# columns every input frame carries beside its own: the spreadsheet row (header = 1) and the
# file it came from ("libraries.csv" or "monitor.xlsx[libraries]")
ROW = "_row"
FILE = "_file"


@dataclass(frozen=True)
class Origin:
    """Where a table came from: the file (and sheet) problems point at."""

    table: str
    file: str
    sheet: str = ""

    @property
    def label(self) -> str:
        return f"{self.file}[{self.sheet}]" if self.sheet else self.file

    def problem(
        self, message: str, row: int | None = None, column: str = "", value: object = "",
        severity: Severity = "error",
    ) -> Problem:
        return Problem(
            message, file=self.file, row=None if row is None else int(row),
            column=show(column), value=show(value), severity=severity, sheet=show(self.sheet),
            table=self.table,
        )


def show(value: object) -> str:
    """A typed cell value as the user wrote it, roughly: `ja`/`nee`, `4,5`, `12`, '' if unknown.

    Text is made safe to print and to put in a report: a control character shows as its symbol
    (NUL as ␀, a line break as ␊), any other invisible character as <U+202E>, and a value
    longer than `SHOWN_CHARS` is cut off with its length."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = f"{text[:SHOWN_CHARS - 20]}… ({len(text)} tekens)"
    return text if text.isprintable() else "".join(map(_visible, text))


SHOWN_CHARS = 100  # the longest value a problem repeats in full


def _visible(char: str) -> str:
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟: the Unicode symbols for the C0 controls
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"
