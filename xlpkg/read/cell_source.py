"""Where a workbook's cells come from: one import path for the reader's cell interface.

Owns nothing of its own: it gathers the public names of the modules that do, so
that ``from xlpkg.read.cell_source import …`` keeps working for every caller:

- :mod:`xlpkg.read.cells` — cell values, addresses, :class:`TableRef` and the
  :class:`CellSource` protocol;
- :mod:`xlpkg.read.saved_source` — :class:`SavedSource`, cells of a saved workbook;
- :mod:`xlpkg.read.live_source` — :class:`LiveSource`, cells of a live xlwings Book;
- :mod:`xlpkg.read.zip_safety` — bounded zip/XML reading (the limits below).
"""

from __future__ import annotations

from xlpkg.read.cells import (
    MAX_CELL_CHARS,
    MAX_COL,
    MAX_ROW,
    NO_RESULT,
    BadReference,
    CappedText,
    CellError,
    Cells,
    CellSource,
    Rect,
    TableRef,
    a1,
    cap_text,
    cell_label,
    column_letters,
    parse_rect,
    parse_reference,
    plain_value,
    split_a1,
)
from xlpkg.read.saved_source import MAX_FETCH_CELLS, SavedSource
from xlpkg.read.zip_safety import MAX_MEMBERS, MAX_PART_BYTES, MAX_RATIO, MAX_TOTAL_BYTES


def __getattr__(name: str):
    # the live (xlwings) source only inside Excel: a saved workbook's reading skips it
    if name in ("LIVE_BLOCK_LIMIT", "LiveSource"):
        from xlpkg.read import live_source

        return getattr(live_source, name)
    raise AttributeError(name)


__all__ = [
    "MAX_CELL_CHARS", "MAX_COL", "MAX_FETCH_CELLS", "MAX_MEMBERS",
    "MAX_PART_BYTES", "MAX_RATIO", "MAX_ROW", "MAX_TOTAL_BYTES", "NO_RESULT", "BadReference",
    "CappedText", "CellError", "CellSource", "Cells", "Rect", "SavedSource",
    "TableRef", "a1", "cap_text", "cell_label", "column_letters", "parse_rect",
    "parse_reference", "plain_value", "split_a1",
]
