"""Every computed cell, recalculated by LibreOffice, equals what fill cached and what the core says.

LibreOffice (helper ``libreoffice.py``) is the independent engine: it evaluates
the native formulas of the portable .xlsx, structured table references
included. Three proofs:

- property: hypothesis cases for every worksheet function go into one workbook
  as the function's native twin; LibreOffice's results equal the Python body's;
- filled books (the example, a fully stated department, generated ones, the empty
  template) recalculated by LibreOffice show no error in any computed cell and
  equal the values ``fill`` cached;
- the cached values equal core.ratios/core.phrases computed here by hand, in both
  flavours, and the 人员经费 check shows the example's real difference.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import xlsxwriter
from departments import department
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libreoffice import SOFFICE, recalculate, values
from support import EXAMPLE, dataset

from xlpkg.core import phrases, ratios
from xlpkg.core import sheet_functions as sf
from xlpkg.core.model import COMPARATORS, from_mapping
from xlpkg.read.data_file import read_data_file
from xlpkg.workbook import formulas as F
from xlpkg.workbook import layout as L
from xlpkg.workbook.build import table_sizes, workbook_bytes

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def _same(got, want) -> bool:
    if want in ("", None):
        return got in ("", None)
    if isinstance(want, (int, float, Decimal)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and float(got) == pytest.approx(float(want),
                                                                             rel=1e-9, abs=1e-12)
    return got == want


# ---------------------------------------------------------------- property: native == Python

amount = st.one_of(st.none(), st.integers(-300, 300),
                   st.decimals(-2000, 2000, places=2, allow_nan=False, allow_infinity=False))
text_or_amount = st.one_of(amount, st.sampled_from(["显著提升", "abc"]))
comparator = st.sampled_from([None, "约", *COMPARATORS])
ARGS = {"value": text_or_amount, "base": amount, "part": amount, "whole": amount,
        "actual": text_or_amount, "budget": amount, "target": text_or_amount,
        "comparator": comparator, "whole_label": st.sampled_from(["基本支出", "支出合计"]),
        "score": st.one_of(amount, st.decimals(0, 100, places=2))}
TWINS = [fn for fn in sf.UDFS if fn is not sf.CHECK_SUM]
case = st.one_of(
    *[st.tuples(st.just(fn.__name__), st.tuples(*[ARGS[a] for a in fn.__xlpkg_udf__["args"]]))
      for fn in TWINS],
    st.tuples(st.just("CHECK_SUM"), st.tuples(amount, amount, amount, st.lists(amount, min_size=3,
                                                                               max_size=3))),
    st.tuples(st.just("CHECK_CARRY"), st.tuples(amount, amount, amount, amount)),
)
CARRY_LABELS = ("年初结转结余", "本年收入", "本年支出", "年末结转结余")


def _put(ws, row, col, v):
    if v is None:
        return
    if isinstance(v, str):
        ws.write_string(row, col, v)
    else:
        ws.write_number(row, col, float(v))


def _cases_book(cases) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("cases")
    for i, (name, args) in enumerate(cases):
        flat = [*args[:3], *args[3]] if name == "CHECK_SUM" else list(args)
        for j, v in enumerate(flat):
            _put(ws, i, j, v)
        refs = [L.a1(i, j) for j in range(len(flat))]
        if name == "CHECK_SUM":
            text = sf.native_sum_check(refs[0], [(refs[1], False), (refs[2], False),
                                                 (f"{refs[3]}:{refs[5]}", True)])
        elif name == "CHECK_CARRY":
            text = sf.native_carry_check(*refs, labels=CARRY_LABELS)
        else:
            text = F._native_call(name, refs)
        ws.write_formula(i, 7, "=" + text, None, "")
    wb.close()
    return buf.getvalue()


def _python(name, args):
    if name == "CHECK_SUM":
        return sf.sum_check(args[0], [args[1], args[2], [[v] for v in args[3]]],
                            ranges=[False, False, True])
    if name == "CHECK_CARRY":
        return sf.carry_check(*args, labels=CARRY_LABELS)
    return F.FUNCTIONS[name](*args)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(case, min_size=300, max_size=300))
def test_every_native_twin_computes_what_its_python_body_computes(tmp_path_factory, cases):
    tmp = tmp_path_factory.mktemp("twins")
    book = tmp / "cases.xlsx"
    book.write_bytes(_cases_book(cases))
    got = values(recalculate([book], tmp)[0])
    wrong = []
    for i, (name, args) in enumerate(cases):
        want, have = _python(name, args), got.get(("cases", L.a1(i, 7)))
        if not _same(have, want):
            wrong.append((name, args, want, have))
    assert not wrong, wrong[:5]


# ---------------------------------------------------------------- filled books


def _full():
    """Every scalar stated, every table used, and totals that disagree with their parts."""
    amounts = lambda *v: dict(zip(("prior", "budget_initial", "budget_final", "actual"), v))
    return dataset(
        department={"name": "测试局", "year": 2024, "staff_authorized": 20, "staff_actual": 18,
                    "report_date": "2025-03-15"},
        income={"total": {"prior": 500, "actual": 520}, "fiscal": {"prior": 450, "actual": 470},
                "other": {"prior": 40, "actual": 50}},
        expenditure={"total": amounts(480, 500, 510, 505), "basic": amounts(300, 310, 320, 318),
                     "personnel": amounts(250, 260, 262, 263.5),
                     "public": amounts(50, 50, 58, 54.5), "project": amounts(170, 190, 190, 180)},
        economic_classification=[{"code": "301", "name": "工资福利支出", "prior": 200, "actual": 210},
                                 {"code": "302", "name": "商品和服务支出", "prior": 50, "actual": 54.5},
                                 {"code": "303", "name": "对个人和家庭的补助", "prior": 50,
                                  "actual": 53.51},
                                 {"code": "310", "name": "资本性支出", "prior": 1, "actual": None}],
        projects=[{"name": "甲项目", "prior": 100, "budget_initial": 120, "budget_final": 110,
                   "actual": 99.5, "reason": "预算调减", "goal": "完成甲", "result": "完成",
                   "indicators": [{"category": "产出指标", "subcategory": "数量指标",
                                   "name": "覆盖率", "unit": "%", "comparator": ">=",
                                   "target": 100, "actual": 98, "weight": 60,
                                   "reason": "新入职"},
                                  {"name": "满意度", "comparator": ">=", "target": "显著提升",
                                   "actual": "提升", "weight": 10, "score": 8}]},
                  {"name": "乙项目", "prior": 70, "budget_initial": 70, "budget_final": 80,
                   "actual": 0}],
        outlays={"total": {"prior": 10, "budget": 12, "actual": 11, "reason": "压减"},
                 "outbound": {"prior": 0, "budget": 0, "actual": 0},
                 "vehicle_purchase": {"prior": 0, "budget": 0, "actual": 0},
                 "vehicle_operation": {"prior": 6, "budget": 7, "actual": 6.5},
                 "reception": {"prior": 4, "budget": 5, "actual": 3},
                 "meeting": {"prior": 1, "budget": 1.2, "actual": 0.8},
                 "training": {"prior": 2, "budget": 2, "actual": 2.4}},
        carryover={"begin": 5, "end": 3}, procurement={"budget": 40, "actual": 36.4},
        buildings={"approved_scale": 1200, "actual_scale": 1150, "budget_investment": 300,
                   "actual_investment": 296.35},
        fixed_assets={"total": 800, "in_use": 760},
        key_tasks=[{"name": "培训", "unit": "人次", "comparator": ">=", "target": 400, "actual": 500},
                   {"name": "投诉", "unit": "件", "comparator": "<=", "target": 5, "actual": 4},
                   {"name": "达标", "unit": "%", "comparator": "=", "target": 100, "actual": 98},
                   {"name": "满意度", "comparator": ">=", "target": "显著提升", "actual": "提升"},
                   {"name": "未报", "target": 10}],
    )


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """name → (dataset, cached values of the .xlsx, LibreOffice's values of the .xlsx)."""
    tmp = tmp_path_factory.mktemp("books")
    datasets = {"example": read_data_file(EXAMPLE), "full": _full(), "empty": None,
                "gaps": _gaps()}
    datasets.update({f"dept{seed}": from_mapping(department(seed)) for seed in range(4)})
    # an unseen department with the later contract parts: buildings, reasons, indicators
    rich = department(7)
    rich["buildings"] = {"approved_scale": 800, "actual_scale": 820, "budget_investment": 150,
                         "actual_investment": 149.99}
    rich["expenditure"]["total"]["reason"] = "人员调资"
    for project in rich.get("projects") or []:
        project["indicators"] = [{"name": "完成率", "comparator": ">=", "target": 100,
                                  "actual": 95, "weight": 50}]
    datasets["dept7"] = from_mapping(rich)
    paths = []
    for name, ds in datasets.items():
        path = tmp / f"{name}.xlsx"
        path.write_bytes(workbook_bytes(ds, F.PORTABLE))
        paths.append(path)
    recalculated = recalculate(paths, tmp)
    return {name: (ds, values(path), values(lo))
            for (name, ds), path, lo in zip(datasets.items(), paths, recalculated)}


@pytest.mark.parametrize("name", ["example", "full", "empty", "gaps", "dept0", "dept1", "dept2", "dept3",
                                  "dept7"])
def test_libreoffice_shows_no_error_and_the_cached_values(books, name):
    ds, cached, lo = books[name]
    formulas = L.all_formulas(table_sizes(ds))
    assert len(formulas) > 100
    for f in formulas:
        key = (f.sheet, f.cell)
        assert not (isinstance(lo.get(key), str) and lo[key].startswith("#")), (key, lo[key])
        assert _same(lo.get(key), cached.get(key)), (key, cached.get(key), lo.get(key))


def test_buildings_rates_and_the_new_columns_recalculate(books):
    _, cached, lo = books["full"]
    rates = {f.args[0].name: f for f in L.FORMULAS if f.sheet == L.SHEET_BASIC.name
             and f.func == "SHARE" and f.args[0].name.startswith("bld_")}
    scale, money = rates["bld_actual_scale"], rates["bld_actual_investment"]
    assert lo[(scale.sheet, scale.cell)] == pytest.approx(1150 / 1200)
    assert lo[(money.sheet, money.cell)] == pytest.approx(296.35 / 300)
    assert cached[(money.sheet, money.cell)] == pytest.approx(296.35 / 300)
    # the text inputs next to the figures are values, and LibreOffice keeps them
    reason = L.NAMED["out_total_reason"]
    assert lo[(reason.sheet, reason.cell)] == cached[(reason.sheet, reason.cell)] == "压减"
    table = L.TABLES["tbl_project_indicators"]
    first = table.first_data_row()
    at = lambda i, key: lo.get((table.sheet, L.a1(first + i, table.col(key))))
    assert [at(0, "project"), at(1, "project"), at(0, "actual"), at(1, "score")] == \
        ["甲项目", "甲项目", 98, 8]


def test_the_personnel_check_shows_the_examples_difference(books):
    _, cached, lo = books["example"]
    econ = L.TABLES["tbl_econ"]
    row = next(s for s in econ.summary if s.bases == L.PERSONNEL_CODES)
    cell = (econ.sheet, L.a1(econ.header_row - row.offset, econ.col("actual")))
    assert lo[cell] == cached[cell] == "相差 12.00 万元"


def _gaps():
    """Data with holes a check needs: it must say what is missing, not claim a difference."""
    return dataset(
        expenditure={"total": {"actual": 100}, "basic": {"actual": 60}, "personnel": {"actual": 50},
                     "public": {"actual": 10}},
        economic_classification=[{"code": "301", "name": "工资福利支出", "actual": None},
                                 {"code": "302", "name": "商品和服务支出", "actual": 10},
                                 {"code": "303", "name": "对个人和家庭的补助", "actual": 5}],
        carryover={"begin": 5})


def _cell(sheet, row, col):
    return (sheet, L.a1(row, col))


def test_checks_are_blank_aware(books):
    _, _, lo = books["gaps"]
    econ = L.TABLES["tbl_econ"]
    personnel = next(s for s in econ.summary if s.bases == L.PERSONNEL_CODES)
    public = next(s for s in econ.summary if s.bases == L.PUBLIC_CODES)
    at = lambda s: lo.get(_cell(econ.sheet, econ.header_row - s.offset, econ.col("actual")))
    assert at(personnel) == "经济分类 301未填，若合计数无误应为 45.00 万元"
    assert at(public) in ("", None)                      # 10 = 10
    basic_total = L.EXPENDITURE_CHECK_ROWS["total"]      # 100 vs 60 + blank project
    assert lo.get(_cell(L.SHEET_BUDGET.name, basic_total, L.BUDGET_COLUMNS["actual"])) == \
        "项目支出本年决算数未填，若合计数无误应为 40.00 万元"
    carry = next(f for f in L.FORMULAS if f.func == "CHECK_CARRY")
    assert lo[(carry.sheet, carry.cell)].startswith("缺少") and "年末结转结余" in lo[(carry.sheet,
                                                                                   carry.cell)]
    _, _, empty = books["empty"]
    assert not any(isinstance(v, str) and v.startswith(("相差", "缺少", sf.BAD))
                   for (sheet, _), v in empty.items() if sheet != L.SHEET_GUIDE.name)


# ---------------------------------------------------------------- cached values = the core


def _core(func, args):
    """The cell's value by core.ratios / core.phrases ("" for "not computable")."""
    if func == "SUM":
        numbers = [v for v in args[0] if v is not None]
        return sum(numbers, Decimal(0)) if numbers else ""
    if func == "COMPLETION":
        actual, target, comp = args
        if any(isinstance(v, str) for v in (actual, target)):
            return sf.BAD  # a qualitative target has no completion rate
        result = ratios.achievement(actual, target, COMPARATORS[comp or "≥"])
    else:
        core = {"PCT_CHANGE": ratios.pct_change, "YOY_DIFF": ratios.yoy_diff,
                "SHARE": ratios.share, "EXEC_RATE": ratios.execution_rate,
                "CHANGE_TEXT": phrases.change}[func]
        result = core(*args)
    return "" if result is None else result


@pytest.mark.parametrize("flavour", F.FLAVOURS)
def test_cached_values_are_the_cores_figures(tmp_path, flavour):
    ds = _full()
    path = tmp_path / f"book.{flavour}"
    path.write_bytes(workbook_bytes(ds, flavour))
    cached = values(path)
    from xlpkg.workbook.build import _field_values, _table_rows

    fields = _field_values(ds)
    tables = {n: _table_rows(ds, n) for n in L.TABLES}
    sizes = table_sizes(ds)
    seen = set()
    for f in L.all_formulas(sizes):
        if f.func in F.CHECKS:
            continue
        args = [F._value(a, fields, tables, sizes) for a in f.args]
        if f.func == "COMPLETION" and args[2]:
            args[2] = next(k for k, v in COMPARATORS.items() if k == args[2] or v == args[2])
        assert _same(cached.get((f.sheet, f.cell)), _core(f.func, args)), (f.sheet, f.cell)
        seen.add(f.func)
    assert {"PCT_CHANGE", "YOY_DIFF", "SHARE", "EXEC_RATE", "CHANGE_TEXT", "COMPLETION",
            "SUM"} <= seen
    # figures worked out by hand
    row, c = L.EXPENDITURE_ROW["personnel"], L.BUDGET_CALC_COLUMNS
    at = lambda r, col: cached.get((L.SHEET_BUDGET.name, L.a1(r, col)))
    assert at(row, c["diff"]) == pytest.approx(13.5)
    assert at(row, c["pct"]) == pytest.approx(13.5 / 250)
    assert at(row, c["share"]) == pytest.approx(263.5 / 318)
    assert at(row, c["text"]) == "较上年增加 13.50 万元，增长 5.40%"
    total = L.EXPENDITURE_CHECK_ROWS["total"]
    assert at(total, L.BUDGET_COLUMNS["actual"]) == "相差 7.00 万元"   # 505 ≠ 318 + 180
