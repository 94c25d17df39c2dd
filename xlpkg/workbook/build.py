"""Build the macro workbook from source: ``xlpkg template`` and ``xlpkg fill``.

Owns rendering :mod:`xlpkg.workbook.layout` with XlsxWriter: cell styles
(yellow inputs, grey locked formulas), number formats, data validation, the
red "total ≠ parts" conditional formats, tables, charts, print set-up, the
使用说明 buttons, the hidden ``xlwings.conf`` sheet and the VBA project
(:func:`xlpkg.vba.modules.vba_project_bytes`).

Output is byte-for-byte reproducible: a fixed creation date, zip members dated
1980 (XlsxWriter's in-memory mode), and nothing else that depends on time.
``fill`` writes the same workbook with a dataset's values in it and tables as
long as its lists; it never reads a workbook and never writes text as a formula.
"""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from xlpkg.atomic import write_bytes_atomic
from xlpkg.core import schema
from xlpkg.core.model import COMPARATOR_SIGNS, NARRATIVE_LABELS, Dataset, Val
from xlpkg.errors import OutputError
from xlpkg.workbook import formulas as F
from xlpkg.workbook import layout as L

__all__ = ["build_template", "fill_workbook", "template_bytes", "workbook_bytes"]

CREATED = datetime(2024, 1, 1)  # fixed: two builds must be identical
TABLE_STYLE = "Table Style Light 1"
FONT = "宋体"
EXCEL_TEXT_LIMIT = 32767

_COLORS = {"input": "#FFF2CC", "calc": "#F2F2F2", "header": "#DDEBF7", "group": "#EDEDED",
           "border": "#A6A6A6", "note": "#595959", "bad_fill": "#FFC7CE", "bad_font": "#9C0006"}
_NUM_FORMATS = {L.AMOUNT: "0.00", L.PCT: "0.00%", L.INT: "0", L.YEAR: "0", L.SCORE: "0.00",
                L.CODE: "@", L.TEXT: "@", L.LONGTEXT: "@", L.NUMBER: "General",
                L.COMPARATOR: "@", L.SECTION: "@", L.CHECK: "General"}
_AMOUNT_LIMIT = 10**12  # int: written as "1000000000000", not "1e+12"


# ---------------------------------------------------------------- styles


class _Styles:
    """One XlsxWriter format per role, created on first use (formats are per workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def _make(self, key: str, props: dict) -> Any:
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({"font_name": FONT, "font_size": 11,
                                                  "valign": "vcenter", **props})
        return self.cache[key]

    def _boxed(self, props: dict) -> dict:
        return {"border": 1, "border_color": _COLORS["border"], **props}

    def input(self, kind: str) -> Any:
        props = {"bg_color": _COLORS["input"], "locked": False,
                 "num_format": _NUM_FORMATS[kind]}
        if kind == L.LONGTEXT:
            props["text_wrap"] = True
        if kind in (L.COMPARATOR, L.CODE):
            props["align"] = "center"
        return self._make(f"input:{kind}", self._boxed(props))

    def calc(self, kind: str) -> Any:
        props = {"bg_color": _COLORS["calc"], "num_format": _NUM_FORMATS[kind]}
        if kind == L.CHECK:
            props["font_color"] = _COLORS["bad_font"]
        if kind in (L.TEXT, L.CHECK):
            props["font_size"] = 10
        return self._make(f"calc:{kind}", self._boxed(props))

    def label(self, style: str) -> Any:
        props: dict[str, Any] = {
            "title": {"bold": True, "font_size": 16, "font_name": "黑体"},
            "note": {"font_color": _COLORS["note"], "font_size": 10},
            "header": self._boxed({"bold": True, "bg_color": _COLORS["header"],
                                   "align": "center", "text_wrap": True}),
            "label": self._boxed({}),
            "label_bold": self._boxed({"bold": True}),
            "indent": self._boxed({"indent": 1}),
            "indent2": self._boxed({"indent": 2}),
            "group": self._boxed({"bold": True, "bg_color": _COLORS["group"]}),
            "calc_label": self._boxed({"font_color": _COLORS["note"], "font_size": 10}),
            "guide": {"text_wrap": True, "valign": "top"},
            "guide_group": {"bold": True, "font_size": 12},
            "guide_button": {"text_wrap": True},
        }[style]
        return self._make(f"label:{style}", props)

    def bad(self) -> Any:
        if "bad" not in self.cache:
            self.cache["bad"] = self.wb.add_format({"bg_color": _COLORS["bad_fill"],
                                                    "font_color": _COLORS["bad_font"]})
        return self.cache["bad"]


# ---------------------------------------------------------------- values


def _field_values(ds: Dataset | None) -> dict[str, Any]:
    """Every scalar contract field → its value (``exp_basic_actual`` → Decimal)."""
    if ds is None:
        return {}
    vals: list[Val] = [ds.department.name, ds.department.year, ds.department.staff_authorized,
                       ds.department.staff_actual, ds.carry_begin, ds.carry_end, ds.proc_budget,
                       ds.proc_actual, ds.fa_total, ds.fa_in_use, *ds.other_budgets.values()]
    for block in (ds.income, ds.expenditure, ds.outlays):
        for row in block.values():
            vals += list(row.values.values())
    return {v.field: v.value for v in vals}


def _table_rows(ds: Dataset | None, name: str) -> list[dict[str, Any]]:
    """A table's data rows as the workbook shows them (comparator signs, section labels)."""
    if ds is None:
        return []
    if name == schema.TEXT_TABLE.name:
        return [{"section": NARRATIVE_LABELS[p.section], "content": p.text.value}
                for p in ds.narrative]
    items = {schema.ECON.name: ds.economic_classification, schema.PROJECTS.name: ds.projects,
             schema.TASKS.name: ds.key_tasks, schema.SCORES.name: ds.self_scores}[name]
    rows = []
    for item in items:
        row = {key: getattr(item, key).value for key in L.TABLES[name].input_keys}
        if name == schema.TASKS.name and row.get("comparator"):
            row["comparator"] = COMPARATOR_SIGNS.get(row["comparator"], row["comparator"])
        rows.append(row)
    return rows


