"""Money against its plan: carry-over balance, 预算执行率, staff quota, “三公” budgets, and
the one ``info`` for each rule that a blank figure keeps from running (CONTRACT §1).
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core import indicators, phrases
from xlpkg.core.checks.base import finding, skipped, vals_named
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, Val
from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct
from xlpkg.core.ratios import compare_sum, execution_rate, outlay_control_rate, staff_control_rate

EXECUTION_LOW = Decimal("0.90")
EXECUTION_HIGH = Decimal("1.00")
ROUNDING_NOTE = "（在四舍五入误差以内）"
CARRYOVER_RULE = "结转结余平衡核对"
BUDGET_RULE = "预算执行率、预算调整率等预算指标"


def check_carryover_balance(ds: Dataset) -> list[Finding]:
    """年初结转结余 + 本年收入 − 本年支出 = 年末结转结余; spending above income needs a carry-over."""
    begin, end = ds.carry_begin, ds.carry_end
    income, spending = ds.income["total"].actual, ds.expenditure["total"].actual
    vals = [begin, income, spending, end]
    if all(v.stated for v in vals):
        expected = begin.value + income.value - spending.value
        cmp = compare_sum(end.value, [begin.value, income.value, -spending.value])
        if cmp.status == "equal":
            return []
        message = (f"年末结转结余 {fmt_amount(end.value)} 万元与 年初结转结余+本年收入−本年支出 "
                   f"{fmt_amount(expected)} 万元不一致，{phrases.difference(cmp.difference)}")
        if cmp.status == "rounding":
            return [finding(ds, "CARRYOVER_ROUNDING", "info", message + ROUNDING_NOTE, vals)]
        return [finding(ds, "CARRYOVER_MISMATCH", "error", message, vals)]
    if income.stated and spending.stated and spending.value > income.value and not begin.stated:
        return [finding(
            ds, "SPENDING_EXCEEDS_INCOME", "warning",
            f"本年支出 {fmt_amount(spending.value)} 万元超过本年收入 {fmt_amount(income.value)} "
            f"万元，但未填年初结转结余，请说明资金来源", [income, spending, begin])]
    return [skipped(ds, CARRYOVER_RULE, [v for v in vals if not v.stated])]


def _execution(ds: Dataset, label: str, actual: Val, budget: Val, *,
               low: bool = True) -> list[Finding]:
    if actual.value is not None and budget.value == 0 and actual.value > 0:
        return [finding(ds, "EXECUTION_HIGH", "warning",
                        f"{label}全年预算数为 0，但本年决算 {fmt_amount(actual.value)} 万元，"
                        "请说明资金来源或补填预算", [actual, budget])]
    rate = execution_rate(actual.value, budget.value)
    if rate is None:
        return []
    if low and rate < EXECUTION_LOW:
        return [finding(ds, "EXECUTION_LOW", "warning",
                        f"{label}预算执行率 {fmt_pct(rate)}，低于 90%，请说明未执行原因",
                        [actual, budget])]
    if rate > EXECUTION_HIGH:
        return [finding(ds, "EXECUTION_HIGH", "warning",
                        f"{label}预算执行率 {fmt_pct(rate)}，超出全年预算，请说明超支原因",
                        [actual, budget])]
    return []


def check_execution_rate(ds: Dataset) -> list[Finding]:
    """预算执行率 (actual / budget_final) between 90% and 100%, overall and per project;
    人员经费 and 公用经费 (公用经费控制率) not above their budgets."""
    total = ds.expenditure["total"]
    out = []
    if total.actual.stated and not total.budget_final.stated:
        out.append(skipped(ds, BUDGET_RULE, [total.budget_final]))
    for key in ("total", "basic", "personnel", "public", "project"):
        row = ds.expenditure[key]
        out += _execution(ds, row.label, row.actual, row.budget_final,
                          low=key not in ("personnel", "public"))
    for p in ds.projects:
        out += _execution(ds, f"项目“{p.name.value or '未命名项目'}”", p.actual, p.budget_final)
    return out


def check_staff(ds: Dataset) -> list[Finding]:
    """在职人员控制率 above 100%: more staff than authorised posts."""
    authorised, actual = ds.department.staff_authorized, ds.department.staff_actual
    rate = staff_control_rate(actual.value, authorised.value)
    if rate is not None and rate > 1:
        return [finding(ds, "STAFF_OVER_QUOTA", "warning",
                        f"实际在职人数 {fmt_number(actual.value)} 人超过编制数 "
                        f"{fmt_number(authorised.value)} 人，在职人员控制率 {fmt_pct(rate)}",
                        [actual, authorised])]
    return []


def check_outlays_budget(ds: Dataset) -> list[Finding]:
    """Each “三公”/会议/培训 outlay within its budget."""
    out = []
    for row in ds.outlays.values():
        rate = outlay_control_rate(row.actual.value, row.budget.value)
        if row.actual.stated and row.budget.stated and row.actual.value > row.budget.value:
            rate_text = f"，控制率 {fmt_pct(rate)}" if rate is not None else ""
            out.append(finding(
                ds, "OUTLAY_OVER_BUDGET", "warning",
                f"{row.label}决算 {fmt_amount(row.actual.value)} 万元超过预算 "
                f"{fmt_amount(row.budget.value)} 万元{rate_text}", [row.actual, row.budget]))
    return out


# ---------------------------------------------------------------- rules kept from running

# The scoresheet's indicators a blank figure stops, by their value source.
INDICATOR_RULES = ("staff_control_rate", "outlay_control_rate", "procurement_rate",
                   "asset_use_rate")
INCOME_RULE = "收入合计核对"


def check_rules_not_run(ds: Dataset) -> list[Finding]:
    """One ``info`` per rule a blank figure keeps from running, naming the figures.

    The budget rules say so in :func:`check_execution_rate`, the carry-over
    balance in :func:`check_carryover_balance`; partly blank totals in the sums.
    """
    out = []
    income = ds.income
    parts = [income["fiscal"].actual, income["other"].actual]
    if not income["total"].actual.stated or not any(v.stated for v in parts):
        out.append(skipped(ds, INCOME_RULE, [v for v in (income["total"].actual, *parts)
                                             if not v.stated]))
    for source in INDICATOR_RULES:
        label, compute = indicators.VALUE_SOURCES[source]
        value = compute(ds)
        if value.value is None and value.missing:
            out.append(skipped(ds, label, vals_named(ds, value.missing)))
    return out


CHECKS = [check_carryover_balance, check_execution_rate, check_staff, check_outlays_budget,
          check_rules_not_run]
