"""Layout YAMLs: the shipped layouts load, and every kind of mistake an analyst can make in a
layout is reported as `file:line: key.path: message`, pointing at the file that holds the
mistake (a child that extends a parent, or the parent itself).

The bad layouts are small files in tests/fixtures/layouts/; their messages name them relative to
the repository root, so the expected prefixes below are exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infographics.data.indicators import load_indicators
from infographics.errors import ConfigError, InfographicsError
from infographics.page import layout as L
from infographics.page.content import PageTarget, resolve

BAD = Path(__file__).parents[1] / "fixtures" / "layouts"
LABEL = "tests/fixtures/layouts/"
SHIPPED = ["po-landelijk.yaml", "po-provinciaal.yaml", "po-lokaal.yaml"]


@pytest.fixture(scope="module")
def indicators():
    return load_indicators()


def error_of(path: Path, indicators) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        L.load_layout(path, indicators)
    return info.value


# --- the shipped layouts -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED + ["po-base.yaml"])
def test_shipped_layouts_load(name, indicators):
    layout = L.load_layout(L.LAYOUT_DIR / name, indicators)
    assert layout.subject == "po"
    assert layout.name == name.removesuffix(".yaml")
    assert "header" in layout.blocks
    assert "source" in layout.blocks


@pytest.mark.parametrize(("level", "name"), [("national", "po-landelijk"),
                                             ("province", "po-provinciaal"),
                                             ("library", "po-lokaal")])
def test_layout_path_and_level(level, name, indicators):
    path = L.layout_path("po", level)
    assert path == L.LAYOUT_DIR / f"{name}.yaml"
    assert L.load_layout(path, indicators).level == level


def test_children_merge_blocks_by_id(indicators):
    base = L.load_layout(L.LAYOUT_DIR / "po-base.yaml", indicators)
    national = L.load_layout(L.LAYOUT_DIR / "po-landelijk.yaml", indicators)
    local = L.load_layout(L.LAYOUT_DIR / "po-lokaal.yaml", indicators)
    # a child adds blocks and keeps the parent's
    assert set(national.blocks) == set(base.blocks) | {"map_cooperating"}
    assert national.blocks["header"] == base.blocks["header"]
    # a null block is removed, a partial override keeps the parent's other keys
    assert "kpi_dbos_libraries" not in local.blocks
    assert "dbos_total" not in local.blocks
    assert local.blocks["kpi_dbos_pupils"].at == (4, 21)  # moved; base: (6, 13)
    assert local.blocks["kpi_dbos_pupils"].value == base.blocks["kpi_dbos_pupils"].value
    assert local.blocks["intro"].text != base.blocks["intro"].text
    assert local.blocks["offers_anchoring"].kind == "offers"


def test_kinds_used_by_the_po_layouts(indicators):
    kinds = set()
    for name in SHIPPED:
        kinds |= {b.kind for b in L.load_layout(L.LAYOUT_DIR / name, indicators).blocks.values()}
    assert kinds == {"header", "section", "text", "source", "kpi", "donut", "pictogram", "bars",
                     "comparison", "map", "offers", "trend"}


def test_reading_order_is_top_to_bottom_then_left_to_right(indicators):
    layout = L.load_layout(L.LAYOUT_DIR / "po-landelijk.yaml", indicators)
    order = [bid for bid, _ in layout.ordered()]
    assert order[:3] == ["header", "intro", "section_schools"]
    assert order.index("bars_anchoring") < order.index("map_cooperating") < order.index("source")


def test_box_is_inside_the_page_margins(indicators):
    layout = L.load_layout(L.LAYOUT_DIR / "po-lokaal.yaml", indicators)
    p = layout.page
    for block in layout.blocks.values():
        x, y, w, h = layout.box(block)
        assert p.margin - 1e-6 <= x
        assert x + w <= p.width - p.margin + 1e-6
        assert p.margin - 1e-6 <= y
        assert y + h <= p.height - p.margin + 1e-6
    header = layout.box(layout.blocks["header"])
    assert header[0] == pytest.approx(p.margin)
    assert header[1] + header[3] == pytest.approx(p.height - p.margin)
    assert header[2] == pytest.approx(p.width - 2 * p.margin)


def test_a_valid_fixture_loads(indicators):
    layout = L.load_layout(BAD / "base-ok.yaml", indicators)
    assert list(layout.blocks) == ["header", "intro"]


# --- errors with exact locations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("unknown-key.yaml",
                     "unknown-key.yaml:11: blocks.kpi.colour: onbekende sleutel", id="unknown-key"),
        pytest.param("missing-field.yaml", "missing-field.yaml:5: blocks.donut.label: ontbreekt",
                     id="missing-field"),
        pytest.param("outside-grid.yaml",
                     "outside-grid.yaml:15: blocks.wide.span: blok valt buiten het raster "
                     "(12 kolommen x 40 rijen)", id="outside-grid"),
        pytest.param("overlap.yaml", "overlap.yaml:13: blocks.intro.at: overlapt met blok "
                     "'header'", id="overlap"),
        pytest.param("unknown-indicator.yaml",
                     "unknown-indicator.yaml:11: blocks.bars.items[1].indicator: "
                     "onbekende indicator 'po_share_unicorns'", id="unknown-indicator"),
        pytest.param("unknown-placeholder.yaml",
                     "unknown-placeholder.yaml:9: blocks.intro.text: "
                     "onbekende plaatshouder {po_locations_everywhere}",
                     id="unknown-placeholder"),
        pytest.param("unknown-format.yaml",
                     "unknown-format.yaml:11: blocks.kpi.detail: onbekend getalformaat 'roman'",
                     id="unknown-format"),
        pytest.param("bad-syntax.yaml", "bad-syntax.yaml:10: ongeldige YAML: ",
                     id="yaml-syntax"),
        pytest.param("missing-parent.yaml",
                     "missing-parent.yaml:2: extends: bestand 'po-nergens.yaml' bestaat niet",
                     id="extends-missing-file"),
        pytest.param("child-error.yaml",
                     "child-error.yaml:7: blocks.header.colour: onbekende sleutel",
                     id="error-in-child-override"),
        pytest.param("child-overlap.yaml",
                     "child-overlap.yaml:6: blocks.intro.at: overlapt met blok 'header'",
                     id="child-moves-block-onto-another"),
        pytest.param("child-of-bad-parent.yaml",
                     "parent-bad.yaml:19: blocks.note.at: overlapt met blok 'intro'",
                     id="error-in-parent"),
    ],
)
def test_error_names_file_line_and_key(name, expected, indicators):
    err = error_of(BAD / name, indicators)
    assert str(err).startswith(LABEL + expected), str(err)


def test_config_error_fields(indicators):
    err = error_of(BAD / "unknown-key.yaml", indicators)
    assert (err.file, err.line, err.key) == (LABEL + "unknown-key.yaml", 11, "blocks.kpi.colour")
    assert err.message == "onbekende sleutel"
    assert isinstance(err, InfographicsError)


def test_unknown_block_kind_names_file_and_block(indicators):
    err = str(error_of(BAD / "unknown-kind.yaml", indicators))
    assert err.startswith(LABEL + "unknown-kind.yaml:")
    assert "blocks.x" in err
    assert "pie3d" in err


def test_unknown_block_kind_points_at_the_kind(indicators):
    err = str(error_of(BAD / "unknown-kind.yaml", indicators))
    assert err.startswith(LABEL + "unknown-kind.yaml:12: blocks.x.kind: onbekende waarde 'pie3d'")


def test_unknown_key_in_a_text_block_names_the_key(indicators):
    err = str(error_of(BAD / "unknown-key-text.yaml", indicators))
    assert err.startswith(LABEL + "unknown-key-text.yaml:11: blocks.intro.colour: "
                                  "onbekende sleutel")


def test_error_in_child_override_of_a_text_block_points_at_the_child(indicators):
    err = str(error_of(BAD / "child-text-error.yaml", indicators))
    assert err.startswith(LABEL + "child-text-error.yaml:7: blocks.intro.size: onbekende waarde "
                                  "'huge'")


def test_child_moving_a_block_out_of_the_grid_points_at_the_child(indicators):
    err = str(error_of(BAD / "child-outside-grid.yaml", indicators))
    assert err.startswith(LABEL + "child-outside-grid.yaml:6: blocks.intro.at: "), err
    assert "buiten het raster" in err


def test_unknown_indicator_of_a_kpi(tmp_path, indicators):
    path = tmp_path / "kpi.yaml"
    path.write_text(
        "subject: po\nlevel: national\ntitle: T\nblocks:\n  k:\n    kind: kpi\n    at: [0, 0]\n"
        "    span: [3, 6]\n    value: po_nonsense\n    label: x\n", encoding="utf-8")
    err = error_of(path, indicators)
    assert str(err) == f"{path}:9: blocks.k.value: onbekende indicator 'po_nonsense'"


def test_unknown_placeholder_in_a_list_item_label(tmp_path, indicators):
    path = tmp_path / "bars.yaml"
    path.write_text(
        "subject: po\nlevel: national\ntitle: T\nblocks:\n  b:\n    kind: bars\n    at: [0, 0]\n"
        "    span: [6, 6]\n    items:\n      - indicator: po_share_reading_plan\n"
        "        label: \"{po_share_reading_plan.n} en {wat}\"\n", encoding="utf-8")
    err = error_of(path, indicators)
    assert str(err) == f"{path}:11: blocks.b.items[0].label: onbekende plaatshouder {{wat}}"


def test_placeholders_in_item_labels_are_filled(ctx):
    layout = L.load_layout(L.LAYOUT_DIR / "po-landelijk.yaml", ctx.indicators)
    content = resolve(layout, ctx.figures, PageTarget("national", "NL", "2020-2021"), ctx.style)
    bars = next(b for b in content.blocks if b.id == "bars_anchoring")
    n = ctx.figures.get("2020-2021", "national", "NL", "po_share_reading_plan").n
    assert bars.bars[0].label == f"schoollocaties met een leesplan (N: {n})"


def test_extends_cycle(tmp_path, indicators):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nlevel: national\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nsubject: po\n", encoding="utf-8")
    err = error_of(tmp_path / "a.yaml", indicators)
    assert str(err).endswith(":1: extends: kringverwijzing")


def test_layout_that_is_not_a_mapping(tmp_path, indicators):
    path = tmp_path / "list.yaml"
    path.write_text("- header\n- intro\n", encoding="utf-8")
    assert str(error_of(path, indicators)) == f"{path}:1: een layout is een mapping met sleutels"


def test_layout_file_that_does_not_exist(tmp_path, indicators):
    err = error_of(tmp_path / "nergens.yaml", indicators)
    assert "kan niet gelezen worden" in str(err)


def test_null_in_child_removes_a_parent_block(tmp_path, indicators):
    (tmp_path / "base.yaml").write_text((BAD / "base-ok.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nblocks:\n  intro: null\n",
                                         encoding="utf-8")
    layout = L.load_layout(tmp_path / "child.yaml", indicators)
    assert list(layout.blocks) == ["header"]
    assert layout.name == "child"


def test_placeholder_not_available_on_the_layouts_level(tmp_path, ctx):
    path = tmp_path / "national.yaml"
    path.write_text(
        "subject: po\nlevel: national\ntitle: T\nblocks:\n  intro:\n    kind: text\n"
        "    at: [0, 0]\n    span: [12, 2]\n    text: \"In {province_name}\"\n", encoding="utf-8")
    try:
        layout: L.Layout | ConfigError = L.load_layout(path, ctx.indicators)
    except ConfigError as err:
        layout = err
    if isinstance(layout, ConfigError):
        assert str(layout).startswith(f"{path}:9: blocks.intro.text: ")
    else:
        with pytest.raises(InfographicsError, match="intro"):
            resolve(layout, ctx.figures, PageTarget("national", "NL", "2020-2021"), ctx.style)


@pytest.mark.parametrize(("level", "text", "message"), [
    ("national", "{po_share_cooperating@province}",
     "plaatshouder {po_share_cooperating@province}: een pagina van niveau 'national' heeft geen "
     "'province' om mee te vergelijken"),
    ("province", "{library_name}",
     "plaatshouder {library_name} is er niet op een pagina van niveau 'province'"),
    ("library", "{po_share_cooperating@library}", "heeft geen 'library'"),
    ("national", "{school_year|jaar|jaren}", "|enkelvoud|meervoud hoort bij een aantal"),
])
def test_placeholders_are_checked_against_the_level(tmp_path, indicators, level, text, message):
    path = tmp_path / "level.yaml"
    path.write_text(
        f"subject: po\nlevel: {level}\ntitle: T\nblocks:\n  intro:\n    kind: text\n"
        f"    at: [0, 0]\n    span: [12, 2]\n    text: \"In {text}\"\n", encoding="utf-8")
    err = str(error_of(path, indicators))
    assert err.startswith(f"{path}:9: blocks.intro.text: "), err
    assert message in err, err


def test_the_levels_own_placeholders_pass(tmp_path, indicators):
    path = tmp_path / "school.yaml"
    path.write_text(
        "subject: vo\nlevel: school\ntitle: T\nblocks:\n  intro:\n    kind: text\n"
        "    at: [0, 0]\n    span: [12, 2]\n    text: \"{location_name} in {province_name}: "
        "{vo_schools_share_of_max@library}\"\n", encoding="utf-8")
    assert L.load_layout(path, indicators).level == "school"


def test_a_block_without_kind_or_a_text_block_without_text(tmp_path, indicators):
    path = tmp_path / "kinds.yaml"
    head = "subject: po\nlevel: national\ntitle: T\nblocks:\n  intro:\n"
    path.write_text(head + "    at: [0, 0]\n    span: [12, 2]\n", encoding="utf-8")
    assert str(error_of(path, indicators)) == f"{path}:5: blocks.intro.kind: ontbreekt"
    path.write_text(head + "    kind: text\n    at: [0, 0]\n    span: [12, 2]\n",
                    encoding="utf-8")
    assert str(error_of(path, indicators)) == f"{path}:5: blocks.intro.text: ontbreekt"


def test_unknown_kind_lists_the_kinds_in_dutch(indicators):
    err = str(error_of(BAD / "unknown-kind.yaml", indicators))
    assert "mogelijk: 'header', 'section'" in err
    assert "Input" not in err


# --- an analyst's own layouts (--layouts DIR) ----------------------------------------------------


def changed_local_layout(folder: Path) -> Path:
    """An analyst's folder holding only a changed po-lokaal.yaml (its intro reworded); it still
    extends po-base.yaml, which the folder does not have."""
    packaged = (L.LAYOUT_DIR / "po-lokaal.yaml").read_text(encoding="utf-8")
    assert "extends: po-base.yaml" in packaged
    changed = packaged.replace("      {entity_name} ({province_name}) werkt samen met",
                               "      Eigen tekst: {entity_name} ({province_name}) werkt samen met",
                               1)
    assert changed != packaged
    path = folder / "po-lokaal.yaml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_layout_path_prefers_the_analysts_folder(tmp_path):
    own = changed_local_layout(tmp_path)
    assert L.layout_path("po", "library", tmp_path) == own
    assert L.layout_path("po", "national", tmp_path) == L.LAYOUT_DIR / "po-landelijk.yaml"
    assert L.layout_path("vo", "school", tmp_path) == L.LAYOUT_DIR / "vo-school.yaml"
    assert L.layout_path("po", "library") == L.LAYOUT_DIR / "po-lokaal.yaml"


def test_a_folder_with_one_changed_layout_extends_the_packaged_base(tmp_path, ctx):
    changed_local_layout(tmp_path)
    own = L.load_layout(L.layout_path("po", "library", tmp_path), ctx.indicators)
    packaged = L.load_layout(L.LAYOUT_DIR / "po-lokaal.yaml", ctx.indicators)
    assert own.path == str(tmp_path / "po-lokaal.yaml")
    assert list(own.blocks) == list(packaged.blocks)  # po-base.yaml's blocks, merged
    assert own.blocks["header"] == packaged.blocks["header"]
    assert own.blocks["intro"] != packaged.blocks["intro"]
    content = resolve(own, ctx.figures, PageTarget("library", "bib-0027", "2020-2021"), ctx.style)
    intro = next(b for b in content.blocks if b.id == "intro")
    assert intro.text.startswith("Eigen tekst: ")


def test_a_parent_next_to_the_child_comes_first(tmp_path, indicators):
    changed_local_layout(tmp_path)
    base = (L.LAYOUT_DIR / "po-base.yaml").read_text(encoding="utf-8")
    title = 'title: "De Bibliotheek en het primair onderwijs: {entity_name} {school_year}"'
    assert title in base
    (tmp_path / "po-base.yaml").write_text(
        base.replace(title, 'title: "Eigen basis: {entity_name}"', 1), encoding="utf-8")
    layout = L.load_layout(L.layout_path("po", "library", tmp_path), indicators)
    assert layout.title == "Eigen basis: {entity_name}"
    packaged = L.load_layout(L.LAYOUT_DIR / "po-lokaal.yaml", indicators)
    assert packaged.title != layout.title


def test_an_error_in_the_analysts_layout_names_its_file(tmp_path, indicators):
    path = changed_local_layout(tmp_path)
    text = path.read_text(encoding="utf-8").replace("    empty_when: po_locations_cooperating",
                                                    "    empty_when: po_bestaat_niet", 1)
    path.write_text(text, encoding="utf-8")
    err = error_of(L.layout_path("po", "library", tmp_path), indicators)
    assert err.file == str(path)
    assert "onbekende indicator 'po_bestaat_niet'" in str(err)


@pytest.mark.parametrize(("text", "message"), [
    ("{po_libraries.change:percent}", "plaatshouder {po_libraries.change:percent}: .change "
                                      "hoort bij een indicator, zonder @ of formaat"),
    ("{entity_name.change}", "plaatshouder {entity_name.change}: .change hoort bij een "
                             "indicator"),
])
def test_a_change_placeholder_names_an_indicator_only(tmp_path, indicators, text, message):
    path = tmp_path / "po-landelijk.yaml"
    path.write_text("extends: po-base.yaml\nlevel: national\nblocks:\n"
                    f"  intro: {{text: \"{text}\"}}\n", encoding="utf-8")
    assert message in str(error_of(path, indicators))


def test_a_trend_has_one_to_four_indicators(tmp_path, indicators):
    items = "".join(f"      - {{indicator: po_libraries, label: x{i}}}\n" for i in range(5))
    path = tmp_path / "po-landelijk.yaml"
    path.write_text("extends: po-base.yaml\nlevel: national\nblocks:\n  trend:\n"
                    f"    items:\n{items}", encoding="utf-8")
    assert "blocks.trend.items" in str(error_of(path, indicators))
