"""Rules files: every shipped framework is valid and adds up to 100; bad files are refused
with Chinese messages naming the file and the indicator."""

from __future__ import annotations

import textwrap
from decimal import Decimal as D

import pytest

from xlpkg.core.scoring import Linear, Penalty, Tiers
from xlpkg.errors import InputError
from xlpkg.read.rules_file import RULES_DIR, load_rules, shipped_rules

SHIPPED = sorted(RULES_DIR.glob("*.toml"))


def test_at_least_two_frameworks_ship_and_their_weights_differ():
    assert len(SHIPPED) >= 2
    weights = {p.name: {r.name: r.weight for r in load_rules(p).indicators} for p in SHIPPED}
    assert len({tuple(sorted(w.items())) for w in weights.values()}) == len(SHIPPED)
    assert shipped_rules()[0].name == "hunan.toml"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_adds_up_to_100(path):
    rules = load_rules(path)
    assert sum(r.weight for r in rules.indicators) == 100
    assert rules.name and rules.source == path.name
    for r in rules.indicators:
        assert r.level1 and r.level2 and r.name and r.weight > 0
        assert r.when_missing in ("zero", "full", "manual")


def test_default_is_the_hunan_framework_in_four_first_levels():
    rules = load_rules()
    assert rules.source == "hunan.toml"
    assert [k for k in dict.fromkeys(r.level1 for r in rules.indicators)] == [
        "投入", "过程", "产出", "效益"]
    kinds = {r.kind for r in rules.indicators}
    assert kinds == {"linear", "tiers", "penalty", "band", "checklist"}


def test_a_shipped_file_by_its_bare_name():
    rules = load_rules("caiyu-2020-10")
    first = rules.indicators[0]
    assert (first.name, first.weight, first.method) == ("预算执行率", 10, Linear())
    by_level = {}
    for r in rules.indicators:
        by_level[r.level1] = by_level.get(r.level1, 0) + r.weight
    assert by_level == {"预算执行": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}


# ---------------------------------------------------------------- refusing bad files

GOOD = """
name = "测试规则"
[[indicator]]
level1 = "过程"
level2 = "预算执行"
name = "预算执行率"
weight = 60
kind = "linear"
value = "execution_rate"
when_missing = "zero"

[[indicator]]
level1 = "效益"
level2 = "满意度"
name = "满意度"
weight = 40
kind = "band"
when_missing = "zero"
"""


