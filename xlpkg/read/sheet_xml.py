"""The XML of worksheets and of the shared-string table, read cell by cell.

Owns the two expat handlers a saved workbook's cells are read with — one keeps
the wanted ``<c>`` cells of a worksheet, the other the wanted entries of the
shared-string table — and what one stored cell means as a value
(:func:`cell_value`): numbers, text (cut at Excel's 32,767 characters, see
:func:`~xlpkg.read.cells.cap_text`), booleans, error values and formulas never
calculated.
"""

from __future__ import annotations

import re
from typing import Any

from xlpkg.read.cells import NO_RESULT, CellError, Cells, Wanted, cap_text, plain_value, split_a1

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """OOXML writes control characters as ``_x000D_``; give them back."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


class SharedIndex(int):
    """A shared-string index, resolved once every sheet has been read."""


class Done(Exception):
    """Every wanted cell or string has been read: stop parsing."""


class SheetHandler:
    """Collects the wanted ``<c>`` cells of one worksheet (see :func:`cell_value`).

    Called for every element, so it does the least work it can: rows outside the
    wanted ones are passed over, and parsing stops at ``</sheetData>``.
    """

    def __init__(self, wanted: Wanted, room: int | None = None):
        self.wanted = wanted
        self.room = room                          # stop once more cells than this are kept
        self.cells: Cells = {}
        self.row = self.col = 0
        self.row_wanted = False
        self.single: frozenset[int] = frozenset()        # the wanted columns of this row
        self.spans: tuple[tuple[int, int], ...] = ()
        self.pos: tuple[int, int] | None = None   # the wanted cell being read
        self.kind = "n"
        self.formula = False
        self.value: list[str] | None = None       # <v> text
        self.inline: list[str] | None = None      # <is> text
        self.buf: list[str] | None = None         # where characters go now
        self.phonetic = False

    def start(self, name, attrs):
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            self.col += 1
            if not self.row_wanted:
                return
            ref = attrs.get("r")
            row = self.row
            if ref:
                row, self.col = split_a1(ref)
            col = self.col
            if row == self.row:
                wanted = col in self.single or any(a <= col <= b for a, b in self.spans)
            else:   # a cell naming another row than its <row>: ask the rectangles
                self.row = row
                wanted = self.wanted(row, col)
            if wanted:
                self.pos = (row, col)
                self.kind = attrs.get("t", "n")
                self.formula = False
                self.value = self.inline = self.buf = None
        elif tag == "row":
            r = attrs.get("r")
            self.row = int(r) if r else self.row + 1
            self.col = 0
            if self.row > self.wanted.bottom:
                raise Done   # rows come in order (ECMA-376 §18.3.1.73): nothing wanted is left
            self.row_wanted = self.wanted.top <= self.row
            if self.row_wanted:
                self.single, self.spans = self.wanted.columns(self.row)
        elif self.pos is None:
            return
        elif tag == "v":
            self.value = self.buf = []
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.buf = self.inline

    def end(self, name):
        if self.pos is None:
            if name.endswith("sheetData"):
                raise Done
            return
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            value = cell_value(self.kind, self.value, self.formula, self.inline)
            if value is not None:
                self.cells[self.pos] = value
                if self.room is not None and len(self.cells) > self.room:
                    raise Done
            self.pos = None
        elif tag in ("v", "t"):
            self.buf = None
        elif tag == "rPh":
            self.phonetic = False

    def data(self, content):
        if self.buf is not None:
            self.buf.append(content)


class StringsHandler:
    """Reads the wanted entries of the shared-string table (rich text joined, no phonetics)."""

    def __init__(self, wanted: set[int]):
        self.wanted = wanted
        self.last = max(wanted)
        self.strings: dict[int, str] = {}
        self.index = -1
        self.parts: list[str] | None = None
        self.collect = False
        self.phonetic = False

    def start(self, name, attrs):
        tag = name.rpartition(":")[2]
        if tag == "si":
            self.index += 1
            if self.index > self.last:
                raise Done
            self.parts = [] if self.index in self.wanted else None
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.parts is not None and not self.phonetic:
            self.collect = True

    def end(self, name):
        tag = name.rpartition(":")[2]
        if tag == "t":
            self.collect = False
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "si" and self.parts is not None:
            self.strings[self.index] = cap_text(unescape("".join(self.parts)))
            self.parts = None

    def data(self, content):
        if self.collect:
            self.parts.append(content)


def cell_value(kind: str, value: list[str] | None, formula: bool,
               inline: list[str] | None) -> Any:
    """One cell's stored value (see :class:`CellSource`); ``None`` when empty."""
    if kind == "inlineStr":
        return plain_value(cap_text(unescape("".join(inline)))) if inline is not None else None
    v = None if value is None else "".join(value)
    if v is None or (v == "" and kind not in ("str", "s")):
        return NO_RESULT if formula else None
    if kind == "s":
        index = v.strip()
        if not index.isdecimal():
            return plain_value(cap_text(v))
        return SharedIndex(int(index) if len(index) < 12 else -1)   # -1: no such string
    if kind == "e":
        return CellError(v.strip())
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind in ("str", "d"):
        return plain_value(cap_text(unescape(v)))
    try:
        return plain_value(float(v))
    except ValueError:
        # Not a number where one is stored: hand the text on, so the finding that
        # says it is unreadable names this cell (Excel itself would refuse the file).
        return plain_value(cap_text(v))

