"""One worksheet of the tables workbook, and its XML as XlsxWriter 3.3.1 writes it.

Owns :class:`Sheet`: the part of XlsxWriter's ``Worksheet`` API the tables use —
strings, numbers, formatted blanks, merged ranges, row heights, column widths and
the print setup (paper, orientation, margins, centring, fit to width, row breaks,
rows repeated, footer, first page number, print area, gridlines) — with
XlsxWriter's meaning, so :mod:`xlpkg.tables.xlsx` writes one sheet through either,
and ``xl/worksheets/sheetN.xml`` byte for byte as XlsxWriter writes it: its used
range, ``spans`` per 16 rows, heights in whole pixels, adjacent equal columns as
one ``<col>``. A cell is stored as its format and the end of its ``<c>`` element;
a format gets its style number at its first use in the XML (XlsxWriter's order).
"""

from __future__ import annotations

import math
from collections import defaultdict

from xlpkg.tables.styles import Format
from xlpkg.tables.xmltext import (
    COL_MAX,
    COLS,
    MAX_STRING,
    ROW_MAX,
    XML_HEAD,
    cell_ref,
    col_name,
    quote_sheetname,
    text,
    truncated,
    utf16_len,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_BREAKS = 1023            # row breaks Excel reads
DEFAULT_ROW_PX, DIGIT_PX, PADDING_PX, DEFAULT_COL_PX = 20, 7, 5, 64


class Sheet:
    """One worksheet of a :class:`~xlpkg.tables.book.Book` (``book``): cells by row, merges
    in order, row heights, widths, print setup."""

    def __init__(self, book, name: str, index: int):
        self.book, self.name, self.index = book, name, index
        self.cells: defaultdict[int, dict[int, tuple]] = defaultdict(dict)  # row -> col -> cell
        self.heights: dict[int, int] = {}               # row -> pixels
        self.widths: dict[int, int] = {}                # column -> pixels
        self.merges: list[tuple[int, int, int, int]] = []
        self._merged: set[tuple[int, int]] = set()
        self._col_a = False
        self.paper = 0
        self.portrait = True
        self.setup_changed = self.options_changed = self.centred = self.fit = False
        self.fit_size = (1, 1)
        self.margins = (0.7, 0.7, 0.75, 0.75)
        self.footer, self.footer_margin = "", 0.3
        self.start_page = 0
        self.breaks: list[int] = []
        self.repeat = self.area = ""
        self.frozen = 0                                  # rows frozen at the top
        self.filter_area = self.filter_ref = ""          # the autofilter's range
        self.print_gridlines, self.screen_gridlines = False, True

    # ------------------------------------------------------------ cells (XlsxWriter's API)

    # A cell is kept as its format and the end of its <c> element, which is known now
    # (a string's number in the shared strings is given in the order strings are written).

    def write_string(self, row: int, col: int, value: str, fmt: Format | None = None) -> None:
        if len(value) > MAX_STRING // 2:
            value = truncated(value)
        book = self.book                # Book.string_index, inlined: a call per text cell
        book.string_count += 1
        index = book.strings.setdefault(value, len(book.strings))
        self.cells[row][col] = (fmt, f' t="s"><v>{index}</v></c>')

    def write_number(self, row: int, col: int, number: float, fmt: Format | None = None) -> None:
        if not math.isfinite(number):
            raise TypeError("NAN/INF cannot be written to a cell")
        self.cells[row][col] = (fmt, f"><v>{number:.16G}</v></c>")

    def write_blank(self, row: int, col: int, blank=None, fmt: Format | None = None) -> None:
        if fmt is not None:            # a blank cell without a format is no cell at all
            self.cells[row][col] = (fmt, "/>")

    def _write(self, row: int, col: int, data, fmt) -> None:
        if data is None or data == "":
            self.write_blank(row, col, None, fmt)
        elif isinstance(data, str):
            self.write_string(row, col, data, fmt)
        else:
            self.write_number(row, col, data, fmt)

    def merge_range(self, r1: int, c1: int, r2: int, c2: int, data, fmt: Format | None = None):
        if r1 == r2 and c1 == c2:
            return -1                   # Excel does not merge one cell
        if r1 > r2:
            r1, r2 = r2, r1
        if c1 > c2:
            c1, c2 = c2, c1
        covered = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        if not self._merged.isdisjoint(covered):   # overlapping merges: Excel calls it corrupt
            raise ValueError(f"merge {cell_ref(r1, c1)}:{cell_ref(r2, c2)} overlaps another")
        self._merged.update(covered)
        if fmt is not None:
            blanks = dict.fromkeys(range(c1, c2 + 1), (fmt, "/>"))
            for r in range(r1, r2 + 1):
                self.cells[r].update(blanks)
        self.merges.append((r1, c1, r2, c2))
        self._write(r1, c1, data, fmt)
        return 0

    def set_row(self, row: int, height: float) -> None:
        # a height alone counts the row, and column A when nothing else is written yet
        self._col_a = self._col_a or not (self.cells or self.merges)
        self.heights[row] = int(height * 4.0 / 3.0 + 0.5)

    def set_column(self, first: int, last: int, width: float) -> None:
        if width == 0:
            px = 0
        elif width < 1:
            px = int(width * (DIGIT_PX + PADDING_PX) + 0.5)
        else:
            px = int(width * DIGIT_PX + 0.5) + PADDING_PX
        for c in range(first, last + 1):
            self.widths[c] = px

    # ------------------------------------------------------------ print setup

    def set_paper(self, size: int) -> None:
        if size:
            self.paper, self.setup_changed = size, True

    def set_landscape(self) -> None:
        self.portrait, self.setup_changed = False, True

    def set_portrait(self) -> None:
        self.portrait, self.setup_changed = True, True

    def set_margins(self, left=0.7, right=0.7, top=0.75, bottom=0.75) -> None:
        self.margins = (left, right, top, bottom)

    def center_horizontally(self) -> None:
        self.centred = self.options_changed = True

    def fit_to_pages(self, width: int, height: int) -> None:
        self.fit, self.fit_size, self.setup_changed = True, (width, height), True

    def set_h_pagebreaks(self, breaks) -> None:
        self.breaks = list(breaks)

    def repeat_rows(self, first: int, last: int | None = None) -> None:
        last = first if last is None else last
        self.repeat = f"{quote_sheetname(self.name)}!${first + 1}:${last + 1}"

    def set_footer(self, footer: str, options: dict | None = None) -> None:
        if set(options or {}) - {"margin"} or "&G" in footer or "&[Picture]" in footer:
            raise ValueError("footer images and options other than the margin: not supported")
        if utf16_len(footer) > 255:
            return                       # XlsxWriter warns and leaves the footer out
        self.footer, self.footer_margin = footer, (options or {}).get("margin", 0.3)

    def set_start_page(self, page: int) -> None:
        self.start_page = page

    def _area(self, r1: int, c1: int, r2: int, c2: int) -> str:
        """``Sheet!$A$1:$C$9`` (whole rows or columns as ``$1:$3``, ``$A:$C``)."""
        if r1 == 0 and r2 == ROW_MAX - 1:
            first, last, whole = f"${col_name(c1)}", f"${col_name(c2)}", True
        elif c1 == 0 and c2 == COL_MAX - 1:
            first, last, whole = f"${r1 + 1}", f"${r2 + 1}", True
        else:
            first, last, whole = f"${col_name(c1)}${r1 + 1}", f"${col_name(c2)}${r2 + 1}", False
        ref = first if first == last and not whole else f"{first}:{last}"
        return f"{quote_sheetname(self.name)}!{ref}"

    def print_area(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1, r2, c2) != (0, 0, ROW_MAX - 1, COL_MAX - 1):   # the whole sheet: none
            self.area = self._area(r1, c1, r2, c2)

    # ------------------------------------------------------------ view (the batch summary)

    def freeze_panes(self, row: int, col: int = 0) -> None:
        if col or row <= 0:
            raise ValueError("only rows at the top can be frozen here")
        self.frozen = row

    def autofilter(self, r1: int, c1: int, r2: int, c2: int) -> None:
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
        self.filter_area = self._area(r1, c1, r2, c2)
        first, last = cell_ref(r1, c1), cell_ref(r2, c2)
        self.filter_ref = first if first == last else f"{first}:{last}"

    def hide_gridlines(self, option: int = 1) -> None:
        self.print_gridlines = option == 0
        self.screen_gridlines = option in (0, 1)
        if option == 0:
            self.options_changed = True

    # ------------------------------------------------------------ XML

    def _dims(self) -> tuple[int, int, int, int] | None:
        """First row, first column, last row, last column of what was written (None: nothing)."""
        rows = [*self.cells, *self.heights] + [r for m in self.merges for r in (m[0], m[2])]
        if not rows:
            return None
        cols = [c for line in self.cells.values() for c in line]
        cols += [c for m in self.merges for c in (m[1], m[3])] + [0] * self._col_a
        if not cols:
            cols = [0]
        dims = min(rows), min(cols), max(rows), max(cols)
        if dims[0] < 0 or dims[1] < 0 or dims[2] >= ROW_MAX or dims[3] >= COL_MAX:
            raise ValueError(f"sheet {self.name!r} reaches beyond {ROW_MAX} rows or {COL_MAX} columns")
        return dims

    def _dimension(self, dims) -> str:
        if dims is None:
            return "A1"
        first, last = cell_ref(dims[0], dims[1]), cell_ref(dims[2], dims[3])
        return first if first == last else f"{first}:{last}"

    def _cols(self) -> str:
        if not self.widths:
            return ""
        out, cols = ["<cols>"], sorted(self.widths)
        start = prev = cols[0]
        for c in [*cols[1:], None]:      # contiguous columns of one width: one <col>
            if c is not None and c == prev + 1 and self.widths[c] == self.widths[start]:
                prev = c
                continue
            px = self.widths[start]
            custom = ' customWidth="1"' if px != DEFAULT_COL_PX else ""
            out.append(f'<col min="{start + 1}" max="{prev + 1}" '
                       f'width="{(px * 256 // DIGIT_PX) / 256.0:.16g}"{custom}/>')
            start = prev = c
        out.append("</cols>")
        return "".join(out)

    def _sheet_data(self, dims) -> str:
        if dims is None:
            return "<sheetData/>"
        cells, heights = self.cells, self.heights
        order = {row: sorted(line) for row, line in cells.items() if line}   # columns per row
        spans: dict[int, list[int]] = {}     # per block of 16 rows: first and last column
        for row, cols in order.items():
            s = spans.get(row // 16)
            if s is None:
                spans[row // 16] = [cols[0], cols[-1]]
            else:
                s[0], s[1] = min(s[0], cols[0]), max(s[1], cols[-1])
        xf, out = self.book.xf_index, ["<sheetData>"]
        styles: dict[Format | None, str] = {None: ""}     # format -> ' s="N"'
        names = COLS if dims[3] < len(COLS) else [col_name(c) for c in range(dims[3] + 1)]
        for row in range(dims[0], dims[2] + 1):
            cols, px = order.get(row), heights.get(row)
            if cols is None and px is None:
                continue
            r = str(row + 1)
            span = spans.get(row // 16)
            head = f'<row r="{r}"' + (f' spans="{span[0] + 1}:{span[1] + 1}"' if span else "")
            if px is not None and px != DEFAULT_ROW_PX:
                head += f' ht="{px * 0.75:.16g}" customHeight="1"'
            if cols is None:
                out.append(head + "/>")
                continue
            out.append(head + ">")
            line = cells[row]
            for col in cols:
                fmt, tail = line[col]
                style = styles.get(fmt)
                if style is None:          # first use here: the style number, in XML order
                    style = styles[fmt] = f' s="{xf(fmt)}"'
                out.append(f'<c r="{names[col]}{r}"{style}{tail}')
            out.append("</row>")
        out.append("</sheetData>")
        return "".join(out)

    def _print_xml(self) -> str:
        out = []
        if self.options_changed:
            attrs = "".join(a for a, on in ((' horizontalCentered="1"', self.centred),
                                            (' gridLines="1"', self.print_gridlines)) if on)
            out.append(f"<printOptions{attrs}/>")
        left, right, top, bottom = self.margins
        out.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
                   f'header="0.3" footer="{self.footer_margin}"/>')
        if self.setup_changed:
            attrs = [f'paperSize="{self.paper}"'] if self.paper else []
            width, height = self.fit_size
            if self.fit and width != 1:
                attrs.append(f'fitToWidth="{width}"')
            if self.fit and height != 1:
                attrs.append(f'fitToHeight="{height}"')
            if self.start_page > 1:
                attrs.append(f'firstPageNumber="{self.start_page}"')
            attrs.append(f'orientation="{"portrait" if self.portrait else "landscape"}"')
            if self.start_page != 0:
                attrs.append('useFirstPageNumber="1"')
            out.append(f"<pageSetup {' '.join(attrs)}/>")
        if self.footer:
            out.append(f"<headerFooter><oddFooter>{text(self.footer)}</oddFooter></headerFooter>")
        breaks = sorted(set(self.breaks) - {0})[:MAX_BREAKS]
        if breaks:
            out.append(f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">')
            out += [f'<brk id="{b}" max="16383" man="1"/>' for b in breaks]
            out.append("</rowBreaks>")
        return "".join(out)

    def xml(self) -> str:
        """``xl/worksheets/sheetN.xml``; gives the formats it uses their style numbers."""
        view = ('showGridLines="0" ' if not self.screen_gridlines else "") + (
            'tabSelected="1" ' if self.index == 0 else "")
        merges = ""
        if self.merges:
            merges = (f'<mergeCells count="{len(self.merges)}">'
                      + "".join(f'<mergeCell ref="{cell_ref(a, b)}:{cell_ref(c, d)}"/>'
                                for a, b, c, d in self.merges) + "</mergeCells>")
        dims = self._dims()
        pane = "/>"
        if self.frozen:
            pane = (f'><pane ySplit="{self.frozen}" topLeftCell="{cell_ref(self.frozen, 0)}" '
                    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
                    "</sheetView>")
        return "".join((
            XML_HEAD, f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if self.fit else "",
            f'<dimension ref="{self._dimension(dims)}"/>',
            f'<sheetViews><sheetView {view}workbookViewId="0"{pane}</sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>', self._cols(), self._sheet_data(dims),
            f'<autoFilter ref="{self.filter_ref}"/>' if self.filter_ref else "", merges,
            self._print_xml(), "</worksheet>"))