def table_sizes(ds: Dataset | None) -> dict[str, int]:
    """Rows per table: the template's defaults, or a dataset's rows plus a few blank ones."""
    if ds is None:
        return dict(L.TABLE_ROWS_DEFAULT)
    return {name: len(_table_rows(ds, name)) + L.SPARE_ROWS for name in L.TABLES}


def _write_value(ws, row: int, col: int, value: Any, kind: str, fmt) -> None:
    """A value as the type it is: numbers as numbers, text always as text (never a formula)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif kind == L.CODE or isinstance(value, str):
        text = str(value)
        if len(text) > EXCEL_TEXT_LIMIT:  # XlsxWriter would cut it silently
            raise OutputError(f"{ws.name}!{L.a1(row, col)} 的文字有 {len(text)} 个字符，"
                              f"超过 Excel 单元格上限 {EXCEL_TEXT_LIMIT}，无法写入工作簿",
                              "请把这段文字拆成几段")
        ws.write_string(row, col, text, fmt)
    elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


# ---------------------------------------------------------------- sheets

_LINE_HEIGHT = 15.0  # points per line of 11 pt text


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    A CJK character is about 2.2 widths of the digit "0" that Excel measures
    columns in. Neither Excel nor LibreOffice re-measures rows of a generated
    file reliably, so rows holding paragraphs get a height from this estimate.
    """
    per_line = max(width - 1.0, 1.0)
    lines = 0
    for part in text.split("\n"):
        w = sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in part)
        lines += max(1, math.ceil(w / per_line))
    return lines


def _fit_row(ws, row: int, cells: Iterable[tuple[Any, float]]) -> None:
    """Give ``row`` the height its longest wrapped text needs (if more than one line)."""
    lines = max((_wrapped_lines(v, w) for v, w in cells if isinstance(v, str) and v),
                default=1)
    if lines > 1:
        ws.set_row(row, _LINE_HEIGHT * lines + 3)



