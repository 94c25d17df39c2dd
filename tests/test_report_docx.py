"""The Word report: template build, typography, rendering, file handling, CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import docx
import pytest
import yaml
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx_text import body_items, texts
from support import EXAMPLE, ROOT, dataset, evaluation

from xlpkg.cli import main
from xlpkg.core.scoring import score
from xlpkg.errors import OutputError
from xlpkg.pipeline import evaluate
from xlpkg.read.data_file import read_data_file
from xlpkg.read.rules_file import load_rules
from xlpkg.report import template as T
from xlpkg.report.grids import WIDTHS_MM
from xlpkg.report.outline import date_text
from xlpkg.report.render import (
    clean_text,
    report_bytes,
    report_filename,
    write_report,
)
from xlpkg.report.text import tight
from xlpkg.report.write import WIDTHS
from xlpkg.tables.rows import PROJECT, SCORESHEET

HEADINGS = ["一、部门（单位）基本情况", "二、一般公共预算支出情况", "三、政府性基金预算支出情况",
            "四、国有资本经营预算支出情况", "五、社会保险基金预算支出情况", "六、部门整体支出绩效情况",
            "七、存在的问题及原因分析", "八、下一步改进措施", "九、绩效自评结果拟应用和公开情况",
            "十、其他需要说明的情况"]


@pytest.fixture(scope="module")
def example_ds():
    return read_data_file(EXAMPLE)


@pytest.fixture(scope="module")
def example_report(example_ds):
    return report_bytes(evaluation(example_ds))


# ---------------------------------------------------------------- the template


def test_committed_template_equals_a_fresh_build():
    committed = (ROOT / "word_templates" / T.TEMPLATE_NAME).read_bytes()
    assert committed == T.build_template(), \
        "模板已过期：运行 python -m xlpkg.report.template 重新生成并提交"


def test_template_build_is_reproducible():
    data = T.build_template()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {T.ZIP_DATE}
        core = z.read("docProps/core.xml").decode()
        assert "2024-01-01T00:00:00Z" in core
        names = z.namelist()
    assert "docProps/thumbnail.jpeg" not in names and "word/stylesWithEffects.xml" not in names


@pytest.fixture(scope="module")
def template_doc():
    return docx.Document(io.BytesIO(T.build_template()))


def _rpr_fonts(style):
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii"))


def _size(style):
    return int(style.element.rPr.find(qn("w:sz")).get(qn("w:val"))) / 2


def test_page_is_a4_with_gbt9704_margins(template_doc):
    s = template_doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin,
                                  s.right_margin)] == [37, 35, 28, 26]


@pytest.mark.parametrize("style, font, size", [
    ("Title", "方正小标宋简体", 22), ("Heading 1", "黑体", 16), ("Heading 2", "楷体_GB2312", 16),
    ("Heading 3", "仿宋_GB2312", 16), (T.BODY, "仿宋_GB2312", 16), ("Footer", "宋体", 14),
    (T.CELL, "仿宋_GB2312", 12),
])
def test_styles_set_east_asian_fonts_and_sizes(template_doc, style, font, size):
    st = template_doc.styles[style]
    assert _rpr_fonts(st) == (font, "Times New Roman")
    assert _size(st) == size


def test_body_has_fixed_spacing_and_two_character_indent(template_doc):
    ppr = template_doc.styles[T.BODY].element.pPr
    spacing, ind = ppr.find(qn("w:spacing")), ppr.find(qn("w:ind"))
    assert spacing.get(qn("w:lineRule")) == "exact" and spacing.get(qn("w:line")) == "579"
    assert ind.get(qn("w:firstLineChars")) == "200" and ind.get(qn("w:firstLine")) == "640"


def test_headings_are_word_headings_that_keep_with_next(template_doc):
    for level, name in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        ppr = template_doc.styles[name].element.pPr
        assert ppr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level)
        assert ppr.find(qn("w:keepNext")) is not None
    assert template_doc.styles["Heading 3"].font.bold


def test_font_table_names_fallbacks():
    with zipfile.ZipFile(io.BytesIO(T.build_template())) as z:
        table = z.read("word/fontTable.xml").decode()
    for name, (alt, *_rest) in T.FONT_TABLE.items():
        assert f'w:name="{name}"' in table and f'w:altName w:val="{alt}"' in table


def test_page_numbers_on_the_outside_edge(template_doc):
    assert template_doc.settings.odd_and_even_pages_header_footer
    s = template_doc.sections[0]
    for footer, side in ((s.footer, None), (s.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in xml and p.text.startswith("— ") and p.text.endswith(" —")
        jc = p._p.pPr.find(qn("w:jc"))
        assert (jc.get(qn("w:val")) if jc is not None else None) == side


def test_tables_fit_the_text_width():
    for kind in ("expenditure", "outlays", "projects", "budget", "tasks"):
        assert sum(WIDTHS[kind].values()) == pytest.approx(T.TEXT_WIDTH)
    # the 自评表 sits in a landscape attachment, the project tables in portrait ones
    assert sum(WIDTHS_MM[SCORESHEET]) == pytest.approx(T.LANDSCAPE_TEXT_WIDTH)
    assert sum(WIDTHS_MM[PROJECT]) == pytest.approx(T.TEXT_WIDTH)


def test_template_holds_styles_and_page_only(template_doc):
    # the outline lives in xlpkg.report.outline; the template is typography and page
    assert not template_doc.paragraphs and not template_doc.tables
    assert template_doc.styles[T.BODY] is not None


# ---------------------------------------------------------------- rendering the example


def test_example_report_has_the_ten_sections_in_order(example_report):
    items = body_items(example_report)
    h1 = [t for s, t in items if s == "Heading 1"]
    assert h1 == HEADINGS
    titles = [t for s, t in items if s == "Title"]
    assert titles == ["2023年度安化县总工会", "整体支出绩效自评报告"]
    assert not any("{%" in t or "{{" in t for t in texts(example_report))


# no space between figures and Chinese (Word spaces them itself)
AUDIT = [tight(s) for s in [
    "基本支出 298.18 万元，较上年减少 11.26 万元，减少 3.64%",
    "人员经费 265.50 万元，占基本支出的 89.04%，较上年减少 17.31 万元，减少 6.12%",
    "公用经费 32.67 万元，占基本支出的 10.96%，较上年增加 6.06 万元，增长 22.77%",
    "占财政拨款支出的 94.93%", "占财政拨款支出的 5.08%",
    "项目支出 15.95 万元，较上年减少 4.15 万元，减少 20.65%",
    "公务接待费 4.33 万元，较上年减少 1.08 万元，减少 19.96%",
    "会议费 0.53 万元，较上年减少 0.07 万元，减少 11.67%",
    "帮助困难职工 500 人次，完成年度目标（400 人次）的 125.00%",
    "超出年度目标（400 人次）25.00%，【待补充：超额原因】",
]]


def test_example_report_states_every_audit_sentence(example_report, example_ds):
    text = "\n".join(texts(example_report))
    for sentence in AUDIT:
        assert sentence in text, sentence
    for section in ("fixed_assets", "project_management", "business", "evaluation_process",
                    "problems", "improvements", "results_use"):
        for para in example_ds.paragraphs(section):
            assert tight(para) in text


def test_sections_appear_under_the_right_headings(example_report):
    items = body_items(example_report)
    after = {t: items[i + 1][1] for i, (s, t) in enumerate(items) if s == "Heading 1"}
    assert after["三、政府性基金预算支出情况"] == "无。"
    assert after["十、其他需要说明的情况"] == "无。"
    assert after["七、存在的问题及原因分析"].startswith("1. 2023年我单位")
    h2 = [t for s, t in items if s == "Heading 2"]
    assert h2 == ["（一）2023年度重点工作", "（二）部门整体支出规模、使用方向、主要内容和涉及范围",
                  "（一）基本支出情况", "（二）项目支出情况", "（三）预算执行及结转结余情况",
                  "（一）部门业务开展情况",
                  "（二）绩效评价工作过程"]


def test_body_tables_have_headers_and_figures(example_report):
    d = docx.Document(io.BytesIO(example_report))
    headers = [[c.text for c in t.rows[0].cells] for t in d.tables]
    assert headers[0] == ["项目", "上年决算数", "本年决算数", "增减额", "增减率", "占比"]
    assert headers[1][0] == "项目" and "控制率" in headers[1]
    assert headers[2][0] == "项目名称"
    assert headers[3] == ["工作内容", "目标值", "实际值", "完成率", "说明"]
    first = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert first[1] == ["财政拨款支出合计", "", "314.12", "", "", "100.00%"]
    assert first[2] == ["基本支出", "309.44", "298.18", "-11.26", "-3.64%", "94.93%"]
    # header rows repeat on a new page; numbers are right-aligned
    assert d.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert d.tables[0].rows[2].cells[1].paragraphs[0].style.name == T.CELL_NUM


def test_scoresheet_omitted_when_absent(example_ds):
    data = report_bytes(evaluation(example_ds, findings=[], scoresheet=None))
    text = "\n".join(texts(data))
    assert "自评表" not in text
    # the 基础数据表 needs no scores: it is the one attachment
    labels = [t for s, t in body_items(data) if s == T.ANNEX_LABEL]
    assert labels == ["附件"] and "附件：2023年度安化县总工会部门整体支出绩效评价基础数据表" in text
    assert [_caption(t) for t in docx.Document(io.BytesIO(data)).tables][-1] == "基础数据表"


def _caption(table) -> str | None:
    """The ``w:tblCaption`` an attachment's grid is named by (body tables have none)."""
    found = table._tbl.tblPr.find(qn("w:tblCaption"))
    return None if found is None else found.get(qn("w:val"))


