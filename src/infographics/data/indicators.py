"""Indicator definitions: `layouts/indicators.yaml` into typed, compiled `Indicators`.

An indicator is a value (`sum(column)`, `count(condition)`, `count()`), a mean
(`mean(column)`: the sum over the rows where the column is known, divided by their number) or a
share (numerator over denominator) computed over a population of rows (libraries, school
locations or the network rows of the general survey). Each aggregate is compiled into a function
that, given a table, returns per-row contributions and whether the row's needed values are
known; `measure.py` sums those per entity. The star distribution indicators are generated from
the star-checklist configuration, and the `templates` of the file are expanded over the partner
configuration (`partners.yaml`: one indicator per category, group, function or pair), so those
lists are defined in one place. Errors name file:line: key.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, TypeGuard

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from infographics import yamlsrc
from infographics.data.checklist import Checklist, load_checklist
from infographics.data.partnerconfig import JOIN, Code, PartnerConfig, load_partner_config
from infographics.data.schema import CHECKLIST_BLOCKS, TABLES
from infographics.errors import ConfigError
from infographics.resources import LAYOUTS

DEFAULT_PATH = LAYOUTS / "indicators.yaml"

TableName = Literal["libraries", "school_locations", "network"]
# Columns measure.py derives on libraries, school locations and network rows before measuring
# (network rows also get the partner pivot's columns, `PartnerConfig.columns()`).
DERIVED: Final[dict[TableName, frozenset[str]]] = {
    "libraries": frozenset({"size_class"}),
    "school_locations": frozenset({"points_total", "points_max", "stars"}
                                  | {f"max_{c}" for c in CHECKLIST_BLOCKS}),
    "network": frozenset({"size_class"}),
}
# What a template is expanded over: a list of the partner configuration.
Over = Literal["categories", "groups", "functions", "category_functions"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SizeClassSpec(_Strict):
    id: str
    label: str
    upper: int | None = None


class PopulationSpec(_Strict):
    table: TableName
    where: str | None = None


class IndicatorSpec(_Strict):
    label: str
    population: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    min_n: int | None = Field(default=None, ge=0)


class TemplateSpec(IndicatorSpec):
    """An indicator per code of a list of the partner configuration: `{id}` and `{label}` in
    the template's id, label and aggregates become the code and its label."""

    over: Over


class Defaults(_Strict):
    min_n: int = Field(default=3, ge=0)


class IndicatorFile(_Strict):
    defaults: Defaults = Defaults()
    size_classes: list[SizeClassSpec]
    populations: dict[str, PopulationSpec]
    indicators: dict[str, IndicatorSpec]
    templates: dict[str, TemplateSpec] = Field(default_factory=dict)


# --- conditions --------------------------------------------------------------------------------

# element-wise comparisons of a pandas column with a column or a constant (pandas: Any)
_OPS: Final[dict[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}


@dataclass(frozen=True)
class Condition:
    """A parsed condition; `evaluate(frame)` gives a nullable boolean Series (NA = unknown)."""

    text: str
    tree: ast.expr
    columns: frozenset[str]

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        return _eval(self.tree, frame)


def _eval(node: ast.expr, frame: pd.DataFrame) -> pd.Series:
    if isinstance(node, ast.Name):
        col = frame[node.id]
        if str(col.dtype) == "boolean":
            return col
        return (col != 0).astype("boolean").mask(col.isna(), pd.NA)
    if isinstance(node, ast.BoolOp):
        parts = [_eval(v, frame) for v in node.values]
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if isinstance(node.op, ast.And) else (out | part)
        return out
    if isinstance(node, ast.UnaryOp):
        return ~_eval(node.operand, frame)
    if isinstance(node, ast.Compare):
        return _eval_comparison(node, frame)
    raise TypeError(node)  # excluded by _parse_condition


def _eval_comparison(node: ast.Compare, frame: pd.DataFrame) -> pd.Series:
    """`column <op> constant` or `column <op> column`; unknown where a side is unknown."""
    left = frame[_column_name(node.left)]
    other = node.comparators[0]
    right = frame[other.id] if isinstance(other, ast.Name) else _constant(other)
    compared: pd.Series = _OPS[type(node.ops[0])](left, right)
    result = compared.astype("boolean").mask(left.isna(), pd.NA)
    return result.mask(right.isna(), pd.NA) if isinstance(right, pd.Series) else result


def _column_name(node: ast.expr) -> str:
    if not isinstance(node, ast.Name):
        raise TypeError(node)  # excluded by _parse_condition
    return node.id


def _constant(node: ast.expr) -> object:
    if not isinstance(node, ast.Constant):
        raise TypeError(node)  # excluded by _parse_condition
    return node.value


def _parse_condition(text: str, columns: set[str]) -> Condition:
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"ongeldige voorwaarde {text!r}") from exc
    used: set[str] = set()
    _check_condition(tree, text, columns, used)
    return Condition(text, tree, frozenset(used))


