"""The submission tables as one printable workbook (XlsxWriter).

Owns the print form of a :class:`~xlpkg.tables.grid.PrintTable`: A4, portrait or
landscape, fitted to the page width, header rows repeated on every page, page
numbers in the footer; the title, the 填报单位 / unit / date lines, thin borders on
every grid cell, shaded header cells, numbers kept as numbers (amounts 0.00,
percentages 0.00%) and blanks left empty. Row heights are set from the text each
row holds, because neither Excel nor LibreOffice grows a merged cell to fit.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from xlpkg.core.model import Dataset
from xlpkg.core.money import fmt_number
from xlpkg.tables.grid import NUMERIC, Cell, PrintTable

TABLES_SUFFIX = "绩效自评表格"
FONT = "宋体"
TITLE_FONT = "黑体"
BODY_PT = 10
LINE_PT = 13.5          # one line of 10 pt text, with leading
MIN_ROW_PT = 20.0
A4 = 9                  # XlsxWriter paper code
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6}   # inches
FOOTER = "&C第 &P 页，共 &N 页"
NUMBER_FORMATS = {"amount": "0.00", "pct": "0.00%", "count": "General", "weight": "General",
                  "score": "0.00"}
CJK_WIDTH = 1.8         # a 10 pt CJK character in Excel column-width units (a digit of 11 pt)
TOP_FROM_ROWS = 3       # a label merged over more rows sits at its top: never cut by a page break


def _display_width(text: str) -> float:
    """Column-width units a text takes: CJK and full-width characters about two."""
    return sum(CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a cell ``width`` units wide (a little padding off)."""
    room = max(width - 1, 2)
    return sum(max(1, math.ceil(_display_width(part) / room)) for part in text.split("\n"))


