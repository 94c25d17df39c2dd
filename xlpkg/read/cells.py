"""The cells a workbook reader asks for, and where they are: values, addresses, the interface.

Owns what every cell source shares: the values a cell can hold
(:class:`CellError`, :data:`NO_RESULT`, :class:`CappedText`, :func:`plain_value`),
A1 addresses and defined-name references (:func:`parse_reference`), the
:class:`TableRef` of an Excel table, and the :class:`CellSource` protocol the
reader (:mod:`xlpkg.read.workbook_read`) reads through. Its implementations are
:mod:`xlpkg.read.saved_source` (a saved file) and :mod:`xlpkg.read.live_source`
(a live xlwings Book).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from xlpkg.core.money import EXCEL_ERRORS  # the one list of Excel error values
from xlpkg.core.record import record

MAX_ROW, MAX_COL = 1_048_576, 16_384

# ---------------------------------------------------------------- cell values


class CellError(str):
    """An Excel error value read from a cell (``#REF!``, ``#DIV/0!`` …).

    A ``str`` so that :func:`xlpkg.core.money.parse_number` reports it with the
    cell, like any other unreadable text.
    """

    __slots__ = ()


class _NoResult:
    """A formula cell with no stored result (never calculated by Excel)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_RESULT"


NO_RESULT = _NoResult()

#: Excel's own limit on the characters one cell holds: longer text is no Excel's.
MAX_CELL_CHARS = 32_767


class CappedText(str):
    """Cell text cut to :data:`MAX_CELL_CHARS`; ``length`` is how long it was in the file.

    The reader reports it with the cell (a finding), so the cut is never silent.
    """

    length: int

    def __new__(cls, text: str, length: int):
        self = super().__new__(cls, text)
        self.length = length
        return self


def cap_text(text: str) -> str:
    """``text``, or a :class:`CappedText` of its first :data:`MAX_CELL_CHARS` characters."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    return CappedText(text[:MAX_CELL_CHARS], len(text))


def plain_value(value: Any) -> Any:
    """One cell value as the reader wants it: integral floats as ``int`` (2023, not
    2023.0, so ``export`` writes what ``fill`` wrote), ``""`` as ``None``, Excel
    error text as :class:`CellError`."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if isinstance(value, str) and not isinstance(value, CellError):
        if value == "":
            return None
        if value in EXCEL_ERRORS:
            return CellError(value)
    return value


# ---------------------------------------------------------------- addresses


@record
class Rect:
    """A rectangle of cells, 1-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def is_cell(self) -> bool:
        return self.top == self.bottom and self.left == self.right

    @property
    def area(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def contains(self, row: int, col: int) -> bool:
        return self.top <= row <= self.bottom and self.left <= col <= self.right

    def a1(self) -> str:
        start = a1(self.top, self.left)
        return start if self.is_cell else f"{start}:{a1(self.bottom, self.right)}"


def column_letters(col: int) -> str:
    letters = _LETTERS.get(col)
    if letters is None:
        letters, n = "", col
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        if 0 < col <= MAX_COL:
            _LETTERS[col] = letters
    return letters


_LETTERS: dict[int, str] = {}   # column number → letters: every cell of a finding is named


def a1(row: int, col: int) -> str:
    """(6, 6) → ``F6``."""
    return f"{column_letters(col)}{row}"


_COLUMNS: dict[str, int] = {}
_DIGITS = "0123456789"


def split_a1(ref: str) -> tuple[int, int]:
    """``$F$6`` → (6, 6); ``ValueError`` if it is not a cell address inside the sheet.

    The address is ``$?`` 1–3 letters ``$?`` 1–7 digits. Read without a regular
    expression: a sheet's every cell is one, and so is every defined name's corner.
    """
    body = ref.removeprefix("$")
    letters = body.rstrip(_DIGITS)
    digits = body[len(letters):]
    letters = letters.removesuffix("$")
    col = _COLUMNS.get(letters)
    if col is None:
        if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
            raise ValueError(ref)
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    if not 0 < len(digits) <= 7:
        raise ValueError(ref)
    row = int(digits)
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(ref)
    return row, col


def parse_rect(ref: str) -> Rect:
    """``B3:D6`` (or ``B3``) → :class:`Rect`; ``ValueError`` otherwise."""
    first, _, last = ref.partition(":")
    top, left = split_a1(first)
    bottom, right = split_a1(last) if last else (top, left)
    return Rect(min(top, bottom), min(left, right), max(top, bottom), max(left, right))


class BadReference(ValueError):
    """A defined name that does not point at cells; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^'!]+))!(.+)")


def parse_reference(text: str) -> tuple[str, Rect]:
    """A defined name's formula (``'支出情况'!$F$6``) → (sheet name, rectangle).

    Raises :class:`BadReference` for ``#REF!``, other workbooks, constants and
    formulas: anything that is not one rectangle on one sheet.
    """
    text = (text or "").strip()
    if text.startswith("="):
        text = text[1:].strip()
    if not text:
        raise BadReference("没有指向任何单元格")
    if "#REF!" in text.upper():
        raise BadReference("的引用已失效（#REF!），原来的单元格可能已被删除")
    m = _SHEET_REF.fullmatch(text)
    if not m:
        raise BadReference(f"不是单元格引用（“{text[:40]}”）")
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    if sheet.startswith("["):
        raise BadReference("指向了其他工作簿")
    try:
        rect = parse_rect(m.group(3))
    except ValueError:
        raise BadReference(f"不是单元格引用（“{text[:40]}”）") from None
    return sheet, rect


def cell_label(sheet: str, row: int, col: int) -> str:
    """The ``sheet!A1`` form findings carry (CONTRACT §4)."""
    return f"{sheet}!{a1(row, col)}"


# ---------------------------------------------------------------- the interface


@record
class TableRef:
    """One Excel table (ListObject): where it is and what its columns are called."""

    name: str
    sheet: str
    rect: Rect                         # the whole table: header, body and totals
    header_rows: int = 1
    totals_rows: int = 0
    columns: tuple[str, ...] | None = None   # None: take them from the header row

    @property
    def counts_fit(self) -> bool:
        """Whether the declared header and totals rows fit inside the table's range."""
        height = self.rect.bottom - self.rect.top + 1
        return (self.header_rows >= 0 and self.totals_rows >= 0
                and self.header_rows + self.totals_rows <= height)

    @property
    def body(self) -> Rect | None:
        if not self.counts_fit:
            return None
        top = self.rect.top + self.header_rows
        bottom = self.rect.bottom - self.totals_rows
        if bottom < top:
            return None
        return Rect(top, self.rect.left, bottom, self.rect.right)


Cells = dict[tuple[int, int], Any]


class CellSource(Protocol):
    """What the workbook reader needs from a workbook, saved or live.

    ``fetch`` returns only non-empty cells, as ``(row, col) → value``: ``int`` /
    ``float`` / ``str`` / ``bool`` / :class:`CellError` / :data:`NO_RESULT`
    (live books may also give ``datetime``).
    """

    name: str

    def sheet_names(self) -> list[str]: ...

    def defined_names(self) -> dict[str, str]: ...

    def tables(self) -> dict[str, TableRef]: ...

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]: ...


