"""Issue 12's done-when, on the rendered .docx: the report states only what the data
holds — on the example and on generated departments (tests/departments.py) with the
edge cases real data has (no prior year, no budgets, empty sections, a total that is
not the sum of its parts, a sentence stating targets) — and issue 18's attachments.
"""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
import yaml
from departments import department, with_mistakes
from docx.oxml.ns import qn
from support import EXAMPLE, dataset

from xlpkg.pipeline import evaluate
from xlpkg.report import template as T
from xlpkg.report.render import clean_text, report_bytes
from xlpkg.report.text import tight
from xlpkg.tables.rows import submission_tables

# a figure and Chinese with a typed space between them (Word spaces them itself)
SPACED = re.compile(r"[0-9%][ \u3000]+[\u4e00-\u9fff（，。、；：]|[\u4e00-\u9fff，。、；：）][ \u3000]+[0-9]")


def _doc(data: dict) -> docx.Document:
    return docx.Document(io.BytesIO(report_bytes(evaluate(dataset(**data)))))


def _example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _paragraphs(d) -> list[str]:
    return [p.text for p in d.paragraphs]


def _cells(d) -> list[str]:
    return [c.text for t in d.tables for r in t.rows for c in r.cells]


def _text(d) -> str:
    return "\n".join(_paragraphs(d) + _cells(d))


def _comments_on(d) -> list[tuple[str, str]]:
    """(the commented text, the comment) for every Word comment in the body."""
    said = {str(c.comment_id): c.text for c in d.comments}
    out = []
    for start in d.element.body.iter(qn("w:commentRangeStart")):
        words, node = [], start.getnext()
        while node is not None and node.tag != qn("w:commentRangeEnd"):
            words.append("".join(t.text for t in node.iter(qn("w:t"))))
            node = node.getnext()
        out.append(("".join(words), said[start.get(qn("w:id"))]))
    return out


def _caption(table) -> str | None:
    found = table._tbl.tblPr.find(qn("w:tblCaption"))
    return None if found is None else found.get(qn("w:val"))


def _body_tables(d):
    return [t for t in d.tables if _caption(t) is None]


def _heading_paras(d, heading: str) -> list[str]:
    """The body paragraphs under the Heading 1 starting with ``heading``."""
    out, inside = [], False
    for p in d.paragraphs:
        if p.style.name == "Heading 1":
            inside = p.text.startswith(heading)
        elif inside and p.style.name == T.BODY:
            out.append(p.text)
    return out


@pytest.fixture(scope="module")
def example_doc():
    data = _example()
    data["expenditure"]["personnel"]["reason"] = "逝世1人，退休1人"
    return _doc(data)


# ---------------------------------------------------------------- the example


def test_example_states_no_grade_from_unscored_indicators(example_doc):
    text = _text(example_doc)
    assert "24项指标待评分，暂不定级" in text
    assert "14.33" not in text and "等级为" not in text and "等级：差" not in text


def test_example_comments_personnel_265_50_naming_301_303(example_doc):
    noted = [c for t, c in _comments_on(example_doc) if t.startswith("265.50")]
    assert noted and all("301+303" in c and "【错误】" in c for c in noted)


def test_example_invents_no_cause_or_commitment(example_doc):
    text = _text(example_doc)
    for invented in ("目标设定偏低", "据实调整", "将完善", "下一年度将", "表述与实际情况不符"):
        assert invented not in text
    problems = _heading_paras(example_doc, "七、")
    assert "【待补充：超额原因】" in problems[-1]
    # the department's 无偏离 stays as typed and carries a comment saying it is refuted
    refuted = [c for t, c in _comments_on(example_doc) if "无偏离" in t]
    assert refuted and "无偏离" in refuted[0]


def test_example_uses_a_stated_reason_and_asks_for_a_missing_one(example_doc):
    text = _text(example_doc)
    assert "减少6.12%，主要原因是逝世1人，退休1人；" in text
    assert "增长22.77%，主要原因是【待补充：变动原因】" in text


def test_example_signature_has_the_unit_and_a_date(example_doc):
    signature = [p.text for p in example_doc.paragraphs if p.style.name == T.SIGNATURE]
    today = date.today()
    assert signature == ["安化县总工会", f"{today.year}年{today.month}月{today.day}日"]


def test_example_has_no_space_between_figures_and_chinese(example_doc):
    assert [t for t in _paragraphs(example_doc) + _cells(example_doc) if SPACED.search(t)] == []


