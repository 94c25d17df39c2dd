"""The submission tables as one printable workbook (written by :mod:`.book`).

Owns the print form of a :class:`~xlpkg.tables.grid.PrintTable`: A4, portrait or
landscape, scaled to the page width, header rows repeated on every page, page
numbers per table in the footer; the title, the 填报单位 / unit / date lines, thin
borders on every grid cell, shaded header cells, numbers kept as numbers (amounts
0.00, percentages 0.00%) and blanks left empty. Row heights are set from the text
each row holds, because neither Excel nor LibreOffice grows a merged cell to fit.

Pages are laid out here, not left to the spreadsheet: with every row height and
column width known, the scale and the page breaks follow, so a long merged label
(一级指标 投入 over five rows) is split at a break and printed again on the next
page instead of leaving that page's rows without their 一级/二级指标. The sheet is
fitted to one page wide and any number high, under which manual row breaks hold.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from xlpkg.core.model import Dataset
from xlpkg.core.money import fmt_number
from xlpkg.core.record import replace
from xlpkg.tables.book import Book
from xlpkg.tables.grid import NUMERIC, Cell, PrintTable

TABLES_SUFFIX = "绩效自评表格"
FONT = "宋体"
TITLE_FONT = "黑体"
BODY_PT = 10
LINE_PT = 13.5          # one line of 10 pt text, with leading
MIN_ROW_PT = 20.0
A4 = 9                  # the paper code of A4 in the sheet's page setup
A4_INCHES = (8.27, 11.69)
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6}   # inches
# Page numbers restart on each table; no “共 N 页”: LibreOffice counts the whole file there.
FOOTER = "&C第 &P 页"
# Right-aligned numbers keep a space's width off the border: LibreOffice applies a
# cell's indent to right-aligned numbers only now and then, a format's "_ " always.
NUMBER_FORMATS = {"amount": "0.00_ ", "pct": "0.00%_ ", "count": "General", "weight": "General",
                  "score": "0.00"}
CJK_WIDTH = 1.8         # a 10 pt CJK character in Excel column-width units (a digit of 11 pt)
DIGIT_PX, CELL_PADDING_PX = 7, 5   # Excel's default font (what column widths are sized by)
PAGE_FILL = 0.96        # of the page height used: slack for the spreadsheet's own rounding
SPLIT_FROM_ROWS = 3     # a one-column label merged over this many rows may span a page break
TITLE_PT, SUBTITLE_PT, INFO_PT = 30.0, 18.0, 20.0


class _CharWidths(dict):
    """Column-width units per character, looked up once per character."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_WIDTHS = _CharWidths()


def _display_width(text: str) -> float:
    """Column-width units a text takes: CJK and full-width characters about two."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


@lru_cache(maxsize=8192)     # labels, criteria and headers repeat across a batch's tables
def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a cell ``width`` units wide (a little padding off)."""
    room = max(width - 1, 2)
    if "\n" not in text:
        return max(1, math.ceil(_display_width(text) / room))
    return sum(max(1, math.ceil(_display_width(part) / room)) for part in text.split("\n"))


class _Formats:
    """One format per look, made once per workbook (``wb.add_format``: ours or XlsxWriter's)."""

    def __init__(self, wb):
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

    def cell(self, c: Cell) -> object:
        # what the look depends on, cheaper to gather than the look (a call per cell)
        key = (c.kind, c.bold, c.align, c.head, c.value is None,
               c.kind == "count" and c.value is not None
               and c.value == c.value.to_integral_value())
        fmt = self.cache.get(key)
        if fmt is None:
            fmt = self.cache[key] = self._make(c)
        return fmt

    def _make(self, c: Cell) -> object:
        num_format = _num_format(c)
        spec = {**self.base, "border": 1, "text_wrap": True, "align": c.alignment,
                "bold": c.bold}
        if c.alignment == "left" or (c.alignment == "right" and not num_format):
            spec["indent"] = 1       # keep text off the border
        if c.head:
            spec["bg_color"] = "#F2F2F2"
        if num_format:
            spec["num_format"] = num_format
        return self.wb.add_format(spec)


def _num_format(c: Cell) -> str:
    """The number format of a cell holding a number ("" for text and blanks)."""
    if c.value is None or c.kind not in NUMBER_FORMATS:
        return ""
    if c.kind == "count" and c.alignment == "right":   # a count as typed, off the border
        return "0_ " if c.value == c.value.to_integral_value() else "0.0##_ "
    return NUMBER_FORMATS[c.kind]