def _grid(d, caption: str):
    return next(t for t in d.tables if _caption(t) == caption)


def test_scoresheet_and_findings_appendices(example_ds):
    sheet = score(example_ds, load_rules(None))
    data = report_bytes(evaluation(example_ds, scoresheet=sheet), with_findings=True)
    items = body_items(data)
    text = "\n".join(t for _, t in items)
    assert tight(sheet.conclusion) in text and "自评表见附件2" in text
    labels = [t for s, t in items if s == T.ANNEX_LABEL]
    # 基础数据表, 自评表, 4 项目支出绩效自评表, 数据校验结果
    assert labels == [f"附件{i}" for i in range(1, 8)]
    d = docx.Document(io.BytesIO(data))
    assert [_caption(t) for t in d.tables if _caption(t)] == [
        "基础数据表", SCORESHEET, "项目1-困难职工救助基金", "项目2-劳模管理工作经费",
        "项目3-劳动竞赛工作经费", "项目4-乡村振兴驻村帮扶工作队员经费"]
    sheet_table = _grid(d, SCORESHEET)
    assert sheet_table.rows[0].cells[0].text == "一级指标"
    assert len(sheet_table.rows) == len(sheet.indicators) + 2   # header + rows + 合计
    assert sheet_table.rows[-1].cells[0].text == "合计"
    assert "【错误】人员经费265.50万元与经济分类301+303合计277.50万元不一致" in text


