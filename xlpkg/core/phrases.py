"""Chinese wording built from numbers — the one place that decides how it reads.

The report, the UDFs (``=CHANGE_TEXT``) and the check messages all call these,
so "较上年减少 11.26 万元，减少 3.64%" is written one way everywhere. Every
function takes ``Decimal``/``None`` and returns text, or ``""`` when the figure
it needs is not stated — but :func:`completed`, which words figures already
printed (the report formats each of a task's figures once).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct, round_half_up
from xlpkg.core.ratios import completion_rate, pct_change, share, yoy_diff

D = Decimal | None
UNIT = "万元"
NO_SPACE_UNITS = ("%", "％", "‰")  # “98%”, not “98 %”


def amount(value: D) -> str:
    """``298.18 万元``."""
    return "" if value is None else f"{fmt_amount(value)} {UNIT}"


def pct(ratio: D) -> str:
    """``3.64%``."""
    return "" if ratio is None else fmt_pct(ratio)


def change(actual: D, prior: D) -> str:
    """``较上年减少 11.26 万元，减少 3.64%`` / ``较上年增加 6.06 万元，增长 22.77%`` / ``与上年持平``.

    The direction is decided on the rounded difference, so a sentence never
    says "增加 0.00 万元".
    """
    diff = yoy_diff(actual, prior)
    if diff is None:
        return ""
    shown = round_half_up(diff, 2)
    if shown == 0:
        return "与上年持平"
    verb, rate_verb = ("增加", "增长") if shown > 0 else ("减少", "减少")
    text = f"较上年{verb} {fmt_amount(abs(diff))} {UNIT}"
    rate = pct_change(actual, prior)
    if rate is not None:
        text += f"，{rate_verb} {fmt_pct(abs(rate))}"
    return text


def share_of(part: D, whole: D, whole_label: str) -> str:
    """``占基本支出的 89.04%``."""
    ratio = share(part, whole)
    return "" if ratio is None else f"占{whole_label}的 {fmt_pct(ratio)}"


def join(*clauses: str, sep: str = "，") -> str:
    """Join the clauses that are not empty."""
    return sep.join(c for c in clauses if c)


def item(label: str, actual: D, prior: D = None, *, whole: D = None,
         whole_label: str = "") -> str:
    """``人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%``."""
    if actual is None:
        return ""
    return join(f"{label} {amount(actual)}",
                share_of(actual, whole, whole_label) if whole_label else "",
                change(actual, prior))


@lru_cache(maxsize=4096)   # the same few counts and units, asked for again and again
def quantity(value: D, unit: str | None) -> str:
    """``500 人次`` — a key task's value with its unit (a function of the number, not of
    how it is written: 20 and 20.0 read alike)."""
    if value is None:
        return ""
    if not unit:
        return fmt_number(value)
    return f"{fmt_number(value)}{'' if unit in NO_SPACE_UNITS else ' '}{unit}"


def completion(name: str, actual: D, target: D, unit: str | None) -> str:
    """``帮助困难职工 500 人次，完成年度目标（400 人次）的 125.00%``."""
    rate = completion_rate(actual, target)
    if actual is None or rate is None:
        return ""
    return completed(name, quantity(actual, unit), quantity(target, unit), fmt_pct(rate))


def completed(name: str, actual: str, target: str, rate: str) -> str:
    """:func:`completion` of figures already printed (the report formats each once)."""
    return f"{name} {actual}，完成年度目标（{target}）的 {rate}"


def difference(diff: Decimal) -> str:
    """``相差 12.00 万元`` — for check messages and ``=CHECK_SUM``."""
    return f"相差 {fmt_amount(abs(diff))} {UNIT}"