def _print_setup(ws, sheet: L.Sheet, repeat_row: int | None) -> None:
    ws.set_paper(9)  # A4
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def _validate(ws, first_row: int, col: int, last_row: int, kind: str) -> None:
    amount_msg = "请填写数字（单位：万元），不要带“万元”等文字；不知道的留空，没有发生的填 0。"
    rules = {
        L.AMOUNT: {"validate": "decimal", "criteria": "between", "minimum": -_AMOUNT_LIMIT,
                   "maximum": _AMOUNT_LIMIT, "error_message": amount_msg},
        L.SCORE: {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                  "error_message": "请填写 0 到 100 之间的数字，不知道的留空。"},
        L.INT: {"validate": "integer", "criteria": ">=", "value": 0,
                "error_message": "请填写整数人数，不知道的留空。"},
        L.YEAR: {"validate": "integer", "criteria": "between", "minimum": 1990,
                 "maximum": 2100, "error_message": "请填写四位数年度，如 2023。"},
        L.COMPARATOR: {"validate": "list", "source": list(L.COMPARATOR_CHOICES),
                       "error_message": "请从列表中选择 ≥（至少）、≤（至多）或 =。"},
        L.SECTION: {"validate": "list", "source": list(L.SECTION_CHOICES),
                    "error_message": "请从下拉列表中选择报告提纲中的栏目。"},
    }
    rule = rules.get(kind)
    if rule:
        ws.data_validation(first_row, col, last_row, col,
                           {"ignore_blank": True, "error_title": "填写有误", **rule})


def _write_labels(ws, styles: _Styles, labels: Iterable[L.Label]) -> None:
    for lab in labels:
        fmt = styles.label(lab.style)
        if lab.span > 1:
            ws.merge_range(lab.row, lab.col, lab.row, lab.col + lab.span - 1, "", fmt)
        ws.write_string(lab.row, lab.col, lab.text, fmt)


BROKEN = '=OR(LEFT({c},2)="相差",LEFT({c},4)="{bad}")'  # red: a difference or 无法识别


def _flag(ws, styles: _Styles, f: L.Formula) -> None:
    """The check cell, and the stated total it checks, turn red when the rule is broken."""
    check = L.a1(f.row, f.col, absolute=True)
    flag = {"type": "formula", "criteria": BROKEN.format(c=check, bad=F.sf.BAD),
            "format": styles.bad()}
    ws.conditional_format(f.row, f.col, f.row, f.col, flag)
    total = f.args[-1] if f.func == "CHECK_CARRY" else f.args[0]
    if isinstance(total, L.Field) and L.NAMED[total.name].sheet == f.sheet:
        named = L.NAMED[total.name]
        ws.conditional_format(named.row, named.col, named.row, named.col, flag)


def _write_cached(ws, row: int, col: int, value: Any, fmt) -> None:
    """A non-anchor cell of an array call: its value, as Excel stores it there."""
    if isinstance(value, str):
        if value:
            ws.write_string(row, col, value, fmt)
        else:
            ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _write_formulas(ws, styles: _Styles, formulas: Iterable[L.Formula], ctx,
                    flavour: str) -> None:
    fields, tables, sizes = ctx
    formulas = list(formulas)
    runs = F.udf_runs(formulas) if flavour == F.MACRO else []
    in_runs = {id(f) for run in runs for f in run}
    for run in runs:
        first, last = run[0], run[-1]
        values = [F.cached_value(f, fields, tables, sizes) for f in run]
        fmt = styles.calc(first.kind)
        if len(run) == 1:
            ws.write_formula(first.row, first.col, F.run_text(run), fmt, values[0])
            continue
        # one array call for the run: one COM round-trip instead of one per cell
        ws.write_array_formula(first.row, first.col, last.row, last.col,
                               "{" + F.run_text(run) + "}", fmt, values[0])
        for f, value in zip(run[1:], values[1:]):
            _write_cached(ws, f.row, f.col, value, fmt)
    for f in formulas:
        if f.func in F.CHECKS:
            _flag(ws, styles, f)
        if id(f) in in_runs:
            continue
        cached = F.cached_value(f, fields, tables, sizes)
        ws.write_formula(f.row, f.col, F.formula_text(f, flavour), styles.calc(f.kind), cached)


def _fixed_sheet(ws, styles: _Styles, sheet: L.Sheet, ctx, flavour: str) -> None:
    fields = ctx[0]
    _write_labels(ws, styles, (lab for lab in L.LABELS_FIXED if lab.sheet == sheet.name))
    for named in L.NAMED.values():
        if named.sheet != sheet.name:
            continue
        _write_value(ws, named.row, named.col, fields.get(named.name), named.kind,
                     styles.input(named.kind))
        _validate(ws, named.row, named.col, named.row, named.kind)
    for sheet_name, row, col in L.BLANK_CALC:
        if sheet_name == sheet.name:
            ws.write_blank(row, col, None, styles.calc(L.TEXT))
    _write_formulas(ws, styles, (f for f in L.FORMULAS if f.sheet == sheet.name), ctx, flavour)