# ---------------------------------------------------------------- page layout


@pytest.fixture(scope="module")
def example_sheet(example_ds):
    return score(example_ds, load_rules(None))


def _mm(section):
    return round(section.page_width.mm), round(section.page_height.mm)


def _breaks(d):
    """Paragraphs that end a section (not the body's final sectPr)."""
    return [docx.text.paragraph.Paragraph(p, d) for p in d.element.body.iter(qn("w:p"))
            if p.pPr is not None and p.pPr.sectPr is not None]


def _footer_ids(section):
    return [r.get(qn("r:id")) for r in section._sectPr.findall(qn("w:footerReference"))]


def test_scoresheet_appendix_is_a_landscape_section(example_ds, example_sheet):
    d = docx.Document(io.BytesIO(report_bytes(evaluation(example_ds, findings=[],
                                                         scoresheet=example_sheet))))
    # the body with the 基础数据表, the 自评表 landscape, the project tables portrait
    body, annex, projects = d.sections
    assert _mm(body) == (210, 297) and _mm(annex) == (297, 210)
    assert _mm(projects) == (210, 297)
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert [round(x.mm) for x in (annex.top_margin, annex.bottom_margin, annex.left_margin,
                                  annex.right_margin)] == list(T.LANDSCAPE_MARGINS)
    assert annex.footer_distance < annex.bottom_margin
    # the same “— n —” footers, odd and even, numbering on
    assert len(_footer_ids(body)) == 2 and _footer_ids(annex) == _footer_ids(body)
    assert annex.footer.paragraphs[0].text == "— 1 —"
    # the portrait section ends on its own last paragraph (the 基础数据表's last note),
    # no extra line; the landscape one after the 自评表's grid, on a 1-pt 分节 paragraph
    first_break, second_break = _breaks(d)
    assert first_break.text.startswith("填报日期：") and first_break.style.name == T.NOTE
    label = docx.text.paragraph.Paragraph(first_break._p.getnext(), d)
    assert label.text == "附件2" and not label.paragraph_format.page_break_before
    assert second_break._p.getprevious().tag == qn("w:p")      # the 自评表's notes
    label = docx.text.paragraph.Paragraph(second_break._p.getnext(), d)
    assert label.text == "附件3"
    # the 落款 closes the body, before the attachments
    signature = [p for p in d.paragraphs if p.style.name == T.SIGNATURE]
    assert [p.text for p in signature] == ["安化县总工会", date_text(date.today())]


