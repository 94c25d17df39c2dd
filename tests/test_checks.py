"""Each check alone on a literal model, then every row of anhua-2023-audit.md."""

from support import EXAMPLE, dataset

from xlpkg.core import checks
from xlpkg.core.checks import run_checks
from xlpkg.read.data_file import read_data_file


def codes(findings):
    return [(f.code, f.severity) for f in findings]


def exp(**rows):
    return {"expenditure": {k: dict(v) for k, v in rows.items()}}


# ---------------------------------------------------------------- sums


def test_total_equal_to_parts_is_silent():
    ds = dataset(**exp(total={"actual": 100}, basic={"actual": 60}, project={"actual": 40}))
    assert checks.check_expenditure_total(ds) == []


def test_total_rounding_is_info_and_beyond_is_error():
    ds = dataset(**exp(total={"actual": 100.02}, basic={"actual": 60}, project={"actual": 40}))
    assert codes(checks.check_expenditure_total(ds)) == [("SUM_ROUNDING", "info")]
    ds = dataset(**exp(total={"actual": 100.03}, basic={"actual": 60}, project={"actual": 40}))
    [f] = checks.check_expenditure_total(ds)
    assert (f.code, f.severity) == ("SUM_MISMATCH", "error")
    assert "相差 0.03 万元" in f.message
    assert f.fields == ("exp_total_actual", "exp_basic_actual", "exp_project_actual")


def test_sum_checked_in_every_column():
    ds = dataset(**exp(total={"prior": 10, "budget_final": 50},
                       basic={"prior": 5, "budget_final": 20},
                       project={"prior": 5, "budget_final": 20}))
    [f] = checks.check_expenditure_total(ds)
    assert f.fields[0] == "exp_total_budget_final" and f.severity == "error"


def test_blank_part_below_the_total_is_a_warning_naming_it():
    ds = dataset(**exp(total={"actual": 100}, basic={"actual": 60}))
    [f] = checks.check_expenditure_total(ds)
    assert (f.code, f.severity) == ("SUM_PARTS_BLANK", "warning")
    assert "项目支出本年决算数未填" in f.message and "40.00 万元" in f.message
    assert f.fields == ("exp_total_actual", "exp_basic_actual", "exp_project_actual")


def test_blank_total_is_not_zero():
    ds = dataset(**exp(basic={"actual": 60}, project={"actual": 40}))
    assert checks.check_expenditure_total(ds) == []


def test_personnel_against_301_303_and_public_mirror():
    ds = dataset(
        **exp(personnel={"actual": 265.50}, public={"actual": 32.67}),
        economic_classification=[{"code": "301", "actual": 232.18},
                                 {"code": "302", "actual": 20.67},
                                 {"code": "303", "actual": 45.32}])
    [p] = checks.check_personnel_caliber(ds)
    assert p.severity == "error"
    assert p.message.startswith("人员经费 265.50 万元与经济分类 301+303 合计 277.50 万元不一致，相差 12.00 万元")
    assert p.fields == ("exp_personnel_actual", "tbl_econ[301].actual", "tbl_econ[303].actual")
    [q] = checks.check_public_caliber(ds)
    assert q.severity == "error" and "镜像" not in q.message and "方向相反" in q.message


def test_public_accepts_either_302_or_302_plus_310():
    econ = [{"code": "302", "actual": 20}, {"code": "310", "actual": 5}]
    assert checks.check_public_caliber(dataset(**exp(public={"actual": 25}),
                                               economic_classification=econ)) == []
    assert checks.check_public_caliber(dataset(**exp(public={"actual": 20}),
                                               economic_classification=econ)) == []
    [f] = checks.check_public_caliber(dataset(**exp(public={"actual": 30}),
                                              economic_classification=econ))
    assert f.severity == "error" and "302+310" in f.message


def test_projects_sum_and_outlays_sum():
    ds = dataset(**exp(project={"actual": 10}),
                 projects=[{"name": "甲", "actual": 4}, {"name": "乙", "actual": 5}])
    [f] = checks.check_projects_total(ds)
    assert f.severity == "error" and "甲+乙" in f.message
    ds = dataset(outlays={"total": {"actual": 5}, "outbound": {"actual": 0},
                          "vehicle_purchase": {"actual": 0}, "vehicle_operation": {"actual": 2},
                          "reception": {"actual": 3}})
    assert checks.check_outlays_total(ds) == []


def test_income_total():
    ds = dataset(income={"total": {"actual": 100}, "fiscal": {"actual": 90},
                         "other": {"actual": 5}})
    assert codes(checks.check_income_total(ds)) == [("SUM_MISMATCH", "error")]


