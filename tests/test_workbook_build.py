"""The macro workbook built from source: reproducible, every contract name and table, fill."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from support import ROOT, dataset

from xlpkg.cli import main
from xlpkg.core import sheet_functions as sf
from xlpkg.core.model import (
    EXPENDITURE_FIELDS,
    EXPENDITURE_ROWS,
    INCOME_FIELDS,
    INCOME_ROWS,
    OUTLAY_FIELDS,
    OUTLAY_ROWS,
)
from xlpkg.errors import OutputError
from xlpkg.read.data_file import read_data_file
from xlpkg.workbook import layout as L
from xlpkg.workbook.build import build_template, fill_workbook, template_bytes, workbook_bytes

COMMITTED = ROOT / "workbook" / "template.xlsm"

# CONTRACT §3, written out here rather than taken from the layout under test.
CONTRACT_SCALARS = (
    ["dept_name", "dept_year", "staff_authorized", "staff_actual", "carry_begin", "carry_end",
     "proc_budget", "proc_actual", "fa_total", "fa_in_use", "gf_actual", "soe_actual",
     "ssf_actual"]
    + [f"inc_{r}_{f}" for r in INCOME_ROWS for f in INCOME_FIELDS]
    + [f"exp_{r}_{f}" for r in EXPENDITURE_ROWS for f in EXPENDITURE_FIELDS]
    + [f"out_{r}_{f}" for r in OUTLAY_ROWS for f in OUTLAY_FIELDS]
    + ["report_date", "bld_approved_scale", "bld_actual_scale", "bld_budget_investment",
       "bld_actual_investment"]
    + [f"exp_{r}_reason" for r in EXPENDITURE_ROWS] + [f"out_{r}_reason" for r in OUTLAY_ROWS]
)
CONTRACT_TABLES = {
    "tbl_tasks": ["工作内容", "计量单位", "比较", "目标值", "实际值", "说明", "指标类别", "分值"],
    "tbl_econ": ["科目编码", "科目名称", "上年决算数", "本年决算数"],
    "tbl_projects": ["项目名称", "年初预算数", "全年预算数", "本年决算数", "上年决算数", "资金用途",
                     "变动原因", "年度目标", "实际完成情况"],
    "tbl_project_indicators": ["项目名称", "一级指标", "二级指标", "三级指标", "计量单位", "比较",
                               "目标值", "实际值", "分值", "自评得分", "偏差原因"],
    "tbl_text": ["栏目", "内容"],
    "tbl_scores": ["指标", "自评得分", "说明"],
}


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_bytes()


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(io.BytesIO(template), keep_vba=True)


def _defined(book) -> dict[str, tuple[str, str]]:
    out = {}
    for name, dn in book.defined_names.items():
        ((sheet, ref),) = list(dn.destinations)
        out[name] = (sheet, ref.replace("$", ""))
    return out


def _member(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


# ---------------------------------------------------------------- reproducible


def test_two_builds_are_byte_identical(template):
    assert template_bytes() == template


def test_committed_portable_template_equals_a_fresh_build():
    fresh = template_bytes("xlsx")
    assert fresh == template_bytes("xlsx")
    assert COMMITTED.with_suffix(".xlsx").read_bytes() == fresh, \
        "run `xlpkg template -o workbook/template.xlsx` and commit the result"


def test_committed_template_equals_a_fresh_build(template):
    assert COMMITTED.read_bytes() == template, "run `xlpkg template` and commit the result"


def test_cli_template_writes_the_same_bytes(tmp_path, template):
    out = tmp_path / "模板.xlsm"
    assert main(["template", "-o", str(out)]) == 0
    assert out.read_bytes() == template
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_zip_members_carry_a_fixed_date(template):
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2024-01-01T00:00:00Z" in _member(template, "docProps/core.xml")


# ---------------------------------------------------------------- names and tables


def test_every_contract_scalar_is_a_single_cell_name(book):
    names = _defined(book)
    missing = [n for n in CONTRACT_SCALARS if n not in names]
    assert not missing
    for n in CONTRACT_SCALARS:
        sheet, ref = names[n]
        assert re.fullmatch(r"[A-Z]+\d+", ref), (n, ref)
        assert (sheet, ref) == (L.NAMED[n].sheet, L.NAMED[n].cell)
        cell = book[sheet][ref]
        assert cell.protection.locked is False, f"{n} must be an input cell"
    # no two names share a cell
    assert len({names[n] for n in CONTRACT_SCALARS}) == len(CONTRACT_SCALARS)


def test_anchors_point_below_the_output_headers(book):
    names = _defined(book)
    for anchor, sheet, headers in ((L.CHECKS_ANCHOR, L.CHECKS_SHEET, L.CHECKS_HEADERS),
                                   (L.SCORESHEET_ANCHOR, L.SCORESHEET_SHEET,
                                    L.SCORESHEET_HEADERS)):
        assert names[anchor][0] == sheet
        ws = book[sheet]
        row = ws[names[anchor][1]].row
        assert [ws.cell(row - 1, c + 1).value for c in range(len(headers))] == list(headers)
        assert ws[names[anchor][1]].column == 1
    assert L.CHECKS_HEADERS == ("级别", "代码", "说明", "单元格")
    assert L.SCORESHEET_HEADERS[:4] == ("一级指标", "二级指标", "三级指标", "分值")


def test_the_tables_carry_the_contract_headers(book):
    found = {}
    for ws in book.worksheets:
        for table in ws.tables.values():
            found[table.name] = (ws, table)
    assert set(CONTRACT_TABLES) <= set(found)
    for name, headers in CONTRACT_TABLES.items():
        ws, table = found[name]
        columns = [c.name for c in table.tableColumns]
        assert set(headers) <= set(columns), name
        first = ws[table.ref.split(":")[0]]
        assert [ws.cell(first.row, first.column + i).value for i in range(len(columns))] == columns
        rows = ws[table.ref.split(":")[1]].row - first.row
        assert rows == L.TABLE_ROWS_DEFAULT[name]


def test_the_layout_places_every_name_and_column_of_the_schema(book):
    from xlpkg.core import schema

    names = _defined(book)
    assert {s.name for s in schema.SCALARS} <= set(names)
    assert set(L.NAMED) == {s.name for s in schema.SCALARS}
    for s in schema.SCALARS:   # each input cell is labelled with the schema's label
        named = L.NAMED[s.name]
        if named.sheet == "基本情况":
            assert book[named.sheet].cell(named.row + 1, 1).value == s.label
    for tbl in schema.TABLES:
        # the schema's headers, in the layout's column order
        assert set(L.TABLES[tbl.name].headers.items()) == set(tbl.headers.items()), tbl.name
    reason = L.NAMED["exp_personnel_reason"]
    assert (reason.sheet, reason.row) == ("收支情况", L.EXPENDITURE_ROW["personnel"])
    assert book["收支情况"].cell(L.BUDGET_HEADER_ROW + 1, reason.col + 1).value == "变动原因"
    assert L.NAMED["out_reception_reason"].sheet == "“三公”经费"


def test_sheets_have_chinese_names_and_ascii_codenames(template, book):
    assert book.sheetnames == [s.name for s in L.SHEETS]
    for want in ("使用说明", "基本情况", "收支情况", "经济分类", "项目支出", "项目绩效", "“三公”经费",
                 "重点工作", "文字内容", "自评打分", "自评表", "校验结果", "xlwings.conf"):
        assert want in book.sheetnames
    assert 'codeName="ThisWorkbook"' in _member(template, "xl/workbook.xml")
    for i, sheet in enumerate(L.SHEETS, 1):
        xml = _member(template, f"xl/worksheets/sheet{i}.xml")
        assert f'codeName="{sheet.codename}"' in xml
        assert sheet.codename.isascii() and sheet.codename.isidentifier()
    conf = book["xlwings.conf"]
    assert conf.sheet_state == "hidden"
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "xlpkg.excel.udfs")


def test_vba_project_has_the_button_macros_and_every_sheet_module(template):
    olevba = pytest.importorskip("oletools.olevba")
    assert "macroEnabled" in _member(template, "[Content_Types].xml")
    parser = olevba.VBA_Parser("template.xlsm", data=template)
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    code = "\n".join(modules.values())
    for sub in ("RunChecks", "ExportReport", "UpdateScores"):
        assert re.search(rf"^Sub {sub}\(\)", code, re.MULTILINE), sub
    for sheet in L.SHEETS:
        assert any(sheet.codename in name for name in modules), sheet.codename
    assert "Function PCT_CHANGE" in code


def test_guide_buttons_call_the_macros(template):
    vml = _member(template, "xl/drawings/vmlDrawing1.vml")
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert macros == ["RunChecks", "ExportReport", "UpdateScores"]
    for caption in ("校验数据", "生成报告", "更新自评表"):
        assert caption in vml
    rels = _member(template, "xl/worksheets/_rels/sheet1.xml.rels")
    assert "vmlDrawing1.vml" in rels  # the buttons sit on 使用说明, the first sheet


def test_guide_explains_blank_units_and_the_command_line(book):
    text = "\n".join(str(c.value) for row in book["使用说明"].iter_rows() for c in row
                     if c.value)
    for phrase in ("空白不等于 0", "万元", "xlwings", "xlpkg check", "xlpkg report", "Windows"):
        assert phrase in text

    # which file in which host, in both flavours' 使用说明
    portable = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx")))
    for ws in (book["使用说明"], portable["使用说明"]):
        lines = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
        xlsm = next(t for t in lines if t.startswith("Windows 版 Microsoft Excel"))
        xlsx = next(t for t in lines if t.startswith("WPS"))
        assert ".xlsm" in xlsm and "xlwings" in xlsm and "按钮" in xlsm
        assert ".xlsx" in xlsx and all(w in xlsx for w in ("LibreOffice", "Mac", "审核", "xlpkg check",
                                                           "本机检查页面"))


# ---------------------------------------------------------------- cells: inputs, formulas, checks


def _array_members(ws) -> set[str]:
    """Cells covered by an array formula (its anchor holds the formula)."""
    from openpyxl.utils.cell import range_boundaries

    out = set()
    for ref in ws.array_formulae.values():
        c1, r1, c2, r2 = range_boundaries(ref)
        out |= {f"{get_column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return out


def test_computed_cells_are_locked_and_sheets_protected_without_password(book):
    for f in L.all_formulas():
        ws = book[f.sheet]
        cell = ws[f.cell]
        assert cell.data_type == "f" or f.cell in _array_members(ws), (f.sheet, f.cell)
        assert cell.protection.locked is True
    for sheet in L.SHEETS:
        ws = book[sheet.name]
        assert bool(ws.protection.sheet) == sheet.protected, sheet.name
        assert not ws.protection.password
    # tables must grow: no sheet holding one is protected
    assert not any(s.protected for s in L.SHEETS if s.name in {t.sheet for t in L.TABLES.values()})


def _texts(book) -> list[str]:
    out = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                v = getattr(v, "text", v)  # an ArrayFormula
                if isinstance(v, str) and v.startswith("="):
                    out.append(v)
    return out


def test_macro_flavour_calls_udfs_outside_tables_and_native_formulas_inside(book):
    texts = _texts(book)
    used = {m for t in texts for m in re.findall(r"\b([A-Z_]+)\(", t)}
    assert {"PCT_CHANGE", "YOY_DIFF", "SHARE", "EXEC_RATE", "CHANGE_TEXT"} <= used
    for table in L.TABLES.values():
        for col, column in L.column_formulas(table):
            cell = book[table.sheet].cell(table.first_data_row() + 1, col + 1).value
            assert "[#This Row]" in cell and column.func not in cell  # a native calculated column
    assert not any("_xludf" in t for t in texts)


def test_portable_flavour_has_no_udf_and_no_vba():
    data = template_bytes("xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert not any("vba" in n.lower() for n in names)
    assert "macroEnabled" not in types and "sheet.main+xml" in types
    portable = openpyxl.load_workbook(io.BytesIO(data))
    udfs = {fn.__name__ for fn in sf.UDFS}
    for text in _texts(portable):
        assert not (set(re.findall(r"\b([A-Z_]+)\(", text)) & udfs), text
    assert "xlwings.conf" not in portable.sheetnames


def test_a_full_recalculation_of_the_example_makes_few_udf_calls(example_path):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(read_data_file(example_path))))
    udfs = {fn.__name__ for fn in sf.UDFS}
    calls = sum(len(set(re.findall(r"\b([A-Z_]+)\(", t)) & udfs) for t in _texts(book))
    assert 0 < calls <= 20  # one array call per column run; was 126 with one call per cell


def test_no_full_recalculation_forced_on_open(template):
    for data in (template, template_bytes("xlsx")):
        xml = _member(data, "xl/workbook.xml")
        assert "fullCalcOnLoad" not in xml and 'calcId="191029"' in xml


def test_number_formats_and_validation(book):
    ws = book["收支情况"]
    amount = L.NAMED["exp_basic_actual"]
    assert ws[amount.cell].number_format == "#,##0.00"   # thousands separators: 1,234.56
    diff = next(f for f in L.FORMULAS if f.func == "YOY_DIFF" and f.sheet == "收支情况")
    assert ws[diff.cell].number_format == "#,##0.00"
    pct = next(f for f in L.FORMULAS if f.func == "PCT_CHANGE" and f.sheet == "收支情况")
    assert ws[pct.cell].number_format == "0.00%"
    rules = {(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("decimal", "-1000000000000") in rules
    lists = {dv.formula1 for name in ("重点工作", "文字内容")
             for dv in book[name].data_validations.dataValidation if dv.type == "list"}
    assert '"≥,≤,="' in lists
    assert '"' + ",".join(L.SECTION_CHOICES) + '"' in lists
    assert L.SECTION_CHOICES[0] == "部门职能" and L.SECTION_CHOICES[5] == "存在的问题及原因分析"


def test_self_scores_offer_the_indicators_that_need_judgement_as_a_dropdown(book):
    ws = book["自评打分"]
    table = L.TABLES["tbl_scores"]
    col = get_column_letter(table.col("indicator") + 1)
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert str(dv.sqref).startswith(f"{col}{table.first_data_row() + 1}:")
    listed = book["自评打分"][dv.formula1.replace("$", "")]
    names = [row[0].value for row in listed]
    # the default rules' judgement indicators, a repeated 三级 name with its 二级
    assert "绩效目标合理性" in names and "社会公众或服务对象满意度" in names
    assert "预算管理—管理制度健全性" in names and "资产管理—管理制度健全性" in names
    assert "预算执行率" not in names   # computed from the data, not scored by hand
    assert dv.errorStyle == "information"   # a checklist item may still be typed


def test_a_stated_total_turns_red_when_its_check_reports_a_difference(book):
    ws = book["收支情况"]
    total = L.NAMED["exp_total_actual"].cell
    check = next(f for f in L.FORMULAS if f.func == "CHECK_SUM"
                 and f.args[0] == L.Field("exp_total_actual"))
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    at = L.a1(check.row, check.col, absolute=True)
    flag = [[f'OR(LEFT({at},2)="相差",LEFT({at},4)="无法识别")']]
    assert rules[total] == flag
    assert rules[check.cell] == flag


def test_budget_sheet_has_two_native_charts(template):
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        kinds = " ".join(z.read(n).decode() for n in charts)
    assert "<c:pieChart>" in kinds and "<c:barChart>" in kinds
    assert "收支情况!$E$12:$E$14" in kinds  # 人员经费, 公用经费, 项目支出 this year


def test_print_setup_is_a4(template):
    for i, sheet in enumerate(L.SHEETS[:-1], 1):
        xml = _member(template, f"xl/worksheets/sheet{i}.xml")
        assert 'paperSize="9"' in xml, sheet.name
        assert ('orientation="landscape"' in xml) == sheet.landscape


# ---------------------------------------------------------------- fill


def test_fill_writes_every_value_where_its_name_points(tmp_path, example_path):
    ds = read_data_file(example_path)
    out = tmp_path / "安化.xlsm"
    fill_workbook(ds, out)
    book = openpyxl.load_workbook(out)
    names = _defined(book)
    assert book[names["exp_basic_actual"][0]][names["exp_basic_actual"][1]].value == 298.18
    assert book[names["dept_name"][0]][names["dept_name"][1]].value == "安化县总工会"
    assert book[names["exp_total_prior"][0]][names["exp_total_prior"][1]].value is None
    econ = book["经济分类"].tables["tbl_econ"]
    ws = book["经济分类"]
    first = ws[econ.ref.split(":")[0]].row
    assert [ws.cell(first + i, 1).value for i in range(1, 4)] == ["301", "302", "303"]
    assert ws.cell(first + 1, 1).data_type == "s"  # codes stay text
    tasks = book["重点工作"]
    row = tasks[tasks.tables["tbl_tasks"].ref.split(":")[0]].row + 4
    assert [tasks.cell(row, c).value for c in (1, 4, 5)] == ["职工参加医疗互助活动", "≥", 20000]


def test_fill_tables_grow_to_fit_the_data():
    projects = [{"name": f"项目{i}", "actual": i} for i in range(1, 31)]
    ds = dataset(projects=projects, expenditure={"project": {"actual": 465}})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ds)))
    ws = book["项目支出"]
    ref = ws.tables["tbl_projects"].ref
    top, bottom = (ws[c].row for c in ref.split(":"))
    assert bottom - top == 30 + L.SPARE_ROWS
    assert ws.cell(bottom - L.SPARE_ROWS, 1).value == "项目30"
    table = L.TABLES["tbl_projects"]
    texts = [c.value for row in ws.iter_rows(max_row=top - 1) for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    # totals and checks refer to the table, so they follow it as it grows
    assert any("SUM(tbl_projects[本年决算数])" in t for t in texts)
    assert any("exp_project_actual" in t and "tbl_projects[本年决算数]" in t for t in texts)
    assert not any(re.search(r"[A-Z]+[0-9]+:[A-Z]+[0-9]+", t) for t in texts)
    last = ws.cell(bottom, table.col("actual") + 2).value  # 执行率 of the last blank row
    assert "tbl_projects[[#This Row],[本年决算数]]" in last
    assert book["项目支出"].tables["tbl_projects"].tableColumns[5].calculatedColumnFormula


def test_fill_writes_text_that_looks_like_a_formula_as_text():
    ds = dataset(department={"name": "=HYPERLINK(\"http://x\")"},
                 projects=[{"name": "+1", "purpose": "@SUM(A1)"}],
                 narrative={"problems": ["-2 是负数", "=1+1"]})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ds)))
    name = L.NAMED["dept_name"]
    cell = book[name.sheet][name.cell]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value in ("+1", "@SUM(A1)", "-2 是负数", "=1+1")]
    assert len(texts) == 4 and all(c.data_type == "s" for c in texts)


def test_fill_refuses_text_longer_than_a_cell_holds(tmp_path):
    ds = dataset(narrative={"problems": ["长" * 40000]})
    out = tmp_path / "x.xlsm"
    with pytest.raises(OutputError, match="32767"):
        fill_workbook(ds, out)
    assert list(tmp_path.iterdir()) == []


def test_fill_writes_signs_and_section_labels(tmp_path):
    ds = dataset(key_tasks=[{"name": "a", "comparator": "<=", "target": 5, "actual": 4},
                            {"name": "b", "comparator": "=", "target": "显著提升"}],
                 narrative={"improvements": ["改进"], "functions": ["职能"]})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ds)))
    tasks = book["重点工作"]
    top = tasks[tasks.tables["tbl_tasks"].ref.split(":")[0]].row
    assert [tasks.cell(top + 1, 4).value, tasks.cell(top + 2, 4).value] == ["≤", "="]
    assert tasks.cell(top + 2, 5).value == "显著提升"
    text = book["文字内容"]
    assert [text.cell(r, 1).value for r in (4, 5)] == ["部门职能", "下一步改进措施"]


def test_fill_round_trips_through_the_reader(tmp_path, example_path):
    from xlpkg.core.model import to_mapping
    from xlpkg.read import workbook_read as reader

    ds = read_data_file(example_path)
    out = tmp_path / "book.xlsm"
    fill_workbook(ds, out)
    back = reader.read_workbook(out)
    assert to_mapping(back, exact=True) == to_mapping(ds, exact=True)
    assert back.expenditure["basic"].actual.cell == "收支情况!E11"
    assert not [f for f in back.read_findings if f.severity == "error"]


def test_fill_keeps_decimals_exact():
    values = ["0.1", "1234567.89", "0.0001", "99999999.99", "-3.5"]
    ds = dataset(economic_classification=[{"code": str(300 + i), "actual": Decimal(v)}
                                          for i, v in enumerate(values)])
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ds)))
    ws = book["经济分类"]
    top = ws[ws.tables["tbl_econ"].ref.split(":")[0]].row
    col = L.TABLES["tbl_econ"].col("actual") + 1
    assert [Decimal(str(ws.cell(top + 1 + i, col).value)) for i in range(5)] == \
        [Decimal(v) for v in values]


def test_cli_fill_refuses_to_overwrite(tmp_path, example_path):
    out = tmp_path / "b.xlsm"
    assert main(["fill", str(example_path), "-o", str(out)]) == 0
    before = out.read_bytes()
    assert main(["fill", str(example_path), "-o", str(out)]) == 2
    assert out.read_bytes() == before
    assert main(["fill", str(example_path), "-o", str(out), "--force"]) == 0


def test_build_template_replaces_atomically(tmp_path, template):
    out = tmp_path / "t.xlsm"
    out.write_bytes(b"old")
    build_template(out)
    assert out.read_bytes() == template


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_template(tmp_path, template):
    src = tmp_path / "template.xlsm"
    src.write_bytes(template)
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: parallel runs do not clash
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, text=True, timeout=240, check=False)
    pdf = tmp_path / "template.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=False).stdout
        for phrase in ("收支情况", "本年决算数", "财政拨款支出合计", "核对", "使用说明"):
            assert phrase in text



RICH = """
department: {name: 测试局, year: 2024, staff_authorized: 20, staff_actual: 18,
             report_date: 2025-03-15}