def _check_condition(node: ast.AST, text: str, columns: set[str], used: set[str]) -> None:
    """Only known columns, comparisons and and/or/not; adds the columns to `used`."""
    if isinstance(node, ast.Name):
        if node.id not in columns:
            raise ValueError(f"onbekende kolom {node.id!r} in {text!r}")
        used.add(node.id)
        return
    for operand in _operands(node, text):
        _check_condition(operand, text, columns, used)


def _operands(node: ast.AST, text: str) -> list[ast.expr]:
    """What an allowed and/or, not or comparison applies to (for a comparison: its columns)."""
    if isinstance(node, ast.BoolOp):
        return node.values
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [node.operand]
    if _is_simple_comparison(node):
        return [side for side in (node.left, node.comparators[0]) if isinstance(side, ast.Name)]
    raise ValueError(
        f"voorwaarde {text!r} niet toegestaan: gebruik kolommen, vergelijkingen met een "
        "getal, 'tekst' of een kolom, and/or/not"
    )


def _is_simple_comparison(node: ast.AST) -> TypeGuard[ast.Compare]:
    """`column <op> constant` or `column <op> column`, with one operator of `_OPS`."""
    return (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and type(node.ops[0]) in _OPS
        and isinstance(node.left, ast.Name)
        and isinstance(node.comparators[0], (ast.Constant, ast.Name))
    )


# --- aggregates ---------------------------------------------------------------------------------

