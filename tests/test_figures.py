"""The figure recognizer on sentences in the style of real reports, then the check.

Each row: a sentence and the figures it states — (kind, subject path, value, unit)
and, where it matters, the column, year or approximation. Sentences whose numbers
are not attached to a known quantity state nothing.
"""

import re
from decimal import Decimal

import pytest
from support import dataset

from xlpkg.core.checks import check_text_figures
from xlpkg.core.figures import FigureReader, agrees, row_vocabulary, truncated
from xlpkg.core.finding import Subject

TASKS = {"帮助困难职工": ("人次", 0), "组织全县性职工文体活动": ("次", 1),
         "职工参加医疗互助活动": ("人", 2)}
PROJECT = "困难职工救助基金"


def reader():
    labels = row_vocabulary()
    units = {}
    for name, (unit, i) in TASKS.items():
        labels[name] = Subject("key_tasks", i, None)
        units[labels[name]] = unit
    labels[PROJECT] = Subject("projects", 0, None)
    return FigureReader(labels, units)


B, P, PU, T = "expenditure.basic", "expenditure.personnel", "expenditure.public", "expenditure.total"
PR, O3, REC = "expenditure.project", "outlays.total", "outlays.reception"

SENTENCES = [
    ("2023年度基本支出298.18万元，较上年减少11.26万元，减少3.64%。",
     [("amount", B, "298.18", "万元", {"year": 2023}), ("change", B, "11.26", "万元", {"direction": -1}),
      ("change_rate", B, "3.64", "%", {"direction": -1})]),
    ("其中：人员经费265.50万元，占基本支出的89.04%。",
     [("amount", P, "265.50", "万元"), ("share", P, "89.04", "%", {"whole": B})]),
    ("公用经费３２.６７万元。", [("amount", PU, "32.67", "万元")]),
    ("项目支出１５．９５万元，较上年减少４．１５万元。",
     [("amount", PR, "15.95", "万元"), ("change", PR, "4.15", "万元")]),
    ("“三公”经费支出4.33万元，比上年减少1.08万元，下降19.96%。",
     [("amount", O3, "4.33", "万元"), ("change", O3, "1.08", "万元"),
      ("change_rate", O3, "19.96", "%")]),
    ("公务接待费43300元。", [("amount", REC, "43300", "元")]),
    ("会议费约0.5万元。", [("amount", "outlays.meeting", "0.5", "万元", {"approx": "约"})]),
    ("本年收入合计350.00万元，其中财政拨款收入340.00万元，其他收入10.00万元。",
     [("amount", "income.total", "350.00", "万元"), ("amount", "income.fiscal", "340.00", "万元"),
      ("amount", "income.other", "10.00", "万元")]),
    ("全年预算执行率100%。", [("execution_rate", T, "100", "%")]),
    ("项目支出预算执行率为98.5%。", [("execution_rate", PR, "98.5", "%")]),
    ("基本支出占财政拨款支出的94.93%，项目支出占5.08%。",
     [("share", B, "94.93", "%", {"whole": T})]),
    ("2022年基本支出309.44万元。", [("amount", B, "309.44", "万元", {"year": 2022})]),
    ("上年基本支出309.44万元。", [("amount", B, "309.44", "万元", {"column": "prior"})]),
    ("基本支出年初预算数为300万元。",
     [("amount", B, "300", "万元", {"column": "budget_initial"})]),
    ("公务接待费预算4.33万元，实际支出4.33万元。",
     [("amount", REC, "4.33", "万元", {"column": "budget"})]),
    ("帮助困难职工500多人次。", [("quantity", "key_tasks[0]", "500", "人次", {"approx": "多"})]),
    ("组织全县性职工文体活动4次，丰富了职工生活。", [("quantity", "key_tasks[1]", "4", "次")]),
    ("职工参加医疗互助活动2万余人。",
     [("quantity", "key_tasks[2]", "20000", "人", {"approx": "多"})]),
    ("帮助困难职工目标400人次。", [("quantity", "key_tasks[0]", "400", "人次", {"column": "target"})]),
    ("我单位共有在职人员45人，内设机构6个。", []),
    ("全年召开党组会议12次。", []),
    ("核心绩效目标：资金支出率≥98%、支出及时率≥97%。", []),
    ("2023年，我单位严格执行预算，厉行节约。", []),
    ("基本支出较上年增长5%左右。", [("change_rate", B, "5", "%", {"approx": "约"})]),
    ("项目支出15-16万元。", [("amount", PR, "15", "万元", {"high": Decimal(16)})]),
    ("“三公”经费合计4.33万元，控制在预算以内。", [("amount", O3, "4.33", "万元")]),
    ("公用经费较上年增加6.06万元，增长22.77%。",
     [("change", PU, "6.06", "万元", {"direction": 1}), ("change_rate", PU, "22.77", "%")]),
    ("人员经费较上年减少17.31万元，同比下降6.12%。",
     [("change", P, "17.31", "万元"), ("change_rate", P, "6.12", "%")]),
    ("因公出国（境）费0万元。", [("amount", "outlays.outbound", "0", "万元")]),
    ("公务用车运行维护费为0元。", [("amount", "outlays.vehicle_operation", "0", "元")]),
    ("基本支出298万元。", [("amount", B, "298", "万元", {"places": 0})]),
    ("公用经费占基本支出的10.9%。", [("share", PU, "10.9", "%", {"places": 1})]),
    ("预算执行率为 99.99%。", [("execution_rate", T, "99.99", "%")]),
    ("财政拨款支出合计314.12万元，预算执行率98.16%。",
     [("amount", T, "314.12", "万元"), ("execution_rate", T, "98.16", "%")]),
    ("会议费0.53万元，较上年减少0.07万元，减少11.67%。",
     [("amount", "outlays.meeting", "0.53", "万元"), ("change", "outlays.meeting", "0.07", "万元"),
      ("change_rate", "outlays.meeting", "11.67", "%")]),
    ("基本支出298.18万元（其中人员经费265.50万元）。",
     [("amount", B, "298.18", "万元"), ("amount", P, "265.50", "万元")]),
    ("基本支出、项目支出分别为298.18万元、15.95万元。", []),
    ("培训费1.2万元。", [("amount", "outlays.training", "1.2", "万元")]),
    ("政府采购预算20万元，实际采购18.5万元。", []),
    ("困难职工救助基金5.00万元，全部用于帮扶城镇困难职工。",
     [("amount", "projects[0]", "5.00", "万元")]),
    ("年末结转结余12万元。", []),
    ("基本支出约300万元。", [("amount", B, "300", "万元", {"approx": "约"})]),
    ("减少12.26万元。", []),
    ("基本支出298.18万元。较上年减少12.26万元。", [("amount", B, "298.18", "万元")]),
    ("公用经费32.67万元，增长22.77%。", [("amount", PU, "32.67", "万元")]),
    ("一般公共预算财政拨款支出314.12万元。", [("amount", T, "314.12", "万元", {"column": "actual"})]),
    ("人员经费２６５．５０万元，占比８９．０４％。", [("amount", P, "265.50", "万元")]),
    ("困难职工救助基金5万元，预算执行率100%。", [("amount", "projects[0]", "5", "万元")]),
    ("“三公”经费较上年压减1.08万元。", [("change", O3, "1.08", "万元", {"direction": -1})]),
    ("公务接待费1,234元。", [("amount", REC, "1234", "元")]),
]


