"""Section 七、存在的问题及原因分析: the department's own problems, then each deviation
from the performance targets the checks found, stated as a fact.

Owns the deviation sentences (one per finding of a task or budget deviation) and
how the department's claims of 无偏离 are dealt with. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xlpkg.core import phrases
from xlpkg.core.checks import ALL_DONE_CLAIMS, NO_DEVIATION_CLAIMS
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, Row
from xlpkg.core.ratios import completion_rate, deviation, execution_rate, outlay_control_rate
from xlpkg.report.basics import target_text
from xlpkg.report.performance import _num, _spaced
from xlpkg.report.state import Build
from xlpkg.report.text import NONE_TEXT, Block, numbered, pre_numbered

# Findings that section 七 restates as deviations from the performance targets.
TASK_CODES = ("TASK_TARGET_TOO_LOW", "TASK_OVERSHOOT", "TASK_SHORTFALL",
              "TASK_ACTUAL_MISSING", "TASK_TARGET_MISSING")
BUDGET_CODES = ("EXECUTION_LOW", "EXECUTION_HIGH", "OUTLAY_OVER_BUDGET")
DEVIATION_CODES = TASK_CODES + BUDGET_CODES

_FIELD_INDEX = re.compile(r"^(tbl_\w+)\[(\d+)\]\.")


def _field_index(finding: Finding, table: str) -> int | None:
    for name in finding.fields:
        m = _FIELD_INDEX.match(name)
        if m and m.group(1) == table:
            return int(m.group(2))
    return None


def _row_of(ds: Dataset, field: str) -> tuple[str, Row] | None:
    """``exp_basic_actual`` → (基本支出, row); ``out_reception_actual`` → (公务接待费, row)."""
    for prefix, block in (("exp_", ds.expenditure), ("out_", ds.outlays)):
        if field.startswith(prefix):
            key = field[len(prefix):].rsplit("_", 1)[0]
            key = key.removesuffix("_budget")
            if key in block:
                return block[key].label, block[key]
    return None


def deviation_sentence(ds: Dataset, finding: Finding) -> str:
    """One finding of a deviation from the targets, in the department's voice."""
    code = finding.code
    if code in TASK_CODES:
        i = _field_index(finding, "tbl_tasks")
        if i is None or i > len(ds.key_tasks):
            return ""
        task = ds.key_tasks[i - 1]
        name = task.name.value or f"第{i}项重点工作"
        unit = task.unit.value
        actual, target = _num(task.actual), _num(task.target)
        if code == "TASK_TARGET_MISSING":
            return f"“{name}”未设定年度目标值，绩效目标不够明确、量化，下一年度将细化目标。"
        if code == "TASK_ACTUAL_MISSING":
            return (f"“{name}”年度目标为{_spaced(target_text(task))}，但未统计实际完成情况，"
                    "无法量化评价目标完成程度，下一年度将完善绩效数据统计。")
        if actual is None or target is None:
            return ""
        qty, tgt = phrases.quantity(actual, unit), phrases.quantity(target, unit)
        over = phrases.pct(deviation(actual, target))
        if code == "TASK_TARGET_TOO_LOW":
            return (f"“{name}”实际完成 {qty}，超出年度目标（{tgt}）{over}，"
                    "目标设定偏低，下一年度将据实调整。")
        if code == "TASK_OVERSHOOT":
            if task.comparator.value == "<=":
                return (f"“{name}”实际 {qty}，超过年度控制目标（{target_text(task)}）{over}，"
                        "下一年度将加强控制。")
            return (f"“{name}”实际完成 {qty}，超出年度目标（{tgt}）{over}，"
                    "下一年度将结合实际合理设定目标。")
        rate = phrases.pct(completion_rate(actual, target))
        return (f"“{name}”实际完成 {qty}，未达到年度目标（{tgt}），完成率 {rate}，"
                "将深入分析原因，加大工作推进力度。")
    if code in ("EXECUTION_LOW", "EXECUTION_HIGH"):
        i = _field_index(finding, "tbl_projects")
        if i is not None and i <= len(ds.projects):
            p = ds.projects[i - 1]
            label, actual, budget = f"“{p.name.value or '未命名项目'}”项目", p.actual, p.budget_final
        else:
            found = _row_of(ds, finding.fields[0]) if finding.fields else None
            if found is None:
                return ""
            label, row = found
            actual, budget = row.actual, row.budget_final
        rate = execution_rate(actual.value, budget.value)
        if rate is None:
            return ""
        tail = "预算执行进度偏慢，将加快执行进度、提高预算编制的准确性。" if code == "EXECUTION_LOW" \
            else "支出超出全年预算，将严格按预算执行。"
        return (f"{label}全年预算数 {phrases.amount(budget.value)}，实际支出 "
                f"{phrases.amount(actual.value)}，预算执行率 {phrases.pct(rate)}，{tail}")
    if code == "OUTLAY_OVER_BUDGET":
        found = _row_of(ds, finding.fields[0]) if finding.fields else None
        if found is None:
            return ""
        label, row = found
        rate = outlay_control_rate(row.actual.value, row.budget.value)
        return (f"{label}决算 {phrases.amount(row.actual.value)}，超过预算 "
                f"{phrases.amount(row.budget.value)}，控制率 {phrases.pct(rate)}，将严格控制支出。")
    return ""


