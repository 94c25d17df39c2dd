"""The report's body tables: 财政拨款支出, “三公”经费, 项目支出, 预算执行 and 重点工作 (the
自评表 and the other submission tables are attachments, from :mod:`xlpkg.tables.rows`).

Owns which rows and columns each table has, their headers and captions, and the
display strings of their cells (every figure from :mod:`ratios`, worded by
:mod:`phrases`) — a key task's figures (:class:`TaskFigures`) formatted once for
the table and for the sentences of 一、六 and 七 that print them too. Column widths
on the page belong to the docx side (``report/template.py``). Pure.
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core import phrases
from xlpkg.core.model import COMPARATOR_SIGNS, THREE_PUBLIC_ROWS, KeyTask, Val
from xlpkg.core.money import fmt_amount
from xlpkg.core.ratios import (
    adjustment_rate,
    completion_rate,
    deviation,
    execution_rate,
    outlay_control_rate,
    pct_change,
    share,
    yoy_diff,
)
from xlpkg.core.record import record, replace
from xlpkg.report.state import Build
from xlpkg.report.text import UNIT_LINE, Column, Table, Text

OUTLAY_TITLE = "“三公”经费及会议费、培训费情况"
EXPENDITURE_TOTAL = "财政拨款支出合计"
PERSONNEL_LABEL = "其中：人员经费"
PUBLIC_LABEL = "　　　公用经费"
EXEC_NOTE = "预算执行率 = 本年决算数 ÷ 全年预算数"

EXPENDITURE_COLUMNS = (Column("label", "项目", "l"), Column("prior", "上年决算数"),
                       Column("actual", "本年决算数"), Column("diff", "增减额"),
                       Column("rate", "增减率"), Column("share", "占比"))
OUTLAY_COLUMNS = (Column("label", "项目", "l"), Column("prior", "上年决算数"),
                  Column("budget", "本年预算数"), Column("actual", "本年决算数"),
                  Column("control", "控制率"), Column("rate", "增减率"))
PROJECT_COLUMNS = (Column("label", "项目名称", "l"), Column("initial", "年初预算数"),
                   Column("final", "全年预算数"), Column("actual", "本年决算数"),
                   Column("exec", "预算执行率"), Column("prior", "上年决算数"))
BUDGET_COLUMNS = (Column("label", "项目", "l"), Column("initial", "年初预算数"),
                  Column("final", "全年预算数"), Column("actual", "本年决算数"),
                  Column("exec", "预算执行率"), Column("adjust", "预算调整率"))
TASK_COLUMNS = (Column("name", "工作内容", "l"), Column("target", "目标值"),
                Column("actual", "实际值"), Column("rate", "完成率"), Column("note", "说明", "l"))



def without_blank_columns(table: Table) -> Table:
    """The table without the columns no row fills (上年决算数 with no prior year, budget
    columns without budgets): a column of blanks says nothing. The first column stays."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    keep = tuple(c for i, c in enumerate(table.columns)   # a cell with text in it
                 if i == 0 or any(s.text for r in rows for s in r.get(c.key, ())))
    return replace(table, columns=keep)


def _amt(b: Build, val: Val | None, value: Decimal | None = None) -> Text:
    """An amount for a table cell: ``298.18``, blank when not stated; the figure of
    ``val``, so a finding about it is commented where it is printed."""
    value = val.value if val is not None else value
    if value is None:
        return ()
    return b.cell(val, fmt_amount(value))


def _row(b: Build, **cells: str | Text) -> dict[str, Text]:
    """A row's cells: texts split into spans (a figure's cell comes as spans already)."""
    return {k: v if isinstance(v, tuple) else b.text(v) for k, v in cells.items()}


def _caption(b: Build, title: str) -> str:
    """``表2  2023年度“三公”经费及会议费、培训费情况``: every body table titled alike."""
    year = f"{b.year}年度" if b.year else ""
    return f"表{b.tables.next()}  {year}{title}"