income:
  total: {prior: 500, actual: 520}
  fiscal: {prior: 450, actual: 470}
  other: {prior: 50, actual: 50}
expenditure:
  total: {prior: 480, budget_initial: 500, budget_final: 510, actual: 505,
          reason: 追加了工资性支出}
  basic: {prior: 300, budget_initial: 310, budget_final: 320, actual: 318}
  personnel: {prior: 250, budget_initial: 260, budget_final: 262, actual: 263.5,
              reason: "调资，\\n人员增加 2 人"}
  public: {prior: 50, budget_initial: 50, budget_final: 58, actual: 54.5}
  project: {prior: 180, budget_initial: 190, budget_final: 190, actual: 187}
outlays:
  total: {prior: 10, budget: 12, actual: 9.5, reason: 压减公务接待}
  outbound: {prior: 0, budget: 0, actual: 0}
  vehicle_purchase: {prior: 0, budget: 0, actual: 0}
  vehicle_operation: {prior: 6, budget: 7, actual: 6.5}
  reception: {prior: 4, budget: 5, actual: 3, reason: 严控接待标准}
  meeting: {prior: 1, budget: 1.2, actual: 0.8}
  training: {prior: 2, budget: 2, actual: 2.4}
buildings: {approved_scale: 1200, actual_scale: 1150, budget_investment: 300,
            actual_investment: 296.35}