def test_findings_appendix_returns_to_portrait(example_ds, example_sheet):
    d = docx.Document(io.BytesIO(report_bytes(evaluation(example_ds, scoresheet=example_sheet),
                                              with_findings=True)))
    assert [_mm(s) for s in d.sections] == [(210, 297), (297, 210), (210, 297)]
    labels = [p for p in d.paragraphs if p.style.name == T.ANNEX_LABEL]
    assert [p.text for p in labels] == [f"附件{i}" for i in range(1, 8)]
    assert labels[0].paragraph_format.page_break_before
    assert not labels[1].paragraph_format.page_break_before   # a new section's first page
    assert all(p.paragraph_format.page_break_before for p in labels[3:])


def test_no_scoresheet_no_section_break(example_ds):
    d = docx.Document(io.BytesIO(report_bytes(evaluation(example_ds, findings=[]))))
    assert [_mm(s) for s in d.sections] == [(210, 297)] and not _breaks(d)
    assert not [p for p in d.paragraphs if p.style.name == T.SECTION_BREAK]


def _keeps(tr) -> bool:
    return all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
               for p in tr.iter(qn("w:p")))


def test_scoresheet_table_layout(example_ds, example_sheet, template_doc):
    d = docx.Document(io.BytesIO(report_bytes(evaluation(example_ds, findings=[],
                                                         scoresheet=example_sheet))))
    table = _grid(d, SCORESHEET)
    tbl = table._tbl
    widths = [round(int(c.get(qn("w:w"))) * 25.4 / 1440) for c in tbl.tblGrid]
    assert widths == list(WIDTHS_MM[SCORESHEET])
    assert sum(widths) == pytest.approx(T.LANDSCAPE_TEXT_WIDTH)
    assert widths[4] >= 60 and widths[8] >= 50         # 评分标准, 扣分原因 have room
    header, *rows, total = tbl.tr_lst
    assert header.trPr.find(qn("w:tblHeader")) is not None and _keeps(header)
    assert _size(template_doc.styles[T.SMALL_CELL]) == 10.5      # 五号
    assert _rpr_fonts(template_doc.styles[T.SMALL_CELL])[0] == "仿宋_GB2312"
    # 合计 spans 一级–三级 and the row above keeps with it; other rows may break
    assert total.tc_lst[0].grid_span == 3 and table.rows[-1].cells[0].text == "合计"
    assert _keeps(rows[-1]) and not _keeps(rows[0])
    # one merged cell per 一级指标 and per 二级指标
    first = [(tr.tc_lst[0].vMerge, table.rows[i + 1].cells[0].text)
             for i, tr in enumerate(rows)]
    assert first[0] == ("restart", "投入") and first[1] == ("continue", "投入")
    starts = [text for merge, text in first if merge != "continue"]
    assert starts == ["投入", "过程", "产出", "效益"]
    level2 = [table.rows[i + 1].cells[1].text for i, tr in enumerate(rows)
              if tr.tc_lst[1].vMerge != "continue"]
    assert level2[:3] == ["目标设定", "预算配置", "预算执行"]
    assert len(table.rows) == len(example_sheet.indicators) + 2


