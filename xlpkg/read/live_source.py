"""Cells of a live workbook open in Excel, read through xlwings (``xw.Book.caller()``).

Owns :class:`LiveSource`, the :class:`~xlpkg.read.cells.CellSource` of an open
Book: defined names, tables and values with their unsaved edits, one xlwings
call per rectangle (a whole table in one call, not one call per cell).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from xlpkg.read.cells import Cells, Rect, TableRef, plain_value

LIVE_BLOCK_LIMIT = 20_000   # cells: read scattered named cells as one block up to this size


class LiveSource:
    """An open workbook in Excel, through xlwings (``xw.Book.caller()``)."""

    def __init__(self, book: Any):
        self.book = book
        self.name = book.name

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def defined_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        local: dict[str, str] = {}
        for item in self.book.names:
            full = item.name
            ref = item.refers_to
            if ref is None:   # older remote clients: only the range is known
                rng = item.refers_to_range
                ref = f"'{rng.sheet.name.replace(chr(39), chr(39) * 2)}'!{rng.address}"
            if "!" in full:   # a sheet-scoped name shows as Sheet1!name
                local.setdefault(full.rsplit("!", 1)[1], ref)
            else:
                out.setdefault(full, ref)
        for name, ref in local.items():
            out.setdefault(name, ref)
        return out

    def tables(self) -> dict[str, TableRef]:
        out: dict[str, TableRef] = {}
        for sheet in self.book.sheets:
            for table in sheet.tables:
                rng = table.range
                top, left = rng.row, rng.column
                height, width = rng.shape
                out.setdefault(table.name, TableRef(
                    table.name, sheet.name, Rect(top, left, top + height - 1, left + width - 1),
                    header_rows=1 if table.show_headers else 0,
                    totals_rows=1 if table.show_totals else 0,
                    columns=None))
        return out

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]:
        out: dict[str, Cells] = {}
        for sheet_name, rects in requests.items():
            sheet = self.book.sheets[sheet_name]
            cells: Cells = {}
            for block in _blocks(rects):
                values = sheet.range((block.top, block.left), (block.bottom, block.right)) \
                    .options(ndim=2, err_to_str=True).value
                for i, row in enumerate(values or ()):
                    for j, value in enumerate(row):
                        value = plain_value(value)
                        if value is not None:
                            cells[(block.top + i, block.left + j)] = value
            out[sheet_name] = cells
        return out


def _blocks(rects: Sequence[Rect]) -> Iterator[Rect]:
    """Each table in one read; scattered single cells as one bounding block if small."""
    singles = [r for r in rects if r.is_cell]
    yield from (r for r in rects if not r.is_cell)
    if not singles:
        return
    box = Rect(min(r.top for r in singles), min(r.left for r in singles),
               max(r.bottom for r in singles), max(r.right for r in singles))
    if box.area <= LIVE_BLOCK_LIMIT:
        yield box
    else:
        yield from singles