def expenditure_table(b: Build) -> Table | None:
    exp = b.ds.expenditure
    total, basic = exp["total"].actual.value, exp["basic"].actual.value
    spec = (("total", EXPENDITURE_TOTAL, None), ("basic", "基本支出", total),
            ("personnel", PERSONNEL_LABEL, basic), ("public", PUBLIC_LABEL, basic),
            ("project", "项目支出", total))
    rows = []
    for key, label, whole in spec:
        row = exp[key]
        a, p = row.actual.value, row.prior.value
        if a is None and p is None:
            continue
        ratio = share(a, whole) if key != "total" else (Decimal(1) if a else None)
        rows.append((label, _row(b, label=label, prior=_amt(b, row.prior),
                                 actual=_amt(b, row.actual), diff=_amt(b, None, yoy_diff(a, p)),
                                 rate=phrases.pct(pct_change(a, p)),
                                 share=phrases.pct(ratio))))
    if len(rows) < 2:
        return None
    total_row = rows.pop(0)[1] if rows[0][0] == EXPENDITURE_TOTAL else None
    return without_blank_columns(Table("expenditure", _caption(b, "财政拨款支出情况"), UNIT_LINE,
                 EXPENDITURE_COLUMNS, tuple(r for _, r in rows), total_row,
                 note="注：基本支出、项目支出占比的基数为财政拨款支出合计；"
                      "人员经费、公用经费占比的基数为基本支出。"))


def outlay_table(b: Build) -> Table | None:
    rows, total = [], None
    for key in ("total", *THREE_PUBLIC_ROWS, "meeting", "training"):
        row = b.ds.outlays[key]
        a, bud, p = row.actual.value, row.budget.value, row.prior.value
        if a is None and bud is None and p is None:
            continue
        cells = _row(b, label="“三公”经费合计" if key == "total" else row.label,
                     prior=_amt(b, row.prior), budget=_amt(b, row.budget),
                     actual=_amt(b, row.actual),
                     control=phrases.pct(outlay_control_rate(a, bud)),
                     rate=phrases.pct(pct_change(a, p)))
        if key == "total":
            total = cells
        else:
            rows.append(cells)
    if not rows:
        return None
    table = without_blank_columns(Table("outlays", _caption(b, OUTLAY_TITLE), UNIT_LINE,
                                        OUTLAY_COLUMNS, tuple(rows), total))
    return _noted(table, ("control", "控制率 = 本年决算数 ÷ 本年预算数"))


def _budget_row(b: Build, label: str, initial: Val, final: Val, actual: Val,
                prior: Val) -> dict[str, Text]:
    return _row(b, label=label, initial=_amt(b, initial), final=_amt(b, final),
                actual=_amt(b, actual),
                exec=phrases.pct(execution_rate(actual.value, final.value)),
                adjust=phrases.pct(adjustment_rate(final.value, initial.value)),
                prior=_amt(b, prior))


def project_table(b: Build) -> Table | None:
    if not b.ds.projects:
        return None
    rows = tuple(_budget_row(b, p.name.value or "未命名项目", p.budget_initial, p.budget_final,
                             p.actual, p.prior) for p in b.ds.projects)
    row = b.ds.expenditure["project"]
    total = _budget_row(b, "合计", row.budget_initial, row.budget_final, row.actual, row.prior)
    table = without_blank_columns(Table("projects", _caption(b, "项目支出情况"), UNIT_LINE,
                                        PROJECT_COLUMNS, rows, total))
    return _noted(table, ("exec", EXEC_NOTE))


def has_budget(*rows) -> bool:
    return any(r.budget_initial.stated or r.budget_final.stated for r in rows)


def budget_table(b: Build) -> Table | None:
    exp = b.ds.expenditure
    keys = [k for k in ("total", "basic", "personnel", "public", "project")
            if has_budget(exp[k])]
    if not keys:
        return None
    labels = {"total": EXPENDITURE_TOTAL, "personnel": PERSONNEL_LABEL, "public": PUBLIC_LABEL}
    rows = [_budget_row(b, labels.get(k, exp[k].label), exp[k].budget_initial,
                        exp[k].budget_final, exp[k].actual, exp[k].prior) for k in keys]
    total = rows.pop(0) if keys[0] == "total" else None
    table = without_blank_columns(Table("budget", _caption(b, "预算执行情况"), UNIT_LINE,
                                        BUDGET_COLUMNS, tuple(rows), total))
    return _noted(table, ("exec", EXEC_NOTE), ("adjust", "预算调整率 = （全年预算数 − 年初预算数）÷ 年初预算数"))


