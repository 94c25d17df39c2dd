"""The report's sentences, built from data (pure: no Word involved)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, dataset
from unseen import UNSEEN

from xlpkg.core.checks import run_checks
from xlpkg.read.data_file import read_data_file
from xlpkg.report.outline import build_content, report_title
from xlpkg.report.text import Grid, Para, Table, chinese_number, numbered, tight
from xlpkg.report.write import split_title


def build_context(ds, findings=(), scoresheet=None, **kwargs):
    return build_content(ds, findings, scoresheet, **kwargs)


def _text(content) -> str:
    return content.plain()


def paras(content, key: str, style: str = "body") -> list[str]:
    """The paragraphs of one section of the outline (``style`` "h2", "h3" for headings)."""
    section = next(s for s in content.sections if s.key == key)
    return [b.plain for b in section.blocks if isinstance(b, Para) and b.style == style]


def after(content, key: str, heading: str) -> list[str]:
    """The body paragraphs under the sub-heading starting with ``heading``."""
    section = next(s for s in content.sections if s.key == key)
    out, inside = [], False
    for b in section.blocks:
        if isinstance(b, Para) and b.style != "body":
            inside = b.plain.startswith(heading)
        elif inside and isinstance(b, Para):
            out.append(b.plain)
    return out


def table(content, kind: str) -> Table | None:
    return next((b for b in content.blocks() if isinstance(b, Table) and b.kind == kind), None)


def cells(t: Table, row) -> dict[str, str]:
    return {c.key: t.cell(row, c.key) for c in t.columns}


def appendix(content, key: str):
    return next((a for a in content.appendices if a.key == key), None)


def title_lines(ds):
    return split_title(report_title(ds), "整体支出绩效自评报告")


@pytest.fixture(scope="module")
def example():
    ds = read_data_file(EXAMPLE)
    return ds, build_context(ds, run_checks(ds))


# examples/anhua-2023-audit.md: sentences the report must state, figures exact.
AUDIT = [
    "基本支出 298.18 万元，较上年减少 11.26 万元，减少 3.64%",
    "人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%",
    "公用经费 32.67 万元，占基本支出的 10.96%，较上年增加 6.06 万元，增长 22.77%",
    "基本支出 298.18 万元（主要为工资福利支出 232.18 万元",
    "占财政拨款支出的 94.93%",
    "占财政拨款支出的 5.08%",
    "项目支出 15.95 万元，较上年减少 4.15 万元，减少 20.65%",
    # a change beyond ±10% without a 变动原因 in the data: the report asks for one
    ("公务接待费 4.33 万元，较上年减少 1.08 万元，减少 19.96%，主要原因是【待补充：变动原因】，"
     "预算 4.33 万元，控制率 100.00%"),
    # within ±10%: nothing said about why
    "人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%；",
    ("公用经费 32.67 万元，占基本支出的 10.96%，较上年增加 6.06 万元，增长 22.77%，"
     "主要原因是【待补充：变动原因】"),
    "会议费 0.53 万元，较上年减少 0.07 万元，减少 11.67%",
    "帮助困难职工 500 人次，完成年度目标（400 人次）的 125.00%",
    "“三公”经费财政拨款支出 4.33 万元，预算 4.33 万元，控制率 100.00%",
]


@pytest.mark.parametrize("sentence", AUDIT)
def test_audit_sentences(example, sentence):
    assert tight(sentence) in _text(example[1])


def test_shares_use_the_expenditure_base_not_income(example):
    text = _text(example[1])
    assert "总收入" not in text
    assert "占财政拨款支出的94.93%" in after(example[1], "basics", "（二）部门整体支出规模")[0]


def test_narrative_paragraphs_are_carried(example):
    ds, ctx = example
    text = _text(ctx)
    for section in ("fixed_assets", "project_management", "business", "evaluation_process",
                    "problems", "improvements", "results_use"):
        for para in ds.paragraphs(section):
            assert tight(para) in text, (section, para[:20])


def test_sections_without_content_say_none(example):
    ctx = example[1]
    for key in ("government_fund", "state_capital", "social_insurance", "other"):
        assert paras(ctx, key) == ["无。"]    # narrative.other is empty
    assert not any("部门职能" in h for h in paras(ctx, "basics", "h2"))   # optional: left out
    # required items without data are marked, never dropped and never 无
    assert "（三）预算执行及结转结余情况" in paras(ctx, "general_budget", "h2")
    assert after(ctx, "general_budget", "（三）") == [
        "财政拨款支出合计【待补充：财政拨款支出年初预算数和全年预算数】。",
        "结转结余【待补充：年初、年末结转结余】。"]
    assert table(ctx, "budget") is None
    assert "培训费未填报" in _text(ctx)


def test_sub_headings_are_numbered_by_what_is_present(example):
    h2 = paras(example[1], "basics", "h2")
    assert h2[0] == "（一）2023年度重点工作"
    assert h2[1].startswith("（二）部门整体支出规模")
    ds = dataset(department={"name": "某局", "year": 2024, "staff_authorized": 20,
                             "staff_actual": 18},
                 narrative={"functions": ["负责全县某项工作。"]})
    ctx = build_context(ds)
    h2 = paras(ctx, "basics", "h2")
    assert h2[0] == "（一）部门职能及人员情况"
    assert "某局编制数20人，实际在职人数18人，在职人员控制率90.00%。" in after(ctx, "basics", "（一）")
    assert len(h2) == 2 and h2[1].startswith("（二）")


def test_problems_state_deviations_as_facts_and_ask_for_reasons(example):
    ctx = example[1]
    s7 = paras(ctx, "problems")
    text = "\n".join(s7)
    # the department's own paragraphs first, as typed (its claim is not rewritten)
    assert s7[0] == "1. 2023年我单位预算支出执行按时按质按量完成，与绩效目标无偏离。"
    assert ("“帮助困难职工”实际完成500人次，超出年度目标（400人次）25.00%，"
            "【待补充：超额原因】。") in text
    assert "“职工参加医疗互助活动”年度目标为不少于20000人，实际完成情况未填报" in text
    # nothing the department did not write: no cause, no commitment, no accusation
    for invented in ("目标设定偏低", "下一年度", "将完善", "据实调整", "不符", "加大工作推进力度"):
        assert invented not in text, invented
    # tasks that met their target are not listed as deviations
    assert "评比表彰优秀组织奖" not in text
    asked = [g.what for g in ctx.gaps if g.section == "七、存在的问题及原因分析"]
    assert asked == ["实际完成值", "超额原因", "超额原因"]


def test_contradicted_claim_carries_a_comment_not_a_rewrite(example):
    ctx = example[1]
    section = next(s for s in ctx.sections if s.key == "problems")
    claim = next(b for b in section.blocks if "无偏离" in b.plain)
    noted = [span for span in claim.text if span.notes]
    assert [s.text for s in noted] == ["2023年我单位预算支出执行按时按质按量完成，与绩效目标无偏离。"]
    assert "无偏离" in noted[0].notes[0].message and noted[0].notes[0].severity == "warning"


def test_a_target_sentence_is_not_a_claim():
    data = dict(UNSEEN, narrative={"business": ["核心绩效目标：培训农民1000人次，圆满完成年度重点任务。"]})
    ds = dataset(**data)
    ctx = build_context(ds, run_checks(ds))
    para = next(b for b in next(s for s in ctx.sections if s.key == "performance").blocks
                if isinstance(b, Para) and "核心绩效目标" in b.plain)
    assert not any(span.notes for span in para.text)


def test_errors_are_commented_where_the_figure_is_printed(example):
    ctx = example[1]
    noted = [(span.text, note.message) for b in ctx.blocks() for span in _spans(b)
             for note in span.notes if note.severity == "error"]
    personnel = [text for text, message in noted if "301+303" in message]
    # 人员经费 265.50 in 表1 and in the sentence of 二（一）, and the 301/303 figures
    assert personnel.count("265.50") == 1 and "265.50万元" in personnel
    assert "232.18万元" in personnel and "45.32万元" in personnel


def _spans(block):
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Table):
        return [s for row in [*block.rows, *([block.total] if block.total else [])]
                for cell in row.values() for s in cell]
    return []


def test_no_findings_no_deviation_paragraphs():
    ds = read_data_file(EXAMPLE)
    s7 = paras(build_context(ds, []), "problems")
    assert len(s7) == 5 and not any("偏离情况" in p for p in s7)


# ---------------------------------------------------------------- an unseen department

UNSEEN_SENTENCES = [
    # income: total and fiscal with changes and share
    ("2024 年度收入合计 520.00 万元，较上年增加 20.00 万元，增长 4.00%；其中财政拨款收入 "
    "500.00 万元，占本年收入的 96.15%，较上年增加 20.00 万元，增长 4.17%"),
    "财政拨款支出 510.00 万元，较上年增加 10.00 万元，增长 2.00%",
    "占财政拨款支出的 78.43%", "占财政拨款支出的 21.57%",
    "基本支出 400.00 万元，较上年增加 20.00 万元，增长 5.26%",
    "人员经费 300.00 万元，占基本支出的 75.00%，较上年增加 10.00 万元，增长 3.45%",
    "公用经费 100.00 万元，占基本支出的 25.00%，较上年增加 10.00 万元，增长 11.11%",
    # execution and adjustment rates where budgets exist
    ("财政拨款支出合计年初预算数 480.00 万元，全年预算数 520.00 万元，预算调整率 8.33%，"
    "预算执行率 98.08%"),
    "基本支出年初预算数 380.00 万元，全年预算数 400.00 万元，预算调整率 5.26%，预算执行率 100.00%",
    "公用经费全年预算数 110.00 万元，公用经费控制率 90.91%",
    "项目支出 110.00 万元，较上年减少 10.00 万元，减少 8.33%",
    ("高标准农田建设 40.00 万元，较上年减少 20.00 万元，减少 33.33%，主要原因是【待补充：变动原因】，"
     "全年预算数 50.00 万元，预算执行率 80.00%，用于农田水利设施建设"),
    # 三公 with control rates and changes
    ("“三公”经费财政拨款支出 12.90 万元，较上年增加 0.90 万元，增长 7.50%，预算 13.00 万元，"
    "控制率 99.23%"),
    "因公出国（境）费预算和决算均为 0",
    "公务用车运行维护费 10.40 万元，较上年增加 0.40 万元，增长 4.00%，预算 10.00 万元，控制率 104.00%",
    ("公务接待费 2.50 万元，较上年增加 0.50 万元，增长 25.00%，主要原因是【待补充：变动原因】，"
     "预算 3.00 万元，控制率 83.33%"),
    "会议费 0.90 万元，较上年减少 0.10 万元，减少 10.00%，预算 1.20 万元，控制率 75.00%",
    "2024 年度政府性基金预算支出 12.50 万元。",
    "年初结转结余 10.00 万元，年末结转结余 5.20 万元，结转结余率 1.00%",
    "政府采购预算 80.00 万元，实际采购金额 76.00 万元，政府采购执行率 95.00%",
    "年末固定资产总额 300.00 万元，其中在用固定资产 285.00 万元，固定资产利用率 95.00%",
    # tasks
    "培训农民 1050 人次，完成年度目标（1000 人次）的 105.00%",
    "办理农业执法案件 80 件，完成年度目标（100 件）的 80.00%",
    "安全事故 3 起，超过年度目标（不超过 2 起）50.00%",
    "群众满意度实际完成较好（年度目标：显著提升）",
    # section 七: the department's voice on what the checks found
    "“办理农业执法案件”实际完成 80 件，未达到年度目标（100 件），完成率 80.00%",
    "“安全事故”实际 3 起，超过年度控制目标（不超过 2 起）50.00%",
    "“高标准农田建设”项目全年预算数 50.00 万元，实际支出 40.00 万元，预算执行率 80.00%",
    "公务用车运行维护费决算 10.40 万元，超过预算 10.00 万元，控制率 104.00%",
]


@pytest.fixture(scope="module")
def unseen():
    ds = dataset(**UNSEEN)
    return build_context(ds, run_checks(ds))


@pytest.mark.parametrize("sentence", UNSEEN_SENTENCES)
def test_unseen_department_figures(unseen, sentence):
    assert tight(sentence) in _text(unseen)


def test_unseen_department_sections(unseen):
    # 0 and null both say 无
    assert paras(unseen, "state_capital") == ["无。"] == paras(unseen, "social_insurance")
    assert "（三）预算执行及结转结余情况" in paras(unseen, "general_budget", "h2")
    budget = table(unseen, "budget")
    assert cells(budget, budget.total)["exec"] == "98.08%"
    assert cells(budget, budget.total)["adjust"] == "8.33%"
    assert [budget.cell(r, "label") for r in budget.rows] == ["基本支出", "　　　公用经费", "项目支出"]
    assert unseen.title == "2024年度示例县农业农村局整体支出绩效自评报告"
    captions = [b.caption for b in unseen.blocks() if isinstance(b, Table)]
    assert [c.split()[0] for c in captions] == ["表1", "表2", "表3", "表4", "表5"]


def test_tables_carry_the_figures(unseen):
    t1 = table(unseen, "expenditure")
    rows = {t1.cell(r, "label"): cells(t1, r) for r in t1.rows}
    assert rows["基本支出"] == {"label": "基本支出", "prior": "380.00", "actual": "400.00",
                             "diff": "20.00", "rate": "5.26%", "share": "78.43%"}
    assert rows["其中：人员经费"]["share"] == "75.00%"   # of 基本支出
    t2 = table(unseen, "outlays")
    outlays = {t2.cell(r, "label"): cells(t2, r) for r in t2.rows}
    assert outlays["公务接待费"]["control"] == "83.33%"
    assert cells(t2, t2.total)["control"] == "99.23%"
    t5 = table(unseen, "tasks")
    tasks = [cells(t5, r) for r in t5.rows]
    # no 说明 in any row: the column is left out rather than printed blank
    assert tasks[0] == {"name": "培训农民", "target": "≥ 1000人次", "actual": "1050人次",
                        "rate": "105.00%"}
    assert tasks[2]["rate"] == "未达标"


def test_blank_is_not_zero():
    ds = dataset(department={"name": "某局", "year": 2024},
                 expenditure={"total": {"actual": 100}, "basic": {"actual": 100}})
    ctx = build_context(ds, run_checks(ds))
    text = _text(ctx)
    assert "较上年" not in text                     # no prior: no change stated
    assert "预算执行率" not in text                   # no budget: no rate
    t1 = table(ctx, "expenditure")
    assert t1.cell(t1.rows[0], "prior") == ""
    assert "项目支出【待补充：项目支出决算数及项目明细】。" in _text(ctx)
    t1 = table(ctx, "expenditure")
    assert [c.key for c in t1.columns] == ["label", "actual", "share"]   # no blank columns


def test_empty_dataset_still_has_every_section():
    ctx = build_context(dataset())
    assert ctx.title == "本单位整体支出绩效自评报告"
    assert after(ctx, "basics", "（一）部门整体支出规模") == ["【待补充：收入和支出决算数】"]
    # 六（一）、七、八、九 are required: a marker says what to write; 十 may say 无
    assert after(ctx, "performance", "（一）部门业务开展情况")[-1] == "【待补充：部门业务开展情况】"
    for key, label in (("problems", "存在的问题及原因分析"), ("improvements", "下一步改进措施"),
                       ("results_use", "绩效自评结果拟应用和公开情况")):
        assert paras(ctx, key) == [f"【待补充：{label}】"]
    assert paras(ctx, "other") == ["无。"]
    # every marker is listed with its section
    listed = {(g.section, g.what) for g in ctx.gaps}
    assert ("七、存在的问题及原因分析", "存在的问题及原因分析") in listed
    assert len(ctx.gaps) == _text(ctx).count("【待补充：")


# ---------------------------------------------------------------- scoresheet


def _sheet(ds):
    from xlpkg.core import scoring
    from xlpkg.read import rules_file

    return scoring.score(ds, rules_file.load_rules(None))


def _evaluation(ctx) -> list[str]:
    return after(ctx, "performance", "（二）绩效评价工作过程")


def test_scoresheet_absent_is_omitted_cleanly():
    ds = read_data_file(EXAMPLE)
    ctx = build_context(ds, [])
    assert appendix(ctx, "scoresheet") is None
    # the 基础数据表 needs no scores: it is still attached, alone (so just 附件)
    assert [(a.key, a.label) for a in ctx.appendices] == [("base_data", "附件")]
    assert "（二）绩效评价工作过程" in paras(ctx, "performance", "h2")
    assert "得分" not in _text(ctx)


def test_two_appendices_are_numbered_and_listed_before_the_signature():
    ds = read_data_file(EXAMPLE)
    ctx = build_context(ds, run_checks(ds), _sheet(ds), with_findings=True)
    # 基础数据表, 自评表, one 项目支出绩效自评表 per project (4), then the findings
    assert [a.label for a in ctx.appendices] == [f"附件{i}" for i in range(1, 8)]
    assert appendix(ctx, "scoresheet").label == "附件2"
    assert appendix(ctx, "findings").label == "附件7"
    assert "自评表见附件2。" in _evaluation(ctx)[-1]
    found = [b.plain for b in appendix(ctx, "findings").blocks]
    assert found[0].startswith("经 xlpkg 数据校验，共发现错误2个")
    assert found[1].startswith("1.【错误】人员经费265.50万元")
    assert [p.plain for p in ctx.closing][:7] == [
        "附件：1. 2023年度安化县总工会部门整体支出绩效评价基础数据表",
        "　　　2. 2023年度安化县总工会部门整体支出绩效自评表",
        "　　　3. 项目支出绩效自评表（困难职工救助基金）",
        "　　　4. 项目支出绩效自评表（劳模管理工作经费）",
        "　　　5. 项目支出绩效自评表（劳动竞赛工作经费）",
        "　　　6. 项目支出绩效自评表（乡村振兴驻村帮扶工作队员经费）",
        "　　　7. 数据校验结果"]


def test_signature_is_the_unit_and_the_date():
    from datetime import date

    ds = read_data_file(EXAMPLE)
    ctx = build_context(ds, [], day=date(2024, 3, 5))
    assert [(p.style, p.plain) for p in ctx.closing] == [
        ("annex_note", "附件：2023年度安化县总工会部门整体支出绩效评价基础数据表"),
        ("signature", "安化县总工会"), ("signature", "2024年3月5日")]


def test_real_scoresheet_counts_what_the_example_left_blank():
    from xlpkg.core import scoring
    from xlpkg.read import rules_file

    ds = read_data_file(EXAMPLE)
    sheet = scoring.score(ds, rules_file.load_rules(None))
    # 24 of 26 await a self score: all but “三公”经费控制率 and 实际完成率 (computed)
    assert len(sheet.unscored) == 24 and all(s.score is None for s in sheet.unscored)
    assert {s.name for s in sheet.indicators} - {s.name for s in sheet.unscored} == {
        '"三公"经费控制率', "实际完成率"}
    content = build_context(ds, [], sheet)
    assert _evaluation(content)[-1] == (f"本次自评按“{sheet.rules_name}”评分。"
                                        "24项指标待评分，暂不定级，自评表见附件2。")
    assert "14.33" not in _text(content) and "等级为" not in _text(content)
    grid = _grid(content, "scoresheet")
    scores = [r[7].text for r in grid.rows]
    assert scores[1:-1].count("待评分") == 24 and scores[-1] == "待评分"
    assert "暂不定级" in grid.rows[-1][8].text


def _grid(content, key: str):
    """The submission table an attachment prints."""
    (block,) = appendix(content, key).blocks
    assert isinstance(block, Grid)
    return block.table


def test_attachments_are_the_submission_tables_cell_for_cell():
    """The report's attachments are the grids ``xlpkg tables`` prints, not a second
    computation of them."""
    from xlpkg.tables.rows import submission_tables

    ds = read_data_file(EXAMPLE)
    sheet = _sheet(ds)
    content = build_context(ds, run_checks(ds), sheet)
    printed = [_grid(content, a.key) for a in content.appendices]
    assert printed == submission_tables(ds, sheet)
    assert [a.landscape for a in content.appendices] == [False, True, False, False, False,
                                                         False]
    # the 附件说明 line names each attachment, a project's table by its project
    assert [p.plain for p in content.closing if p.style == "annex_note"][2] == \
        "　　　3. 项目支出绩效自评表（困难职工救助基金）"
    assert appendix(content, "project1").subtitle == "（2023年度）"


def test_appendix_title_fits_one_landscape_line():
    from xlpkg.report.write import ANNEX_TITLE_CHARS

    ds = read_data_file(EXAMPLE)
    sheet = appendix(build_context(ds, [], _sheet(ds)), "scoresheet")
    assert split_title(sheet.title, sheet.title_tail, ANNEX_TITLE_CHARS) == [
        "2023年度安化县总工会部门整体支出绩效自评表"]
    long = dataset(department={"name": "某某市某某区人力资源和社会保障局机关服务中心", "year": 2024})
    sheet = appendix(build_context(long, [], _sheet(long)), "scoresheet")
    assert split_title(sheet.title, sheet.title_tail, ANNEX_TITLE_CHARS) == [
        "2024年度某某市某某区人力资源和社会保障局机关服务中心", "部门整体支出绩效自评表"]


def test_findings_end_with_a_full_stop():
    ds = read_data_file(EXAMPLE)
    found = [b.plain for b in appendix(build_context(ds, run_checks(ds), with_findings=True),
                                       "findings").blocks]
    assert len(found) > 2 and all(p.endswith("。") for p in found)
    assert not any(p.endswith("。。") for p in found)


def test_scoresheet_names_its_rules():
    ds = read_data_file(EXAMPLE)
    sheet = _sheet(ds)
    ctx = build_context(ds, [], sheet)
    assert f"本次自评按“{sheet.rules_name}”评分。" in _evaluation(ctx)[-1]
    grid = _grid(ctx, "scoresheet")
    assert grid.notes[0].startswith(f"评分规则：{sheet.rules_name}")
    assert len(grid.rows) == len(sheet.indicators) + 2      # the header and 合计


# ---------------------------------------------------------------- helpers


def test_numbering_helpers():
    assert numbered(["甲", "乙"]) == ["1.甲", "2.乙"]
    assert numbered(["甲"]) == ["甲"]
    assert numbered(["1、甲", "乙"]) == ["1、甲", "乙"]          # already numbered by hand
    assert numbered(["2023 年完成", "乙"])[0] == "1. 2023 年完成"  # never “1.2023”
    assert numbered(["甲", "乙"], "（{}）") == ["（1）甲", "（2）乙"]
    assert [chinese_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_title_lines():
    ds = read_data_file(EXAMPLE)
    assert report_title(ds) == "2023年度安化县总工会整体支出绩效自评报告"
    assert title_lines(ds) == ["2023年度安化县总工会", "整体支出绩效自评报告"]
    assert split_title("2024年度某局整体支出绩效自评报告", "整体支出绩效自评报告") == [
        "2024年度某局整体支出绩效自评报告"]


# ---------------------------------------------------------------- any data, no crash

_name = st.text(alphabet="甲乙丙丁局项目&<{%}", max_size=8)  # “None” in a name is not a bug
_amount = st.none() | st.decimals(min_value=-100, max_value=100000, places=2,
                                  allow_nan=False, allow_infinity=False)


def _row(fields):
    return st.fixed_dictionaries({f: _amount for f in fields})


_data = st.fixed_dictionaries({
    "department": st.fixed_dictionaries({"name": st.none() | _name,
                                         "year": st.none() | st.integers(2000, 2100)}),
    "income": st.fixed_dictionaries({k: _row(("prior", "actual"))
                                     for k in ("total", "fiscal", "other")}),
    "expenditure": st.fixed_dictionaries({
        k: _row(("prior", "budget_initial", "budget_final", "actual"))
        for k in ("total", "basic", "personnel", "public", "project")}),
    "outlays": st.fixed_dictionaries({
        k: _row(("prior", "budget", "actual"))
        for k in ("total", "outbound", "vehicle_operation", "reception", "meeting")}),
    "projects": st.lists(st.fixed_dictionaries({
        "name": st.none() | _name, "budget_final": _amount, "actual": _amount,
        "prior": _amount}), max_size=3),
    "key_tasks": st.lists(st.fixed_dictionaries({
        "name": _name, "unit": st.none() | st.just("人"),
        "comparator": st.sampled_from([">=", "<=", "="]),
        "target": st.none() | st.integers(0, 1000), "actual": st.none() | st.integers(0, 1000)}),
        max_size=4),
    "other_budgets": st.fixed_dictionaries({"government_fund": _amount}),
    "carryover": st.fixed_dictionaries({"begin": _amount, "end": _amount}),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_data)
def test_any_dataset_gives_a_complete_context(data):
    ds = dataset(**data)
    ctx = build_context(ds, run_checks(ds), _sheet(ds), with_findings=True)
    assert "None" not in _text(ctx)
    assert all(s.blocks for s in ctx.sections)
    tables = [b for b in ctx.blocks() if isinstance(b, Table) and b.caption]
    assert [t.caption.split()[0] for t in tables] == [f"表{i}" for i in
                                                      range(1, len(tables) + 1)]


def test_task_wording_for_exact_and_zero_targets():
    from xlpkg.report.performance import task_result
    from xlpkg.report.state import Build
    from xlpkg.report.tables import task_figures

    ds = dataset(key_tasks=[
        {"name": "培训人员", "unit": "人", "comparator": "=", "target": 500, "actual": None},
        {"name": "安全生产事故", "unit": "起", "comparator": "<=", "target": 0, "actual": 0},
        {"name": "投诉件数", "unit": "件", "comparator": "<=", "target": 0, "actual": 2}])
    exact, kept, missed = (task_result(t, fig) for t, fig in
                           zip(ds.key_tasks, task_figures(Build(ds))))
    assert exact == "培训人员年度目标为 500 人，实际完成情况未统计"
    assert kept == "安全生产事故 0 起，控制在年度目标（0 起）以内"
    assert missed.startswith("投诉件数 2 件，超过年度目标（0 件）")


def test_a_grade_is_stated_once_every_indicator_has_a_score():
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    pending = _sheet(dataset(**data)).pending
    data["self_scores"] = [{"indicator": name, "score": 1} for name in pending]
    ds = dataset(**data)
    sheet = _sheet(ds)
    assert not sheet.pending and sheet.grade is not None
    content = build_context(ds, [], sheet)
    assert tight(sheet.conclusion) + "，自评表见附件2。" in _evaluation(content)[-1]
    assert _grid(content, "scoresheet").rows[-1][8].text == f"等级：{sheet.grade}"
    # the project tables (no indicators in the example) still await their scores
    assert "待评分" not in _text(content).split("附件3")[0]


def test_zero_project_spending_says_no_project_spending():
    ds = dataset(department={"name": "某局", "year": 2024},
                 expenditure={"total": {"actual": 100}, "basic": {"actual": 100},
                              "project": {"actual": 0}})
    assert after(build_context(ds), "general_budget", "（二）项目支出情况") == ["2024年度无项目支出。"]


def test_chart_data_states_its_base_and_agrees_with_table_1(example):
    ctx = example[1]
    data = ctx.chart_data
    assert data["structure_caption"].endswith("（占比基数：财政拨款支出合计）")
    t1 = table(ctx, "expenditure")
    shares = {t1.cell(r, "label"): t1.cell(r, "share") for r in t1.rows}
    for label, _, note in data["structure"]:
        assert note.endswith(f"（{shares[label]}）"), (label, note)
