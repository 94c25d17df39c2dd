"""The workbook reader: defined names and tables → Dataset with cells, saved and live.

Inputs are built here with XlsxWriter/openpyxl in a layout unlike the template
(renamed sheets, moved blocks): the reader must go by names and tables only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from fake_xlwings import Book, FakeError, book_from_file
from support import EXAMPLE
from workbook_factory import rewrite, write_book

from xlpkg.core import schema
from xlpkg.core.checks import run_checks
from xlpkg.core.model import from_mapping, to_mapping
from xlpkg.errors import InputError
from xlpkg.read import zip_safety
from xlpkg.read.cell_source import BadReference, parse_reference, split_a1
from xlpkg.read.data_file import read_mapping
from xlpkg.read.workbook_read import CONTRACT_NAMES, SCALAR_PATHS, read_book, read_workbook


@pytest.fixture(scope="module")
def example_data() -> dict:
    return read_mapping(EXAMPLE)


@pytest.fixture(scope="module")
def example_book(tmp_path_factory, example_data) -> Path:
    return write_book(tmp_path_factory.mktemp("wb") / "例子.xlsx", example_data,
                      scalar_sheet="Bob's 数据", table_sheet="明细 表")


def codes(ds, severity=None):
    return [f.code for f in ds.read_findings if severity in (None, f.severity)]


# ---------------------------------------------------------------- the contract's names


def test_scalar_paths_cover_every_defined_name_of_the_contract():
    from xlpkg.core.model import FIELD_LABELS

    assert set(SCALAR_PATHS) == set(FIELD_LABELS)
    assert len(CONTRACT_NAMES) == len(SCALAR_PATHS) + len(schema.TABLES)
    assert SCALAR_PATHS["exp_project_budget_final"] == ("expenditure", "project", "budget_final")
    assert SCALAR_PATHS["ssf_actual"] == ("other_budgets", "social_insurance")


@pytest.mark.parametrize("text, sheet, a1", [
    ("'收支 情况'!$E$12", "收支 情况", "E12"),
    ("=收支情况!$E$12", "收支情况", "E12"),
    ("'Bob''s'!B3", "Bob's", "B3"),
    ("Sheet1!$A$1:$C$1", "Sheet1", "A1:C1"),
])
def test_parse_reference(text, sheet, a1):
    got_sheet, rect = parse_reference(text)
    assert (got_sheet, rect.a1()) == (sheet, a1)


@pytest.mark.parametrize("text, reason", [
    ("#REF!", "#REF!"), ("'收支情况'!#REF!", "#REF!"), ("[1]Sheet1!$A$1", "其他工作簿"),
    ('="常量"', "不是单元格引用"), ("Sheet1!A:A", "不是单元格引用"), ("", "没有指向"),
    ("Sheet1!XFE1", "不是单元格引用"),
])
def test_parse_reference_refuses_what_is_not_one_block(text, reason):
    with pytest.raises(BadReference) as exc:
        parse_reference(text)
    assert reason in exc.value.reason


def test_split_a1():
    assert split_a1("$F$6") == (6, 6)
    assert split_a1("AA10") == (10, 27)
    with pytest.raises(ValueError):
        split_a1("A0")


# ---------------------------------------------------------------- saved files


def test_example_reads_back_exactly_with_cells(example_book, example_data):
    ds = read_workbook(example_book)
    assert to_mapping(ds) == to_mapping(from_mapping(example_data))
    assert ds.read_findings == ()
    assert ds.source == "例子.xlsx"
    # every value points at the cell it came from, in the sheet as named
    ws = openpyxl.load_workbook(example_book)
    for val in (ds.expenditure["personnel"].actual, ds.department.name,
                ds.economic_classification[1].actual, ds.key_tasks[4].actual,
                ds.projects[2].purpose, ds.narrative[-1].text):
        sheet, cell = val.cell.rsplit("!", 1)
        raw = ws[sheet][cell].value
        assert raw is not None
        assert str(raw).strip() == str(val.value) or Decimal(str(raw)) == val.value
    assert ds.expenditure["personnel"].actual.cell.startswith("Bob's 数据!C")
    assert ds.economic_classification[0].actual.field == "tbl_econ[301].actual"
    assert ds.key_tasks[0].comparator.value == "="        # written as the sign “=”
    assert ds.department.year.value == 2023


def test_findings_from_a_workbook_carry_sheet_and_cell(example_book):
    findings = run_checks(read_workbook(example_book))
    mismatch = next(f for f in findings if f.code == "SUM_MISMATCH")
    assert mismatch.fields[1:] == ("tbl_econ[301].actual", "tbl_econ[303].actual")
    assert len(mismatch.cells) == 3 and mismatch.cells[1].startswith("明细 表!")
    for f in findings:
        assert len(f.cells) == len(f.fields), f


def test_reading_never_modifies_the_file(example_book):
    before = (hashlib.sha256(example_book.read_bytes()).hexdigest(), example_book.stat().st_mtime_ns)
    read_workbook(example_book)
    after = (hashlib.sha256(example_book.read_bytes()).hexdigest(), example_book.stat().st_mtime_ns)
    assert before == after


def test_blank_rows_inside_tables_are_skipped_and_rows_numbered_without_them(tmp_path,
                                                                              example_data):
    path = write_book(tmp_path / "b.xlsx", example_data, blank_row_in=("tbl_projects",
                                                                       "tbl_tasks", "tbl_econ"))
    ds = read_workbook(path)
    assert to_mapping(ds) == to_mapping(from_mapping(example_data))
    assert [p.name.field for p in ds.projects] == [f"tbl_projects[{i}].name" for i in (1, 2, 3, 4)]
    # the third project sits below the blank row: its cell is one row further down
    rows = [int(p.name.cell.rsplit("!", 1)[1][1:]) for p in ds.projects]
    assert rows[2] - rows[1] == 2 and rows[1] - rows[0] == 1


def test_headers_are_found_by_name_in_any_order_and_with_a_unit(tmp_path, example_data):
    path = write_book(tmp_path / "h.xlsx", example_data,
                      headers={"tbl_econ": {"actual": "本年决算数（万元）", "prior": " 上年决算数 "}})
    ds = read_workbook(path)
    assert [e.actual.value for e in ds.economic_classification] == [
        Decimal("232.18"), Decimal("20.67"), Decimal("45.32")]
    assert ds.read_findings == ()


def test_a_missing_table_column_is_a_finding(tmp_path, example_data):
    path = write_book(tmp_path / "c.xlsx", example_data,
                      headers={"tbl_projects": {"actual": "决算"}, "tbl_tasks": {"weight": "权重"}})
    ds = read_workbook(path)
    found = {f.message.split("缺少列")[0]: f for f in ds.read_findings
             if f.code == "TABLE_COLUMN_MISSING"}
    assert found["表 tbl_projects "].severity == "error"      # 本年决算数 is required
    assert "“本年决算数”" in found["表 tbl_projects "].message
    assert found["表 tbl_tasks "].severity == "warning"       # 分值 is optional
    assert all(p.actual.value is None for p in ds.projects)
    assert ds.projects[0].name.value == "困难职工救助基金"


def test_old_template_missing_names_gives_one_warning_and_reads_the_rest(tmp_path,
                                                                          example_data):
    path = write_book(tmp_path / "old.xlsx", example_data,
                      skip_names=("out_training_actual", "gf_actual"), skip_tables=("tbl_scores",))
    ds = read_workbook(path)
    missing = [f for f in ds.read_findings if f.code == "WORKBOOK_NAMES_MISSING"]
    assert len(missing) == 1 and missing[0].severity == "warning"
    for name in ("out_training_actual", "gf_actual", "tbl_scores"):
        assert name in missing[0].message
    assert "xlpkg fill" in missing[0].message
    assert ds.expenditure["basic"].actual.value == Decimal("298.18")


def test_a_workbook_without_the_contract_is_an_input_error(tmp_path):
    path = tmp_path / "别的.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write("A1", 1)
    wb.define_name("something", "=Sheet1!$A$1")
    wb.close()
    with pytest.raises(InputError) as exc:
        read_workbook(path)
    assert "不是 xlpkg 工作簿" in exc.value.message and "dept_name" in exc.value.message
    assert "别的.xlsx" in exc.value.message


def _book_with(tmp_path, build, name="t.xlsx") -> Path:
    """A workbook with one sheet 'S' holding whatever ``build(wb, ws)`` writes."""
    path = tmp_path / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    build(wb, ws)
    wb.close()
    return path


def test_excel_error_values_reach_the_parser_with_their_cell(tmp_path):
    def build(wb, ws):
        ws.write_formula("B2", "=1/0", None, "#DIV/0!")
        ws.write_formula("B3", "=#REF!", None, "#REF!")
        wb.define_name("exp_basic_actual", "=S!$B$2")
        wb.define_name("dept_name", "=S!$B$3")
    ds = read_workbook(_book_with(tmp_path, build))
    by_field = {f.fields[0]: f for f in ds.read_findings if f.code == "UNREADABLE_VALUE"}
    assert "#DIV/0!" in by_field["exp_basic_actual"].message
    assert by_field["exp_basic_actual"].cells == ("S!B2",)
    assert "#REF!" in by_field["dept_name"].message and by_field["dept_name"].cells == ("S!B3",)
    assert ds.expenditure["basic"].actual.value is None and ds.department.name.value is None


def test_a_formula_without_a_stored_result_is_a_finding(tmp_path):
    path = tmp_path / "openpyxl.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["B2"] = "=1+1"              # openpyxl stores no result
    ws["B3"] = 12.5
    wb.defined_names["exp_total_actual"] = openpyxl.workbook.defined_name.DefinedName(
        "exp_total_actual", attr_text="数据!$B$2")
    wb.defined_names["exp_basic_actual"] = openpyxl.workbook.defined_name.DefinedName(
        "exp_basic_actual", attr_text="数据!$B$3")
    wb.save(path)
    ds = read_workbook(path)
    f = next(f for f in ds.read_findings if f.code == "FORMULA_NO_RESULT")
    assert f.severity == "error" and f.cells == ("数据!B2",)
    assert "没有计算结果" in f.message and "Excel 中打开并保存" in f.message
    assert ds.expenditure["total"].actual.value is None
    assert ds.expenditure["basic"].actual.value == Decimal("12.5")


def test_a_formula_with_a_stored_result_is_read_as_that_result(tmp_path):
    def build(wb, ws):
        ws.write_formula("B2", "=100+198.18", None, 298.18)
        wb.define_name("exp_basic_actual", "=S!$B$2")
    ds = read_workbook(_book_with(tmp_path, build))
    assert ds.expenditure["basic"].actual.value == Decimal("298.18")


def test_broken_names_are_findings_naming_the_name(tmp_path):
    def build(wb, ws):
        ws.write("B2", 5)
        ws.write("C2", 6)
        ws.write("B4", "安化县总工会")
        wb.define_name("exp_basic_actual", "=#REF!")
        wb.define_name("exp_total_actual", "=Gone!$B$2")
        wb.define_name("exp_project_actual", "=S!$B$2:$C$2")   # two values: ambiguous
        wb.define_name("dept_name", "=S!$B$4:$D$4")            # a merged-style range
    ds = read_workbook(_book_with(tmp_path, build))
    bad = {f.fields[0]: f for f in ds.read_findings if f.code == "BAD_NAME"}
    assert set(bad) == {"exp_basic_actual", "exp_total_actual", "exp_project_actual"}
    assert "#REF!" in bad["exp_basic_actual"].message
    assert "“Gone”不存在" in bad["exp_total_actual"].message
    assert "多个单元格" in bad["exp_project_actual"].message
    assert ds.expenditure["project"].actual.value is None
    assert ds.department.name.value == "安化县总工会"      # only its top-left cell is filled


def test_sheet_scoped_names_and_odd_sheet_names(tmp_path):
    path = tmp_path / "local.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("It's 表")
    ws.write("A2", "单位")
    wb.define_name("dept_name", "='It''s 表'!$A$2")
    local = wb.add_worksheet("本地 表")
    local.write("A1", 2023)
    wb.define_name("'本地 表'!dept_year", "='本地 表'!$A$1")   # sheet-scoped
    wb.close()
    ds = read_workbook(path)
    assert ds.department.year.value == 2023 and ds.department.year.cell == "本地 表!A1"
    assert ds.department.name.value == "单位" and ds.department.name.cell == "It's 表!A2"


def test_text_sections_by_label_unknown_ones_warned_and_cells_follow_paragraphs(tmp_path):
    data = {"department": {"name": "单位", "year": 2024},
            "narrative": {"problems": ["问题一"], "functions": ["职能一"]}}
    path = write_book(tmp_path / "t.xlsx", data, extra_rows={"tbl_text": [
        {"section": "其它", "content": "不知道放哪"},
        {"section": None, "content": "没有栏目"},
        {"section": "部门职能", "content": None},
        {"section": " 部门职能 ", "content": "职能二"},
    ]})
    ds = read_workbook(path)
    assert ds.paragraphs("functions") == ["职能一", "职能二"]
    assert ds.paragraphs("problems") == ["问题一"]
    unknown = [f for f in ds.read_findings if f.code == "UNKNOWN_SECTION"]
    assert len(unknown) == 2 and all(f.severity == "warning" and f.cells for f in unknown)
    assert "“其它”" in unknown[0].message and "（空白）" in unknown[1].message
    # the model numbers paragraphs in outline order; each one's cell holds its text
    ws = openpyxl.load_workbook(path)
    for para in ds.narrative:
        sheet, cell = para.text.cell.rsplit("!", 1)
        assert ws[sheet][cell].value.strip() == para.text.value


def test_duplicate_econ_codes_are_warned(tmp_path):
    data = {"economic_classification": [{"code": "301", "actual": 1}, {"code": 301, "actual": 2}]}
    ds = read_workbook(write_book(tmp_path / "d.xlsx", data))
    dup = [f for f in ds.read_findings if f.code == "DUPLICATE_CODE"]
    assert len(dup) == 1 and len(dup[0].cells) == 2


def test_inline_and_rich_text_strings(tmp_path):
    for memory in (False, True):   # constant_memory writes inline strings (and no tables)
        path = tmp_path / f"r{memory}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": memory})
        ws = wb.add_worksheet("S")
        bold = wb.add_format({"bold": True})
        ws.write_rich_string("A1", "安化县", bold, "总工会")
        wb.define_name("dept_name", "=S!$A$1")
        if not memory:
            ws.add_table("C1:D3", {"name": "tbl_text",
                                   "columns": [{"header": "栏目"}, {"header": "内容"}]})
            ws.write_string("C2", "部门职能")
            ws.write_rich_string("D2", "甲", bold, "乙")
            ws.write_string("C3", "部门职能")
            ws.write_string("D3", "第一行\r\n第二行")     # stored as 第一行_x000D_ …
        wb.close()
        ds = read_workbook(path)
        assert ds.department.name.value == "安化县总工会"
        if not memory:
            assert ds.paragraphs("functions") == ["甲乙", "第一行\r\n第二行"]


# ---------------------------------------------------------------- unreadable files


def test_not_a_workbook_inside_is_an_input_error(tmp_path, example_book):
    csv = tmp_path / "数据.xlsx"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_workbook(csv)
    assert "数据.xlsx" in exc.value.message
    truncated = tmp_path / "坏.xlsx"
    truncated.write_bytes(example_book.read_bytes()[:3000])
    with pytest.raises(InputError) as exc:
        read_workbook(truncated)
    assert "坏.xlsx" in exc.value.message and "无法读取" in exc.value.message
    docx = tmp_path / "其实是文档.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(InputError) as exc:
        read_workbook(docx)
    assert "不是 Excel 工作簿" in exc.value.message


def test_malformed_or_hostile_xml_is_an_input_error(tmp_path, example_book):
    broken = rewrite(example_book, tmp_path / "broken.xlsx", "xl/workbook.xml",
                     lambda b: b[: len(b) // 2])
    with pytest.raises(InputError) as exc:
        read_workbook(broken)
    assert "XML 格式错误" in exc.value.message
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    hostile = rewrite(example_book, tmp_path / "laughs.xlsx", "xl/sharedStrings.xml",
                      lambda b: laughs + b.split(b"?>", 1)[1].replace(b"<t>", b"<t>&lol2;", 1))
    external = rewrite(example_book, tmp_path / "xxe.xlsx", "xl/workbook.xml", lambda b: b.replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).replace(
        b"<workbookPr", b'<workbookPr x="&e;"', 1))
    for path in (hostile, external):   # sheets/strings (expat) and small parts (ElementTree)
        with pytest.raises(InputError) as exc:
            read_workbook(path)
        assert "不允许的实体" in exc.value.message


def test_zip_bomb_defences(tmp_path, example_book, monkeypatch):
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(example_book) as zin, zipfile.ZipFile(big, "w",
                                                               zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("xl/media/zeros.bin", b"\0" * (11 * 1024 * 1024))   # ratio ~1000:1
    with pytest.raises(InputError) as exc:
        read_workbook(big)
    assert "压缩" in exc.value.message
    monkeypatch.setattr(zip_safety, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(InputError) as exc:
        read_workbook(example_book)
    assert "压缩炸弹" in exc.value.message


def test_cli_check_and_export_on_a_workbook(tmp_path, example_book, example_data):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "xlpkg.cli", *map(str, args)],
                              check=False, capture_output=True, text=True)
    proc = run("check", example_book, "--json")
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert findings and all(len(f["cells"]) == len(f["fields"]) for f in findings)
    proc = run("export", example_book, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(json.dumps(
        to_mapping(from_mapping(example_data))))
    out = tmp_path / "导出.yaml"
    assert run("export", example_book, "-o", out).returncode == 0
    assert to_mapping(from_mapping(read_mapping(out))) == to_mapping(from_mapping(example_data))
    bad = tmp_path / "坏.xlsm"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    proc = run("check", bad)
    assert proc.returncode == 2 and "坏.xlsm" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- live books (xlwings)


def test_a_live_book_reads_like_the_saved_file_one_call_per_block(example_book):
    book = book_from_file(example_book)
    ds = read_book(book)
    saved = read_workbook(example_book)
    assert to_mapping(ds) == to_mapping(saved)
    assert ds.expenditure["basic"].actual.cell == saved.expenditure["basic"].actual.cell
    assert ds.narrative[2].text.cell == saved.narrative[2].text.cell
    # one read per table + one block of named cells, not one per cell
    assert len(book.reads) == len(schema.TABLES) + 1
    assert ds.source == book.name


def test_a_live_book_reports_error_cells_and_sheet_scoped_names():
    book = Book("C:\\财务\\自评.xlsm")
    sheet = book.add_sheet("基本 情况")
    sheet.values[(2, 2)] = "安化县总工会"
    sheet.values[(3, 2)] = FakeError("#N/A")
    book.define("dept_name", "基本 情况", "B2")
    book.define("exp_basic_actual", "基本 情况", "B3")
    sheet.add_table("tbl_tasks", "D1:F3")
    sheet.put("D1", [["工作内容", "目标值", "实际值"], ["活动", 2, FakeError("#REF!")]])
    ds = read_book(book)
    assert ds.department.name.value == "安化县总工会"
    assert ds.department.name.cell == "基本 情况!B2"
    unreadable = {f.fields[0]: f for f in ds.read_findings if f.code == "UNREADABLE_VALUE"}
    assert "#N/A" in unreadable["exp_basic_actual"].message
    assert "#REF!" in unreadable["tbl_tasks[1].actual"].message
    assert unreadable["tbl_tasks[1].actual"].cells == ("基本 情况!F2",)
    assert ds.key_tasks[0].target.value == 2
    assert ds.source == "自评.xlsm"


# ---------------------------------------------------------------- the template's own workbooks


@pytest.fixture(scope="module")
def filled_example(tmp_path_factory, example_data) -> Path:
    from xlpkg.workbook.build import fill_workbook

    path = tmp_path_factory.mktemp("filled") / "安化.xlsm"
    fill_workbook(from_mapping(example_data), path)
    return path


def test_fill_then_read_is_the_identity(filled_example, example_data):
    ds = read_workbook(filled_example)
    assert ds.read_findings == ()
    assert to_mapping(ds) == to_mapping(from_mapping(example_data))
    live = read_book(book_from_file(filled_example))
    assert to_mapping(live) == to_mapping(ds)
    assert [p.text.cell for p in live.narrative] == [p.text.cell for p in ds.narrative]


def test_check_on_a_filled_workbook_names_the_cell_of_every_finding(filled_example):
    proc = subprocess.run([sys.executable, "-m", "xlpkg.cli", "check", str(filled_example),
                           "--json"], check=False, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert {f["code"] for f in findings} >= {"SUM_MISMATCH", "TASK_TARGET_TOO_LOW",
                                             "NARRATIVE_CONTRADICTS"}
    for f in findings:
        assert f["cells"] and len(f["cells"]) == len(f["fields"]), f
        assert all("!" in c for c in f["cells"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_a_workbook_resaved_by_libreoffice_reads_the_same(filled_example, tmp_path):
    # Another program's XML (quoted names, its own string table and styles) must read
    # the same: people open these workbooks in WPS/LibreOffice too.
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path), str(filled_example)],
                   check=True, capture_output=True, timeout=180)
    resaved = tmp_path / (filled_example.stem + ".xlsx")
    ds = read_workbook(resaved)
    original = read_workbook(filled_example)
    assert to_mapping(ds) == to_mapping(original)
    assert ds.expenditure["personnel"].actual.cell == original.expenditure["personnel"].actual.cell


def test_damaged_parts_give_a_dataset_or_an_input_error_never_a_traceback(filled_example,
                                                                         tmp_path):
    import random

    with zipfile.ZipFile(filled_example) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    parts = sorted(n for n in members if n.endswith((".xml", ".rels")))
    rng = random.Random(20261128)
    inserts = [b'"', b"<", b"&", b'<c r="ZZZZ1"/>', b"<v>x</v>", b' r="A0"', b' t="s"',
               b'<c r="B5" t="s"><v>99999</v></c>', b' t="e"', b"<f/>", b' ref="A1:"',
               b' encoding="U2F-8"', b"<v>1e400</v>"]
    outcomes = {"read": 0, "refused": 0}
    for trial in range(60):
        name = rng.choice(parts)
        data = bytearray(members[name])
        at = rng.randrange(len(data))
        if trial % 3 == 0:
            data[at] = rng.randrange(256)
        elif trial % 3 == 1:
            del data[at:at + rng.randrange(1, 40)]
        else:
            data[at:at] = rng.choice(inserts)
        path = tmp_path / "damaged.xlsm"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for member, raw in members.items():
                out.writestr(member, bytes(data) if member == name else raw)
        try:
            read_workbook(path)
            outcomes["read"] += 1
        except InputError as exc:
            assert "damaged.xlsm" in exc.message
            outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]


def test_small_parts_parse_as_elementtree_names_them():
    """zip_safety's own tree for workbook/rels/table parts: ElementTree's tags,
    attributes (namespaced ones in {ns}local form), text and document order."""
    import xml.etree.ElementTree as ET

    from xlpkg.read.zip_safety import _TreeBuilder, parse

    xml = (b'<?xml version="1.0" encoding="UTF-8"?>'
           b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           b'<sheets><sheet name="\xe5\x9f\xba" sheetId="1" r:id="rId1"/><sheet name="b" r:id="rId2"/>'
           b'</sheets><definedNames><definedName name="x" localSheetId="0">a!$B$2'
           b'</definedName><definedName name="y">&lt;b&amp;c</definedName></definedNames>'
           b'</workbook>')
    tree = _TreeBuilder()
    parse(xml, tree, namespaces=True)
    ours = [(e.tag, e.attrib, e.text) for e in tree.root.iter()]
    theirs = [(e.tag, e.attrib, e.text) for e in ET.fromstring(xml).iter()]
    assert ours == theirs and len(ours) == 7
    assert [c.tag.rsplit("}")[-1] for c in tree.root] == ["sheets", "definedNames"]