# ---------------------------------------------------------------- unseen departments


def test_a_total_that_is_not_the_sum_of_its_parts_is_commented_where_printed():
    data = with_mistakes(2)
    d = _doc(data)
    total = tight(f"{data['expenditure']['total']['actual']:.2f}")
    first = _body_tables(d)[0]
    assert first.rows[1].cells[0].text == "财政拨款支出合计"
    noted = [c for t, c in _comments_on(d) if t.startswith(total) and "不一致" in c]
    assert len(noted) >= 2          # in the sentence and in 表1
    # and the shortfall is stated as a fact with a request for its reason
    assert any("【待补充：未完成原因】" in p for p in _heading_paras(d, "七、"))


def _bare() -> dict:
    """No prior year, no budgets, no narrative but one sentence stating targets."""
    data = department(3)
    for row in data["expenditure"].values():
        row.update(prior=None, budget_initial=None, budget_final=None)
    for row in data["outlays"].values():
        row.update(prior=None, budget=None)
    for project in data["projects"]:
        project.update(prior=None, budget_initial=None, budget_final=None)
    data["narrative"] = {"business": ["核心绩效目标：完成年度重点任务，圆满完成年度重点任务。"]}
    return data


@pytest.fixture(scope="module")
def bare_doc():
    return _doc(_bare())


def test_no_table_prints_an_all_blank_column(bare_doc):
    for table in _body_tables(bare_doc):
        header, *rows = table.rows
        for i, head in enumerate(header.cells):
            assert any(r.cells[i].text.strip() for r in rows), (head.text, table.rows[0])
    headers = {c.text for t in _body_tables(bare_doc) for c in t.rows[0].cells}
    assert not headers & {"上年决算数", "增减额", "增减率", "本年预算数", "预算执行率", "全年预算数"}


def test_empty_sections_are_marked_never_none(bare_doc):
    for heading, label in (("七、", "存在的问题及原因分析"), ("八、", "下一步改进措施"),
                           ("九、", "绩效自评结果拟应用和公开情况")):
        assert _heading_paras(bare_doc, heading) == [f"【待补充：{label}】"]
    assert _heading_paras(bare_doc, "十、") == ["无。"]
    assert "无。" not in _heading_paras(bare_doc, "六、")


def test_a_sentence_stating_targets_is_not_accused(bare_doc):
    assert "核心绩效目标：完成年度重点任务，圆满完成年度重点任务。" in _paragraphs(bare_doc)
    assert not [c for t, c in _comments_on(bare_doc) if "核心绩效目标" in t]
    assert "不符" not in _text(bare_doc)


# ---------------------------------------------------------------- attachments (issue 18)


def test_the_report_carries_the_submission_tables_as_attachments():
    ds = dataset(**department(4))
    ev = evaluate(ds)
    d = docx.Document(io.BytesIO(report_bytes(ev)))
    grids = submission_tables(ds, ev.scoresheet)
    printed = {_caption(t): t for t in d.tables if _caption(t)}
    assert list(printed) == [g.sheet for g in grids]
    for grid in grids:
        table = printed[grid.sheet]
        assert len(table.rows) == len(grid.rows)
        # every cell prints what `xlpkg tables` prints (a merged cell once, at its start)
        starts = {(r1, c1) for r1, c1, *_ in grid.merges}
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                if cell.text and ((r, c) in starts or not _in_merge(grid, r, c)):
                    shown = "\n".join(clean_text(tight(x)) for x in cell.text.split("\n"))
                    assert table.cell(r, c).text == shown
    # the 附件 line lists them, and each one is labelled 附件N in order
    notes = [p.text for p in d.paragraphs if p.style.name == T.ANNEX_NOTE]
    assert notes[0].startswith("附件：1. ") and notes[0].endswith("基础数据表")
    assert len(notes) == len(grids)
    labels = [p.text for p in d.paragraphs if p.style.name == T.ANNEX_LABEL]
    assert labels == [f"附件{i}" for i in range(1, len(grids) + 1)]


def _in_merge(grid, r: int, c: int) -> bool:
    return any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in grid.merges)


# ---------------------------------------------------------------- the printed page


def _keeps(p) -> bool:
    return p.paragraph_format.keep_with_next is True


