"""The three fixed sheets — 基本情况, 收支情况, “三公”经费 — derived from the contract schema.

Owns where each scalar of :mod:`xlpkg.core.schema` sits, what the accountant
is told beside it (unit, note), and the computed cells and checks around the
blocks. Names, Chinese labels and the blocks' rows and fields come from the
schema: a scalar added there lands on 基本情况 (by its group) or in its block
row without being spelled here; :func:`build` refuses a schema scalar it cannot
place. What is spelled here is layout only: group titles, units, notes,
positions, and which computed cell goes where.
"""

from __future__ import annotations

from collections.abc import Mapping

from xlpkg.core import schema
from xlpkg.core.values import FIELD_LABELS
from xlpkg.workbook.layout.cells import (
    AMOUNT,
    BLANK_CALC,
    CHECK,
    DATE,
    INT,
    LONGTEXT,
    NAMED,
    NUMBER,
    PCT,
    SHEET_BASIC,
    SHEET_BUDGET,
    SHEET_OUTLAYS,
    TEXT,
    UNIT_NOTE,
    YEAR,
    Field,
    Sheet,
    put_formula,
    put_label,
    put_name,
)


def _n(*path: str) -> str:
    """The defined name at a YAML path (the schema spells names, the layout places them)."""
    return schema.scalar(*path).name


# ---------------------------------------------------------------- 基本情况

BASIC_HEADER_ROW = 2
BASIC_WIDTHS = (26, 30, 8, 48)
_KIND_OF = {schema.AMOUNT: AMOUNT, schema.TEXT: TEXT, schema.DATE: DATE, schema.NUMBER: NUMBER}
# Layout kinds finer than the schema's (a year, a head count).
_KIND_OVERRIDE = {_n("department", "year"): YEAR, "staff_authorized": INT, "staff_actual": INT}
_UNIT_OF_KIND = {AMOUNT: "万元", INT: "人", YEAR: "年"}
_UNIT_OVERRIDE = {_n("buildings", "approved_scale"): "平方米", _n("buildings", "actual_scale"): "平方米"}
_NOTES = {
    _n("department", "name"): "全称，如“安化县总工会”",
    _n("department", "year"): "自评的预算年度，如 2023",
    "report_date": "报告落款日期，如 2024-03-15；不填则用生成报告当天的日期",
    _n("buildings", "approved_scale"): "建筑面积",
    _n("buildings", "actual_scale"): "建筑面积",
}
# (group key, title); a scalar's group is its YAML group, the head counts apart.
BASIC_GROUPS = (
    ("department", "一、单位"),
    ("staff", "二、人员"),
    ("carryover", "三、结转结余"),
    ("procurement", "四、政府采购"),
    ("fixed_assets", "五、固定资产"),
    ("other_budgets", "六、其他预算支出（没有的填 0，报告写“无”）"),
    ("buildings", "七、楼堂馆所（有楼堂馆所建设项目的填写）"),
)
# Computed rows closing a group: (label, function, argument names, note).
_BASIC_CALC = {
    "staff": (("在职人员控制率", "SHARE", ("staff_actual", "staff_authorized"),
               "实际在职人数 ÷ 编制数"),),
    "procurement": (("政府采购执行率", "EXEC_RATE", (_n("procurement", "actual"), _n("procurement", "budget")),
                     "实际采购金额 ÷ 采购预算"),),
    "fixed_assets": (("固定资产利用率", "SHARE", (_n("fixed_assets", "in_use"), _n("fixed_assets", "total")),
                      "在用固定资产 ÷ 固定资产总额"),),
    "buildings": (("规模控制率", "SHARE", (_n("buildings", "actual_scale"), _n("buildings", "approved_scale")),
                   "实际规模 ÷ 批复规模"),
                  ("投资概算控制率", "SHARE", (_n("buildings", "actual_investment"), _n("buildings", "budget_investment")),
                   "实际投资 ÷ 预算投资")),
}
# Planned before actual, so the two rates below them are one array call in the .xlsm
# (a run needs each argument on consecutive rows); other scalars keep the schema's order.
_ORDER = {"buildings": (_n("buildings", "approved_scale"), _n("buildings", "budget_investment"), _n("buildings", "actual_scale"),
                        _n("buildings", "actual_investment"))}
