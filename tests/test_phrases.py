from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlpkg.core import phrases, ratios
from xlpkg.core.money import fmt_pct


# The sentences examples/anhua-2023-audit.md says the report must be able to state.
@pytest.mark.parametrize("sentence, expected", [
    (phrases.item("基本支出", D("298.18"), D("309.44")),
     "基本支出 298.18 万元，较上年减少 11.26 万元，减少 3.64%"),
    (phrases.item("人员经费", D("265.50"), D("282.81"), whole=D("298.18"), whole_label="基本支出"),
     "人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%"),
    (phrases.item("公用经费", D("32.67"), D("26.61"), whole=D("298.18"), whole_label="基本支出"),
     "公用经费 32.67 万元，占基本支出的 10.96%，较上年增加 6.06 万元，增长 22.77%"),
    (phrases.share_of(D("298.18"), D("314.12"), "财政拨款支出"), "占财政拨款支出的 94.93%"),
    (phrases.share_of(D("15.95"), D("314.12"), "财政拨款支出"), "占财政拨款支出的 5.08%"),
    (phrases.item("项目支出", D("15.95"), D("20.10")),
     "项目支出 15.95 万元，较上年减少 4.15 万元，减少 20.65%"),
    (phrases.item("公务接待费", D("4.33"), D("5.41")),
     "公务接待费 4.33 万元，较上年减少 1.08 万元，减少 19.96%"),
    (phrases.item("会议费", D("0.53"), D("0.60")),
     "会议费 0.53 万元，较上年减少 0.07 万元，减少 11.67%"),
    (phrases.completion("帮助困难职工", D(500), D(400), "人次"),
     "帮助困难职工 500 人次，完成年度目标（400 人次）的 125.00%"),
])
def test_audit_sentences(sentence, expected):
    assert sentence == expected


def test_no_change_and_missing_prior():
    assert phrases.change(D(5), D("5.00")) == "与上年持平"
    assert phrases.change(D("5.001"), D(5)) == "与上年持平"  # never "增加 0.00 万元"
    assert phrases.change(D(5), None) == ""
    assert phrases.item("会议费", D("0.53")) == "会议费 0.53 万元"
    assert phrases.item("培训费", None, D(1)) == ""


def test_zero_prior_states_the_amount_without_a_rate():
    assert phrases.change(D(3), D(0)) == "较上年增加 3.00 万元"


@given(st.decimals(min_value=D("0.01"), max_value=D(100000), places=2),
       st.decimals(min_value=D("0.01"), max_value=D(100000), places=2))
def test_change_text_agrees_with_the_ratios(actual, prior):
    text = phrases.change(actual, prior)
    diff = ratios.yoy_diff(actual, prior)
    if diff == 0:
        assert text == "与上年持平"
    else:
        assert ("增加" in text) == (diff > 0)
        assert fmt_pct(abs(ratios.pct_change(actual, prior))) in text


def test_ratios_not_computable():
    assert ratios.pct_change(D(1), None) is None
    assert ratios.pct_change(D(1), D(0)) is None
    assert ratios.share(None, D(1)) is None
    assert ratios.execution_rate(D(95), D(100)) == D("0.95")
    assert ratios.adjustment_rate(D(110), D(100)) == D("0.1")
    assert ratios.staff_control_rate(D(136), D(143)).quantize(D("0.0001")) == D("0.9510")


def test_achievement_for_at_most_targets():
    assert ratios.achievement(D(80), D(100), "<=") == D("1.25")
    assert ratios.achievement(D(500), D(400), ">=") == D("1.25")
    assert ratios.achievement(D(0), D(100), "<=") == D(1)


def test_compare_sum_tolerance_is_a_cent_per_addend():
    assert ratios.compare_sum(D("309.44"), [D("282.81"), D("26.61")]).status == "rounding"
    assert ratios.compare_sum(D("309.45"), [D("282.81"), D("26.61")]).status == "mismatch"
    assert ratios.compare_sum(D("15.95"), [D(5), D(2), D("5.3"), D("3.65")]).status == "equal"
    assert ratios.compare_sum(D(1), [D(1), None]) is None


def test_percent_units_take_no_space_and_negative_bases_no_rate():
    assert phrases.quantity(D(98), "%") == "98%"
    assert phrases.quantity(D(500), "人次") == "500 人次"
    assert ratios.pct_change(D(3), D("-0.5")) is None
    assert phrases.change(D(3), D("-0.5")) == "较上年增加 3.50 万元"


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**14, max_value=10**14),
       st.sampled_from([None, "", "人", "个", "%", "人次"]))
def test_quantity_remembered_reads_as_computed(value, unit):
    """Remembered by value: 20 and 20.00 (equal, one entry) read the same."""
    for v in (value, value.normalize(), value.quantize(D("0.01")) if value.adjusted() < 12
              else value):
        assert phrases.quantity(v, unit) == phrases.quantity.__wrapped__(v, unit)
