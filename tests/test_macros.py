"""The button macros, run against a fake xlwings Book holding a filled template.

No Excel here: ``fake_xlwings`` mimics the xlwings calls the macros make (a
protected sheet refuses format changes, as Excel does). Every test also checks
the book was never saved or closed.
"""

from __future__ import annotations

import copy
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from fake_xlwings import Book, ComError, book_from_file
from support import EXAMPLE

from xlpkg.core.model import from_mapping
from xlpkg.excel import macros
from xlpkg.read.data_file import read_mapping
from xlpkg.workbook.build import fill_workbook

INPUT_YELLOW = (255, 242, 204)


@pytest.fixture(scope="module")
def template_book(tmp_path_factory) -> Book:
    path = tmp_path_factory.mktemp("book") / "安化.xlsm"
    fill_workbook(from_mapping(read_mapping(EXAMPLE)), path)
    return book_from_file(path)


@pytest.fixture
def book(template_book, tmp_path) -> Book:
    b = copy.deepcopy(template_book)
    b.fullname = str(tmp_path / "安化.xlsm")
    yield b
    assert b.forbidden == [], "a macro saved or closed the book"


def rows_below(book: Book, name: str, width: int) -> list[list]:
    anchor = book.names[name].refers_to_range
    sheet = anchor.sheet
    out = []
    r = anchor.row
    while any((r, c) in sheet.values for c in range(anchor.column, anchor.column + width)):
        out.append([sheet.values.get((r, c)) for c in range(anchor.column, anchor.column + width)])
        r += 1
    return out


def last_alert(book: Book) -> dict:
    return book.app.alerts[-1]


# ---------------------------------------------------------------- 校验数据


def test_run_checks_lists_findings_with_links_below_the_anchor(book):
    findings = macros.run_checks_on(book)
    rows = rows_below(book, "checks_anchor", 4)
    assert rows[0][0] == "汇总" and "2 个错误，4 个警告，10 个提示" in rows[0][2]
    assert len(rows) == len(findings) + 1
    assert [r[0] for r in rows[1:3]] == ["错误", "错误"]           # errors first
    assert rows[1][1] == "SUM_MISMATCH" and rows[1][2].startswith("人员经费 265.50 万元")
    assert rows[1][3] == ('=HYPERLINK("#\'收支情况\'!E12",'
                          '"收支情况!E12、经济分类!D7、经济分类!D9")')
    sheet = book.sheets["校验结果"]
    anchor = book.names["checks_anchor"].refers_to_range
    assert sheet.values[(anchor.row - 1, 1)] == "级别"             # the header stays
    assert sum(w.startswith("校验结果!A") for w in book.writes) == 1   # one write for all rows
    alert = last_alert(book)
    assert alert["mode"] == "info" and "2 个错误，4 个警告" in alert["prompt"]


def test_offending_cells_are_coloured_and_restored_on_the_next_run(book):
    budget, tasks = book.sheets["收支情况"], book.sheets["重点工作"]
    budget.colors[(12, 5)] = INPUT_YELLOW           # 人员经费 本年决算数, an input cell
    flags_before = vars(budget.api.Protection).copy()
    first = len(macros.run_checks_on(book))
    assert budget.colors[(12, 5)] == macros.ERROR_FILL
    assert tasks.colors[(7, 6)] == macros.WARNING_FILL            # 实际值 missing
    assert budget.api.ProtectContents and vars(budget.api.Protection) == flags_before
    assert (14, 5) not in budget.colors                           # info only: not coloured

    # fix the figures, run again: the colour before the first run comes back
    budget.values[(12, 5)] = 277.5
    budget.values[(13, 5)] = 20.67
    macros.run_checks_on(book)
    assert budget.colors[(12, 5)] == INPUT_YELLOW
    assert (13, 5) not in budget.colors
    assert tasks.colors[(7, 6)] == macros.WARNING_FILL
    rows = rows_below(book, "checks_anchor", 4)
    assert "0 个错误" in rows[0][2] and "错误" not in [r[0] for r in rows]
    anchor = book.names["checks_anchor"].refers_to_range
    leftover = [(r, c) for r in range(anchor.row + len(rows), anchor.row + first + 2)
                for c in range(1, 5) if (r, c) in book.sheets["校验结果"].values]
    assert len(rows) < first + 1 and leftover == []            # the longer old list is gone


def test_a_password_protected_sheet_is_left_alone(book):
    budget = book.sheets["收支情况"]
    budget.api.password = "秘密"
    macros.run_checks_on(book)
    assert budget.colors == {} and budget.api.ProtectContents
    assert "收支情况" in last_alert(book)["prompt"] and "密码" in last_alert(book)["prompt"]
    assert book.sheets["经济分类"].colors                          # the others are marked


def test_no_problems_says_so(book):
    budget = book.sheets["收支情况"]
    budget.values[(12, 5)] = 277.5
    budget.values[(13, 5)] = 20.67
    for name in ("文字内容", "重点工作"):          # drop the rows below the headers
        values = book.sheets[name].values
        for key in [k for k in values if k[0] > 3]:
            del values[key]
    findings = macros.run_checks_on(book)
    assert all(f.severity == "info" for f in findings)
    assert "0 个错误，0 个警告" in last_alert(book)["prompt"]


def test_a_book_without_the_anchor_gets_a_chinese_alert(book):
    book.names.remove(book.names["checks_anchor"])
    assert macros.run_checks_on(book) is None
    alert = last_alert(book)
    assert alert["mode"] == "critical" and "checks_anchor" in alert["prompt"]
    assert "xlpkg fill" in alert["prompt"]


