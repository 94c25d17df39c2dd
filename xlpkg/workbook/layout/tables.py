"""The workbook's tables (ListObjects): where each sits, its columns and its summary rows.

Owns, for every table of :mod:`xlpkg.core.schema`, its sheet and position, the
layout kind and width of each column, the computed (calculated) columns, the
totals and checks above it, and its default length. Headers come from the
schema (:func:`_input`): a column is named by its contract key and the header
the reader looks for is the schema's, never respelled here. :func:`check_tables`
refuses a layout that misses a schema table or column.
"""

from __future__ import annotations

from collections.abc import Mapping

from xlpkg.core import schema
from xlpkg.core.model import EXPENDITURE_FIELDS
from xlpkg.core.record import record
from xlpkg.workbook.layout.cells import (
    AMOUNT,
    CHECK,
    CODE,
    COMPARATOR,
    INDICATOR,
    LONGTEXT,
    NUMBER,
    PCT,
    SCORE,
    SECTION,
    SHEET_ECON,
    SHEET_INDICATORS,
    SHEET_PROJECTS,
    SHEET_SCORES,
    SHEET_TASKS,
    SHEET_TEXT,
    TEXT,
    UNIT_NOTE,
    Arg,
    Field,
    Formula,
    Here,
    Span,
    TableCell,
    a1,
)

SECTION_CHOICES = tuple(s.label for s in schema.SECTIONS)


@record
class Column:
    header: str               # the contract's Chinese header (CONTRACT §3), or a computed one
    key: str | None           # contract key; None for a computed column
    kind: str
    width: float
    func: str = ""            # computed columns: the UDF …
    args: tuple[Arg, ...] = ()  # … and its arguments (Here = same row)


@record
class SummaryRow:
    """A row above a table: a label, then one formula under some of its columns."""

    offset: int                      # rows above the header row
    label: str
    func: str
    args: Mapping[str, tuple]        # column key → args (a Span stands for that column)
    kind: str
    bases: tuple[tuple[str, ...], ...] = ()


@record
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


def _input(table: schema.Table, key: str, kind: str, width: float) -> Column:
    """An input column: its header is the schema's."""
    return Column(table.column(key).header, key, kind, width)


PERSONNEL_CODES = (("301", "303"),)          # 决算口径 (core.checks.check_personnel_caliber)
PUBLIC_CODES = (("302",), ("302", "310"))     # either basis (core.checks.check_public_caliber)
def _n(*path: str) -> str:
    return schema.scalar(*path).name


_ECON, _PROJ, _TASKS = schema.ECON.name, schema.PROJECTS.name, schema.TASKS.name


def _econ_summary() -> tuple[SummaryRow, ...]:
    both = ("prior", "actual")

    def caliber(row: str) -> dict:
        return {k: (Field(_n("expenditure", row, k)), Span(_ECON, "code"), Span(_ECON, k)) for k in both}

    return (
        SummaryRow(5, "经济分类合计", "SUM", {k: (Span(_ECON, k),) for k in both}, AMOUNT),
        SummaryRow(4, "核对：基本支出＝各科目合计", "CHECK_SUM",
                   {k: (Field(_n("expenditure", "basic", k)), Span(_ECON, k)) for k in both}, CHECK),
        SummaryRow(3, "核对：人员经费＝301＋303", "CHECK_CALIBER", caliber("personnel"), CHECK,
                   PERSONNEL_CODES),
        SummaryRow(2, "核对：公用经费＝302（＋310）", "CHECK_CALIBER", caliber("public"), CHECK,
                   PUBLIC_CODES),
    )


def _project_summary() -> tuple[SummaryRow, ...]:
    cols = EXPENDITURE_FIELDS
    return (
        SummaryRow(3, "项目明细合计", "SUM", {k: (Span(_PROJ, k),) for k in cols}, AMOUNT),
        SummaryRow(2, "核对：项目支出＝各项目合计", "CHECK_SUM",
                   {k: (Field(_n("expenditure", "project", k)), Span(_PROJ, k)) for k in cols}, CHECK),
    )


