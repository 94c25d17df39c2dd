"""Sections 二 to 五: 基本支出, “三公”经费, 固定资产, 项目支出, 预算执行及结转结余, and
the three other budgets (政府性基金, 国有资本经营, 社会保险基金).

Owns these sentences and the order of their sub-headings and tables. Pure.
"""

from __future__ import annotations

from xlpkg.core import phrases
from xlpkg.core.model import NARRATIVE_LABELS, THREE_PUBLIC_ROWS, Row
from xlpkg.core.ratios import (
    adjustment_rate,
    asset_use_rate,
    carryover_rate,
    execution_rate,
    outlay_control_rate,
    procurement_rate,
    public_control_rate,
)
from xlpkg.report.basics import EXPENDITURE_BASE, sentence
from xlpkg.report.state import Build
from xlpkg.report.tables import OUTLAY_TITLE, budget_table, outlay_table, project_table
from xlpkg.report.text import NONE_TEXT, Block, clause_end, numbered

PROJECT_FUNDS_TITLE = "项目资金（包括财政资金、自筹资金等）安排落实、总投入等情况分析"
PROJECT_MANAGEMENT_TITLE = (f"{NARRATIVE_LABELS['project_management']}分析，"
                            "主要包括管理制度、办法的制订及执行情况")


def _amount(b: Build, val) -> str:
    return b.fig(val, phrases.amount(val.value))


def budget_clause(label: str, row: Row) -> str:
    """``基本支出年初预算数 300.00 万元，全年预算数 310.00 万元，预算调整率 3.33%，预算执行率 96.19%``."""
    initial, final, actual = row.budget_initial.value, row.budget_final.value, row.actual.value
    if initial is None and final is None:
        return ""
    adjust = adjustment_rate(final, initial)
    rate = execution_rate(actual, final)
    return phrases.join(
        f"{label}年初预算数 {phrases.amount(initial)}" if initial is not None else label,
        f"全年预算数 {phrases.amount(final)}" if final is not None else "",
        f"预算调整率 {phrases.pct(adjust)}" if adjust is not None else "",
        f"预算执行率 {phrases.pct(rate)}" if rate is not None else "",
    ).replace(f"{label}，", label, 1)


def _basic_paras(b: Build) -> list[str]:
    exp = b.ds.expenditure
    total, basic = exp["total"], exp["basic"]
    paras = []
    head = f"{b.year} 年" if b.year else ""
    basic_item = _item(b, basic)
    if total.actual.stated and basic_item:
        paras.append(f"{head}{EXPENDITURE_BASE} {_amount(b, total.actual)}，其中{basic_item}。")
    elif basic_item:
        paras.append(f"{head}{basic_item}。")
    split = [_item(b, exp[k], whole=basic) for k in ("personnel", "public")]
    split = [s for s in split if s]
    if split:
        paras.append(("其中" if basic_item else "") + "；".join(split) + "。")
    public = exp["public"]
    control = public_control_rate(public.actual.value, public.budget_final.value)
    paras.append(sentence(
        budget_clause(basic.label, basic),
        f"公用经费全年预算数 {phrases.amount(public.budget_final.value)}，公用经费控制率 "
        f"{phrases.pct(control)}" if control is not None else "",
    ))
    return [p for p in paras if p]


def _item(b: Build, row: Row, *, whole: Row | None = None) -> str:
    """``人员经费 265.50 万元，占基本支出的 89.04%，较上年…`` with the amount marked."""
    text = phrases.item(row.label, row.actual.value, row.prior.value,
                        whole=whole.actual.value if whole else None,
                        whole_label=whole.label if whole else "")
    shown = phrases.amount(row.actual.value)
    return text.replace(shown, _amount(b, row.actual), 1) if text else ""


def _outlay_clause(b: Build, row: Row, label: str | None = None) -> str:
    """One “三公”/会议/培训 row: amount, change, budget and 控制率 (决算 ÷ 预算)."""
    label = label or row.label
    a, bud, p = row.actual.value, row.budget.value, row.prior.value
    if a is None and bud is None:
        return ""
    if a is not None and bud is not None and a == 0 and bud == 0:
        return phrases.join(f"{label}预算和决算均为 0", phrases.change(a, p) if p else "")
    rate = outlay_control_rate(a, bud)
    item = phrases.item(label, a, p)
    return phrases.join(
        item.replace(phrases.amount(a), _amount(b, row.actual), 1) if a is not None
        else f"{label}决算未填列",
        f"预算 {_amount(b, row.budget)}" if bud is not None else "",
        f"控制率 {phrases.pct(rate)}" if rate is not None else "",
    )


def _outlay_paras(b: Build) -> list[str]:
    out = b.ds.outlays
    head = f"{b.year} 年度" if b.year else ""
    paras = []
    total = _outlay_clause(b, out["total"], "“三公”经费财政拨款支出")
    rows = [c for c in (_outlay_clause(b, out[k]) for k in THREE_PUBLIC_ROWS) if c]
    if total or rows:
        text = f"{head}{total}" if total else f"{head}“三公”经费支出情况如下"
        if rows:
            text += "。其中：" + "；".join(rows)
        paras.append(text + "。")
    others = [c for c in (_outlay_clause(b, out[k]) for k in ("meeting", "training")) if c]
    if others:
        paras.append(f"{head}{'；'.join(others)}。")
    return paras


