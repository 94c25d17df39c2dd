"""A fake xlwings ``Book`` for tests: no Excel here, so the live reader and the
button macros run against this.

It mimics only what xlpkg uses, with xlwings 0.37.8's semantics (read from
``xlwings/main.py`` and ``_xlwindows.py``): numbers come back as ``float``,
empty cells as ``None``, error cells as ``None`` unless ``err_to_str=True``;
``Range.value`` of one cell is a scalar, of one row a flat list, else a list of
lists, and ``options(ndim=2)`` always gives a list of rows; writing a list of
lists writes it from the range's top-left cell; a string starting with ``=`` is a
formula. ``Name.refers_to`` reads like ``='Sheet 1'!$A$1``. A protected sheet
refuses value and format changes, as Excel does (no ``AllowFormattingCells``).

Every read of cell values is counted in ``book.reads`` (to prove "one call per
table"); ``save``/``close`` fail the test: the macros must never call them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlpkg.read.cell_source import Rect, a1, parse_rect


class ComError(Exception):
    """What pywin32 raises when Excel refuses (a protected sheet, a bad password)."""


@dataclass
class FakeError:
    """An error cell (#REF! …)."""

    text: str


def _quote(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|[\w]+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _abs(rect: Rect) -> str:
    def one(r, c):
        letters = re.match(r"[A-Z]+", a1(r, c)).group(0)
        return f"${letters}${r}"
    start = one(rect.top, rect.left)
    return start if rect.is_cell else f"{start}:{one(rect.bottom, rect.right)}"


class Protection:
    def __init__(self):
        self.AllowFormattingCells = False
        self.AllowFormattingColumns = True
        self.AllowFormattingRows = True
        self.AllowInsertingColumns = False
        self.AllowInsertingRows = False
        self.AllowInsertingHyperlinks = False
        self.AllowDeletingColumns = False
        self.AllowDeletingRows = False
        self.AllowSorting = False
        self.AllowFiltering = False
        self.AllowUsingPivotTables = False


class SheetApi:
    """The bits of the COM Worksheet object the macros touch."""

    def __init__(self, password: str | None = None):
        self.ProtectContents = False
        self.ProtectDrawingObjects = False
        self.ProtectScenarios = False
        self.Protection = Protection()
        self.password = password
        self.protect_calls: list[dict] = []

    def Unprotect(self, Password: str | None = None):
        if self.password and Password is None:
            raise AssertionError("Excel would prompt the user for the sheet's password here")
        if self.password and Password != self.password:
            raise ComError("密码不正确")
        self.ProtectContents = False

    def Protect(self, Password=None, DrawingObjects=True, Contents=True,
                Scenarios=True, **allow):
        # Like Excel: every Allow* flag not passed is reset to False.
        self.protect_calls.append({"DrawingObjects": DrawingObjects, "Contents": Contents,
                                   "Scenarios": Scenarios, **allow})
        self.ProtectContents = bool(Contents)
        self.ProtectDrawingObjects = bool(DrawingObjects)
        self.ProtectScenarios = bool(Scenarios)
        for key in vars(self.Protection):
            setattr(self.Protection, key, bool(allow.get(key, False)))


class Range:
    def __init__(self, sheet: Sheet, rect: Rect, options: dict | None = None):
        self._sheet = sheet
        self.rect = rect
        self._options = options or {}

    def __repr__(self):
        return f"<Range {self._sheet.name}!{self.rect.a1()}>"

    # -- position
    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def row(self) -> int:
        return self.rect.top

    @property
    def column(self) -> int:
        return self.rect.left

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rect.bottom - self.rect.top + 1, self.rect.right - self.rect.left + 1)

    @property
    def count(self) -> int:
        return self.rect.area

    @property
    def address(self) -> str:
        return _abs(self.rect)

    def get_address(self, row_absolute=True, column_absolute=True, include_sheetname=False,
                    external=False):
        text = self.address if row_absolute and column_absolute else self.rect.a1()
        return f"{_quote(self._sheet.name)}!{text}" if include_sheetname else text

    @property
    def last_cell(self) -> Range:
        return Range(self._sheet, Rect(self.rect.bottom, self.rect.right,
                                       self.rect.bottom, self.rect.right))

    def resize(self, row_size=None, column_size=None) -> Range:
        rows, cols = self.shape
        rows = row_size or rows
        cols = column_size or cols
        return Range(self._sheet, Rect(self.rect.top, self.rect.left,
                                       self.rect.top + rows - 1, self.rect.left + cols - 1),
                     self._options)

    def offset(self, row_offset=0, column_offset=0) -> Range:
        r = self.rect
        return Range(self._sheet, Rect(r.top + row_offset, r.left + column_offset,
                                       r.bottom + row_offset, r.right + column_offset),
                     self._options)

    def options(self, convert=None, **options) -> Range:
        return Range(self._sheet, self.rect, options)

    def _cells(self):
        for r in range(self.rect.top, self.rect.bottom + 1):
            for c in range(self.rect.left, self.rect.right + 1):
                yield r, c

    # -- values
    def _read_one(self, key):
        v = self._sheet.values.get(key)
        if isinstance(v, FakeError):
            return v.text if self._options.get("err_to_str") else None
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)):
            return float(v)          # COM hands every number over as a double
        return v

    @property
    def value(self):
        self._sheet.book.reads.append(f"{self._sheet.name}!{self.rect.a1()}")
        rows = [[self._read_one((r, c)) for c in range(self.rect.left, self.rect.right + 1)]
                for r in range(self.rect.top, self.rect.bottom + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if self.rect.is_cell:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if self.shape[1] == 1:
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data):
        self._sheet.book.writes.append(f"{self._sheet.name}!{self.rect.a1()}")
        if isinstance(data, (list, tuple)):
            rows = data if data and isinstance(data[0], (list, tuple)) else [data]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self._sheet.set((self.rect.top + i, self.rect.left + j), v)
        else:
            for key in self._cells():
                self._sheet.set(key, data)

    @property
    def formula(self):
        return self._sheet.formulas.get((self.rect.top, self.rect.left), "")

    def clear_contents(self):
        self._sheet.check_unprotected()
        for key in self._cells():
            self._sheet.values.pop(key, None)
            self._sheet.formulas.pop(key, None)

    # -- format
    @property
    def color(self):
        colors = {self._sheet.colors.get(key) for key in self._cells()}
        return colors.pop() if len(colors) == 1 else None

    @color.setter
    def color(self, value):
        self._sheet.check_unprotected()
        if isinstance(value, str):
            value = tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))
        for key in self._cells():
            if value is None:
                self._sheet.colors.pop(key, None)
            else:
                self._sheet.colors[key] = tuple(value)

    @property
    def columns(self):
        sheet, rect = self._sheet, self.rect

        class _Columns:
            @property
            def hidden(self):
                return all(c in sheet.hidden_columns for c in range(rect.left, rect.right + 1))

            @hidden.setter
            def hidden(self, value):
                for c in range(rect.left, rect.right + 1):
                    (sheet.hidden_columns.add if value else sheet.hidden_columns.discard)(c)
        return _Columns()