def _write_cell(ws, row: int, col: int, c: Cell, fmt) -> None:
    if c.value is not None and c.kind in NUMERIC:
        ws.write_number(row, col, float(c.value), fmt)   # a cell holds a double anyway
    elif c.text:
        ws.write_string(row, col, c.text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def _row_heights(t: PrintTable) -> list[float]:
    """Points per grid row: enough lines for the longest text, merged widths counted."""
    widths = [c.width for c in t.columns]
    span = {(r1, c1): (r2 - r1 + 1, sum(widths[c1:c2 + 1])) for r1, c1, r2, c2 in t.merges}
    heights = []
    for r, row in enumerate(t.rows):
        lines = 1
        for c, cell in enumerate(row):
            if not cell.text:
                continue
            merged = span.get((r, c))
            n = (_lines(cell.text, widths[c]) if merged is None
                 else math.ceil(_lines(cell.text, merged[1]) / merged[0]))
            lines = max(lines, n)
        heights.append(max(MIN_ROW_PT, lines * LINE_PT + 6, t.row_heights.get(r, 0)))
    return heights


# ---------------------------------------------------------------- pages


def _column_pt(width: float) -> float:
    """A column's printed width in points (Excel's pixels of its default font, 96 dpi)."""
    return (int(width * DIGIT_PX + 0.5) + CELL_PADDING_PX) * 0.75


def print_scale(t: PrintTable) -> int:
    """The percentage that fits the table to the A4 width (never enlarged), with Excel's
    Calibri metrics. The sheet is still set to “fit to width”: where the font is wider
    (LibreOffice without Calibri) the spreadsheet shrinks a little more, so more rows
    would fit and the breaks computed from this scale still come first."""
    paper_w = A4_INCHES[1] if t.landscape else A4_INCHES[0]
    room = (paper_w - MARGINS["left"] - MARGINS["right"]) * 72
    width = sum(_column_pt(c.width) for c in t.columns)
    return max(10, min(100, math.floor(room / width * 100)))


def _page_room(t: PrintTable, scale: int) -> float:
    """Points of sheet rows that fit on one page at ``scale``."""
    paper_h = A4_INCHES[0] if t.landscape else A4_INCHES[1]
    room = (paper_h - MARGINS["top"] - MARGINS["bottom"]) * 72 * PAGE_FILL
    return room * 100 / scale


def _splittable(merge: tuple[int, int, int, int]) -> bool:
    """A one-column label over several rows: a break may cut it (it is printed again)."""
    r1, c1, r2, c2 = merge
    return c1 == c2 and r2 - r1 + 1 >= SPLIT_FROM_ROWS


def page_breaks(t: PrintTable, heights: Sequence[float], lead: float, room: float) -> list[int]:
    """Grid rows that start a new page: ``heights`` of the grid rows then the note rows,
    ``lead`` the points above the grid (title, info lines), ``room`` a page's points.

    Never inside a merge that cannot be split, never straight after the header rows;
    the header rows are printed again at the top of every following page."""
    n = len(heights)
    glued = [False] * n        # glued[r]: row r must stay on the page of row r - 1
    for merge in t.merges:
        if not _splittable(merge):
            for r in range(merge[0] + 1, merge[2] + 1):
                glued[r] = True
    first_free = 0
    if t.header_rows is not None:
        h1, h2 = t.header_rows
        first_free = h2 + 2                      # the header and the first row under it
        repeat = sum(heights[h1:h2 + 1])
    else:
        repeat = 0.0
    breaks, used = [], lead
    r = 0
    while r < n:
        end = r + 1                              # the block of rows that go together
        while end < n and glued[end]:
            end += 1
        block = sum(heights[r:end])
        if used + block > room and r >= first_free and used > repeat:
            breaks.append(r)
            used = repeat
        used += block
        r = end
    return breaks


def _pieces(merge: tuple[int, int, int, int], breaks: Sequence[int]):
    """A merge cut at the page breaks: (first_row, last_row) per page."""
    r1, _, r2, _ = merge
    cuts = [b for b in breaks if r1 < b <= r2]
    starts = [r1, *cuts]
    ends = [c - 1 for c in cuts] + [r2]
    return list(zip(starts, ends))


# ---------------------------------------------------------------- sheet


def _write_grid(ws, fmts: _Formats, t: PrintTable, top: int, breaks: Sequence[int]) -> None:
    """The grid's cells and merges from sheet row ``top``; labels cut by a break repeat."""
    covered = {(r, c) for r1, c1, r2, c2 in t.merges for r in range(r1, r2 + 1)
               for c in range(c1, c2 + 1)}
    look = fmts.cell
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            if (r, c) not in covered:
                _write_cell(ws, top + r, c, cell, look(cell))
    for merge in t.merges:
        r1, c1, r2, c2 = merge
        cell = t.rows[r1][c1]
        fmt = fmts.cell(cell)
        pieces = _pieces(merge, breaks) if _splittable(merge) else [(r1, r2)]
        for a, b in pieces:
            if (a, c1) != (b, c2):
                ws.merge_range(top + a, c1, top + b, c2, "", fmt)
            _write_cell(ws, top + a, c1, cell, fmt)


def _fit_numbers(t: PrintTable) -> PrintTable:
    """Widen a column to its widest number: a number does not wrap, and Excel shows
    ##### for one wider than its cell (100.00% in a 6-wide 执行率 column)."""
    widths = [c.width for c in t.columns]
    spans = {(r1, c1): sum(widths[c1:c2 + 1]) for r1, c1, r2, c2 in t.merges}
    need = list(widths)
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            if cell.value is not None and cell.kind in NUMERIC and cell.text:
                room = spans.get((r, c), widths[c])
                extra = _display_width(cell.text) + 2 - room   # a space each side
                if extra > 0:
                    need[c] = max(need[c], widths[c] + extra)
    if need == widths:
        return t
    return replace(t, columns=tuple(replace(col, width=w) for col, w in zip(t.columns, need)))


def _write_table(wb, fmts: _Formats, t: PrintTable) -> None:
    t = _fit_numbers(t)
    ws = wb.add_worksheet(t.sheet)
    last_col = len(t.columns) - 1
    for c, col in enumerate(t.columns):
        ws.set_column(c, c, col.width)
    top = 0
    ws.merge_range(top, 0, top, last_col, t.title, fmts.title)
    ws.set_row(top, TITLE_PT)
    top += 1
    if t.subtitle:
        ws.merge_range(top, 0, top, last_col, t.subtitle, fmts.subtitle)
        ws.set_row(top, SUBTITLE_PT)
        top += 1
    half = max(last_col // 2, 0)
    if half:
        ws.merge_range(top, 0, top, half, t.info_left, fmts.info_left)
    else:
        ws.write_string(top, 0, t.info_left, fmts.info_left)
    if half + 1 <= last_col:
        if half + 1 == last_col:
            ws.write_string(top, last_col, t.info_right, fmts.info_right)
        else:
            ws.merge_range(top, half + 1, top, last_col, t.info_right, fmts.info_right)
    ws.set_row(top, INFO_PT)
    top += 1

    heights = _row_heights(t)
    width = sum(c.width for c in t.columns)
    note_heights = [max(18.0, _lines(note, width) * LINE_PT + 4) for note in t.notes]
    scale = print_scale(t)
    lead = TITLE_PT + INFO_PT + (SUBTITLE_PT if t.subtitle else 0)
    breaks = page_breaks(t, heights + note_heights, lead, _page_room(t, scale))

    _write_grid(ws, fmts, t, top, breaks)
    for r, height in enumerate(heights):
        ws.set_row(top + r, height)
    row = top + len(t.rows)
    for note, height in zip(t.notes, note_heights):
        if last_col:
            ws.merge_range(row, 0, row, last_col, note, fmts.note)
        else:
            ws.write_string(row, 0, note, fmts.note)
        ws.set_row(row, height)
        row += 1

    ws.set_paper(A4)
    if t.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGINS)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)          # the page width, as many pages down as it takes
    if breaks:
        ws.set_h_pagebreaks([top + b for b in breaks])
    if t.header_rows is not None:
        ws.repeat_rows(top + t.header_rows[0], top + t.header_rows[1])
    ws.set_footer(FOOTER, {"margin": 0.3})
    ws.set_start_page(1)           # each table is its own document: 第 1 页 on each
    ws.print_area(0, 0, row - 1, last_col)
    ws.hide_gridlines(2)


