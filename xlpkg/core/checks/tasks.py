"""Key tasks (年度重点工作/绩效目标) against their targets."""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core import phrases
from xlpkg.core.checks.base import finding, once
from xlpkg.core.finding import Finding
from xlpkg.core.model import COMPARATOR_SIGNS, Dataset, KeyTask, Val
from xlpkg.core.money import fmt_pct
from xlpkg.core.ratios import completion_rate

OVERACHIEVEMENT_LIMIT = Decimal("1.20")   # 财预〔2020〕10号: large over-achievement must be explained


def task_deviation(task: KeyTask) -> str | None:
    """How a task deviates from its target: "shortfall", "overshoot", "too_low" or None.

    Compared directly (a "≤ 0 起" target has no rate but is still missed by 2);
    ``too_low``: more than 20% above an "at least" target (财预〔2020〕10号 asks
    whether the target was set too low). Qualitative or blank values: None.
    """
    return _judged(task)[0]


_MET = (None, None)


def _judged(task: KeyTask) -> tuple[str | None, Decimal | None]:
    """:func:`task_deviation` and, for a deviating task, its completion rate."""
    actual, target = task.actual.value, task.target.value
    if not isinstance(actual, Decimal) or not isinstance(target, Decimal):
        return _MET
    comparator = task.comparator.value
    if comparator == "<=":
        return ("overshoot", completion_rate(actual, target)) if actual > target else _MET
    if actual < target:
        return "shortfall", completion_rate(actual, target)
    if actual == target:
        return _MET
    rate = completion_rate(actual, target)
    if rate is not None and rate > OVERACHIEVEMENT_LIMIT:
        return "too_low", rate
    return ("overshoot", rate) if comparator == "=" else _MET


def _all_judged(ds: Dataset) -> list[tuple[str | None, Decimal | None]]:
    return [_judged(task) for task in ds.key_tasks]


def judged_tasks(ds: Dataset) -> list[tuple[str | None, Decimal | None]]:
    """(:func:`task_deviation`, completion rate) of every key task, in order, worked
    out once per dataset for the task check and the narrative's claims."""
    return once(ds, _all_judged)


def num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


def task_name(task: KeyTask, index: int) -> str:
    """``“帮助困难职工”``, or ``“第2项”`` for a task without a name (``index`` 1-based)."""
    return f"“{task.name.value or f'第{index}项'}”"


def _label(task: KeyTask, index: int) -> str:
    """How a finding names the task; made only for the tasks a finding is about."""
    return f"重点工作{task_name(task, index)}"


def show(v: Val, unit: str | None) -> str:
    if isinstance(v.value, Decimal):
        return phrases.quantity(v.value, unit)
    return str(v.value)


def target_text(task: KeyTask) -> str:
    """``≥ 400 人次``."""
    return f"{COMPARATOR_SIGNS[task.comparator.value]} {show(task.target, task.unit.value)}"


def check_key_tasks(ds: Dataset) -> list[Finding]:
    """Each key task against its target (≥ / ≤ / =), and missing values."""
    out = []
    for i, (task, (kind, ratio)) in enumerate(zip(ds.key_tasks, judged_tasks(ds)), 1):
        if task.target.value is None:
            out.append(finding(ds, "TASK_TARGET_MISSING", "warning",
                               f"{_label(task, i)}未填目标值", [task.target]))
            continue
        if task.actual.value is None:
            out.append(finding(ds, "TASK_ACTUAL_MISSING", "warning",
                               f"{_label(task, i)}未填实际值，无法评价完成情况"
                               f"（目标 {target_text(task)}）", [task.actual]))
            continue
        if kind is None:
            continue  # met, or qualitative: judged by people, scored by hand
        label = _label(task, i)
        rate = f"，完成率 {fmt_pct(ratio)}" if ratio is not None else ""
        target = target_text(task)
        actual = show(task.actual, task.unit.value)
        vals = [task.target, task.actual]
        if kind == "shortfall":
            out.append(finding(ds, "TASK_SHORTFALL", "warning",
                               f"{label}实际 {actual}，未达到目标（{target}）{rate}，"
                               "请在“存在的问题”中分析原因", vals))
        elif kind == "overshoot":
            out.append(finding(ds, "TASK_OVERSHOOT", "warning",
                               f"{label}实际 {actual}，超出目标（{target}）{rate}，"
                               "请说明偏离原因", vals))
        else:
            over = fmt_pct(ratio - 1)
            out.append(finding(ds, "TASK_TARGET_TOO_LOW", "warning",
                               f"{label}实际 {actual}，超出目标（{target}）{over}{rate}，"
                               "请说明超额原因或检查目标是否设定偏低", vals))
    return out


CHECKS = [check_key_tasks]
