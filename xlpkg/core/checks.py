"""The consistency and performance checks: a list of small pure functions.

Each ``check_*(ds) -> list[Finding]`` looks at one rule, never raises on data,
and names the contract fields and cells involved. ``CHECKS`` is the list the
CLI, the Excel button and the batch run; :func:`run_checks` runs them all.

Severity (CONTRACT §4): ``error`` when figures contradict each other beyond
rounding (more than 0.01 万元 per addend), ``warning`` for performance and
completeness problems a reviewer would query, ``info`` for rounding-level
differences and rules skipped for missing data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from xlpkg.core import phrases
from xlpkg.core.finding import Finding
from xlpkg.core.model import (
    COMPARATOR_SIGNS,
    THREE_PUBLIC_ROWS,
    Dataset,
    KeyTask,
    Val,
    describe_field,
)
from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct, round_half_up
from xlpkg.core.ratios import (
    compare_sum,
    completion_rate,
    execution_rate,
    outlay_control_rate,
    staff_control_rate,
)

Check = Callable[[Dataset], list[Finding]]

OVERACHIEVEMENT_LIMIT = Decimal("1.20")   # 财预〔2020〕10号: large over-achievement must be explained
EXECUTION_LOW = Decimal("0.90")
EXECUTION_HIGH = Decimal("1.00")


def _fields(vals: Iterable[Val]) -> tuple[str, ...]:
    return tuple(v.field for v in vals)


def _cells(vals: Iterable[Val]) -> tuple[str, ...]:
    return tuple(v.cell for v in vals if v.cell)


def _finding(code: str, severity: str, message: str, vals: Sequence[Val]) -> Finding:
    return Finding(code, severity, message, _fields(vals), _cells(vals))


def _skipped(rule: str, missing: Sequence[Val]) -> Finding:
    names = "、".join(describe_field(v.field) for v in missing)
    return _finding("RULE_SKIPPED", "info", f"{rule}：缺少{names}，未计算", missing)


# ---------------------------------------------------------------- totals against parts


def _sum_finding(total_label: str, total: Val, parts: Sequence[tuple[str, Val]],
                 *, parts_label: str = "", hint: str = "") -> list[Finding]:
    """Compare one stated total with its stated parts.

    Silent when the total or every part is blank (nothing is claimed); ``info``
    when only some parts are blank, or the difference is within rounding;
    ``error`` beyond rounding.
    """
    vals = [v for _, v in parts]
    if total.value is None or not parts or all(v.value is None for v in vals):
        return []
    missing = [v for v in vals if v.value is None]
    if missing:
        return [_skipped(f"核对{total_label}与其明细", missing)]
    cmp = compare_sum(total.value, [v.value for v in vals])
    if cmp.status == "equal":
        return []
    parts_label = parts_label or "+".join(label for label, _ in parts)
    gap = " " if parts_label[-1:].isascii() else ""
    message = (f"{total_label} {fmt_amount(cmp.total)} 万元与{parts_label}{gap}合计 "
               f"{fmt_amount(cmp.parts_sum)} 万元不一致，{_shown_difference(cmp)}")
    if cmp.status == "rounding":
        return [_finding("SUM_ROUNDING", "info", message + "（在四舍五入误差以内）",
                         [total, *vals])]
    return [_finding("SUM_MISMATCH", "error", message + hint, [total, *vals])]


def _shown_difference(cmp) -> str:
    """The gap between the two figures as printed, so a reader can check it by hand."""
    return phrases.difference(round_half_up(cmp.total) - round_half_up(cmp.parts_sum))


_COLUMN_PREFIX = {"prior": "上年", "actual": "", "budget_initial": "年初预算",
                  "budget_final": "全年预算", "budget": "预算"}


def _block_check(block, total_row: str, part_rows: Sequence[str], label: str) -> list[Finding]:
    """A fixed block's total row against some of its rows, column by column."""
    out = []
    for column, total in block[total_row].values.items():
        parts = [(block[r].label, block[r].values[column]) for r in part_rows]
        out += _sum_finding(f"{_COLUMN_PREFIX[column]}{label}", total, parts)
    return out