def _claims_in(text: str, claims: Sequence[str]) -> list[str]:
    """The clauses of ``text`` that make one of ``claims`` (“与绩效目标无偏离”)."""
    return [clause.strip() for clause in re.split(r"[，。；,;！!]", text)
            if any(c in clause.replace(" ", "") for c in claims)]


def problem_paras(b: Build) -> list[str]:
    ds, findings = b.ds, b.findings
    own = b.own("problems")
    deviations = []
    for f in findings:
        if f.code in DEVIATION_CODES:
            text = deviation_sentence(ds, f)
            if text and text not in deviations:
                deviations.append(text)
    if not deviations:
        return numbered(own) or [NONE_TEXT]
    # The department's own words stay; when one of them claims 无偏离 / 全部完成,
    # the report says in so many words that the checks below correct it.
    contradicted = [f for f in findings if f.code == "NARRATIVE_CONTRADICTS"]
    codes = {f.code for f in findings}
    refuted = []   # a target missed or unreported refutes “全部完成”; any deviation “无偏离”
    if codes & {"TASK_TARGET_TOO_LOW", "TASK_OVERSHOOT", "TASK_SHORTFALL"}:
        refuted += NO_DEVIATION_CLAIMS
    if codes & {"TASK_SHORTFALL", "TASK_ACTUAL_MISSING"}:
        refuted += ALL_DONE_CLAIMS
    is_numbered = pre_numbered(own)
    texts = [p.text.value for p in ds.narrative if p.section == "problems" and p.text.value]
    claims = []
    for para in ds.narrative:
        if not any(para.text.field in f.fields for f in contradicted):
            continue
        quoted = "、".join(f"“{c}”" for c in _claims_in(para.text.value or "", refuted))
        if not quoted:
            continue
        where = "前述"
        if para.section == "problems" and not is_numbered:
            where = f"第 {texts.index(para.text.value) + 1} 条"
        if f"{where}{quoted}" not in claims:
            claims.append(f"{where}{quoted}")
    lead = "部分绩效目标执行存在偏离。经对照年度绩效目标逐项核对"
    if claims:
        lead += "，" + "；".join(claims) + "的表述与实际情况不符，以下列情况为准"
    lead += "："
    paras = own + [lead] if is_numbered else numbered(own + [lead])
    return paras + numbered(deviations, "（{}）", force=True)


def build(b: Build) -> list[Block]:
    return b.paras(problem_paras(b))