_CARRY_NAMES = (_n("carryover", "begin"), _n("income", "total", "actual"), _n("expenditure", "total", "actual"), _n("carryover", "end"))
_BLOCK_KEYS = {b.key for b in schema.BLOCKS}


def basic_group(s: schema.Scalar) -> str:
    """The 基本情况 group of a scalar outside the blocks."""
    if s.path[0] == "department" and s.path[1].startswith("staff_"):
        return "staff"
    return s.path[0]


def basic_kind(s: schema.Scalar) -> str:
    return _KIND_OVERRIDE.get(s.name, _KIND_OF[s.kind])


def _build_basic() -> None:
    s = SHEET_BASIC
    put_label(s, 0, 0, "基本情况", "title", 4)
    put_label(s, 1, 0, "黄色单元格为填写区；灰色单元格自动计算。不知道的留空，不要填 0。", "note", 4)
    for col, text in enumerate(("项目", "数值", "单位", "说明")):
        put_label(s, BASIC_HEADER_ROW, col, text, "header")
    scalars = [x for x in schema.SCALARS if x.path[0] not in _BLOCK_KEYS]
    groups = dict(BASIC_GROUPS)
    unplaced = [x.name for x in scalars if basic_group(x) not in groups]
    if unplaced:
        raise ValueError(f"no 基本情况 group for {unplaced}")
    row = BASIC_HEADER_ROW + 1
    for group, title in BASIC_GROUPS:
        put_label(s, row, 0, title, "group", 4)
        row += 1
        members = [x for x in scalars if basic_group(x) == group]
        order = _ORDER.get(group, ())
        members.sort(key=lambda x: order.index(x.name) if x.name in order else len(order))
        for x in members:
            kind = basic_kind(x)
            put_label(s, row, 0, x.label)
            put_name(x.name, s, row, 1, kind)
            unit = _UNIT_OVERRIDE.get(x.name, _UNIT_OF_KIND.get(kind, ""))
            if unit:
                put_label(s, row, 2, unit)
            if x.name in _NOTES:
                put_label(s, row, 3, _NOTES[x.name], "note")
            row += 1
        if group == "carryover":
            put_label(s, row, 0, "核对：年末＝年初＋本年收入－本年支出", "calc_label")
            put_formula(s, row, 1, "CHECK_CARRY", [Field(n) for n in _CARRY_NAMES], CHECK,
                        tuple(FIELD_LABELS[n] for n in _CARRY_NAMES))
            put_label(s, row, 3, "年初结转结余＋本年收入合计－财政拨款支出合计，应等于年末结转结余",
                      "note")
            row += 1
        for text, func, names, note in _BASIC_CALC.get(group, ()):
            put_label(s, row, 0, text, "calc_label")
            put_formula(s, row, 1, func, [Field(n) for n in names], PCT)
            put_label(s, row, 3, note, "note")
            row += 1


# ---------------------------------------------------------------- the blocks


def _rows_from(block: schema.Block, first: int) -> dict[str, int]:
    return {key: first + i for i, (key, _) in enumerate(block.rows)}


def _block_columns(block: schema.Block) -> dict[str, int]:
    return {f: 1 + i for i, f in enumerate(block.fields)}


def _block_headers(fields, calc: Mapping[str, str]) -> tuple[str, ...]:
    return ("项目", *(schema.FIELD_LABELS[f] for f in fields), *calc.values(),
            schema.FIELD_LABELS["reason"])


# 收支情况: income and expenditure share the columns (income lacks the budgets).
BUDGET_HEADER_ROW = 2
BUDGET_COLUMNS = _block_columns(schema.EXPENDITURE)
_BUDGET_CALC = {"diff": "增减额", "pct": "增减率", "exec": "执行率", "share": "占比", "text": "增减说明"}
BUDGET_CALC_COLUMNS = {k: len(BUDGET_COLUMNS) + 1 + i for i, k in enumerate(_BUDGET_CALC)}
BUDGET_REASON_COLUMN = len(BUDGET_COLUMNS) + len(_BUDGET_CALC) + 1
BUDGET_HEADERS = _block_headers(schema.EXPENDITURE.fields, _BUDGET_CALC)
BUDGET_WIDTHS = (24, 12.5, 12.5, 12.5, 12.5, 11, 9, 9, 9, 32, 30)
INCOME_ROW = _rows_from(schema.INCOME, 4)
INCOME_CHECK_ROW = INCOME_ROW["other"] + 1
EXPENDITURE_ROW = _rows_from(schema.EXPENDITURE, INCOME_CHECK_ROW + 2)
EXPENDITURE_CHECK_ROWS = {"total": EXPENDITURE_ROW["project"] + 1,   # total row → its check row
                          "basic": EXPENDITURE_ROW["project"] + 2}
