"""The report's content: Dataset + findings (+ scoresheet) → the template context.

Pure: no I/O, no docx. This module decides which sentences and tables the
outline of the 部门整体支出绩效自评报告 carries (一、部门（单位）基本情况 …
十、其他需要说明的情况), in what order, and numbers the optional sub-headings.
Every figure comes from :mod:`ratios` and is worded by :mod:`phrases`; the
Word template (``report/template.py``) only places the strings built here.

Shape of the context: plain dicts, lists and strings. A *block* is
``{"heading": str, "paras": [str]}`` (``None`` when the block is left out); a
*table* is ``{"caption", "unit", "rows": [row], "total": row | None, "note"}``
where a row is a dict of display strings. ``chart_data`` holds the numbers the
optional charts draw (``Decimal``), nothing else is numeric.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from xlpkg.core import phrases
from xlpkg.core.checks import ALL_DONE_CLAIMS, NO_DEVIATION_CLAIMS
from xlpkg.core.finding import SEVERITY_LABELS, Finding, counts, sort_findings
from xlpkg.core.model import COMPARATOR_SIGNS, THREE_PUBLIC_ROWS, Dataset, KeyTask, Row, Val
from xlpkg.core.money import fmt_amount, fmt_number, round_half_up
from xlpkg.core.ratios import (
    adjustment_rate,
    asset_use_rate,
    carryover_rate,
    completion_rate,
    deviation,
    execution_rate,
    outlay_control_rate,
    pct_change,
    procurement_rate,
    public_control_rate,
    share,
    staff_control_rate,
    yoy_diff,
)

CN_DIGITS = "一二三四五六七八九十"
EXPENDITURE_BASE = "财政拨款支出"       # the base of 基本/项目支出 shares (not “总收入”)
NONE_TEXT = "无。"
UNIT_LINE = "单位：万元"

# Findings that section 七 restates as deviations from the performance targets.
TASK_CODES = ("TASK_TARGET_TOO_LOW", "TASK_OVERSHOOT", "TASK_SHORTFALL",
              "TASK_ACTUAL_MISSING", "TASK_TARGET_MISSING")
BUDGET_CODES = ("EXECUTION_LOW", "EXECUTION_HIGH", "OUTLAY_OVER_BUDGET")
DEVIATION_CODES = TASK_CODES + BUDGET_CODES

_PRE_NUMBERED = re.compile(r"^\s*([0-9０-９]+\s*[.．、]|[（(]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
                           r"|[一二三四五六七八九十]+\s*、)")
_FIELD_INDEX = re.compile(r"^(tbl_\w+)\[(\d+)\]\.")
_END_PUNCT = "。；;，,、 "


# ---------------------------------------------------------------- small helpers


def _num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


def _amt(value: Decimal | None) -> str:
    """An amount for a table cell: ``298.18``, blank when not stated."""
    return "" if value is None else fmt_amount(value)


def _clause_end(text: str) -> str:
    """A narrative fragment used inside a sentence: no trailing punctuation."""
    return text.strip().rstrip(_END_PUNCT)


def sub_heading(index: int) -> str:
    """1 → （一）."""
    return f"（{chinese_number(index)}）"


def chinese_number(n: int) -> str:
    """1 … 99 in Chinese numerals (headings never need more)."""
    if n <= 10:
        return CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens - 1] if tens > 1 else "") + "十" + (CN_DIGITS[ones - 1] if ones else "")


def numbered(paras: Sequence[str], style: str = "{}.", *, start: int = 1,
             force: bool = False) -> list[str]:
    """Number a list of paragraphs "1." "2." … as the seed does; a single paragraph
    stays unnumbered (unless ``force``), and paragraphs the department already
    numbered itself (“1、”“（1）”) are left as typed."""
    paras = [p for p in paras if p]
    if any(_PRE_NUMBERED.match(p) for p in paras) or (len(paras) < 2 and not force):
        return list(paras)
    # “1.2023 年……” would read as a decimal: keep a space before a leading digit
    return [style.format(i) + (" " if p[:1].isdigit() and style.endswith(".") else "") + p
            for i, p in enumerate(paras, start)]


def _sentence(*clauses: str, sep: str = "，") -> str:
    body = phrases.join(*clauses, sep=sep)
    return body + "。" if body else ""


def _block(heading: str, paras: Iterable[str], **extra) -> dict:
    return {"heading": heading, "paras": [p for p in paras if p], **extra}


def _budget_clause(label: str, row: Row) -> str:
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


def _has_budget(*rows: Row) -> bool:
    return any(r.budget_initial.stated or r.budget_final.stated for r in rows)


# ---------------------------------------------------------------- 一、部门（单位）基本情况


def _functions_block(ds: Dataset, name: str) -> dict | None:
    paras = numbered(ds.paragraphs("functions"))
    auth, actual = ds.department.staff_authorized.value, ds.department.staff_actual.value
    staff = ""
    if auth is not None or actual is not None:
        rate = staff_control_rate(actual, auth)
        staff = _sentence(
            f"{name}编制数 {phrases.quantity(auth, '人')}" if auth is not None else name,
            f"实际在职人数 {phrases.quantity(actual, '人')}" if actual is not None else "",
            f"在职人员控制率 {phrases.pct(rate)}" if rate is not None else "",
        ).replace(f"{name}，", name, 1)
    if not paras and not staff:
        return None
    heading = ("部门职能及人员情况" if paras and staff else "部门职能" if paras else "人员情况")
    return _block(heading, paras + [staff])


def _target_text(task: KeyTask) -> str:
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


def _spaced(text: str) -> str:
    """A space before a leading figure, as everywhere else in the report: “为 500 人”."""
    return f" {text}" if text[:1].isdigit() else text


def _tasks_block(ds: Dataset, year: str) -> dict | None:
    items = []
    for task in ds.key_tasks:
        name = task.name.value or "重点工作"
        target = _target_text(task)
        if target and isinstance(task.target.value, Decimal):
            gap = " " if task.comparator.value == "=" else ""
            items.append(f"{name}{gap}{target}。")
        elif target:
            items.append(f"{name}：{target}。")
        else:
            items.append(f"{name}。")
    if not items:
        return None
    return _block(f"{year}年度重点工作" if year else "年度重点工作", numbered(items, force=True))


def _expenditure_sentence(ds: Dataset, year: str, name: str) -> str:
    exp = ds.expenditure
    total = exp["total"].actual.value
    parts = []
    for key, details in (("basic", _econ_details(ds)), ("project", _project_details(ds))):
        actual = exp[key].actual.value
        if actual is None:
            continue
        main = f"{exp[key].label} {phrases.amount(actual)}"
        if details:
            main += f"（主要为{details}）"
        parts.append(phrases.join(main, phrases.share_of(actual, total, EXPENDITURE_BASE)))
    if total is None and not parts:
        return ""
    head = f"{year} 年度{name}" if year else name
    lead = phrases.join(f"{head}{EXPENDITURE_BASE} {phrases.amount(total)}" if total is not None
                        else f"{head}{EXPENDITURE_BASE}情况如下",
                        phrases.change(total, exp["total"].prior.value))
    if parts:
        return f"{lead}，其中：{'；'.join(parts)}。"
    return lead + "。"


def _econ_details(ds: Dataset) -> str:
    return "，".join(f"{r.name.value or r.code.value} {phrases.amount(r.actual.value)}"
                    for r in ds.economic_classification if r.actual.value is not None)


def _project_details(ds: Dataset) -> str:
    return "，".join(f"{p.name.value or '未命名项目'} {phrases.amount(p.actual.value)}"
                    for p in ds.projects if p.actual.value is not None)


def _income_sentence(ds: Dataset, year: str) -> str:
    inc = ds.income
    total, fiscal, other = inc["total"], inc["fiscal"], inc["other"]
    # “2024 年度收入合计”, not “2024 年度本年收入合计”
    label = total.label.removeprefix("本年") if year else total.label
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
    return f"{year} 年度{body}。" if year else body + "。"


def _expenditure_table(ds: Dataset, tables: _Counter, year: str) -> dict | None:
    exp = ds.expenditure
    total, basic = exp["total"].actual.value, exp["basic"].actual.value
    spec = (("total", "财政拨款支出合计", None), ("basic", "基本支出", total),
            ("personnel", "其中：人员经费", basic), ("public", "　　　公用经费", basic),
            ("project", "项目支出", total))
    rows = []
    for key, label, whole in spec:
        row = exp[key]
        a, p = row.actual.value, row.prior.value
        if a is None and p is None:
            continue
        ratio = share(a, whole) if key != "total" else (Decimal(1) if a else None)
        rows.append({"label": label, "prior": _amt(p), "actual": _amt(a),
                     "diff": _amt(yoy_diff(a, p)), "rate": phrases.pct(pct_change(a, p)),
                     "share": phrases.pct(ratio)})
    if len(rows) < 2:
        return None
    total_row = rows.pop(0) if rows[0]["label"] == "财政拨款支出合计" else None
    return {"caption": f"表{tables.next()}  {year}{'年度' if year else ''}财政拨款支出情况", "unit": UNIT_LINE, "rows": rows,
            "total": total_row,
            "note": "注：基本支出、项目支出占比的基数为财政拨款支出合计；人员经费、公用经费占比的基数为基本支出。"}


def _chart_data(ds: Dataset) -> dict | None:
    """What the optional figures draw: (label, amount, annotation) bars for the
    structure of spending (shares of 财政拨款支出), and (label, prior, actual) pairs."""
    exp = ds.expenditure
    total = exp["total"].actual.value
    structure = []
    for k in ("personnel", "public", "project"):
        actual = exp[k].actual.value
        if actual is not None and actual > 0:
            ratio = share(actual, total)
            note = phrases.amount(actual) + (f"（{phrases.pct(ratio)}）" if ratio is not None
                                             else "")
            structure.append((exp[k].label, actual, note))
    yoy = [(exp[k].label, exp[k].prior.value, exp[k].actual.value)
           for k in ("basic", "personnel", "public", "project")
           if exp[k].prior.value is not None and exp[k].actual.value is not None]
    if len(structure) < 2 and not yoy:
        return None
    return {"structure": structure if len(structure) >= 2 else [], "yoy": yoy}


# ---------------------------------------------------------------- 二、一般公共预算支出情况


def _basic_paras(ds: Dataset, year: str) -> list[str]:
    exp = ds.expenditure
    total, basic = exp["total"], exp["basic"]
    paras = []
    head = f"{year} 年" if year else ""
    basic_item = phrases.item(basic.label, basic.actual.value, basic.prior.value)
    if total.actual.stated and basic_item:
        paras.append(f"{head}{EXPENDITURE_BASE} {phrases.amount(total.actual.value)}，"
                     f"其中{basic_item}。")
    elif basic_item:
        paras.append(f"{head}{basic_item}。")
    split = [phrases.item(exp[k].label, exp[k].actual.value, exp[k].prior.value,
                          whole=basic.actual.value, whole_label=basic.label)
             for k in ("personnel", "public")]
    split = [s for s in split if s]
    if split:
        paras.append(("其中" if basic_item else "") + "；".join(split) + "。")
    public = exp["public"]
    control = public_control_rate(public.actual.value, public.budget_final.value)
    paras.append(_sentence(
        _budget_clause(basic.label, basic),
        f"公用经费全年预算数 {phrases.amount(public.budget_final.value)}，公用经费控制率 "
        f"{phrases.pct(control)}" if control is not None else "",
    ))
    return [p for p in paras if p]


def _outlay_clause(row: Row, label: str | None = None) -> str:
    """One “三公”/会议/培训 row: amount, change, budget and 控制率 (决算 ÷ 预算)."""
    label = label or row.label
    a, b, p = row.actual.value, row.budget.value, row.prior.value
    if a is None and b is None:
        return ""
    if a is not None and b is not None and a == 0 and b == 0:
        return phrases.join(f"{label}预算和决算均为 0", phrases.change(a, p) if p else "")
    rate = outlay_control_rate(a, b)
    return phrases.join(
        phrases.item(label, a, p) if a is not None else f"{label}决算未填列",
        f"预算 {phrases.amount(b)}" if b is not None else "",
        f"控制率 {phrases.pct(rate)}" if rate is not None else "",
    )


def _outlay_paras(ds: Dataset, year: str) -> list[str]:
    out = ds.outlays
    head = f"{year} 年度" if year else ""
    paras = []
    total = _outlay_clause(out["total"], "“三公”经费财政拨款支出")
    rows = [c for c in (_outlay_clause(out[k]) for k in THREE_PUBLIC_ROWS) if c]
    if total or rows:
        text = f"{head}{total}" if total else f"{head}“三公”经费支出情况如下"
        if rows:
            text += "。其中：" + "；".join(rows)
        paras.append(text + "。")
    others = [c for c in (_outlay_clause(out[k]) for k in ("meeting", "training")) if c]
    if others:
        paras.append(f"{head}{'；'.join(others)}。")
    return paras


def _outlay_table(ds: Dataset, tables: _Counter) -> dict | None:
    rows = []
    total = None
    for key in ("total", *THREE_PUBLIC_ROWS, "meeting", "training"):
        row = ds.outlays[key]
        a, b, p = row.actual.value, row.budget.value, row.prior.value
        if a is None and b is None and p is None:
            continue
        cells = {"label": "“三公”经费合计" if key == "total" else row.label,
                 "prior": _amt(p), "budget": _amt(b), "actual": _amt(a),
                 "control": phrases.pct(outlay_control_rate(a, b)),
                 "rate": phrases.pct(pct_change(a, p))}
        if key == "total":
            total = cells
        else:
            rows.append(cells)
    if not rows:
        return None
    return {"caption": f"表{tables.next()}  “三公”经费及会议费、培训费情况", "unit": UNIT_LINE,
            "rows": rows, "total": total, "note": "注：控制率 = 本年决算数 ÷ 本年预算数。"}


def _assets_paras(ds: Dataset) -> list[str]:
    total, in_use = ds.fa_total.value, ds.fa_in_use.value
    figures = ""
    if total is not None or in_use is not None:
        rate = asset_use_rate(in_use, total)
        figures = _sentence(
            f"年末固定资产总额 {phrases.amount(total)}" if total is not None else "",
            f"其中在用固定资产 {phrases.amount(in_use)}" if in_use is not None else "",
            f"固定资产利用率 {phrases.pct(rate)}" if rate is not None else "",
        )
    return [p for p in [figures] + ds.paragraphs("fixed_assets") if p]


def _project_paras(ds: Dataset, year: str) -> list[str]:
    row = ds.expenditure["project"]
    head = f"{year} 年度" if year else ""
    lead = phrases.item("项目支出", row.actual.value, row.prior.value)
    details = []
    for p in ds.projects:
        name = p.name.value or "未命名项目"
        rate = execution_rate(p.actual.value, p.budget_final.value)
        details.append(phrases.join(
            phrases.item(name, p.actual.value, p.prior.value) or f"{name}支出未填列",
            f"全年预算数 {phrases.amount(p.budget_final.value)}" if p.budget_final.stated else "",
            f"预算执行率 {phrases.pct(rate)}" if rate is not None else "",
            _clause_end(p.purpose.value) if p.purpose.value else "",
        ))
    paras = []
    if lead or details:
        count = f"，共 {len(details)} 个项目" if len(details) > 1 else ""
        text = f"{head}{lead}{count}" if lead else f"{head}项目支出情况如下"
        if details:
            text += "。其中：" + "；".join(details)
        paras.append(text + "。")
    paras.append(_sentence(_budget_clause(row.label, row)))
    return [p for p in paras if p]


def _project_table(ds: Dataset, tables: _Counter) -> dict | None:
    if not ds.projects:
        return None
    rows = []
    for p in ds.projects:
        rows.append(_budget_row(p.name.value or "未命名项目", p.budget_initial.value,
                                p.budget_final.value, p.actual.value, p.prior.value))
    row = ds.expenditure["project"]
    total = _budget_row("合计", row.budget_initial.value, row.budget_final.value,
                        row.actual.value, row.prior.value)
    return {"caption": f"表{tables.next()}  项目支出情况", "unit": UNIT_LINE, "rows": rows,
            "total": total, "note": "注：预算执行率 = 本年决算数 ÷ 全年预算数。"}


def _budget_row(label: str, initial, final, actual, prior) -> dict:
    return {"label": label, "initial": _amt(initial), "final": _amt(final),
            "actual": _amt(actual), "exec": phrases.pct(execution_rate(actual, final)),
            "adjust": phrases.pct(adjustment_rate(final, initial)), "prior": _amt(prior)}


def _budget_block(ds: Dataset, year: str) -> list[str]:
    exp = ds.expenditure
    paras = [_sentence(_budget_clause(exp["total"].label, exp["total"]))]
    begin, end = ds.carry_begin.value, ds.carry_end.value
    if begin is not None or end is not None:
        rate = carryover_rate(end, exp["total"].budget_final.value)
        paras.append(_sentence(
            f"年初结转结余 {phrases.amount(begin)}" if begin is not None else "",
            f"年末结转结余 {phrases.amount(end)}" if end is not None else "",
            f"结转结余率 {phrases.pct(rate)}" if rate is not None else "",
            phrases.change(end, begin).replace("较上年", "较年初") if begin is not None
            and end is not None else "",
        ))
    pb, pa = ds.proc_budget.value, ds.proc_actual.value
    if pb is not None or pa is not None:
        rate = procurement_rate(pa, pb)
        paras.append(_sentence(
            f"政府采购预算 {phrases.amount(pb)}" if pb is not None else "",
            f"实际采购金额 {phrases.amount(pa)}" if pa is not None else "",
            f"政府采购执行率 {phrases.pct(rate)}" if rate is not None else "",
        ))
    return [p for p in paras if p]


def _budget_table(ds: Dataset, tables: _Counter) -> dict | None:
    exp = ds.expenditure
    keys = [k for k in ("total", "basic", "personnel", "public", "project")
            if _has_budget(exp[k])]
    if not keys:
        return None
    labels = {"total": "财政拨款支出合计", "personnel": "其中：人员经费",
              "public": "　　　公用经费"}
    rows = [_budget_row(labels.get(k, exp[k].label), exp[k].budget_initial.value,
                        exp[k].budget_final.value, exp[k].actual.value, exp[k].prior.value)
            for k in keys]
    total = rows.pop(0) if keys[0] == "total" else None
    return {"caption": f"表{tables.next()}  预算执行情况", "unit": UNIT_LINE, "rows": rows,
            "total": total,
            "note": "注：预算执行率 = 本年决算数 ÷ 全年预算数；预算调整率 = （全年预算数 − 年初预算数）÷ 年初预算数。"}


# ---------------------------------------------------------------- 六、部门整体支出绩效情况


def _summary_paras(ds: Dataset, year: str, name: str) -> list[str]:
    exp = ds.expenditure
    total, basic, project = (exp[k].actual.value for k in ("total", "basic", "project"))
    if total is None and basic is None and project is None:
        return []
    head = f"全年{name}"
    rate = execution_rate(total, exp["total"].budget_final.value)
    return [_sentence(
        f"{head}共支出财政拨款资金 {phrases.amount(total)}" if total is not None
        else f"{head}{EXPENDITURE_BASE}情况如下",
        f"其中基本支出 {phrases.amount(basic)}" if basic is not None else "",
        f"项目支出 {phrases.amount(project)}" if project is not None else "",
        f"预算执行率 {phrases.pct(rate)}" if rate is not None else "",
    )]


def task_result(task: KeyTask) -> str:
    """One key task's result in a sentence (without the final 。)."""
    name = task.name.value or "重点工作"
    actual, target, unit = _num(task.actual), _num(task.target), task.unit.value
    comparator = task.comparator.value
    if task.actual.value is None:
        target_text = _target_text(task)
        return f"{name}年度目标为{_spaced(target_text)}，实际完成情况未统计" if target_text \
            else f"{name}未设定目标值，实际完成情况未统计"
    if actual is None or target is None:
        shown = f" {phrases.quantity(actual, unit)}" if actual is not None \
            else str(task.actual.value)
        target_text = _target_text(task)
        return f"{name}实际完成{shown}" + (f"（年度目标：{target_text}）" if target_text else "")
    if comparator == "<=":
        qty, cap = phrases.quantity(actual, unit), _target_text(task)
        if actual <= target:
            return f"{name} {qty}，控制在年度目标（{cap}）以内"
        return f"{name} {qty}，超过年度目标（{cap}）{phrases.pct(deviation(actual, target))}"
    return phrases.completion(name, actual, target, unit)