class Table:
    def __init__(self, sheet: Sheet, name: str, ref: str, *, show_headers=True,
                 show_totals=False):
        self.parent = sheet
        self.name = name
        self._rect = parse_rect(ref)
        self.show_headers = show_headers
        self.show_totals = show_totals

    @property
    def range(self) -> Range:
        return Range(self.parent, self._rect)

    @property
    def header_row_range(self):
        if not self.show_headers:
            return None
        r = self._rect
        return Range(self.parent, Rect(r.top, r.left, r.top, r.right))

    @property
    def data_body_range(self):
        r = self._rect
        top = r.top + (1 if self.show_headers else 0)
        bottom = r.bottom - (1 if self.show_totals else 0)
        return Range(self.parent, Rect(top, r.left, bottom, r.right)) if bottom >= top else None


class Tables(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(t for t in self if t.name == key)
        return super().__getitem__(key)


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self.name = name
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.hidden_columns: set[int] = set()
        self.tables = Tables()
        self.api = SheetApi()

    def __repr__(self):
        return f"<Sheet {self.name}>"

    def check_unprotected(self):
        if self.api.ProtectContents:
            raise ComError(f"工作表 {self.name} 受保护")

    def set(self, key, value):
        self.check_unprotected()
        if isinstance(value, str) and value.startswith("="):
            self.formulas[key] = value
            self.values[key] = value
        elif value is None or value == "":
            self.values.pop(key, None)
            self.formulas.pop(key, None)
        else:
            self.values[key] = value
            self.formulas.pop(key, None)

    def range(self, cell1, cell2=None) -> Range:
        if isinstance(cell1, tuple):
            top, left = cell1
            bottom, right = cell2 if cell2 is not None else cell1
            return Range(self, Rect(top, left, bottom, right))
        return Range(self, parse_rect(cell1.replace("$", "")))

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def used_range(self) -> Range:
        keys = list(self.values)
        if not keys:
            return Range(self, Rect(1, 1, 1, 1))
        return Range(self, Rect(min(r for r, _ in keys), min(c for _, c in keys),
                                max(r for r, _ in keys), max(c for _, c in keys)))

    # -- test helpers
    def put(self, address: str, rows):
        """Write a list of rows from ``address`` (bypassing protection and counters)."""
        top, left = parse_rect(address).top, parse_rect(address).left
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    self.values[(top + i, left + j)] = v

    def add_table(self, name: str, ref: str, **kw) -> Table:
        table = Table(self, name, ref, **kw)
        self.tables.append(table)
        return table


class Sheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            for sheet in self:
                if sheet.name.casefold() == key.casefold():
                    return sheet
            raise KeyError(key)
        return super().__getitem__(key)


@dataclass
class Name:
    book: Book
    name: str
    refers_to: str

    @property
    def refers_to_range(self) -> Range:
        from xlpkg.read.cell_source import parse_reference

        sheet, rect = parse_reference(self.refers_to)
        return Range(self.book.sheets[sheet], rect)


class Names(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            for n in self:
                if n.name == key:
                    return n
            raise KeyError(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        if isinstance(key, str):
            return any(n.name == key for n in self)
        return super().__contains__(key)


@dataclass
class App:
    alerts: list = field(default_factory=list)
    screen_updating: bool = True

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return "ok"


class Book:
    def __init__(self, fullname: str = "/tmp/示例.xlsm"):
        self.fullname = fullname
        self.name = fullname.replace("\\", "/").rsplit("/", 1)[-1]
        self.sheets = Sheets()
        self.names = Names()
        self.app = App()
        self.reads: list[str] = []
        self.writes: list[str] = []
        self.forbidden: list[str] = []   # save/close calls (also raised)

    def add_sheet(self, name: str) -> Sheet:
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def define(self, name: str, sheet: str, address: str):
        """A workbook-scoped name, as Excel reports it: ``='收支 情况'!$E$12``."""
        rect = parse_rect(address.replace("$", ""))
        self.names.append(Name(self, name, f"={_quote(sheet)}!{_abs(rect)}"))

    def save(self, *a, **k):
        self.forbidden.append("save")
        raise AssertionError("a macro must never save the book")

    def close(self, *a, **k):
        self.forbidden.append("close")
        raise AssertionError("a macro must never close the book")


def book_from_file(path, fullname: str | None = None) -> Book:
    """A fake Book holding a saved workbook's cells, names and tables (read with openpyxl,
    which may read test inputs; it never saves anything here)."""
    import openpyxl

    from xlpkg.core.money import EXCEL_ERRORS

    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    book = Book(fullname or str(path))
    for ws in formulas.worksheets:
        sheet = book.add_sheet(ws.title)
        values = cached[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                key = (cell.row, cell.column)
                value = values.cell(cell.row, cell.column).value
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    sheet.formulas[key] = cell.value
                if isinstance(value, str) and value in EXCEL_ERRORS:
                    value = FakeError(value)
                if value is not None:
                    sheet.values[key] = value
        for table in ws.tables.values():
            sheet.add_table(table.displayName, table.ref, show_headers=bool(table.headerRowCount),
                            show_totals=bool(table.totalsRowCount))
        if ws.protection.sheet:
            sheet.api.ProtectContents = True
    for name, dn in formulas.defined_names.items():
        book.names.append(Name(book, name, "=" + dn.attr_text))
    return book
