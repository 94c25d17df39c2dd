"""Changes that need a reason: a figure more than 10% above or below last year's with no
变动原因 in the data (``expenditure.<row>.reason``, ``outlays.<row>.reason``,
``projects[].reason``; CONTRACT §2).

Real reports explain such changes (逝世 1 人，退休 1 人; 厉行节约); the report says
``主要原因是……`` from the reason, or asks for it with a gap marker, by the same limit.
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core.checks.base import finding
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, Val
from xlpkg.core.money import fmt_pct
from xlpkg.core.ratios import pct_change

CHANGE_REASON_LIMIT = Decimal("0.10")   # |本年 − 上年| ÷ 上年 beyond this needs a reason


def _unexplained(ds: Dataset, label: str, actual: Val, prior: Val,
                 reason: Val | None) -> list[Finding]:
    rate = pct_change(actual.value, prior.value)
    if rate is None or abs(rate) <= CHANGE_REASON_LIMIT or (reason is not None and reason.value):
        return []
    verb = "增长" if rate > 0 else "减少"
    vals = [actual, prior]   # the reason cell has no subject (it is not an amount)
    return [finding(ds, "CHANGE_WITHOUT_REASON", "warning",
                    f"{label}较上年{verb} {fmt_pct(abs(rate))}，变动超过 "
                    f"{fmt_pct(CHANGE_REASON_LIMIT)}，未填变动原因，请补充", vals)]


def check_change_reasons(ds: Dataset) -> list[Finding]:
    """Every expenditure and outlay row and every project changed by more than ±10% against
    last year carries a 变动原因."""
    out = []
    for block in (ds.expenditure, ds.outlays):
        for row in block.values():
            out += _unexplained(ds, row.label, row.actual, row.prior, row.reason)
    for p in ds.projects:
        out += _unexplained(ds, f"项目“{p.name.value or '未命名项目'}”", p.actual, p.prior,
                            p.reason)
    return out


CHECKS = [check_change_reasons]
