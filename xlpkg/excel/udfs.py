"""Worksheet functions (xlwings UDFs): the module xlwings imports inside Excel.

Its import path ``xlpkg.excel.udfs`` is written into every workbook's xlwings
settings, so it stays; the functions themselves, their help texts and their
native Excel twins live in :mod:`xlpkg.core.sheet_functions` (pure), where the
workbook builder and the VBA wrapper generator reach them without importing the
Excel layer. Inside Excel on Windows this module marks them for xlwings
(``ndim=2`` and ``err_to_str`` on every argument).

Importing this module must stay cheap (< 100 ms): no pandas, no openpyxl, and
xlwings only where it is already loaded.
"""

from __future__ import annotations

import sys

from xlpkg.core.sheet_functions import (  # noqa: F401  (xlwings looks them up here)
    BAD,
    CATEGORY,
    CHANGE_TEXT,
    CHECK_SUM,
    COMPLETION,
    EXEC_RATE,
    GRADE,
    PCT_CHANGE,
    SHARE,
    SHARE_TEXT,
    UDFS,
    YOY_DIFF,
    apply_xlwings,
)

if sys.platform.startswith("win") and "xlwings" in sys.modules:  # inside Excel
    _xw = sys.modules["xlwings"]
    apply_xlwings(_xw.func, _xw.arg)
