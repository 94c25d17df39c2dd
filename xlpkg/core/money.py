"""Numbers as people type them → ``Decimal``; ``Decimal`` → text as the report shows it.

This module owns the one parser every reader uses (YAML, workbook, UDF arguments)
and the one place that rounds for display (half-up, like Excel's ROUND).
Blank and "none" markers parse to ``None`` ("not stated"), never to 0; anything
else that is not a number raises :class:`ParseError` with a Chinese reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext

from xlpkg.core.patterns import lazy

__all__ = [
    "CENT",
    "ParseError",
    "fmt_amount",
    "fmt_number",
    "fmt_pct",
    "parse_amount",
    "parse_number",
    "round_half_up",
]

CENT = Decimal("0.01")

# Markers that mean "nothing stated here" in Chinese finance tables.
_NONE_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\", "－", "／", "无"})

# Excel error values arrive as text from saved files and as ints from COM.
EXCEL_ERRORS = frozenset(
    {"#REF!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#VALUE!",
     "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"}
)
# Win32 COM hands error cells to Python as these negative integers (xlErrRef …).
_COM_ERRORS = {-2146826265: "#REF!", -2146826281: "#DIV/0!", -2146826246: "#N/A",
               -2146826259: "#NAME?", -2146826288: "#NULL!", -2146826252: "#NUM!",
               -2146826273: "#VALUE!"}

_CHINESE_NUMERALS = set("零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点两")
_NUMBER = lazy(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = lazy(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_UNIT_SUFFIXES = ("万元", "万")
# Bounds on what a cell may hold. Excel keeps 15 significant digits; no amount in
# 万元, count or score comes near 10^15, and a tiny non-zero value such as 1e-300 is
# damage, not data (dividing by it would leave any display format).
_MAX_TEXT = 100
_MAX_EXPONENT = 15
_MIN_EXPONENT = -30
_MAX_INT = 10**_MAX_EXPONENT


def _shown(raw: object) -> str:
    """Typed text as a message quotes it: stripped, and cut short if long."""
    text = str(raw).strip()
    return text if len(text) <= 20 else text[:20] + "…"


class ParseError(ValueError):
    """A cell or field holds something that is not a number; ``reason`` is Chinese."""

    def __init__(self, reason: str, raw: object = None):
        super().__init__(reason)
        self.reason = reason
        self.raw = raw


def _float_to_decimal(x: float) -> Decimal:
    if math.isnan(x) or math.isinf(x):
        raise ParseError("不是有效数字", x)
    # Excel keeps 15 significant digits; repr of a sum such as 314.13000000000005
    # carries float noise that the accountant never typed.
    text = repr(x)
    # (a text of at most 15 characters has at most 15 digits: no need to count them)
    digits = 0 if len(text) <= 15 else len(re.sub(r"[^0-9]", "", text.split("e")[0].lstrip("-0.")))
    return _bounded(Decimal(format(x, ".15g") if digits > 15 else text), x)


def _bounded(value: Decimal, raw: object) -> Decimal:
    """``value`` if its magnitude is one a table can mean; :class:`ParseError` otherwise."""
    if not value.is_finite():
        raise ParseError("不是有效数字", raw)
    if value and value.adjusted() >= _MAX_EXPONENT:   # |value| ≥ 10^15, without arithmetic
        raise ParseError(f"“{_shown(raw)}”数值过大（不小于 10 的 15 次方），请检查", raw)
    if value and value.adjusted() < _MIN_EXPONENT:
        raise ParseError(f"“{_shown(raw)}”数值过小，不是有效数字", raw)
    return value


def parse_number(raw: object, *, suffixes: tuple[str, ...] = ()) -> Decimal | None:
    """Parse one typed value; ``None`` for blank or a "none" marker.

    Accepts ints, floats (through their text, never ``Decimal(float)``), and text
    with spaces, thousands separators, full-width characters and any of
    ``suffixes`` (e.g. ``万元``). Raises :class:`ParseError` otherwise.
    """
    if raw is None:
        return None
    kind = type(raw)
    # An int is the commonest cell: skip the tests for its subclass bool and for Decimal.
    if kind is not int:
        if isinstance(raw, bool):
            raise ParseError("应填数字，不能是逻辑值", raw)
        if isinstance(raw, Decimal):
            return _bounded(raw, raw)
    if kind is int or isinstance(raw, int):
        if raw in _COM_ERRORS:
            raise ParseError(f"单元格为错误值 {_COM_ERRORS[raw]}", raw)
        if not -_MAX_INT < raw < _MAX_INT:   # before Decimal(): a huge int is slow to convert
            raise ParseError("数值过大（不小于 10 的 15 次方），请检查", None)
        return Decimal(raw)
    if isinstance(raw, float):
        return _float_to_decimal(raw)
    if not isinstance(raw, str):
        raise ParseError(f"应填数字，实际是 {type(raw).__name__}", raw)

    if len(raw) > _MAX_TEXT and len(raw.strip()) > _MAX_TEXT:
        raise ParseError(f"“{_shown(raw)}”不是数字（共 {len(raw.strip())} 个字符）", raw)
    # NFKC folds full-width digits, points, commas and minus signs to ASCII.
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not ch.isspace())
    if text in _NONE_MARKERS:
        return None
    if text.upper() in EXCEL_ERRORS:
        raise ParseError(f"单元格为错误值 {text.upper()}", raw)
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    if suffixes and text.endswith("元"):
        raise ParseError(f"“{_shown(raw)}”的单位是元，金额应以万元填列", raw)
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise ParseError(f"“{_shown(raw)}”的千分位逗号位置不对", raw)
        text = text.replace(",", "")
    if _NUMBER.fullmatch(text):
        try:
            return _bounded(Decimal(text), raw)
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            pass
    if any(ch in _CHINESE_NUMERALS for ch in text):
        raise ParseError(f"“{_shown(raw)}”是中文数字，请填阿拉伯数字", raw)
    raise ParseError(f"“{_shown(raw)}”不是数字", raw)


def parse_amount(raw: object) -> Decimal | None:
    """An amount in 万元: a number, optionally written with a ``万元`` suffix."""
    return parse_number(raw, suffixes=_UNIT_SUFFIXES)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round like Excel's ROUND (half away from zero), not banker's rounding."""
    quantum = _QUANTA.get(places)
    # quantize fails when the result has more digits than the context keeps (a ratio over
    # a tiny base): then give it the digits it needs. Most values fit as they are, and
    # skip the cost of a context of their own.
    # (the rounding passed by position: as a keyword it costs more than the quantize)
    if quantum is not None and value.adjusted() + places + 2 <= getcontext().prec:
        return value.quantize(quantum, ROUND_HALF_UP)
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_ONE, _HUNDRED = Decimal(1), Decimal(100)
_QUANTA = {places: _ONE.scaleb(-places) for places in range(7)}