_E, _P, _I, _T, _X, _S = (schema.ECON, schema.PROJECTS, schema.PROJECT_INDICATORS, schema.TASKS,
                    schema.TEXT_TABLE, schema.SCORES)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table(_E.name, SHEET_ECON.name, "基本支出按经济分类",
          UNIT_NOTE + "。每个经济分类科目一行，科目编码填 301、302、303……", 7, (
              _input(_E, "code", CODE, 10),
              _input(_E, "name", TEXT, 26),
              _input(_E, "prior", AMOUNT, 16),   # wide enough for “相差 123.45 万元” above
              _input(_E, "actual", AMOUNT, 16),
              Column("增减额", None, AMOUNT, 12, "YOY_DIFF", (Here("actual"), Here("prior"))),
              Column("增减率", None, PCT, 10, "PCT_CHANGE", (Here("actual"), Here("prior"))),
              Column("占比", None, PCT, 10, "SHARE", (Here("actual"), Field(_n("expenditure", "basic", "actual")))),
          ), 10, _econ_summary()),
    Table(_P.name, SHEET_PROJECTS.name, "项目支出",
          UNIT_NOTE + "。每个项目一行；执行率＝本年决算数 ÷ 全年预算数。"
          "项目的绩效指标填在“项目绩效”页。", 5, (
              _input(_P, "name", TEXT, 24),
              _input(_P, "prior", AMOUNT, 12.5),
              _input(_P, "budget_initial", AMOUNT, 12.5),
              _input(_P, "budget_final", AMOUNT, 12.5),
              _input(_P, "actual", AMOUNT, 12.5),
              Column("执行率", None, PCT, 9, "EXEC_RATE", (Here("actual"), Here("budget_final"))),
              Column("增减率", None, PCT, 9, "PCT_CHANGE", (Here("actual"), Here("prior"))),
              # four text columns wrap at 22: the page prints at about 80 %, not 70 %
              _input(_P, "purpose", LONGTEXT, 22),
              _input(_P, "reason", LONGTEXT, 22),
              _input(_P, "goal", LONGTEXT, 22),
              _input(_P, "result", LONGTEXT, 22),
          ), 15, _project_summary()),
    Table(_I.name, SHEET_INDICATORS.name, "项目绩效指标（项目支出绩效自评表）",
          "每个三级指标一行；“项目名称”与“项目支出”页的项目名称完全一致；“比较”选 ≥（至少）、≤（至多）或 =；"
          "定性指标的目标值写文字，自评得分自行判断填写。", 2, (
              # names wrap rather than being cut (服务对象满意度指标)
              _input(_I, "project", LONGTEXT, 20),
              _input(_I, "category", LONGTEXT, 11),
              _input(_I, "subcategory", LONGTEXT, 13),
              _input(_I, "name", LONGTEXT, 22),
              _input(_I, "unit", TEXT, 8),
              _input(_I, "comparator", COMPARATOR, 6),
              _input(_I, "target", NUMBER, 10),
              _input(_I, "actual", NUMBER, 10),
              _input(_I, "weight", SCORE, 7),
              _input(_I, "score", SCORE, 9),
              _input(_I, "reason", LONGTEXT, 32),
          ), 20),
    Table(_T.name, SHEET_TASKS.name, "年度重点工作（绩效目标）",
          "每项工作或绩效指标一行；“比较”选 ≥（至少）、≤（至多）或 =；目标值可以是数字或文字。", 2, (
              _input(_T, "name", TEXT, 32),
              _input(_T, "category", TEXT, 18),
              _input(_T, "unit", TEXT, 10),
              _input(_T, "comparator", COMPARATOR, 7),
              _input(_T, "target", NUMBER, 12),
              _input(_T, "actual", NUMBER, 12),
              Column("完成率", None, PCT, 10, "COMPLETION",
                     (Here("actual"), Here("target"), Here("comparator"))),
              _input(_T, "weight", SCORE, 8),
              _input(_T, "note", LONGTEXT, 40),
          ), 15),
    Table(_X.name, SHEET_TEXT.name, "文字内容",
          "每段一行；“栏目”从下拉列表选择，报告按提纲顺序、同一栏目内按行的先后排列。", 2, (
              _input(_X, "section", SECTION, 30),
              _input(_X, "content", LONGTEXT, 100),
          ), 40),
    Table(_S.name, SHEET_SCORES.name, "自评打分（需人工判断的指标）",
          "“指标”从下拉列表选择（右侧列出评分规则中需要人工判断的指标及分值）；"
          "得分按评分标准自行判断，说明扣分原因。", 2, (
              _input(_S, "indicator", INDICATOR, 30),
              _input(_S, "score", SCORE, 10),
              _input(_S, "note", LONGTEXT, 50),
          ), 15),
)}

TABLE_ROWS_DEFAULT = {name: t.default_rows for name, t in TABLES.items()}
SPARE_ROWS = 3  # blank rows `fill` leaves below the data of each table
# 自评打分: the list the 指标 dropdown offers, right of the table (same sheet: every host
# accepts a same-sheet range as a list source).
SCORE_CHOICES_COL = len(TABLES[_S.name].columns) + 1
SCORE_CHOICES_HEADERS = ("可选的指标（需人工评分）", "分值")
SCORE_CHOICES_WIDTHS = (34, 7)

Sizes = Mapping[str, int]


def check_tables() -> None:
    """Every schema table is laid out, with a column for each of its contract keys."""
    for tbl in schema.TABLES:
        if tbl.name not in TABLES:
            raise ValueError(f"schema table {tbl.name} has no place in the workbook")
        missing = [c.key for c in tbl.columns if c.key not in TABLES[tbl.name].input_keys]
        if missing:
            raise ValueError(f"{tbl.name} lacks the schema columns {missing}")


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
