"""XML text for the .xlsx parts: escaping, cell references, sheet names in references,
shared strings — each spelled as XlsxWriter 3.3.1 spells it.

Plain string functions (:mod:`xml.sax.saxutils` would import :mod:`urllib.request`
and with it the HTTP and e-mail packages: 40 ms of a worker's start for three
``replace`` calls).
"""

from __future__ import annotations

import re

from xlpkg.read.cells import column_letters

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_STRING = 32767           # UTF-16 units Excel keeps in a cell
ROW_MAX, COL_MAX = 1048576, 16384
_CONTROL_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")    # a literal _xHHHH_ keeps its text
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_NEEDS_QUOTES = re.compile(r"[^\w.]|^[\d.]")
_CELL_LIKE = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ROW_LIKE = re.compile(r"^R(\d+)")
_COL_LIKE = re.compile(r"^R?C(\d+)")


def text(value: str) -> str:
    """Element text: ``&``, ``<`` and ``>`` escaped (quotes are left as they are)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def attr(value) -> str:
    """An attribute value: as :func:`text`, and ``"`` and line feeds."""
    return text(str(value)).replace('"', "&quot;").replace("\n", "&#xA;")


def col_name(col: int) -> str:
    """``A`` for column 0, ``AA`` for 26 (XlsxWriter counts columns from 0)."""
    return column_letters(col + 1)


COLS = [col_name(c) for c in range(64)]


def cell_ref(row: int, col: int) -> str:
    return f"{COLS[col] if col < 64 else col_name(col)}{row + 1}"


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def quote_sheetname(name: str) -> str:
    """A sheet name as a reference spells it: quoted when it holds more than word
    characters or looks like a cell reference (XlsxWriter's rules; a name that is
    word characters and emoji is quoted here, not there — no table has one)."""
    upper = name.upper()
    cell, row, col = _CELL_LIKE.match(upper), _ROW_LIKE.match(upper), _COL_LIKE.match(upper)
    quote = bool(_NEEDS_QUOTES.search(name))
    if not quote and cell:            # a name that is a cell reference: A1, XFD5
        quote = _col_number(cell.group(1)) <= COL_MAX and 0 < int(cell.group(2)) <= ROW_MAX
    elif not quote and row:           # or starts like an R1C1 one
        quote = 0 < int(row.group(1)) <= ROW_MAX
    elif not quote and col:
        quote = 0 < int(col.group(1)) <= COL_MAX
    elif not quote:
        quote = upper in ("R", "C", "RC")
    return "'" + name.replace("'", "''") + "'" if quote else name


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def truncated(value: str) -> str:
    """A cell's text cut to what Excel keeps (32,767 UTF-16 units)."""
    if utf16_len(value) <= MAX_STRING:
        return value
    while utf16_len(value) > MAX_STRING:
        value = value[:-1]
    return value


def shared_string(value: str) -> str:
    """One ``<si>``: control characters as _xHHHH_, leading and trailing spaces kept.
    (XlsxWriter would paste a text shaped like ``<r>…</r>`` in as raw rich-text XML;
    here it stays the text it is.)"""
    if "_x" in value:
        value = _CONTROL_ESCAPED.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    space = ' xml:space="preserve"' if value and (value[0].isspace() or value[-1].isspace()) \
        else ""
    return f"<si><t{space}>{text(value)}</t></si>"
