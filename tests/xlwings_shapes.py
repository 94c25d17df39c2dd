"""Call a UDF the way Excel + xlwings 0.37.8 call it (a test helper, not a test module).

Each argument describes what the formula refers to: a plain value is one cell,
``Cells([[…], …])`` a range of rows, ``Error("#DIV/0!")`` an error cell. The
conversion is xlwings': COM hands over numbers as floats, empty cells as None and
error cells as COM error codes; ``xlwings._xlwindows._clean_value_data_element``
turns those codes into their text only under ``err_to_str`` (else None); the
``ndim=2`` option then makes every argument a list of rows, one cell ``[[v]]``.
The options are read from the ``__xlfunc__`` that xlwings' own decorators put
on the functions, exactly as Excel on Windows would see them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from xlpkg.vba import modules

# xlwings/_xlwindows.py cell_errors (COM error codes of cell error values)
COM_ERRORS = {"#DIV/0!": -2146826281, "#N/A": -2146826246, "#NAME?": -2146826259,
              "#NULL!": -2146826288, "#NUM!": -2146826252, "#REF!": -2146826265,
              "#VALUE!": -2146826273}


@dataclass(frozen=True)
class Error:
    text: str


@dataclass(frozen=True)
class Cells:
    rows: list


@functools.cache
def _decorated() -> Any:
    return modules._project_udf_module(modules._xlwings_udfs())


def _com(value: Any) -> Any:
    """What COM's Range.Value gives for one cell."""
    if isinstance(value, Error):
        return COM_ERRORS[value.text]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return float(value)


def _clean(raw: Any, options: dict) -> Any:
    if raw in ("", None):
        return options.get("empty")
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in COM_ERRORS.values():
        if options.get("err_to_str"):
            return next(t for t, code in COM_ERRORS.items() if code == raw)
        return None
    return raw


def _convert(arg: Any, options: dict) -> Any:
    rows = arg.rows if isinstance(arg, Cells) else [[arg]]
    grid = [[_clean(_com(v), options) for v in row] for row in rows]
    if options.get("ndim") == 2:
        return grid
    if len(grid) == 1 and len(grid[0]) == 1:
        return grid[0][0]
    return grid if len(grid) > 1 and len(grid[0]) > 1 else [v for row in grid for v in row]


def call_as_excel(name: str, *args: Any) -> Any:
    """Run UDF ``name`` on ``args`` (cells, ranges, errors) converted as xlwings does."""
    fn = getattr(_decorated(), name)
    info = fn.__xlfunc__["args"]
    converted = [_convert(a, info[min(i, len(info) - 1)]["options"]) for i, a in enumerate(args)]
    return fn(*converted)


def options_of(name: str) -> list[dict]:
    return [a["options"] for a in getattr(_decorated(), name).__xlfunc__["args"]]
