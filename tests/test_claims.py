"""Claims of results told from targets and plans; template leftovers (issue 13, items 4–5)."""

import pytest
from support import dataset

from xlpkg.core.checks import check_narrative_claims, check_template_leftovers
from xlpkg.core.claims import claimed_text, find_claims


@pytest.mark.parametrize("sentence, kinds", [
    ("2023 年我单位预算支出执行按时按质按量完成，与绩效目标无偏离。", ["all_done", "no_deviation"]),
    ("核心绩效目标：资金支出率≥98%、支出及时率≥97%、项目完成率100%，圆满完成年度重点任务。", []),
    ("年度重点工作已全部完成。", ["all_done"]),
    ("圆满完成了年度各项目标任务。", ["all_done"]),
    ("年度目标任务已全部完成，无偏离。", ["all_done", "no_deviation"]),
    ("力争全面完成年度目标任务。", []),
    ("计划开展培训10期，实际开展12期，全部完成。", ["all_done"]),
    ("确保与绩效目标无偏离。", []),
    ("2024年将全面完成各项工作任务。", []),
    ("绩效目标为全部完成年度重点工作。", []),
    ("根据年度工作计划，各项工作全部完成。", ["all_done"]),
    ("按计划全部完成。", ["all_done"]),
    ("加强项目实施管理，确保所有项目按时按质按量完成。", []),
    ("资金使用效益有待进一步提高。", []),
    ("部分项目未全部完成，原因是资金下达较晚。", []),
    ("“帮扶困难职工”尚未全面完成。", []),
    ("为全面完成全年目标任务奠定了坚实基础。", []),
    ("要圆满完成年度目标，需进一步加强管理。", []),
    ("主要工作已全面完成。", ["all_done"]),
])
def test_results_and_targets(sentence, kinds):
    assert [m.kind for m in find_claims(sentence)] == kinds


def test_plans_section_claims_nothing():
    assert find_claims("全面完成下一年度目标任务。", "improvements") == []
    assert find_claims("全面完成下一年度目标任务。", "business") != []


def test_claimed_text_is_the_words_as_written():
    text = "2023 年我单位预算支出执行按时按质按量完成，与绩效目标无偏离。"
    assert claimed_text(text, find_claims(text)) == text.rstrip("。")


def task(**kw):
    return {"name": "帮扶困难职工", "unit": "人次", "comparator": ">=", "target": 10,
            "actual": 10, **kw}


def test_target_sentence_is_not_accused():
    ds = dataset(key_tasks=[task(actual=5)],
                 narrative={"business": [("核心绩效目标：资金支出率≥98%、支出及时率≥97%，"
                                         "圆满完成年度重点任务。")]})
    assert check_narrative_claims(ds) == []


def test_claim_finding_carries_its_paragraph_and_words():
    ds = dataset(key_tasks=[task(actual=5)],
                 narrative={"problems": ["资金使用效益有待提高。", "年度重点工作已全部完成。"]})
    [f] = check_narrative_claims(ds)
    assert f.claim.section == "problems" and f.claim.paragraph == 1
    assert f.claim.text == "年度重点工作已全部完成"


@pytest.mark.parametrize("text, leftover", [
    ("结合自评情况，分析存在的问题及原因。（200字以内）", "（200字以内）"),
    ("对照年度目标，说明绩效目标完成情况。", "对照年度目标，说明"),
    ("请填写本单位职能职责。", "请填写"),
    ("此处填写改进措施", "此处填写"),
    ("部门职能（限300字）", "（限300字）"),
])
def test_template_leftovers_are_named(text, leftover):
    ds = dataset(narrative={"functions": ["负责全县工会工作。"], "problems": [text]})
    [f] = check_template_leftovers(ds)
    assert (f.code, f.severity) == ("TEMPLATE_LEFTOVER", "warning")
    assert "“存在的问题及原因分析”第 1 段含模板的填写说明“" in f.message
    assert leftover in f.claim.text and f"“{f.claim.text}”" in f.message and f.claim.text in text
    assert f.fields == ("tbl_text[2].content",)


def test_a_long_paragraph_quotes_only_the_instruction_sentence():
    text = "我会严格执行预算管理制度，加强资金监管，资金使用规范。" * 2 + "请填写存在的问题。"
    [f] = check_template_leftovers(dataset(narrative={"problems": [text]}))
    assert f.claim.text == "请填写存在的问题。"


def test_own_text_is_not_a_leftover():
    ds = dataset(narrative={"problems": ["结合自评情况看，资金使用效益有待提高。",
                                         "会议费压减至2万元以内。"]})
    assert check_template_leftovers(ds) == []
