"""Theme loading and the WCAG contrast check."""

import pytest

from infographics.errors import ConfigError
from infographics.page.style import DEFAULT_PATH, contrast, load_style


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