BUDGET_CHART_ROW = EXPENDITURE_CHECK_ROWS["basic"] + 4
# what each row's 占比 is a share of
_SHARE_OF = {"inc_fiscal": "inc_total", "inc_other": "inc_total",
             "exp_basic": "exp_total", "exp_project": "exp_total",
             "exp_personnel": "exp_basic", "exp_public": "exp_basic"}
_INDENT = {"fiscal", "other", "basic", "project"}
_INDENT2 = {"personnel", "public"}


def _block_row(sheet: Sheet, block: schema.Block, key: str, row: int, style: str,
               columns: Mapping[str, int], calc: Mapping[str, int], reason_col: int) -> None:
    """One row of a fixed block: label, input cells, the computed columns, 变动原因."""
    prefix = block.prefix
    put_label(sheet, row, 0, dict(block.rows)[key], style)
    for field, col in columns.items():
        if field in block.fields:
            put_name(f"{prefix}_{key}_{field}", sheet, row, col, AMOUNT)
        else:
            BLANK_CALC.append((sheet.name, row, col))
    actual, prior = Field(f"{prefix}_{key}_actual"), Field(f"{prefix}_{key}_prior")
    put_formula(sheet, row, calc["diff"], "YOY_DIFF", (actual, prior), AMOUNT)
    put_formula(sheet, row, calc["pct"], "PCT_CHANGE", (actual, prior), PCT)
    budget = next((f for f in ("budget_final", "budget") if f in block.fields), None)
    if budget:
        put_formula(sheet, row, calc["exec"], "EXEC_RATE",
                    (actual, Field(f"{prefix}_{key}_{budget}")), PCT)
    else:
        BLANK_CALC.append((sheet.name, row, calc["exec"]))
    if "share" in calc:
        whole = _SHARE_OF.get(f"{prefix}_{key}")
        if whole:
            put_formula(sheet, row, calc["share"], "SHARE", (actual, Field(f"{whole}_actual")),
                        PCT)
        else:
            BLANK_CALC.append((sheet.name, row, calc["share"]))
    put_formula(sheet, row, calc["text"], "CHANGE_TEXT", (actual, prior), TEXT)
    if block.reason:
        put_name(f"{prefix}_{key}_reason", sheet, row, reason_col, LONGTEXT)
    else:
        BLANK_CALC.append((sheet.name, row, reason_col))


def _style(key: str) -> str:
    return "indent2" if key in _INDENT2 else "indent" if key in _INDENT else "label_bold"


def _check_row(sheet: Sheet, row: int, text: str, block: schema.Block, total: str, parts,
               columns: Mapping[str, int]) -> None:
    prefix = block.prefix
    put_label(sheet, row, 0, text, "calc_label")
    for field, col in columns.items():
        if field in block.fields:
            args = [Field(f"{prefix}_{total}_{field}")]
            args += [Field(f"{prefix}_{p}_{field}") for p in parts]
            labels = tuple(FIELD_LABELS[f"{prefix}_{p}_{field}"] for p in parts)
            put_formula(sheet, row, col, "CHECK_SUM", args, CHECK, labels)


