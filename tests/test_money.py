from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlpkg.core.money import (
    ParseError,
    fmt_amount,
    fmt_number,
    fmt_pct,
    parse_amount,
    parse_number,
    round_half_up,
)


@pytest.mark.parametrize("typed, expected", [
    (" 298.18 ", "298.18"),
    ("３２.６７", "32.67"),
    ("265.50万元", "265.50"),
    ("265.50 万元", "265.50"),
    ("1,234.50", "1234.50"),
    ("１，２３４．５０", "1234.50"),
    ("12.5万", "12.5"),
    ("-3.2", "-3.2"),
    (298.18, "298.18"),
    (314.13000000000005, "314.13"),   # float noise from an Excel sum, not typed
    (45, "45"),
    ("\u00a0 7 \u3000", "7"),
])
def test_typed_numbers_are_read(typed, expected):
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("blank", [None, "", "  ", "—", "-", "/", "－", "——"])
def test_blanks_and_none_markers_are_not_zero(blank):
    assert parse_amount(blank) is None


@pytest.mark.parametrize("typed, words", [
    ("十五点九五", "中文数字"),
    ("#REF!", "#REF!"),
    ("#DIV/0!", "#DIV/0!"),
    ("#N/A", "#N/A"),
    ("约300", "不是数字"),
    ("12元", "万元"),
    ("1,23", "千分位"),
    (True, "逻辑值"),
    (float("nan"), "有效数字"),
])
def test_unreadable_values_raise_with_a_chinese_reason(typed, words):
    with pytest.raises(ParseError) as err:
        parse_amount(typed)
    assert words in err.value.reason


def test_com_error_integers_are_excel_errors():
    with pytest.raises(ParseError, match="#REF!"):
        parse_number(-2146826265)


def test_unit_suffix_only_for_amounts():
    with pytest.raises(ParseError):
        parse_number("5万元")


def test_rounding_is_half_up_not_bankers():
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    assert round_half_up(Decimal("0.125")) == Decimal("0.13")
    assert round_half_up(Decimal("-0.125")) == Decimal("-0.13")
    assert fmt_pct(Decimal("0.036385")) == "3.64%"
    assert fmt_amount(Decimal("265.5")) == "265.50"


def test_fmt_number_drops_trailing_zeros():
    assert fmt_number(Decimal(20000)) == "20000"
    assert fmt_number(Decimal("2.50")) == "2.5"
    assert fmt_number(Decimal("1E+3")) == "1000"


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2,
                      allow_nan=False, allow_infinity=False)


@given(amounts)
def test_parse_of_format_is_identity(value):
    assert parse_amount(fmt_amount(value)) == value
    assert parse_amount(fmt_amount(value) + "万元") == value


@given(amounts)
def test_grouped_thousands_round_trip(value):
    assert parse_amount(f"{value:,.2f}") == value


@given(st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3,
                   allow_nan=False, allow_infinity=False))
def test_round_half_up_matches_excel_round(value):
    # Excel ROUND: away from zero on exact halves
    shifted = abs(value) * 100
    floor = int(shifted)
    expected = Decimal(floor + (1 if shifted - floor >= Decimal("0.5") else 0)) / 100
    expected = expected if value >= 0 else -expected
    assert round_half_up(value) == expected


# The formatting as first written (a context per rounding, format "f"): the faster
# paths must give the same text, the same Decimal and the same errors for every value.
def _plain_round(value, places=2):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _unsigned(v):
    return abs(v) if v.is_zero() else v


def _plain_amount(v):
    return f"{_unsigned(_plain_round(v, 2)):f}"


def _plain_pct(v):
    return f"{_unsigned(_plain_round(v * 100, 2)):f}%"


def _plain_number(v):
    if v == v.to_integral_value():
        return f"{_unsigned(v.quantize(Decimal(1))):f}"
    return f"{v.normalize():f}"


def _outcome(f, *args):
    try:
        result = f(*args)
    except Exception as e:   # noqa: BLE001 - the kind of error is what is compared
        return type(e)
    return (str(result), type(result)) if isinstance(result, Decimal) else result


_DECIMALS = st.decimals(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [Decimal(x) for x in ("0", "-0", "0.000", "-0.00", "0E+3", "5E+2", "0.005", "-0.005",
                          "1E+27", "1E+28", "99999999999999999999999999999", "0E+40", "1E-30")])


@given(_DECIMALS, st.integers(0, 8))
def test_formatting_matches_its_plain_definition(value, places):
    assert _outcome(round_half_up, value, places) == _outcome(_plain_round, value, places)
    for ours, plain in ((fmt_amount, _plain_amount), (fmt_pct, _plain_pct),
                        (fmt_number, _plain_number)):
        assert _outcome(ours, value) == _outcome(plain, value), ours.__name__