def _task_table(ds: Dataset, tables: _Counter, year: str) -> dict | None:
    if not ds.key_tasks:
        return None
    rows = []
    for task in ds.key_tasks:
        actual, target, unit = _num(task.actual), _num(task.target), task.unit.value
        if target is not None:
            sign = COMPARATOR_SIGNS.get(task.comparator.value, "")
            target_cell = f"{sign if sign != '=' else ''} {phrases.quantity(target, unit)}".strip()
        else:
            target_cell = str(task.target.value or "")
        if actual is not None:
            actual_cell = phrases.quantity(actual, unit)
        else:
            actual_cell = str(task.actual.value or "")
        if task.comparator.value == "<=" and actual is not None and target is not None:
            rate_cell = "达标" if actual <= target else "未达标"
        else:
            rate_cell = phrases.pct(completion_rate(actual, target))
        rows.append({"name": task.name.value or "", "target": target_cell,
                     "actual": actual_cell, "rate": rate_cell, "note": task.note.value or ""})
    return {"caption": f"表{tables.next()}  {year}{'年度' if year else ''}重点工作完成情况", "unit": "", "rows": rows,
            "total": None,
            "note": "注：完成率 = 实际值 ÷ 目标值；≥ 表示目标为不少于，≤ 表示目标为不超过。"}


