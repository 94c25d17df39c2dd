"""Indicator values of the scoresheet, computed from a Dataset with the glossary formulas.

This module owns which contract fields feed each value source a rules file can
name (``staff_control_rate``, ``execution_rate`` …) and why a value is not
computable. Every ratio comes from :mod:`xlpkg.core.ratios`; nothing here
computes a percentage of its own. Values are fractions (0.951 for 95.10%);
``None`` means "not computable", and the note says why (a blank field, a zero
base). Blank is never treated as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import chain
from operator import attrgetter

from xlpkg.core import ratios
from xlpkg.core.model import THREE_PUBLIC_ROWS, Dataset, KeyTask, Val, describe_field
from xlpkg.core.money import fmt_pct
from xlpkg.core.record import record


@record
class IndicatorValue:
    """One computed value, the contract fields it came from, and how."""

    value: Decimal | None
    fields: tuple[str, ...]
    missing: tuple[str, ...] = ()   # fields left blank (why ``value`` is None)
    note: str = ""                  # Chinese: why not computable, or how it was computed


@record
class TaskOptions:
    """How ``task_completion`` picks and treats key tasks (rules-file options)."""

    category: str | None = None     # only tasks whose 指标类别 contains this text
    uncategorised: bool = True      # with ``category``: also count tasks without a 指标类别
    unreported: str = "zero"        # task with a target but no actual: "zero" (counts 0%) | "exclude"


UNREPORTED = {"zero": "按 0 计", "exclude": "不计入"}


@record
class _Term:
    """An amount assembled from one or more fields (e.g. 三公 from its four rows)."""

    value: Decimal | None
    fields: tuple[str, ...]
    missing: tuple[str, ...]
    label: str
    note: str = ""


def _term(v: Val) -> _Term:
    return _Term(v.value, (v.field,), () if v.stated else (v.field,), describe_field(v.field))


def _missing_note(missing: Sequence[str]) -> str:
    return "缺少" + "、".join(describe_field(f) for f in dict.fromkeys(missing))


def _ratio(fn: Callable, num: _Term, base: _Term, *others: _Term) -> IndicatorValue:
    """``fn(num, base)``, with the reason when it cannot be computed (blank or zero base)."""
    terms = (num, base, *others)
    fields = tuple(dict.fromkeys(f for t in terms for f in t.fields))
    missing = tuple(dict.fromkeys(f for t in terms for f in t.missing))
    how = "；".join(dict.fromkeys(t.note for t in terms if t.note))
    if missing:
        return IndicatorValue(None, fields, missing, _missing_note(missing))
    value = fn(num.value, base.value)
    if value is None:
        return IndicatorValue(None, fields, (), f"{base.label}为 0，无法计算")
    return IndicatorValue(value, fields, (), how)


def _sum(label: str, terms: Sequence[_Term], sign: Sequence[int] | None = None) -> _Term:
    """A sum of terms (each sign ±1); blank if any term is blank."""
    sign = sign or [1] * len(terms)
    fields = tuple(f for t in terms for f in t.fields)
    missing = tuple(f for t in terms for f in t.missing)
    if missing:
        return _Term(None, fields, missing, label)
    return _Term(sum((s * t.value for s, t in zip(sign, terms)), Decimal(0)), fields, (), label)


def _outlays(ds: Dataset, column: str) -> _Term:
    """The “三公”经费 of one column: the stated total, else the sum of its four rows.

    The stated total is what the department reports (the checks compare it with
    its rows); the rows are used only when the total is blank.
    """
    total = ds.outlays["total"].values[column]
    if total.stated:
        return _term(total)
    parts = [ds.outlays[r].values[column] for r in THREE_PUBLIC_ROWS]
    if all(p.stated for p in parts):
        term = _sum(describe_field(total.field), [_term(p) for p in parts])
        return _Term(term.value, term.fields, (), term.label, "“三公”经费合计未填，按四项明细合计计算")
    return _term(total)


# ---------------------------------------------------------------- value sources


def staff_control_rate(ds: Dataset) -> IndicatorValue:
    """在职人员控制率 = 实际在职人数 / 编制数."""
    d = ds.department
    return _ratio(ratios.staff_control_rate, _term(d.staff_actual), _term(d.staff_authorized))


def execution_rate(ds: Dataset) -> IndicatorValue:
    """预算执行率 = 支出合计本年决算数 / 全年预算数."""
    row = ds.expenditure["total"]
    return _ratio(ratios.execution_rate, _term(row.actual), _term(row.budget_final))


def execution_rate_carryover(ds: Dataset) -> IndicatorValue:
    """预算完成率, Hunan formula: (年初结转 + 年初预算 + 追加 − 年末结余) / (年初结转 + 年初预算 + 追加).

    年初预算 + 追加 (budget_final − budget_initial) is the 全年预算数, so the
    fields are carry_begin, exp_total_budget_final and carry_end.
    """
    begin, end = _term(ds.carry_begin), _term(ds.carry_end)
    final = _term(ds.expenditure["total"].budget_final)
    available = _sum("年初结转结余与全年预算数之和", [begin, final])
    spent = _sum("可用资金减年末结转结余", [begin, final, end], [1, 1, -1])
    value = _ratio(ratios.execution_rate, spent, available)
    return IndicatorValue(value.value, begin.fields + final.fields + end.fields, value.missing,
                          value.note)


def adjustment_rate(ds: Dataset) -> IndicatorValue:
    """预算调整率 = (全年预算数 − 年初预算数) / 年初预算数."""
    row = ds.expenditure["total"]
    return _ratio(ratios.adjustment_rate, _term(row.budget_final), _term(row.budget_initial))


def outlay_control_rate(ds: Dataset) -> IndicatorValue:
    """“三公”经费控制率 = 三公实际 / 三公预算."""
    return _ratio(ratios.outlay_control_rate, _outlays(ds, "actual"), _outlays(ds, "budget"))


def outlay_change_rate(ds: Dataset) -> IndicatorValue:
    """“三公”经费变动率 = (本年 − 上年) / 上年."""
    return _ratio(ratios.outlay_change_rate, _outlays(ds, "actual"), _outlays(ds, "prior"))


def public_control_rate(ds: Dataset) -> IndicatorValue:
    """公用经费控制率 = 公用经费本年决算数 / 全年预算数."""
    row = ds.expenditure["public"]
    return _ratio(ratios.public_control_rate, _term(row.actual), _term(row.budget_final))


def carryover_rate(ds: Dataset) -> IndicatorValue:
    """结转结余率 = 年末结转结余 / 全年预算数."""
    return _ratio(ratios.carryover_rate, _term(ds.carry_end),
                  _term(ds.expenditure["total"].budget_final))


def procurement_rate(ds: Dataset) -> IndicatorValue:
    """政府采购执行率 = 实际采购金额 / 采购预算."""
    return _ratio(ratios.procurement_rate, _term(ds.proc_actual), _term(ds.proc_budget))


def asset_use_rate(ds: Dataset) -> IndicatorValue:
    """固定资产利用率 = 在用固定资产 / 固定资产总额."""
    return _ratio(ratios.asset_use_rate, _term(ds.fa_in_use), _term(ds.fa_total))


# ---------------------------------------------------------------- key tasks


@record
class TaskResult:
    """One key task's part in 重点工作实际完成率."""

    task: KeyTask
    achievement: Decimal | None   # capped at 1; None when not counted
    status: str                   # "counted" | "unreported" | "qualitative" | "no_target"


