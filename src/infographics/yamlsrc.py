"""YAML files with line numbers: a file into plain data plus a map from key path to line, and
pydantic validation errors into `ConfigError`s that name file:line: key.path.

Layouts, the style and indicator files are data that analysts edit; when one is wrong the message
must point at the line, e.g. `layouts/po-lokaal.yaml:42: blocks[3].kind: onbekend 'pie3d'`.

YAML is read strictly, since these files are data and not programs: a key that appears twice in
one mapping is an error naming both lines (YAML would silently keep the last); anchors, aliases
and merge keys (`&a`, `*a`, `<<:`) are refused, so a small file cannot expand into a huge one;
explicit tags other than the plain ones (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
`!!map`, `!!seq`) are refused; keys must be scalars; and a file larger than
`Limits.yaml_bytes` or nested deeper than `Limits.yaml_depth` is refused. Each is a
`ConfigError` naming file and line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from infographics.data.limits import DEFAULT_LIMITS, Limits, size
from infographics.errors import ConfigError
from infographics.resources import shown

KeyPath = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Source:
    """A parsed YAML file: its data and the line (1-based) of every key path."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    files: dict[KeyPath, str] = field(default_factory=dict)  # merged sources: key -> its file

    def file_of(self, path: KeyPath) -> str:
        """The file that defined `path` (for merged layouts), else this source's file."""
        path = tuple(path)
        while path:
            if path in self.files:
                return self.files[path]
            path = path[:-1]
        return self.file

    def line(self, path: KeyPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}"
                       for t in ("str", "int", "float", "bool", "null", "map", "seq"))
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors, aliases and explicit tags other than the plain ones,
    and nesting deeper than `depth`, each as a ConfigError with its line."""

    def __init__(self, text: str, name: str, depth: int):
        super().__init__(text)
        self.name, self.max_depth, self.depth = name, depth, 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else None
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise ConfigError(self.name, line, "",
                              f"alias '*{anchor}' is niet toegestaan; schrijf de waarde uit")
        if anchor:
            raise ConfigError(self.name, line, "",
                              f"anker '&{anchor}' is niet toegestaan; schrijf de waarde uit")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in PLAIN_TAGS:
            raise ConfigError(self.name, line, "",
                              f"YAML-tag '{tag}' is niet toegestaan (alleen gewone waarden)")
        self.depth += 1
        if self.depth > self.max_depth:
            raise ConfigError(self.name, line, "",
                              f"te diep genest (meer dan {self.max_depth} niveaus)")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


@dataclass
class _Walk:
    """One file's node tree into plain data and lines; `loader` constructs its scalars."""

    name: str
    loader: _StrictLoader
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def scalar(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)

    def data(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node, path)
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.data(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.data(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def key(self, node: yaml.Node, path: KeyPath) -> Any:
        """A mapping key: a scalar, not a merge key (`<<`), not already in this mapping."""
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(self.name, line, dotted(path), "sleutel moet een naam of getal zijn")
        if node.tag == _MERGE_TAG:
            raise ConfigError(self.name, line, dotted(path),
                              "samenvoegsleutel '<<' is niet toegestaan")
        key = self.scalar(node)
        first = self.lines.get(path + (key,))
        if first is not None:
            raise ConfigError(self.name, line, dotted(path + (key,)),
                              f"sleutel staat twee keer in dezelfde mapping (regels {first} en "
                              f"{line})")
        return key


def read_text(path: Path | str, name: str, limits: Limits = DEFAULT_LIMITS,
              encoding: str = "utf-8") -> str:
    """A YAML file's text; unreadable, not UTF-8 or larger than `limits.yaml_bytes` raises
    ConfigError naming the file."""
    path = Path(path)
    try:
        on_disk = path.stat().st_size
        if on_disk > limits.yaml_bytes:
            raise ConfigError(name, None, "", f"bestand is te groot: {size(on_disk)} (maximaal "
                                              f"{size(limits.yaml_bytes)})")
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise ConfigError(name, None, "", f"kan niet gelezen worden: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        raise ConfigError(name, None, "", f"bestand is geen UTF-8 (byte {bad:02x})") from exc


def read(path: Path | str, label: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Parse a YAML file keeping line numbers; syntax errors become ConfigError with the line."""
    path = Path(path)
    name = label or shown(path)
    return parse(read_text(path, name, limits), name, limits)


def compose_node(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> yaml.Node | None:
    """The YAML node tree of `text`, read strictly; a syntax error becomes a ConfigError with
    its line, and so does an anchor, alias, other tag or too deep nesting."""
    loader = _StrictLoader(text, name, limits.yaml_depth)
    try:
        return _compose(loader, name)
    finally:
        loader.dispose()


def _compose(loader: _StrictLoader, name: str) -> yaml.Node | None:
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(name, line, "", f"ongeldige YAML: {problem}") from exc


def parse(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> Source:
    """`text` (the file `name`) into its data and the line of every key path, read strictly."""
    loader = _StrictLoader(text, name, limits.yaml_depth)
    try:
        node = _compose(loader, name)
        walk = _Walk(name, loader)
        data = walk.data(node, ()) if node is not None else None
    finally:
        loader.dispose()
    return Source(name, data, walk.lines)


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    if kind in ("extra_forbidden",):
        return "onbekende sleutel"
    if kind in ("missing", "union_tag_not_found"):
        return "ontbreekt"
    if kind == "literal_error":
        return f"onbekende waarde {err.get('input')!r}; mogelijk: {_choices(ctx.get('expected'))}"
    if kind == "union_tag_invalid":
        return (f"onbekende waarde {ctx.get('tag')!r}; "
                f"mogelijk: {_choices(ctx.get('expected_tags'))}")
    return f"{err['msg']} (waarde: {err.get('input')!r})"


def _choices(expected: object) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") in Dutch."""
    return str(expected or "").replace(" or ", " of ")


def build(model: type[M], source: Source, data: Any = None, prefix: KeyPath = ()) -> M:
    """Validate `data` (default: the whole file) into `model`; the first error becomes a
    ConfigError naming file, line and key path. Discriminator names in pydantic's location
    (e.g. the block kind) are dropped from the path."""
    try:
        return model.model_validate(source.data if data is None else data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = _real_path(source, prefix, err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            # pydantic names the whole block; the mistake is its discriminator (kind: pie3d)
            path += (str((err.get("ctx") or {}).get("discriminator", "")).strip("'\""),)
        raise ConfigError(
            source.file_of(path), source.line(path), dotted(path), _message(err)
        ) from None


def _child(node: Any, key: str | int) -> Any:
    """`node[key]` in parsed YAML (a mapping or a list), or None where there is no such child."""
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return None


def _real_path(source: Source, prefix: KeyPath, loc: tuple[str | int, ...]) -> KeyPath:
    """Follow pydantic's error location through the data, skipping parts that are not keys in
    the data (union member names and discriminator tags). A discriminated union puts the tag
    right after the dictionary it chose a model for, ('blocks', 'intro', 'text', 'colour') for
    a block of kind text; the tag is skipped even when it is also a key of that dictionary (a
    text block has a `text` key), and a location that goes on into that key repeats it."""
    node: Any = source.data
    for part in prefix:
        node = _child(node, part)
    path: list[str | int] = list(prefix)
    tag_checked: Any = None  # the dictionary whose discriminator tag has been passed
    for i, part in enumerate(loc):
        if (isinstance(node, dict) and node is not tag_checked and node.get("kind") == part
                and i + 1 < len(loc)):
            tag_checked = node  # the tag of a discriminated union, not a key
            continue
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif (isinstance(node, dict) and isinstance(part, str) and part.isidentifier()
              and part.islower() and part == loc[-1]):
            # a tag like 'kpi' or a model name is skipped; a missing last key is kept
            path.append(part)
    return tuple(path)
