"""Where everything lives in the xlpkg workbook: the one description of its layout.

The description is split by part — :mod:`.cells` (addresses, sheets, kinds,
formula arguments, macro output areas), :mod:`.fixed` (基本情况, 收支情况,
“三公”经费, derived from :mod:`xlpkg.core.schema`), :mod:`.tables` (the
ListObjects, headers from the schema) and :mod:`xlpkg.workbook.guide` (使用说明)
— and gathered here, so callers keep ``from xlpkg.workbook import layout as L``.

:mod:`xlpkg.workbook.build` renders it; the macros and the tests import it to
find cells. The reader does not: it finds data by defined name and table only
(CONTRACT §3), so a user's workbook laid out differently still reads.
"""

from __future__ import annotations

from xlpkg.workbook.guide import (  # noqa: F401  (the macros and tests look here)
    BUTTONS,
    GUIDE_BUTTON_ROWS,
    GUIDE_FIRST_LINE_ROW,
    GUIDE_INTRO,
    GUIDE_LINES,
    GUIDE_TITLE,
    GUIDE_WIDTHS,
    Button,
)
from xlpkg.workbook.layout import fixed as _fixed
from xlpkg.workbook.layout import tables as _tables
from xlpkg.workbook.layout.cells import *
from xlpkg.workbook.layout.cells import (
    CHECKS_ANCHOR,
    FORMULAS,
    NAMED,
    SCORESHEET_ANCHOR,
    Formula,
)
from xlpkg.workbook.layout.fixed import *
from xlpkg.workbook.layout.tables import *
from xlpkg.workbook.layout.tables import TABLE_ROWS_DEFAULT, TABLES, Sizes, table_formulas

_fixed.build()
_tables.check_tables()


def all_formulas(sizes: Sizes | None = None) -> list[Formula]:
    """Every computed cell of the workbook, for tables of the given lengths."""
    sizes = {**TABLE_ROWS_DEFAULT, **(sizes or {})}
    out = list(FORMULAS)
    for name, table in TABLES.items():
        out += table_formulas(table, sizes[name])
    return out


ALL_NAMES: tuple[str, ...] = tuple(NAMED) + (CHECKS_ANCHOR, SCORESHEET_ANCHOR)