def test_body_tables_keep_their_head_and_tail(example_report):
    d = docx.Document(io.BytesIO(example_report))
    for table in [t for t in d.tables if _caption(t) is None]:   # not the attachments
        trs = table._tbl.tr_lst
        after = docx.text.paragraph.Paragraph(table._tbl.getnext(), d)
        assert _keeps(trs[0])                                  # header with the first row
        assert _keeps(trs[-1]) == (after.style.name == T.NOTE)  # last row with its note
        assert not any(_keeps(tr) for tr in trs[2:-1])        # the rest may break
    total_first = d.tables[0]._tbl.tr_lst[1]
    assert _keeps(total_first)                                  # 合计 on top keeps too


def test_figure_captions_do_not_chain_to_what_follows(template_doc):
    assert template_doc.styles[T.CAPTION].paragraph_format.keep_with_next
    assert not template_doc.styles[T.FIGURE_CAPTION].paragraph_format.keep_with_next
    assert template_doc.styles[T.FIGURE].paragraph_format.keep_with_next


def test_straight_quotes_around_chinese_print_as_chinese_quotes():
    assert clean_text('"三公"经费变动率') == "“三公”经费变动率"
    assert clean_text('报告写作"500 多人次"') == "报告写作“500 多人次”"
    assert clean_text('say "hi"') == 'say "hi"' and clean_text('长 5"') == '长 5"'


# ---------------------------------------------------------------- data is never template code

HOSTILE = "A&B<C>\"q'{{ 7*7 }}{% if true %}X{% endif %}{_{ y }_}{%p if x %}]]>"


def test_hostile_text_prints_literally():
    ds = dataset(department={"name": HOSTILE, "year": 2024},
                 expenditure={"total": {"actual": 10}, "project": {"actual": 10}},
                 projects=[{"name": HOSTILE, "actual": 10, "purpose": HOSTILE}],
                 key_tasks=[{"name": HOSTILE, "target": 1, "actual": 1, "note": HOSTILE}],
                 narrative={"other": [HOSTILE, "{{ title }}"]})
    data = report_bytes(evaluation(ds))
    all_text = texts(data)
    assert f"1.{HOSTILE}" in all_text and "2.{{ title }}" in all_text
    assert HOSTILE in all_text                     # table cells
    assert not any("49" in t for t in all_text)   # {{ 7*7 }} was not evaluated
    d = docx.Document(io.BytesIO(data))
    assert d.core_properties.title.startswith(f"2024年度{HOSTILE}")
    with zipfile.ZipFile(io.BytesIO(data)) as z:   # the XML stays well-formed
        from lxml import etree
        etree.fromstring(z.read("word/document.xml"))


def test_control_characters_and_line_breaks_are_cleaned():
    assert clean_text("甲\n乙\r\n丙\t丁\x01戊\ufffe\x0b己") == "甲 乙 丙 丁戊 己"
    ds = dataset(department={"name": "某局", "year": 2024},
                 narrative={"other": ["第一行\n第二行\x07"]})
    assert "第一行 第二行" in texts(report_bytes(evaluation(ds)))


# ---------------------------------------------------------------- files


def test_report_filename(example_ds):
    assert report_filename(example_ds) == "安化县总工会_2023_部门整体支出绩效自评报告.docx"
    ds = dataset(department={"name": 'a/b\\c:d*e?f"g<h>i|j', "year": 2024})
    assert report_filename(ds) == "a_b_c_d_e_f_g_h_i_j_2024_部门整体支出绩效自评报告.docx"
    assert report_filename(dataset()) == "未填单位名称_未填年度_部门整体支出绩效自评报告.docx"