def _noted(table: Table, *defs: tuple[str, str]) -> Table:
    """The 表注 defining the rates of the columns the table kept."""
    notes = [text for key, text in defs if any(c.key == key for c in table.columns)]
    return replace(table, note=f"注：{'；'.join(notes)}。" if notes else "")


def _num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


@record
class TaskFigures:
    """A key task's figures as the report prints them, each formatted once: 一 lists its
    target, 六 states its result and tabulates it, 七 restates its deviation."""

    actual: Decimal | None     # the stated numbers (None: blank, or not a number)
    target: Decimal | None
    actual_qty: str            # ``500 人次``; "" without a number
    target_qty: str            # ``400 人次``
    target_text: str           # ``不少于 400 人次`` (:func:`target_text`)
    rate: str                  # 完成率 ``125.00%``; "" when not computable
    over: str                  # 偏差 ``25.00%`` (:func:`~xlpkg.core.ratios.deviation`)


def target_text(task: KeyTask) -> str:
    """``不少于 20000 人`` / ``20 个`` / ``不超过 5 件`` / a qualitative target as typed."""
    target, unit = task.target.value, task.unit.value
    if target is None:
        return ""
    if not isinstance(target, Decimal):
        return str(target)
    qty = phrases.quantity(target, unit)
    if task.comparator.value == "<=" and target == 0:
        return qty                      # “0 起”, not “不超过 0 起”
    return {">=": f"不少于 {qty}", "<=": f"不超过 {qty}"}.get(task.comparator.value, qty)


def _task_figures(task: KeyTask, printed: dict[tuple, tuple[str, ...]]) -> TaskFigures:
    actual, target = _num(task.actual), _num(task.target)
    unit, comparator = task.unit.value, task.comparator.value
    # What is printed is a function of the numbers (20 and 20.0 read alike), the unit, the
    # comparator, and the target's text when it is not a number; tasks share it (20 of
    # 20 个), so each combination is formatted once per report.
    key = (actual, target, unit, comparator, task.target.value if target is None else None)
    shown = printed.get(key)
    if shown is None:
        shown = printed[key] = (phrases.quantity(actual, unit), phrases.quantity(target, unit),
                                target_text(task), phrases.pct(completion_rate(actual, target)),
                                phrases.pct(deviation(actual, target)))
    return TaskFigures(actual, target, *shown)


def task_figures(b: Build) -> list[TaskFigures]:
    """The figures of each of ``ds.key_tasks``, in order: worked out once per report."""
    if b.task_figures is None:
        printed: dict[tuple, tuple[str, ...]] = {}
        b.task_figures = [_task_figures(t, printed) for t in b.ds.key_tasks]
    return b.task_figures


def task_table(b: Build) -> Table | None:
    if not b.ds.key_tasks:
        return None
    rows = []
    text, cell = b.text, b.cell
    for task, fig in zip(b.ds.key_tasks, task_figures(b)):
        actual, target = fig.actual, fig.target
        comparator = task.comparator.value
        if target is not None:
            sign = COMPARATOR_SIGNS.get(comparator, "")
            target_cell = f"{sign if sign != '=' else ''} {fig.target_qty}".strip()
        else:
            target_cell = str(task.target.value or "")
        if actual is not None:
            actual_cell = fig.actual_qty
        else:
            actual_cell = str(task.actual.value or "")
        if comparator == "<=" and actual is not None and target is not None:
            rate_cell = "达标" if actual <= target else "未达标"
        else:
            rate_cell = fig.rate
        rows.append({"name": text(task.name.value or ""), "target": cell(task.target, target_cell),
                     "actual": cell(task.actual, actual_cell), "rate": text(rate_cell),
                     "note": text(task.note.value or "")})
    return without_blank_columns(Table("tasks", _caption(b, "重点工作完成情况"), "", TASK_COLUMNS,
                 tuple(rows), note="注：完成率 = 实际值 ÷ 目标值；≥ 表示目标为不少于，≤ 表示目标为不超过。"))
