"""Rendering each sheet of the layout with XlsxWriter.

Owns writing the fixed sheets (labels, named input cells, computed cells with
their cached values, the red flags of broken checks), the table sheets (the
ListObject, its calculated columns, its totals and checks, the 自评打分 list of
indicator names), 使用说明 with its buttons or commands, the two sheets the
macros write (校验结果, 自评表) and the charts on 收支情况. Formula text and
cached values come from :mod:`xlpkg.workbook.formulas`, the formats from
:mod:`xlpkg.workbook.styles`, the data from :mod:`xlpkg.workbook.values`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xlpkg.workbook import formulas as F
from xlpkg.workbook import layout as L
from xlpkg.workbook.styles import AMOUNT_FORMAT, Styles, fit_row, validate
from xlpkg.workbook.values import score_choices, write_value

TABLE_STYLE = "Table Style Light 1"
BROKEN = '=OR(LEFT({c},2)="相差",LEFT({c},4)="{bad}")'  # red: a difference or 无法识别


def write_labels(ws, styles: Styles, labels: Iterable[L.Label]) -> None:
    for lab in labels:
        fmt = styles.label(lab.style)
        if lab.span > 1:
            ws.merge_range(lab.row, lab.col, lab.row, lab.col + lab.span - 1, "", fmt)
        ws.write_string(lab.row, lab.col, lab.text, fmt)


def _flag(ws, styles: Styles, f: L.Formula) -> None:
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


def write_formulas(ws, styles: Styles, formulas: Iterable[L.Formula], ctx,
                   flavour: str, widths: Mapping[int, float]) -> None:
    """The computed cells with their cached values; a row whose check message needs
    more than one line (at ``widths``, sheet column → width) gets the height for it."""
    fields, tables, sizes = ctx
    formulas = list(formulas)
    messages: dict[int, list[tuple[Any, float]]] = {}
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
        if f.kind == L.CHECK:
            messages.setdefault(f.row, []).append((cached, widths.get(f.col, 8.43)))
    for row, cells in messages.items():
        fit_row(ws, row, cells, size=10)


def fixed_sheet(ws, styles: Styles, sheet: L.Sheet, widths, ctx, flavour: str) -> None:
    fields = ctx[0]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    write_labels(ws, styles, (lab for lab in L.LABELS_FIXED if lab.sheet == sheet.name))
    wrapped: dict[int, list[tuple[Any, float]]] = {}
    for named in L.NAMED.values():
        if named.sheet != sheet.name:
            continue
        value = fields.get(named.name)
        write_value(ws, named.row, named.col, value, named.kind, styles.input(named.kind))
        validate(ws, named.row, named.col, named.row, named.kind)
        if named.kind == L.LONGTEXT:
            wrapped.setdefault(named.row, []).append((value, widths[named.col]))
    for row, cells in wrapped.items():
        fit_row(ws, row, cells)
    for sheet_name, row, col in L.BLANK_CALC:
        if sheet_name == sheet.name:
            ws.write_blank(row, col, None, styles.calc(L.TEXT))
    write_formulas(ws, styles, (f for f in L.FORMULAS if f.sheet == sheet.name), ctx, flavour,
                   dict(enumerate(widths)))


def _score_choices(ws, styles: Styles, table: L.Table) -> str:
    """The list right of 自评打分 the 指标 dropdown offers; returns its range."""
    col, row = L.SCORE_CHOICES_COL, table.header_row
    for j, (text, width) in enumerate(zip(L.SCORE_CHOICES_HEADERS, L.SCORE_CHOICES_WIDTHS)):
        ws.write_string(row, col + j, text, styles.label("header"))
        ws.set_column(col + j, col + j, width)
    choices = score_choices()
    for i, (name, weight) in enumerate(choices, 1):
        ws.write_string(row + i, col, name, styles.label("choice"))
        ws.write_number(row + i, col + 1, float(weight), styles.label("choice"))
    first, last = L.a1(row + 1, col, absolute=True), L.a1(row + len(choices), col, absolute=True)
    return f"={first}:{last}"


def table_sheet(ws, styles: Styles, table: L.Table, ctx, flavour: str) -> None:
    fields, tables, sizes = ctx
    rows, data = sizes[table.name], tables[table.name]
    width = len(table.columns)
    write_labels(ws, styles, [L.Label(table.sheet, 0, 0, table.title, "title", width),
                              L.Label(table.sheet, 1, 0, table.note, "note", width)])
    for s in table.summary:
        # the label spans the columns left of the first figure: it is wider than a code
        last = min(table.col(key) for key in s.args) - 1
        row, fmt = table.header_row - s.offset, styles.label("calc_label")
        if last > table.first_col:
            ws.merge_range(row, table.first_col, row, last, "", fmt)
        ws.write_string(row, table.first_col, s.label, fmt)
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
    choices = (_score_choices(ws, styles, table)
               if any(c.kind == L.INDICATOR for c in table.columns) else None)
    for j, c in enumerate(table.columns):
        col = table.first_col + j
        ws.set_column(col, col, c.width)
        if not c.key:
            continue
        fmt = styles.input(c.kind)
        for i in range(last - first + 1):
            value = data[i].get(c.key) if i < len(data) else None
            write_value(ws, first + i, col, value, c.kind, fmt)
        validate(ws, first, col, last, c.kind, choices)
    wrapped = [(c.key, c.width) for c in table.columns if c.kind == L.LONGTEXT]
    for i, values in enumerate(data):
        fit_row(ws, first + i, ((values.get(key), width) for key, width in wrapped))
    cells = L.table_formulas(table, rows)
    texts = {col: F.column_formula(table, c) for col, c in L.column_formulas(table)}
    for f in cells:
        if f.row > table.header_row:  # a calculated column's cell: its value cached
            ws.write_formula(f.row, f.col, texts[f.col], styles.calc(f.kind),
                             F.cached_value(f, fields, tables, sizes))
    widths = {table.first_col + j: c.width for j, c in enumerate(table.columns)}
    write_formulas(ws, styles, (f for f in cells if f.row < table.header_row), ctx, flavour,
                   widths)
    ws.freeze_panes(table.header_row + 1, 0)


def guide_sheet(ws, styles: Styles, macro: bool = True) -> None:
    """使用说明: title, which file this is, the buttons (or commands) above the fold, the text."""
    for col, width in enumerate(L.GUIDE_WIDTHS):
        ws.set_column(col, col, width)
    ws.write_string(0, 1, L.GUIDE_TITLE, styles.label("title"))
    row = L.GUIDE_FIRST_LINE_ROW
    intro = L.GUIDE_INTRO[F.MACRO if macro else F.PORTABLE]
    ws.merge_range(row - 1, 1, row - 1, 2, "", styles.label("guide"))
    ws.write_string(row - 1, 1, intro, styles.label("guide"))
    fit_row(ws, row - 1, [(intro, sum(L.GUIDE_WIDTHS[1:]))])
    for button in L.BUTTONS:
        if macro:
            ws.set_row(row, 42)
            ws.insert_button(row, 1, {"macro": button.macro, "caption": button.caption,
                                      "width": 128, "height": 44, "x_offset": 4, "y_offset": 6})
            ws.write_string(row, 2, button.does, styles.label("guide_button"))
        else:
            ws.write_string(row, 1, button.command, styles.label("guide_group"))
            ws.write_string(row, 2, f"{button.caption}：{button.does}", styles.label("guide"))
            fit_row(ws, row, [(button.does, L.GUIDE_WIDTHS[2])])
        row += 1
    for style, text in L.GUIDE_LINES:
        if style in F.FLAVOURS and style != (F.MACRO if macro else F.PORTABLE):
            continue
        if style == "group":
            row += 1  # a blank line before each heading
            ws.write_string(row, 1, text, styles.label("guide_group"))
        else:
            ws.write_string(row, 2, text, styles.label("guide"))
            fit_row(ws, row, [(text, L.GUIDE_WIDTHS[2])])
        row += 1


def output_sheet(ws, styles: Styles, sheet: L.Sheet, title: str, hint: str,
                 headers: tuple[str, ...], widths: tuple[float, ...], header_row: int) -> None:
    """校验结果 / 自评表: title, hint and header row; the macros write below the anchor."""
    write_labels(ws, styles, [L.Label(sheet.name, 0, 0, title, "title", len(headers)),
                              L.Label(sheet.name, 1, 0, hint, "note", len(headers))])
    for col, (text, width) in enumerate(zip(headers, widths)):
        ws.write_string(header_row, col, text, styles.label("header"))
        ws.set_column(col, col, width)
    ws.freeze_panes(header_row + 1, 0)


def budget_charts(wb, ws) -> None:
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
    bars.set_y_axis({"num_format": AMOUNT_FORMAT.replace(".00", ""),
                     "major_gridlines": {"visible": True}})
    ws.insert_chart(L.BUDGET_CHART_ROW, 0, pie, {"x_scale": 1.0, "y_scale": 1.0})
    ws.insert_chart(L.BUDGET_CHART_ROW, 5, bars, {"x_scale": 1.25, "y_scale": 1.0})
