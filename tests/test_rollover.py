"""Next year's workbook (``xlpkg rollover``): the pure rule and the command."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal

import pytest
import yaml
from support import run_cli

from xlpkg.core import schema
from xlpkg.core.model import from_mapping, scalar_values
from xlpkg.core.rollover import next_year
from xlpkg.read.inputs import load_input

D = Decimal


def _year(**overrides) -> dict:
    """One small department-year with a value in every kind of field."""
    data = {
        "department": {"name": "某某局", "year": 2023, "staff_authorized": 12, "staff_actual": 11,
                       "report_date": "2024-03-15"},
        "income": {"total": {"prior": 90, "actual": 100}, "fiscal": {"actual": 95}},
        "expenditure": {
            "total": {"prior": 80, "budget_initial": 90, "budget_final": 110, "actual": 100.5,
                      "reason": "增人增资"},
            "basic": {"prior": 60, "budget_initial": 70, "budget_final": 75, "actual": 74.25},
            "project": {"budget_final": 35},          # no 本年决算数: next year's prior is blank
        },
        "outlays": {"reception": {"prior": 2, "budget": 3, "actual": 1.5, "reason": "压减"}},
        "economic_classification": [
            {"code": "301", "name": "工资福利支出", "prior": 40, "actual": 50.5},
            {"code": "302", "name": "商品和服务支出", "actual": 20},
        ],
        "projects": [{
            "name": "工资性支出", "budget_initial": 238.93, "budget_final": 251.89,
            "actual": 251.89, "prior": 230, "purpose": "保障在职人员工资", "reason": "调资",
            "goal": "按时足额发放工资", "result": "已足额发放",
            "indicators": [
                {"category": "产出指标", "subcategory": "数量指标", "name": "发放(缴纳)覆盖率",
                 "unit": "%", "comparator": "=", "target": 100, "actual": 100, "weight": 60,
                 "reason": "无偏差"},
                {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "职工满意度",
                 "comparator": ">=", "target": "较满意", "actual": "满意", "weight": 10,
                 "score": 9},
            ],
        }],
        "key_tasks": [{"name": "帮助困难职工", "unit": "人次", "comparator": ">=", "target": 400,
                       "actual": 500, "note": "报告写作500多人次", "category": "产出指标",
                       "weight": 5}],
        "carryover": {"begin": 1, "end": 2},
        "procurement": {"budget": 3, "actual": 4},
        "fixed_assets": {"total": 5, "in_use": 6},
        "other_budgets": {"government_fund": 7},
        "buildings": {"approved_scale": 1200, "actual_scale": 1150, "budget_investment": 300,
                      "actual_investment": 280},
        "narrative": {"functions": ["负责全县职工工作。"], "problems": ["预算编制不够精准。"]},
        "self_scores": [{"indicator": "预算编制科学性", "score": 4, "note": "扣 1 分"}],
    }
    data.update(overrides)
    return data


def test_year_goes_up_and_the_department_is_carried_but_not_its_facts():
    nxt = next_year(from_mapping(_year()))
    d = nxt.department
    assert (d.name.value, d.year.value, d.staff_authorized.value) == ("某某局", D(2024), D(12))
    # 实际在职人数 and the report date belong to the new year: blank, not copied, not 0
    assert d.staff_actual.value is None and d.report_date.value is None


def test_every_actual_becomes_next_years_prior_in_blocks_and_tables():
    nxt = next_year(from_mapping(_year()))
    assert nxt.expenditure["total"].prior.value == D("100.5")
    assert nxt.expenditure["basic"].prior.value == D("74.25")
    assert nxt.income["total"].prior.value == D(100)
    assert nxt.income["fiscal"].prior.value == D(95)
    assert nxt.outlays["reception"].prior.value == D("1.5")
    assert [(e.code.value, e.name.value, e.prior.value) for e in nxt.economic_classification] == [
        ("301", "工资福利支出", D("50.5")), ("302", "商品和服务支出", D(20))]
    assert nxt.projects[0].prior.value == D("251.89")


def test_a_blank_actual_gives_a_blank_prior_never_zero():
    nxt = next_year(from_mapping(_year()))
    assert nxt.expenditure["project"].prior.value is None
    assert nxt.expenditure["personnel"].prior.value is None
    assert nxt.outlays["training"].prior.value is None


def test_budgets_actuals_reasons_and_this_years_facts_start_blank():
    nxt = next_year(from_mapping(_year()))
    total = nxt.expenditure["total"]
    assert [total.budget_initial.value, total.budget_final.value, total.actual.value,
            total.reason.value] == [None] * 4
    reception = nxt.outlays["reception"]
    assert (reception.budget.value, reception.actual.value, reception.reason.value) == (None,) * 3
    assert all(e.actual.value is None for e in nxt.economic_classification)
    for v in (nxt.carry_begin, nxt.carry_end, nxt.proc_budget, nxt.proc_actual, nxt.fa_total,
              nxt.fa_in_use, *nxt.other_budgets.values()):
        assert v.value is None, v.field
    assert nxt.narrative == () and nxt.self_scores == ()


def test_projects_keep_name_purpose_and_goal_and_lose_the_years_figures_and_text():
    p = next_year(from_mapping(_year())).projects[0]
    assert (p.name.value, p.purpose.value, p.goal.value) == (
        "工资性支出", "保障在职人员工资", "按时足额发放工资")
    assert [p.budget_initial.value, p.budget_final.value, p.actual.value, p.reason.value,
            p.result.value] == [None] * 5


def test_project_indicators_and_tasks_carry_their_targets_with_empty_actuals():
    nxt = next_year(from_mapping(_year()))
    rate, satisfaction = nxt.projects[0].indicators
    assert (rate.category.value, rate.subcategory.value, rate.name.value, rate.unit.value,
            rate.comparator.value, rate.target.value, rate.weight.value) == (
        "产出指标", "数量指标", "发放(缴纳)覆盖率", "%", "=", D(100), D(60))
    assert (satisfaction.comparator.value, satisfaction.target.value) == (">=", "较满意")
    for x in (rate, satisfaction):
        assert (x.actual.value, x.score.value, x.reason.value) == (None, None, None)
    (task,) = nxt.key_tasks
    assert (task.name.value, task.unit.value, task.comparator.value, task.target.value,
            task.category.value, task.weight.value) == ("帮助困难职工", "人次", ">=", D(400),
                                                         "产出指标", D(5))
    assert task.actual.value is None and task.note.value is None   # the note was about the actual


def test_buildings_keep_the_approval_and_lose_the_actuals():
    b = next_year(from_mapping(_year())).buildings
    assert (b["approved_scale"].value, b["budget_investment"].value) == (D(1200), D(300))
    assert b["actual_scale"].value is None and b["actual_investment"].value is None


def test_what_is_kept_is_what_the_schema_marks_keep_next_year():
    """Derived, not listed: without ``keep_next_year`` a value (but the year) is blank."""
    nxt = next_year(from_mapping(_year()))
    for s, v in scalar_values(nxt):
        if s.path == ("department", "year") or s.path[-1] == "prior":
            continue
        if not s.keep_next_year:
            assert v.value is None, s.name
    for tbl, rows in ((schema.ECON, nxt.economic_classification), (schema.TASKS, nxt.key_tasks),
                      (schema.PROJECTS, nxt.projects),
                      (schema.PROJECT_INDICATORS, nxt.projects[0].indicators)):
        for c in tbl.columns:
            if not c.keep_next_year and c.key != "prior" and c.kind != schema.LINK:
                assert all(getattr(r, c.key).value is None for r in rows), (tbl.name, c.key)


def test_the_new_year_has_no_cell_of_the_old_workbook_and_no_year_when_none_was_stated():
    cells = {"exp_basic_actual": "收支情况!E11", "dept_name": "封面!C3"}
    ds = from_mapping(_year(department={"name": "某某局"}), cells=cells, source="旧.xlsm")
    nxt = next_year(ds)
    assert nxt.department.year.value is None
    assert nxt.expenditure["basic"].prior.cell is None and nxt.department.name.cell is None
    # the source dataset is untouched (frozen, and so are the rows inside it)
    assert ds.expenditure["basic"].actual.value == D("74.25")
    assert ds.expenditure["basic"].actual.cell == "收支情况!E11"


# ---------------------------------------------------------------- the command


def _fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "某某局2023.yaml"
    path.write_text(yaml.safe_dump(_year(), allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_rollover_writes_next_years_workbook_that_reads_back(tmp_path, source, suffix):
    before = _fingerprint(source)
    out = tmp_path / f"某某局2024{suffix}"
    code, stdout, stderr = run_cli("rollover", source, "-o", out, guard=120)
    assert code == 0, stderr
    assert "已生成2024年度工作簿" in stdout and str(out) in stdout
    assert _fingerprint(source) == before
    back = load_input(out)
    assert back.department.name.value == "某某局" and back.department.year.value == D(2024)
    assert back.department.staff_authorized.value == D(12)
    assert back.department.staff_actual.value is None
    basic = back.expenditure["basic"]
    assert (basic.prior.value, basic.budget_final.value, basic.actual.value) == (
        D("74.25"), None, None)
    assert back.expenditure["project"].prior.value is None
    assert back.outlays["reception"].prior.value == D("1.5")
    assert back.outlays["reception"].budget.value is None
    assert [(e.code.value, e.prior.value, e.actual.value)
            for e in back.economic_classification] == [("301", D("50.5"), None),
                                                       ("302", D(20), None)]
    (project,) = back.projects
    assert (project.name.value, project.prior.value, project.actual.value,
            project.purpose.value) == ("工资性支出", D("251.89"), None, "保障在职人员工资")
    (task,) = back.key_tasks
    assert (task.name.value, task.comparator.value, task.target.value, task.weight.value,
            task.actual.value) == ("帮助困难职工", ">=", D(400), D(5), None)
    assert back.narrative == () and back.self_scores == ()


def test_rollover_of_a_workbook_leaves_it_untouched_and_refuses_to_overwrite(tmp_path, source):
    book = tmp_path / "2024.xlsm"
    assert run_cli("rollover", source, "-o", book, guard=120)[0] == 0
    before = _fingerprint(book)
    nxt = tmp_path / "2025.xlsx"
    assert run_cli("rollover", book, "-o", nxt, guard=120)[0] == 0
    assert _fingerprint(book) == before
    back = load_input(nxt)
    assert back.department.year.value == D(2025)
    # a year on, 2023's actuals are gone: 2024's (blank) actuals are the prior now
    assert back.expenditure["basic"].prior.value is None
    assert back.key_tasks[0].target.value == D(400)

    written = _fingerprint(nxt)
    code, stdout, stderr = run_cli("rollover", book, "-o", nxt, guard=120)
    assert code == 2 and "文件已存在" in stderr and "--force" in stderr and stdout == ""
    assert _fingerprint(nxt) == written
    code, stdout, _ = run_cli("rollover", book, "-o", nxt, "--force", guard=120)
    assert code == 0 and "已生成2025年度工作簿" in stdout
    assert _fingerprint(book) == before


def test_rollover_refuses_an_output_that_is_not_a_workbook_or_is_the_input(tmp_path, source):
    code, _, stderr = run_cli("rollover", source, "-o", tmp_path / "2024.yaml", guard=60)
    assert code == 2 and ".xlsm 或 .xlsx" in stderr
    assert not (tmp_path / "2024.yaml").exists()
    book = tmp_path / "2024.xlsx"
    assert run_cli("rollover", source, "-o", book, guard=120)[0] == 0
    before = _fingerprint(book)
    code, _, stderr = run_cli("rollover", book, "-o", book, "--force", guard=60)
    assert code == 2 and "输入文件本身" in stderr
    assert _fingerprint(book) == before
