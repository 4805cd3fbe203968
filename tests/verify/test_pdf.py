"""pdf: pikepdf's objects read as plain values: missing keys give the default, numbers come
as float and int (anything else raises as float() and int() do), arrays as lists."""

from __future__ import annotations

from decimal import Decimal

import pikepdf
import pytest

from infographics.verify.pdf import as_list, get, get_float, get_str, numbers, to_float, to_int


def test_values_of_a_dictionary():
    d = pikepdf.Dictionary(Type=pikepdf.Name.Font, Widths=pikepdf.Array([250, 500.5]))
    assert get_str(d, "/Type") == "/Font"
    assert get(d, "/Missing", 7) == 7
    assert get(None, "/Type", "x") == "x"  # not a dictionary
    assert get_float(d, "/Ascent", 0.0) == 0.0
    assert numbers(get(d, "/Widths")) == [250.0, 500.5]
    assert numbers(3) == []
    assert as_list(None) == []
    assert as_list(5) == [5]


def test_numbers_convert_as_float_and_int_do():
    assert to_float(Decimal("1.5")) == 1.5
    assert to_float(3) == 3.0
    assert to_int(Decimal("2")) == 2
    with pytest.raises(TypeError, match="not 'NoneType'"):
        to_float(None)
    with pytest.raises(TypeError, match="not 'list'"):
        to_int([1])
