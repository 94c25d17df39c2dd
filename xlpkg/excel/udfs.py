"""Worksheet functions (xlwings UDFs) — thin wrappers over ``xlpkg.core``.

Each function here is what a cell formula such as ``=PCT_CHANGE(F6,C6)`` calls.
None computes anything itself: ratios come from ``core.ratios``, wording from
``core.phrases``, tolerances from ``core.ratios.compare_sum``.

Conventions, so that one COM round-trip serves a whole column:
- every argument may be a single value or a range (a list, or a list of rows);
  a range in gives a range of the same shape out (``_broadcast``);
- a blank in gives a blank (``""``) out; text that is not a number gives
  ``"无法识别"`` rather than a silent 0;
- parameter names are never VBA keywords, since xlwings copies them into the
  generated VBA wrapper.

Importing this module must stay cheap (< 100 ms): no pandas, no openpyxl, and
xlwings only where it is already loaded — on Windows inside Excel the xlwings
COM server imported it before this module. Elsewhere (Linux, tests) the
functions are plain Python. The VBA wrappers are generated from
:data:`UDFS` and their ``__xlpkg_udf__`` metadata by ``xlpkg.vba.modules``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from xlpkg.core import phrases, ratios
from xlpkg.core.grades import grade
from xlpkg.core.model import COMPARATORS
from xlpkg.core.money import ParseError, parse_amount

UDFS: list[Callable] = []
BAD = "无法识别"
CATEGORY = "xlpkg 绩效自评"


def udf(**arg_docs: str) -> Callable[[Callable], Callable]:
    """Register a worksheet function; ``arg_docs`` are the Chinese argument help texts."""

    def register(fn: Callable) -> Callable:
        fn.__xlpkg_udf__ = {"args": arg_docs}
        UDFS.append(fn)
        return fn

    return register


class _Unreadable(Exception):
    pass


def _dec(x: Any) -> Decimal | None:
    try:
        return parse_amount(x)
    except ParseError:
        raise _Unreadable from None


def _grid(x: Any) -> list[list[Any]] | None:
    """A range as rows; ``None`` for a single value. A flat list is a column."""
    if not isinstance(x, (list, tuple)):
        return None
    if x and all(isinstance(r, (list, tuple)) for r in x):
        return [list(r) for r in x]
    return [[v] for v in x]


def _broadcast(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply ``fn`` cell by cell; ranges give a range of the largest range's shape.

    A single cell (or a 1×1 range, as Excel passes it with ``ndim=2``) is
    repeated against every row, like a fixed reference in a filled-down formula.
    """
    grids = [_grid(a) for a in args]
    args = [g[0][0] if g is not None and len(g) == 1 and len(g[0]) == 1 else a
            for a, g in zip(args, grids)]
    grids = [None if g is not None and len(g) == 1 and len(g[0]) == 1 else g for g in grids]
    shaped = [(a, g) for a, g in zip(args, grids) if g is not None]
    if not shaped:
        return _cell(fn, *args)
    first, grid = max(shaped, key=lambda ag: len(ag[1]) * max(map(len, ag[1]), default=0))
    rows, cols = len(grid), max((len(r) for r in grid), default=0)

    def at(arg, g, i, j):
        if g is None:
            return arg
        try:
            return g[i][j]
        except IndexError:
            return None

    out = [[_cell(fn, *(at(a, g, i, j) for a, g in zip(args, grids))) for j in range(cols)]
           for i in range(rows)]
    flat = not any(isinstance(r, (list, tuple)) for r in first)
    return [r[0] for r in out] if flat else out


