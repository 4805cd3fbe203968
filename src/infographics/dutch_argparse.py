"""argparse's own texts in Dutch: its usage line, headings, help for -h and --version, and its
error messages, so that nothing a user of `infographics` reads on the command line is English.

argparse looks its texts up through the module's `_` and `ngettext` each time it shows one;
`install()` puts a Dutch lookup there. Texts without a translation stay as they are.
"""

from __future__ import annotations

import argparse
from typing import Final

DUTCH: Final[dict[str, str]] = {
    "usage: ": "gebruik: ",
    "positional arguments": "argumenten",
    "options": "opties",
    "optional arguments": "opties",
    "show this help message and exit": "deze hulp tonen en stoppen",
    "show program's version number and exit": "het versienummer tonen en stoppen",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "expected one argument": "verwacht één waarde",
    "expected at most one argument": "verwacht hoogstens één waarde",
    "expected at least one argument": "verwacht minstens één waarde",
    "not allowed with argument %s": "niet samen met argument %s",
    "ignored explicit argument %r": "genegeerde waarde %r",
    "ambiguous option: %(option)s could match %(matches)s":
        "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
    "one of the arguments %s is required": "een van de argumenten %s is nodig",
    "unexpected option string: %s": "onverwachte optie: %s",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
}
PLURALS: Final[dict[str, tuple[str, str]]] = {
    "expected %s argument": ("verwacht %s waarde", "verwacht %s waarden"),
}


def dutch(text: str) -> str:
    """`text` in Dutch where argparse's text has a translation, else unchanged."""
    return DUTCH.get(text, text)


def dutch_plural(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get(singular, (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Make argparse speak Dutch from now on (in this process)."""
    argparse._ = dutch  # type: ignore[attr-defined]  # argparse's gettext lookup, by design
    argparse.ngettext = dutch_plural  # type: ignore[attr-defined]