def _table_sheet(ws, styles: _Styles, table: L.Table, ctx, flavour: str) -> None:
    _, tables, sizes = ctx
    rows, data = sizes[table.name], tables[table.name]
    width = len(table.columns)
    _write_labels(ws, styles, [L.Label(table.sheet, 0, 0, table.title, "title", width),
                               L.Label(table.sheet, 1, 0, table.note, "note", width)])
    for s in table.summary:
        ws.write_string(table.header_row - s.offset, table.first_col, s.label,
                        styles.label("calc_label"))
    columns = []
    for c in table.columns:
        fmt = styles.input(c.kind) if c.key else styles.calc(c.kind)
        column = {"header": c.header, "header_format": styles.label("header"), "format": fmt}
        if c.func:  # a calculated column: Excel fills it into every row the table grows by
            column["formula"] = F.column_formula(table, c)
        columns.append(column)
    first, last = table.first_data_row(), table.last_row(rows)
    ws.add_table(table.header_row, table.first_col, last, table.first_col + width - 1,
                 {"name": table.name, "style": TABLE_STYLE, "autofilter": False,
                  "columns": columns})
    for j, c in enumerate(table.columns):
        col = table.first_col + j
        ws.set_column(col, col, c.width)
        if not c.key:
            continue
        fmt = styles.input(c.kind)
        for i in range(last - first + 1):
            value = data[i].get(c.key) if i < len(data) else None
            _write_value(ws, first + i, col, value, c.kind, fmt)
        _validate(ws, first, col, last, c.kind)
    wrapped = [(c.key, c.width) for c in table.columns if c.kind == L.LONGTEXT]
    for i, values in enumerate(data):
        _fit_row(ws, first + i, ((values.get(key), width) for key, width in wrapped))
    cells = L.table_formulas(table, rows)
    texts = {col: F.column_formula(table, c) for col, c in L.column_formulas(table)}
    fields, _, _ = ctx
    for f in cells:
        if f.row > table.header_row:  # a calculated column's cell: its value cached
            ws.write_formula(f.row, f.col, texts[f.col], styles.calc(f.kind),
                             F.cached_value(f, fields, tables, sizes))
    _write_formulas(ws, styles, (f for f in cells if f.row < table.header_row), ctx, flavour)
    ws.freeze_panes(table.header_row + 1, 0)


def _guide_sheet(ws, styles: _Styles, macro: bool = True) -> None:
    """使用说明: title, which file this is, the buttons (or commands) above the fold, the text."""
    for col, width in enumerate(L.GUIDE_WIDTHS):
        ws.set_column(col, col, width)
    ws.write_string(0, 1, L.GUIDE_TITLE, styles.label("title"))
    row = L.GUIDE_FIRST_LINE_ROW
    intro = L.GUIDE_INTRO[F.MACRO if macro else F.PORTABLE]
    ws.merge_range(row - 1, 1, row - 1, 2, "", styles.label("guide"))
    ws.write_string(row - 1, 1, intro, styles.label("guide"))
    _fit_row(ws, row - 1, [(intro, sum(L.GUIDE_WIDTHS[1:]))])
    for button in L.BUTTONS:
        if macro:
            ws.set_row(row, 42)
            ws.insert_button(row, 1, {"macro": button.macro, "caption": button.caption,
                                      "width": 128, "height": 44, "x_offset": 4, "y_offset": 6})
            ws.write_string(row, 2, button.does, styles.label("guide_button"))
            row += 1
        else:
            ws.write_string(row, 1, button.command, styles.label("guide_group"))
            ws.write_string(row, 2, f"{button.caption}：{button.does}", styles.label("guide"))
            _fit_row(ws, row, [(button.does, L.GUIDE_WIDTHS[2])])
            row += 1
    for style, text in L.GUIDE_LINES:
        if style == "group":
            row += 1  # a blank line before each heading
            ws.write_string(row, 1, text, styles.label("guide_group"))
        else:
            ws.write_string(row, 2, text, styles.label("guide"))
            _fit_row(ws, row, [(text, L.GUIDE_WIDTHS[2])])
        row += 1


