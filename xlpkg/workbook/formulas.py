"""Formula text of every computed cell, per flavour, and the value it caches.

Two flavours come from the one layout (:mod:`xlpkg.workbook.layout`):

- ``MACRO`` (.xlsm, Excel + xlwings): cells outside tables call the worksheet
  functions (``=PCT_CHANGE(E10,B10)``), one array call per run of rows where the
  rows line up, so a full recalculation makes few COM round-trips;
- ``PORTABLE`` (.xlsx, WPS/LibreOffice/Mac/reviewers): every cell is the
  function's native twin (``core.sheet_functions``), IF/COUNT/ROUND/TEXT only.

In both, table columns are native calculated columns (``[@本年决算数]``), totals
and checks over a table use structured references (``tbl_econ[本年决算数]``) so
they follow the table as it grows, and the in-sheet checks are native formulas
worded like the core. The cached value of every cell is computed here by the
same Python definitions, so every host shows the right figure before any edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from xlpkg.core import sheet_functions as sf
from xlpkg.workbook import layout as L

MACRO, PORTABLE = "xlsm", "xlsx"
FLAVOURS = (MACRO, PORTABLE)
CHECKS = ("CHECK_SUM", "CHECK_CALIBER", "CHECK_CARRY")
FUNCTIONS = {fn.__name__: fn for fn in sf.UDFS}


def flavour_of(path) -> str:
    """The flavour a file name asks for: ``.xlsx`` is portable, anything else macro."""
    return PORTABLE if str(path).lower().endswith(".xlsx") else MACRO


def _header(table: str, key: str) -> str:
    t = L.TABLES[table]
    header = t.columns[t.col(key) - t.first_col].header
    # structured-reference escapes (ECMA-376 18.17.6.5): ' [ ] # take a leading '
    for ch in "'[]#":
        header = header.replace(ch, "'" + ch)
    return header


def arg_ref(arg: L.Arg, sheet: str, table: str | None = None) -> str:
    """An argument as formula text seen from ``sheet`` (inside ``table`` for Here)."""
    if isinstance(arg, L.Field):
        named = L.NAMED[arg.name]
        return named.cell if named.sheet == sheet else arg.name
    if isinstance(arg, L.Here):
        # Excel 2007 form of [@header]: XlsxWriter does not expand "@" in write_formula
        return f"{table}[[#This Row],[{_header(table, arg.key)}]]"
    if isinstance(arg, L.Span):
        return f"{arg.table}[{_header(arg.table, arg.key)}]"
    raise TypeError(f"unresolved argument {arg!r}")


def _native_call(func: str, refs: Sequence[str]) -> str:
    fn = FUNCTIONS[func]
    names = list(fn.__xlpkg_udf__["args"])
    return sf.native(fn, **dict(zip(names, refs)))


def _expression(f: L.Formula, refs: list[str], flavour: str) -> str:
    if f.func == "SUM":
        # blank stays blank: an empty column has no total, not a total of 0
        return f'IF(COUNT({refs[0]})=0,"",SUM({refs[0]}))'
    if f.func == "CHECK_SUM":
        parts = [(r, isinstance(a, L.Span)) for r, a in zip(refs[1:], f.args[1:])]
        return sf.native_sum_check(refs[0], parts, f.labels)
    if f.func == "CHECK_CALIBER":
        return sf.native_caliber_check(refs[0], refs[1], refs[2], f.bases)
    if f.func == "CHECK_CARRY":
        return sf.native_carry_check(*refs, labels=f.labels)
    if flavour == MACRO:
        return f"{f.func}({','.join(refs)})"
    return _native_call(f.func, refs)


def formula_text(f: L.Formula, flavour: str = PORTABLE, table: str | None = None) -> str:
    """``=…`` for one computed cell (or a table column, whose args use Here)."""
    refs = [arg_ref(a, f.sheet, table) for a in f.args]
    if table is not None:  # calculated columns are native in both flavours
        flavour = PORTABLE
    return "=" + _expression(f, refs, flavour)


def column_formula(table: L.Table, column: L.Column) -> str:
    """The calculated-column formula of a table column (native, structured)."""
    f = L.Formula(table.sheet, 0, 0, column.func, column.args, column.kind)
    return formula_text(f, PORTABLE, table.name)


# ---------------------------------------------------------------- array calls (MACRO)


def udf_runs(formulas: Sequence[L.Formula]) -> list[list[L.Formula]]:
    """Group UDF cells outside tables into runs one array call can serve.

    A run is cells of one column and function on consecutive rows whose every
    argument is either the same cell throughout (a fixed reference, repeated by
    the function) or cells of one column on the same consecutive rows.
    """
    cells = sorted((f for f in formulas if f.func in FUNCTIONS and f.func not in CHECKS),
                   key=lambda f: (f.sheet, f.col, f.func, f.row))
    runs: list[list[L.Formula]] = []
    for f in cells:
        run = runs[-1] if runs else None
        if run and _extends(run, f):
            run.append(f)
        else:
            runs.append([f])
    return runs


def _cell_of(arg: L.Arg) -> tuple[str, int, int] | None:
    if isinstance(arg, L.Field):
        n = L.NAMED[arg.name]
        return n.sheet, n.row, n.col
    return None


def _extends(run: list[L.Formula], f: L.Formula) -> bool:
    last = run[-1]
    if (f.sheet, f.col, f.func) != (last.sheet, last.col, last.func) or f.row != last.row + 1:
        return False
    members = run + [f]
    for i, a0 in enumerate(run[0].args):
        cells = [_cell_of(m.args[i]) for m in members]
        if None in cells:
            return False
        c0 = cells[0]
        fixed = all(c == c0 for c in cells)
        moving = c0[0] == f.sheet and all(c == (c0[0], c0[1] + j, c0[2])
                                          for j, c in enumerate(cells))
        if not (fixed or moving):
            return False
    return True


def run_text(run: list[L.Formula]) -> str:
    """``=PCT_CHANGE(E10:E13,B10:B13)`` for a run (a plain call for one cell)."""
    first, last = run[0], run[-1]
    refs = []
    for a0, a1 in zip(first.args, last.args):
        n0, n1 = L.NAMED[a0.name], L.NAMED[a1.name]
        if n0 == n1:
            refs.append(arg_ref(a0, first.sheet))
        else:
            refs.append(f"{L.a1(n0.row, n0.col)}:{L.a1(n1.row, n1.col)}")
    if len(run) == 1:
        return formula_text(first, MACRO)
    return f"={first.func}({','.join(refs)})"


# ---------------------------------------------------------------- cached values


def _value(arg: L.Arg, fields: Mapping[str, Any], tables: Mapping[str, list[dict]],
           sizes: Mapping[str, int]) -> Any:
    if isinstance(arg, L.Field):
        return fields.get(arg.name)
    if isinstance(arg, L.TableCell):
        rows = tables[arg.table]
        return rows[arg.index].get(arg.key) if arg.index < len(rows) else None
    if isinstance(arg, L.Span):
        column = [r.get(arg.key) for r in tables[arg.table]]
        return column + [None] * (sizes[arg.table] - len(column))
    raise TypeError(arg)


def cached_value(f: L.Formula, fields: Mapping[str, Any], tables: Mapping[str, list[dict]],
                 sizes: Mapping[str, int]) -> Any:
    """What the cell shows before any recalculation: the same definition, run on the data."""
    args = [_value(a, fields, tables, sizes) for a in f.args]
    if f.func == "SUM":
        numbers = [v for v in args[0] if isinstance(v, (Decimal, int, float))]
        return float(sum((Decimal(str(v)) for v in numbers), Decimal(0))) if numbers else ""
    if f.func == "CHECK_SUM":
        return sf.sum_check(args[0], args[1:], f.labels,
                            [isinstance(a, L.Span) for a in f.args[1:]])
    if f.func == "CHECK_CALIBER":
        return sf.caliber_check(args[0], args[1], args[2], f.bases)
    if f.func == "CHECK_CARRY":
        return sf.carry_check(*args, labels=f.labels)
    result = FUNCTIONS[f.func](*args)
    return float(result) if isinstance(result, Decimal) else result