# ---------------------------------------------------------------- carry-over, budgets


def test_carryover_balance():
    base = {"income": {"total": {"actual": 100}}, **exp(total={"actual": 90})}
    assert checks.check_carryover_balance(
        dataset(**base, carryover={"begin": 5, "end": 15})) == []
    [f] = checks.check_carryover_balance(dataset(**base, carryover={"begin": 5, "end": 20}))
    assert (f.code, f.severity) == ("CARRYOVER_MISMATCH", "error")
    assert "carry_begin" in f.fields and "inc_total_actual" in f.fields


def test_spending_above_income_without_carryover_is_a_warning():
    ds = dataset(income={"total": {"actual": 80}}, **exp(total={"actual": 90}))
    [f] = checks.check_carryover_balance(ds)
    assert (f.code, f.severity) == ("SPENDING_EXCEEDS_INCOME", "warning")
    assert set(f.fields) == {"inc_total_actual", "exp_total_actual", "carry_begin"}


def test_execution_rate_bounds():
    ok = dataset(**exp(total={"budget_final": 100, "actual": 95}))
    assert checks.check_execution_rate(ok) == []
    low = dataset(**exp(total={"budget_final": 100, "actual": 85}))
    assert codes(checks.check_execution_rate(low)) == [("EXECUTION_LOW", "warning")]
    high = dataset(**exp(total={"budget_final": 100, "actual": 101}))
    assert codes(checks.check_execution_rate(high)) == [("EXECUTION_HIGH", "warning")]
    proj = dataset(projects=[{"name": "甲", "budget_final": 10, "actual": 5}])
    [f] = checks.check_execution_rate(proj)
    assert "甲" in f.message and "50.00%" in f.message


def test_missing_budget_is_one_info():
    ds = dataset(**exp(total={"actual": 95}))
    [f] = checks.check_execution_rate(ds)
    assert (f.code, f.severity) == ("RULE_SKIPPED", "info") and "预算执行率" in f.message


def test_outlay_over_budget():
    ds = dataset(outlays={"reception": {"budget": 4, "actual": 4.5},
                          "meeting": {"budget": 1, "actual": 1}})
    [f] = checks.check_outlays_budget(ds)
    assert f.code == "OUTLAY_OVER_BUDGET" and "公务接待费" in f.message and "112.50%" in f.message


# ---------------------------------------------------------------- key tasks and narrative


def task(**kw):
    base = {"name": "任务", "unit": "个", "comparator": ">=", "target": 10, "actual": 10}
    return {**base, **kw}


def test_task_rules():
    ds = dataset(key_tasks=[task(actual=9), task(actual=12), task(actual=13),
                            task(comparator="<=", actual=11), task(comparator="=", actual=11),
                            task(actual=None), task(target=None), task(target="显著提升",
                                                                        actual="已提升")])
    assert codes(checks.check_key_tasks(ds)) == [
        ("TASK_SHORTFALL", "warning"), ("TASK_TARGET_TOO_LOW", "warning"),
        ("TASK_OVERSHOOT", "warning"), ("TASK_OVERSHOOT", "warning"),
        ("TASK_ACTUAL_MISSING", "warning"), ("TASK_TARGET_MISSING", "warning")]


def test_narrative_claim_contradicted_by_a_task():
    ds = dataset(key_tasks=[task(actual=20)],
                 narrative={"problems": ["我单位预算执行与绩效目标无偏离。"]})
    [f] = checks.check_narrative_claims(ds)
    assert f.code == "NARRATIVE_CONTRADICTS" and f.fields[0] == "tbl_text[1].content"
    calm = dataset(key_tasks=[task(actual=11)],
                   narrative={"problems": ["我单位预算执行与绩效目标无偏离。"]})
    assert checks.check_narrative_claims(calm) == []


def test_all_done_claim_with_missing_actual():
    ds = dataset(key_tasks=[task(actual=None)], narrative={"business": ["各项任务全部完成。"]})
    [f] = checks.check_narrative_claims(ds)
    assert "全部完成" in f.message


def test_unreadable_cell_is_an_error_finding():
    ds = dataset(**exp(basic={"actual": "十五点九五"}))
    [f] = checks.check_unreadable(ds)
    assert f.severity == "error" and "中文数字" in f.message and f.fields == ("exp_basic_actual",)


def test_negative_amounts_and_required():
    ds = dataset(**exp(basic={"actual": -1}))
    assert codes(checks.check_negative_amounts(ds)) == [("NEGATIVE_AMOUNT", "warning")]
    assert {f.fields[0] for f in checks.check_required(ds)} == {
        "dept_name", "dept_year", "exp_total_actual"}