def _cell(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        result = fn(*args)
    except _Unreadable:
        return BAD
    return "" if result is None else result


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@udf(value="本年数（如本年决算数）", base="比较基数（如上年决算数）")
def PCT_CHANGE(value, base):
    """较上年增减率 =（本年数 − 上年数）÷ 上年数，返回小数（单元格设为百分比格式）。上年数为空或为 0 时返回空。"""
    return _broadcast(lambda v, b: _num(ratios.pct_change(_dec(v), _dec(b))), value, base)


@udf(value="本年数", base="上年数")
def YOY_DIFF(value, base):
    """较上年增减额 = 本年数 − 上年数（万元）。任一为空时返回空。"""
    return _broadcast(lambda v, b: _num(ratios.yoy_diff(_dec(v), _dec(b))), value, base)


@udf(part="部分（如人员经费）", whole="总数（如基本支出）")
def SHARE(part, whole):
    """占比 = 部分 ÷ 总数，返回小数（单元格设为百分比格式）。"""
    return _broadcast(lambda p, w: _num(ratios.share(_dec(p), _dec(w))), part, whole)


@udf(actual="本年决算数", budget="全年预算数（调整后）")
def EXEC_RATE(actual, budget):
    """预算执行率 = 本年决算数 ÷ 全年预算数，返回小数。预算为空或为 0 时返回空。"""
    return _broadcast(lambda a, b: _num(ratios.execution_rate(_dec(a), _dec(b))), actual, budget)


@udf(value="本年数", base="上年数")
def CHANGE_TEXT(value, base):
    """增减说明文字，如“较上年减少 11.26 万元，减少 3.64%”。"""
    return _broadcast(lambda v, b: phrases.change(_dec(v), _dec(b)), value, base)


@udf(part="部分", whole="总数", whole_label="总数的名称，如“基本支出”")
def SHARE_TEXT(part, whole, whole_label):
    """占比说明文字，如“占基本支出的 89.04%”。"""
    return _broadcast(lambda p, w, lbl: phrases.share_of(_dec(p), _dec(w), str(lbl or "")),
                      part, whole, whole_label)


def _completion(actual, target, comparator):
    sign = COMPARATORS.get(str(comparator).strip() if comparator else "≥")
    if sign is None:
        raise _Unreadable
    return _num(ratios.achievement(_dec(actual), _dec(target), sign))


@udf(actual="实际值", target="目标值", comparator="比较符号：≥、≤ 或 =（空为 ≥）")
def COMPLETION(actual, target, comparator=None):
    """完成率：≥ 与 = 目标为 实际值 ÷ 目标值；≤ 目标为 目标值 ÷ 实际值。返回小数。"""
    return _broadcast(_completion, actual, target, comparator)


def _flatten(x: Any):
    grid = _grid(x)
    if grid is None:
        yield x
        return
    for row in grid:
        yield from row


@udf(total="填报的合计数", parts="各明细数（可选多个单元格或区域）")
def CHECK_SUM(total, *parts):
    """核对合计与明细：差额在四舍五入误差（每个加数 0.01 万元）以内返回空，否则返回“相差 X 万元”。"""
    try:
        stated = _dec(total)
        # Blank cells inside a selected range are unused table rows, not "not stated".
        values = [_dec(v) for part in parts for v in _flatten(part)]
    except _Unreadable:
        return BAD
    values = [v for v in values if v is not None]
    cmp = ratios.compare_sum(stated, values)
    if cmp is None or cmp.status != "mismatch":
        return ""
    return phrases.difference(cmp.difference)


@udf(score="总得分")
def GRADE(score):
    """绩效等级：90 分及以上为优，80–89 为良，60–79 为中，60 以下为差。"""
    return _broadcast(lambda s: grade(_dec(s)), score)


def apply_xlwings(func, arg) -> None:
    """Mark every UDF for xlwings (``xw.func``/``xw.arg``, or xlwings.udfs' xlfunc/xlarg).

    Ranges arrive as lists of rows (``ndim=2``) so one call serves a column.
    """
    for fn in UDFS:
        func(category=CATEGORY)(fn)
        for name, doc in fn.__xlpkg_udf__["args"].items():
            arg(name, ndim=2, doc=doc)(fn)


if sys.platform.startswith("win") and "xlwings" in sys.modules:  # inside Excel
    _xw = sys.modules["xlwings"]
    apply_xlwings(_xw.func, _xw.arg)
