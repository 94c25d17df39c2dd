"""Each project's own 自评表 (财预〔2020〕10号): 执行率, comparators, self scores, 待评分,
total and grade, the [project] table of a rules file and ``score --json``."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
import yaml
from support import EXAMPLE, ROOT, dataset

from xlpkg.cli import main
from xlpkg.core.scoring import ProjectRules, score, score_project
from xlpkg.errors import InputError
from xlpkg.read.rules_file import load_rules, parse_rules

RULES = ProjectRules(name="测试", execution_weight=D(10))
WAGES = ROOT / "examples" / "project-wages-2023.yaml"


def project(indicators=(), **money):
    base = {"name": "测试项目", "budget_initial": 100, "budget_final": 100, "actual": 100}
    return dataset(projects=[{**base, **money, "indicators": list(indicators)}]).projects[0]


def ind(name="指标", comparator=">=", target=100, actual=100, weight=90, **kw):
    return {"category": "产出指标", "subcategory": "数量指标", "name": name, "unit": "%",
            "comparator": comparator, "target": target, "actual": actual, "weight": weight, **kw}


def test_the_published_wages_project_scores_99_40_excellent():
    p = project([ind("发放(缴纳)覆盖率", weight=60),
                 ind("足额保障率(参保率)", actual=98, weight=30)],
                budget_initial="238.93", budget_final="251.89", actual="251.89")
    s = score_project(p, RULES)
    assert s.execution_rate == 1 and s.execution_score == D("10.00")
    assert [i.score for i in s.indicators] == [D("60.00"), D("29.40")]
    assert s.total == D("99.40") and s.grade == "优" and s.pending == ()
    assert s.indicators[0].target_text == "≥100%" and s.indicators[1].actual_text == "98%"
    assert "完成程度 98.00%" in s.indicators[1].note and "扣 0.60 分" in s.indicators[1].note
    assert "偏差原因未填" in s.indicators[1].note


def test_execution_score_is_capped_rate_times_weight():
    s = score_project(project([ind()], budget_final=200, actual=190), RULES)
    assert s.execution_rate == D("0.95") and s.execution_score == D("9.50")
    over = score_project(project([ind()], budget_final=100, actual=120), RULES)
    assert over.execution_score == 10 and "超过 100%" in over.execution_note


def test_execution_without_a_budget_is_pending_not_zero():
    s = score_project(project([ind()], budget_final=None), RULES)
    assert s.execution_score is None and s.pending == ("预算执行率",)
    assert s.total is None and s.grade is None and "无法计算（缺少全年预算数）" in s.execution_note


@pytest.mark.parametrize("comparator, target, actual, expected", [
    (">=", 100, 120, "90.00"),       # over-achievement does not earn more than the weight
    (">=", 80, 60, "67.50"),         # 90 × 60/80
    ("<=", 5, 4, "90.00"),           # under a cap is success
    ("<=", 5, 8, "56.25"),           # 90 × 5/8
    ("=", 20, 20, "90.00"),
    ("=", 20, 25, "72.00"),          # 90 × 20/25, the smaller ratio
    ("=", 20, 16, "72.00"),
])
def test_quantitative_indicators_by_comparator(comparator, target, actual, expected):
    s = score_project(project([ind(comparator=comparator, target=target, actual=actual)]), RULES)
    assert s.indicators[0].score == D(expected) and s.indicators[0].basis == "data"


def test_qualitative_indicator_takes_the_self_score_or_is_pending():
    qual = ind("群众满意", target="较上年提高", actual="有所提高", weight=90)
    s = score_project(project([qual]), RULES)
    i = s.indicators[0]
    assert i.score is None and i.score_text == "待评分" and i.basis == "pending"
    assert s.pending == ("群众满意",) and s.total is None and s.grade is None
    assert s.grade_text == "1 项指标待评分，暂不定级"
    scored = score_project(project([{**qual, "score": 85}]), RULES)
    assert scored.indicators[0].score == 85 and scored.total == 95 and scored.grade == "优"
    capped = score_project(project([{**qual, "score": 95}]), RULES)
    assert capped.indicators[0].score == 90 and "超过分值" in capped.indicators[0].note


def test_a_blank_actual_is_pending_and_a_blank_weight_cannot_score():
    s = score_project(project([ind(actual=None), ind("乙", weight=None)]), RULES)
    assert [i.score for i in s.indicators] == [None, None]
    assert "未填实际值" in s.indicators[0].note and "未填分值" in s.indicators[1].note
    assert s.pending == ("指标", "乙")


def test_weights_not_adding_to_100_give_no_grade():
    s = score_project(project([ind(weight=50)]), RULES)
    assert s.total == 60 and s.grade is None
    assert s.grade_text == "分值合计 60 分，不是 100 分，暂不定级"
    assert any("不是 100 分" in r for r in s.remarks)


def test_every_rules_file_scores_projects_by_a_project_table():
    assert load_rules().project.execution_weight == 10           # hunan borrows caiyu's
    assert load_rules("caiyu-2020-10").project.name.startswith("项目支出绩效自评")
    own = parse_rules({"name": "某市", "indicator": [
        {"level1": "甲", "level2": "乙", "name": "丙", "weight": 100, "kind": "band"}],
        "project": {"name": "某市项目", "execution_weight": 20}}, "某市.toml")
    assert own.project == ProjectRules("某市项目", D(20), source="某市.toml")
    with pytest.raises(InputError) as bad:
        parse_rules({"name": "x", "indicator": [
            {"level1": "甲", "level2": "乙", "name": "丙", "weight": 100, "kind": "band"}],
            "project": {"name": "y", "execution_weight": 0, "extra": 1}}, "坏.toml")
    assert "未知的键“extra”" in str(bad.value) and "预算执行率分值" in str(bad.value)


def test_score_of_a_dataset_carries_each_project():
    ds = dataset(projects=[{"name": "甲", "budget_final": 10, "actual": 10,
                            "indicators": [ind(weight=90)]},
                           {"name": None, "actual": 1}])
    sheet = score(ds, load_rules())
    assert [p.name for p in sheet.projects] == ["甲"] and sheet.projects[0].total == 100


def test_score_json_gives_projects(capsys):
    assert main(["score", str(WAGES), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (wages,) = data["projects"]
    assert wages["name"] == "工资性支出" and wages["total"] == 99.4 and wages["grade"] == "优"
    assert wages["execution"] == {"weight": 10, "rate": 100, "score": 10, "note": ""}
    assert [i["score"] for i in wages["indicators"]] == [60, 29.4]
    assert wages["indicators"][0]["target"] == "≥100%" and wages["pending"] == []


@pytest.mark.parametrize("comparator", ["=", ">="])
def test_the_example_plus_the_wages_project_scores_99_40_by_score_json(tmp_path, capsys,
                                                                       comparator):
    """Issue 18's done-when: the bundled example with the real project added to it."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["projects"].append({
        "name": "工资性支出", "budget_initial": 238.93, "budget_final": 251.89, "actual": 251.89,
        "indicators": [
            ind("发放(缴纳)覆盖率", comparator=comparator, target=100, actual=100, weight=60),
            ind("足额保障率(参保率)", comparator=comparator, target=100, actual=98, weight=30)]})
    path = tmp_path / "示例加工资性支出.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["score", str(path), "--json"]) == 0
    projects = json.loads(capsys.readouterr().out)["projects"]
    assert [p["name"] for p in projects][-1] == "工资性支出" and len(projects) == 5
    wages = projects[-1]
    assert wages["execution"]["rate"] == 100 and wages["execution"]["score"] == 10
    assert [i["score"] for i in wages["indicators"]] == [60, 29.4]
    assert [i["weight"] for i in wages["indicators"]] == [60, 30]
    assert wages["total"] == 99.4 and wages["grade"] == "优" and wages["pending"] == []
    sign = {"=": "=", ">=": "≥"}[comparator]
    assert [i["target"] for i in wages["indicators"]] == [f"{sign}100%"] * 2
    # the example's own projects state no budget and no indicator: pending, never 0
    assert all(p["total"] is None and p["execution"]["score"] is None for p in projects[:-1])
