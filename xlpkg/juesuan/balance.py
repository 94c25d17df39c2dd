"""Cross-checks inside and between 决算 tables (JUESUAN.md A3; issue 15 item 5).

Owns the arithmetic the nine tables promise: table 1 balances, 类 = Σ款 = Σ项,
合计 = 基本 + 项目 (and the other amount columns), 人员 = 301 + 303,
公用 = 302 + 310 (and any other class beside them), 人员 + 公用 = 基本支出, the
same figure in two tables, and 行次 running in order. The tolerance is the
contract's (:func:`xlpkg.core.ratios.compare_sum`: 0.01 万元 per addend), because
published tables really differ by 0.01 between a 类 and its 项. Blank cells of a
stated table add nothing; they are never turned into a value. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from xlpkg.core import phrases
from xlpkg.core.money import fmt_amount
from xlpkg.core.ratios import compare_sum
from xlpkg.juesuan.lookup import (
    Amount,
    Lookup,
    economic_totals,
    has,
    main_pane,
    one_value_col,
    rows,
    total_row,
)
from xlpkg.juesuan.segment import Pane, Table

SPECIAL_SUMMARY_ROWS = ("income_total", "expenditure_total", "use_surplus", "surplus_allocation",
                        "begin", "end", "grand_total")


def sum_check(lookup: Lookup, total_label: str, total: Amount | None,
              parts: Sequence[tuple[str, Amount]], *, parts_label: str = "") -> None:
    """A stated total against its stated parts; silent when nothing is stated."""
    stated = [(lab, a) for lab, a in parts if a is not None and a.value is not None]
    if total is None or total.value is None or not stated:
        return
    cmp = compare_sum(total.value, [a.value for _, a in stated])
    if cmp.status == "equal":
        return
    parts_label = parts_label or "+".join(lab for lab, _ in stated)
    message = (f"{total.cell} {total_label} {fmt_amount(cmp.total)} 万元与{parts_label}合计 "
               f"{fmt_amount(cmp.parts_sum)} 万元不一致，"
               f"{phrases.difference(cmp.total - cmp.parts_sum)}")
    cells = [total.cell] + [a.cell for _, a in stated]
    if cmp.status == "rounding":
        lookup.note("IMPORT_SUM_ROUNDING", "info", message + "（在四舍五入误差以内）", *cells)
    else:
        lookup.note("IMPORT_SUM_MISMATCH", "error", message, *cells)


def same_figure(lookup: Lookup, label: str, a: Amount | None, b: Amount | None) -> None:
    """One figure printed in two tables (or two places) must agree."""
    if a is None or b is None or a.value is None or b.value is None:
        return
    sum_check(lookup, label, a, [(label, b)], parts_label=f"{b.cell} 所列")


# ---------------------------------------------------------------- per table


def check_table(lookup: Lookup, table: Table) -> None:
    _line_numbers(lookup, table)
    key = table.kind.key
    if key == "summary":
        _summary(lookup, table)
    elif key in ("income", "expenditure", "gpb", "gov_fund", "state_capital"):
        pane = main_pane(table)
        if pane is not None:
            _code_tree(lookup, table, pane, (3, 5, 7))
            _row_totals(lookup, table, pane)
    elif key in ("gpb_basic", "basic_detail"):
        _economic(lookup, table)


def _val(lookup: Lookup, table: Table, pane: Pane, item) -> Amount | None:
    col = one_value_col(table, pane, lookup)
    return None if col is None else lookup.amount(table, item, col)


def _first(lookup, table, key, pane=None) -> Amount | None:
    found = rows(table, key, pane)
    return _val(lookup, table, found[0][0], found[0][1]) if found else None


def _summary(lookup: Lookup, table: Table) -> None:
    inc = next((p for p, _ in rows(table, "income_total")), None)
    exp = next((p for p, _ in rows(table, "expenditure_total") if p is not inc), None)
    if inc is None or exp is None or len(inc.columns) != 1 or len(exp.columns) != 1:
        return   # the internal 财决01 layout has budget columns: its rows are not a plain list
    name = table.kind.name
    income_rows = [(it.shown or it.label, _val(lookup, table, inc, it)) for it in inc.items
                   if not any(rows_key(it, k) for k in SPECIAL_SUMMARY_ROWS)]
    sum_check(lookup, f"{name}本年收入合计", _first(lookup, table, "income_total", inc),
              income_rows, parts_label="各项收入")
    spend_rows = [(it.shown or it.label, _val(lookup, table, exp, it)) for it in exp.items
                  if not any(rows_key(it, k) for k in SPECIAL_SUMMARY_ROWS)]
    sum_check(lookup, f"{name}本年支出合计", _first(lookup, table, "expenditure_total", exp),
              spend_rows, parts_label="各类支出")
    grand_in = _first(lookup, table, "grand_total", inc)
    grand_out = _first(lookup, table, "grand_total", exp)
    sum_check(lookup, f"{name}收入总计", grand_in,
              [("本年收入合计", _first(lookup, table, "income_total", inc)),
               ("使用非财政拨款结余", _first(lookup, table, "use_surplus", inc)),
               ("年初结转和结余", _first(lookup, table, "begin", inc))])
    sum_check(lookup, f"{name}支出总计", grand_out,
              [("本年支出合计", _first(lookup, table, "expenditure_total", exp)),
               ("结余分配", _first(lookup, table, "surplus_allocation", exp)),
               ("年末结转和结余", _first(lookup, table, "end", exp))])
    same_figure(lookup, f"{name}收入总计与支出总计", grand_in, grand_out)


def rows_key(item, key) -> bool:
    from xlpkg.juesuan.catalog import row_matches

    return row_matches(item.label, key)


def _code_tree(lookup: Lookup, table: Table, pane: Pane, lengths: tuple[int, ...]) -> None:
    """Each parent code against its children, and the 合计 row against the top level."""
    coded = [it for it in pane.items if it.code]
    total = total_row(pane)
    for col in pane.columns:
        amounts = {it.code: lookup.amount(table, it, col) for it in coded}
        for parent_len, child_len in pairwise(lengths):
            for code, amt in amounts.items():
                if len(code) != parent_len:
                    continue
                kids = [(c, a) for c, a in amounts.items()
                        if len(c) == child_len and c.startswith(code)]
                if kids:
                    sum_check(lookup, f"{table.kind.name}“{col.key}”{code}", amt, kids,
                              parts_label=f"其下 {len(kids)} 个科目")
        if total is not None:
            top = [(c, a) for c, a in amounts.items() if len(c) == lengths[0]]
            if top:
                sum_check(lookup, f"{table.kind.name}“{col.key}”合计",
                          lookup.amount(table, total, col), top, parts_label="各类")


def _row_totals(lookup: Lookup, table: Table, pane: Pane) -> None:
    """合计 column = the amount columns beside it (基本 + 项目 …), row by row."""
    totals = [c for c in pane.columns if c.path and c.path[-1] in ("合计", "本年支出合计",
                                                                   "本年收入合计", "小计")
              and not has(c, "结转") and not has(c, "结余")]
    if len(totals) != 1:
        return
    total_col = totals[0]
    prefix = total_col.path[:-1]
    parts = [c for c in pane.columns if c is not total_col and c.path[:-1] == prefix
             and not any(has(c, w) for w in ("结转", "结余", "年初", "年末"))]
    if not parts:
        return
    for it in pane.items:
        sum_check(lookup, f"{table.kind.name}{it.code or it.label}“{total_col.key}”",
                  lookup.amount(table, it, total_col),
                  [(c.key, lookup.amount(table, it, c)) for c in parts])


def _economic(lookup: Lookup, table: Table) -> None:
    by_code: dict[str, Amount] = {}
    for pane in table.panes:
        if pane.columns:
            _code_tree(lookup, table, pane, (3, 5))
        for it in pane.items:
            if it.code:
                amt = _val(lookup, table, pane, it)
                if amt is not None:
                    by_code.setdefault(it.code, amt)
    totals = economic_totals(lookup, table)
    personnel, public = totals.get("personnel"), totals.get("public")
    classes = [c for c in by_code if len(c) == 3]
    sum_check(lookup, f"{table.kind.name}人员经费合计", personnel,
              [(c, by_code[c]) for c in classes if c in ("301", "303")])
    sum_check(lookup, f"{table.kind.name}公用经费合计", public,
              [(c, by_code[c]) for c in classes if c not in ("301", "303")])


def _line_numbers(lookup: Lookup, table: Table) -> None:
    """行次 is recorded, never the key: it must run upwards within a pane."""
    for pane in table.panes:
        last = None
        for it in pane.items:
            if not it.line or not it.line.isdigit():
                continue
            n = int(it.line)
            if last is not None and n <= last[0]:
                cell = table.addr(it.r, pane.line_col)
                lookup.note("IMPORT_LINE_ORDER", "warning",
                            f"{cell} 行次 {n} 不大于上一行的行次 {last[0]}（{last[1]}），"
                            "请核对表格是否完整", cell)
            last = (n, table.addr(it.r, pane.line_col))


# ---------------------------------------------------------------- between tables


def _tree_total(lookup: Lookup, t: Table | None, *words: str) -> Amount | None:
    pane = main_pane(t) if t is not None else None
    it = total_row(pane) if pane is not None else None
    if it is None:
        return None
    cols = [c for c in pane.columns if all(has(c, w) for w in words)]
    return lookup.amount(t, it, cols[0]) if len(cols) == 1 else None


def _summary_row(lookup: Lookup, t: Table | None, key: str) -> Amount | None:
    if t is None:
        return None
    found = [(p, it) for p, it in rows(t, key) if len(p.columns) == 1]
    return _val(lookup, t, *found[0]) if found else None


def check_between(lookup: Lookup, tables: dict[str, Table]) -> None:
    """The same figure in two tables: table 1 against tables 2 and 3, table 4 against 1."""
    summary = tables.get("summary")
    same_figure(lookup, "本年收入合计", _summary_row(lookup, summary, "income_total"),
                _tree_total(lookup, tables.get("income"), "合计"))
    same_figure(lookup, "本年支出合计", _summary_row(lookup, summary, "expenditure_total"),
                _tree_total(lookup, tables.get("expenditure"), "合计"))
    fs = tables.get("fiscal_summary")
    if summary is not None and fs is not None:
        pane = next((p for p, _ in rows(summary, "income_total")), None)
        parts = [_first(lookup, summary, k, pane)
                 for k in ("gpb_income", "fund_income", "soe_income")]
        fiscal_in = _summary_row(lookup, fs, "income_total")
        sum_check(lookup, "财政拨款收入支出决算总表本年收入合计", fiscal_in,
                  [(lab, a) for lab, a in zip(("一般公共预算", "政府性基金", "国有资本经营"), parts,
                                              strict=True)],
                  parts_label="收入支出决算总表中三项财政拨款收入")
