"""The “三公”经费 table in any of its orientations → ``outlays`` with 预算数 and 决算数.

Owns table 7 (JUESUAN.md A2/A4): the 12-column wide row (合计, 因公出国（境）费,
公务用车购置及运行费 → 小计 / 购置费 / 运行费, 公务接待费, each 预算数 | 决算数);
the vertical 项目 | 预算数 | 决算数 table (or 上年决算数 | 本年决算数 | 增减, as 施甸
prints it); and label/value pairs. The 公务用车 小计 is kept only for the check
小计 = 购置 + 运行; a stated 小计 whose 购置/运行 cells are blank leaves the split
null with a finding, never invented. 会议费 / 培训费 come from the same table
when it has them, else from table 6's 30215 / 30216 (basic spending only, said
so in a finding). Pure.
"""

from __future__ import annotations

from xlpkg.core import phrases
from xlpkg.core.model import LABELS, OUTLAY_FIELDS, OUTLAY_ROWS
from xlpkg.juesuan.balance import sum_check
from xlpkg.juesuan.catalog import outlay_item
from xlpkg.juesuan.fill import Out
from xlpkg.juesuan.lookup import Amount, Lookup, one_value_col
from xlpkg.juesuan.segment import Table

# the contract's own row and field labels; 公用车 小计 and its parent row are the table's
ITEM_LABELS = {k: LABELS[f"out.{k}"] for k in OUTLAY_ROWS} | {
    "vehicle": "公务用车购置及运行费", "subtotal": "公务用车购置及运行费小计"}
FIELD_LABELS = {f: LABELS[f] for f in OUTLAY_FIELDS}


def field_of(segment: str) -> str | None:
    """预算数 → budget, 决算数 / 本年决算数 → actual, 上年决算数 → prior; 增减 → None."""
    if any(w in segment for w in ("增减", "变动", "比上年", "增长", "%")):
        return None
    # "预算" alone is not enough: 一般公共预算财政拨款 heads whole tables
    if "上年" in segment and ("决算" in segment or "支出" in segment):
        return "prior"
    if "决算数" in segment or segment in ("决算", "本年决算", "实际支出", "支出数", "实际数",
                                       "金额", "本年数"):
        return "actual"
    if "预算数" in segment or segment in ("预算", "年初预算", "全年预算", "调整预算"):
        return "budget"
    return None


def _cells(lookup: Lookup, t: Table) -> dict[tuple[str, str], Amount]:
    """(item, field) → amount, whatever the orientation; duplicates are a finding."""
    found: dict[tuple[str, str], Amount] = {}

    def put(item, fld, amt):
        if item is None or fld is None:
            return
        if (item, fld) in found and found[(item, fld)].value != amt.value:
            lookup.note("IMPORT_AMBIGUOUS_VALUE", "error",
                        f"{amt.cell} 与 {found[(item, fld)].cell} 都像{ITEM_LABELS[item]}"
                        f"{FIELD_LABELS[fld]}，但数值不同，无法确定", amt.cell, found[(item, fld)].cell)
            found[(item, fld)] = Amount(None, amt.cell)
            return
        found.setdefault((item, fld), amt)

    for pane in t.panes:
        wide = any(_col_item(c.path) for c in pane.columns)
        for it in pane.items:
            row_item = outlay_item(it.label) if it.label else None
            row_field = field_of(it.label) if it.label else None
            for col in pane.columns:
                # 预算数 | 决算数 may head the items (MoF template) or sit under them
                fld = next((f for f in map(field_of, reversed(col.path)) if f), None)
                item = _col_item(col.path) if wide else row_item
                if wide and row_item is not None and item is None:
                    item = row_item
                if fld is None:
                    fld = row_field or ("actual" if len(pane.columns) == 1 or not col.path
                                        else None)
                if wide and item is None and not it.label:
                    continue
                put(item, fld, lookup.amount(t, it, col))
    return found


