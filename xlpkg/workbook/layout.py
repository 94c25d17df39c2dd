"""Where everything lives in the xlpkg workbook: the one description of its layout.

Owns the sheets (Chinese names, ASCII VBA code names, order), the cell of every
scalar defined name, the five tables (position, Chinese headers, column kinds,
default length), the computed cells (which UDF, on which arguments), the
fixed labels, the 使用说明 text and its buttons, and the anchors below which
the macros write (:data:`CHECKS_ANCHOR`, :data:`SCORESHEET_ANCHOR`).

:mod:`xlpkg.workbook.build` renders this description with XlsxWriter; the
macros and the tests import it to find cells. The reader does not: it finds
data by defined name and table only (CONTRACT §3), so a user's workbook laid
out differently still reads.

Rows and columns are 0-based here (XlsxWriter's convention); :func:`a1` gives
the Excel address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlpkg.core.model import (
    EXPENDITURE_FIELDS,
    FIELD_LABELS,
    INCOME_FIELDS,
    LABELS,
    NARRATIVE_LABELS,
    NARRATIVE_SECTIONS,
    OUTLAY_FIELDS,
)

# ---------------------------------------------------------------- addresses


def col_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int, *, absolute: bool = False) -> str:
    """(0, 0) → ``A1``; with ``absolute`` → ``$A$1``."""
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"


@dataclass(frozen=True)
class Sheet:
    name: str               # what the accountant sees
    codename: str           # VBA code name: ASCII, since module names are stored in a code page
    landscape: bool = False
    protected: bool = False  # locks computed cells (no password)
    hidden: bool = False


SHEET_GUIDE = Sheet("使用说明", "shGuide", protected=True)
SHEET_BASIC = Sheet("基本情况", "shBasic", protected=True)
SHEET_BUDGET = Sheet("收支情况", "shBudget", landscape=True, protected=True)
SHEET_ECON = Sheet("经济分类", "shEcon", landscape=True)
SHEET_PROJECTS = Sheet("项目支出", "shProjects", landscape=True)
SHEET_OUTLAYS = Sheet("“三公”经费", "shOutlays", landscape=True, protected=True)
SHEET_TASKS = Sheet("重点工作", "shTasks", landscape=True)
# The sheets holding tables are not protected: Excel cannot grow a table on a
# protected sheet, and the macros write the last two.
SHEET_TEXT = Sheet("文字内容", "shText")
SHEET_SCORES = Sheet("自评打分", "shScores")
SHEET_SCORESHEET = Sheet("自评表", "shScoresheet", landscape=True)
SHEET_CHECKS = Sheet("校验结果", "shChecks", landscape=True)
SHEET_CONF = Sheet("xlwings.conf", "shConf", hidden=True)

SHEETS: tuple[Sheet, ...] = (
    SHEET_GUIDE, SHEET_BASIC, SHEET_BUDGET, SHEET_ECON, SHEET_PROJECTS, SHEET_OUTLAYS,
    SHEET_TASKS, SHEET_TEXT, SHEET_SCORES, SHEET_SCORESHEET, SHEET_CHECKS, SHEET_CONF,
)
SHEET_CODENAMES: tuple[str, ...] = tuple(s.codename for s in SHEETS)

# xlwings reads its settings from a sheet of this name (key in A, value in B).
XLWINGS_CONF = (("UDF Modules", "xlpkg.excel.udfs"),)

# ---------------------------------------------------------------- macro output areas

CHECKS_SHEET = SHEET_CHECKS.name
CHECKS_HEADERS = ("级别", "代码", "说明", "单元格")
CHECKS_HEADER_ROW = 2
CHECKS_ANCHOR = "checks_anchor"          # defined name of the first data cell
CHECKS_ANCHOR_CELL = a1(CHECKS_HEADER_ROW + 1, 0)

SCORESHEET_SHEET = SHEET_SCORESHEET.name
SCORESHEET_HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "评分标准", "指标值", "得分",
                      "说明（扣分原因）")
SCORESHEET_HEADER_ROW = 2
SCORESHEET_ANCHOR = "scoresheet_anchor"
SCORESHEET_ANCHOR_CELL = a1(SCORESHEET_HEADER_ROW + 1, 0)

# ---------------------------------------------------------------- formula arguments


@dataclass(frozen=True)
class Field:
    """A scalar contract field, i.e. a defined name (``exp_basic_actual``)."""

    name: str


@dataclass(frozen=True)
class Here:
    """The same row's cell of another column (only inside a table column's formula)."""

    key: str


@dataclass(frozen=True)
class TableCell:
    """Row ``index`` (0-based) of a table column."""

    table: str
    index: int
    key: str


@dataclass(frozen=True)
class Span:
    """A table column's whole data range."""

    table: str
    key: str


