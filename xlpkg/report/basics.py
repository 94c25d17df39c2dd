"""Section 一、部门（单位）基本情况: 职能及人员, 年度重点工作, 支出规模 and 表1.

Owns these sentences and the numbers the optional charts draw. Pure.
"""

from __future__ import annotations

from xlpkg.core import phrases
from xlpkg.core.model import NARRATIVE_LABELS
from xlpkg.core.ratios import share, staff_control_rate
from xlpkg.report.state import Build
from xlpkg.report.tables import expenditure_table, task_figures
from xlpkg.report.text import Block, Figures, numbered, sub_heading, tight

EXPENDITURE_BASE = "财政拨款支出"       # the base of 基本/项目支出 shares (not “总收入”)
SCALE_TITLE = "部门整体支出规模、使用方向、主要内容和涉及范围"


def sentence(*clauses: str, sep: str = "，") -> str:
    body = phrases.join(*clauses, sep=sep)
    return body + "。" if body else ""


def _functions(b: Build) -> tuple[str, list[str]] | None:
    paras = numbered(b.own("functions"))
    dept = b.ds.department
    auth, actual = dept.staff_authorized.value, dept.staff_actual.value
    staff = ""
    if auth is not None or actual is not None:
        rate = staff_control_rate(actual, auth)
        staff = sentence(
            f"{b.name}编制数 {phrases.quantity(auth, '人')}" if auth is not None else b.name,
            f"实际在职人数 {phrases.quantity(actual, '人')}" if actual is not None else "",
            f"在职人员控制率 {phrases.pct(rate)}" if rate is not None else "",
        ).replace(f"{b.name}，", b.name, 1)
    if not paras and not staff:
        return None
    label = NARRATIVE_LABELS["functions"]
    heading = f"{label}及人员情况" if paras and staff else label if paras else "人员情况"
    return heading, paras + [staff]


def _tasks(b: Build) -> tuple[str, list[str]] | None:
    items = []
    for task, fig in zip(b.ds.key_tasks, task_figures(b)):
        name = task.name.value or "重点工作"
        target = fig.target_text
        if target and fig.target is not None:
            gap = " " if task.comparator.value == "=" else ""
            items.append(f"{name}{gap}{target}。")
        elif target:
            items.append(f"{name}：{target}。")
        else:
            items.append(f"{name}。")
    if not items:
        return None
    return (f"{b.year}年度重点工作" if b.year else "年度重点工作"), numbered(items, force=True)


def _econ_details(b: Build) -> str:
    return "，".join(f"{r.name.value or r.code.value} "
                    f"{b.fig(r.actual, phrases.amount(r.actual.value))}"
                    for r in b.ds.economic_classification if r.actual.value is not None)


def _project_details(b: Build) -> str:
    return "，".join(f"{p.name.value or '未命名项目'} {b.fig(p.actual, phrases.amount(p.actual.value))}"
                    for p in b.ds.projects if p.actual.value is not None)


def _expenditure_sentence(b: Build) -> str:
    exp = b.ds.expenditure
    total = exp["total"].actual.value
    parts = []
    for key, details in (("basic", _econ_details(b)), ("project", _project_details(b))):
        actual = exp[key].actual.value
        if actual is None:
            continue
        main = f"{exp[key].label} {b.fig(exp[key].actual, phrases.amount(actual))}"
        if details:
            main += f"（主要为{details}）"
        parts.append(phrases.join(main, phrases.share_of(actual, total, EXPENDITURE_BASE)))
    if total is None and not parts:
        return ""
    head = f"{b.year} 年度{b.name}" if b.year else b.name
    lead = phrases.join(
        f"{head}{EXPENDITURE_BASE} {b.fig(exp['total'].actual, phrases.amount(total))}"
        if total is not None else f"{head}{EXPENDITURE_BASE}情况如下",
        phrases.change(total, exp["total"].prior.value),
        b.because(exp["total"].reason, total, exp["total"].prior.value,
                  exp["total"].label))
    if parts:
        return f"{lead}，其中：{'；'.join(parts)}。"
    return lead + "。"


def _income_sentence(b: Build) -> str:
    inc = b.ds.income
    total, fiscal, other = inc["total"], inc["fiscal"], inc["other"]
    # “2024 年度收入合计”, not “2024 年度本年收入合计”
    label = total.label.removeprefix("本年") if b.year else total.label
    clauses = [phrases.item(label, total.actual.value, total.prior.value)]
    whole = total.actual.value
    sub = [phrases.item(row.label, row.actual.value, row.prior.value, whole=whole,
                        whole_label="本年收入" if whole is not None else "")
           for row in (fiscal, other)]
    sub = [s for s in sub if s]
    if not clauses[0] and not sub:
        return ""
    if clauses[0] and sub:
        sub[0] = "其中" + sub[0]
    body = "；".join(c for c in clauses + sub if c)
    return f"{b.year} 年度{body}。" if b.year else body + "。"


def chart_data(b: Build) -> dict | None:
    """What the optional figures draw, each with its caption stating its base: the shares
    of 基本支出 and 项目支出 in 财政拨款支出合计 (the figures of 表1), and this year
    against last year (万元)."""
    exp = b.ds.expenditure
    total = exp["total"].actual.value
    structure = []
    for k in ("basic", "project"):
        actual = exp[k].actual.value
        ratio = share(actual, total)
        if actual is not None and actual > 0 and ratio is not None:
            structure.append((exp[k].label, actual,
                              tight(f"{phrases.amount(actual)}（{phrases.pct(ratio)}）")))
    yoy = [(exp[k].label, exp[k].prior.value, exp[k].actual.value)
           for k in ("basic", "personnel", "public", "project")
           if exp[k].prior.value is not None and exp[k].actual.value is not None]
    if len(structure) < 2 and not yoy:
        return None
    year = f"{b.year}年度" if b.year else ""
    return {"structure": structure if len(structure) >= 2 else [],
            "structure_caption": f"{year}财政拨款支出结构（占比基数：{exp['total'].label}）",
            "yoy": yoy, "yoy_caption": f"{year}财政拨款支出与上年对比（单位：万元）"}


def build(b: Build) -> list[Block]:
    # budgets and execution are stated once, in 二(三)
    scale = [p for p in (_income_sentence(b), _expenditure_sentence(b)) if p] or \
        [b.gap("收入和支出决算数")]
    parts = [p for p in (_functions(b), _tasks(b), (SCALE_TITLE, scale)) if p]
    blocks: list[Block] = []
    for i, (heading, paras) in enumerate(parts, 1):
        blocks.append(b.para(sub_heading(i) + heading, "h2"))
        blocks += b.paras(paras)
    table = expenditure_table(b)
    if table:
        blocks.append(table)
    data = chart_data(b)
    if data:
        blocks.append(Figures(data))
    return blocks