def _col_item(path: tuple[str, ...]) -> str | None:
    for seg in reversed(path):
        if field_of(seg) is not None and outlay_item(seg) is None:
            continue
        key = outlay_item(seg)
        if key is not None:
            return key
    return None


def fill_outlays(out: Out, lookup: Lookup, t: Table | None, econ_t: Table | None) -> None:
    cells = _cells(lookup, t) if t is not None else {}
    fields = sorted({f for _, f in cells})
    for (item, fld), amt in cells.items():
        if item in ("total", "outbound", "reception", "meeting", "training", "vehicle_purchase",
                    "vehicle_operation"):
            out.put(f"outlays.{item}.{fld}", amt)
    for fld in fields:
        _check_fields(lookup, t, cells, fld)
        _vehicle_split(lookup, out, t, cells, fld)
    for item, code in (("meeting", "30215"), ("training", "30216")):
        if any(k == item for k, _ in cells) or econ_t is None:
            continue
        _from_econ(lookup, out, econ_t, item, code)


def _parent(cells, fld) -> Amount | None:
    return cells.get(("subtotal", fld)) or cells.get(("vehicle", fld))


def _check_fields(lookup: Lookup, t: Table, cells, fld: str) -> None:
    label = f"{t.kind.name}{FIELD_LABELS[fld]}"
    parent = _parent(cells, fld)
    sum_check(lookup, f"{label}“三公”经费合计", cells.get(("total", fld)),
              [("因公出国（境）费", cells.get(("outbound", fld))),
               ("公务用车购置及运行费", parent if parent is not None else None),
               ("公务接待费", cells.get(("reception", fld)))]
              if parent is not None else
              [("因公出国（境）费", cells.get(("outbound", fld))),
               ("公务用车购置费", cells.get(("vehicle_purchase", fld))),
               ("公务用车运行维护费", cells.get(("vehicle_operation", fld))),
               ("公务接待费", cells.get(("reception", fld)))])
    if parent is not None:
        sum_check(lookup, f"{label}公务用车购置及运行费", parent,
                  [("购置费", cells.get(("vehicle_purchase", fld))),
                   ("运行维护费", cells.get(("vehicle_operation", fld)))])


def _vehicle_split(lookup: Lookup, out: Out, t: Table, cells, fld: str) -> None:
    parent = _parent(cells, fld)
    if parent is None or not parent.value:
        return
    kids = [cells.get((k, fld)) for k in ("vehicle_purchase", "vehicle_operation")]
    if any(k is not None and k.value is not None for k in kids):
        return
    for k in ("vehicle_purchase", "vehicle_operation"):
        out.data.get("outlays", {}).get(k, {}).pop(fld, None)
        out.sources.pop(f"outlays.{k}.{fld}", None)
    cells_named = [parent.cell] + [k.cell for k in kids if k is not None]
    why = "其中购置费、运行维护费各栏为空" if cells_named[1:] else "表中没有分列购置费和运行维护费"
    lookup.note("IMPORT_SPLIT_UNKNOWN", "warning",
                f"{parent.cell} 公务用车购置及运行费{FIELD_LABELS[fld]} {phrases.amount(parent.value)}"
                f"，{why}，两项未导入，请按实际情况填写", *cells_named)


def _from_econ(lookup: Lookup, out: Out, t: Table, item: str, code: str) -> None:
    for pane in t.panes:
        col = one_value_col(t, pane, lookup) if pane.columns else None
        for it in pane.items:
            if it.code == code and col is not None:
                amt = lookup.amount(t, it, col)
                if amt.value is None:
                    return
                out.put(f"outlays.{item}.actual", amt)
                lookup.note("IMPORT_BASIC_ONLY", "info",
                            f"{amt.cell} {ITEM_LABELS[item]}取自{t.kind.name}经济分类 {code}，"
                            "只含基本支出中的部分，项目支出中的未计入", amt.cell)
                return
