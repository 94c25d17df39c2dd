"""Every UDF through the argument shapes xlwings 0.37.8 really passes (issue 11 item 1)."""

import pytest
from xlwings_shapes import Cells, Error, call_as_excel, options_of

from xlpkg.core import sheet_functions as sf


@pytest.mark.parametrize("fn", sf.UDFS, ids=lambda f: f.__name__)
def test_every_argument_is_two_dimensional_and_names_errors(fn):
    for options in options_of(fn.__name__):
        assert options["ndim"] == 2 and options["err_to_str"] is True


def test_check_sum_on_single_cells():
    assert call_as_excel("CHECK_SUM", 314.12, 298.18, 15.95) == ""        # within rounding
    assert call_as_excel("CHECK_SUM", 320, 298.18, 15.95) == "相差 5.87 万元"
    # a blank part: no difference claimed, only what the blank would have to hold
    assert call_as_excel("CHECK_SUM", 320, 298.18, None) == "第 2 项未填，若合计数无误应为 21.82 万元"
    assert call_as_excel("CHECK_SUM", 314.13, 298.18, 15.95, None) == "第 3 项未填，如未发生请填 0"
    assert call_as_excel("CHECK_SUM", 300, 298.18, 15.95, None) == \
        "相差 14.13 万元：已填明细已超过合计数"
    assert call_as_excel("CHECK_SUM", 320, None, None) == ""              # nothing to compare
    assert call_as_excel("CHECK_SUM", None, 298.18, 15.95) == ""          # total not stated


def test_check_sum_over_a_column_skips_unused_rows():
    column = Cells([[232.18], [20.67], [None], [45.32]])
    assert call_as_excel("CHECK_SUM", 298.18, column) == ""
    assert call_as_excel("CHECK_SUM", 265.5, Cells([[232.18], [None], [21.32]])) == "相差 12.00 万元"


def test_error_inputs_are_named_not_blank():
    assert call_as_excel("CHECK_SUM", 320, Error("#DIV/0!"), 15.95) == "无法识别：#DIV/0!"
    assert call_as_excel("PCT_CHANGE", Error("#N/A"), 1) == "无法识别：#N/A"
    assert call_as_excel("YOY_DIFF", "十五", 1) == sf.BAD


def test_pct_change_over_a_three_row_column():
    out = call_as_excel("PCT_CHANGE", Cells([[298.18], [None], [15.95]]),
                        Cells([[309.44], [1], [20.10]]))
    assert [len(r) for r in out] == [1, 1, 1]
    assert out[0][0] == pytest.approx((298.18 - 309.44) / 309.44)
    assert out[1] == [""]
    assert out[2][0] == pytest.approx((15.95 - 20.10) / 20.10)


def test_single_cells_give_single_values():
    assert call_as_excel("PCT_CHANGE", 298.18, 309.44) == pytest.approx(-11.26 / 309.44)
    assert call_as_excel("CHANGE_TEXT", 298.18, 309.44) == "较上年减少 11.26 万元，减少 3.64%"
    assert call_as_excel("SHARE", 265.5, 298.18) == pytest.approx(265.5 / 298.18)
    assert call_as_excel("EXEC_RATE", 95, None) == ""
    assert call_as_excel("COMPLETION", 4, 5, "≤") == pytest.approx(1.25)
    assert call_as_excel("COMPLETION", 500, 400, None) == pytest.approx(1.25)
    assert call_as_excel("COMPLETION", 500, "显著提升", "≥") == sf.BAD
    assert call_as_excel("GRADE", 89.5) == "良"
    assert call_as_excel("SHARE_TEXT", 265.5, 298.18, "基本支出") == "占基本支出的 89.04%"


def test_a_fixed_cell_repeats_against_a_column():
    out = call_as_excel("SHARE", Cells([[265.5], [32.68]]), 298.18)
    assert out[0][0] == pytest.approx(265.5 / 298.18) and out[1][0] == pytest.approx(32.68 / 298.18)


def test_blank_cells_are_blank_not_zero():
    for name in ("PCT_CHANGE", "YOY_DIFF", "SHARE", "EXEC_RATE", "CHANGE_TEXT"):
        assert call_as_excel(name, None, 5) == "" and call_as_excel(name, 5, None) == ""
    assert call_as_excel("YOY_DIFF", 0, 0) == 0