def check_expenditure_total(ds: Dataset) -> list[Finding]:
    """支出合计 = 基本支出 + 项目支出, for every column."""
    return _block_check(ds.expenditure, "total", ("basic", "project"), "支出合计")


def check_basic_split(ds: Dataset) -> list[Finding]:
    """基本支出 = 人员经费 + 公用经费, for every column."""
    return _block_check(ds.expenditure, "basic", ("personnel", "public"), "基本支出")


def check_income_total(ds: Dataset) -> list[Finding]:
    """本年收入合计 = 财政拨款收入 + 其他收入."""
    return _block_check(ds.income, "total", ("fiscal", "other"), "收入合计")


def check_outlays_total(ds: Dataset) -> list[Finding]:
    """“三公”经费合计 = 出国 + 车购 + 车运 + 接待, for every column."""
    return _block_check(ds.outlays, "total", THREE_PUBLIC_ROWS, "“三公”经费合计")


def _econ_parts(ds: Dataset, column: str, codes: Sequence[str] | None = None):
    return [(f"经济分类 {r.code.value or r.name.value or '?'}", getattr(r, column))
            for r in ds.economic_classification
            if codes is None or r.code.value in codes]


def check_basic_vs_economic(ds: Dataset) -> list[Finding]:
    """基本支出 = the sum of its economic classification rows."""
    out = []
    for column in ("prior", "actual"):
        parts = _econ_parts(ds, column)
        out += _sum_finding(f"{_COLUMN_PREFIX[column]}基本支出",
                            ds.expenditure["basic"].values[column], parts,
                            parts_label=_caliber_label(parts) if len(parts) <= 6
                            else "经济分类各科目")
    return out


def _caliber_label(parts) -> str:
    return "经济分类 " + "+".join(label.removeprefix("经济分类 ") for label, _ in parts)


def check_personnel_caliber(ds: Dataset) -> list[Finding]:
    """人员经费 = 301 + 303 (决算口径)."""
    out = []
    for column in ("prior", "actual"):
        parts = _econ_parts(ds, column, ("301", "303"))
        out += _sum_finding(f"{_COLUMN_PREFIX[column]}人员经费",
                            ds.expenditure["personnel"].values[column], parts,
                            parts_label=_caliber_label(parts) if parts else "",
                            hint="，请核对人员经费与经济分类的口径")
    return out


def check_public_caliber(ds: Dataset) -> list[Finding]:
    """公用经费 = 302, or 302 + 310: 决算口径 counts 310, the Hunan 基础数据表 does not.

    Either basis is accepted; the finding reports the closer one. When 人员经费
    is off by the same amount the other way, the message says the two mirror.
    """
    out = []
    for column in ("prior", "actual"):
        public = ds.expenditure["public"].values[column]
        bases = [_econ_parts(ds, column, ("302",))]
        with_310 = _econ_parts(ds, column, ("302", "310"))
        if len(with_310) > len(bases[0]):
            bases.append(with_310)
        parts = min(bases, key=lambda ps: _gap(public.value, [v.value for _, v in ps]))
        out += _sum_finding(f"{_COLUMN_PREFIX[column]}公用经费", public, parts,
                            parts_label=_caliber_label(parts) if parts else "",
                            hint="，请核对公用经费与经济分类的口径"
                            + _mirror_note(ds, column, parts))
    return out


def _gap(total, parts) -> Decimal:
    """How far a total is from its parts; blanks sort last."""
    cmp = compare_sum(total, parts)
    return abs(cmp.difference) if cmp else Decimal("Infinity")