Arg = Field | Here | TableCell | Span


@dataclass(frozen=True)
class Formula:
    """A computed cell: ``=func(args…)``.

    ``func`` is a worksheet function of ``core.sheet_functions`` (PCT_CHANGE …),
    SUM (an empty column gives a blank, not 0), or an in-sheet check: CHECK_SUM
    (a total against its parts, ``labels`` naming the parts), CHECK_CALIBER (a
    total against economic classification codes, one tuple of codes per
    accepted basis in ``bases``) or CHECK_CARRY (the carry-over equation).
    """

    sheet: str
    row: int
    col: int
    func: str
    args: tuple[Arg, ...]
    kind: str  # how to format the result: amount, pct, text, check
    labels: tuple[str, ...] = ()
    bases: tuple[tuple[str, ...], ...] = ()

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)


# Kinds of cells; workbook_build maps each to a number format, a fill and a validation.
AMOUNT, PCT, TEXT, LONGTEXT, CODE, INT, YEAR, NUMBER, SCORE = (
    "amount", "pct", "text", "longtext", "code", "int", "year", "number", "score")
COMPARATOR, SECTION, CHECK = "comparator", "section", "check"

COMPARATOR_CHOICES = ("≥", "≤", "=")
SECTION_CHOICES = tuple(NARRATIVE_LABELS[s] for s in NARRATIVE_SECTIONS)


# ---------------------------------------------------------------- scalar names


@dataclass(frozen=True)
class Named:
    """An input cell carrying a workbook-scoped defined name."""

    name: str
    sheet: str
    row: int
    col: int
    kind: str

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Label:
    """Fixed text: a title, a header, a row label, a note. ``span`` merges columns."""

    sheet: str
    row: int
    col: int
    text: str
    style: str = "label"  # title, note, header, label, indent, group, calc_label
    span: int = 1


NAMED: dict[str, Named] = {}
FORMULAS: list[Formula] = []   # the fixed sheets' computed cells (tables add theirs)
LABELS_FIXED: list[Label] = []
BLANK_CALC: list[tuple[str, int, int]] = []  # grey not-applicable cells in the fixed blocks


def _name(name: str, sheet: Sheet, row: int, col: int, kind: str) -> None:
    NAMED[name] = Named(name, sheet.name, row, col, kind)


def _label(sheet: Sheet, row: int, col: int, text: str, style: str = "label",
           span: int = 1) -> None:
    LABELS_FIXED.append(Label(sheet.name, row, col, text, style, span))


def _formula(sheet: Sheet, row: int, col: int, func: str, args, kind: str,
             labels: tuple[str, ...] = ()) -> None:
    FORMULAS.append(Formula(sheet.name, row, col, func, tuple(args), kind, labels))


UNIT_NOTE = "金额单位：万元"

# ---- 基本情况: one labelled value per row

