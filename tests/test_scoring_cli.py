"""``xlpkg score``: the JSON shape of the issue, the Chinese table, bad rules files."""

from __future__ import annotations

import json

import yaml
from support import EXAMPLE

from xlpkg.cli import main

KEYS = {"level1", "level2", "name", "weight", "value", "score", "rule", "basis", "note"}


def test_score_json_on_the_example(capsys):
    assert main(["score", str(EXAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"rules", "indicators", "total", "grade", "pending", "projects"}
    assert all(set(i) == KEYS for i in data["indicators"])
    by_name = {i["name"]: i for i in data["indicators"]}
    rate = by_name["预算执行率"]
    assert rate["value"] is None and "无法计算" in rate["note"] and rate["score"] is None
    assert rate["basis"] == "pending" and "预算执行率" in data["pending"]
    assert by_name['"三公"经费控制率']["value"] == 100
    assert by_name["实际完成率"]["value"] == 83.33 and by_name["实际完成率"]["score"] == 8.33
    assert sum(i["weight"] for i in data["indicators"]) == 100
    # the example has no self scores: no total and no grade made up from blanks
    assert data["total"] is None and data["grade"] is None
    assert data["pending"] == [i["name"] if i["name"] != "管理制度健全性" else
                               f'{i["level2"]}-{i["name"]}'
                               for i in data["indicators"] if i["score"] is None]


def test_score_json_grades_once_every_indicator_is_scored(tmp_path, capsys):
    assert main(["score", str(EXAMPLE), "--json"]) == 0
    pending = json.loads(capsys.readouterr().out)["pending"]
    data = tmp_path / "scored.yaml"
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    example["self_scores"] = [{"indicator": name, "score": 1} for name in pending]
    data.write_text(yaml.safe_dump(example, allow_unicode=True), encoding="utf-8")
    assert main(["score", str(data), "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["pending"] == [] and scored["grade"] is not None
    assert scored["total"] == round(sum(i["score"] for i in scored["indicators"]), 2)


def test_score_json_value_is_a_percentage_number(tmp_path, capsys):
    data = tmp_path / "d.yaml"
    data.write_text("department: {name: 某局, year: 2024, staff_authorized: 143, "
                    "staff_actual: 136}\n", encoding="utf-8")
    assert main(["score", str(data), "--json", "--rules", "caiyu-2020-10"]) == 0
    goal_based = json.loads(capsys.readouterr().out)
    assert goal_based["indicators"][0]["name"] == "预算执行率"
    assert main(["score", str(data), "--json"]) == 0
    hunan = json.loads(capsys.readouterr().out)
    staff = next(i for i in hunan["indicators"] if i["name"] == "在职人员控制率")
    assert staff["value"] == 95.10 and staff["score"] == 2 and staff["rule"] == "penalty"


def test_score_table_in_chinese(capsys):
    assert main(["score", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "部门整体支出绩效自评表" in out and "三级指标" in out
    assert "总分" not in out and "24 项指标待评分，暂不定级。待评分指标：绩效目标合理性、" in out
    assert "预算执行率：指标值无法计算（缺少财政拨款支出合计全年预算数）" in out
    assert "待评分" in next(line for line in out.splitlines() if line.strip().startswith("1 "))


def test_bad_rules_file_is_exit_2_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "坏规则.toml"
    bad.write_text('name = "x"\n[[indicator]]\nname = "甲"\nkind = "linear"\n', encoding="utf-8")
    assert main(["score", str(EXAMPLE), "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "坏规则.toml" in err and "第 1 项指标“甲”" in err and "Traceback" not in err
