"""Theme loading and the WCAG contrast check."""

import pytest

from infographics.errors import ConfigError
from infographics.page.style import DEFAULT_PATH, MIN_TEXT_SIZE, contrast, load_style


def test_shipped_style_passes():
    style = load_style()
    assert contrast(style.colors.ink, style.colors.background) >= 4.5


def test_contrast_ratio_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_low_contrast_style_names_the_pair_and_line(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        'muted: "#4d5b6a"', 'muted: "#b0b8c0"')
    path = tmp_path / "style.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "muted:" in t)
    with pytest.raises(ConfigError) as err:
        load_style(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: colors.muted: te weinig contrast met colors.")
    assert "minimaal 4.5:1" in message


def test_bad_colour_and_unknown_key(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "style.yaml"
    path.write_text(text.replace('ink: "#1b2a3a"', 'ink: "donkerblauw"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"colors\.ink: .*#rrggbb"):
        load_style(path)
    path.write_text(text.replace("sizes:\n", "sizes:\n  huge: 40\n"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sizes\.huge: onbekende sleutel"):
        load_style(path)


def test_a_size_below_the_minimum_text_size_is_refused(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "style.yaml"
    path.write_text(text.replace("  note: 6.8\n", "  note: 5\n"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sizes\.note: .*5 pt is kleiner dan .*6,5 pt"):
        load_style(path)
    assert all(size >= MIN_TEXT_SIZE for size in load_style().sizes.model_dump().values())


def test_a_map_shade_without_a_readable_text_colour_is_refused(tmp_path):
    """A mid grey reads neither in ink nor in white at 4.5:1: the map could not write on it."""
    style = load_style()
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    path = tmp_path / "style.yaml"
    path.write_text(text.replace(f'"{style.colors.map[2]}"', '"#777777"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"colors\.map\[2\]: te weinig contrast"):
        load_style(path)
    path.write_text(text.replace(f'    - "{style.colors.map[4]}"\n', ""), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"colors\.map"):  # fewer shades than classes
        load_style(path)
