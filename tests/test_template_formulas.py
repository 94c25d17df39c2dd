"""Every computed cell of a filled workbook, recalculated headless, equals what the core computes.

The ``formulas`` package evaluates the .xlsm with the real UDFs of
``xlpkg.excel.udfs`` registered under their Excel names: this proves on Linux that
every formula the workbook holds names a real UDF (no #NAME?), passes arguments
it accepts (no #VALUE!), and shows the figure ``core.ratios``/``core.phrases``
compute for that row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from support import dataset

from xlpkg.core import phrases, ratios
from xlpkg.core.model import COMPARATORS, Dataset, Val
from xlpkg.excel import udfs
from xlpkg.read.data_file import read_data_file
from xlpkg.workbook import layout as L
from xlpkg.workbook.build import table_sizes, workbook_bytes

formulas = pytest.importorskip("formulas")
np = pytest.importorskip("numpy")
sh = pytest.importorskip("schedula")
from formulas.ranges import Ranges
from formulas.tokens.operand import XlError

# ---------------------------------------------------------------- formulas ↔ plain Python


def _plain(x: Any) -> Any:
    """formulas' arguments (Ranges, numpy arrays, its EMPTY) → what xlwings passes (ndim=2)."""
    if isinstance(x, Ranges):
        x = x.value
    if isinstance(x, np.ndarray):
        grid = [[_plain(v) for v in row] for row in np.atleast_2d(x).tolist()]
        return grid[0][0] if len(grid) == 1 and len(grid[0]) == 1 else grid
    if x is sh.EMPTY:
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


def _adapt(fn):
    def call(*args):
        return fn(*(_plain(a) for a in args))

    call.__name__ = fn.__name__
    return call


@pytest.fixture(scope="module")
def registered():
    functions = formulas.get_functions()
    saved = {fn.__name__: functions.get(fn.__name__) for fn in udfs.UDFS}
    for fn in udfs.UDFS:
        functions[fn.__name__] = _adapt(fn)
    yield
    for name, old in saved.items():
        if old is None:
            functions.pop(name, None)
        else:
            functions[name] = old


_KEY = re.compile(r"^'?\[[^\]]+\](.+?)'?!([A-Z]+\d+)$")


def _calculate(path) -> dict[tuple[str, str], Any]:
    """(SHEET, A1) → value of every cell, after a full headless recalculation."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out = {}
    for key, value in solution.items():
        m = _KEY.match(key)
        if not m or not isinstance(value, Ranges) or value.value.shape != (1, 1):
            continue
        v = value.value[0, 0]
        out[(m.group(1).upper(), m.group(2))] = v
    return out


# ---------------------------------------------------------------- what the core says


def _vals(obj: Any):
    if isinstance(obj, Val):
        yield obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _vals(getattr(obj, f.name))
    elif isinstance(obj, Mapping):
        for v in obj.values():
            yield from _vals(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _vals(v)


_LISTS = {"tbl_econ": "economic_classification", "tbl_projects": "projects",
          "tbl_tasks": "key_tasks", "tbl_scores": "self_scores"}


def _arg(ds: Dataset, arg: Any, sizes: Mapping[str, int]) -> Any:
    if isinstance(arg, L.Field):
        return {v.field: v.value for v in _vals(ds)}[arg.name]
    items = getattr(ds, _LISTS[arg.table])
    if isinstance(arg, L.TableCell):
        return getattr(items[arg.index], arg.key).value if arg.index < len(items) else None
    if isinstance(arg, L.Span):
        column = [getattr(item, arg.key).value for item in items]
        return column + [None] * (sizes[arg.table] - len(column))
    raise TypeError(arg)


def _core(func: str, args: list[Any]) -> Any:
    """The cell's value according to core.ratios / core.phrases ("" for "not computable")."""
    if func == "SUM":
        numbers = [v for v in args[0] if v is not None]
        return sum(numbers, Decimal(0)) if numbers else ""
    if func == "CHECK_SUM":
        parts = [v for a in args[1:] for v in (a if isinstance(a, list) else [a])
                 if v is not None]
        cmp = ratios.compare_sum(args[0], parts)
        return phrases.difference(cmp.difference) if cmp and cmp.status == "mismatch" else ""
    if func == "COMPLETION":
        actual, target, comparator = args
        if any(isinstance(v, str) for v in (actual, target)):
            return udfs.BAD  # a qualitative target has no completion rate
        result = ratios.achievement(actual, target, COMPARATORS[comparator or "≥"])
    else:
        core = {"PCT_CHANGE": ratios.pct_change, "YOY_DIFF": ratios.yoy_diff,
                "SHARE": ratios.share, "EXEC_RATE": ratios.execution_rate,
                "CHANGE_TEXT": phrases.change}[func]
        result = core(*args)
    return "" if result is None else result


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, Decimal):
        return isinstance(got, (int, float)) and float(got) == pytest.approx(float(want),
                                                                             rel=1e-12)
    if want == "":
        return got == "" or got is sh.EMPTY
    return got == want


def _check_book(ds: Dataset | None, tmp_path) -> list[tuple[L.Formula, Any]]:
    path = tmp_path / "book.xlsm"
    path.write_bytes(workbook_bytes(ds))
    cells = _calculate(path)
    sizes = table_sizes(ds)
    checked = []
    for f in L.all_formulas(sizes):
        got = cells[(f.sheet.upper(), f.cell)]
        assert not isinstance(got, XlError), f"{f.sheet}!{f.cell} {L.formula_text(f, sizes)}: {got}"
        if ds is not None:
            want = _core(f.func, [_arg(ds, a, sizes) for a in f.args])
        else:
            want = ""
        assert _same(got, want), f"{f.sheet}!{f.cell} {L.formula_text(f, sizes)}: {got!r} ≠ {want!r}"
        checked.append((f, got))
    return checked


