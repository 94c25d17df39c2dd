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

from xlpkg.read.cells import (
    COLUMNS,
    MAX_ROW,
    NO_RESULT,
    CellError,
    Cells,
    Wanted,
    cap_text,
    plain_value,
    split_a1,
)

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
    """Collects the wanted ``<c>`` cells of one worksheet (see :func:`cell_value`):
    ``cells`` once parsed, and in ``shared`` those of them holding a SharedIndex.

    ``start``, ``end`` and ``data`` are called for every element of a sheet that
    may hold 10 MB of formulas, so they do the least work they can: rows outside
    the wanted ones are passed over, parsing stops after the last wanted row or at
    ``</sheetData>``, a row's wanted columns are one set, and a cell's address is
    split by its row's own number when it ends with it (Excel writes ``C3000`` in
    ``<row r="3000">``). They are closures over the parse's state, not methods:
    a closure's variables are quicker to reach than an object's attributes.

    A formula's text is not taken: :meth:`bind` gives the handler its parser, and
    ``data`` stops being its character handler inside ``<f>``. Otherwise expat
    would make a Python string of every formula (most of such a sheet's bytes)
    for nothing.
    """

    def __init__(self, wanted: Wanted, room: int | None = None):
        # room: stop once more cells than this are kept
        self.cells: Cells = {}
        self.shared: list[tuple[int, int]] = []
        self.start, self.end, self.data, self.bind = _sheet_handlers(
            wanted, room, self.cells, self.shared)


def _sheet_handlers(wanted: Wanted, room: int | None, cells: Cells,
                    shared: list[tuple[int, int]]):
    top, bottom = wanted.top, wanted.bottom
    row = col = 0
    row_wanted = False
    row_text: str | None = None           # the <row r> digits, when a cell may end so
    cols: frozenset[int] = frozenset()    # the wanted columns of this row
    spans: tuple[tuple[int, int], ...] = ()   # … and its wanted spans too wide for a set
    pos: tuple[int, int] | None = None    # the wanted cell being read
    kind = "n"
    formula = False
    value: list[str] | None = None        # <v> text
    inline: list[str] | None = None       # <is> text
    buf: list[str] | None = None          # where characters go now
    phonetic = False
    parser = None                         # set by bind: no text taken inside <f>

    def bind(p) -> None:
        nonlocal parser
        parser = p

    def take(on: bool) -> None:
        if parser is not None:
            parser.CharacterDataHandler = data if on else None

    def enter(number: int, text: str | None) -> None:
        """Cells from here on are in row ``number`` (as the file wrote it, if it did)."""
        nonlocal row, cols, spans, row_text
        row = number
        cols, spans = wanted.columns(number)
        # Only plain ASCII digits end an address the way split_a1 reads one.
        plain = text is not None and text.isascii() and text.isdigit() and len(text) <= 7
        row_text = text if plain and 1 <= number <= MAX_ROW else None

    def start(name, attrs):
        nonlocal col, row, row_wanted, pos, kind, formula, value, inline, buf, phonetic
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            col += 1
            if not row_wanted:
                return
            ref = attrs.get("r")
            if ref:
                at = None
                if row_text is not None and ref.endswith(row_text):
                    at = COLUMNS.get(ref[:-len(row_text)])
                if at is None:
                    number, at = split_a1(ref)
                    if number != row:   # a cell naming another row than its <row>
                        enter(number, str(number))
                col = at
            if col in cols or (spans and any(a <= col <= b for a, b in spans)):
                pos = (row, col)
                kind = attrs.get("t", "n")
                formula = False
                value = inline = buf = None
        elif tag == "row":
            text = attrs.get("r")
            number = int(text) if text else row + 1
            col = 0
            if number > bottom:
                raise Done   # rows come in order (ECMA-376 §18.3.1.73): nothing wanted is left
            row_wanted = top <= number
            if row_wanted:
                enter(number, text)
            else:
                row = number
        elif pos is None:
            return
        elif tag == "v":
            value = buf = []
            take(True)   # (a <v> inside an <f> too)
        elif tag == "f":
            formula = True
            if buf is None:   # (an <f> inside a <v> is the value's text)
                take(False)
        elif tag == "is":
            inline = []
        elif tag == "rPh":
            phonetic = True
        elif tag == "t" and inline is not None and not phonetic:
            buf = inline
            take(True)

    def end(name):
        nonlocal pos, buf, phonetic
        if pos is None:
            if name.endswith("sheetData"):
                raise Done
            return
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            if value is None and inline is None and not formula:
                got = None   # an empty cell (only styled): a third of a template's cells
            else:
                got = cell_value(kind, None if value is None else "".join(value), formula,
                                 None if inline is None else "".join(inline))
            if got is not None:
                cells[pos] = got
                if type(got) is SharedIndex:
                    shared.append(pos)
                if room is not None and len(cells) > room:
                    raise Done
            pos = None
        elif tag == "v" or tag == "t":
            buf = None
        elif tag == "f":
            take(True)
        elif tag == "rPh":
            phonetic = False

    def data(content):
        if buf is not None:
            buf.append(content)

    return start, end, data, bind


