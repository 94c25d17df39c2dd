"""Section 七、存在的问题及原因分析: the department's own problems, then each deviation
from the performance targets the checks found, stated as a fact.

Owns the deviation sentences (one per finding of a task or budget deviation,
found through the finding's subjects): a fact, then the department's reason from
its data (``主要原因是……``) or a marker asking for it — never a cause or a
commitment the department did not write. A department's claim of 无偏离 that the
checks refute stays as typed and carries a Word comment (see ``state.notes``). Pure.
"""

from __future__ import annotations

from xlpkg.core import phrases
from xlpkg.core.finding import Finding, Subject
from xlpkg.core.model import NARRATIVE_LABELS, Val
from xlpkg.core.ratios import execution_rate, outlay_control_rate
from xlpkg.report.performance import _spaced
from xlpkg.report.state import Build
from xlpkg.report.tables import task_figures
from xlpkg.report.text import Block, clause_end, numbered, pre_numbered, typed

# Findings that section 七 restates as deviations from the performance targets.
TASK_CODES = ("TASK_TARGET_TOO_LOW", "TASK_OVERSHOOT", "TASK_SHORTFALL",
              "TASK_ACTUAL_MISSING", "TASK_TARGET_MISSING")
BUDGET_CODES = ("EXECUTION_LOW", "EXECUTION_HIGH", "OUTLAY_OVER_BUDGET")
DEVIATION_CODES = TASK_CODES + BUDGET_CODES
PROBLEMS_LEAD = "对照年度绩效目标和预算，存在以下偏离情况："

# What the department is asked to supply for each kind of deviation (never a cause or a
# commitment of our own: only the department knows why, and what it will do).
ASK = {"TASK_TARGET_TOO_LOW": "超额原因", "TASK_OVERSHOOT": "偏离原因",
       "TASK_SHORTFALL": "未完成原因", "TASK_ACTUAL_MISSING": "实际完成值",
       "TASK_TARGET_MISSING": "年度目标值", "EXECUTION_LOW": "预算执行率偏低原因",
       "EXECUTION_HIGH": "超预算原因", "OUTLAY_OVER_BUDGET": "超预算原因"}


def _subject(finding: Finding, block: str) -> Subject | None:
    for s in finding.subjects:
        if s.block == block:
            return s
    return None


def _because(b: Build, code: str, reason: Val | None, about: str) -> str:
    """``，主要原因是……。`` from the department's own data, else the marker asking for it."""
    if reason is not None and reason.value:
        return f"，主要原因是{clause_end(typed(reason.value))}。"
    return f"，{b.gap(ASK[code], about)}。"


def _task_sentence(b: Build, finding: Finding) -> str:
    subject = _subject(finding, "key_tasks")
    if subject is None or not isinstance(subject.row, int) or subject.row >= len(b.ds.key_tasks):
        return ""
    task, fig = b.ds.key_tasks[subject.row], task_figures(b)[subject.row]
    code = finding.code
    name = task.name.value or f"第{subject.row + 1}项重点工作"
    if code == "TASK_TARGET_MISSING":
        return f"“{name}”未设定年度目标值" + _because(b, code, None, f"“{name}”")
    if code == "TASK_ACTUAL_MISSING":
        return (f"“{name}”年度目标为{_spaced(fig.target_text)}，实际完成情况未填报"
                + _because(b, code, None, f"“{name}”"))
    actual, target = fig.actual, fig.target
    if actual is None or target is None:
        return ""
    qty, tgt = fig.actual_qty, fig.target_qty
    over = fig.over
    if code == "TASK_SHORTFALL":
        fact = f"“{name}”实际完成 {qty}，未达到年度目标（{tgt}），完成率 {fig.rate}"
    elif code == "TASK_OVERSHOOT" and task.comparator.value == "<=":
        fact = f"“{name}”实际 {qty}，超过年度控制目标（{fig.target_text}）{over}"
    else:
        fact = f"“{name}”实际完成 {qty}，超出年度目标（{tgt}）{over}"
    # key_tasks carry no 变动原因 in the contract (their 说明 is a free note, not a reason)
    return fact + _because(b, code, None, f"“{name}”")


def _budget_sentence(b: Build, finding: Finding) -> str:
    code = finding.code
    project = _subject(finding, "projects")
    row_subject = _subject(finding, "expenditure") or _subject(finding, "outlays")
    if project is not None and isinstance(project.row, int) and project.row < len(b.ds.projects):
        p = b.ds.projects[project.row]
        label, actual, budget = f"“{p.name.value or '未命名项目'}”项目", p.actual, p.budget_final
        reason = p.reason
    elif row_subject is not None:
        row = getattr(b.ds, row_subject.block)[row_subject.row]
        label, actual = row.label, row.actual
        budget = row.budget if row_subject.block == "outlays" else row.budget_final
        reason = row.reason
    else:
        return ""
    if code == "OUTLAY_OVER_BUDGET":
        rate = outlay_control_rate(actual.value, budget.value)
        fact = (f"{label}决算 {phrases.amount(actual.value)}，超过预算 "
                f"{phrases.amount(budget.value)}，控制率 {phrases.pct(rate)}")
    else:
        rate = execution_rate(actual.value, budget.value)
        if rate is None:
            return ""
        fact = (f"{label}全年预算数 {phrases.amount(budget.value)}，实际支出 "
                f"{phrases.amount(actual.value)}，预算执行率 {phrases.pct(rate)}")
    return fact + _because(b, code, reason, label)


def deviation_sentence(b: Build, finding: Finding) -> str:
    """One deviation from the targets or the budget, stated as a fact, with the
    department's reason (from its data) or a marker asking for it."""
    if finding.code in TASK_CODES:
        return _task_sentence(b, finding)
    if finding.code in BUDGET_CODES:
        return _budget_sentence(b, finding)
    return ""


def problem_paras(b: Build) -> list[str]:
    """The department's own problems as typed (a claim the checks refute carries a Word
    comment where it stands, never a rewrite), then the deviations."""
    own = b.own("problems")
    deviations: dict[str, None] = {}   # in order, each once (a set of them: linear)
    for f in b.findings:
        if f.code in DEVIATION_CODES:
            text = deviation_sentence(b, f)
            if text:
                deviations.setdefault(text)
    if not deviations:
        return numbered(own) or [b.gap(NARRATIVE_LABELS["problems"])]
    lead = PROBLEMS_LEAD
    paras = own + [lead] if pre_numbered(own) else numbered(own + [lead])
    return paras + numbered(list(deviations), "（{}）", force=True)


def build(b: Build) -> list[Block]:
    """The paragraphs; the lead-in of the deviation list stays with the list."""
    return [b.para(p, "lead" if p.endswith(PROBLEMS_LEAD) else "body")
            for p in problem_paras(b) if p]