BASIC_HEADER_ROW = 2
BASIC_WIDTHS = (26, 30, 8, 44)
_BASIC_ROWS: tuple[tuple, ...] = (
    ("group", "一、单位"),
    ("dept_name", TEXT, "", "全称，如“安化县总工会”"),
    ("dept_year", YEAR, "年", "自评的预算年度，如 2023"),
    ("group", "二、人员"),
    ("staff_authorized", INT, "人", ""),
    ("staff_actual", INT, "人", ""),
    ("calc", "在职人员控制率", "SHARE", ("staff_actual", "staff_authorized"), "实际在职人数 ÷ 编制数"),
    ("group", "三、结转结余"),
    ("carry_begin", AMOUNT, "万元", ""),
    ("carry_end", AMOUNT, "万元", ""),
    ("check_carry", "核对：年末＝年初＋本年收入－本年支出"),
    ("group", "四、政府采购"),
    ("proc_budget", AMOUNT, "万元", ""),
    ("proc_actual", AMOUNT, "万元", ""),
    ("calc", "政府采购执行率", "EXEC_RATE", ("proc_actual", "proc_budget"), "实际采购金额 ÷ 采购预算"),
    ("group", "五、固定资产"),
    ("fa_total", AMOUNT, "万元", ""),
    ("fa_in_use", AMOUNT, "万元", ""),
    ("calc", "固定资产利用率", "SHARE", ("fa_in_use", "fa_total"), "在用固定资产 ÷ 固定资产总额"),
    ("group", "六、其他预算支出（没有的填 0，报告写“无”）"),
    ("gf_actual", AMOUNT, "万元", ""),
    ("soe_actual", AMOUNT, "万元", ""),
    ("ssf_actual", AMOUNT, "万元", ""),
)


def _build_basic() -> None:
    s = SHEET_BASIC
    _label(s, 0, 0, "基本情况", "title", 4)
    _label(s, 1, 0, "黄色单元格为填写区；灰色单元格自动计算。不知道的留空，不要填 0。", "note", 4)
    for col, text in enumerate(("项目", "数值", "单位", "说明")):
        _label(s, BASIC_HEADER_ROW, col, text, "header")
    row = BASIC_HEADER_ROW + 1
    for spec in _BASIC_ROWS:
        if spec[0] == "group":
            _label(s, row, 0, spec[1], "group", 4)
        elif spec[0] == "check_carry":
            _label(s, row, 0, spec[1], "calc_label")
            names = ("carry_begin", "inc_total_actual", "exp_total_actual", "carry_end")
            _formula(s, row, 1, "CHECK_CARRY", [Field(n) for n in names], CHECK,
                     tuple(FIELD_LABELS[n] for n in names))
            _label(s, row, 3, "年初结转结余＋本年收入合计－财政拨款支出合计，应等于年末结转结余", "note")
        elif spec[0] == "calc":
            _, text, func, names, note = spec
            _label(s, row, 0, text, "calc_label")
            _formula(s, row, 1, func, [Field(n) for n in names], PCT)
            _label(s, row, 3, note, "note")
        else:
            name, kind, unit, note = spec
            _label(s, row, 0, FIELD_LABELS[name])
            _name(name, s, row, 1, kind)
            if unit:
                _label(s, row, 2, unit)
            if note:
                _label(s, row, 3, note, "note")
        row += 1


# ---- 收支情况: income and expenditure blocks with computed columns

BUDGET_HEADER_ROW = 2
BUDGET_COLUMNS = {"prior": 1, "budget_initial": 2, "budget_final": 3, "actual": 4}
BUDGET_CALC_COLUMNS = {"diff": 5, "pct": 6, "exec": 7, "share": 8, "text": 9}
BUDGET_HEADERS = ("项目", "上年决算数", "年初预算数", "全年预算数", "本年决算数", "增减额",
                  "增减率", "执行率", "占比", "增减说明")
BUDGET_WIDTHS = (24, 13, 13, 13, 13, 12, 10, 10, 10, 36)
INCOME_ROW = {"total": 4, "fiscal": 5, "other": 6}
INCOME_CHECK_ROW = 7
EXPENDITURE_ROW = {"total": 9, "basic": 10, "personnel": 11, "public": 12, "project": 13}
EXPENDITURE_CHECK_ROWS = {"total": 14, "basic": 15}   # total row → its check row
BUDGET_CHART_ROW = 19
# what each row's 占比 is a share of
_SHARE_OF = {"inc_fiscal": "inc_total", "inc_other": "inc_total",
             "exp_basic": "exp_total", "exp_project": "exp_total",
             "exp_personnel": "exp_basic", "exp_public": "exp_basic"}