def _build_budget() -> None:
    s, width = SHEET_BUDGET, len(BUDGET_HEADERS)
    put_label(s, 0, 0, "收支情况", "title", width)
    put_label(s, 1, 0, UNIT_NOTE + "。合计数照决算报表填写；与明细不符时合计变红，“核对”行显示相差金额。",
              "note", width)
    for col, text in enumerate(BUDGET_HEADERS):
        put_label(s, BUDGET_HEADER_ROW, col, text, "header")
    put_label(s, INCOME_ROW["total"] - 1, 0, "一、收入", "group", width)
    for key, row in INCOME_ROW.items():
        _block_row(s, schema.INCOME, key, row, _style(key), BUDGET_COLUMNS, BUDGET_CALC_COLUMNS,
                   BUDGET_REASON_COLUMN)
    _check_row(s, INCOME_CHECK_ROW, "核对：合计＝财政拨款＋其他", schema.INCOME, "total",
               ("fiscal", "other"), BUDGET_COLUMNS)
    put_label(s, EXPENDITURE_ROW["total"] - 1, 0, "二、财政拨款支出", "group", width)
    for key, row in EXPENDITURE_ROW.items():
        _block_row(s, schema.EXPENDITURE, key, row, _style(key), BUDGET_COLUMNS,
                   BUDGET_CALC_COLUMNS, BUDGET_REASON_COLUMN)
    _check_row(s, EXPENDITURE_CHECK_ROWS["total"], "核对：合计＝基本＋项目", schema.EXPENDITURE,
               "total", ("basic", "project"), BUDGET_COLUMNS)
    _check_row(s, EXPENDITURE_CHECK_ROWS["basic"], "核对：基本＝人员＋公用", schema.EXPENDITURE,
               "basic", ("personnel", "public"), BUDGET_COLUMNS)
    put_label(s, BUDGET_CHART_ROW - 2, 0,
              "增减额、增减率、执行率、占比由公式计算（灰色）；任一数据为空时显示为空，不按 0 计算。"
              "变动原因写明本年与上年或与预算相比变动较大的原因。", "note", width)


# ---------------------------------------------------------------- “三公”经费

OUTLAY_HEADER_ROW = 2
OUTLAY_COLUMNS = _block_columns(schema.OUTLAYS)
_OUTLAY_CALC = {"diff": "增减额", "pct": "增减率", "exec": "控制率", "text": "增减说明"}
OUTLAY_CALC_COLUMNS = {k: len(OUTLAY_COLUMNS) + 1 + i for i, k in enumerate(_OUTLAY_CALC)}
OUTLAY_REASON_COLUMN = len(OUTLAY_COLUMNS) + len(_OUTLAY_CALC) + 1
OUTLAY_HEADERS = _block_headers(schema.OUTLAYS.fields, _OUTLAY_CALC)
OUTLAY_WIDTHS = (26, 12.5, 12.5, 12.5, 11, 9, 9, 32, 30)
# 会议费、培训费 follow the four items directly (not part of the 合计), so each computed
# column is one run of rows: one array call in the .xlsm instead of two.
OUTLAY_ROW = _rows_from(schema.OUTLAYS, OUTLAY_HEADER_ROW + 1)
OUTLAY_CHECK_ROW = max(OUTLAY_ROW.values()) + 1


def _build_outlays() -> None:
    s, width = SHEET_OUTLAYS, len(OUTLAY_HEADERS)
    put_label(s, 0, 0, "“三公”经费及会议费、培训费", "title", width)
    put_label(s, 1, 0, UNIT_NOTE + "。没有发生的填 0；控制率＝本年决算数 ÷ 预算数。", "note", width)
    for col, text in enumerate(OUTLAY_HEADERS):
        put_label(s, OUTLAY_HEADER_ROW, col, text, "header")
    for key, row in OUTLAY_ROW.items():
        style = "indent" if key in schema.THREE_PUBLIC_ROWS else "label_bold"
        _block_row(s, schema.OUTLAYS, key, row, style, OUTLAY_COLUMNS, OUTLAY_CALC_COLUMNS,
                   OUTLAY_REASON_COLUMN)
    _check_row(s, OUTLAY_CHECK_ROW, "核对：“三公”经费合计＝四项之和", schema.OUTLAYS, "total",
               schema.THREE_PUBLIC_ROWS, OUTLAY_COLUMNS)
    put_label(s, OUTLAY_CHECK_ROW + 1, 0, "会议费、培训费不计入“三公”经费合计。", "note", width)


def build() -> None:
    """Fill the registries of :mod:`cells` once; every schema scalar must get its cell."""
    if NAMED:
        return
    _build_basic()
    _build_budget()
    _build_outlays()
    missing = [s.name for s in schema.SCALARS if s.name not in NAMED]
    if missing:
        raise ValueError(f"schema scalars without a workbook cell: {missing}")
