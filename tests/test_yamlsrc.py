"""yamlsrc: YAML read strictly, for every configuration file (layouts, style, indicators,
checklist, column mapping): a duplicate key names both lines, anchors, aliases and merge keys are
refused, only plain tags are allowed, keys are scalars, and size and nesting are bounded; each a
`ConfigError` with file and line, never a traceback and never a silently dropped value."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from infographics import yamlsrc
from infographics.data.checklist import DEFAULT_PATH as CHECKLIST
from infographics.data.checklist import load_checklist
from infographics.data.indicators import DEFAULT_PATH as INDICATORS
from infographics.data.indicators import load_indicators
from infographics.data.limits import DEFAULT_LIMITS, Limits
from infographics.data.mapping import read_mapping
from infographics.data.validate import validate_data
from infographics.errors import ConfigError
from infographics.page.layout import load_layout
from infographics.page.style import load_style
from infographics.resources import LAYOUTS

MINI = Path(__file__).parent / "fixtures" / "mini"


def error(text: str, limits: Limits = DEFAULT_LIMITS) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        yamlsrc.parse(text, "x.yaml", limits)
    return info.value


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_key_names_both_lines():
    err = error("title: Een\nblocks:\n  a: 1\n  b: 2\n  a: 3\n")
    assert (err.file, err.line, err.key) == ("x.yaml", 5, "blocks.a")
    assert "twee keer" in err.message
    assert "regels 3 en 5" in err.message


def test_duplicate_key_at_the_top_and_in_a_list_item():
    assert error("a: 1\nb: 2\na: 1\n").line == 3
    err = error("items:\n  - {id: x, label: A, label: B}\n")
    assert (err.line, err.key) == (2, "items[0].label")


def test_same_key_in_different_mappings_is_fine():
    source = yamlsrc.parse("a: {x: 1}\nb: {x: 2}\nc:\n  - x: 3\n  - x: 4\n", "x.yaml")
    assert source.data == {"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]}
    assert source.line(("c", 1, "x")) == 5


# --------------------------------------------------------------------------- anchors, tags, keys


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("base: &b {x: 1}\nother: *b\n", 1, "anker '&b'"),
        ("a: [1, 2]\nb: *nergens\n", 2, "alias '*nergens'"),  # even without its anchor
        ("a: 1\nb:\n  <<: {x: 1}\n", 3, "samenvoegsleutel"),
        ("lol: &a [x, x]\nlol2: &b [*a, *a]\n", 1, "anker"),  # billion laughs starts so
        ("a: !!python/object:os.system x\n", 1, "YAML-tag 'tag:yaml.org,2002:python/object"),
        ("a: !!binary aGFsbG8=\n", 1, "YAML-tag"),
        ("a: !mijn x\n", 1, "YAML-tag '!mijn'"),
        ("a: !!set {x, y}\n", 1, "YAML-tag"),
        ("a: 1\n? [x, y]\n: 2\n", 2, "sleutel moet een naam of getal zijn"),
        ("a: 1\n{x: 1}: 2\n", 2, "sleutel moet een naam of getal zijn"),
    ],
)
def test_refused_yaml_is_a_located_error(text, line, fragment):
    err = error(text)
    assert err.line == line
    assert fragment in err.message


def test_plain_tags_are_allowed():
    source = yamlsrc.parse("a: !!str 5\nb: !!int '6'\nc: !!map {x: !!null ''}\n", "x.yaml")
    assert source.data == {"a": "5", "b": 6, "c": {"x": None}}


# --------------------------------------------------------------------------- size and depth


def test_deep_nesting_is_refused_without_recursion():
    err = error("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "te diep genest (meer dan 50 niveaus)" in err.message
    assert err.line == 1
    yamlsrc.parse("a: " + "[" * 40 + "]" * 40 + "\n", "x.yaml")


def test_file_larger_than_the_limit(tmp_path):
    path = tmp_path / "groot.yaml"
    path.write_text("a: 1\n" * 100)
    with pytest.raises(ConfigError, match=r"bestand is te groot: 500 bytes \(maximaal 100 bytes"):
        yamlsrc.read(path, limits=Limits(yaml_bytes=100))


def test_a_file_near_the_limit_reads_in_seconds(tmp_path):
    """The largest shipped file is 10 kB; the limit (256 kB) is read in about a second."""
    path = tmp_path / "veel.yaml"
    path.write_text("".join(f"k{i}: {{a: {i}, b: tekst {i}}}\n" for i in range(7_000)))
    assert 200_000 < path.stat().st_size < Limits().yaml_bytes
    start = time.process_time()  # CPU time: other work on the machine does not count
    source = yamlsrc.read(path)
    assert len(source.data) == 7_000
    assert time.process_time() - start < 5


def test_not_utf8(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: Frysl\xe2n\n")
    with pytest.raises(ConfigError, match="geen UTF-8"):
        yamlsrc.read(path)


# --------------------------------------------------------------------------- every reader


def duplicated(path: Path, tmp_path: Path, key: bytes) -> Path:
    """A copy of `path` with its first line that starts with `key` written twice."""
    lines = path.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(key))
    copy = tmp_path / path.name
    copy.write_bytes(b"".join(lines[:at + 1] + [lines[at]] + lines[at + 1:]))
    return copy


def test_every_configuration_reader_refuses_a_duplicate_key(tmp_path):
    cases = [
        (lambda p: load_indicators(p), duplicated(INDICATORS, tmp_path, b"defaults:")),
        (lambda p: load_checklist(p), duplicated(CHECKLIST, tmp_path, b"blocks:")),
        (lambda p: load_style(p), duplicated(LAYOUTS / "style.yaml", tmp_path, b"  ink:")),
        (lambda p: load_layout(p), duplicated(LAYOUTS / "po-lokaal.yaml", tmp_path, b"extends:")),
    ]
    for load, path in cases:
        with pytest.raises(ConfigError, match="twee keer") as info:
            load(path)
        assert info.value.line is not None, path


def test_the_mapping_refuses_anchors_and_oversized_files(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("pois: &p {poi_id: Code}\nprovinces: *p\n")
    with pytest.raises(ConfigError, match="anker") as info:
        read_mapping(path)
    assert info.value.line == 1
    path.write_text("pois: {poi_id: Code}\n" * 10)
    report = validate_data(MINI, mapping=path, limits=Limits(yaml_bytes=50))
    assert "bestand is te groot" in report.errors[0].message


def test_the_checklist_names_line_and_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("blocks:\n  - {column: points_expertise, label: X, max: drie}\nbands:\n"
                    "  - {stars: 1, upper: 100}\n")
    with pytest.raises(ConfigError) as info:
        load_checklist(path)
    assert (info.value.line, info.value.key) == (2, "blocks[0].max")
    path.write_text("blocks:\n  - {column: points_expertise, label: X, max: 3}\nbands:\n"
                    "  - {stars: veel, upper: 100}\n")
    with pytest.raises(ConfigError, match="getal") as info:
        load_checklist(path)
    assert info.value.key == "bands[0].stars"


def test_the_shipped_files_are_strict_yaml():
    for path in sorted(LAYOUTS.glob("*.yaml")):
        yamlsrc.read(path)