_INDENT = {"fiscal", "other", "basic", "project"}
_INDENT2 = {"personnel", "public"}


def _block_row(sheet: Sheet, prefix: str, key: str, row: int, style: str,
               columns: Mapping[str, int], fields, calc: Mapping[str, int]) -> None:
    """One row of a fixed block: label, input cells, then the computed columns in ``calc``."""
    _label(sheet, row, 0, LABELS[f"{prefix}.{key}"], style)
    for field, col in columns.items():
        if field in fields:
            _name(f"{prefix}_{key}_{field}", sheet, row, col, AMOUNT)
        else:
            BLANK_CALC.append((sheet.name, row, col))
    actual, prior = Field(f"{prefix}_{key}_actual"), Field(f"{prefix}_{key}_prior")
    _formula(sheet, row, calc["diff"], "YOY_DIFF", (actual, prior), AMOUNT)
    _formula(sheet, row, calc["pct"], "PCT_CHANGE", (actual, prior), PCT)
    budget = next((f for f in ("budget_final", "budget") if f in fields), None)
    if budget:
        _formula(sheet, row, calc["exec"], "EXEC_RATE",
                 (actual, Field(f"{prefix}_{key}_{budget}")), PCT)
    else:
        BLANK_CALC.append((sheet.name, row, calc["exec"]))
    if "share" in calc:
        whole = _SHARE_OF.get(f"{prefix}_{key}")
        if whole:
            _formula(sheet, row, calc["share"], "SHARE", (actual, Field(f"{whole}_actual")), PCT)
        else:
            BLANK_CALC.append((sheet.name, row, calc["share"]))
    _formula(sheet, row, calc["text"], "CHANGE_TEXT", (actual, prior), TEXT)


def _style(key: str) -> str:
    return "indent2" if key in _INDENT2 else "indent" if key in _INDENT else "label_bold"


def _check_row(sheet: Sheet, row: int, text: str, prefix: str, total: str, parts,
               columns: Mapping[str, int], fields) -> None:
    _label(sheet, row, 0, text, "calc_label")
    for field, col in columns.items():
        if field in fields:
            args = [Field(f"{prefix}_{total}_{field}")]
            args += [Field(f"{prefix}_{p}_{field}") for p in parts]
            labels = tuple(FIELD_LABELS[f"{prefix}_{p}_{field}"] for p in parts)
            _formula(sheet, row, col, "CHECK_SUM", args, CHECK, labels)


def _build_budget() -> None:
    s = SHEET_BUDGET
    _label(s, 0, 0, "收支情况", "title", len(BUDGET_HEADERS))
    _label(s, 1, 0, UNIT_NOTE + "。合计数照决算报表填写；与明细不符时合计变红，“核对”行显示相差金额。",
           "note", len(BUDGET_HEADERS))
    for col, text in enumerate(BUDGET_HEADERS):
        _label(s, BUDGET_HEADER_ROW, col, text, "header")
    _label(s, INCOME_ROW["total"] - 1, 0, "一、收入", "group", len(BUDGET_HEADERS))
    for key, row in INCOME_ROW.items():
        _block_row(s, "inc", key, row, _style(key), BUDGET_COLUMNS, INCOME_FIELDS,
                   BUDGET_CALC_COLUMNS)
    _check_row(s, INCOME_CHECK_ROW, "核对：合计＝财政拨款＋其他", "inc", "total",
               ("fiscal", "other"), BUDGET_COLUMNS, INCOME_FIELDS)
    _label(s, EXPENDITURE_ROW["total"] - 1, 0, "二、财政拨款支出", "group", len(BUDGET_HEADERS))
    for key, row in EXPENDITURE_ROW.items():
        _block_row(s, "exp", key, row, _style(key), BUDGET_COLUMNS, EXPENDITURE_FIELDS,
                   BUDGET_CALC_COLUMNS)
    _check_row(s, EXPENDITURE_CHECK_ROWS["total"], "核对：合计＝基本＋项目", "exp", "total",
               ("basic", "project"), BUDGET_COLUMNS, EXPENDITURE_FIELDS)
    _check_row(s, EXPENDITURE_CHECK_ROWS["basic"], "核对：基本＝人员＋公用", "exp", "basic",
               ("personnel", "public"), BUDGET_COLUMNS, EXPENDITURE_FIELDS)
    _label(s, BUDGET_CHART_ROW - 2, 0,
           "增减额、增减率、执行率、占比由公式计算（灰色）；任一数据为空时显示为空，不按 0 计算。",
           "note", len(BUDGET_HEADERS))


