"""The shape of a printable submission table, shared by the xlsx writer and the report.

A :class:`PrintTable` is a rectangular grid of :class:`Cell` (every row has one
cell per column; a cell covered by a merge holds an empty cell), the merges as
``(first_row, first_col, last_row, last_col)`` over that grid, which rows are the
column header (repeated on every printed page), the title lines above it and the
notes below it. Cells carry the text exactly as printed (``""`` for blank — never
0) and, for numbers, the Decimal and its kind so a spreadsheet can keep them as
numbers. Pure data: no I/O.
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct
from xlpkg.core.record import field, record

KINDS = ("text", "amount", "pct", "count", "weight", "score")
NUMERIC = KINDS[1:]


@record
class Cell:
    text: str = ""
    value: Decimal | None = None    # the number behind ``text`` (amount, fraction, count, score)
    kind: str = "text"              # one of KINDS
    bold: bool = False
    align: str = ""                 # "left" | "center" | "right"; "" = by kind
    head: bool = False              # a header / label cell (shaded)

    @property
    def alignment(self) -> str:
        if self.align:
            return self.align
        if self.kind in ("weight", "score"):
            return "center"
        return "right" if self.kind in NUMERIC else "left"


BLANK = Cell()


def text(value: str | None, **kw) -> Cell:
    return Cell("" if value is None else str(value), **kw)


def head(value: str, **kw) -> Cell:
    kw.setdefault("align", "center")
    return Cell(value, head=True, bold=True, **kw)


def amount(value: Decimal | None, **kw) -> Cell:
    """An amount in 万元, 2 decimals; blank when not stated."""
    return Cell("" if value is None else fmt_amount(value), value, "amount", **kw)


def pct(value: Decimal | None, **kw) -> Cell:
    """A ratio as a percentage (2 decimals); blank when not computable."""
    return Cell("" if value is None else fmt_pct(value), value, "pct", **kw)


def count(value: Decimal | None, **kw) -> Cell:
    return Cell("" if value is None else fmt_number(value), value, "count", **kw)


def points(value: Decimal | None, shown: str, **kw) -> Cell:
    """A score; ``shown`` is its printed text (待评分 when there is none)."""
    return Cell(shown, value, "score", **kw)


def weight_cell(value: Decimal | None, **kw) -> Cell:
    """An indicator's 分值 as typed (``10``, ``2.5``); blank when not stated."""
    return Cell("" if value is None else fmt_number(value), value, "weight", **kw)


@record
class Column:
    width: float                    # in characters of the xlsx default font (≈ 1.1 CJK per 2)
    wrap: bool = True


@record
class PrintTable:
    """One sheet of the submission: title, info lines, grid, notes."""

    sheet: str                              # sheet name (≤ 31 characters)
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: tuple[int, int] | None     # grid rows repeated on each page (inclusive)
    merges: tuple[tuple[int, int, int, int], ...] = ()
    subtitle: str = ""                      # e.g. （2023年度）
    info_left: str = ""                     # 填报单位：…
    info_right: str = ""                    # 单位：万元 / date
    notes: tuple[str, ...] = ()
    landscape: bool = False
    row_heights: dict[int, float] = field(default_factory=dict)   # points, for long text rows

    def __post_init__(self):
        width = len(self.columns)
        bad = [i for i, r in enumerate(self.rows) if len(r) != width]
        if bad:
            raise ValueError(f"rows {bad} do not have {width} cells")

    def cell_text(self, row: int, col: int) -> str:
        return self.rows[row][col].text

    def column_texts(self, col: int) -> list[str]:
        return [r[col].text for r in self.rows]