def write(tmp_path, text, name="规则.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(tmp_path, text, name="规则.toml") -> str:
    with pytest.raises(InputError) as exc:
        load_rules(write(tmp_path, text, name))
    message = exc.value.message
    assert name in message
    return message


def test_a_good_file_loads(tmp_path):
    rules = load_rules(write(tmp_path, GOOD))
    assert [r.name for r in rules.indicators] == ["预算执行率", "满意度"]


def test_weights_must_add_up_to_100(tmp_path):
    message = refused(tmp_path, GOOD.replace("weight = 40", "weight = 39.5"))
    assert "各指标分值合计 99.5 分，应为 100 分" in message


def test_unknown_kind_names_the_indicator(tmp_path):
    message = refused(tmp_path, GOOD.replace('kind = "linear"', 'kind = "liner"'))
    assert "第 1 项指标“预算执行率”" in message and "liner" in message
    assert "linear" in message


def test_unknown_value_source_and_typo_keys(tmp_path):
    text = GOOD.replace('value = "execution_rate"', 'value = "exec_rate"\nwieght = 5')
    message = refused(tmp_path, text)
    assert "未知的取值“exec_rate”" in message and "wieght" in message


def test_when_missing_is_required(tmp_path):
    text = GOOD.replace('when_missing = "zero"\n\n[[indicator]]', '\n[[indicator]]')
    message = refused(tmp_path, text)
    assert "第 1 项指标“预算执行率”：缺少“when_missing”" in message


def test_tier_thresholds_must_be_monotone(tmp_path):
    text = GOOD.replace('kind = "linear"', 'kind = "tiers"\n'
                        'tiers = [{at_least = 80, points = 40}, {at_least = 90, points = 50}]')
    message = refused(tmp_path, text)
    assert "从高到低" in message and "80%、90%" in message


def test_tier_points_within_the_weight_and_no_mixing(tmp_path):
    text = GOOD.replace('kind = "linear"', 'kind = "tiers"\n'
                        'tiers = [{at_least = 90, points = 70}, {at_most = 80, points = 5}]')
    message = refused(tmp_path, text)
    assert "不能混用" in message


def test_penalty_needs_its_parameters(tmp_path):
    text = GOOD.replace('kind = "linear"', 'kind = "penalty"\nlimit = 100')
    message = refused(tmp_path, text)
    assert "缺少“deduct”" in message and "缺少“direction”" in message


def test_manual_kinds_take_no_computed_value(tmp_path):
    text = GOOD.replace('kind = "band"', 'kind = "band"\nvalue = "execution_rate"')
    message = refused(tmp_path, text)
    assert "第 2 项指标“满意度”" in message and "应为 manual" in message


def test_checklist_items_must_add_up_to_the_weight(tmp_path):
    text = GOOD.replace('kind = "band"', 'kind = "checklist"\n'
                        'items = [{item = "甲", points = 20}, {item = "乙", points = 10}]')
    message = refused(tmp_path, text)
    assert "各项分值合计 30，与指标分值 40 不符" in message


def test_bands_must_cover_the_weight(tmp_path):
    text = GOOD.replace('kind = "band"', 'kind = "band"\n'
                        'bands = [{label = "好", min = 80, max = 100}, {label = "差", min = 0, max = 50}]')
    assert "覆盖分值的 0%–100%" in refused(tmp_path, text)


def test_non_numbers_are_named(tmp_path):
    message = refused(tmp_path, GOOD.replace("weight = 60", 'weight = "六十"'))
    assert "“weight”应是数字" in message and "中文数字" in message


def test_toml_syntax_error_gives_the_line(tmp_path):
    message = refused(tmp_path, GOOD.replace('name = "满意度"', 'name = 满意度'))
    assert "TOML 格式错误（第 15 行" in message


def test_duplicate_indicator_in_the_same_level2(tmp_path):
    text = GOOD.replace('level2 = "满意度"\nname = "满意度"', 'level2 = "预算执行"\nname = "预算执行率"')
    assert "与第 1 项重复" in refused(tmp_path, text)


def test_every_problem_is_listed_at_once(tmp_path):
    text = GOOD.replace('kind = "linear"', 'kind = "liner"').replace(
        'kind = "band"', 'kind = "band"\nfull_at = 3')
    message = refused(tmp_path, text)
    assert "2 处错误" in message and "第 2 项指标“满意度”" in message


def test_yaml_rules_use_the_same_shape(tmp_path):
    path = write(tmp_path, """
        name: YAML 规则
        indicator:
          - {level1: 过程, level2: 预算执行, name: 预算执行率, weight: 100, kind: penalty,
             value: execution_rate, limit: 100, direction: under, deduct: 2, step: 5,
             steps: started, when_missing: manual}
        """, "rules.yaml")
    r = load_rules(path).indicators[0]
    assert r.method == Penalty(limit=D(1), deduct=D(2), over=False, step=D("0.05"),
                               steps="started")


def test_missing_file_lists_the_shipped_rules(tmp_path):
    with pytest.raises(InputError) as exc:
        load_rules(tmp_path / "nope.toml")
    assert "找不到评分规则文件" in exc.value.message and "hunan" in exc.value.hint


def test_unsupported_suffix(tmp_path):
    message = refused(tmp_path, GOOD, "规则.txt")
    assert "不受支持" in message


def test_tiers_at_most_from_a_file(tmp_path):
    text = GOOD.replace('kind = "linear"', 'kind = "tiers"\nabsolute = true\n'
                        'tiers = [{at_most = 0, points = 60}, {at_most = 10, points = 45}]\n'
                        'otherwise = 0')
    r = load_rules(write(tmp_path, text)).indicators[0]
    assert isinstance(r.method, Tiers) and r.method.at_least is False and r.absolute
    assert [(t.bound, t.points) for t in r.method.tiers] == [(0, 60), (D("0.1"), 45)]


# ---------------------------------------------------------------- pre-parsed shipped files


def test_pre_parsed_shipped_rules_equal_a_fresh_build():
    from xlpkg.read.rules_file import shipped_rules_source

    committed = (RULES_DIR.parent / "read" / "shipped_rules.py").read_text("utf-8")
    assert committed == shipped_rules_source(), "run: python3 tools/shipped_rules.py"


def test_pre_parsed_data_is_what_the_toml_reader_gives():
    import tomllib

    from xlpkg.read.shipped_rules import PARSED

    assert sorted(PARSED) == sorted(p.name for p in shipped_rules())
    for path in shipped_rules():
        assert PARSED[path.name][1] == tomllib.loads(path.read_text("utf-8"), parse_float=D)


def test_an_edited_shipped_file_is_parsed_again(tmp_path, monkeypatch):
    from xlpkg.read import rules_file

    folder = tmp_path / "rules"
    folder.mkdir()
    for path in shipped_rules():
        (folder / path.name).write_bytes(path.read_bytes())
    edited = folder / "hunan.toml"
    edited.write_text(edited.read_text("utf-8").replace('name = "', 'name = "改：', 1), "utf-8")
    monkeypatch.setattr(rules_file, "RULES_DIR", folder)
    monkeypatch.setattr(rules_file, "_PARSED", {})
    assert rules_file._shipped_parsed(folder / "caiyu-2020-10.toml") is not None   # unchanged
    assert rules_file._shipped_parsed(edited) is None
    assert load_rules(edited).name.startswith("改：")