def test_at_least_forty_sentences():
    assert len(SENTENCES) >= 40


@pytest.mark.parametrize("sentence, expected", SENTENCES)
def test_recognizer(sentence, expected):
    found = reader().read(sentence)
    got = [(f.kind, f.subject.path.removesuffix(".") if f.subject else None, f.value, f.unit)
           for f in found]
    want = [(k, path, Decimal(v), unit) for k, path, v, unit, *_ in expected]
    assert got == want
    for fig, (*_, extra) in ((f, e) for f, e in zip(found, expected) if len(e) == 5):
        for attr, value in extra.items():
            if attr == "whole":
                assert fig.whole.path == value
            else:
                assert getattr(fig, attr) == value, (attr, fig)
    for fig in found:   # the quoted words stand in the sentence as written
        assert fig.text in sentence


def fig(sentence):
    [f] = reader().read(sentence)
    return f


@pytest.mark.parametrize("sentence, data, ok", [
    ("基本支出298.2万元。", "298.18", True),       # at the precision written
    ("基本支出298.18万元。", "298.175", True),     # half-up
    ("基本支出298万元。", "298.5", False),
    ("基本支出约300万元。", "298.18", True),
    ("基本支出约300万元。", "240", False),
    ("帮助困难职工500多人次。", "500", True),
    ("帮助困难职工500多人次。", "600", False),
    ("项目支出15-16万元。", "15.95", True),
    ("项目支出15-16万元。", "16.6", False),
])
def test_agrees_at_the_written_precision(sentence, data, ok):
    assert agrees(fig(sentence), Decimal(data)) is ok


def test_truncated_percentage_is_recognised():
    f = fig("公用经费占基本支出的10.95%。")
    assert not agrees(f, Decimal("10.9565")) and truncated(f, Decimal("10.9565"))


# ---------------------------------------------------------------- the check


def department(*paragraphs):
    return dataset(
        department={"name": "某县总工会", "year": 2023},
        expenditure={"total": {"actual": 314.12}, "basic": {"actual": 298.18, "prior": 309.44},
                     "personnel": {"actual": 265.50, "prior": 282.81},
                     "public": {"actual": 32.67, "prior": 26.61},
                     "project": {"actual": 15.95, "prior": 20.10}},
        outlays={"total": {"actual": 4.33, "budget": 4.33}, "reception": {"actual": 4.33,
                                                                          "prior": 5.41}},
        projects=[{"name": PROJECT, "actual": 5}],
        key_tasks=[{"name": "帮助困难职工", "unit": "人次", "target": 400, "actual": 500}],
        narrative={"business": list(paragraphs)})