# ---- “三公”经费 and 会议费、培训费

OUTLAY_HEADER_ROW = 2
OUTLAY_COLUMNS = {"prior": 1, "budget": 2, "actual": 3}
OUTLAY_CALC_COLUMNS = {"diff": 4, "pct": 5, "exec": 6, "text": 7}
OUTLAY_HEADERS = ("项目", "上年决算数", "预算数", "本年决算数", "增减额", "增减率", "控制率",
                  "增减说明")
OUTLAY_WIDTHS = (26, 13, 13, 13, 12, 10, 10, 36)
# 会议费、培训费 follow the four items directly (not part of the 合计), so each computed
# column is one run of rows: one array call in the .xlsm instead of two.
OUTLAY_ROW = {"total": 3, "outbound": 4, "vehicle_purchase": 5, "vehicle_operation": 6,
              "reception": 7, "meeting": 8, "training": 9}
OUTLAY_CHECK_ROW = 10
_SANGONG = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")


def _build_outlays() -> None:
    s = SHEET_OUTLAYS
    _label(s, 0, 0, "“三公”经费及会议费、培训费", "title", len(OUTLAY_HEADERS))
    _label(s, 1, 0, UNIT_NOTE + "。没有发生的填 0；控制率＝本年决算数 ÷ 预算数。", "note",
           len(OUTLAY_HEADERS))
    for col, text in enumerate(OUTLAY_HEADERS):
        _label(s, OUTLAY_HEADER_ROW, col, text, "header")
    for key, row in OUTLAY_ROW.items():
        style = "label_bold" if key == "total" else "indent" if key in _SANGONG else "label_bold"
        _block_row(s, "out", key, row, style, OUTLAY_COLUMNS, OUTLAY_FIELDS, OUTLAY_CALC_COLUMNS)
    _check_row(s, OUTLAY_CHECK_ROW, "核对：“三公”经费合计＝四项之和", "out", "total", _SANGONG,
               OUTLAY_COLUMNS, OUTLAY_FIELDS)
    _label(s, OUTLAY_CHECK_ROW + 1, 0, "会议费、培训费不计入“三公”经费合计。", "note",
           len(OUTLAY_HEADERS))


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    header: str               # the contract's Chinese header (CONTRACT §3), or a computed one
    key: str | None           # contract key; None for a computed column
    kind: str
    width: float
    func: str = ""            # computed columns: the UDF …
    args: tuple[Arg, ...] = ()  # … and its arguments (Here = same row)


@dataclass(frozen=True)
class SummaryRow:
    """A row above a table: a label, then one formula under some of its columns."""

    offset: int                      # rows above the header row
    label: str
    func: str
    args: Mapping[str, tuple]        # column key → args (a Span stands for that column)
    kind: str
    bases: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    title: str
    note: str
    header_row: int
    columns: tuple[Column, ...]
    default_rows: int
    summary: tuple[SummaryRow, ...] = ()
    first_col: int = 0

    def col(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return self.first_col + i
        raise KeyError(key)

    @property
    def input_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.key)

    @property
    def headers(self) -> dict[str, str]:
        """contract key → Chinese header."""
        return {c.key: c.header for c in self.columns if c.key}

    def first_data_row(self) -> int:
        return self.header_row + 1

    def last_row(self, rows: int) -> int:
        return self.header_row + max(rows, 1)

    def ref(self, rows: int) -> str:
        """The table's range including its header row, e.g. ``A7:G17``."""
        last_col = self.first_col + len(self.columns) - 1
        return f"{a1(self.header_row, self.first_col)}:{a1(self.last_row(rows), last_col)}"

    def span(self, key: str, rows: int) -> str:
        col = self.col(key)
        return f"{a1(self.first_data_row(), col)}:{a1(self.last_row(rows), col)}"


