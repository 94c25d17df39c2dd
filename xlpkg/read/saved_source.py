"""Cells of a saved .xlsx/.xlsm, read from the file's own XML and never written.

Owns :class:`SavedSource`, the :class:`~xlpkg.read.cells.CellSource` of a file on
disk: the workbook's sheets, defined names and tables, and the values of the
rectangles asked for — only those are kept, and no more than
:data:`MAX_FETCH_CELLS` of them, so a small file that declares a huge table costs
neither gigabytes nor minutes. The zip and its XML are read through
:mod:`xlpkg.read.zip_safety` (bounded, defused); worksheet XML through
:mod:`xlpkg.read.sheet_xml`.

It does not use python-calamine for values: calamine reports Excel error cells
(``#REF!``) and formulas without a stored result as blank, and it builds a dense
grid of the whole used area (a stray value in row 1048576 costs gigabytes); both
matter here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

from xlpkg.errors import InputError
from xlpkg.read.cells import Cells, Rect, TableRef, Wanted, a1, parse_rect, plain_value
from xlpkg.read.sheet_scan import scan_sheet, scan_strings
from xlpkg.read.sheet_xml import Done, SharedIndex, SheetHandler, StringsHandler, unescape
from xlpkg.read.zip_safety import SafeZip, local_name

#: Cells with content kept by one read, all sheets together: the budget of rows
#: (:data:`xlpkg.read.limits.MAX_ROWS`, 25,000) times a table's 8 columns.
#: The template's data is a few thousand cells; 20,000 task rows are 160,000. Past
#: this the read stops at once: keeping more would cost memory and time out of
#: proportion to the file (a 2 MB file can hold a million cells).
MAX_FETCH_CELLS = 200_000

_REL_OFFICE_DOCUMENT = "/officeDocument"


def _rel_id(el) -> str | None:
    for key, value in el.attrib.items():
        if key.startswith("{") and key.endswith("}id") and "relationships" in key:
            return value
    return None


class _CellBudget:
    """Counts the cells one read keeps; refuses, naming the cell, past the limit."""

    def __init__(self, source: SavedSource, limit: int):
        self.source = source
        self.left = limit
        self.limit = limit

    def charge(self, sheet: str, cells: Cells) -> None:
        self.left -= len(cells)
        if self.left < 0:
            row, col = sorted(cells)[len(cells) + self.left]
            raise InputError(
                f"{self.source.name}：工作表“{sheet}”中要读取的有内容的单元格超过 "
                f"{self.limit:,} 个（到 {sheet}!{a1(row, col)} 为止），远超一个部门一年的数据，无法处理",
                "请检查表格是否误填了大量行（例如整列复制），删除多余的行后再试")


class SavedSource:
    """A saved .xlsx/.xlsm, read from its XML parts; the file is opened read-only."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.name
        self._zip = SafeZip(self.path, self.name)
        try:
            with self._zip.reading():
                self._load_workbook()
        except BaseException:
            self._zip.close()
            raise

    # -- lifetime

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- workbook structure

    def _load_workbook(self) -> None:
        z = self._zip
        main = next((path for kind, path in z.rels("").values()
                     if kind.endswith(_REL_OFFICE_DOCUMENT)), "xl/workbook.xml")
        if not z.has(main):
            raise InputError(f"{self.name}：不是 Excel 工作簿（找不到 {main}）",
                             "请提供 .xlsx/.xlsm 工作簿")
        root = z.xml(main)
        rels = z.rels(main)
        self._sheet_parts: dict[str, str] = {}
        self._names: dict[str, str] = {}
        local_names: dict[str, str] = {}
        for el in root.iter():
            tag = local_name(el.tag)
            if tag == "sheet":
                kind, path = rels.get(_rel_id(el) or "", ("", ""))
                if kind.endswith("/worksheet"):
                    self._sheet_parts[el.get("name", "")] = path
            elif tag == "definedName":
                name = el.get("name", "")
                target = local_names if el.get("localSheetId") is not None else self._names
                target.setdefault(name, el.text or "")
        for name, ref in local_names.items():   # workbook-scoped names win
            self._names.setdefault(name, ref)
        self._strings_part = next((path for kind, path in rels.values()
                                   if kind.endswith("/sharedStrings")), None)

    def sheet_names(self) -> list[str]:
        return list(self._sheet_parts)

    def defined_names(self) -> dict[str, str]:
        return dict(self._names)

    def tables(self) -> dict[str, TableRef]:
        out: dict[str, TableRef] = {}
        with self._zip.reading():
            for sheet, part in self._sheet_parts.items():
                for kind, path in self._zip.rels(part).values():
                    if not kind.endswith("/table") or not self._zip.has(path):
                        continue
                    ref = self._table(sheet, path)
                    if ref is not None:
                        out.setdefault(ref.name, ref)
        return out

    def _table(self, sheet: str, part: str) -> TableRef | None:
        root = self._zip.xml(part)
        name = root.get("displayName") or root.get("name") or ""
        try:
            rect = parse_rect(root.get("ref", ""))
        except ValueError:
            return None
        columns = tuple(unescape(c.get("name", "")) for c in root.iter()
                        if local_name(c.tag) == "tableColumn")
        return TableRef(name, sheet, rect,
                        header_rows=int(root.get("headerRowCount", "1") or 1),
                        totals_rows=int(root.get("totalsRowCount", "0") or 0),
                        columns=columns)

    # -- cells

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]:
        out: dict[str, Cells] = {}
        shared_at: list[tuple[Cells, list[tuple[int, int]]]] = []   # where SharedIndexes are
        budget = _CellBudget(self, MAX_FETCH_CELLS)
        with self._zip.reading():
            for sheet, rects in requests.items():
                part = self._sheet_parts.get(sheet)
                if part and rects:
                    cells, at = self._sheet_cells(part, Wanted(rects), max(budget.left, 0))
                    shared_at.append((cells, at))
                else:
                    cells = {}
                budget.charge(sheet, cells)
                out[sheet] = cells
            # (a cell written twice in the file may since hold something else)
            wanted = {v for cells, at in shared_at for key in at
                      if type(v := cells.get(key)) is SharedIndex}
            if wanted:
                # each string as a cell value once, however many cells show it
                strings = {i: plain_value(s) for i, s in self._shared_strings(wanted).items()}
                for cells, at in shared_at:
                    for key in at:
                        index = cells.get(key)
                        if type(index) is not SharedIndex:
                            continue
                        value = strings.get(index)   # None: no such string, or ""
                        if value is None:
                            del cells[key]
                        else:
                            cells[key] = value
        return out

    def _sheet_cells(self, part: str, wanted: Wanted,
                     room: int) -> tuple[Cells, list[tuple[int, int]]]:
        """The wanted cells of one sheet, and those of them holding a SharedIndex: by
        the scanner when the sheet is in the usual form, else by the expat handler."""
        with self._zip.stream(part) as pieces:
            found = scan_sheet(pieces, wanted, room)
        if found is not None:
            return found
        handler = SheetHandler(wanted, room)
        try:
            self._zip.parse(part, handler)
        except Done:
            pass
        return handler.cells, handler.shared

    def _shared_strings(self, wanted: set[int]) -> dict[int, str]:
        """The wanted entries of the shared-string table: by the scanner when the table
        is in the usual form, else by the expat handler."""
        if not self._strings_part or not self._zip.has(self._strings_part):
            return {}
        with self._zip.stream(self._strings_part) as pieces:
            found = scan_strings(pieces, wanted)
        if found is not None:
            return found
        handler = StringsHandler(wanted)
        try:
            self._zip.parse(self._strings_part, handler)
        except Done:
            pass
        return handler.strings
