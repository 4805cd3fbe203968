"""Numbers for people: values into Dutch strings as the KB writes them, built on Babel (nl_NL).

`integer(5386)` -> "5.386", `percent(0.784)` -> "78%", `percent(0.3734, 1)` -> "37,3%",
`compact(484000)` -> "484 duizend", `compact(1_200_000)` -> "1,2 miljoen",
`in_ten(0.7)` -> "7 van de 10", `school_year("2020-2021")` -> "2020-2021".
Rounding is half up (0,785 -> 79%), as people expect, not Babel's default half-even.
A missing or suppressed value formats as the en dash `DASH`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_compact_decimal, format_decimal

from infographics.levels import is_calendar_year

LOCALE = "nl_NL"
DASH = "\u2013"  # en dash: shown where a value is unknown or suppressed

_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def _round(value: float | Decimal, digits: int) -> Decimal:
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def _missing(value: float | Decimal | None) -> bool:
    """None or NaN (a NaN is not equal to itself)."""
    return value is None or value != value


def integer(value: float | None) -> str:
    """A whole number with Dutch thousands dots: 5386 -> '5.386'."""
    if value is None or _missing(value):
        return DASH
    return format_decimal(_round(value, 0), format="#,##0", locale=LOCALE)


def count(n: int, singular: str, plural: str) -> str:
    """A count with its noun, in Dutch: count(1, "pagina", "pagina's") -> '1 pagina',
    count(1032, ...) -> '1.032 pagina\'s'."""
    return f"{integer(n)} {singular if n == 1 else plural}"


def decimal(value: float | Decimal | None, digits: int = 1) -> str:
    """A number with a decimal comma: 37.25 -> '37,3'."""
    if value is None or _missing(value):
        return DASH
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(_round(value, digits), format=pattern, locale=LOCALE)


def mean(value: float | Decimal | None) -> str:
    """A mean with one decimal, a whole one without: 14.62 -> '14,6', 15.0 -> '15' (a page says
    "gemiddeld 15 partners" as the KB publishes it, and never '15' beside '14,6')."""
    text = decimal(value, 1)
    return text.removesuffix(",0")


def percent(fraction: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 0.784 -> '78%', with digits=1 0.3734 -> '37,3%'."""
    if fraction is None or _missing(fraction):
        return DASH
    # scale in decimal arithmetic so 0.0725 is 7.25 exactly, not 7.2499...
    return decimal(Decimal(repr(float(fraction))) * 100, digits) + "%"


def compact(value: float | None) -> str:
    """Large numbers in words: 484000 -> '484 duizend', 1200000 -> '1,2 miljoen'.

    Below 10.000 the plain integer is clearer and is used instead. Thousands keep one decimal
    below 100.000 (`12,5 duizend`) and none above (`638 duizend`); millions keep one.
    """
    if value is None or _missing(value):
        return DASH
    if abs(value) < 10_000:
        return integer(value)
    digits = 0 if 100_000 <= abs(value) < 1_000_000 else 1
    return format_compact_decimal(
        float(_round(value, 0)), format_type="long", locale=LOCALE, fraction_digits=digits
    )


def in_ten(fraction: float | None) -> str:
    """A share as 'n van de 10': 0.7 -> '7 van de 10'."""
    if fraction is None or _missing(fraction):
        return DASH
    return f"{int(_round(float(fraction) * 10, 0))} van de 10"


def school_year(year: str) -> str:
    """A school year as written in Dutch: '2020-2021' (validated)."""
    m = _YEAR.match(str(year).strip())
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        raise ValueError(f"ongeldig schooljaar {year!r}; verwacht bijvoorbeeld '2020-2021'")
    return f"{m.group(1)}-{m.group(2)}"


def edition_year(year: str) -> str:
    """An edition's year as written in Dutch: a school year '2020-2021' (PO/VO) or a calendar
    year '2022' (partners), validated."""
    text = str(year).strip()
    if is_calendar_year(text):
        return text
    return school_year(text)


def edition_words(year: str) -> str:
    """An edition's year with what kind of year it is: 'schooljaar 2020-2021' (PO/VO) or
    'kalenderjaar 2022' (partners); anything else as it is (a sheet or mail never fails on
    a year it can only show)."""
    try:
        text = edition_year(year)
    except ValueError:
        return str(year)
    return f"kalenderjaar {text}" if is_calendar_year(text) else f"schooljaar {text}"


FORMATS: dict[str, Callable[[float | None], str]] = {
    "integer": integer,
    "decimal": decimal,
    "mean": mean,
    "percent": percent,
    "percent1": lambda v: percent(v, 1),
    "compact": compact,
    "in_ten": in_ten,
}


# digits of the percentage each format shows; other formats draw the value as it is
_PERCENT_DIGITS = {"percent": 0, "percent1": 1, "in_ten": -1}


def shown_value(value: float | None, fmt: str) -> float | None:
    """The value as the page shows it in format `fmt`, for drawing: a bar, ring or tile is
    drawn at the rounded percentage it is labelled with (0.7849 -> 0.78 for `percent`), so a
    chart never disagrees with its label and a page changes only when what it shows changes."""
    if value is None or _missing(value) or fmt not in _PERCENT_DIGITS:
        return value
    digits = _PERCENT_DIGITS[fmt] + 2
    exponent = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(exponent, ROUND_HALF_UP))


def format_value(value: float | None, fmt: str) -> str:
    """Format by name, as layouts refer to formats: integer, decimal, mean, percent, percent1,
    compact, in_ten."""
    try:
        return FORMATS[fmt](value)
    except KeyError:
        raise ValueError(f"onbekend getalformaat {fmt!r}; kies uit {', '.join(FORMATS)}") from None
