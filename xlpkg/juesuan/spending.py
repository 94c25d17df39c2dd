"""Spending fields: expenditure per scope, economic classification, other budgets.

Owns JUESUAN.md A6's spending rows: ``gpb`` reads table 5 (合计 × 合计 / 基本支出 /
项目支出) and table 6 (人员经费合计 / 公用经费合计, the 3-digit economic rows);
``fiscal`` adds tables 8 and 9 to table 4's total; ``all`` reads table 3 and the
internal 财决05-1 table. Budget figures exist only in the internal 财决01 table,
which covers all funds, so they are read for ``all`` only. Pure.
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.juesuan.balance import same_figure, sum_check
from xlpkg.juesuan.fill import Out, derived, row_amount
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
from xlpkg.juesuan.segment import Table

_NOT_TOTAL = ("收入", "结转", "结余", "基本", "项目", "年初", "年末", "上缴", "经营", "附属")


def _is_total(col) -> bool:
    return bool(col.path) and any(s in ("合计", "本年支出合计", "支出合计", "本年支出", "小计")
                                  for s in col.path[-1:]) and \
        not any(has(col, w) for w in _NOT_TOTAL)


def tree_figures(lookup: Lookup, t: Table | None) -> dict[str, Amount]:
    """A code-tree table's 合计 row: total / basic / project amounts."""
    out: dict[str, Amount] = {}
    pane = main_pane(t) if t is not None else None
    it = total_row(pane) if pane is not None else None
    if it is None:
        if pane is not None and t.empty_rc is None:
            lookup.note("IMPORT_ROW_MISSING", "warning",
                        f"{t.where} {t.kind.name}中没有“合计”行，未从该表导入支出合计", t.where)
        return out
    spend = [c for c in pane.columns if not has(c, "结转") and not has(c, "年初")
             and not has(c, "年末") and not (has(c, "本年收入") or c.path == ("收入",))]
    tests = {"total": lambda c: _is_total(c) or c.path in (("本年支出",),),
             "basic": lambda c: has(c, "基本支出"), "project": lambda c: has(c, "项目支出")}
    from xlpkg.juesuan.segment import Pane

    sub = Pane(spend)
    for key, test in tests.items():
        col = lookup.choose(t, sub, test, {"total": "支出合计", "basic": "基本支出",
                                           "project": "项目支出"}[key])
        if col is not None:
            out[key] = lookup.amount(t, it, col)
    return out


def fill_expenditure(out: Out, lookup: Lookup, scope: str, tables: dict[str, Table]) -> None:
    gpb = tree_figures(lookup, tables.get("gpb"))
    econ_t = tables.get("basic_detail" if scope == "all" else "gpb_basic")
    econ = economic_totals(lookup, econ_t) if econ_t else {}
    if scope == "gpb":
        for key in ("total", "basic", "project"):
            out.put(f"expenditure.{key}.actual", gpb.get(key))
        if "gpb" not in tables and "expenditure" in tables:
            lookup.note("IMPORT_SCOPE", "warning",
                        "所给文件中没有一般公共预算财政拨款支出决算表，支出未导入；"
                        "如果这是决算软件导出的财决报表，可加 --scope all 按全部资金导入",
                        tables["expenditure"].where)
    elif scope == "all":
        for key, amt in tree_figures(lookup, tables.get("expenditure")).items():
            out.put(f"expenditure.{key}.actual", amt)
    else:
        _fiscal(out, lookup, tables, gpb)
    if scope != "fiscal":
        out.put("expenditure.personnel.actual", econ.get("personnel"))
        out.put("expenditure.public.actual", econ.get("public"))
    basic = out.get("expenditure.basic.actual")
    if basic is not None and "personnel" in econ and "public" in econ:
        sum_check(lookup, "基本支出", Amount(basic, out.sources["expenditure.basic.actual"]),
                  [("人员经费", econ["personnel"]), ("公用经费", econ["public"])])
    fs = tables.get("fiscal_summary")
    if fs is not None and "total" in gpb:
        pane = next((p for p, _ in rows(fs, "expenditure_total") if len(p.columns) > 1), None)
        it = next((i for p, i in rows(fs, "expenditure_total", pane)), None) if pane else None
        col = lookup.choose(fs, pane, lambda c: has(c, "一般公共预算"), "一般公共预算") \
            if it is not None else None
        if col is not None:
            same_figure(lookup, "一般公共预算财政拨款支出合计", gpb["total"],
                        lookup.amount(fs, it, col))
    _budgets(out, lookup, scope, tables.get("summary"))