def test_the_signature_never_stands_alone_on_a_page(example_doc):
    """GB/T 9704-2012 7.3.5: the 附件说明 starts on the page of the text's last line and
    the 落款 stays with the last 附件 line (it stood alone on page 10 of the example)."""
    paras = example_doc.paragraphs
    first = next(i for i, p in enumerate(paras) if p.style.name == T.ANNEX_NOTE)
    notes = [i for i, p in enumerate(paras) if p.style.name == T.ANNEX_NOTE]
    signature = [i for i, p in enumerate(paras) if p.style.name == T.SIGNATURE]
    assert paras[first - 2].text == "无。" and _keeps(paras[first - 2])   # 十's last line
    assert _keeps(paras[first - 1]) and _keeps(paras[first])               # blank, 附件 1
    assert _keeps(paras[notes[-1]]) and _keeps(paras[notes[-1] + 1])      # last, blank
    assert _keeps(paras[signature[0]]) and not _keeps(paras[signature[1]])
    assert not all(_keeps(paras[i]) for i in notes)     # a long list may break


def test_a_long_attachment_name_wraps_under_its_first_character(example_doc):
    """GB/T 9704-2012 7.3.4: the lead ``附件：1. `` hangs, so a wrapped name lines up
    with its first character, not with the margin."""
    notes = [p for p in example_doc.paragraphs if p.style.name == T.ANNEX_NOTE]
    for p in notes:
        ind = p._p.pPr.find(qn("w:ind"))
        hanging, left = int(ind.get(qn("w:hanging"))), int(ind.get(qn("w:left")))
        assert ind.get(qn("w:firstLineChars")) == "0"
        assert left - hanging == 2 * 315              # the lead starts 2 characters in
        assert 3.9 * 315 <= hanging <= 5 * 315         # 附件：/　　　 and “1. ”


def test_pending_scores_and_rates_fit_their_columns():
    """待评分 (3 五号 characters) and 100.00% print on one line: the 得分 column of the
    自评表 and the 分值/执行率 column of a project table are wide enough."""
    from xlpkg.report.grids import WIDTHS_MM
    from xlpkg.tables.rows import PROJECT, SCORESHEET

    char, margins = 3.7, 1.6
    assert WIDTHS_MM[SCORESHEET][7] >= 3 * char + margins
    assert WIDTHS_MM[PROJECT][6] >= 4.1 * char + margins       # “100.00%” ≈ 4.1 em
    assert WIDTHS_MM[PROJECT][0] >= 4 * char + margins          # 项目资金 / 绩效指标


# ---------------------------------------------------------------- section 七 by subjects


def test_deviations_find_their_rows_by_the_findings_subjects_not_field_names():
    """Issue 10 item 3: section 七 reads a finding's structured subjects; a finding with
    no (or misleading) field names still names the right task and project."""
    from xlpkg.core.finding import Finding, Subject
    from xlpkg.report.outline import build_content

    ds = dataset(department={"name": "某局", "year": 2024},
                 key_tasks=[{"name": "甲", "unit": "次", "comparator": ">=", "target": 10,
                             "actual": 20},
                            {"name": "乙", "unit": "件", "comparator": ">=", "target": 10,
                             "actual": 5}],
                 projects=[{"name": "丙项目", "budget_final": 100, "actual": 50,
                            "reason": "项目延期至次年实施"}])
    findings = [
        Finding("TASK_SHORTFALL", "warning", "乙未完成", fields=("tbl_tasks[0].actual",),
                subjects=(Subject("key_tasks", 1, "actual"),)),
        Finding("EXECUTION_LOW", "warning", "执行率低", fields=(),
                subjects=(Subject("projects", 0, "actual"),)),
    ]
    problems = [p.plain for s in build_content(ds, findings).sections if s.key == "problems"
                for p in s.blocks]
    assert any(p.startswith("（1）“乙”实际完成5件，未达到年度目标（10件），完成率50.00%")
               for p in problems), problems
    assert any("“丙项目”项目全年预算数100.00万元，实际支出50.00万元，预算执行率50.00%，"
               "主要原因是项目延期至次年实施。" in p for p in problems), problems


def test_the_deviation_list_lead_in_stays_with_its_list(example_doc):
    """“对照年度绩效目标和预算，存在以下偏离情况：” ended page 6 of a generated report,
    its list on the next page."""
    (lead,) = [p for p in example_doc.paragraphs if p.text.endswith("存在以下偏离情况：")]
    assert lead.style.name == T.BODY and _keeps(lead)
    following = lead._p.getnext()
    assert "".join(t.text for t in following.iter(qn("w:t"))).startswith("（1）")
