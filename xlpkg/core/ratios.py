"""The glossary's formulas, on ``Decimal``; ``None`` means "not computable".

This module owns every ratio the report, the checks, the scoresheet and the UDFs
show. A missing input or a zero base returns ``None``; nothing here raises on
data. Ratios are fractions (0.0364), formatted as percentages elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from xlpkg.core.record import record

D = Decimal | None
ROUNDING_STEP = Decimal("0.01")  # one cent of 万元 per addend is rounding (audit rule)


def yoy_diff(actual: D, prior: D) -> D:
    """较上年增减额 = actual − prior."""
    if actual is None or prior is None:
        return None
    return actual - prior


def _ratio(num: D, den: D) -> D:
    if num is None or den is None or den == 0:
        return None
    return num / den


def pct_change(actual: D, prior: D) -> D:
    """较上年增减率 = (actual − prior) / prior; not computable on a zero or negative
    base, where the sign of the rate would contradict the sign of the change."""
    if prior is not None and prior < 0:
        return None
    return _ratio(yoy_diff(actual, prior), prior)


def share(part: D, whole: D) -> D:
    """占比 = part / whole."""
    return _ratio(part, whole)


def execution_rate(actual: D, budget_final: D) -> D:
    """预算执行率 = actual / budget_final."""
    return _ratio(actual, budget_final)


def adjustment_rate(budget_final: D, budget_initial: D) -> D:
    """预算调整率 = (budget_final − budget_initial) / budget_initial."""
    return pct_change(budget_final, budget_initial)


def outlay_control_rate(actual: D, budget: D) -> D:
    """“三公”经费控制率 = outlays actual / outlays budget."""
    return _ratio(actual, budget)


def outlay_change_rate(actual: D, prior: D) -> D:
    """“三公”经费变动率 = (actual − prior) / prior."""
    return pct_change(actual, prior)


def public_control_rate(actual: D, budget: D) -> D:
    """公用经费控制率 = public actual / public budget."""
    return _ratio(actual, budget)


def staff_control_rate(staff_actual: D, staff_authorized: D) -> D:
    """在职人员控制率 = staff_actual / staff_authorized."""
    return _ratio(staff_actual, staff_authorized)


def carryover_rate(carry_end: D, budget_final: D) -> D:
    """结转结余率 = carryover end / budget_final."""
    return _ratio(carry_end, budget_final)


def procurement_rate(actual: D, budget: D) -> D:
    """政府采购执行率 = procurement actual / procurement budget."""
    return _ratio(actual, budget)


def asset_use_rate(in_use: D, total: D) -> D:
    """固定资产利用率 = fixed assets in use / total."""
    return _ratio(in_use, total)


def completion_rate(actual: D, target: D) -> D:
    """实际完成率 = actual / target of a key task."""
    return _ratio(actual, target)


def achievement(actual: D, target: D, comparator: str = ">=") -> D:
    """How fully a target is met: actual / target, but target / actual for an
    "at most" (≤) target, where coming in under the cap is success."""
    if comparator == "<=":
        if actual == 0 and target is not None and target >= 0:
            return Decimal(1)
        return _ratio(target, actual)
    return completion_rate(actual, target)


def deviation(actual: D, target: D) -> D:
    """偏差 = actual / target − 1 (positive: above target)."""
    rate = completion_rate(actual, target)
    return None if rate is None else rate - 1


@record
class SumComparison:
    """A stated total against the sum of its parts."""

    total: Decimal
    parts_sum: Decimal
    addends: int

    @property
    def difference(self) -> Decimal:
        return self.total - self.parts_sum

    @property
    def tolerance(self) -> Decimal:
        return ROUNDING_STEP * self.addends

    @property
    def status(self) -> str:
        """"equal", "rounding" (within 0.01 per addend) or "mismatch"."""
        diff = abs(self.difference)
        if diff == 0:
            return "equal"
        return "rounding" if diff <= self.tolerance else "mismatch"


def compare_sum(total: D, parts: Iterable[D]) -> SumComparison | None:
    """Compare a stated total with its parts; ``None`` if anything is not stated."""
    parts = list(parts)
    if total is None or not parts or any(p is None for p in parts):
        return None
    return SumComparison(total, sum(parts, Decimal(0)), len(parts))
