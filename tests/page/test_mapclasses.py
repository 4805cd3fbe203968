"""mapclasses: values into at most five classes of one round width, labelled as the page
writes values, each value in the class its label says (rounded as shown)."""

from __future__ import annotations

import pytest

from infographics.page.mapclasses import MOST, class_of, make_classes


def labels(values, fmt="percent"):
    return [c.label for c in make_classes(values, fmt)]


def test_shares_get_classes_ten_points_wide_when_five_do():
    assert labels([0.54, 0.70, 0.71, 0.79, 0.88]) == ["50-59%", "60-69%", "70-79%", "80-89%"]
    assert labels([0.81, 0.84]) == ["80-84%"]  # 5 points wide: the narrowest that fits
    # 5 points wide would need six classes (25-29% to 50-54%): 10 points it is
    assert labels([0.27, 0.51]) == ["20-29%", "30-39%", "40-49%", "50-59%"]


def test_a_wide_range_gets_wider_classes_and_100_percent_its_own():
    assert labels([0.0, 1.0]) == ["0-24%", "25-49%", "50-74%", "75-99%", "100%"]
    assert labels([0.955, 1.0], "percent1") == ["95,0-99,9%", "100,0%"]


@pytest.mark.parametrize("values", [[0.54, 0.7, 0.71, 0.79, 0.8, 0.88], [0.1, 0.2, 0.3, 0.6],
                                    [0.07, 0.93], [0.5]])
def test_every_value_falls_in_the_class_its_label_names(values):
    classes = make_classes(values, "percent")
    assert 1 <= len(classes) <= MOST
    for v in values:
        cls = classes[class_of(v, classes, "percent")]
        low, high = (int(x.rstrip("%")) for x in (cls.label.split("-") + [cls.label])[:2])
        assert low <= round(v * 100) <= high, (v, cls.label)


def test_a_boundary_value_with_float_noise_is_classed_as_shown():
    classes = make_classes([0.54, 0.7, 0.88], "percent")
    assert classes[class_of(0.7, classes, "percent")].label == "70-79%"  # 0.7 * 100 = 70.000..1
    assert classes[class_of(0.58, classes, "percent")].label == "50-59%"  # 57.99999999999999


def test_unknown_values_and_counts():
    assert make_classes([], "percent") == ()
    assert class_of(None, make_classes([0.5], "percent"), "percent") is None
    counts = make_classes([120.0, 3000.0, 5400.0], "integer")
    assert [c.label for c in counts] == ["0 tot 2.000", "2.000 tot 4.000", "4.000 tot 6.000"]
    assert class_of(3000.0, counts, "integer") == 1
