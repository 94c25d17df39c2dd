"""The workbook's vocabulary of places: addresses, sheets, cell kinds, formula arguments.

Owns what every part of the layout is made of — a :class:`Sheet`, a
:class:`Named` input cell, a :class:`Label`, a :class:`Formula` and its
arguments (:class:`Field`, :class:`Here`, :class:`TableCell`, :class:`Span`) —
the sheets themselves (Chinese names, ASCII VBA code names, order), the areas
the macros write into, and the registries the fixed sheets fill
(:data:`NAMED`, :data:`FORMULAS`, :data:`LABELS_FIXED`, :data:`BLANK_CALC`).

Rows and columns are 0-based (XlsxWriter's convention); :func:`a1` gives the
Excel address.
"""

from __future__ import annotations

from xlpkg.core.record import record

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


def quote_sheet(sheet: str) -> str:
    """A sheet name as a formula needs it: quoted unless plain letters/digits."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


# ---------------------------------------------------------------- sheets


@record
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
SHEET_INDICATORS = Sheet("项目绩效", "shIndicators", landscape=True)
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
    SHEET_GUIDE, SHEET_BASIC, SHEET_BUDGET, SHEET_ECON, SHEET_PROJECTS, SHEET_INDICATORS,
    SHEET_OUTLAYS, SHEET_TASKS, SHEET_TEXT, SHEET_SCORES, SHEET_SCORESHEET, SHEET_CHECKS,
    SHEET_CONF,
)
SHEET_CODENAMES: tuple[str, ...] = tuple(s.codename for s in SHEETS)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}

# xlwings reads its settings from a sheet of this name (key in A, value in B).
XLWINGS_CONF = (("UDF Modules", "xlpkg.excel.udfs"),)

# ---------------------------------------------------------------- macro output areas

CHECKS_SHEET = SHEET_CHECKS.name
CHECKS_HEADERS = ("级别", "代码", "说明", "单元格")
CHECKS_WIDTHS = (8, 22, 90, 30)
CHECKS_HEADER_ROW = 2
CHECKS_ANCHOR = "checks_anchor"          # defined name of the first data cell
CHECKS_ANCHOR_CELL = a1(CHECKS_HEADER_ROW + 1, 0)

# The hint under each title, per flavour: the portable workbook has no buttons.
CHECKS_HINT = {
    "xlsm": "点击“使用说明”页的“校验数据”按钮后，由程序在此逐条列出问题；每次校验会清空后重写本页。",
    "xlsx": ("本文件是通用版（没有按钮）：校验请运行 xlpkg check 工作簿，或把工作簿拖入本机检查页面；"
             "各页的“核对”行已在表内实时核对。"),
}
SCORESHEET_HINT = {
    "xlsm": "点击“使用说明”页的“更新自评表”按钮后，由程序按评分规则填写；需人工判断的得分请填在“自评打分”页。",
    "xlsx": ("本文件是通用版（没有按钮）：自评表请运行 xlpkg score 工作簿，或把工作簿拖入本机检查页面；"
             "需人工判断的得分请填在“自评打分”页。"),
}

SCORESHEET_SHEET = SHEET_SCORESHEET.name
SCORESHEET_HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "评分标准", "指标值", "得分",
                      "说明（扣分原因）")
SCORESHEET_WIDTHS = (10, 14, 24, 7, 40, 14, 8, 36)
SCORESHEET_HEADER_ROW = 2
SCORESHEET_ANCHOR = "scoresheet_anchor"
SCORESHEET_ANCHOR_CELL = a1(SCORESHEET_HEADER_ROW + 1, 0)

# ---------------------------------------------------------------- formula arguments


@record
class Field:
    """A scalar contract field, i.e. a defined name (``exp_basic_actual``)."""

    name: str


@record
class Here:
    """The same row's cell of another column (only inside a table column's formula)."""

    key: str


@record
class TableCell:
    """Row ``index`` (0-based) of a table column."""

    table: str
    index: int
    key: str


@record
class Span:
    """A table column's whole data range."""

    table: str
    key: str


Arg = Field | Here | TableCell | Span


@record
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


# Kinds of cells; the builder maps each to a number format, a fill and a validation.
AMOUNT, PCT, TEXT, LONGTEXT, CODE, INT, YEAR, NUMBER, SCORE = (
    "amount", "pct", "text", "longtext", "code", "int", "year", "number", "score")
COMPARATOR, SECTION, CHECK, DATE, INDICATOR = "comparator", "section", "check", "date", "indicator"

COMPARATOR_CHOICES = ("≥", "≤", "=")


# ---------------------------------------------------------------- cells of the fixed sheets


@record
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


@record
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


def put_name(name: str, sheet: Sheet, row: int, col: int, kind: str) -> None:
    if name in NAMED:
        raise ValueError(f"defined name {name} placed twice")
    NAMED[name] = Named(name, sheet.name, row, col, kind)


def put_label(sheet: Sheet, row: int, col: int, text: str, style: str = "label",
              span: int = 1) -> None:
    LABELS_FIXED.append(Label(sheet.name, row, col, text, style, span))


def put_formula(sheet: Sheet, row: int, col: int, func: str, args, kind: str,
                labels: tuple[str, ...] = ()) -> None:
    FORMULAS.append(Formula(sheet.name, row, col, func, tuple(args), kind, labels))


def defined_name_formula(named: Named) -> str:
    return f"={quote_sheet(named.sheet)}!{a1(named.row, named.col, absolute=True)}"


def anchor_formula(sheet: str, header_row: int) -> str:
    return f"={quote_sheet(sheet)}!{a1(header_row + 1, 0, absolute=True)}"


UNIT_NOTE = "金额单位：万元"