def _output_sheet(ws, styles: _Styles, sheet: L.Sheet, title: str, hint: str,
                  headers: tuple[str, ...], widths: tuple[float, ...], header_row: int) -> None:
    """校验结果 / 自评表: title, hint and header row; the macros write below the anchor."""
    _write_labels(ws, styles, [L.Label(sheet.name, 0, 0, title, "title", len(headers)),
                               L.Label(sheet.name, 1, 0, hint, "note", len(headers))])
    for col, (text, width) in enumerate(zip(headers, widths)):
        ws.write_string(header_row, col, text, styles.label("header"))
        ws.set_column(col, col, width)
    ws.freeze_panes(header_row + 1, 0)


def _budget_charts(wb, ws) -> None:
    """Native charts over the 收支情况 block: structure of spending, this year vs last."""
    name = L.SHEET_BUDGET.name
    rows = L.EXPENDITURE_ROW
    actual, prior = L.BUDGET_COLUMNS["actual"], L.BUDGET_COLUMNS["prior"]
    pie = wb.add_chart({"type": "pie"})
    pie.add_series({
        "name": "本年支出结构",
        "categories": [name, rows["personnel"], 0, rows["project"], 0],
        "values": [name, rows["personnel"], actual, rows["project"], actual],
        "data_labels": {"percentage": True, "category": True, "separator": "\n"},
    })
    pie.set_title({"name": "本年财政拨款支出结构", "name_font": {"size": 12, "bold": True}})
    pie.set_legend({"position": "bottom"})
    bars = wb.add_chart({"type": "column"})
    for col, label in ((prior, "上年决算数"), (actual, "本年决算数")):
        bars.add_series({
            "name": label,
            "categories": [name, rows["total"], 0, rows["project"], 0],
            "values": [name, rows["total"], col, rows["project"], col],
        })
    bars.set_title({"name": "本年与上年支出对比（万元）", "name_font": {"size": 12, "bold": True}})
    bars.set_legend({"position": "bottom"})
    bars.set_y_axis({"num_format": "0", "major_gridlines": {"visible": True}})
    ws.insert_chart(L.BUDGET_CHART_ROW, 0, pie, {"x_scale": 1.0, "y_scale": 1.0})
    ws.insert_chart(L.BUDGET_CHART_ROW, 5, bars, {"x_scale": 1.25, "y_scale": 1.0})


# ---------------------------------------------------------------- workbook


@functools.cache
def _vba_bin(codenames: tuple[str, ...]) -> bytes:
    from xlpkg.vba.modules import vba_project_bytes  # heavy (xlwings); only when building

    return vba_project_bytes(list(codenames))


CALC_ID = 191029  # Excel 365's calculation engine: it does not recalculate all on open


