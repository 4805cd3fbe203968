"""Text cells where they enter: a text column's cells into the values that are kept, and a
located finding for every cell that cannot be kept as written.

What a column holds (`schema.TextKind`) decides the checks:
- every text cell: at most `Limits.text_chars` characters (`Limits.email_chars` for an address);
  no line break (LF, CR, VT, FF, NEL, U+2028/2029), no other control character (NUL, ESC, ...),
  no bidirectional override or isolate (U+202A-202E, U+2066-2069: they make text read
  otherwise than it is), and no leading '=' or '@' (or '+'/'-' before more text), which a
  spreadsheet opening a CSV made from it would run as a formula; this is checked on the text as
  it will be shown (below), so invisible characters in front hide no formula. Each is an error:
  the cell becomes unknown.
- harmless, a warning that says what will be shown: a tab (shown as a space), invisible format
  characters such as a zero-width space or soft hyphen (left out), and text not in composed
  Unicode form (composed, NFC).
- `id`: `schema.ID_PATTERN`: letters, digits, '_', '.', '-', starting with a letter or digit,
  64 characters at most, never '..'; no slash, backslash, space or control character, so an id
  is data and never a path.
- `name` (drawn on the pages): every character must be in the bundled Lato font's character map
  (all weights have the same map); a character it cannot draw would print as an empty box.
- `email`: the rules check the address itself (`rules.valid_email`).
- `ids`: ids separated by ';' (spaces around them are left out), each as `id` says, none
  twice, at most `schema.MAX_IDS`; kept as the ids joined by ';'. The rules check what they
  name (`rules.bad_successors`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

import pandas as pd
from reportlab.pdfbase.ttfonts import TTFontFile

from infographics.data.limits import Limits, count
from infographics.data.origin import show
from infographics.data.schema import ID_CHARS, ID_PATTERN, MAX_IDS, TextKind
from infographics.errors import Severity
from infographics.resources import FONTS

FONT_FILE = FONTS / "Lato-Regular.ttf"
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORMULA_START = "=@"  # always a formula in a spreadsheet
SIGN_START = "+-"  # a formula when more follows
_ID = re.compile(ID_PATTERN)
_PLAIN = r"[^\x20-\x7e]"  # a cell with none of these (plain printable ASCII) only needs its length

Finding = tuple[int, str, Severity]  # position in the column, message, severity
Verdict = tuple[str | None, list[tuple[str, Severity]]]  # value kept (None: unknown), findings


@cache
def drawable() -> frozenset[str]:
    """The characters the bundled Lato can draw (its cmap), without control characters."""
    cmap = TTFontFile(str(FONT_FILE)).charToGlyph
    return frozenset(chr(c) for c in cmap if unicodedata.category(chr(c)) != "Cc")


def check_text(
    cells: pd.Series, kind: TextKind, limits: Limits
) -> tuple[pd.Series, list[Finding]]:
    """The cells of a text column (None where empty) checked as `kind` says: the values kept
    (None where a cell has an error, the shown form where it has a warning) and the findings,
    by position in the column."""
    bound = {"id": ID_CHARS, "email": limits.email_chars}.get(kind, limits.text_chars)
    known = cells.notna().to_numpy(dtype=bool)
    text = cells.where(known, "").astype(str)
    if kind == "id":
        look = known & ~text.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool)
    elif kind == "ids":
        look = known  # few cells (mergers); each is split and checked
    else:
        look = known & (text.str.contains(_PLAIN).to_numpy(dtype=bool)
                        | (text.str.len() > bound).to_numpy(dtype=bool)
                        | text.str.match(r"[=@]|[+-].").to_numpy(dtype=bool))
    values = cells.to_numpy(dtype=object, copy=True)
    findings: list[Finding] = []
    verdicts: dict[str, Verdict] = {}
    for i in look.nonzero()[0].tolist():
        value = str(values[i])
        if value not in verdicts:
            verdicts[value] = examine(value, kind, bound)
        kept, found = verdicts[value]
        values[i] = kept
        findings.extend((i, message, severity) for message, severity in found)
    return pd.Series(values, index=cells.index, dtype=object), findings


def examine(value: str, kind: TextKind, bound: int) -> Verdict:
    """One cell that is not plain printable ASCII of fitting length, as `kind` says."""
    if kind == "id":
        return _examine_id(value)
    if kind == "ids":
        return _examine_ids(value)
    if len(value) > bound:
        return None, [(f"tekst is te lang: {count(len(value))} tekens (maximaal {bound})",
                       "error")]
    shown, changes = _cleaned(value)
    errors = [message for check in _CHECKS if (message := check(value))]
    if shown and (formula := _formula(shown, hidden=shown[0] != value[0])):
        errors.append(formula)  # the text as shown: invisible characters hide no formula
    if errors:
        return None, [(message, "error") for message in errors]
    if not shown:
        return None, [("tekst bestaat alleen uit onzichtbare tekens", "error")]
    if kind == "name":
        missing = sorted({c for c in shown if c not in drawable()})
        if missing:
            return None, [(f"teken{'s' if len(missing) > 1 else ''} {_chars(missing)} kan het "
                           "lettertype Lato niet tonen (het zou als leeg vakje verschijnen)",
                           "error")]
    if not changes:
        return value, []
    verb = "getoond" if kind == "name" else "gelezen"
    return shown, [(f"tekst wordt {verb} als '{shown}' ({'; '.join(changes)})", "warning")]


def _examine_id(value: str) -> Verdict:
    if _ID.fullmatch(value):
        return value, []
    reasons = []
    if len(value) > ID_CHARS:
        reasons.append(f"{count(len(value))} tekens (maximaal {ID_CHARS})")
    wrong = sorted({c for c in value if not (c.isascii() and (c.isalnum() or c in "_.-"))})
    if wrong:
        reasons.append(f"{_chars(wrong)} niet toegestaan")
    if "/" in value or "\\" in value or ".." in value:
        reasons.append("een id is een gegeven, geen pad")
    elif not (value[0].isascii() and value[0].isalnum()):
        reasons.append("moet met een letter of cijfer beginnen")
    return None, [("ongeldige id: alleen letters, cijfers, '_', '.' en '-' (niet '..'), "
                   f"beginnend met een letter of cijfer, maximaal {ID_CHARS} tekens: "
                   + "; ".join(reasons or ["'..' niet toegestaan"]), "error")]


def _examine_ids(value: str) -> Verdict:
    """Ids separated by ';': each a valid id, none twice, at most `MAX_IDS`."""
    ids = [part.strip() for part in value.split(";") if part.strip()]
    if not ids:
        return None, [("geen id: verwacht ids gescheiden door ';' (bv. bib-a;bib-b)", "error")]
    if len(ids) > MAX_IDS:
        return None, [(f"te veel ids: {count(len(ids))} (maximaal {MAX_IDS})", "error")]
    errors: list[tuple[str, Severity]] = []
    for part in ids:
        kept, found = _examine_id(part)
        if kept is None:
            errors.extend((f"id '{show(part)}': {message}", severity)
                          for message, severity in found)
    twice = sorted({part for part in ids if ids.count(part) > 1})
    if twice:
        named = ", ".join(f"'{show(p)}'" for p in twice)
        errors.append((f"id {named} staat er twee keer", "error"))
    if errors:
        return None, errors
    return ";".join(ids), []


def _line_breaks(value: str) -> str:
    found = sorted({c for c in value if c in LINE_BREAKS})
    return f"regeleinde in de tekst ({_codes(found)})" if found else ""


def _controls(value: str) -> str:
    found = sorted({c for c in value if c not in LINE_BREAKS and c != "\t"
                    and unicodedata.category(c) in ("Cc", "Cs")})
    return f"stuurteken{'s' if len(found) > 1 else ''} {_codes(found)} in de tekst" if found else ""


def _bidi(value: str) -> str:
    found = sorted({c for c in value if c in BIDI_CONTROLS})
    return (f"tekenrichtingsteken{'s' if len(found) > 1 else ''} {_codes(found)} in de tekst "
            "(laat tekst anders lezen dan hij is)") if found else ""


def _formula(shown: str, hidden: bool = False) -> str:
    """Whether the text as shown (`hidden`: after leaving out what went before it) starts a
    spreadsheet formula."""
    if shown[0] in FORMULA_START or (shown[0] in SIGN_START and len(shown) > 1):
        where = " (na de onzichtbare tekens ervoor)" if hidden else ""
        return (f"tekst begint{where} met '{shown[0]}': een spreadsheet leest dat als "
                "formule; begin met een letter of cijfer")
    return ""


_CHECKS: tuple[Callable[[str], str], ...] = (_line_breaks, _controls, _bidi)


def _cleaned(value: str) -> tuple[str, list[str]]:
    """`value` as it will be shown, and what changed: tabs as spaces, invisible format
    characters left out, composed Unicode (NFC)."""
    changes = []
    shown = value
    if "\t" in shown:
        shown = shown.replace("\t", " ")
        changes.append("tab als spatie")
    invisible = sorted({c for c in shown if unicodedata.category(c) == "Cf"})
    if invisible:
        shown = "".join(c for c in shown if c not in invisible)
        changes.append(f"onzichtbaar teken {_codes(invisible)} weggelaten")
    composed = unicodedata.normalize("NFC", shown)
    if composed != shown:
        shown = composed
        changes.append("samengestelde tekens (Unicode NFC)")
    return shown.strip(), changes


def _codes(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars[:5]) + (" ..." if len(chars) > 5 else "")


def _chars(chars: list[str]) -> str:
    return ", ".join(f"'{c}' (U+{ord(c):04X})" if c.isprintable() else f"U+{ord(c):04X}"
                     for c in chars[:5]) + (" ..." if len(chars) > 5 else "")
