"""Star banding at the band edges, with the default maxima (30 points in all)."""

import pytest

from infographics.data.checklist import load_checklist
from infographics.errors import ConfigError


@pytest.fixture(scope="module")
def checklist():
    return load_checklist()


def test_default_maxima(checklist):
    assert checklist.total_max == 30
    assert [b.max for b in checklist.blocks[:3]] == [6, 6, 6]  # the heavier blocks
    assert checklist.max_stars == 4


@pytest.mark.parametrize(
    ("points", "stars"),
    [(0, 0), (0.5, 1), (7.5, 1), (7.51, 2), (8, 2), (15, 2), (15.01, 3), (22.5, 3),
     (22.51, 4), (23, 4), (30, 4)],
)
def test_band_edges(checklist, points, stars):
    # 25% of 30 = 7,5 points is still one star; just above it is two
    assert checklist.stars_for(points) == stars


def test_bad_config_names_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("blocks:\n  - {column: points_nope, label: X, max: 3}\nbands:\n"
                    "  - {stars: 1, upper: 100}\n")
    with pytest.raises(ConfigError, match=r"blocks\[0\]\.column: onbekende kolom"):
        load_checklist(path)