# ---------------------------------------------------------------- datasets


def _full() -> Dataset:
    """Every scalar stated, every table used, and totals that disagree with their parts."""
    amounts = lambda *v: dict(zip(("prior", "budget_initial", "budget_final", "actual"), v))
    return dataset(
        department={"name": "测试局", "year": 2024, "staff_authorized": 20, "staff_actual": 18},
        income={"total": {"prior": 500, "actual": 520}, "fiscal": {"prior": 450, "actual": 470},
                "other": {"prior": 40, "actual": 50}},
        expenditure={"total": amounts(480, 500, 510, 505), "basic": amounts(300, 310, 320, 318),
                     "personnel": amounts(250, 260, 262, 263.5),
                     "public": amounts(50, 50, 58, 54.5), "project": amounts(170, 190, 190, 180)},
        economic_classification=[{"code": "301", "name": "工资福利支出", "prior": 200, "actual": 210},
                                 {"code": "302", "name": "商品和服务支出", "prior": 50, "actual": 54.5},
                                 {"code": "303", "name": "对个人和家庭的补助", "prior": 50,
                                  "actual": 53.51}],
        projects=[{"name": "甲项目", "prior": 100, "budget_initial": 120, "budget_final": 110,
                   "actual": 99.5},
                  {"name": "乙项目", "prior": 70, "budget_initial": 70, "budget_final": 80,
                   "actual": 0}],
        outlays={"total": {"prior": 10, "budget": 12, "actual": 11},
                 "outbound": {"prior": 0, "budget": 0, "actual": 0},
                 "vehicle_purchase": {"prior": 0, "budget": 0, "actual": 0},
                 "vehicle_operation": {"prior": 6, "budget": 7, "actual": 6.5},
                 "reception": {"prior": 4, "budget": 5, "actual": 3},
                 "meeting": {"prior": 1, "budget": 1.2, "actual": 0.8},
                 "training": {"prior": 2, "budget": 2, "actual": 2.4}},
        carryover={"begin": 5, "end": 3}, procurement={"budget": 40, "actual": 36.4},
        fixed_assets={"total": 800, "in_use": 760},
        key_tasks=[{"name": "培训", "unit": "人次", "comparator": ">=", "target": 400, "actual": 500},
                   {"name": "投诉", "unit": "件", "comparator": "<=", "target": 5, "actual": 4},
                   {"name": "达标", "unit": "%", "comparator": "=", "target": 100, "actual": 98},
                   {"name": "满意度", "comparator": ">=", "target": "显著提升", "actual": "提升"},
                   {"name": "未报", "target": 10}],
    )


# ---------------------------------------------------------------- tests


def test_the_example_computes_what_the_core_computes(registered, tmp_path, example_path):
    checked = _check_book(read_data_file(example_path), tmp_path)
    by_func = {f.func for f, _ in checked}
    assert {"PCT_CHANGE", "YOY_DIFF", "SHARE", "EXEC_RATE", "CHANGE_TEXT", "COMPLETION",
            "CHECK_SUM", "SUM"} <= by_func
    values = {(f.sheet, f.cell): got for f, got in checked}
    basic = L.NAMED["exp_basic_actual"]
    pct = next(f for f, _ in checked if f.func == "PCT_CHANGE" and f.row == basic.row
               and f.sheet == basic.sheet)
    assert values[(pct.sheet, pct.cell)] == pytest.approx(-11.26 / 309.44)


def test_a_fully_stated_dataset_computes_what_the_core_computes(registered, tmp_path):
    checked = _check_book(_full(), tmp_path)
    messages = [got for f, got in checked if f.func == "CHECK_SUM" and got]
    # income 500 ≠ 450+40, expenditure 505 ≠ 318+180, econ 318 ≠ 317.51, outlays 11 ≠ 9.5 …
    assert "相差 10.00 万元" in messages and len(messages) >= 5
    completions = [got for f, got in checked if f.func == "COMPLETION"]
    assert completions[:4] == [1.25, 1.25, 0.98, udfs.BAD] and completions[4] == ""
    # a few cells by position, with figures worked out by hand (not from the layout's args)
    at = {(f.sheet, f.row, f.col): got for f, got in checked}
    row, c = L.EXPENDITURE_ROW["personnel"], L.BUDGET_CALC_COLUMNS
    budget = L.SHEET_BUDGET.name
    assert at[(budget, row, c["diff"])] == pytest.approx(13.5)
    assert at[(budget, row, c["pct"])] == pytest.approx(13.5 / 250)
    assert at[(budget, row, c["exec"])] == pytest.approx(263.5 / 262)
    assert at[(budget, row, c["share"])] == pytest.approx(263.5 / 318)
    assert at[(budget, row, c["text"])] == "较上年增加 13.50 万元，增长 5.40%"
    econ = L.TABLES["tbl_econ"]
    share = next(j for j, col in enumerate(econ.columns) if col.header == "占比")
    assert at[(econ.sheet, econ.first_data_row(), share)] == pytest.approx(210 / 318)
    outlay = L.OUTLAY_ROW["reception"]
    assert at[(L.SHEET_OUTLAYS.name, outlay, L.OUTLAY_CALC_COLUMNS["exec"])] == pytest.approx(0.6)


def test_the_empty_template_shows_blanks_not_zeros_or_errors(registered, tmp_path):
    checked = _check_book(None, tmp_path)
    assert len(checked) > 150