class _Formats:
    """One XlsxWriter format per look, made once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[tuple, object] = {}
        base = {"font_name": FONT, "font_size": BODY_PT, "valign": "vcenter"}
        self.title = wb.add_format({**base, "font_name": TITLE_FONT, "font_size": 16,
                                    "bold": True, "align": "center"})
        self.subtitle = wb.add_format({**base, "font_size": 11, "align": "center"})
        self.info_left = wb.add_format({**base, "align": "left"})
        self.info_right = wb.add_format({**base, "align": "right"})
        self.note = wb.add_format({**base, "align": "left", "valign": "top", "text_wrap": True})
        self.base = base

    def cell(self, c: Cell, top: bool = False) -> object:
        key = (c.kind, c.bold, c.alignment, c.head, c.value is None, top)
        if key not in self.cache:
            spec = {**self.base, "border": 1, "text_wrap": True, "align": c.alignment,
                    "bold": c.bold}
            if c.alignment in ("left", "right"):
                spec["indent"] = 1       # keep text off the border
            if top:
                spec["valign"] = "top"
            if c.head:
                spec["bg_color"] = "#F2F2F2"
            if c.value is not None and c.kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[c.kind]
            self.cache[key] = self.wb.add_format(spec)
        return self.cache[key]


def _write_cell(ws, row: int, col: int, c: Cell, fmt) -> None:
    if c.value is not None and c.kind in NUMERIC:
        ws.write_number(row, col, float(c.value), fmt)   # XlsxWriter stores doubles anyway
    elif c.text:
        ws.write_string(row, col, c.text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def _row_heights(t: PrintTable) -> list[float]:
    """Points per grid row: enough lines for the longest text, merged widths counted."""
    widths = [c.width for c in t.columns]
    span = {}
    for r1, c1, r2, c2 in t.merges:
        span[(r1, c1)] = (r2 - r1 + 1, sum(widths[c1:c2 + 1]))
    heights = []
    for r, row in enumerate(t.rows):
        lines = 1
        for c, cell in enumerate(row):
            if not cell.text:
                continue
            rows_spanned, width = span.get((r, c), (1, widths[c]))
            lines = max(lines, math.ceil(_lines(cell.text, width) / rows_spanned))
        heights.append(max(MIN_ROW_PT, lines * LINE_PT + 6, t.row_heights.get(r, 0)))
    return heights


def _write_table(wb: xlsxwriter.Workbook, fmts: _Formats, t: PrintTable) -> None:
    ws = wb.add_worksheet(t.sheet)
    last_col = len(t.columns) - 1
    for c, col in enumerate(t.columns):
        ws.set_column(c, c, col.width)
    top = 0
    ws.merge_range(top, 0, top, last_col, t.title, fmts.title)
    ws.set_row(top, 30)
    top += 1
    if t.subtitle:
        ws.merge_range(top, 0, top, last_col, t.subtitle, fmts.subtitle)
        ws.set_row(top, 18)
        top += 1
    half = max(last_col // 2, 0)
    ws.merge_range(top, 0, top, half, t.info_left, fmts.info_left)
    if half + 1 <= last_col:
        if half + 1 == last_col:
            ws.write_string(top, last_col, t.info_right, fmts.info_right)
        else:
            ws.merge_range(top, half + 1, top, last_col, t.info_right, fmts.info_right)
    ws.set_row(top, 20)
    top += 1

    covered = {(r, c) for r1, c1, r2, c2 in t.merges for r in range(r1, r2 + 1)
               for c in range(c1, c2 + 1)}
    starts = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in t.merges}
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            r2, c2 = starts.get((r, c), (r, c))
            fmt = fmts.cell(cell, top=r2 - r + 1 >= TOP_FROM_ROWS)
            if (r, c) in starts:
                if (r2, c2) == (r, c):
                    _write_cell(ws, top + r, c, cell, fmt)
                    continue
                ws.merge_range(top + r, c, top + r2, c2, "", fmt)
                _write_cell(ws, top + r, c, cell, fmt)
            elif (r, c) not in covered:
                _write_cell(ws, top + r, c, cell, fmt)
    for r, height in enumerate(_row_heights(t)):
        ws.set_row(top + r, height)

    row = top + len(t.rows)
    width = sum(c.width for c in t.columns)
    for note in t.notes:
        if last_col:
            ws.merge_range(row, 0, row, last_col, note, fmts.note)
        else:
            ws.write_string(row, 0, note, fmts.note)
        ws.set_row(row, max(18.0, _lines(note, width) * LINE_PT + 4))
        row += 1

    ws.set_paper(A4)
    if t.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGINS)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)          # the page width, as many pages down as it takes
    if t.header_rows is not None:
        ws.repeat_rows(top + t.header_rows[0], top + t.header_rows[1])
    ws.set_footer(FOOTER, {"margin": 0.3})
    ws.print_area(0, 0, row - 1, last_col)
    ws.hide_gridlines(2)


def tables_bytes(tables: Sequence[PrintTable]) -> bytes:
    """The workbook, one sheet per table, as bytes."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    fmts = _Formats(wb)
    names: set[str] = set()
    for t in tables:
        _write_table(wb, fmts, _unique(t, names))
    wb.close()
    return buf.getvalue()


def _unique(t: PrintTable, names: set[str]) -> PrintTable:
    """Excel refuses two sheets whose names differ only in case: number the repeats."""
    from dataclasses import replace

    name, n = t.sheet, 2
    while name.lower() in names:
        suffix = f"({n})"
        name = t.sheet[:31 - len(suffix)] + suffix
        n += 1
    names.add(name.lower())
    return t if name == t.sheet else replace(t, sheet=name)


def tables_filename(ds: Dataset) -> str:
    """``<单位>_<年度>_绩效自评表格.xlsx``."""
    from xlpkg.atomic import safe_stem

    name = safe_stem((ds.department.name.value or "").strip(), "未填单位名称")
    year = ds.department.year.value
    year_text = fmt_number(year) if isinstance(year, Decimal) else "未填年度"
    return f"{name}_{year_text}_{TABLES_SUFFIX}.xlsx"


def tables_path(ds: Dataset, out: Path | None, default_dir: Path) -> Path:
    """Where to write: ``out``; inside it when it is a folder; ``.xlsx`` added when missing."""
    if out is None:
        return Path(default_dir) / tables_filename(ds)
    out = Path(out)
    if out.is_dir():
        return out / tables_filename(ds)
    return out if out.suffix else out.with_name(out.name + ".xlsx")


def write_tables(tables: Sequence[PrintTable], out: Path, *, force: bool = False) -> Path:
    """Write the workbook to ``out`` atomically; never replaces a file without ``force``."""
    from xlpkg.atomic import check_writable, write_bytes_atomic

    out = Path(out)
    check_writable(out, force=force)
    write_bytes_atomic(out, tables_bytes(tables))
    return out