PERSONNEL_CODES = (("301", "303"),)          # 决算口径 (core.checks.check_personnel_caliber)
PUBLIC_CODES = (("302",), ("302", "310"))     # either basis (core.checks.check_public_caliber)


def _econ_summary() -> tuple[SummaryRow, ...]:
    both = ("prior", "actual")

    def caliber(row: str) -> dict:
        return {k: (Field(f"exp_{row}_{k}"), Span("tbl_econ", "code"), Span("tbl_econ", k))
                for k in both}

    return (
        SummaryRow(5, "经济分类合计", "SUM", {k: (Span("tbl_econ", k),) for k in both}, AMOUNT),
        SummaryRow(4, "核对：基本支出＝各科目合计", "CHECK_SUM",
                   {k: (Field(f"exp_basic_{k}"), Span("tbl_econ", k)) for k in both}, CHECK),
        SummaryRow(3, "核对：人员经费＝301＋303", "CHECK_CALIBER", caliber("personnel"), CHECK,
                   PERSONNEL_CODES),
        SummaryRow(2, "核对：公用经费＝302（＋310）", "CHECK_CALIBER", caliber("public"), CHECK,
                   PUBLIC_CODES),
    )


def _project_summary() -> tuple[SummaryRow, ...]:
    cols = EXPENDITURE_FIELDS
    return (
        SummaryRow(3, "项目明细合计", "SUM", {k: (Span("tbl_projects", k),) for k in cols},
                   AMOUNT),
        SummaryRow(2, "核对：项目支出＝各项目合计", "CHECK_SUM",
                   {k: (Field(f"exp_project_{k}"), Span("tbl_projects", k)) for k in cols}, CHECK),
    )


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("tbl_econ", SHEET_ECON.name, "基本支出按经济分类",
          UNIT_NOTE + "。每个经济分类科目一行，科目编码填 301、302、303……", 7, (
              Column("科目编码", "code", CODE, 10),
              Column("科目名称", "name", TEXT, 26),
              Column("上年决算数", "prior", AMOUNT, 13),
              Column("本年决算数", "actual", AMOUNT, 13),
              Column("增减额", None, AMOUNT, 12, "YOY_DIFF", (Here("actual"), Here("prior"))),
              Column("增减率", None, PCT, 10, "PCT_CHANGE", (Here("actual"), Here("prior"))),
              Column("占比", None, PCT, 10, "SHARE", (Here("actual"), Field("exp_basic_actual"))),
          ), 10, _econ_summary()),
    Table("tbl_projects", SHEET_PROJECTS.name, "项目支出",
          UNIT_NOTE + "。每个项目一行；执行率＝本年决算数 ÷ 全年预算数。", 5, (
              Column("项目名称", "name", TEXT, 30),
              Column("上年决算数", "prior", AMOUNT, 13),
              Column("年初预算数", "budget_initial", AMOUNT, 13),
              Column("全年预算数", "budget_final", AMOUNT, 13),
              Column("本年决算数", "actual", AMOUNT, 13),
              Column("执行率", None, PCT, 10, "EXEC_RATE", (Here("actual"), Here("budget_final"))),
              Column("增减率", None, PCT, 10, "PCT_CHANGE", (Here("actual"), Here("prior"))),
              Column("资金用途", "purpose", LONGTEXT, 44),
          ), 15, _project_summary()),
    Table("tbl_tasks", SHEET_TASKS.name, "年度重点工作（绩效目标）",
          "每项工作或绩效指标一行；“比较”选 ≥（至少）、≤（至多）或 =；目标值可以是数字或文字。", 2, (
              Column("工作内容", "name", TEXT, 32),
              Column("指标类别", "category", TEXT, 18),
              Column("计量单位", "unit", TEXT, 10),
              Column("比较", "comparator", COMPARATOR, 7),
              Column("目标值", "target", NUMBER, 12),
              Column("实际值", "actual", NUMBER, 12),
              Column("完成率", None, PCT, 10, "COMPLETION",
                     (Here("actual"), Here("target"), Here("comparator"))),
              Column("分值", "weight", SCORE, 8),
              Column("说明", "note", LONGTEXT, 40),
          ), 15),
    Table("tbl_text", SHEET_TEXT.name, "文字内容",
          "每段一行；“栏目”从下拉列表选择，报告按提纲顺序、同一栏目内按行的先后排列。", 2, (
              Column("栏目", "section", SECTION, 30),
              Column("内容", "content", LONGTEXT, 100),
          ), 40),
    Table("tbl_scores", SHEET_SCORES.name, "自评打分（需人工判断的指标）",
          "“指标”填自评表中的三级指标名称；得分按评分标准自行判断，说明扣分原因。", 2, (
              Column("指标", "indicator", TEXT, 36),
              Column("自评得分", "score", SCORE, 12),
              Column("说明", "note", LONGTEXT, 60),
          ), 15),
)}