def _mirror_note(ds: Dataset, column: str, public_parts) -> str:
    """Say so when 公用经费 is off by exactly what 人员经费 is off the other way."""
    personnel = compare_sum(ds.expenditure["personnel"].values[column].value,
                            [v.value for _, v in _econ_parts(ds, column, ("301", "303"))])
    public = compare_sum(ds.expenditure["public"].values[column].value,
                         [v.value for _, v in public_parts])
    if personnel is None or public is None or personnel.status != "mismatch":
        return ""
    if personnel.difference + public.difference == 0:
        return "（与人员经费的差额金额相同、方向相反，应是人员经费与公用经费的划分口径不一致）"
    return ""


def check_projects_total(ds: Dataset) -> list[Finding]:
    """项目支出 = the sum of the listed projects, for every column."""
    out = []
    for column in ("prior", "budget_initial", "budget_final", "actual"):
        parts = [(p.name.value or "项目", getattr(p, column)) for p in ds.projects]
        label = f"{len(parts)} 个项目明细" if len(parts) > 4 else ""
        out += _sum_finding(f"{_COLUMN_PREFIX[column]}项目支出",
                            ds.expenditure["project"].values[column], parts,
                            parts_label=label)
    return out


# ---------------------------------------------------------------- income, carry-over, budgets


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
            return [_finding("CARRYOVER_ROUNDING", "info", message + "（在四舍五入误差以内）", vals)]
        return [_finding("CARRYOVER_MISMATCH", "error", message, vals)]
    if income.stated and spending.stated and spending.value > income.value and not begin.stated:
        return [_finding(
            "SPENDING_EXCEEDS_INCOME", "warning",
            f"本年支出 {fmt_amount(spending.value)} 万元超过本年收入 {fmt_amount(income.value)} "
            f"万元，但未填年初结转结余，请说明资金来源", [income, spending, begin])]
    if any(v.stated for v in (begin, end)):
        return [_skipped("结转结余平衡核对", [v for v in vals if not v.stated])]
    return []


def _execution(label: str, actual: Val, budget: Val, *, low: bool = True) -> list[Finding]:
    if actual.value is not None and budget.value == 0 and actual.value > 0:
        return [_finding("EXECUTION_HIGH", "warning",
                         f"{label}全年预算数为 0，但本年决算 {fmt_amount(actual.value)} 万元，"
                         "请说明资金来源或补填预算", [actual, budget])]
    rate = execution_rate(actual.value, budget.value)
    if rate is None:
        return []
    if low and rate < EXECUTION_LOW:
        return [_finding("EXECUTION_LOW", "warning",
                         f"{label}预算执行率 {fmt_pct(rate)}，低于 90%，请说明未执行原因",
                         [actual, budget])]
    if rate > EXECUTION_HIGH:
        return [_finding("EXECUTION_HIGH", "warning",
                         f"{label}预算执行率 {fmt_pct(rate)}，超出全年预算，请说明超支原因",
                         [actual, budget])]
    return []


def check_execution_rate(ds: Dataset) -> list[Finding]:
    """预算执行率 (actual / budget_final) between 90% and 100%, overall and per project;
    人员经费 and 公用经费 (公用经费控制率) not above their budgets."""
    total = ds.expenditure["total"]
    out = []
    if total.actual.stated and not total.budget_final.stated:
        out.append(_skipped("预算执行率、预算调整率等预算指标", [total.budget_final]))
    for key in ("total", "basic", "personnel", "public", "project"):
        row = ds.expenditure[key]
        out += _execution(row.label, row.actual, row.budget_final,
                          low=key not in ("personnel", "public"))
    for p in ds.projects:
        out += _execution(f"项目“{p.name.value or '未命名项目'}”", p.actual, p.budget_final)
    return out


def check_staff(ds: Dataset) -> list[Finding]:
    """在职人员控制率 above 100%: more staff than authorised posts."""
    authorised, actual = ds.department.staff_authorized, ds.department.staff_actual
    rate = staff_control_rate(actual.value, authorised.value)
    if rate is not None and rate > 1:
        return [_finding("STAFF_OVER_QUOTA", "warning",
                         f"实际在职人数 {fmt_number(actual.value)} 人超过编制数 "
                         f"{fmt_number(authorised.value)} 人，在职人员控制率 {fmt_pct(rate)}",
                         [actual, authorised])]
    return []