class Wanted:
    """Fast membership test for "is this cell in one of the requested rectangles"."""

    def __init__(self, rects: Sequence[Rect]):
        self.cells = {(r.top, r.left) for r in rects if r.is_cell}
        self.blocks = [r for r in rects if not r.is_cell]
        self.top = min((r.top for r in rects), default=1)
        self.bottom = max((r.bottom for r in rects), default=0)
        self._by_row: dict[int, frozenset[int]] | None = None

    def __call__(self, row: int, col: int) -> bool:
        if row < self.top or row > self.bottom:
            return False
        if (row, col) in self.cells:
            return True
        return any(b.contains(row, col) for b in self.blocks)

    def columns(self, row: int) -> tuple[frozenset[int], tuple[tuple[int, int], ...]]:
        """The wanted single columns and (left, right) spans of one row: a sheet's
        cells are tested against these, row by row, instead of every rectangle."""
        if self._by_row is None:
            by_row: dict[int, set[int]] = {}
            for r, c in self.cells:
                by_row.setdefault(r, set()).add(c)
            self._by_row = {r: frozenset(cs) for r, cs in by_row.items()}
        spans = tuple(sorted({(b.left, b.right) for b in self.blocks if b.top <= row <= b.bottom}))
        return self._by_row.get(row, frozenset()), spans