TABLE_ROWS_DEFAULT = {name: t.default_rows for name, t in TABLES.items()}
SPARE_ROWS = 3  # blank rows `fill` leaves below the data of each table

Sizes = Mapping[str, int]


def table_formulas(table: Table, rows: int) -> list[Formula]:
    """The computed cells of a table of ``rows`` data rows, and of its summary rows."""
    out = []
    for i in range(max(rows, 1)):
        for j, c in enumerate(table.columns):
            if c.func:
                args = tuple(TableCell(table.name, i, a.key) if isinstance(a, Here) else a
                             for a in c.args)
                out.append(Formula(table.sheet, table.first_data_row() + i,
                                   table.first_col + j, c.func, args, c.kind))
    for s in table.summary:
        for key, args in s.args.items():
            out.append(Formula(table.sheet, table.header_row - s.offset, table.col(key),
                               s.func, tuple(args), s.kind, bases=s.bases))
    return out


def column_formulas(table: Table) -> list[tuple[int, Column]]:
    """(sheet column, column) of every computed column of a table."""
    return [(table.first_col + j, c) for j, c in enumerate(table.columns) if c.func]


def all_formulas(sizes: Sizes | None = None) -> list[Formula]:
    """Every computed cell of the workbook, for tables of the given lengths."""
    sizes = {**TABLE_ROWS_DEFAULT, **(sizes or {})}
    out = list(FORMULAS)
    for name, table in TABLES.items():
        out += table_formulas(table, sizes[name])
    return out


def _quote(sheet: str) -> str:
    """A sheet name as a formula needs it: quoted unless plain letters/digits."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def defined_name_formula(named: Named) -> str:
    return f"={_quote(named.sheet)}!{a1(named.row, named.col, absolute=True)}"


def anchor_formula(sheet: str, header_row: int) -> str:
    return f"={_quote(sheet)}!{a1(header_row + 1, 0, absolute=True)}"


from xlpkg.workbook.guide import (  # noqa: F401  (the macros and tests look here)
    BUTTONS,
    GUIDE_BUTTON_ROWS,
    GUIDE_FIRST_LINE_ROW,
    GUIDE_INTRO,
    GUIDE_LINES,
    GUIDE_TITLE,
    GUIDE_WIDTHS,
    Button,
)

_build_basic()
_build_budget()
_build_outlays()

ALL_NAMES: tuple[str, ...] = tuple(NAMED) + (CHECKS_ANCHOR, SCORESHEET_ANCHOR)