def write_book(wb, tables: Sequence[PrintTable]) -> None:
    """One sheet per table into ``wb``: a :class:`~xlpkg.tables.book.Book`, or an
    ``xlsxwriter.Workbook`` (the tests hold the two to the same bytes)."""
    fmts = _Formats(wb)
    names: set[str] = set()
    for t in tables:
        _write_table(wb, fmts, _unique(t, names))


def tables_bytes(tables: Sequence[PrintTable]) -> bytes:
    """The workbook, one sheet per table, as bytes."""
    wb = Book()
    write_book(wb, tables)
    return wb.to_bytes()


def _unique(t: PrintTable, names: set[str]) -> PrintTable:
    """Excel refuses two sheets whose names differ only in case: number the repeats."""
    name, n = t.sheet, 2
    while name.lower() in names:
        suffix = f"({n})"
        name = t.sheet[:31 - len(suffix)] + suffix
        n += 1
    names.add(name.lower())
    return t if name == t.sheet else replace(t, sheet=name)


def tables_filename(ds: Dataset) -> str:
    """``<单位>_<年度>_绩效自评表格.xlsx``."""
    from xlpkg.names import file_name

    year = ds.department.year.value
    year_text = fmt_number(year) if isinstance(year, Decimal) else "未填年度"
    return file_name((ds.department.name.value or "").strip(), f"_{year_text}_{TABLES_SUFFIX}.xlsx",
                     "未填单位名称")


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