def workbook_bytes(ds: Dataset | None = None, flavour: str = F.MACRO) -> bytes:
    """The workbook as bytes: the empty template, or holding ``ds``.

    ``flavour`` is :data:`~xlpkg.workbook.formulas.MACRO` (.xlsm: UDFs, buttons,
    VBA) or :data:`~xlpkg.workbook.formulas.PORTABLE` (.xlsx: native formulas only).
    """
    if flavour not in F.FLAVOURS:
        raise ValueError(f"unknown workbook flavour {flavour!r}")
    macro = flavour == F.MACRO
    sizes = table_sizes(ds)
    fields = _field_values(ds)
    tables = {name: _table_rows(ds, name) for name in L.TABLES}
    ctx = (fields, tables, sizes)

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({
        "title": "部门整体支出绩效自评工作簿",
        "subject": "部门整体支出绩效自评",
        "author": "xlpkg",
        "comments": "由 xlpkg 生成；在“使用说明”页查看填写方法",
        "created": CREATED,
    })
    # Cached values are right (the core computed them): no recalculation forced on open.
    wb.calc_on_load = False
    wb.set_calc_mode("auto", calc_id=CALC_ID)
    if macro:
        wb.set_vba_name("ThisWorkbook")
    styles = _Styles(wb)
    sheets = {}
    for sheet in L.SHEETS:
        if sheet is L.SHEET_CONF and not macro:
            continue
        ws = wb.add_worksheet(sheet.name)
        if macro:
            ws.set_vba_name(sheet.codename)
        sheets[sheet.name] = ws

    _guide_sheet(sheets[L.SHEET_GUIDE.name], styles, macro)
    _print_setup(sheets[L.SHEET_GUIDE.name], L.SHEET_GUIDE, None)

    for sheet, widths, header_row, freeze_col in (
            (L.SHEET_BASIC, L.BASIC_WIDTHS, L.BASIC_HEADER_ROW, 0),
            (L.SHEET_BUDGET, L.BUDGET_WIDTHS, L.BUDGET_HEADER_ROW, 1),
            (L.SHEET_OUTLAYS, L.OUTLAY_WIDTHS, L.OUTLAY_HEADER_ROW, 1)):
        ws = sheets[sheet.name]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        _fixed_sheet(ws, styles, sheet, ctx, flavour)
        ws.freeze_panes(header_row + 1, freeze_col)
        _print_setup(ws, sheet, header_row)
    _budget_charts(wb, sheets[L.SHEET_BUDGET.name])

    for table in L.TABLES.values():
        ws = sheets[table.sheet]
        _table_sheet(ws, styles, table, ctx, flavour)
        sheet = next(s for s in L.SHEETS if s.name == table.sheet)
        _print_setup(ws, sheet, table.header_row)

    _output_sheet(sheets[L.CHECKS_SHEET], styles, L.SHEET_CHECKS, "校验结果",
                  "点击“使用说明”页的“校验数据”按钮后，由程序在此逐条列出问题；每次校验会清空后重写本页。",
                  L.CHECKS_HEADERS, (8, 22, 90, 30), L.CHECKS_HEADER_ROW)
    _output_sheet(sheets[L.SCORESHEET_SHEET], styles, L.SHEET_SCORESHEET, "部门整体支出绩效自评表",
                  "点击“使用说明”页的“更新自评表”按钮后，由程序按评分规则填写；需人工判断的得分请填在“自评打分”页。",
                  L.SCORESHEET_HEADERS, (10, 14, 24, 7, 40, 14, 8, 36), L.SCORESHEET_HEADER_ROW)
    for sheet, header_row in ((L.SHEET_CHECKS, L.CHECKS_HEADER_ROW),
                              (L.SHEET_SCORESHEET, L.SCORESHEET_HEADER_ROW)):
        _print_setup(sheets[sheet.name], sheet, header_row)

    if macro:
        conf = sheets[L.SHEET_CONF.name]
        for row, (key, value) in enumerate(L.XLWINGS_CONF):
            conf.write_string(row, 0, key)
            conf.write_string(row, 1, value)
        conf.set_column(0, 1, 24)

    for sheet in L.SHEETS:
        if sheet.name not in sheets:
            continue
        ws = sheets[sheet.name]
        if sheet.hidden:
            ws.hide()
        if sheet.protected:
            ws.protect("", {"format_columns": True, "format_rows": True})
    sheets[L.SHEET_GUIDE.name].activate()

    for named in L.NAMED.values():
        wb.define_name(named.name, L.defined_name_formula(named))
    wb.define_name(L.CHECKS_ANCHOR, L.anchor_formula(L.CHECKS_SHEET, L.CHECKS_HEADER_ROW))
    wb.define_name(L.SCORESHEET_ANCHOR,
                   L.anchor_formula(L.SCORESHEET_SHEET, L.SCORESHEET_HEADER_ROW))

    if macro:
        wb.add_vba_project(io.BytesIO(_vba_bin(L.SHEET_CODENAMES)), is_stream=True)
    wb.close()
    return _blank_results_as_text(buf.getvalue())


_EMPTY_RESULT = re.compile(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?)(><f>[^<]*</f><v></v></c>)')


def _blank_results_as_text(book: bytes) -> bytes:
    """Mark formula cells whose cached result is blank as text results (``t="str"``),
    as Excel stores ``""``: XlsxWriter leaves them untyped, which reads as 0."""
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _EMPTY_RESULT.sub(rb'\1 t="str"\2', data)
            dst.writestr(info, data)
    return out.getvalue()


def template_bytes(flavour: str = F.MACRO) -> bytes:
    """The empty template (``workbook/template.xlsm`` or ``.xlsx``) as bytes, same on every build."""
    return workbook_bytes(None, flavour)


def build_template(path: Path) -> None:
    """Write the empty template to ``path`` (atomically); the extension picks the flavour."""
    write_bytes_atomic(Path(path), template_bytes(F.flavour_of(path)))


def fill_workbook(ds: Dataset, path: Path) -> None:
    """Write a new workbook holding ``ds`` to ``path`` (atomically); ``.xlsx`` gives the
    portable flavour, anything else the macro workbook.

    Same as the template plus the data; every table is as long as its list plus
    a few blank rows. The caller decides about overwriting (``check_writable``).
    """
    write_bytes_atomic(Path(path), workbook_bytes(ds, F.flavour_of(path)))
