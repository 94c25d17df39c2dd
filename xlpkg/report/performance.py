"""Section 六、部门整体支出绩效情况 (业务开展, 重点工作完成情况, 评价过程及自评结果) and
the attachments (附件: the submission tables — 基础数据表, 部门整体支出绩效自评表, one
项目支出绩效自评表 per project — and the 数据校验结果).

Owns these sentences, the score conclusion as the report states it, and which
attachments the report carries under which label. The tables themselves are
:mod:`xlpkg.tables.rows`' grids, the ones ``xlpkg tables`` prints: nothing is
computed twice. Pure.
"""

from __future__ import annotations

from typing import Any

from xlpkg.core import phrases
from xlpkg.core.finding import SEVERITY_LABELS, Finding, counts, sort_findings
from xlpkg.core.model import NARRATIVE_LABELS, KeyTask
from xlpkg.core.ratios import execution_rate
from xlpkg.report.basics import EXPENDITURE_BASE, sentence
from xlpkg.report.state import Build
from xlpkg.report.tables import TaskFigures, task_figures, task_table
from xlpkg.report.text import Appendix, Block, Grid, clause_end, numbered, sub_heading
from xlpkg.tables import rows
from xlpkg.tables.grid import PrintTable

FINDINGS_TITLE = "数据校验结果"


def _spaced(text: str) -> str:
    """A space before a leading figure, as everywhere else in the report: “为 500 人”."""
    return f" {text}" if text[:1].isdigit() else text


def task_result(task: KeyTask, fig: TaskFigures) -> str:
    """One key task's result in a sentence (without the final 。), from its figures."""
    name = task.name.value or "重点工作"
    actual, target = fig.actual, fig.target
    if task.actual.value is None:
        shown = fig.target_text
        return f"{name}年度目标为{_spaced(shown)}，实际完成情况未统计" if shown \
            else f"{name}未设定目标值，实际完成情况未统计"
    if actual is None or target is None:
        shown = f" {fig.actual_qty}" if actual is not None else str(task.actual.value)
        goal = fig.target_text
        return f"{name}实际完成{shown}" + (f"（年度目标：{goal}）" if goal else "")
    if task.comparator.value == "<=":
        qty, cap = fig.actual_qty, fig.target_text
        if actual <= target:
            return f"{name} {qty}，控制在年度目标（{cap}）以内"
        return f"{name} {qty}，超过年度目标（{cap}）{fig.over}"
    if not fig.rate:        # a zero target: no rate to state
        return ""
    return phrases.completed(name, fig.actual_qty, fig.target_qty, fig.rate)


def _summary(b: Build) -> list[str]:
    exp = b.ds.expenditure
    total, basic, project = (exp[k].actual.value for k in ("total", "basic", "project"))
    if total is None and basic is None and project is None:
        return []
    head = f"全年{b.name}"
    rate = execution_rate(total, exp["total"].budget_final.value)
    return [sentence(
        f"{head}共支出财政拨款资金 {phrases.amount(total)}" if total is not None
        else f"{head}{EXPENDITURE_BASE}情况如下",
        f"其中基本支出 {phrases.amount(basic)}" if basic is not None else "",
        f"项目支出 {phrases.amount(project)}" if project is not None else "",
        f"预算执行率 {phrases.pct(rate)}" if rate is not None else "",
    )]


def score_sentence(sheet: Any, appendix: str) -> str:
    """The scoresheet's own conclusion (one wording everywhere: a total and a grade only
    when every indicator has a score, else ``N 项指标待评分，暂不定级``), the rules it
    applied, and where the table is (it shows 待评分 on each indicator awaiting a score)."""
    rules = f"本次自评按“{sheet.rules_name}”评分。" if sheet.rules_name else ""
    text = clause_end(sheet.conclusion) + (f"，自评表见{appendix}。" if appendix else "。")
    # A score set by the rules file for want of data (not by performance) says so.
    by_rule = [s for s in sheet.unscored if s.score is not None]
    if by_rule:
        text += (f"{len(sheet.indicators)} 项评价指标中，有 {len(by_rule)} 项因缺少数据"
                 "按评分规则计分。")
    return rules + text


def has_scoresheet(b: Build) -> bool:
    return b.scoresheet is not None and bool(b.scoresheet.indicators)