def _score_sentence(sheet: Any, appendix: str) -> str:
    """The scoresheet's own conclusion (one wording everywhere), and where the table is."""
    text = getattr(sheet, "conclusion", "")
    if not text:
        total, grade = getattr(sheet, "total", None), getattr(sheet, "grade", None)
        if total is None:
            return ""
        text = f"经自评，部门整体支出绩效综合得分 {_score(total)} 分" + (
            f"，等级为{grade}" if grade else "")
    text = _clause_end(text) + (f"，自评表见{appendix}。" if appendix else "。")
    # A score set by the rules file for want of data (not by performance) says so;
    # pending ones are already counted in the conclusion (待评分，暂不定级).
    by_rule = [s for s in getattr(sheet, "unscored", ()) or () if s.score is not None]
    if by_rule:
        count = len(getattr(sheet, "indicators", ()) or ())
        text += f"{count} 项评价指标中，有 {len(by_rule)} 项因缺少数据按评分规则计分。"
    return text


def _score(value) -> str:
    return "" if value is None else f"{round_half_up(Decimal(value), 2):f}"


def _scoresheet_table(sheet: Any) -> dict:
    """The 自评表 (INDICATORS.md): 一级 | 二级 | 三级 | 分值 | 评分标准 | 年度指标值 |
    实际完成值 | 得分 | 扣分原因/偏差说明, and a 合计 row with the grade."""
    rows = []
    for ind in getattr(sheet, "indicators", ()) or ():
        value = getattr(ind, "value", None)
        weight = getattr(ind, "weight", None)
        shown = getattr(ind, "value_text", None)
        if shown is None:
            shown = phrases.pct(value) if isinstance(value, Decimal) else str(value or "")
        rows.append({
            "level1": str(getattr(ind, "level1", "") or ""),
            "level2": str(getattr(ind, "level2", "") or ""),
            "name": str(getattr(ind, "name", "") or ""),
            "weight": fmt_number(Decimal(weight)) if weight is not None else "",
            "criteria": str(getattr(ind, "criteria", "") or ""),
            "target": str(getattr(ind, "target", "") or ""),
            "value": shown,
            "score": getattr(ind, "score_text", None) or _score(getattr(ind, "score", None)),
            "note": str(getattr(ind, "note", "") or ""),
        })
    grade = getattr(sheet, "grade_text", None) or getattr(sheet, "grade", None)
    weights = [getattr(ind, "weight", None) for ind in getattr(sheet, "indicators", ()) or ()]
    total = dict.fromkeys(("level2", "name", "criteria", "target", "value"), "")
    total.update(level1="合计", score=getattr(sheet, "total_text", None)
                 or _score(getattr(sheet, "total", None)),
                 weight=fmt_number(sum(Decimal(w) for w in weights)) if weights
                 and None not in weights else "",
                 note=f"等级：{grade}" if grade else "")
    return {"caption": "", "unit": "", "rows": rows, "total": total, "note": ""}