def check_outlays_budget(ds: Dataset) -> list[Finding]:
    """Each “三公”/会议/培训 outlay within its budget."""
    out = []
    total = ds.outlays["total"]
    if total.actual.stated and not total.budget.stated:
        out.append(_skipped("“三公”经费控制率", [total.budget]))
    for row in ds.outlays.values():
        rate = outlay_control_rate(row.actual.value, row.budget.value)
        if row.actual.stated and row.budget.stated and row.actual.value > row.budget.value:
            rate_text = f"，控制率 {fmt_pct(rate)}" if rate is not None else ""
            out.append(_finding(
                "OUTLAY_OVER_BUDGET", "warning",
                f"{row.label}决算 {fmt_amount(row.actual.value)} 万元超过预算 "
                f"{fmt_amount(row.budget.value)} 万元{rate_text}", [row.actual, row.budget]))
    return out


# ---------------------------------------------------------------- key tasks


def task_deviation(task: KeyTask) -> str | None:
    """How a task deviates from its target: "shortfall", "overshoot", "too_low" or None.

    Compared directly (a "≤ 0 起" target has no rate but is still missed by 2);
    ``too_low``: more than 20% above an "at least" target (财预〔2020〕10号 asks
    whether the target was set too low). Qualitative or blank values: None.
    """
    actual, target = _num(task.actual), _num(task.target)
    if actual is None or target is None:
        return None
    comparator = task.comparator.value
    if comparator == "<=":
        return "overshoot" if actual > target else None
    if actual < target:
        return "shortfall"
    if actual == target:
        return None
    rate = completion_rate(actual, target)
    if rate is not None and rate > OVERACHIEVEMENT_LIMIT:
        return "too_low"
    return "overshoot" if comparator == "=" else None


def _num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


def _task_label(task: KeyTask, index: int) -> str:
    return f"重点工作“{task.name.value or f'第{index}项'}”"


def check_key_tasks(ds: Dataset) -> list[Finding]:
    """Each key task against its target (≥ / ≤ / =), and missing values."""
    out = []
    for i, task in enumerate(ds.key_tasks, 1):
        label = _task_label(task, i)
        unit = task.unit.value
        if task.target.value is None:
            out.append(_finding("TASK_TARGET_MISSING", "warning",
                                f"{label}未填目标值", [task.target]))
            continue
        if task.actual.value is None:
            out.append(_finding("TASK_ACTUAL_MISSING", "warning",
                                f"{label}未填实际值，无法评价完成情况（目标 "
                                f"{COMPARATOR_SIGNS[task.comparator.value]} "
                                f"{_show(task.target, unit)}）", [task.actual]))
            continue
        if _num(task.target) is None or _num(task.actual) is None:
            continue  # qualitative: judged by people, scored by hand
        kind = task_deviation(task)
        if kind is None:
            continue
        ratio = completion_rate(_num(task.actual), _num(task.target))
        rate = f"，完成率 {fmt_pct(ratio)}" if ratio is not None else ""
        target = f"{COMPARATOR_SIGNS[task.comparator.value]} {_show(task.target, unit)}"
        actual = _show(task.actual, unit)
        vals = [task.target, task.actual]
        if kind == "shortfall":
            out.append(_finding("TASK_SHORTFALL", "warning",
                                f"{label}实际 {actual}，未达到目标（{target}）{rate}，"
                                "请在“存在的问题”中分析原因", vals))
        elif kind == "overshoot":
            out.append(_finding("TASK_OVERSHOOT", "warning",
                                f"{label}实际 {actual}，超出目标（{target}）{rate}，"
                                "请说明偏离原因", vals))
        else:
            over = fmt_pct(ratio - 1)
            out.append(_finding("TASK_TARGET_TOO_LOW", "warning",
                                f"{label}实际 {actual}，超出目标（{target}）{over}{rate}，"
                                "请说明超额原因或检查目标是否设定偏低", vals))
    return out