def _unsigned_zero(value: Decimal) -> Decimal:
    """``-0.00`` → ``0.00``: a zero shows no sign, whether typed -0 or rounded to zero."""
    return abs(value) if value.is_zero() else value


# A value quantized to 2 or 0 places has an exponent ≤ 0 and is ≥ 10^-2 or zero, which
# str() writes in plain notation, as format "f" does (and faster).

def fmt_amount(value: Decimal) -> str:
    """``298.18`` — an amount with exactly two decimals, half-up."""
    return str(_unsigned_zero(round_half_up(value, 2)))


def fmt_pct(ratio: Decimal) -> str:
    """``3.64%`` — a ratio (0.0364) shown as a percentage with two decimals."""
    # str(), not an f-string: formatting a Decimal costs twice what str() does
    return str(_unsigned_zero(round_half_up(ratio * _HUNDRED, 2))) + "%"


def fmt_number(value: Decimal) -> str:
    """A count or target as typed: ``500``, ``2.5`` — no trailing zeros, no exponent."""
    text = str(value)
    if text.isdigit() and len(text) <= getcontext().prec:   # a whole number, no exponent:
        return text                                          # what quantize would give
    if value == value.to_integral_value():
        return str(_unsigned_zero(value.quantize(_ONE)))
    return f"{value.normalize():f}"