# ---------------------------------------------------------------- 七、存在的问题：偏离绩效目标


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
            target_text = _target_text(task)
            return (f"“{name}”年度目标为{_spaced(target_text)}，但未统计实际完成情况，无法量化评价目标"
                    "完成程度，下一年度将完善绩效数据统计。")
        if actual is None or target is None:
            return ""
        qty, tgt = phrases.quantity(actual, unit), phrases.quantity(target, unit)
        over = phrases.pct(deviation(actual, target))
        if code == "TASK_TARGET_TOO_LOW":
            return (f"“{name}”实际完成 {qty}，超出年度目标（{tgt}）{over}，"
                    "目标设定偏低，下一年度将据实调整。")
        if code == "TASK_OVERSHOOT":
            if task.comparator.value == "<=":
                return (f"“{name}”实际 {qty}，超过年度控制目标（{_target_text(task)}）{over}，"
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


def _problem_paras(ds: Dataset, findings: Sequence[Finding]) -> list[str]:
    own = ds.paragraphs("problems")
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
    pre_numbered = any(_PRE_NUMBERED.match(p) for p in own)
    claims = []
    for para in ds.narrative:
        if not any(para.text.field in f.fields for f in contradicted):
            continue
        quoted = "、".join(f"“{c}”" for c in _claims_in(para.text.value or "", refuted))
        if not quoted:
            continue
        where = "前述"
        if para.section == "problems" and not pre_numbered:
            where = f"第 {own.index(para.text.value) + 1} 条"
        if f"{where}{quoted}" not in claims:
            claims.append(f"{where}{quoted}")
    lead = "部分绩效目标执行存在偏离。经对照年度绩效目标逐项核对"
    if claims:
        lead += "，" + "；".join(claims) + "的表述与实际情况不符，以下列情况为准"
    lead += "："
    paras = own + [lead] if pre_numbered else numbered(own + [lead])
    subs = numbered(deviations, "（{}）", force=True)
    return paras + subs


# ---------------------------------------------------------------- the whole context


def _other_budget(ds: Dataset, key: str, label: str, year: str) -> list[str]:
    value = ds.other_budgets[key].value
    if value is None or value == 0:
        return [NONE_TEXT]
    return [f"{year + ' 年度' if year else ''}{label} {phrases.amount(value)}。"]


def _narrative(ds: Dataset, section: str) -> list[str]:
    return numbered(ds.paragraphs(section)) or [NONE_TEXT]


class _Counter:
    """Numbers tables (表1, 表2 …), sub-headings and appendices as they are used."""

    def __init__(self):
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _number_blocks(blocks: Sequence[dict | None], label) -> list[dict | None]:
    i = 0
    for b in blocks:
        if b is not None:
            i += 1
            b["heading"] = label(i) + b["heading"]
    return list(blocks)


def report_title(ds: Dataset) -> str:
    """``2023年度安化县总工会整体支出绩效自评报告`` (the seed's title)."""
    name = ds.department.name.value or "本单位"
    year = ds.department.year.value
    prefix = f"{fmt_number(year)}年度" if isinstance(year, Decimal) else ""
    return f"{prefix}{name}整体支出绩效自评报告"


TITLE_CHARS = 19  # 2号 characters that sit on one 156 mm line with room to spare
ANNEX_TITLE_CHARS = 30  # … on the 247 mm line of the landscape 自评表 appendix


def _width(text: str) -> float:
    """Printed width in full-width characters (ASCII digits and letters are half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def split_title(title: str, tail: str, chars: float = TITLE_CHARS) -> list[str]:
    """A title on one line if it fits (``chars`` wide), else broken before ``tail`` (as
    the seed breaks it): ``2023年度安化县总工会`` / ``整体支出绩效自评报告``."""
    if _width(title) <= chars or not title.endswith(tail) or title == tail:
        return [title]
    return [title.removesuffix(tail), tail]


def title_lines(ds: Dataset) -> list[str]:
    return split_title(report_title(ds), "整体支出绩效自评报告")


def build_context(ds: Dataset, findings: Sequence[Finding] = (), scoresheet: Any = None, *,
                  with_findings: bool = False) -> dict:
    """Everything the report template prints, as display strings."""
    name = ds.department.name.value or "本单位"
    year_val = ds.department.year.value
    year = fmt_number(year_val) if isinstance(year_val, Decimal) else ""
    tables = _Counter()

    # 一
    # budgets and execution are stated once, in 二(三)
    scale_paras = [_income_sentence(ds, year), _expenditure_sentence(ds, year, name)]
    scale = _block("部门整体支出规模、使用方向、主要内容和涉及范围", scale_paras)
    if not scale["paras"]:
        scale["paras"] = [NONE_TEXT]
    s1_blocks = _number_blocks([_functions_block(ds, name), _tasks_block(ds, year), scale],
                               sub_heading)
    s1 = {"functions": s1_blocks[0], "tasks": s1_blocks[1], "scale": s1_blocks[2],
          "table": _expenditure_table(ds, tables, year)}

    # 二
    outlay_paras = _outlay_paras(ds, year)
    outlay_table = _outlay_table(ds, tables)
    h3 = _number_blocks([
        _block("“三公”经费及会议费、培训费情况", outlay_paras) if outlay_paras or outlay_table
        else None,
        _block("固定资产管理情况", _assets_paras(ds)) if _assets_paras(ds) else None,
    ], lambda i: f"{i}. ")
    basic_paras = _basic_paras(ds, year)
    basic = _block("（一）基本支出情况", basic_paras or ([] if any(h3) else [NONE_TEXT]))

    has_projects = bool(ds.projects) or ds.expenditure["project"].actual.stated \
        or bool(ds.paragraphs("project_management"))
    project_paras = _project_paras(ds, year)
    p_blocks = _number_blocks([
        _block("项目资金（包括财政资金、自筹资金等）安排落实、总投入等情况分析", project_paras)
        if project_paras or ds.projects else None,
        _block("项目资金管理情况分析，主要包括管理制度、办法的制订及执行情况",
               numbered(ds.paragraphs("project_management"), "（{}）"))
        if ds.paragraphs("project_management") else None,
    ], lambda i: f"{i}. ")
    project_table = _project_table(ds, tables)
    budget_paras = _budget_block(ds, year)
    budget_table = _budget_table(ds, tables)
    s2 = {
        "basic": basic, "outlays": h3[0], "outlay_table": outlay_table, "assets": h3[1],
        "project": _block("（二）项目支出情况", [] if has_projects else [NONE_TEXT]),
        "project_funds": p_blocks[0], "project_table": project_table,
        "project_management": p_blocks[1],
        "budget": _block("（三）预算执行及结转结余情况", budget_paras)
        if budget_paras or budget_table else None,
        "budget_table": budget_table,
    }

    # 六
    appendices = _Counter()
    has_sheet = scoresheet is not None and bool(getattr(scoresheet, "indicators", ()))
    sheet_label = ""
    if has_sheet:
        sheet_label = f"附件{appendices.next()}"
    findings_label = f"附件{appendices.next()}" if with_findings else ""
    if appendices.n == 1:   # a single appendix is just 附件
        sheet_label = "附件" if sheet_label else ""
        findings_label = "附件" if findings_label else ""
    business = _block("部门业务开展情况", _summary_paras(ds, year, name)
                      + numbered(ds.paragraphs("business")))
    results = [task_result(t) for t in ds.key_tasks]
    if results:
        business["paras"].append("年度重点工作完成情况：" + "；".join(results) + "。")
    task_table = _task_table(ds, tables, year)
    evaluation = numbered(ds.paragraphs("evaluation_process"))
    score = _score_sentence(scoresheet, sheet_label) if has_sheet else ""
    s6_blocks = _number_blocks([
        business if business["paras"] or task_table else None,
        _block("绩效评价工作过程" + ("及自评结果" if score else ""), evaluation + [score])
        if evaluation or score else None,
    ], sub_heading)
    s6 = {"business": s6_blocks[0], "task_table": task_table, "evaluation": s6_blocks[1]}
    if not any(s6_blocks):
        s6["none"] = [NONE_TEXT]
    else:
        s6["none"] = []

    appendix_sheet = None
    if has_sheet:
        tail = "部门整体支出绩效自评表"
        appendix_sheet = {"label": sheet_label,
                          "title_lines": split_title(
                              f"{year + '年度' if year else ''}{name}{tail}", tail,
                              ANNEX_TITLE_CHARS),
                          "table": _scoresheet_table(scoresheet)}
    appendix_findings = None
    if with_findings:
        appendix_findings = {"label": findings_label, "title_lines": ["数据校验结果"],
                             "paras": findings_paras(findings)}

    return {
        "title": report_title(ds),
        "title_lines": title_lines(ds),
        "department": name,
        "year": year,
        "s1": s1,
        "s2": s2,
        "s3": _other_budget(ds, "government_fund", "政府性基金预算支出", year),
        "s4": _other_budget(ds, "state_capital", "国有资本经营预算支出", year),
        "s5": _other_budget(ds, "social_insurance", "社会保险基金预算支出", year),
        "s6": s6,
        "s7": _problem_paras(ds, findings),
        "s8": _narrative(ds, "improvements"),
        "s9": _narrative(ds, "results_use"),
        "s10": _narrative(ds, "other"),
        "appendix_sheet": appendix_sheet,
        "appendix_findings": appendix_findings,
        "chart_data": _chart_data(ds),
    }


def findings_paras(findings: Sequence[Finding]) -> list[str]:
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