def _assets_paras(b: Build) -> list[str]:
    total, in_use = b.ds.fa_total.value, b.ds.fa_in_use.value
    figures = ""
    if total is not None or in_use is not None:
        rate = asset_use_rate(in_use, total)
        figures = sentence(
            f"年末固定资产总额 {_amount(b, b.ds.fa_total)}" if total is not None else "",
            f"其中在用固定资产 {_amount(b, b.ds.fa_in_use)}" if in_use is not None else "",
            f"固定资产利用率 {phrases.pct(rate)}" if rate is not None else "",
        )
    return [p for p in [figures] + b.own("fixed_assets") if p]


def _project_paras(b: Build) -> list[str]:
    row = b.ds.expenditure["project"]
    head = f"{b.year} 年度" if b.year else ""
    lead = _item(b, row)
    details = []
    for p in b.ds.projects:
        name = p.name.value or "未命名项目"
        rate = execution_rate(p.actual.value, p.budget_final.value)
        item = phrases.item(name, p.actual.value, p.prior.value)
        details.append(phrases.join(
            item.replace(phrases.amount(p.actual.value), _amount(b, p.actual), 1)
            if item else f"{name}支出未填列",
            f"全年预算数 {_amount(b, p.budget_final)}" if p.budget_final.stated else "",
            f"预算执行率 {phrases.pct(rate)}" if rate is not None else "",
            clause_end(p.purpose.value) if p.purpose.value else "",
        ))
    paras = []
    if lead or details:
        count = f"，共 {len(details)} 个项目" if len(details) > 1 else ""
        text = f"{head}{lead}{count}" if lead else f"{head}项目支出情况如下"
        if details:
            text += "。其中：" + "；".join(details)
        paras.append(text + "。")
    paras.append(sentence(budget_clause(row.label, row)))
    return [p for p in paras if p]


def _budget_paras(b: Build) -> list[str]:
    ds, exp = b.ds, b.ds.expenditure
    paras = [sentence(budget_clause(exp["total"].label, exp["total"]))]
    begin, end = ds.carry_begin.value, ds.carry_end.value
    if begin is not None or end is not None:
        rate = carryover_rate(end, exp["total"].budget_final.value)
        paras.append(sentence(
            f"年初结转结余 {_amount(b, ds.carry_begin)}" if begin is not None else "",
            f"年末结转结余 {_amount(b, ds.carry_end)}" if end is not None else "",
            f"结转结余率 {phrases.pct(rate)}" if rate is not None else "",
            phrases.change(end, begin).replace("较上年", "较年初") if begin is not None
            and end is not None else "",
        ))
    pb, pa = ds.proc_budget.value, ds.proc_actual.value
    if pb is not None or pa is not None:
        rate = procurement_rate(pa, pb)
        paras.append(sentence(
            f"政府采购预算 {_amount(b, ds.proc_budget)}" if pb is not None else "",
            f"实际采购金额 {_amount(b, ds.proc_actual)}" if pa is not None else "",
            f"政府采购执行率 {phrases.pct(rate)}" if rate is not None else "",
        ))
    return [p for p in paras if p]


def build(b: Build) -> list[Block]:
    """二、一般公共预算支出情况."""
    ds = b.ds
    outlay_paras = _outlay_paras(b)
    outlays = outlay_table(b)
    assets = _assets_paras(b)
    h3 = [(OUTLAY_TITLE, outlay_paras, outlays) if outlay_paras or outlays else None,
          (NARRATIVE_LABELS["fixed_assets"], assets, None) if assets else None]
    basic = _basic_paras(b) or ([] if any(h3) else [NONE_TEXT])
    blocks: list[Block] = [b.para("（一）基本支出情况", "h2"), *b.paras(basic)]
    blocks += _numbered_h3(b, h3)

    management = numbered(b.own("project_management"), "（{}）")
    has_projects = bool(ds.projects) or ds.expenditure["project"].actual.stated \
        or bool(management)
    project_paras = _project_paras(b)
    projects = project_table(b)
    blocks.append(b.para("（二）项目支出情况", "h2"))
    if not has_projects:
        blocks.append(b.para(NONE_TEXT))
    blocks += _numbered_h3(b, [
        (PROJECT_FUNDS_TITLE, project_paras, projects) if project_paras or ds.projects else None,
        (PROJECT_MANAGEMENT_TITLE, management, None) if management else None])

    budget_paras = _budget_paras(b)
    budget = budget_table(b)
    if budget_paras or budget:
        blocks.append(b.para("（三）预算执行及结转结余情况", "h2"))
        blocks += b.paras(budget_paras)
        if budget:
            blocks.append(budget)
    return blocks


def _numbered_h3(b: Build, parts) -> list[Block]:
    """“1. 标题” blocks numbered by what is present, each with its paragraphs and table."""
    blocks: list[Block] = []
    for i, (title, paras, table) in enumerate((p for p in parts if p), 1):
        blocks.append(b.para(f"{i}. {title}", "h3"))
        blocks += b.paras(paras)
        if table is not None:
            blocks.append(table)
    return blocks


OTHER_BUDGET_LABELS = {"government_fund": "政府性基金预算支出",
                       "state_capital": "国有资本经营预算支出",
                       "social_insurance": "社会保险基金预算支出"}


def other_budget(key: str):
    """The builder of 三、四 or 五: one sentence, or 无 when the budget is null or 0."""
    label = OTHER_BUDGET_LABELS[key]

    def build_other(b: Build) -> list[Block]:
        val = b.ds.other_budgets[key]
        if val.value is None or val.value == 0:
            return [b.para(NONE_TEXT)]
        return [b.para(f"{b.year + ' 年度' if b.year else ''}{label} {_amount(b, val)}。")]

    return build_other
