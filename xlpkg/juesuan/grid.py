"""One sheet of a 决算 file as a plain grid of values, whatever the file format.

Owns :class:`Grid` — the values (row-major, 0-based), the merged ranges, and the
``file!sheet!cell`` address every value and finding carries. The readers
(:mod:`xlpkg.juesuan.readers`) build grids; recognition only ever sees grids.
Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from xlpkg.core.record import field, record


def column_letters(col: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters, col = "", col + 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@record(frozen=False)
class Grid:
    """A sheet: ``rows[r][c]`` (None or "" = blank); ``merged`` = ((r0, c0), (r1, c1)) inclusive."""

    file: str
    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def __post_init__(self):
        self.width = max((len(r) for r in self.rows), default=0)
        # the top-left cell of every merged range, for each cell it covers
        self._origin: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in self.merged:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:   # a whole-column merge: ignore
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._origin[(r, c)] = (r0, c0)

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, r: int, c: int) -> Any:
        """The cell's own value (a merged range's value sits in its top-left cell only)."""
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            v = self.rows[r][c]
            return None if v == "" else v
        return None

    def filled(self, r: int, c: int) -> Any:
        """The value shown at (r, c): a merged range's value in every cell it covers."""
        return self.value(*self._origin.get((r, c), (r, c)))

    def merged_origin(self, r: int, c: int) -> tuple[int, int] | None:
        origin = self._origin.get((r, c))
        return origin if origin and origin != (r, c) else None

    def ref(self, r: int, c: int) -> str:
        """``D25`` for (24, 3)."""
        return f"{column_letters(c)}{r + 1}"

    def addr(self, r: int, c: int) -> str:
        """``收支.xlsx!表一!D25`` — the address findings and sources name."""
        return f"{self.file}!{self.sheet}!{self.ref(r, c)}"