projects:
  - name: 工资性支出
    prior: 230
    budget_initial: 238.93
    budget_final: 251.89
    actual: 251.89
    purpose: 在职人员工资
    reason: 年中调资
    goal: 按时足额发放工资、缴纳社保
    result: 全年按时足额发放
    indicators:
      - {category: 产出指标, subcategory: 数量指标, name: 发放(缴纳)覆盖率, unit: "%",
         comparator: ">=", target: 100, actual: 100, weight: 60}
      - {category: 产出指标, subcategory: 质量指标, name: 足额保障率(参保率), unit: "%",
         comparator: "=", target: 100, actual: 98, weight: 30, reason: 2 人新入职未满一月}
  - name: 职工培训
    budget_final: 20
    actual: 18
    indicators:
      - {category: 满意度指标, subcategory: 服务对象满意度指标, name: 学员满意度, comparator: ">=",
         target: 显著提升, actual: 提升, weight: 10, score: 8}
key_tasks:
  - {name: 培训, unit: 人次, comparator: ">=", target: 400, actual: 500}
self_scores:
  - {indicator: 绩效目标合理性, score: 4, note: 目标基本合理}
"""


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_fill_then_export_keeps_every_contract_value(tmp_path, suffix):
    """Reasons, report date, buildings, project goals/results/reasons and indicators survive
    `xlpkg fill` → `xlpkg export` in both flavours."""
    import yaml

    from xlpkg.core.model import from_mapping, to_mapping

    data = tmp_path / "data.yaml"
    data.write_text(RICH, encoding="utf-8")
    book, back = tmp_path / f"book{suffix}", tmp_path / "back.yaml"
    assert main(["fill", str(data), "-o", str(book)]) == 0
    assert main(["export", str(book), "-o", str(back)]) == 0
    want = to_mapping(read_data_file(data))
    got = to_mapping(from_mapping(yaml.safe_load(back.read_text(encoding="utf-8"))))
    assert got == want
    assert want["department"]["report_date"] == "2025-03-15"
    assert want["expenditure"]["personnel"]["reason"] == "调资，\n人员增加 2 人"
    assert want["buildings"]["actual_investment"] == 296.35
    assert [len(p["indicators"]) for p in want["projects"]] == [2, 1]
    assert want["projects"][0]["goal"] == "按时足额发放工资、缴纳社保"
    wb = openpyxl.load_workbook(book)
    ws = wb["项目绩效"]
    top = ws[ws.tables["tbl_project_indicators"].ref.split(":")[0]].row
    assert [ws.cell(top + i, 1).value for i in (1, 2, 3)] == ["工资性支出", "工资性支出", "职工培训"]
    assert ws.cell(top + 2, 6).value == "="
    date_cell = wb["基本情况"][L.NAMED["report_date"].cell]
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
