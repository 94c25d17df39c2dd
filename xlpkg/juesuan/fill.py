"""Recognised tables → the contract's fields, each with its source cell (JUESUAN.md A6).

Owns which table and which row × column fills which contract field under each
``--scope`` (``gpb`` 一般公共预算, ``fiscal`` 全部财政拨款, ``all`` 全部资金), and
the few figures that are derived (其他收入 = 本年收入合计 − 财政拨款收入), whose
source says how. A field no table holds stays absent (null in the output) and
is listed by :mod:`xlpkg.juesuan`. Pure.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xlpkg.core.record import field, record
from xlpkg.juesuan.balance import same_figure
from xlpkg.juesuan.lookup import Amount, Lookup, has, main_pane, one_value_col, rows, total_row
from xlpkg.juesuan.segment import Pane, Table
from xlpkg.juesuan.text import norm

SCOPES = ("gpb", "fiscal", "all")
SCOPE_LABELS = {"gpb": "一般公共预算财政拨款", "fiscal": "财政拨款（含政府性基金、国有资本经营）",
                "all": "全部资金（含非财政拨款）"}


@record(frozen=False)
class Out:
    """The contract mapping being built, and ``path → source`` for every value in it."""

    data: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, path: str, value, source: str) -> None:
        node = self.data
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
        self.sources[path] = source

    def get(self, path: str):
        node = self.data
        for p in path.split("."):
            if not isinstance(node, dict) or p not in node:
                return None
            node = node[p]
        return node

    def put(self, path: str, amt: Amount | None) -> None:
        if amt is not None and amt.value is not None:
            self.set(path, amt.value, amt.cell)


def derived(expr: str, *cells: str) -> str:
    return f"计算：{expr}（{'；'.join(cells)}）"


# ---------------------------------------------------------------- department


_NAME_LINE = re.compile(r"(?:编制单位|填报单位|单位名称|部门名称|部门)[:：](.+?)"
                        r"(?=金额单位|单位[:：]|报表期间|\d{4}年|公开\d|财决\d|$)")
_TITLE_NAME = re.compile(r"^(.{2,40}?)(20\d\d)年度?")
_YEAR = re.compile(r"(20\d\d)年")


def fill_department(out: Out, lookup: Lookup, tables: list[Table]) -> None:
    names: dict[str, str] = {}
    years: dict[str, str] = {}
    for t in tables:
        r0, c0 = t.title_rc
        texts = [(r0, c0, t.title)]
        for r in range(max(0, r0 - 3), min(t.grid.height, r0 + 4)):
            texts += [(r, c, norm(v)) for c, v in enumerate(t.grid.rows[r]) if norm(v)]
        for r, c, text in texts:
            m = _NAME_LINE.search(text)
            if m and m.group(1).strip("：: ") and not m.group(1).startswith(("万元", "元")):
                names.setdefault(m.group(1).strip("：: "), t.addr(r, c))
            m = _TITLE_NAME.match(text)
            # 某局2024年度部门决算 / 某局2024年度…决算表 / a bare 某局2024年度 above the title
            if m and ("决算" in text or text == m.group(0)) and not _NAME_LINE.search(text) and \
                    m.group(1) not in ("部门", "单位", "本部门", "本单位"):
                names.setdefault(m.group(1), t.addr(r, c))
            if r <= r0 or _NAME_LINE.search(text) or "报表期间" in text or \
                    re.fullmatch(r"(20\d\d)年度?", text):
                for y in _YEAR.findall(text):
                    years.setdefault(y, t.addr(r, c))
    _one(out, lookup, "department.name", names, "单位名称")
    if len(years) == 1:
        (y, cell), = years.items()
        out.set("department.year", int(y), cell)
    else:
        _one(out, lookup, "department.year", {y: c for y, c in years.items()}, "年度", as_int=True)


def _one(out, lookup, path, found: dict[str, str], what: str, as_int=False) -> None:
    # names from titles may add a suffix (… 2024 年度部门决算): the shortest common one wins
    if not found:
        return
    if not as_int:
        shortest = min(found, key=len)
        if all(n.startswith(shortest) or shortest.startswith(n) for n in found):
            out.set(path, shortest, found[shortest])
            return
    lookup.note("IMPORT_AMBIGUOUS_VALUE", "error",
                f"各表中的{what}不一致（{'、'.join(f'{k}（{v}）' for k, v in found.items())}），"
                f"无法确定，未导入", *found.values())


# ---------------------------------------------------------------- income and carry-over


def _pane_of(table: Table, key: str) -> Pane | None:
    found = rows(table, key)
    return found[0][0] if found else None


def row_amount(lookup: Lookup, table: Table, key: str, pane: Pane | None = None) -> Amount | None:
    found = rows(table, key, pane)
    if not found:
        return None
    p, it = found[0]
    col = one_value_col(table, p, lookup) if p.columns and len(p.columns) == 1 else \
        _actual_col(lookup, table, p)
    return None if col is None else lookup.amount(table, it, col)


def _actual_col(lookup: Lookup, table: Table, pane: Pane):
    if len(pane.columns) == 1:
        return pane.columns[0]
    return lookup.choose(table, pane, lambda c: has(c, "决算", without=("上年", "预算")) or
                         c.path in (("合计",), ("金额",)), "决算数")


def fill_income(out: Out, lookup: Lookup, summary: Table | None, income: Table | None) -> None:
    if summary is not None:
        pane = _pane_of(summary, "income_total")
        total = row_amount(lookup, summary, "income_total", pane)
        out.put("income.total.actual", total)
        # one 财政拨款收入 row (older and internal layouts), else its three fund rows
        keys = ("fiscal_income",) if rows(summary, "fiscal_income", pane) else \
            ("gpb_income", "fund_income", "soe_income")
        fiscal_parts = [row_amount(lookup, summary, k, pane) for k in keys]
        stated = [a for a in fiscal_parts if a is not None and a.value is not None]
        if stated:
            value = sum((a.value for a in stated), Decimal(0))
            source = stated[0].cell if len(stated) == 1 else \
                derived(" + ".join(a.cell for a in stated), "财政拨款收入各行之和")
            out.set("income.fiscal.actual", value, source)
        elif any(a is not None for a in fiscal_parts):
            lookup.note("IMPORT_BLANK_ROW", "info",
                        f"{summary.where} {summary.kind.name}中财政拨款收入各行均为空，"
                        "财政拨款收入未导入", *(a.cell for a in fiscal_parts if a))
    elif income is not None:
        pane = main_pane(income)
        it = total_row(pane) if pane else None
        if it is not None:
            for path, test in (("income.total.actual", lambda c: has(c, "合计", without=("财政",))),
                               ("income.fiscal.actual", lambda c: has(c, "财政拨款"))):
                col = lookup.choose(income, pane, test, path)
                if col is not None:
                    out.put(path, lookup.amount(income, it, col))
    total, fiscal = out.get("income.total.actual"), out.get("income.fiscal.actual")
    if total is not None and fiscal is not None:
        out.set("income.other.actual", total - fiscal,
                derived("本年收入合计 − 财政拨款收入", out.sources["income.total.actual"],
                        out.sources["income.fiscal.actual"]))
    if summary is not None and income is not None:
        pane = main_pane(income)
        it = total_row(pane) if pane else None
        col = lookup.choose(income, pane, lambda c: has(c, "财政拨款"), "财政拨款收入") \
            if it is not None else None
        if col is not None and "income.fiscal.actual" in out.sources:
            same_figure(lookup, "财政拨款收入", Amount(fiscal, out.sources["income.fiscal.actual"]),
                        lookup.amount(income, it, col))


def fill_carryover(out: Out, lookup: Lookup, scope: str, summary: Table | None,
                   fiscal_summary: Table | None) -> None:
    if scope == "all":
        if summary is not None:
            out.put("carryover.begin", row_amount(lookup, summary, "begin"))
            out.put("carryover.end", row_amount(lookup, summary, "end"))
        return
    t = fiscal_summary
    if t is None:
        return
    fund_test = _fund_test(scope)
    # 年末 sits on the 支出 side, by fund; 年初 on the 收入 side, usually one amount
    for key, path in (("end", "carryover.end"), ("begin", "carryover.begin")):
        found = rows(t, key)
        if not found:
            continue
        pane, item = found[0]
        col = lookup.choose(t, pane, fund_test, "结转结余") if len(pane.columns) > 1 else None
        if col is not None:
            out.put(path, lookup.amount(t, item, col))
        elif len(pane.columns) == 1:
            amt = lookup.amount(t, item, pane.columns[0])
            sub = _fund_subrow(lookup, t, pane, item) if scope == "gpb" else None
            if sub is not None:
                out.put(path, sub)
            elif scope == "fiscal" or _only_gpb(lookup, t):
                out.put(path, amt)
                if scope == "gpb" and amt.value is not None:
                    lookup.note("IMPORT_DERIVED", "info",
                                f"{amt.cell} 年初财政拨款结转和结余只有一个数；该表政府性基金、"
                                "国有资本经营两栏均为空，故全部作为一般公共预算结转结余", amt.cell)
            else:
                lookup.note("IMPORT_NOT_SPLIT", "warning",
                            f"{amt.cell} 年初财政拨款结转和结余未按资金来源列示，"
                            "一般公共预算部分无法确定，未导入", amt.cell)


def _fund_test(scope: str):
    if scope == "gpb":
        return lambda c: has(c, "一般公共预算")
    return lambda c: (c.path[-1:] == ("合计",) or has(c, "合计")) and \
        not has(c, "一般公共预算") and not has(c, "政府性基金") and not has(c, "国有资本")


def _fund_subrow(lookup: Lookup, t: Table, pane: Pane, item) -> Amount | None:
    i = pane.items.index(item)
    nxt = pane.items[i + 1] if i + 1 < len(pane.items) else None
    if nxt is not None and nxt.label.startswith("一般公共预算"):
        return lookup.amount(t, nxt, pane.columns[0])
    return None


def _only_gpb(lookup: Lookup, t: Table) -> bool:
    """No amount in table 4's 政府性基金 / 国有资本经营 columns anywhere."""
    cols = [(p, c) for p in t.panes for c in p.columns if has(c, "政府性基金") or has(c, "国有资本")]
    if not cols:
        return False
    return all(not lookup.amount(t, it, c).value for p, c in cols for it in p.items)