def _fiscal(out: Out, lookup: Lookup, tables: dict[str, Table], gpb: dict[str, Amount]) -> None:
    fs = tables.get("fiscal_summary")
    if fs is not None:
        pane = next((p for p, _ in rows(fs, "expenditure_total") if p.columns), None)
        if pane is not None:
            it = rows(fs, "expenditure_total", pane)[0][1]
            col = pane.columns[0] if len(pane.columns) == 1 else lookup.choose(
                fs, pane, lambda c: has(c, "合计") and not has(c, "一般公共预算"), "合计")
            if col is not None:
                out.put("expenditure.total.actual", lookup.amount(fs, it, col))
    parts = [gpb]
    for key in ("gov_fund", "state_capital"):
        t = tables.get(key)
        if t is None:
            parts = None
            break
        parts.append({} if t.empty_rc is not None else tree_figures(lookup, t))
    if parts is None:
        lookup.note("IMPORT_NOT_IN_TABLES", "info",
                    "财政拨款口径的基本支出、项目支出需要政府性基金和国有资本经营预算财政拨款支出决算表，"
                    "所给文件中缺少，未导入")
        return
    for key in ("basic", "project"):
        found = [p[key] for p in parts if key in p and p[key].value is not None]
        if "total" in gpb and key in gpb:
            value = sum((a.value for a in found), Decimal(0))
            out.set(f"expenditure.{key}.actual", value,
                    derived(" + ".join(a.cell for a in found) or "0", "各财政拨款表之和"))


def _budgets(out: Out, lookup: Lookup, scope: str, summary: Table | None) -> None:
    """年初预算数 / 全年预算数: only the internal 财决01 table has them (all funds)."""
    if summary is None:
        return
    panes = [p for p in summary.panes if any(has(c, "预算") for c in p.columns)]
    if not panes:
        return
    if scope != "all":
        lookup.note("IMPORT_SCOPE", "info",
                    f"{summary.where} 的预算数是全部资金口径，与所选口径不同，未导入预算数",
                    summary.where)
        return
    fields = (("budget_initial", ("年初",)), ("budget_final", ("全年", "调整")))
    labels = {"basic": ("基本支出",), "project": ("项目支出",),
              "personnel": ("人员经费", "人员经费合计"), "public": ("公用经费", "公用经费合计")}
    for pane in panes:
        for it in pane.items:
            key = "total" if rows_match(it, "expenditure_total") else \
                next((k for k, names in labels.items() if it.label in names), None)
            if key is None:
                continue
            for field_name, words in fields:
                col = lookup.choose(summary, pane,
                                    lambda c, w=words: any(has(c, x) for x in w) and has(c, "预算"),
                                    field_name)
                if col is not None and f"expenditure.{key}.{field_name}" not in out.sources:
                    out.put(f"expenditure.{key}.{field_name}", lookup.amount(summary, it, col))


def rows_match(item, key) -> bool:
    from xlpkg.juesuan.catalog import row_matches

    return row_matches(item.label, key)


def fill_economic(out: Out, lookup: Lookup, scope: str, tables: dict[str, Table],
                  detail: bool) -> None:
    t = tables.get("basic_detail" if scope == "all" else "gpb_basic")
    if t is None:
        return
    if scope == "fiscal":
        lookup.note("IMPORT_SCOPE", "info",
                    f"{t.where} 经济分类取自{t.kind.name}，只含一般公共预算财政拨款", t.where)
    lengths = (3, 5) if detail else (3,)
    items, seen = [], {}
    for pane in t.panes:
        col = one_value_col(t, pane, lookup) if pane.columns else None
        for it in pane.items:
            if not it.code or len(it.code) not in lengths or col is None:
                continue
            amt = lookup.amount(t, it, col)
            if it.code in seen:
                lookup.note("IMPORT_DUPLICATE_ROW", "warning",
                            f"{amt.cell} 经济分类 {it.code} 重复出现（另见 {seen[it.code]}），"
                            "只导入第一处", amt.cell, seen[it.code])
                continue
            seen[it.code] = amt.cell
            items.append({"code": it.code, "name": it.label, "prior": None, "actual": amt.value})
            out.sources[f"economic_classification[{it.code}].actual"] = amt.cell
            out.sources[f"economic_classification[{it.code}].name"] = t.addr(it.r, it.label_c) \
                if it.label_c is not None else amt.cell
    items.sort(key=lambda d: d["code"])
    if items:
        out.data["economic_classification"] = items


def fill_other_budgets(out: Out, lookup: Lookup, tables: dict[str, Table]) -> None:
    for key, path, fund in (("gov_fund", "other_budgets.government_fund", "政府性基金"),
                            ("state_capital", "other_budgets.state_capital", "国有资本")):
        t = tables.get(key)
        if t is not None and t.empty_rc is not None and not any(
                lookup.amount(t, it, c).value for p in t.panes for it in p.items
                for c in p.columns):
            cell = t.addr(*t.empty_rc)
            out.set(path, Decimal(0), cell)
            lookup.note("IMPORT_EMPTY_TABLE", "info",
                        f"{cell} {t.kind.name}注明本表无数据，按 0 导入", cell)
            continue
        if t is not None:
            amt = tree_figures(lookup, t).get("total")
            if amt is not None:
                out.put(path, amt)
                continue
        fs = tables.get("fiscal_summary")
        if fs is not None and path not in out.sources:
            pane = next((p for p, _ in rows(fs, "expenditure_total") if len(p.columns) > 1), None)
            if pane is not None:
                it = rows(fs, "expenditure_total", pane)[0][1]
                col = lookup.choose(fs, pane, lambda c, f=fund: has(c, f), fund)
                if col is not None:
                    out.put(path, lookup.amount(fs, it, col))


__all__ = ["fill_economic", "fill_expenditure", "fill_other_budgets", "row_amount",
           "tree_figures"]
