"""The scoresheet: each rule kind alone, the INDICATORS.md worked numbers, manual scores,
when_missing, grades, and a whole department scored by the default Hunan rules."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from support import EXAMPLE, dataset

from xlpkg.core import indicators
from xlpkg.core.indicators import TaskOptions
from xlpkg.core.scoring import (
    Bands,
    Checklist,
    Item,
    Linear,
    Penalty,
    Rule,
    Rules,
    Tier,
    Tiers,
    apply_rule,
    criteria_text,
    score,
    validate_rules,
)
from xlpkg.read.inputs import load_input
from xlpkg.read.rules_file import load_rules


def rule(method, weight=10, value="execution_rate", name="测试指标", **kw) -> Rule:
    return Rule("过程", "预算执行", name, D(weight), method, value=value, **kw)


def points(r: Rule, value: str) -> D:
    return apply_rule(r, D(value)).points


def one(r: Rule, ds, **kw):
    """Score a single-indicator framework (weights need not add to 100 here)."""
    return score(ds, Rules("测试", (r,), **kw)).indicators[0]


# ---------------------------------------------------------------- linear


def test_linear_is_rate_times_weight_capped():
    r = rule(Linear())
    assert points(r, "0.9510") == D("9.510")
    assert points(r, "1.05") == 10            # capped at the weight
    assert points(r, "-0.1") == 0
    assert "超过 100%" in apply_rule(r, D("1.05")).note
    assert "扣 0.49 分" in apply_rule(r, D("0.9510")).note


def test_linear_full_at_below_100_percent():
    r = rule(Linear(full_at=D("0.95")))
    assert points(r, "0.95") == 10
    assert points(r, "0.90").quantize(D("0.0001")) == D("9.4737")


def test_scores_round_half_up_never_truncate():
    """96.85% × 10 = 9.685 → 9.69 (real tables wrongly show 9.68)."""
    ds = dataset(expenditure={"total": {"actual": "968.50", "budget_final": 1000}})
    s = one(rule(Linear()), ds)
    assert s.value == D("0.9685")
    assert s.score == D("9.69")


# ---------------------------------------------------------------- tiers


def test_tiers_yueyang_key_spending_rate():
    """岳阳 重点支出安排率: ≥90% → 5, 80–90 → 4, 70–80 → 3, 60–70 → 2, <60 → 0."""
    r = rule(Tiers((Tier(D("0.9"), D(5)), Tier(D("0.8"), D(4)), Tier(D("0.7"), D(3)),
                    Tier(D("0.6"), D(2)))), weight=5)
    got = {v: points(r, v) for v in ("0.95", "0.90", "0.8999", "0.85", "0.80", "0.75",
                                     "0.65", "0.60", "0.5999")}
    assert got == {"0.95": 5, "0.90": 5, "0.8999": 4, "0.85": 4, "0.80": 4, "0.75": 3,
                   "0.65": 2, "0.60": 2, "0.5999": 0}
    assert "<60%" in apply_rule(r, D("0.5")).note


def test_tiers_2018_adjustment_rate_at_most():
    """2018 Hunan example: 调整率 0% → 8, 0–10% → 6, 10–20% → 4, 20–30% → 2, >30% → 0."""
    r = rule(Tiers((Tier(D(0), D(8)), Tier(D("0.1"), D(6)), Tier(D("0.2"), D(4)),
                    Tier(D("0.3"), D(2))), at_least=False), weight=8, value="adjustment_rate")
    got = {v: points(r, v) for v in ("0", "0.0001", "0.10", "0.15", "0.20", "0.25",
                                     "0.30", "0.3001")}
    assert got == {"0": 8, "0.0001": 6, "0.10": 6, "0.15": 4, "0.20": 4, "0.25": 2,
                   "0.30": 2, "0.3001": 0}
    assert apply_rule(r, D(0)).note == ""          # full points: nothing to explain
    assert "“≤10%”档" in apply_rule(r, D("0.05")).note


def test_absolute_scores_a_budget_cut_like_an_addition():
    r = rule(Tiers((Tier(D(0), D(8)), Tier(D("0.1"), D(6))), at_least=False), weight=8,
             value="adjustment_rate", absolute=True)
    ds = dataset(expenditure={"total": {"budget_initial": 100, "budget_final": 95}})
    s = one(r, ds)
    assert s.value == D("-0.0500")
    assert s.score == 6
    assert "按绝对值 5.00% 计" in s.note


# ---------------------------------------------------------------- penalty


def test_penalty_yueyang_outlay_control_rate():
    """岳阳 “三公”经费控制率: ≤100% → 6, each point over −1."""
    r = rule(Penalty(limit=D(1), deduct=D(1)), weight=6, value="outlay_control_rate")
    assert points(r, "1.0000") == 6
    assert points(r, "0.80") == 6
    assert points(r, "1.0350") == D("2.5")
    assert points(r, "1.10") == 0 and points(r, "1.50") == 0   # 扣完为止
    assert "超过 100% 3.50 个百分点" in apply_rule(r, D("1.035")).note


def test_penalty_yueyang_outlay_change_rate():
    """岳阳 “三公”经费变动率: ≤0 → full 8, each point over −0.8."""
    r = rule(Penalty(limit=D(0), deduct=D("0.8")), weight=8, value="outlay_change_rate")
    assert points(r, "-0.1996") == 8
    assert points(r, "0") == 8
    assert points(r, "0.05") == D("4.0")
    assert points(r, "0.125") == 0


def test_penalty_yuhua_staff_control_rate():
    """长沙雨花区: 在职人员控制率 ≤100% full, each point over −0.5; 136/143 = 95.10%."""
    r = rule(Penalty(limit=D(1), deduct=D("0.5")), weight=5, value="staff_control_rate")
    s = one(r, dataset(department={"staff_authorized": 143, "staff_actual": 136}))
    assert s.value == D("0.9510") and s.score == 5 and s.note == ""
    s = one(r, dataset(department={"staff_authorized": 143, "staff_actual": 150}))
    assert s.value == D("1.0490")                    # 104.90%, scored as shown
    assert s.score == D("2.55")                      # 5 − 4.90 × 0.5
    assert "扣 2.45 分" in s.note


@pytest.mark.parametrize("steps, expected", [("proportional", D("8.04")), ("whole", D(10)),
                                             ("started", D(8))])
def test_penalty_below_a_limit_per_five_points(steps, expected):
    """预算完成率: 100% full, each 5% below −2 (proportional / whole steps / started steps)."""
    r = rule(Penalty(limit=D(1), deduct=D(2), over=False, step=D("0.05"), steps=steps))
    assert points(r, "0.951") == expected
    assert points(r, "1.02") == 10


def test_penalty_criteria_text():
    r = rule(Penalty(limit=D(1), deduct=D("0.5")), weight=2, value="staff_control_rate",
             when_missing="manual")
    assert criteria_text(r) == ("≤100% 得满分；每超过 1 个百分点扣 0.5 分，扣完为止；"
                                "无法计算时按自评打分表得分计")


# ---------------------------------------------------------------- band and checklist


def band_rule(**kw):
    return Rule("效益", "履职效益", "社会效益", D(10), Bands(), **kw)


def manual_ds(*rows):
    return dataset(self_scores=[{"indicator": i, "score": s, "note": n} for i, s, n in rows])


def test_band_takes_the_manual_score_and_names_its_band():
    s = one(band_rule(), manual_ds(("社会效益", "8.5", "群众反映良好")))
    assert s.score == D("8.5") and s.basis == "manual"
    assert "群众反映良好" in s.note and "“达成年度指标”档" in s.note
    s = one(band_rule(), manual_ds(("社会效益", 7, None)))
    assert "部分达成" in s.note
    assert s.fields == ("tbl_scores[1].score",)


def test_band_caps_at_the_weight_and_refuses_negatives_with_a_note():
    s = one(band_rule(), manual_ds(("社会效益", 12, None)))
    assert s.score == 10 and "超过分值 10 分，按 10 分计" in s.note
    s = one(band_rule(), manual_ds(("社会效益", -2, None)))
    assert s.score == 0 and "负数" in s.note


def test_band_without_a_self_score_is_pending_whatever_when_missing_says():
    for when in ("zero", "full", "manual"):
        s = one(band_rule(when_missing=when), dataset())
        assert s.score is None and s.pending and s.basis == "pending" and s.value is None
        assert s.score_text == "待评分" and s.note.startswith("未填自评得分，待评分")
    s = one(band_rule(), manual_ds(("社会效益", None, None)))
    assert s.score is None and "第 1 行未填得分" in s.note
    s = one(band_rule(), manual_ds(("社会效益", "九分", None)))
    assert s.score is None and "第 1 行得分无法识别" in s.note


def test_a_sheet_with_a_pending_indicator_has_no_total_and_no_grade():
    rules = Rules("测试", (band_rule(), rule(Linear(), weight=90, name="预算执行率")))
    ds = dataset(expenditure={"total": {"actual": 90, "budget_final": 100}})
    sheet = score(ds, rules)
    assert sheet.pending == ("社会效益",)
    assert sheet.total is None and sheet.grade is None
    assert sheet.conclusion == "1 项指标待评分，暂不定级"
    assert sheet.subtotals() == [("效益", D(10), None), ("过程", D(90), D(81))]
    data = sheet.to_json()
    assert data["grade"] is None and data["total"] is None and data["pending"] == ["社会效益"]
    assert data["indicators"][0]["score"] is None and data["indicators"][1]["score"] == 81
    done = score(manual_ds(("社会效益", 9, None)), rules)
    assert done.pending == () and done.total == 9 and done.grade == "差"


def checklist_rule():
    items = (Item("符合财经法规", D(1)), Item("审批手续完整", D(1)), Item("无挤占挪用", D(1)))
    return Rule("过程", "预算管理", "资金使用合规性", D(3), Checklist(items))


def test_checklist_whole_indicator_score():
    s = one(checklist_rule(), manual_ds(("资金使用合规性", 2, "1 笔支出审批手续不全")))
    assert s.score == 2 and "审批手续不全" in s.note
    assert "1. 符合财经法规（1 分）" in s.criteria


def test_checklist_points_per_item():
    ds = manual_ds(("资金使用合规性-1", 1, None), ("资金使用合规性第3项", "1.5", None),
                   ("审批手续完整", 0, None))
    s = one(checklist_rule(), ds)
    assert s.score == 2                               # 1 + 0 + min(1.5, 1)
    assert "第 1 项 1/1 分" in s.note and "第 2 项 0/1 分" in s.note
    assert "超过该项分值 1 分" in s.note


def test_checklist_with_an_item_missing_is_pending_not_zero():
    s = one(checklist_rule(), manual_ds(("资金使用合规性（2）", 1, None)))
    assert s.score is None and s.pending
    assert "第 1 项未填（1 分）" in s.note and "第 2 项 1/1 分" in s.note


# ---------------------------------------------------------------- matching manual rows


def two_rules():
    items = (Item("制度健全", D(2)),)
    return Rules("测试", (
        Rule("过程", "预算管理", "管理制度健全性", D(2), Checklist(items)),
        Rule("过程", "资产管理", "管理制度健全性", D(2), Checklist(items)),
        rule(Penalty(limit=D(1), deduct=D(1)), weight=6, value="outlay_control_rate",
             name='"三公"经费控制率', when_missing="manual"),
    ))


def test_repeated_names_need_the_level2_and_unknown_rows_are_reported():
    ds = manual_ds(("管理制度健全性", 1, None), ("资产管理-管理制度健全性", "1.5", None),
                   ("“三公”经费控制率", 5, None), ("不存在的指标", 3, None))
    sheet = score(ds, two_rules())
    budget, assets, outlays = sheet.indicators
    assert budget.score is None and assets.score == D("1.5")
    assert sheet.pending == ("预算管理-管理制度健全性",)     # the name to type in 自评打分
    assert outlays.score == 5 and outlays.basis == "manual"    # quotes of any kind match
    assert any("对应多个指标" in r for r in sheet.remarks)
    assert any("不存在的指标" in r and "未采用" in r for r in sheet.remarks)


def test_a_computed_value_wins_over_a_typed_score():
    ds = dataset(outlays={"total": {"budget": 10, "actual": 10}},
                 self_scores=[{"indicator": '"三公"经费控制率', "score": 1}])
    s = score(ds, two_rules()).indicators[2]
    assert s.score == 6 and "未采用" in s.note


# ---------------------------------------------------------------- when_missing


@pytest.mark.parametrize("when, expected, words", [
    ("zero", D(0), "）；评分规则规定无法计算时记 0 分，此得分不反映实际绩效"),
    ("full", D(10), "）；评分规则规定无法计算时记满分，此得分不是按数据计算的"),
    ("manual", D(7), "）；取自评得分 7 分"),
])
def test_not_computable_follows_when_missing_and_says_so(when, expected, words):
    r = rule(Linear(), name="预算执行率", when_missing=when)
    ds = dataset(expenditure={"total": {"actual": 95}},
                 self_scores=[{"indicator": "预算执行率", "score": 7}])
    s = one(r, ds)
    assert s.value is None and s.value_text == "无法计算"
    assert s.score == expected
    assert "无法计算（缺少财政拨款支出合计全年预算数）" in s.note and words in s.note
    assert s.fields[:2] == ("exp_total_actual", "exp_total_budget_final")


def test_zero_base_is_named_in_the_note():
    r = rule(Linear(), value="procurement_rate", name="政府采购执行率", when_missing="full")
    s = one(r, dataset(procurement={"budget": 0, "actual": 0}))
    assert s.score == 10 and "政府采购预算为 0" in s.note


# ---------------------------------------------------------------- values from the data


def test_values_use_the_glossary_formulas():
    ds = dataset(
        department={"staff_authorized": 143, "staff_actual": 136},
        expenditure={"total": {"budget_initial": 1000, "budget_final": 1080, "actual": "1027.08"},
                     "public": {"budget_final": 50, "actual": 51}},
        outlays={"total": {"prior": "5.41", "budget": "4.33", "actual": "4.33"}},
        carryover={"begin": 20, "end": 30},
        procurement={"budget": 200, "actual": 190},
        fixed_assets={"total": 500, "in_use": 480},
    )
    v = {k: indicators.compute(k, ds).value for k in indicators.VALUE_SOURCES}
    assert v["staff_control_rate"] == D(136) / D(143)
    assert v["execution_rate"] == D("0.951")
    assert v["adjustment_rate"] == D("0.08")
    assert v["outlay_control_rate"] == 1
    assert round(v["outlay_change_rate"], 4) == D("-0.1996")
    assert v["public_control_rate"] == D("1.02")
    assert v["carryover_rate"] == D(30) / D(1080)
    assert v["procurement_rate"] == D("0.95")
    assert v["asset_use_rate"] == D("0.96")
    # Hunan 预算完成率: (年初结转 20 + 全年预算 1080 − 年末结余 30) / (20 + 1080)
    assert v["execution_rate_carryover"] == D(1070) / D(1100)
    assert indicators.compute("execution_rate_carryover", ds).fields == (
        "carry_begin", "exp_total_budget_final", "carry_end")


def test_carryover_formula_needs_the_opening_balance():
    ds = dataset(expenditure={"total": {"budget_final": 100}}, carryover={"end": 5})
    v = indicators.compute("execution_rate_carryover", ds)
    assert v.value is None and v.missing == ("carry_begin",) and "年初结转结余" in v.note


def test_outlays_fall_back_to_their_four_rows_when_the_total_is_blank():
    rows = {"outbound": 0, "vehicle_purchase": 0, "vehicle_operation": 2, "reception": 3}
    ds = dataset(outlays={k: {"budget": v, "actual": v} for k, v in rows.items()})
    v = indicators.compute("outlay_control_rate", ds)
    assert v.value == 1 and "按四项明细合计" in v.note
    assert "out_reception_actual" in v.fields


def tasks(*rows, **extra):
    keys = ("name", "comparator", "target", "actual", "weight", "category")
    return dataset(key_tasks=[dict(zip(keys, r)) for r in rows], **extra)


def test_task_completion_caps_each_task_and_counts_unreported_as_zero():
    ds = tasks(("帮扶", ">=", 400, 500), ("经费", "<=", 10, 12), ("表彰", "=", 20, 20),
               ("互助", ">=", 20000, None), ("满意", ">=", "显著提升", "已提升"))
    v = indicators.task_completion(ds)
    assert v.value == (D(1) + D(10) / D(12) + D(1) + D(0)) / 4
    assert "1 项未填实际值（“互助”），按 0 计" in v.note
    assert "1 项为定性指标或未填目标值（“满意”）" in v.note
    v = indicators.task_completion(ds, TaskOptions(unreported="exclude"))
    assert v.value == (D(1) + D(10) / D(12) + D(1)) / 3 and "不计入" in v.note


def test_task_completion_weighted_when_every_task_has_a_weight():
    ds = tasks(("甲", ">=", 100, 50, 30), ("乙", ">=", 10, 10, 10))
    v = indicators.task_completion(ds)
    assert v.value == (D("0.5") * 30 + 10) / 40 and "加权" in v.note
    ds = tasks(("甲", ">=", 100, 50, 30), ("乙", ">=", 10, 10, None))
    assert indicators.task_completion(ds).value == D("0.75")


def test_task_completion_by_category():
    ds = tasks(("甲", ">=", 100, 50, None, "产出指标-质量指标"), ("乙", ">=", 10, 10),
               ("丙", ">=", 10, 5, None, "产出指标-数量指标"))
    quality = indicators.task_completion(ds, TaskOptions(category="质量", uncategorised=False))
    assert quality.value == D("0.5")
    quantity = indicators.task_completion(ds, TaskOptions(category="数量"))
    assert quantity.value == D("0.75")                 # 丙 and the uncategorised 乙
    none = indicators.task_completion(ds, TaskOptions(category="时效", uncategorised=False))
    assert none.value is None and "没有指标类别含“时效”的重点工作" in none.note
    assert indicators.task_completion(dataset()).note == "未填重点工作"


# ---------------------------------------------------------------- totals and grades


@pytest.mark.parametrize("total, expected", [
    ("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
    ("60", "中"), ("59.99", "差"), ("0", "差")])
def test_grade_bands_90_80_60(total, expected):
    r = Rule("效益", "满意度", "满意度", D(100), Bands())
    sheet = score(manual_ds(("满意度", total, None)), Rules("测试", (r,)))
    assert sheet.total == D(total) and sheet.grade == expected
    assert sheet.conclusion == f"经自评，部门整体支出绩效综合得分 {D(total):.2f} 分，等级为{expected}"


def test_total_is_the_sum_of_rounded_scores():
    rules = Rules("测试", (rule(Linear(), name="甲", weight=50), rule(Linear(), name="乙", weight=50)))
    ds = dataset(expenditure={"total": {"actual": "968.50", "budget_final": 1000}})
    sheet = score(ds, rules)
    assert [s.score for s in sheet.indicators] == [D("48.43"), D("48.43")]  # 48.425 each
    assert sheet.total == D("96.86")                # what the table shows adds up


# ---------------------------------------------------------------- the default Hunan rules


def test_default_rules_carry_the_worked_hunan_numbers():
    rules = load_rules()
    by_name = {r.name: r for r in rules.indicators}
    control = by_name['"三公"经费控制率']
    assert (control.weight, control.method) == (6, Penalty(limit=D(1), deduct=D(1)))
    change = by_name['"三公"经费变动率']
    assert (change.weight, change.method) == (8, Penalty(limit=D(0), deduct=D("0.8")))
    staff = by_name["在职人员控制率"]
    assert staff.method == Penalty(limit=D(1), deduct=D("0.5"))
    adjust = by_name["预算调整率"].method
    assert [(t.bound, t.points) for t in adjust.tiers] == [
        (0, 8), (D("0.1"), 6), (D("0.2"), 4), (D("0.3"), 2)] and adjust.otherwise == 0
    assert not validate_rules(rules)


FULL = {
    "department": {"name": "某某局", "year": 2024, "staff_authorized": 143, "staff_actual": 136},
    "expenditure": {"total": {"budget_initial": 1000, "budget_final": 1080, "actual": "1027.08"},
                    "public": {"budget_final": 50, "actual": 51}},
    "outlays": {"total": {"prior": 10, "budget": 9, "actual": "9.3"}},
    "carryover": {"begin": 20, "end": 30},
    "procurement": {"budget": 200, "actual": 190},
    "fixed_assets": {"total": 500, "in_use": 480},
    "key_tasks": [{"name": "帮扶", "comparator": ">=", "target": 400, "actual": 500},
                  {"name": "经费", "comparator": "<=", "target": 10, "actual": 12},
                  {"name": "表彰", "comparator": "=", "target": 20, "actual": 20}],
}


def test_a_whole_department_under_the_default_rules():
    manual = {"绩效目标合理性": 3, "绩效指标明确性": 2, "重点支出安排率": 4,
              "预算管理-管理制度健全性": 2, "资金使用合规性": 3, "预决算信息公开性": 2,
              "基础信息完善性": 1, "资产管理-管理制度健全性": 1, "资产管理安全性": 2,
              "完成及时率": 5, "质量达标率": "4.5", "重点工作办结率": 5, "经济效益": 3,
              "社会效益": 5, "生态效益": 2, "社会公众或服务对象满意度": "4.6"}
    ds = dataset(**FULL, self_scores=[{"indicator": k, "score": v} for k, v in manual.items()])
    sheet = score(ds, load_rules())
    got = {s.name: (s.value, s.score) for s in sheet.indicators if s.rule not in ("band", "checklist")}
    assert got == {
        "在职人员控制率": (D("0.9510"), D(2)),
        '"三公"经费变动率': (D("-0.0700"), D(8)),
        "预算执行率": (D("0.9510"), D("5.71")),          # 6 × 95.10% = 5.706
        "预算调整率": (D("0.0800"), D(6)),               # 0–10% tier
        "结转结余率": (D("0.0278"), D(2)),               # ≤5% tier
        '"三公"经费控制率': (D("1.0333"), D("2.67")),    # 6 − 3.33 points over
        "公用经费控制率": (D("1.0200"), D(1)),           # 2 − 2 × 0.5
        "政府采购执行率": (D("0.9500"), D("1.90")),
        "固定资产利用率": (D("0.9600"), D("1.92")),
        "实际完成率": (D("0.9444"), D("9.44")),
    }
    manual_total = sum(D(str(v)) for v in manual.values())
    assert sheet.total == manual_total + D("40.64")
    assert sheet.total == D("89.74") and sheet.grade == "良"
    assert sheet.remarks == ()
    assert sum(s.weight for s in sheet.indicators) == 100


def test_anhua_is_not_graded_while_its_indicators_await_self_scores():
    sheet = score(load_input(EXAMPLE), load_rules())
    rate = sheet.find("预算执行率")
    assert rate.value is None and rate.score is None and rate.pending
    assert "无法计算（缺少财政拨款支出合计全年预算数）" in rate.note
    assert rate.note.endswith("）；未填自评得分，待评分（请在自评打分表中填写）")
    assert sheet.find("“三公”经费控制率").value == 1          # 4.33 / 4.33
    done = sheet.find("实际完成率")
    assert done.value == D("0.8333") and "职工参加医疗互助活动" in done.note
    assert len(sheet.pending) == 24 and "预算执行率" in sheet.pending
    assert sheet.total is None and sheet.grade is None
    assert sheet.conclusion == "24 项指标待评分，暂不定级"


def test_points_lost_add_up_with_the_rounded_score():
    from xlpkg.core.scoring import lost_text

    # 97.25% × 6 = 5.835 → shown 5.84, so 扣 0.16 (not 0.17: 5.84 + 0.17 ≠ 6)
    assert lost_text(D(6), D("5.835")) == "扣 0.16 分"
    assert lost_text(D(6), D(6)) == ""
