"""Column mapping: a YAML file `{table: {canonical_column: "Column name in the export"}}` into
a dict that renames the columns of an export to the canonical names of `schema.py`.

Everything wrong in the file (an unknown table or column, a duplicate, a value that is not a
column name, bad YAML, a file over `Limits.yaml_bytes`; YAML is read strictly, see `yamlsrc.py`)
raises `ConfigError` naming the file, the line and the key.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from infographics import yamlsrc
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.schema import TABLES, TableSchema
from infographics.errors import ConfigError

# per table: canonical column -> the column's name in the export
ColumnMapping = dict[str, dict[str, str]]


def read_mapping(path: Path, limits: Limits = DEFAULT_LIMITS) -> ColumnMapping:
    """A column-mapping YAML `{table: {canonical_column: "Column name in the export"}}`.

    An unknown table or column, a duplicate, or a value that is not a column name raises
    `ConfigError` naming the file, the line and the key."""
    name = str(path)
    text = yamlsrc.read_text(path, name, limits, encoding="utf-8-sig")
    root = yamlsrc.compose_node(text, name, limits)
    if root is None or _is_null(root):
        return {}
    _expect_mapping(root, name, "", "verwacht 'tabel: {kolom: \"kolomnaam in de export\"}'")
    result: ColumnMapping = {}
    for key_node, value_node in root.value:
        table = _key(key_node, name, "")
        if table not in TABLES:
            raise ConfigError(name, _line(key_node), table,
                              f"onbekende tabel; kies uit {', '.join(TABLES)}")
        if table in result:
            raise ConfigError(name, _line(key_node), table, "tabel staat twee keer in de mapping")
        result[table] = _read_table_mapping(value_node, TABLES[table], name)
    return result


# --------------------------------------------------------------------------- helpers


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