def _show(v: Val, unit: str | None) -> str:
    if isinstance(v.value, Decimal):
        return phrases.quantity(v.value, unit)
    return str(v.value)


# ---------------------------------------------------------------- narrative against numbers

# Phrases claiming that every target was met exactly; one deviating task refutes them.
NO_DEVIATION_CLAIMS = ("无偏离", "没有偏离", "未发生偏离", "未偏离", "不存在偏离", "均无偏差",
                       "无偏差", "没有偏差")
ALL_DONE_CLAIMS = ("全部完成", "全面完成", "按时按质按量完成", "按质按量完成", "圆满完成",
                   "均已完成", "100%完成")


def check_narrative_claims(ds: Dataset) -> list[Finding]:
    """A paragraph that claims 无偏离 / 全部完成 while a task deviates or is unreported."""
    deviating = [(i, t, task_deviation(t)) for i, t in enumerate(ds.key_tasks, 1)]
    deviating = [(i, t, k) for i, t, k in deviating if k is not None]
    short = [(i, t) for i, t in enumerate(ds.key_tasks, 1)
             if task_deviation(t) == "shortfall" or (t.target.stated and not t.actual.stated)]
    out = []
    for para in ds.narrative:
        text = (para.text.value or "").replace(" ", "")
        claims, refuting = [], {}
        for phrases_, tasks in ((NO_DEVIATION_CLAIMS, deviating), (ALL_DONE_CLAIMS, short)):
            claim = next((c for c in phrases_ if c in text), None)
            if claim is not None and tasks:
                claims.append(claim)
                refuting.update({i: t for i, t, *_ in tasks})
        if not claims:
            continue
        against = sorted(refuting.items())
        names = "、".join(f"“{t.name.value or f'第{i}项'}”" for i, t in against)
        said = "”“".join(claims)
        vals = [para.text] + [t.actual for _, t in against]
        out.append(_finding(
            "NARRATIVE_CONTRADICTS", "warning",
            f"文字内容称“{said}”，但重点工作{names}偏离目标或未填实际值，"
            "请修改表述或补充原因分析", vals))
    return out


# ---------------------------------------------------------------- plausibility


def check_negative_amounts(ds: Dataset) -> list[Finding]:
    """Amounts in the expenditure, income and outlay blocks are never negative."""
    out = []
    for block in (ds.income, ds.expenditure, ds.outlays):
        for row in block.values():
            for v in row.values.values():
                if v.stated and v.value < 0:
                    out.append(_finding("NEGATIVE_AMOUNT", "warning",
                                        f"{describe_field(v.field)}为负数（{fmt_amount(v.value)}"
                                        " 万元），请核对", [v]))
    return out


def check_required(ds: Dataset) -> list[Finding]:
    """The report cannot be written without a department name, a year and total spending."""
    out = []
    for v in (ds.department.name, ds.department.year, ds.expenditure["total"].actual):
        if not v.stated:
            out.append(_finding("REQUIRED_MISSING", "warning",
                                f"未填{describe_field(v.field)}，报告中相应内容将空缺", [v]))
    return out


def check_unreadable(ds: Dataset) -> list[Finding]:
    """Values that could not be read (found while reading, reported here)."""
    return list(ds.read_findings)


CHECKS: list[Check] = [
    check_unreadable,
    check_required,
    check_income_total,
    check_expenditure_total,
    check_basic_split,
    check_basic_vs_economic,
    check_personnel_caliber,
    check_public_caliber,
    check_projects_total,
    check_outlays_total,
    check_carryover_balance,
    check_execution_rate,
    check_staff,
    check_outlays_budget,
    check_negative_amounts,
    check_key_tasks,
    check_narrative_claims,
]


def run_checks(ds: Dataset, checks: Sequence[Check] = CHECKS) -> list[Finding]:
    """Every check, in order; findings are collected, never raised."""
    return [finding for check in checks for finding in check(ds)]