class StringsHandler:
    """Reads the wanted entries of the shared-string table (rich text joined, no phonetics)
    into ``strings``; like :class:`SheetHandler`, closures over the parse's state."""

    def __init__(self, wanted: set[int]):
        self.strings: dict[int, str] = {}
        self.start, self.end, self.data = _strings_handlers(wanted, self.strings)


def _strings_handlers(wanted: set[int], strings: dict[int, str]):
    last = max(wanted)
    index = -1
    parts: list[str] | None = None   # the wanted entry being read
    collect = False
    phonetic = False

    def start(name, attrs):
        nonlocal index, parts, collect, phonetic
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "si":
            index += 1
            if index > last:
                raise Done
            parts = [] if index in wanted else None
        elif tag == "rPh":
            phonetic = True
        elif tag == "t" and parts is not None and not phonetic:
            collect = True

    def end(name):
        nonlocal parts, collect, phonetic
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "t":
            collect = False
        elif tag == "rPh":
            phonetic = False
        elif tag == "si" and parts is not None:
            strings[index] = string_value("".join(parts))
            parts = None

    def data(content):
        if collect:
            parts.append(content)

    return start, end, data


def string_value(text: str) -> str:
    """A shared-string entry's value from its text (its ``<t>`` runs joined)."""
    return cap_text(unescape(text))


def cell_value(kind: str, value: str | None, formula: bool, inline: str | None) -> Any:
    """One cell's stored value (see :class:`CellSource`) from its type ``t``, the text of
    its ``<v>`` and of its ``<is>`` (``None`` where the element is absent) and whether
    it has an ``<f>``; ``None`` when empty."""
    if kind == "n" and value:   # most cells: a number (tested first, it is every other cell)
        try:
            return plain_value(float(value))
        except ValueError:
            # Not a number where one is stored: hand the text on, so the finding that
            # says it is unreadable names this cell (Excel itself would refuse the file).
            return plain_value(cap_text(value))
    if kind == "inlineStr":
        return plain_value(cap_text(unescape(inline))) if inline is not None else None
    if value is None or (value == "" and kind not in ("str", "s")):
        return NO_RESULT if formula else None
    if kind == "s":
        index = value.strip()
        if not index.isdecimal():
            return plain_value(cap_text(value))
        return SharedIndex(int(index) if len(index) < 12 else -1)   # -1: no such string
    if kind == "e":
        return CellError(value.strip())
    if kind == "b":
        return value.strip() in ("1", "true")
    if kind in ("str", "d"):
        return plain_value(cap_text(unescape(value)))
    try:
        return plain_value(float(value))
    except ValueError:
        return plain_value(cap_text(value))
