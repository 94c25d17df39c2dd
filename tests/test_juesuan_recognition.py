"""Recognition by content on small in-memory grids: labels, titles, header paths, panes, codes."""

from decimal import Decimal as D

import pytest

from xlpkg.juesuan.grid import Grid
from xlpkg.juesuan.segment import find_tables
from xlpkg.juesuan.text import amount, label, norm, split_code


@pytest.mark.parametrize("raw, want", [
    ("合 计", "合计"), ("一、一般公共预算财政拨款收入", "一般公共预算财政拨款收入"),
    ("（一）基本工资", "基本工资"), ("其中：公务用车购置费", "公务用车购置费"),
    ("十二、农林水支出", "农林水支出"), ("２、公务接待费", "公务接待费"),
    ("“三公”经费合计", "三公经费合计"), ("使用非财政拨款结余（含专用结余）", "使用非财政拨款结余(含专用结余)"),
])
def test_row_labels_are_normalised(raw, want):
    assert label(raw) == want


def test_amounts_yuan_to_wanyuan_exactly_and_blanks():
    assert amount(29400500, 10000) == D("2940.05")
    assert amount("29,400,500.00", 10000) == D("2940.05")
    assert amount(123456, 10000) == D("12.3456")       # never rounded away
    assert amount("2,940.05", 1) == D("2940.05")
    assert amount("—", 1) is None and amount("", 1) is None and amount(None, 1) is None
    assert amount("0.00", 1) == D("0.00")
    assert split_code(norm("2010601 行政运行")) == ("2010601", "行政运行")


def grid(rows, merged=()):
    return Grid("f.xlsx", "S", [list(r) for r in rows], list(merged))


def test_title_below_a_document_title_with_a_tag_on_the_next_row():
    g = grid([["某局2024年度部门决算"], [], ["一般公共预算财政拨款支出决算表"], ["公开05表"],
              [None, None, None, None, "单位：万元"],
              ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
              [None, "合计", 3, 2, 1], ["201", "一般公共服务支出", 3, 2, 1]])
    tables, findings = find_tables(g)
    assert findings == []
    (t,) = tables
    assert t.kind.key == "gpb" and t.where == "f.xlsx!S!A3" and t.tag == "公开05表"
    assert t.unit == 1
    (pane,) = t.panes
    assert [c.key for c in pane.columns] == ["合计", "基本支出", "项目支出"]
    assert [(i.label, i.code) for i in pane.items] == [("合计", None), ("一般公共服务支出", "201")]


def test_unmerged_group_headings_fill_rightwards_into_paths():
    g = grid([["“三公”经费支出决算表"], ["单位：万元"],
              ["合计", None, "因公出国（境）费", None, "公务用车购置及运行费", None, None, None, None,
               None, "公务接待费", None],
              [None, None, None, None, "小计", None, "购置费", None, "运行费", None, None, None],
              ["预算数", "决算数"] * 6, [1] * 12])
    (t,), _ = find_tables(g)
    keys = [c.key for c in t.panes[0].columns]
    assert keys[1] == "合计/决算数"
    assert keys[5] == "公务用车购置及运行费/小计/决算数"
    assert keys[7] == "公务用车购置及运行费/购置费/决算数"
    assert keys[10] == "公务接待费/预算数"


def test_split_codes_inherit_a_blank_parent_and_wrapped_names_join():
    g = grid([["一般公共预算财政拨款基本支出决算表"], ["单位：万元"],
              ["经济分类科目编码", None, "科目名称", "决算数"], ["类", "款", None, None],
              ["301", None, "工资福利支出", 3], [None, "01", "基本工资", 3],
              ["302", None, "商品和服务", 1], [None, None, "支出", None],
              [None, None, "人员经费合计", 3]], merged=[((2, 0), (2, 1))])
    (t,), _ = find_tables(g)
    items = t.panes[0].items
    assert [(i.code, i.label) for i in items[:3]] == [("301", "工资福利支出"), ("30101", "基本工资"),
                                                     ("302", "商品和服务支出")]


def test_a_title_without_its_content_is_a_finding_not_a_table():
    g = grid([["收入支出决算总表"], ["单位：万元"], ["项目", "金额"], ["张三", 1]])
    tables, findings = find_tables(g)
    assert tables == [] and findings[0].code == "IMPORT_UNCONFIRMED_TABLE"
    assert findings[0].cells == ("f.xlsx!S!A1",)


def test_a_narrative_sentence_naming_a_table_is_not_a_title():
    g = grid([["本部门2024年度收入支出决算总表详见附件，单位为万元。"]])
    assert find_tables(g) == ([], [])


def test_a_table_of_contents_is_not_a_set_of_tables():
    g = grid([["目录"], ["一、收入支出决算总表"], ["二、收入决算表"], ["三、支出决算表"],
              ["七、财政拨款“三公”经费支出决算表"]])
    assert find_tables(g) == ([], [])