@pytest.mark.parametrize("sentence, expected", [
    ("基本支出 298.18 万元，较上年减少 11.26 万元，减少 3.64%。", []),
    ("人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%。", []),
    ("公用经费32.67万元，较上年增加6.06万元，增长22.77%。", []),
    ("基本支出占财政拨款支出的 95%。", []),
    ("公务接待费43300元，比上年减少1.08万元，下降19.96%。", []),
    ("帮助困难职工500多人次。", []),
    ("2022年基本支出309.44万元。", []),
    ("2021年基本支出100万元。", []),
    ("基本支出 298.28 万元。", ["warning"]),
    ("公用经费占基本支出的10.95%。", ["warning"]),
    ("基本支出较上年增加11.26万元。", ["warning"]),
    ("公务接待费4330元。", ["warning"]),
    ("帮助困难职工600人次。", ["warning"]),
    ("预算执行率100%。", ["info"]),
    ("会议费0.53万元。", ["info"]),
    ("困难职工救助基金预算执行率100%。", ["info"]),
])
def test_check_text_figures(sentence, expected):
    assert [f.severity for f in check_text_figures(department(sentence))] == expected


def test_mismatch_quotes_both_figures_and_names_the_paragraph():
    ds = department("机关运行正常。", "公用经费占基本支出的10.95%。")
    [f] = check_text_figures(ds)
    assert f.code == "NARRATIVE_FIGURE_MISMATCH"
    assert "文字内容“部门业务开展情况”第 2 段写“占基本支出的10.95%”" in f.message
    assert "10.96%" in f.message and "截去尾数" in f.message
    assert f.fields == ("tbl_text[2].content", "exp_public_actual", "exp_basic_actual")
    assert f.claim.section == "business" and f.claim.paragraph == 1
    assert f.subjects[0] == Subject("narrative", 1, "business")


def test_rate_without_a_budget_names_the_missing_budget():
    [f] = check_text_figures(department("全年预算执行率100%。"))
    assert f.code == "NARRATIVE_FIGURE_UNCONFIRMED"
    assert "财政拨款支出合计全年预算数" in f.message and "exp_total_budget_final" in f.fields


def test_the_reports_own_sentences_agree_on_generated_departments():
    from departments import department as generated

    from xlpkg.core import phrases
    from xlpkg.core.model import from_mapping

    for seed in range(20):
        ds = from_mapping(generated(seed))
        e, o = ds.expenditure, ds.outlays
        basic = e["basic"]
        paras = [phrases.item(e[k].label, e[k].actual.value, e[k].prior.value,
                              whole=basic.actual.value if k in ("personnel", "public") else None,
                              whole_label="基本支出" if k in ("personnel", "public") else "")
                 for k in ("basic", "personnel", "public", "project")]
        paras.append(phrases.item(o["reception"].label, o["reception"].actual.value))
        paras.append(f"{e['project'].label}{phrases.share_of(e['project'].actual.value, e['total'].actual.value, e['total'].label)}")
        data = generated(seed)
        data["narrative"] = {"business": paras}
        ds = from_mapping(data)
        assert check_text_figures(ds) == [], (seed, paras)
        assert len(reader().read("".join(p + "。" for p in paras))) >= 12
        off = [re.sub(r"[\d.]+(?= 万元)", lambda m: str(Decimal(m.group(0)) + 1), p, count=1)
               for p in paras]
        data["narrative"] = {"business": off}
        wrong = check_text_figures(from_mapping(data))
        assert len(wrong) >= 5 and all(f.severity == "warning" for f in wrong), seed


def test_a_task_in_percent_is_a_quantity():
    labels = row_vocabulary()
    labels["职工满意度"] = Subject("key_tasks", 0, None)
    [f] = FigureReader(labels, {labels["职工满意度"]: "%"}).read("职工满意度达95%以上。")
    assert (f.kind, f.value, f.approx) == ("quantity", Decimal(95), "以上")


@pytest.mark.parametrize("sentence", [
    "项目支出较年初预算增加10万元。",              # not against last year
    "帮助困难职工家庭子女就学200人次。",            # more than a verb between name and value
    "与上年相比，基本支出减少11.26万元。",          # said before the label: left alone
    "公用经费较上年增加6.06万元，主要是办公楼维修增加支出5万元。",
    "资金到位率100%，政府采购执行率100%。",        # not the budget's 执行率
])
def test_numbers_not_plainly_about_the_quantity_are_left_alone(sentence):
    found = reader().read(sentence)
    assert [(f.kind, f.value) for f in found] in ([], [("change", Decimal("6.06"))])


def test_figures_blocked_by_the_same_blank_are_one_info():
    ds = dataset(department={"year": 2023}, outlays={"reception": {"prior": 5.41}},
                 narrative={"business": ["公务接待费43300元，比上年减少1.08万元。"]})
    [f] = check_text_figures(ds)
    assert f.code == "NARRATIVE_FIGURE_UNCONFIRMED"
    assert "写“公务接待费43300元”“比上年减少1.08万元”，但未填公务接待费本年决算数" in f.message
