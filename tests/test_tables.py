"""``xlpkg tables``: the 基础数据表, 自评表 and 项目支出绩效自评表 grids (blanks stay blank,
missing scores 待评分) and the printable workbook (A4, fitted to width, header rows repeated)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from support import EXAMPLE, ROOT, dataset

from xlpkg.cli import main
from xlpkg.core.scoring import score
from xlpkg.read.inputs import load_input
from xlpkg.read.rules_file import load_rules
from xlpkg.tables.rows import base_data_table, project_table, scoresheet_table, submission_tables
from xlpkg.tables.xlsx import tables_bytes

WAGES = ROOT / "examples" / "project-wages-2023.yaml"


def by_label(table, label):
    """The texts of the row whose first cell is ``label`` (stripped)."""
    for row in table.rows:
        if row[0].text.strip() == label:
            return [c.text for c in row]
    raise KeyError(label)


def test_base_data_prints_what_is_stated_and_leaves_blanks_blank():
    ds = dataset(department={"name": "某局", "year": 2024, "staff_authorized": 20,
                             "staff_actual": 18},
                 expenditure={"total": {"prior": 100, "budget_final": 120, "actual": "110.5"},
                              "public": {"actual": 9}},
                 projects=[{"name": "甲项目", "budget_final": 30, "actual": 28}],
                 outlays={"vehicle_purchase": {"budget": 0, "actual": 0},
                          "vehicle_operation": {"budget": 2, "actual": "1.5"},
                          "reception": {"prior": 1}})
    t = base_data_table(ds)
    assert t.title == "2024年度某局部门整体支出绩效评价基础数据表"
    assert by_label(t, "部门整体支出总额")[1:6:2] == ["100.00", "120.00", "110.50"]
    assert by_label(t, "其中：公用经费")[1:6:2] == ["", "", "9.00"]        # blank, never 0
    assert by_label(t, "1. 甲项目")[1:6:2] == ["", "30.00", "28.00"]
    # 购置和维护 = 购置 + 运行维护 only where both are stated
    assert by_label(t, "1. 公务用车购置和维护经费")[1:6:2] == ["", "2.00", "1.50"]
    assert by_label(t, "3. 公务接待")[1:6:2] == ["1.00", "", ""]
    staff = t.rows[1]
    assert [staff[1].text, staff[3].text, staff[5].text] == ["20", "18", "90.00%"]
    header = t.rows[t.header_rows[0]]
    assert [header[1].text, header[3].text, header[5].text] == [
        "2023年决算数", "2024年预算数", "2024年决算数"]
    assert t.info_left == "填报单位：某局" and t.info_right == "单位：万元"


def test_scoresheet_table_shows_pending_and_no_grade_until_scored():
    ds = load_input(EXAMPLE)
    sheet = score(ds, load_rules())
    t = scoresheet_table(ds, sheet)
    assert [c.text for c in t.rows[0]] == ["一级指标", "二级指标", "三级指标", "分值", "评分标准",
                                          "年度指标值", "实际完成值", "得分", "扣分原因/偏差说明"]
    scores = t.column_texts(7)[1:-1]
    assert scores.count("待评分") == 24 and "0.00" not in scores
    total = t.rows[-1]
    assert total[0].text == "合计" and total[3].text == "100" and total[7].text == "待评分"
    assert total[8].text == "24 项指标待评分，暂不定级"
    assert any(n.startswith("待评分：绩效目标合理性") for n in t.notes)
    assert t.notes[0].startswith("评分规则：湖南省")
    # 一级指标 merged over its rows (投入: the first 5), text only in the first
    level1 = t.column_texts(0)[1:-1]
    assert level1[:6] == ["投入", "", "", "", "", "过程"]
    assert (1, 0, 5, 0) in t.merges


def test_scoresheet_table_has_the_total_and_grade_once_all_are_scored():
    rules = load_rules()
    names = score(dataset(department={"name": "某局"}), rules).pending
    ds = dataset(department={"name": "某局", "year": 2023},
                 self_scores=[{"indicator": n, "score": 1} for n in names])
    sheet = score(ds, rules)
    assert names and not sheet.pending
    total = scoresheet_table(ds, sheet).rows[-1]
    assert total[7].value == sheet.total and total[8].text == f"等级：{sheet.grade}"


def test_the_wages_project_table():
    ds = load_input(WAGES)
    sheet = score(ds, load_rules())
    (t,) = [project_table(ds, p) for p in sheet.projects]
    assert t.title == "项目支出绩效自评表" and t.subtitle == "（2023年度）"
    assert t.rows[0][2].text == "工资性支出"
    funds = [c.text for c in t.rows[2]]
    assert funds[1:8] == ["年度资金总额", "238.93", "251.89", "251.89", "10", "100.00%", "10.00"]
    head = t.header_rows[0]
    assert [c.text for c in t.rows[head]][1:] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "偏差原因分析及改进措施"]
    rows = [[c.text for c in r] for r in t.rows[head + 1:-1]]
    assert rows[0][3:8] == ["发放(缴纳)覆盖率", "≥100%", "100%", "60", "60.00"]
    assert rows[1][3:9] == ["足额保障率(参保率)", "≥100%", "98%", "30", "29.40", ""]
    total = [c.text for c in t.rows[-1]]
    assert total[0] == "总分" and total[6:9] == ["100", "99.40", "自评等级：优"]
    assert t.rows[4][1].text == "" and t.rows[4][5].text == ""    # 目标 not stated: blank
    assert any("偏差原因未填" in n for n in t.notes)


def test_a_project_without_indicators_says_so_and_is_not_graded():
    ds = dataset(department={"name": "某局", "year": 2023},
                 projects=[{"name": "乙", "actual": 5}])
    (p,) = score(ds, load_rules()).projects
    t = project_table(ds, p)
    texts = [c.text for r in t.rows for c in r]
    assert "（未填绩效指标）" in texts and "待评分" in texts
    assert t.rows[-1][8].text == "1 项指标待评分，暂不定级"


def test_the_workbook_prints_on_a4_with_repeated_headers():
    ds = load_input(EXAMPLE)
    tables = submission_tables(ds, score(ds, load_rules()))
    book = openpyxl.load_workbook(io.BytesIO(tables_bytes(tables)))
    assert book.sheetnames == ["基础数据表", "部门整体支出绩效自评表", "项目1-困难职工救助基金",
                               "项目2-劳模管理工作经费", "项目3-劳动竞赛工作经费",
                               "项目4-乡村振兴驻村帮扶工作队员经费"]
    for ws, t in zip(book.worksheets, tables):
        assert ws.page_setup.paperSize == 9
        assert ws.page_setup.orientation == ("landscape" if t.landscape else "portrait")
        # fit to one page wide (1 is the default, so it may be left out), any number high
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.oddFooter.center.text
        assert ws.merged_cells.ranges
    sheet = book["部门整体支出绩效自评表"]
    assert sheet["A1"].value == "2023年度安化县总工会部门整体支出绩效自评表"
    base = book["基础数据表"]
    values = {c.value for row in base.iter_rows() for c in row}
    assert 314.12 in values and 0.0 in values     # stated zeros (出国经费) stay 0 ...
    total_row = next(r for r in base.iter_rows() if r[0].value == "部门整体支出总额")
    assert total_row[1].value is None             # ... an unstated prior stays empty
    assert total_row[1].border.left.style == "thin"


def test_cli_writes_once_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "报表.xlsx"
    assert main(["tables", str(WAGES), "-o", str(out)]) == 0
    assert "已生成表格" in capsys.readouterr().out and out.stat().st_size > 0
    before = out.read_bytes()
    assert main(["tables", str(WAGES), "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == before
    assert main(["tables", str(WAGES), "-o", str(out), "--force"]) == 0
    assert main(["tables", str(WAGES), "-o", str(tmp_path / "无扩展名")]) == 0
    assert (tmp_path / "无扩展名.xlsx").is_file()


@pytest.mark.parametrize("name", ["项目[1]:a/b", "很" * 40])
def test_sheet_names_are_legal(name):
    ds = dataset(department={"name": "某局", "year": 2023},
                 projects=[{"name": name, "actual": 1}, {"name": name, "actual": 2}])
    tables = submission_tables(ds, score(ds, load_rules()))
    book = openpyxl.load_workbook(io.BytesIO(tables_bytes(tables)))
    assert len(book.sheetnames) == 4 and all(len(n) <= 31 for n in book.sheetnames)
    assert not any(ch in n for n in book.sheetnames for ch in "[]:*?/\\")
    assert len({n.lower() for n in book.sheetnames}) == 4


# ---------------------------------------------------------------- print layout


def _long_table(rows=80, label_rows=None):
    """A table with a one-column label merged over ``label_rows`` (all) data rows."""
    from xlpkg.tables.grid import Cell, Column, PrintTable

    label_rows = label_rows or rows
    body = [(Cell("甲" if r == 0 else ""), Cell(f"第{r + 1}行")) for r in range(rows)]
    return PrintTable(sheet="长表", title="长表", columns=(Column(10), Column(40)),
                      rows=((Cell("一级", head=True), Cell("三级", head=True)), *body),
                      header_rows=(0, 0), merges=((1, 0, label_rows, 0),))


def _breaks(ws):
    """1-based rows after which a page ends."""
    return [b.id for b in ws.row_breaks.brk]


def test_a_label_cut_by_a_page_break_is_printed_again_on_the_next_page():
    ws = openpyxl.load_workbook(io.BytesIO(tables_bytes([_long_table()])))["长表"]
    breaks = _breaks(ws)
    assert breaks, "80 rows of 20 pt do not fit one A4 page"
    labels = [m for m in ws.merged_cells.ranges if m.min_col == m.max_col == 1]
    for b in breaks:
        assert ws.cell(b + 1, 1).value == "甲"          # the first row of the next page
        assert not any(m.min_row <= b < m.max_row for m in labels), b
    assert ws.print_title_rows == "$3:$3"                # the header row, on every page
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_breaks_keep_short_merges_whole_and_the_header_with_a_row():
    from xlpkg.tables.grid import Cell, Column, PrintTable
    from xlpkg.tables.xlsx import page_breaks

    rows = ((Cell("头", head=True), Cell("头", head=True)),) + tuple(
        (Cell(str(r)), Cell(str(r))) for r in range(1, 11))
    pairs = tuple((r, 0, r + 1, 0) for r in range(1, 11, 2))     # 1-2, 3-4, … glued
    t = PrintTable(sheet="s", title="t", columns=(Column(5), Column(5)), rows=rows,
                   header_rows=(0, 0), merges=pairs)
    heights = [10.0] * len(rows)
    breaks = page_breaks(t, heights, lead=0.0, room=35.0)
    assert breaks and all(b % 2 == 1 for b in breaks)             # only before a pair
    assert page_breaks(t, heights, lead=30.0, room=35.0)[0] >= 2  # never header alone


def test_numbers_keep_off_the_border_and_fit_their_column():
    ds = load_input(WAGES)
    tables = submission_tables(ds, score(ds, load_rules()))
    book = openpyxl.load_workbook(io.BytesIO(tables_bytes(tables)))
    ws = book.worksheets[-1]
    rate = next(c for row in ws.iter_rows() for c in row if c.value == 1 and
                c.number_format.startswith("0.00%"))
    # 100.00% would show as ##### in a column narrower than the number
    assert ws.column_dimensions[rate.column_letter].width >= len("100.00%") + 2
    amount = next(c for row in ws.iter_rows() for c in row if c.value == 251.89)
    assert amount.number_format == "0.00_ " and not amount.alignment.indent
    assert amount.alignment.horizontal == "right"


def test_each_table_numbers_its_own_pages():
    ds = load_input(WAGES)
    tables = submission_tables(ds, score(ds, load_rules()))
    for ws in openpyxl.load_workbook(io.BytesIO(tables_bytes(tables))).worksheets:
        assert ws.oddFooter.center.text == "第 &P 页"      # no 共 &N 页: the whole file there
        assert ws.page_setup.useFirstPageNumber and ws.page_setup.firstPageNumber in (None, 1)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils is not installed")
def test_the_tables_print_on_a4_with_headers_and_labels_on_every_page(tmp_path):
    ds = load_input(EXAMPLE)
    tables = submission_tables(ds, score(ds, load_rules()))
    book = tmp_path / "表格.xlsx"
    book.write_bytes(tables_bytes(tables))
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "表格.pdf"
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout.split("\f")[:-1]
    pages = ["".join(p.split()) for p in layout]
    first_lines = ["".join(next(line for line in p.splitlines() if line.strip()).split())
                   for p in layout]
    ws = openpyxl.load_workbook(book)["部门整体支出绩效自评表"]
    breaks = _breaks(ws)
    assert breaks                                        # the 自评表 takes more than a page
    sheet_pages = [i for i, p in enumerate(pages) if "评分标准" in p]
    assert len(sheet_pages) == len(breaks) + 1
    for i, b in zip(sheet_pages[1:], breaks):
        assert first_lines[i].startswith("一级指标二级指标三级指标")   # the header, again
        assert ws.cell(b + 1, 1).value in pages[i]      # its 一级指标, again
    assert [p for p in pages if p.endswith("第1页")] and not any("共" in p[-8:] for p in pages)
    assert "填报单位：安化县总工会" in pages[0] and "单位：万元" in pages[0]
    assert "填报日期" in pages[0]
    sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True,
                           text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)
    assert len(sizes) == len(pages)
    assert all(sorted(map(float, s)) == [595.28, 841.89] or
               sorted(round(float(x)) for x in s) == [595, 842] for s in sizes)