_AGG = re.compile(r"^\s*(sum|count|mean)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Aggregate:
    """`sum(column)`, `count(condition)`, `count()` or `mean(column)` over rows (a mean's
    contributions are the column's values; `measure.py` divides their sum by N)."""

    text: str
    fn: Literal["sum", "count", "mean"]
    column: str | None = None
    condition: Condition | None = None

    @property
    def columns(self) -> frozenset[str]:
        if self.column:
            return frozenset({self.column})
        return self.condition.columns if self.condition else frozenset()

    def contributions(self, frame: pd.DataFrame) -> pd.Series:
        """Per-row contribution as float; NaN where the row's needed values are unknown."""
        if self.fn in ("sum", "mean"):
            return frame[self.column].astype("Float64").astype(float)
        if self.condition is None:
            return pd.Series(1.0, index=frame.index)
        return self.condition.evaluate(frame).astype("Float64").astype(float)


def _parse_aggregate(text: str, columns: set[str]) -> Aggregate:
    m = _AGG.match(str(text))
    if not m:
        raise ValueError(f"verwacht sum(kolom), count(voorwaarde), count() of mean(kolom), "
                         f"niet {text!r}")
    fn, arg = m.group(1), m.group(2).strip()
    if fn == "sum" or fn == "mean":
        if arg not in columns:
            raise ValueError(f"onbekende kolom {arg!r}")
        return Aggregate(text, "sum" if fn == "sum" else "mean", column=arg)
    return Aggregate(text, "count", condition=_parse_condition(arg, columns) if arg else None)


# --- compiled indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeClass:
    id: str
    label: str
    upper: int | None


@dataclass(frozen=True)
class Population:
    name: str
    table: TableName
    where: Condition | None


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    population: Population
    numerator: Aggregate  # the value itself for value indicators
    denominator: Aggregate | None
    min_n: int

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def is_mean(self) -> bool:
        """A mean (`mean(column)`): the figure's value is numerator / N, shown with one
        decimal and said to be an average."""
        return self.numerator.fn == "mean"


@dataclass(frozen=True)
class Indicators:
    items: dict[str, Indicator]
    size_classes: tuple[SizeClass, ...]
    checklist: Checklist
    partners: PartnerConfig

    def __getitem__(self, key: str) -> Indicator:
        return self.items[key]

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def size_class_of(self, inhabitants: float | None) -> str | None:
        if inhabitants is None or inhabitants != inhabitants:
            return None
        for sc in self.size_classes:
            if sc.upper is None or inhabitants < sc.upper:
                return sc.id
        return None


def _table_columns(table: TableName, partners: PartnerConfig | None = None) -> set[str]:
    """The columns an indicator on `table` may use (network rows: with the pivot's columns;
    `year` is carried as `school_year` once loaded)."""
    if table == "network":
        names = {"school_year" if n == "year" else n for n in TABLES[table].names}
        return names | DERIVED[table] | set(partners.columns() if partners else ())
    return set(TABLES[table].names) | DERIVED[table]


def load_indicators(path: Path | None = None, checklist: Checklist | None = None,
                    partners: PartnerConfig | None = None) -> Indicators:
    """Read and compile the indicator file; generate the star-checklist indicators and expand
    the templates over the partner configuration (default: the packaged ones)."""
    source = yamlsrc.read(path or DEFAULT_PATH)
    spec: IndicatorFile = yamlsrc.build(IndicatorFile, source)
    checklist = checklist or load_checklist()
    partners = partners or load_partner_config()
    populations = {
        name: _population(name, pop, source, partners) for name, pop in spec.populations.items()
    }
    items = {
        ind_id: _indicator(ind_id, ind, populations, spec.defaults, source, partners)
        for ind_id, ind in spec.indicators.items()
    }
    for key, template in spec.templates.items():
        _add_expanded(items, key, template, populations, spec.defaults, source, partners)
    if "vo_schools" in populations:
        items.update(_checklist_indicators(populations["vo_schools"], checklist, spec.defaults))
    size_classes = tuple(SizeClass(s.id, s.label, s.upper) for s in spec.size_classes)
    return Indicators(items, size_classes, checklist, partners)


def _fail(source: yamlsrc.Source, key: yamlsrc.KeyPath, message: str) -> ConfigError:
    return ConfigError(source.file, source.line(key), yamlsrc.dotted(key), message)


def _population(name: str, spec: PopulationSpec, source: yamlsrc.Source,
                partners: PartnerConfig) -> Population:
    columns = _table_columns(spec.table, partners)
    try:
        where = _parse_condition(spec.where, columns) if spec.where else None
    except ValueError as exc:
        raise _fail(source, ("populations", name, "where"), str(exc)) from None
    return Population(name, spec.table, where)


def _indicator(
    ind_id: str, spec: IndicatorSpec, populations: dict[str, Population], defaults: Defaults,
    source: yamlsrc.Source, partners: PartnerConfig, key: yamlsrc.KeyPath | None = None,
) -> Indicator:
    """One indicator compiled; `key` is where it stands in the file (default: under
    `indicators`; a template's expansions name the template)."""
    key = key or ("indicators", ind_id)
    if spec.population not in populations:
        raise _fail(source, (*key, "population"), f"onbekende populatie {spec.population!r}")
    population = populations[spec.population]
    if (spec.value is None) == (spec.numerator is None):
        raise _fail(source, key, "geef 'value' of 'numerator' en 'denominator'")
    if (spec.numerator is None) != (spec.denominator is None):
        raise _fail(source, key, "een aandeel heeft zowel 'numerator' als 'denominator'")
    parsed = _aggregates(spec, _table_columns(population.table, partners), source, key)
    if any(a.fn == "mean" for part, a in parsed.items() if part != "value"):
        raise _fail(source, key, "mean(kolom) kan alleen als 'value', niet in een aandeel")
    return Indicator(
        ind_id,
        spec.label,
        population,
        parsed.get("value") or parsed["numerator"],
        parsed.get("denominator"),
        defaults.min_n if spec.min_n is None else spec.min_n,
    )


def _aggregates(
    spec: IndicatorSpec, columns: set[str], source: yamlsrc.Source, key: yamlsrc.KeyPath
) -> dict[str, Aggregate]:
    """The indicator's value, or its numerator and denominator, compiled."""
    texts = {"value": spec.value, "numerator": spec.numerator, "denominator": spec.denominator}
    parsed = {}
    for part, text in texts.items():
        if text is not None:
            try:
                parsed[part] = _parse_aggregate(text, columns)
            except ValueError as exc:
                raise _fail(source, (*key, part), str(exc)) from None
    return parsed


def _checklist_indicators(
    pop: Population, checklist: Checklist, defaults: Defaults
) -> dict[str, Indicator]:
    """Star distribution and per-block shares, from the checklist configuration."""
    cols = _table_columns("school_locations")
    total = _parse_aggregate("count()", cols)
    out: dict[str, Indicator] = {}
    for stars in sorted({b.stars for b in checklist.bands}):
        count = _parse_aggregate(f"count(stars == {stars})", cols)
        word = "ster" if stars == 1 else "sterren"
        out[f"vo_schools_stars_{stars}"] = Indicator(
            f"vo_schools_stars_{stars}", f"schoollocaties met {stars} {word}", pop, count, None,
            defaults.min_n,
        )
        out[f"vo_share_schools_stars_{stars}"] = Indicator(
            f"vo_share_schools_stars_{stars}", f"aandeel schoollocaties met {stars} {word}", pop,
            count, total, defaults.min_n,
        )
    for block in checklist.blocks:
        short = block.column.removeprefix("points_")
        out[f"vo_schools_share_{short}"] = Indicator(
            f"vo_schools_share_{short}",
            f"aandeel van het maximum behaald op {block.label}",
            pop,
            _parse_aggregate(f"sum({block.column})", cols),
            _parse_aggregate(f"sum(max_{block.column})", cols),
            defaults.min_n,
        )
    return out


# --- templates -----------------------------------------------------------------------------------


def _codes(partners: PartnerConfig, over: Over) -> tuple[Code, ...]:
    if over == "categories":
        return partners.categories
    if over == "groups":
        return partners.groups
    if over == "functions":
        return partners.functions
    return partners.combinations()


def _add_expanded(
    items: dict[str, Indicator], key: str, template: TemplateSpec,
    populations: dict[str, Population], defaults: Defaults, source: yamlsrc.Source,
    partners: PartnerConfig,
) -> None:
    """The template's indicators, one per code of its list, added to `items`; an id that is
    already there is an error naming the template."""
    where: yamlsrc.KeyPath = ("templates", key)
    if not any(f"{{{name}}}" in key for name in ("id", "category", "function")):
        raise _fail(source, where, "de id van een sjabloon moet {id} bevatten")
    for code in _codes(partners, template.over):
        fields = template.model_dump(exclude={"over"})
        spec = IndicatorSpec(**{name: _fill(value, code) for name, value in fields.items()})
        ind_id = _fill(key, code)
        if ind_id in items:
            raise _fail(source, where, f"indicator {ind_id!r} bestaat al")
        try:
            items[ind_id] = _indicator(ind_id, spec, populations, defaults, source, partners,
                                       where)
        except ConfigError as exc:
            raise ConfigError(exc.file, exc.line, exc.key,
                              f"{exc.message} (uitgewerkt voor {code.id!r})") from None


def _fill(value: Any, code: Code) -> Any:
    """`{id}` and `{label}` in a template's text replaced by the code's id and label; for a
    (category, function) pair also `{category}` and `{function}` by its two codes."""
    if not isinstance(value, str):
        return value
    value = value.replace("{id}", code.id).replace("{label}", code.label)
    category, join, function = code.id.partition(JOIN)
    if join:
        value = value.replace("{category}", category).replace("{function}", function)
    return value
