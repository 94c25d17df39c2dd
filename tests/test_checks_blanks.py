"""Partly blank totals and the rules blank figures keep from running (issue 13, items 1–2)."""

from support import dataset

from xlpkg.core.checks import (
    check_carryover_balance,
    check_outlays_total,
    check_rules_not_run,
    run_checks,
)


def outlays(total, **rows):
    return dataset(outlays={"total": {"actual": total},
                            **{k: {"actual": v} for k, v in rows.items()}})


def test_sangong_total_above_filled_rows_with_one_blank_is_a_warning_naming_it():
    ds = outlays(24.86, outbound=0, vehicle_purchase=0, vehicle_operation=24.78)
    [f] = check_outlays_total(ds)
    assert (f.code, f.severity) == ("SUM_PARTS_BLANK", "warning")
    assert "“三公”经费合计 24.86 万元" in f.message and "24.78 万元" in f.message
    assert "相差 0.08 万元" in f.message and "公务接待费本年决算数未填" in f.message
    assert f.fields[-1] == "out_reception_actual"
    assert f.subjects[-1].path == "outlays.reception.actual"


def test_filled_rows_already_above_the_total_are_an_error_whatever_the_blanks_hold():
    ds = outlays(24.78, outbound=0, vehicle_operation=20.00, reception=4.86)
    [f] = check_outlays_total(ds)
    assert (f.code, f.severity) == ("SUM_MISMATCH", "error")
    assert "公务用车购置费本年决算数无论填多少都无法相符" in f.message
    assert "相差 0.08 万元" in f.message


def test_filled_rows_level_with_the_total_ask_for_a_zero():
    ds = outlays(4.33, outbound=0, vehicle_operation=0, reception=4.33)
    [f] = check_outlays_total(ds)
    assert (f.code, f.severity) == ("SUM_PARTS_BLANK", "info") and "请填 0" in f.message


def test_blank_parts_within_rounding_are_info():
    ds = outlays(4.34, outbound=0, vehicle_operation=0, reception=4.33)
    [f] = check_outlays_total(ds)
    assert f.severity == "info" and "四舍五入" in f.message


def test_each_rule_kept_from_running_says_so_once_naming_the_figures():
    found = check_rules_not_run(dataset(department={"staff_authorized": 20}))
    by_rule = {f.message.split("：")[0]: f for f in found}
    assert set(by_rule) == {"收入合计核对", "在职人员控制率", "“三公”经费控制率",
                            "政府采购执行率", "固定资产利用率"}
    assert all(f.code == "RULE_SKIPPED" and f.severity == "info" for f in found)
    assert by_rule["在职人员控制率"].fields == ("staff_actual",)
    assert "缺少实际在职人数" in by_rule["在职人员控制率"].message
    assert set(by_rule["政府采购执行率"].fields) == {"proc_budget", "proc_actual"}


def test_rules_with_their_figures_say_nothing():
    ds = dataset(department={"staff_authorized": 20, "staff_actual": 18},
                 income={"total": {"actual": 10}, "fiscal": {"actual": 10}},
                 outlays={"total": {"actual": 1, "budget": 2}},
                 procurement={"budget": 5, "actual": 4}, fixed_assets={"total": 9, "in_use": 9})
    assert check_rules_not_run(ds) == []


def test_carry_over_without_its_figures_says_so():
    [f] = check_carryover_balance(dataset())
    assert f.code == "RULE_SKIPPED" and "结转结余平衡核对" in f.message
    assert "年初结转结余" in f.message and "年末结转结余" in f.message


def test_no_rule_is_reported_twice():
    messages = [f.message for f in run_checks(dataset()) if f.code == "RULE_SKIPPED"]
    assert len(messages) == len(set(messages))
    rules = [m.split("：")[0] for m in messages]
    assert len(rules) == len(set(rules))