# ---------------------------------------------------------------- the audit, row by row


def test_anhua_audit():
    found = run_checks(read_data_file(EXAMPLE))
    by = {}
    for f in found:
        by.setdefault((f.code, f.fields[0] if f.fields else ""), []).append(f)

    def one(code, first_field, severity):
        [f] = by[(code, first_field)]
        assert f.severity == severity, f
        return f

    one("SUM_ROUNDING", "exp_total_actual", "info")          # 314.12 vs 314.13
    basic = by[("SUM_ROUNDING", "exp_basic_actual")]        # vs 人员+公用, and vs 301+302+303
    assert len(basic) == 2 and all(f.severity == "info" for f in basic)
    assert any("tbl_econ[302].actual" in f.fields for f in basic)
    one("SUM_ROUNDING", "exp_basic_prior", "info")           # 309.44 vs 309.42
    personnel = one("SUM_MISMATCH", "exp_personnel_actual", "error")
    assert "相差 12.00 万元" in personnel.message
    one("TASK_TARGET_TOO_LOW", "tbl_tasks[5].target", "warning")       # 125%
    one("TASK_ACTUAL_MISSING", "tbl_tasks[4].actual", "warning")       # 医疗互助
    one("NARRATIVE_CONTRADICTS", "tbl_text[14].content", "warning")    # 无偏离
    skipped = [f for f in found if f.code == "RULE_SKIPPED"]
    assert any("预算执行率" in f.message for f in skipped)
    errors = [f for f in found if f.severity == "error"]
    assert {f.fields[0] for f in errors} == {"exp_personnel_actual", "exp_public_actual"}
    # 项目 15.95 = 5 + 2 + 5.3 + 3.65 and 三公 4.33 within budget: no finding at all
    assert not [f for f in found if f.fields and f.fields[0] in
                ("exp_project_actual", "out_total_actual", "out_reception_actual")]
    assert "125.00%" in by[("TASK_TARGET_TOO_LOW", "tbl_tasks[5].target")][0].message


# ---------------------------------------------------------------- found by acceptance testing


def test_at_most_zero_target_missed_is_an_overshoot():
    ds = dataset(key_tasks=[task(name="安全生产事故", unit="起", comparator="<=", target=0,
                                 actual=2)],
                 narrative={"problems": ["与绩效目标无偏离。"]})
    [f] = checks.check_key_tasks(ds)
    assert f.code == "TASK_OVERSHOOT" and "超出目标（≤ 0 起）" in f.message and "完成率" not in f.message
    assert codes(checks.check_narrative_claims(ds)) == [("NARRATIVE_CONTRADICTS", "warning")]
    kept = dataset(key_tasks=[task(comparator="<=", target=0, actual=0)])
    assert checks.check_key_tasks(kept) == []


def test_spending_against_a_zero_budget():
    ds = dataset(**exp(total={"budget_final": 0, "actual": 100}),
                 projects=[{"name": "应急经费", "budget_final": 0, "actual": 40}])
    found = checks.check_execution_rate(ds)
    assert [f.code for f in found] == ["EXECUTION_HIGH", "EXECUTION_HIGH"]
    assert "全年预算数为 0" in found[1].message and "应急经费" in found[1].message


def test_every_claim_of_a_paragraph_is_checked():
    ds = dataset(key_tasks=[task(name="甲", actual=15), task(name="乙", actual=None)],
                 narrative={"problems": ["各项工作全部完成，与绩效目标无偏离。"]})
    [f] = checks.check_narrative_claims(ds)
    assert "“甲”" in f.message and "“乙”" in f.message
    assert "无偏离" in f.message and "全部完成" in f.message


def test_public_over_budget_and_staff_over_quota():
    ds = dataset(**exp(public={"budget_final": 10, "actual": 12},
                       personnel={"budget_final": 100, "actual": 50}))
    [f] = checks.check_execution_rate(ds)       # a low 人员经费 rate is not a warning
    assert f.fields == ("exp_public_actual", "exp_public_budget_final")
    ds = dataset(department={"staff_authorized": 143, "staff_actual": 145})
    [f] = checks.check_staff(ds)
    assert f.code == "STAFF_OVER_QUOTA" and "101.40%" in f.message
    assert checks.check_staff(dataset(department={"staff_authorized": 143,
                                                  "staff_actual": 136})) == []


def test_shown_difference_matches_the_shown_figures():
    ds = dataset(**exp(total={"actual": 12.5}, basic={"actual": 10.205}, project={"actual": 0}))
    [f] = checks.check_expenditure_total(ds)
    assert "合计 10.21 万元" in f.message and "相差 2.29 万元" in f.message