def submission(b: Build) -> list[tuple[str, PrintTable]]:
    """The submission tables the report carries as attachments, keyed: the very grids
    ``xlpkg tables`` prints (:func:`~xlpkg.tables.rows.submission_tables`) — the
    基础数据表, then, once there is a scoresheet, the 自评表 and one 项目支出绩效自评表
    per project. Built once per report (the labels and the attachments share them)."""
    if b.submission is None:
        if has_scoresheet(b):
            grids = rows.submission_tables(b.ds, b.scoresheet)
            keys = ["base_data", "scoresheet"] + [f"project{n}" for n in
                                                  range(1, len(grids) - 1)]
        else:
            grids, keys = [rows.base_data_table(b.ds)], ["base_data"]
        b.submission = list(zip(keys, grids))
    return b.submission


def appendix_labels(b: Build) -> dict[str, str]:
    """附件1, 附件2 … for the attachments present; a single one is just 附件."""
    keys = [k for k, _ in submission(b)] + (["findings"] if b.with_findings else [])
    if len(keys) == 1:
        return {keys[0]: "附件"}
    return {k: f"附件{i}" for i, k in enumerate(keys, 1)}


def build(b: Build) -> list[Block]:
    """六、部门整体支出绩效情况: （一）业务开展 is required (marked when the department
    wrote nothing), （二）评价过程 and the score conclusion."""
    business = _summary(b) + numbered(b.own("business"))
    if not b.own("business"):
        business.append(b.gap(NARRATIVE_LABELS["business"]))
    results = [task_result(t, fig) for t, fig in zip(b.ds.key_tasks, task_figures(b))]
    if results:
        business.append("年度重点工作完成情况：" + "；".join(results) + "。")
    tasks = task_table(b)
    evaluation = numbered(b.own("evaluation_process")) or \
        [b.gap(NARRATIVE_LABELS["evaluation_process"])]
    score = score_sentence(b.scoresheet, b.appendices.get("scoresheet", "")) \
        if has_scoresheet(b) else ""
    parts = [(NARRATIVE_LABELS["business"], business, tasks),
             (NARRATIVE_LABELS["evaluation_process"] + ("及自评结果" if score else ""),
              evaluation + [score], None)]
    blocks: list[Block] = []
    for i, (title, paras, table) in enumerate(parts, 1):
        blocks.append(b.para(sub_heading(i) + title, "h2"))
        blocks += b.paras(paras)
        if table is not None:
            blocks.append(table)
    return blocks


def findings_paras(findings: list[Finding]) -> list[str]:
    """The --with-findings appendix: a count, then each finding with its cells."""
    findings = sort_findings(findings)
    n = counts(findings)
    summary = (f"经 xlpkg 数据校验，共发现错误 {n['error']} 个、警告 {n['warning']} 个、"
               f"提示 {n['info']} 个。")
    paras = [summary]
    for i, f in enumerate(findings, 1):
        where = f"（单元格：{'、'.join(f.cells)}）" if f.cells else ""
        text = f"{f.message}{where}"
        end = "" if text.endswith(("。", "！", "？")) else "。"
        paras.append(f"{i}.【{SEVERITY_LABELS[f.severity]}】{text}{end}")
    return paras


def _attachment(b: Build, key: str, grid: PrintTable) -> Appendix:
    """One submission table as an attachment: its title (a project's table is listed in
    the 附件说明 line with the project's name), then the grid with its lines and notes."""
    tail = grid.title.removeprefix(f"{b.year}年度").removeprefix(b.name) or grid.title
    listed = ""
    if key.startswith("project"):
        name = b.scoresheet.projects[int(key.removeprefix("project")) - 1].name
        listed = f"{grid.title}（{name}）" if name else grid.title
    return Appendix(key, b.appendices[key], grid.title, tail, [Grid(grid)],
                    landscape=grid.landscape, subtitle=grid.subtitle, listed=listed)


def appendices(b: Build) -> list[Appendix]:
    out = [_attachment(b, key, grid) for key, grid in submission(b) if key in b.appendices]
    if "findings" in b.appendices:
        out.append(Appendix("findings", b.appendices["findings"], FINDINGS_TITLE,
                            FINDINGS_TITLE, b.paras(findings_paras(b.findings))))
    return out