def test_a_book_that_is_no_xlpkg_workbook_gets_a_chinese_alert():
    book = Book("/tmp/别的.xlsx")
    book.add_sheet("Sheet1").values[(1, 1)] = 1
    assert macros.run_checks_on(book) is None
    assert "不是 xlpkg 工作簿" in last_alert(book)["prompt"]


def test_an_unexpected_failure_is_an_alert_not_a_traceback(book, capsys):
    class Broken(list):
        def __iter__(self):
            raise ComError("RPC 服务器不可用")

    book.names = Broken()
    assert macros.run_checks_on(book) is None
    alert = last_alert(book)
    assert alert["mode"] == "critical" and "处理失败" in alert["prompt"]
    assert "ComError" in alert["prompt"]


def test_the_link_escapes_sheet_names():
    link = macros._link(["Bob's \"表\"!C3", "其他!A1"])
    assert link == '=HYPERLINK("#\'Bob\'\'s ""表""\'!C3","Bob\'s ""表""!C3、其他!A1")'
    assert macros._link([]) == ""
    assert len(macros._link([f"表{i}!A{i}" for i in range(200)])) < 600


# ---------------------------------------------------------------- 生成报告


def test_export_report_writes_beside_the_book_and_never_overwrites(book, tmp_path):
    first = macros.export_report_on(book)
    second = macros.export_report_on(book)
    assert first == tmp_path / "安化县总工会_2023_部门整体支出绩效自评报告.docx"
    assert second == tmp_path / "安化县总工会_2023_部门整体支出绩效自评报告(2).docx"
    with zipfile.ZipFile(second) as z:
        assert "安化县总工会" in z.read("word/document.xml").decode("utf-8")
    alert = last_alert(book)
    assert str(second) in alert["prompt"] and "2 个错误、4 个警告" in alert["prompt"]


@pytest.mark.parametrize("fullname, words", [
    ("工作簿1", "还没有保存"), ("https://contoso.sharepoint.com/安化.xlsm", "OneDrive")])
def test_export_report_needs_a_saved_local_book(book, fullname, words, tmp_path):
    book.fullname = fullname
    assert macros.export_report_on(book) is None
    assert words in last_alert(book)["prompt"]
    assert list(tmp_path.glob("*.docx")) == []


# ---------------------------------------------------------------- 更新自评表


def test_update_scores_writes_the_scoresheet_in_one_write(book):
    anchor = book.names["scoresheet_anchor"].refers_to_range
    sheet = anchor.sheet
    for r in range(anchor.row, anchor.row + 80):      # an older, longer table
        sheet.values[(r, 3)] = "旧"
    result = macros.update_scores_on(book)
    rows = rows_below(book, "scoresheet_anchor", 8)
    assert len(rows) == len(result.indicators) + 1 + len(result.remarks)
    first = result.indicators[0]
    assert rows[0][:4] == [first.level1, first.level2, first.name, int(first.weight)]
    assert rows[len(result.indicators)][0] == "合计"
    if result.total is None:                          # self scores missing: no total, no grade
        assert rows[len(result.indicators)][6] == "待评分"
        assert "暂不定级" in rows[len(result.indicators)][7]
        pending = [r for r, s in zip(rows, result.indicators) if s.score is None]
        assert pending and all(r[6] == "待评分" for r in pending)
        assert "暂不定级" in last_alert(book)["prompt"]
    else:
        assert Decimal(str(rows[len(result.indicators)][6])) == result.total
        assert f"等级：{result.grade}" in rows[len(result.indicators)][7]
        assert str(result.total) in last_alert(book)["prompt"]
    assert "旧" not in [sheet.values.get((r, 3)) for r in range(anchor.row, anchor.row + 80)]
    assert sum(w.startswith(f"{sheet.name}!") for w in book.writes) == 1


def test_scoresheet_rows_show_values_as_the_report_does():
    from xlpkg.core.scoring import score
    from xlpkg.read.rules_file import load_rules

    data = read_mapping(EXAMPLE)
    data["expenditure"]["total"]["budget_final"] = 320
    sheet = score(from_mapping(data), load_rules(None))
    rows = macros.scoresheet_rows(sheet)
    with_value = next(s for s in sheet.indicators if s.value is not None)
    row = rows[sheet.indicators.index(with_value)]
    assert row[5] == with_value.value_text and row[5].endswith("%")
    assert all(isinstance(r[3], (int, float)) for r in rows[:-1])


# ---------------------------------------------------------------- the buttons themselves


def test_the_buttons_use_the_calling_book(book, monkeypatch):
    import xlwings

    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: book))
    macros.run_checks()
    assert "校验完成" in last_alert(book)["prompt"]
    macros.update_scores()
    assert "自评表已更新" in last_alert(book)["prompt"]
    macros.export_report()
    assert "报告已生成" in last_alert(book)["prompt"]
    assert not any(a["mode"] == "critical" for a in book.app.alerts)
    assert Path(book.fullname).with_name(
        "安化县总工会_2023_部门整体支出绩效自评报告.docx").exists()


def test_every_button_of_the_vba_project_has_its_macro():
    import re

    from xlpkg.vba.modules import macros_source

    called = re.findall(r"m\.(\w+)\(\)", macros_source())
    assert called == ["run_checks", "export_report", "update_scores"]
    for name in called:
        assert callable(getattr(macros, name))