def test_write_report_default_name_and_no_overwrite(tmp_path, example_ds):
    out = write_report(evaluation(example_ds, findings=[]), None, default_dir=tmp_path)
    assert out == tmp_path / report_filename(example_ds)
    first = out.read_bytes()
    with pytest.raises(OutputError, match="文件已存在"):
        write_report(evaluation(example_ds, findings=[]), None, default_dir=tmp_path)
    assert out.read_bytes() == first
    again = write_report(evaluation(example_ds, findings=[]), out, force=True)
    assert again == out and out.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]   # no temp files left


def test_write_report_into_a_folder(tmp_path, example_ds):
    out = write_report(evaluation(example_ds, findings=[]), tmp_path)
    assert out.parent == tmp_path and out.name == report_filename(example_ds)
    assert write_report(evaluation(example_ds, findings=[]), tmp_path / "报告") == tmp_path / "报告.docx"


def test_the_report_of_an_evaluation_shows_its_findings(tmp_path, example_ds):
    out = write_report(evaluate(example_ds), tmp_path / "r.docx")
    assert "【待补充：超额原因】" in "\n".join(texts(out.read_bytes()))


def test_interrupted_render_leaves_nothing(tmp_path, example_ds, monkeypatch):
    from xlpkg.report import render as docx_render

    def boom(*a, **k):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(docx_render, "render_report", boom)
    with pytest.raises(RuntimeError):
        write_report(evaluation(example_ds, findings=[]), tmp_path / "r.docx")
    assert list(tmp_path.iterdir()) == []


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "r.docx"
    assert main(["report", str(EXAMPLE), "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("已生成报告")
    # it ends with the counts: errors, warnings and the gap markers the report wrote
    errors, warnings, gaps = (int(x) for x in
                              __import__("re").fullmatch(r"(\d+) 个错误、(\d+) 个警告、(\d+) 处待补充",
                                                         printed[-1]).groups())
    assert errors == 2 and warnings > 0
    assert gaps == "\n".join(texts(out.read_bytes())).count("【待补充：")
    before = out.read_bytes()
    items = body_items(before)
    assert [t for s, t in items if s == "Heading 1"] == HEADINGS
    text = "\n".join(t for _, t in items)
    assert all(sentence in text for sentence in AUDIT)
    assert main(["report", str(EXAMPLE), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "文件已存在" in err and "--force" in err
    assert out.read_bytes() == before
    assert main(["report", str(EXAMPLE), "-o", str(out), "--force", "--with-findings"]) == 0
    assert "数据校验结果" in "\n".join(texts(out.read_bytes()))
    listed = capsys.readouterr().out
    assert "七、存在的问题及原因分析 “帮助困难职工”：【待补充：超额原因】" in listed
    assert main(["report", str(EXAMPLE), "-o", str(out), "--force", "--strict"]) == 1


def test_cli_report_default_name_in_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(EXAMPLE)]) == 0
    assert (tmp_path / "安化县总工会_2023_部门整体支出绩效自评报告.docx").exists()


def test_json_input_gives_the_same_text(tmp_path):
    import json

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    src = tmp_path / "anhua.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "j.docx")]) == 0
    assert main(["report", str(EXAMPLE), "-o", str(tmp_path / "y.docx")]) == 0
    assert texts((tmp_path / "j.docx").read_bytes()) == texts((tmp_path / "y.docx").read_bytes())


def test_charts_are_embedded_only_when_asked(example_ds, example_report):
    pytest.importorskip("matplotlib")
    data = report_bytes(evaluation(example_ds, findings=[]), charts=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    text = texts(data)
    assert "图1  2023年度财政拨款支出结构（占比基数：财政拨款支出合计）" in text
    assert "图2  2023年度财政拨款支出与上年对比（单位：万元）" in text
    with zipfile.ZipFile(io.BytesIO(example_report)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_default_path_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = ("import sys, xlpkg.report.render as r; "
            "print(sorted(m for m in ('docxtpl', 'matplotlib', 'pandas', 'jinja2', 'openpyxl')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_decimal_amounts_with_many_places_round_half_up():
    ds = dataset(department={"name": "某局", "year": 2024},
                 expenditure={"total": {"actual": D("100.005")}, "basic": {"actual": 100}})
    assert "财政拨款支出100.01万元" in "\n".join(texts(report_bytes(evaluation(ds))))


def test_module_runs_as_script_target(tmp_path):
    path = T.write_template(tmp_path / "t.docx")
    assert Path(path).read_bytes() == T.build_template()


# ---------------------------------------------------------------- truth marks: comments, gaps


def _comments(data: bytes) -> dict[str, tuple[str, str]]:
    """comment id → (the text it is anchored on, the comment's text)."""
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        comments = z.read("word/comments.xml").decode()
        body = z.read("word/document.xml").decode()
    text = {m.group(1): "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", m.group(2)))
            for m in re.finditer(r'<w:comment w:id="(\d+)"[^>]*>(.*?)</w:comment>', comments,
                                 re.DOTALL)}
    anchors = {m.group(1): "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", m.group(2)))
               for m in re.finditer(r'<w:commentRangeStart w:id="(\d+)"/>(.*?)'
                                    r'<w:commentRangeEnd', body, re.DOTALL)}
    return {k: (anchors.get(k, ""), v) for k, v in text.items()}


def test_a_contradicted_figure_carries_a_comment_with_its_cells():
    from xlpkg.core.model import from_mapping

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    ds = from_mapping(data, cells={"exp_personnel_actual": "支出情况!F6",
                                   "tbl_econ[301].actual": "经济分类!D3"})
    comments = _comments(report_bytes(evaluation(ds)))
    on_personnel = [c for anchor, c in comments.values() if anchor.startswith("265.50")]
    assert len(on_personnel) == 2          # 表1 and the sentence of 二（一）
    assert all("301+303" in c and "支出情况!F6、经济分类!D3" in c and c.startswith("【错误】")
               for c in on_personnel)
    # the department's 无偏离 stays as typed, with a comment in the margin
    claim = [c for anchor, c in comments.values() if "无偏离" in anchor]
    assert len(claim) == 1 and claim[0].startswith("【警告】文字内容称")


def test_gap_markers_are_highlighted(example_report):
    d = docx.Document(io.BytesIO(example_report))
    runs = [r for p in d.paragraphs for r in p.runs if r.text.startswith("【待补充：")]
    assert runs and all(r.font.highlight_color is not None for r in runs)
    assert not [r for p in d.paragraphs for r in p.runs
                if r.font.highlight_color is not None and not r.text.startswith("【待补充：")]


def test_body_lines_hold_28_characters(template_doc):
    # GB/T 9704: 28 characters to the 156 mm line; 3号 is condensed to fit
    for name in (T.BODY, "Heading 1", "Heading 2", "Heading 3"):
        spacing = template_doc.styles[name].element.rPr.find(qn("w:spacing"))
        pitch = T.SIZE_3 + int(spacing.get(qn("w:val"))) / 20
        width = T.TEXT_WIDTH / 25.4 * 72
        assert 28 * pitch <= width < 29 * pitch, name
    assert template_doc.styles[T.CELL].element.rPr.find(qn("w:spacing")) is None


def test_page_number_sits_7mm_below_the_text(template_doc):
    s = template_doc.sections[0]
    # the footer line (4号, about 6 mm high incl. leading) ends at the footer distance
    gap = s.bottom_margin.mm - s.footer_distance.mm - 6
    assert 6.5 <= gap <= 7.5


def test_no_cjk_font_no_chart_and_a_message(example_ds, monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from xlpkg.report import charts

    monkeypatch.setattr(charts, "cjk_font_available", lambda: False)
    assert "未找到中文字体" in charts.unavailable()
    data = report_bytes(evaluation(example_ds, findings=[]), charts=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
    assert main(["report", str(EXAMPLE), "-o", str(tmp_path / "r.docx"), "--charts"]) == 0
    assert "未找到中文字体" in capsys.readouterr().err
