"""Partner configuration: `layouts/partners.yaml` (groups, partner categories and core
functions, each with an id and a Dutch label) into a typed `PartnerConfig`.

The codes in `partners.csv` are checked against it, the pivot (`partners.py`) turns a library's
rows into one column per category, group, function and (category, function), and the
indicator templates of `indicators.yaml` are expanded over it. The file is read strictly
(`yamlsrc.py`); a wrong file raises `ConfigError` naming the file, the line and the key. The
labels are drawn on the pages, so they are checked as the names in the data are (`text.py`):
one line, no control or direction characters, every character in the Lato font.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from infographics import yamlsrc
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.text import examine
from infographics.errors import ConfigError
from infographics.resources import LAYOUTS

DEFAULT_PATH = LAYOUTS / "partners.yaml"

# A code becomes part of a column name in indicator conditions (`cat_gemeente`) and of indicator
# ids, so: lower-case letters, digits and single underscores; `__` joins a category and a
# function (`cat_gemeente__lezen_literatuur`).
CODE_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
CODE_CHARS: Final = 40
JOIN: Final = "__"  # between a category and a function in a column or indicator id


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _GroupSpec(_Strict):
    id: str
    label: str


class _CategorySpec(_Strict):
    id: str
    label: str
    group: str


class _FunctionSpec(_Strict):
    id: str
    label: str


class _PartnerFile(_Strict):
    groups: list[_GroupSpec]
    categories: list[_CategorySpec]
    functions: list[_FunctionSpec]


@dataclass(frozen=True)
class Code:
    """One configured code with its Dutch label (and, for a category, its group)."""

    id: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class PartnerConfig:
    """The groups, partner categories and core functions, in the order of the file."""

    groups: tuple[Code, ...]
    categories: tuple[Code, ...]
    functions: tuple[Code, ...]

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    @property
    def function_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.functions)

    def members(self, group: str) -> tuple[str, ...]:
        """The categories of `group`."""
        return tuple(c.id for c in self.categories if c.group == group)

    def combinations(self) -> tuple[Code, ...]:
        """Every (category, function) as one code `category__function`, labelled
        `gemeente (voor lezen en literatuur)`."""
        return tuple(Code(f"{c.id}{JOIN}{f.id}", f"{c.label} (voor {f.label})", c.group)
                     for c in self.categories for f in self.functions)

    def columns(self) -> tuple[str, ...]:
        """The columns the pivot adds to a network row: `cat_*`, `grp_*`, `fn_*` and
        `cat_<category>__<function>`."""
        return (*(f"cat_{c.id}" for c in self.categories),
                *(f"grp_{g.id}" for g in self.groups),
                *(f"fn_{f.id}" for f in self.functions),
                *(f"cat_{c.id}" for c in self.combinations()))


def load_partner_config(path: Path | None = None,
                        limits: Limits = DEFAULT_LIMITS) -> PartnerConfig:
    """The partner configuration at `path` (default: the packaged one); a wrong file raises
    `ConfigError` naming the file, the line and the key."""
    source = yamlsrc.read(Path(path or DEFAULT_PATH), limits=limits)
    spec: _PartnerFile = yamlsrc.build(_PartnerFile, source)
    groups = _codes(source, "groups", [(g.id, g.label, "") for g in spec.groups], limits)
    categories = _codes(source, "categories",
                        [(c.id, c.label, c.group) for c in spec.categories], limits)
    functions = _codes(source, "functions", [(f.id, f.label, "") for f in spec.functions],
                       limits)
    known = {g.id for g in groups}
    for i, category in enumerate(categories):
        if category.group not in known:
            raise _fail(source, ("categories", i, "group"),
                        f"onbekende groep {category.group!r}; kies uit {', '.join(known)}")
    for i, group in enumerate(groups):
        if not any(c.group == group.id for c in categories):
            raise _fail(source, ("groups", i, "id"), "groep zonder categorieën")
    return PartnerConfig(groups, categories, functions)


def _fail(source: yamlsrc.Source, key: yamlsrc.KeyPath, message: str) -> ConfigError:
    return ConfigError(source.file, source.line(key), yamlsrc.dotted(key), message)


def _codes(source: yamlsrc.Source, key: str, items: list[tuple[str, str, str]],
           limits: Limits = DEFAULT_LIMITS) -> tuple[Code, ...]:
    """The codes of one list, each a valid code and not there twice, each label text the pages
    can draw (as shown: a harmless change such as composed Unicode is taken); not empty."""
    if not items:
        raise _fail(source, (key,), "lijst mag niet leeg zijn")
    seen: set[str] = set()
    shown: list[tuple[str, str, str]] = []
    for i, (code, label, group) in enumerate(items):
        if len(code) > CODE_CHARS or not CODE_PATTERN.fullmatch(code):
            raise _fail(source, (key, i, "id"),
                        f"ongeldige code {code!r}: kleine letters, cijfers en enkele '_', "
                        f"beginnend met een letter, hoogstens {CODE_CHARS} tekens")
        if code in seen:
            raise _fail(source, (key, i, "id"), f"code {code!r} staat er twee keer")
        if not label.strip():
            raise _fail(source, (key, i, "label"), "label mag niet leeg zijn")
        kept, findings = examine(label, "name", limits.text_chars)
        if kept is None:
            raise _fail(source, (key, i, "label"),
                        "; ".join(message for message, _ in findings) + f": {label!r}")
        seen.add(code)
        shown.append((code, kept, group))
    return tuple(Code(code, label, group) for code, label, group in shown)