_ONE, _ZERO = Decimal(1), Decimal(0)   # made once: task_results caps every task's rate


def _num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


def task_results(ds: Dataset, options: TaskOptions = TaskOptions()) -> list[TaskResult]:
    """Each selected key task with its achievement, capped at 100% (``ratios.achievement``)."""
    out = []
    wanted = options.category
    for task in ds.key_tasks:
        if wanted:
            category = task.category.value
            if not (wanted in (category or "") or (category is None and options.uncategorised)):
                continue
        target, actual = task.target.value, task.actual.value   # numbers: as _num has them
        if target is None:
            out.append(TaskResult(task, None, "no_target"))
        elif not isinstance(target, Decimal) or (actual is not None
                                                 and not isinstance(actual, Decimal)):
            out.append(TaskResult(task, None, "qualitative"))
        elif actual is None:
            out.append(TaskResult(task, None, "unreported"))
        else:
            rate = ratios.achievement(actual, target, task.comparator.value)
            if rate is None:  # a zero target: nothing to measure against
                out.append(TaskResult(task, None, "qualitative"))
            else:
                out.append(TaskResult(task, max(min(rate, _ONE), _ZERO), "counted"))
    return out


def _names(results: Sequence[TaskResult]) -> str:
    return "、".join(f"“{r.task.name.value or '未命名'}”" for r in results)


