import pytest

from infographics import numbers as nl


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5386, "5.386"), (6870, "6.870"), (0, "0"), (1600000, "1.600.000"), (999, "999"),
     (2522.5, "2.523"), (-1200, "-1.200")],
)
def test_integer(value, expected):
    assert nl.integer(value) == expected


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [(5386 / 6870, 0, "78%"), (2168 / 6870, 0, "32%"), (0.785, 0, "79%"), (0.3734, 1, "37,3%"),
     (1.0, 0, "100%"), (0.0, 0, "0%"), (0.005, 0, "1%"), (0.0725, 1, "7,3%")],
)
def test_percent(fraction, digits, expected):
    assert nl.percent(fraction, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(484000, "484 duizend"), (154000, "154 duizend"), (1_200_000, "1,2 miljoen"),
     (1_600_000, "1,6 miljoen"), (5386, "5.386"), (12_500, "12,5 duizend"),
     (638_400, "638 duizend"), (999_400, "999 duizend"), (1_120_000, "1,1 miljoen")],
)
def test_compact(value, expected):
    assert nl.compact(value) == expected


def test_in_ten_and_decimal():
    assert nl.in_ten(1120000 / 1600000) == "7 van de 10"
    assert nl.in_ten(0.66) == "7 van de 10"
    assert nl.decimal(37.25) == "37,3"
    assert nl.decimal(3.0, 2) == "3,00"


def test_missing_values_are_a_dash():
    for fn in (nl.integer, nl.percent, nl.compact, nl.in_ten, nl.decimal):
        assert fn(None) == "\u2013"
        assert fn(float("nan")) == "\u2013"


def test_school_year():
    assert nl.school_year("2020-2021") == "2020-2021"
    with pytest.raises(ValueError, match="2020-2022"):
        nl.school_year("2020-2022")
    with pytest.raises(ValueError, match="ongeldig schooljaar '20-21'"):
        nl.school_year("20-21")


def test_an_edition_year_is_a_school_or_a_calendar_year():
    assert nl.edition_year("2022") == "2022"
    assert nl.edition_year("2020-2021") == "2020-2021"
    with pytest.raises(ValueError, match="ongeldig schooljaar"):
        nl.edition_year("22")
    assert nl.edition_words("2022") == "kalenderjaar 2022"
    assert nl.edition_words("2022-2023") == "schooljaar 2022-2023"
    assert nl.edition_words("onzin") == "onzin"


def test_format_value_by_name():
    assert nl.format_value(0.784, "percent") == "78%"
    assert nl.format_value(484000, "compact") == "484 duizend"
    with pytest.raises(ValueError, match="onbekend getalformaat"):
        nl.format_value(1, "roman")


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (0.7849, "percent", 0.78), (0.785, "percent", 0.79), (0.0725, "percent1", 0.073),
    (0.74, "in_ten", 0.7), (0.75, "in_ten", 0.8), (5386.4, "integer", 5386.4),
    (None, "percent", None),
])
def test_shown_value_is_the_value_the_label_shows(value, fmt, shown):
    assert nl.shown_value(value, fmt) == shown
    if value is not None and fmt.startswith("percent"):
        assert nl.format_value(nl.shown_value(value, fmt), fmt) == nl.format_value(value, fmt)


def test_count_uses_singular_and_plural():
    assert nl.count(1, "pagina", "pagina's") == "1 pagina"
    assert nl.count(0, "pagina", "pagina's") == "0 pagina's"
    assert nl.count(1032, "pagina", "pagina's") == "1.032 pagina's"


@pytest.mark.parametrize(("value", "text"), [(15.0, "15"), (14.62, "14,6"), (15.96, "16"),
                                             (1234.5, "1.234,5"), (None, "–")])
def test_a_mean_has_one_decimal_unless_it_is_whole(value, text):
    assert nl.format_value(value, "mean") == text