def _weights(counted: Sequence[TaskResult]) -> list[Decimal] | None:
    """The counted tasks' 分值 when every one has a positive one (asked in order, up
    to the first that has none)."""
    weights = []
    for r in counted:
        w = _num(r.task.weight)
        if not (w is not None and w > 0):
            return None
        weights.append(w)
    return weights


# each task's target and actual field, as a C loop reads them (5,500 tasks: 11,000 names)
_TASK_FIELDS = attrgetter("task.target.field", "task.actual.field")


def task_completion(ds: Dataset, options: TaskOptions = TaskOptions()) -> IndicatorValue:
    """重点工作实际完成率: the mean of each task's achievement, each capped at 100%.

    Weighted by the tasks' 分值 when every counted task has one. Qualitative
    tasks and tasks without a target are left out; a task with a target but no
    actual counts as 0% or is left out (``options.unreported``). The note says
    which tasks were treated how.
    """
    results = task_results(ds, options)
    counted = [r for r in results if r.status == "counted"]
    unreported = [r for r in results if r.status == "unreported"]
    if options.unreported == "zero":
        counted += [TaskResult(r.task, Decimal(0), "unreported") for r in unreported]
    fields = tuple(chain.from_iterable(map(_TASK_FIELDS, results)))
    notes = []
    if unreported:
        notes.append(f"{len(unreported)} 项未填实际值（{_names(unreported)}），"
                     f"{UNREPORTED[options.unreported]}")
    qualitative = [r for r in results if r.status in ("qualitative", "no_target")]
    if qualitative:
        notes.append(f"{len(qualitative)} 项为定性指标或未填目标值（{_names(qualitative)}），"
                     "不计入完成率，请在自评打分表中说明")
    if not counted:
        if results:
            reason = "没有可计算完成率的重点工作"
        elif options.category:
            reason = f"没有指标类别含“{options.category}”的重点工作"
        else:
            reason = "未填重点工作"
        return IndicatorValue(None, fields, (), "；".join([reason, *notes]))
    weights = _weights(counted)
    if weights is not None:
        value = ratios.share(sum((r.achievement * w for r, w in zip(counted, weights)),
                                 Decimal(0)), sum(weights, Decimal(0)))
        how = "按各项分值加权平均"
    else:
        value = ratios.share(sum((r.achievement for r in counted), Decimal(0)),
                             Decimal(len(counted)))
        how = "各项简单平均"
    head = f"{len(counted)} 项重点工作计入完成率（超额完成按 100% 计，{how}），平均 {fmt_pct(value)}"
    return IndicatorValue(value, fields, (), "；".join([head, *notes]))


# ---------------------------------------------------------------- registry

VALUE_SOURCES: dict[str, tuple[str, Callable[[Dataset], IndicatorValue]]] = {
    "staff_control_rate": ("在职人员控制率", staff_control_rate),
    "execution_rate": ("预算执行率", execution_rate),
    "execution_rate_carryover": ("预算完成率（含结转）", execution_rate_carryover),
    "adjustment_rate": ("预算调整率", adjustment_rate),
    "outlay_control_rate": ("“三公”经费控制率", outlay_control_rate),
    "outlay_change_rate": ("“三公”经费变动率", outlay_change_rate),
    "public_control_rate": ("公用经费控制率", public_control_rate),
    "carryover_rate": ("结转结余率", carryover_rate),
    "procurement_rate": ("政府采购执行率", procurement_rate),
    "asset_use_rate": ("固定资产利用率", asset_use_rate),
    "task_completion": ("重点工作实际完成率", task_completion),
}
MANUAL = "manual"


def compute(source: str, ds: Dataset, tasks: TaskOptions = TaskOptions()) -> IndicatorValue:
    """The value of one source (a key of :data:`VALUE_SOURCES`) for ``ds``."""
    if source == "task_completion":
        return task_completion(ds, tasks)
    return VALUE_SOURCES[source][1](ds)
