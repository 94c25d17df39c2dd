"""xlpkg import: each 决算 layout variant → its contract figures, with their source cells.

The expected figures are the published ones (JUESUAN.md: 上海市普陀区财政局 2024) or
the ones each fixture was built with in tests/juesuan_factory.py; they are
written out here by hand, not computed by the importer's own code.
"""

from decimal import Decimal as D

import juesuan_factory as F
import pytest

from xlpkg.errors import InputError
from xlpkg.juesuan import import_files

PUTUO = {
    ("department", "name"): F.DEPT, ("department", "year"): 2024,
    ("income", "total", "actual"): D("2946.25"), ("income", "fiscal", "actual"): D("2940.05"),
    ("income", "other", "actual"): D("6.20"),
    ("expenditure", "total", "actual"): D("2940.05"),
    ("expenditure", "basic", "actual"): D("2336.91"),
    ("expenditure", "project", "actual"): D("603.14"),
    ("expenditure", "personnel", "actual"): D("2152.26"),
    ("expenditure", "public", "actual"): D("184.65"),
    ("carryover", "begin"): D("21.63"), ("carryover", "end"): D("21.63"),
}
PUTUO_ECON = {"301": D("2082.85"), "302": D("171.07"), "303": D("69.41"), "310": D("13.58")}


def get(data, path):
    for p in path:
        data = data[p]
    return data


def assert_golden(result, golden):
    for path, want in golden.items():
        assert get(result.data, path) == want, path


def errors(result):
    return [f for f in result.findings if f.severity == "error"]


def warnings(result):
    return [f for f in result.findings if f.severity == "warning"]


@pytest.fixture
def putuo(tmp_path):
    return F.write_xlsx(tmp_path / "普陀区财政局2024.xlsx", F.putuo_sheets())


def test_putuo_public_tables_import_with_source_cells(putuo):
    r = import_files([putuo])
    assert_golden(r, PUTUO)
    assert {e["code"]: e["actual"] for e in r.data["economic_classification"]} == PUTUO_ECON
    name = putuo.name
    # sources: the cells the published figures sit in (table 5 has 合计 first, row 4)
    assert r.sources["expenditure.total.actual"] == f"{name}!表五!C4"
    assert r.sources["expenditure.personnel.actual"] == f"{name}!表六!D29"
    assert r.sources["expenditure.public.actual"] == f"{name}!表六!H29"
    assert r.sources["income.total.actual"] == f"{name}!表一!B33"
    assert r.sources["economic_classification[302].actual"] == f"{name}!表六!H5"
    assert r.sources["income.other.actual"].startswith("计算：")
    # consistent tables: no error; the 0.01/0.02 款 rounding of table 6 is info only
    assert errors(r) == []
    rounding = [f for f in r.findings if f.code == "IMPORT_SUM_ROUNDING"]
    assert {f.cells[0] for f in rounding} == {f"{name}!表六!D5", f"{name}!表六!H5"}


def test_vehicle_total_with_blank_split_stays_unknown(putuo):
    r = import_files([putuo])
    out = r.data["outlays"]
    assert out["total"]["budget"] == D(5) and out["total"]["actual"] == D("1.18")
    assert out["vehicle_operation"]["budget"] == D(3)
    # 1.18 of 公务用车 with blank 购置/运行: neither is invented
    assert out["vehicle_purchase"]["actual"] is None
    assert out["vehicle_operation"]["actual"] is None
    split = [f for f in r.findings if f.code == "IMPORT_SPLIT_UNKNOWN"]
    assert len(split) == 1 and split[0].cells[0] == f"{putuo.name}!表七!F6"
    assert "1.18 万元" in split[0].message


@pytest.mark.parametrize("writer", ["xls", "spreadsheetml", "html"])
def test_every_file_format_gives_the_same_data(tmp_path, putuo, writer):
    base = import_files([putuo]).data
    sheets = F.putuo_sheets()
    if writer == "xls":   # and one department's tables split over two files
        files = [F.write_xls(tmp_path / "一.xls", sheets[:2]),
                 F.write_xlsx(tmp_path / "二.xlsx", sheets[2:])]
    elif writer == "spreadsheetml":
        files = [F.write_spreadsheetml(tmp_path / "导出.xls", sheets)]
    else:
        files = [F.write_html(tmp_path / "网页.xls", sheets)]
    r = import_files(files)
    assert r.data == base
    assert errors(r) == []


def test_one_sheet_many_tables_2025_rows_split_codes_total_last_yuan(tmp_path):
    t1 = F.t1_rows(F.CLASSES_2024[:24], title="2025年度收入支出决算总表", line_numbers=True)
    t5 = F.t5_rows(split=True, total_last=True, yuan=True, spaced_total=True)
    t7 = F.t7_wide_rows([10.00, 8.50, 2.00, 1.50, 5.00, 4.80, "0.00", "—", 5.00, 4.80, 3.00,
                         2.20], merged=False)
    sheet = F.on_sheet("决算公开表", t1, t5, F.t6_rows(), t7, doc_title="某某单位2025年度部门决算")
    r = import_files([F.write_xlsx(tmp_path / "v.xlsx", [sheet])])
    assert_golden(r, {
        ("department", "name"): "某某单位", ("department", "year"): 2025,
        ("income", "total", "actual"): D("2946.25"),
        # table 5 is in 元: 29,400,500.00 元 → 2940.05 万元 exactly
        ("expenditure", "total", "actual"): D("2940.05"),
        ("expenditure", "basic", "actual"): D("2336.91"),
        ("expenditure", "project", "actual"): D("603.14"),
        ("outlays", "total", "budget"): D(10), ("outlays", "total", "actual"): D("8.5"),
        ("outlays", "outbound", "actual"): D("1.5"),
        ("outlays", "vehicle_purchase", "budget"): D(0),
        ("outlays", "vehicle_purchase", "actual"): None,          # — is not 0
        ("outlays", "vehicle_operation", "actual"): D("4.8"),
        ("outlays", "reception", "budget"): D(3),
    })
    # no 财政拨款 carry-over table: T1's all-funds carry-over is not used for --scope gpb
    assert r.data["carryover"] == {"begin": None, "end": None}
    assert "carryover.begin" in r.missing
    assert errors(r) == [] and warnings(r) == []


def test_internal_caijue_export_in_yuan_scope_all(tmp_path):
    path = F.write_xls(tmp_path / "中华人民共和国某部.XLS", F.internal_sheets())
    r = import_files([path], scope="all")
    assert_golden(r, {
        ("department", "name"): "某某区财政局", ("department", "year"): 2024,
        ("income", "total", "actual"): D("2946.25"), ("income", "fiscal", "actual"): D("2940.05"),
        ("expenditure", "total", "actual"): D("2940.05"),
        ("expenditure", "total", "budget_initial"): D(2900),
        ("expenditure", "basic", "budget_final"): D(2340),
        ("expenditure", "personnel", "actual"): D("2152.26"),
        ("expenditure", "project", "budget_initial"): D(600),
        ("carryover", "begin"): D("49.14"), ("carryover", "end"): D("55.34"),
    })
    assert r.sources["expenditure.total.budget_initial"].endswith("!H13")   # 本年支出合计 × 年初预算数
    assert errors(r) == []
    # the same file under the default scope: nothing from the wrong 口径
    gpb = import_files([path])
    assert gpb.data["expenditure"]["total"]["actual"] is None
    assert any("--scope all" in f.message for f in gpb.findings)


def _sangong(tmp_path, rows):
    return import_files([F.write_xlsx(tmp_path / "三公.xlsx", [F.on_sheet("表7", (rows, []))])])


def test_sangong_vertical_budget_and_actual(tmp_path):
    r = _sangong(tmp_path, [["财政拨款“三公”经费支出决算表"], [None, None, "单位：万元"],
                            ["项目", "预算数", "决算数"], ["合计", 10.00, 8.50],
                            ["1、因公出国（境）费", 2.00, 1.50],
                            ["2、公务用车购置及运行维护费", 5.00, 4.80],
                            ["其中：（1）公务用车购置费", None, None],
                            ["（2）公务用车运行维护费", 5.00, 4.80], ["3、公务接待费", 3.00, 2.20]])
    out = r.data["outlays"]
    assert (out["total"]["budget"], out["total"]["actual"]) == (D(10), D("8.5"))
    assert (out["vehicle_operation"]["budget"], out["vehicle_operation"]["actual"]) == \
        (D(5), D("4.8"))
    assert out["vehicle_purchase"]["actual"] is None
    assert r.sources["outlays.reception.actual"] == "三公.xlsx!表7!C9"
    assert errors(r) == [] and warnings(r) == []


def test_sangong_prior_and_current_columns(tmp_path):
    r = _sangong(tmp_path, [["2023年度“三公”经费支出决算表"], ["单位：万元"],
                            ["项目", "上年决算数", "本年决算数", "增减"],
                            ["“三公”经费合计", 9.10, 8.50, -0.60], ["因公出国（境）费", 1.00, 1.50, 0.5],
                            ["公务用车购置及运行费", 5.60, 4.80, -0.8], ["公务接待费", 2.50, 2.20, -0.3]])
    out = r.data["outlays"]
    assert (out["total"]["prior"], out["total"]["actual"]) == (D("9.1"), D("8.5"))
    assert out["outbound"]["prior"] == D(1) and out["reception"]["actual"] == D("2.2")
    assert out["total"]["budget"] is None          # 增减 is not a budget
    assert {f.code for f in warnings(r)} == {"IMPORT_SPLIT_UNKNOWN"}


def test_sangong_label_value_pairs(tmp_path):
    r = _sangong(tmp_path, [["“三公”经费支出决算表（公开07表）"], ["金额单位:万元"],
                            ["“三公”经费合计", "8.50", "因公出国（境）费", "1.50"],
                            ["公务用车购置费", "0.00", "公务用车运行维护费", "4.80"],
                            ["公务接待费", "2.20", None, None]])
    out = r.data["outlays"]
    assert out["total"]["actual"] == D("8.50") and out["outbound"]["actual"] == D("1.50")
    assert out["vehicle_purchase"]["actual"] == D("0.00")
    assert out["vehicle_operation"]["actual"] == D("4.80")
    assert r.sources["outlays.vehicle_operation.actual"] == "三公.xlsx!表7!D4"
    assert errors(r) == []


def test_inconsistent_tables_are_error_findings_naming_cells(tmp_path):
    sheets = F.putuo_sheets()
    name, rows, merges = sheets[0]
    rows = [list(r) for r in rows]
    for r in rows:
        if r and r[0] == "本年收入合计":
            r[1] = "2,956.25"          # 10.00 off its rows
    sheets[0] = (name, rows, merges)
    t6_name, t6, t6_merges = sheets[3]
    t6 = [list(r) for r in t6]
    footer = next(r for r in t6 if "人员经费合计" in r)
    footer[3] = "2,162.26"            # 人员经费合计 ≠ 301 + 303
    sheets[3] = (t6_name, t6, t6_merges)
    r = import_files([F.write_xlsx(tmp_path / "错.xlsx", sheets)])
    msgs = {f.cells[0]: f.message for f in errors(r)}
    assert "错.xlsx!表一!B33" in msgs and "相差 10.00 万元" in msgs["错.xlsx!表一!B33"]
    assert "错.xlsx!表六!D29" in msgs and "301+303" in msgs["错.xlsx!表六!D29"]
    # a cross-table check too: 人员 + 公用 ≠ table 5's 基本支出
    assert any("基本支出" in f.message and "表五!D4" in f.cells[0] for f in errors(r))


def test_prior_year_files_fill_prior(tmp_path, putuo):
    prior_sheets = [(n, [[v.replace("2024", "2023") if isinstance(v, str) else v for v in row]
                         for row in rows], m) for n, rows, m in F.putuo_sheets()]
    prior = F.write_xlsx(tmp_path / "上年.xlsx", prior_sheets)
    r = import_files([putuo], prior=[prior])
    assert r.data["expenditure"]["total"]["prior"] == D("2940.05")
    assert r.sources["expenditure.total.prior"] == "上年.xlsx!表五!C4"
    assert {e["code"]: e["prior"] for e in r.data["economic_classification"]}["301"] == \
        D("2082.85")
    assert not any(f.code == "IMPORT_PRIOR_YEAR" for f in r.findings)


def test_econ_detail_adds_five_digit_rows(putuo):
    plain = import_files([putuo])
    detail = import_files([putuo], econ_detail=True)
    codes = {e["code"]: e["actual"] for e in detail.data["economic_classification"]}
    assert len(plain.data["economic_classification"]) == 4
    assert codes["30101"] == D("262.33") and codes["30216"] == D("4.05")
    assert codes["30103"] is None        # 奖金: printed blank, stays blank


def test_what_the_tables_do_not_hold_is_listed(putuo):
    r = import_files([putuo])
    for path in ("department.staff_authorized", "procurement.budget", "fixed_assets.total",
                 "projects", "key_tasks", "narrative", "expenditure.total.budget_initial"):
        assert path in r.missing
    listed = next(f for f in r.findings if f.code == "IMPORT_NOT_IN_TABLES")
    assert "编制数" in listed.message and "固定资产总额" in listed.message
    assert r.data["department"]["staff_authorized"] is None


def test_ambiguous_duplicate_tables_are_not_guessed(tmp_path, putuo):
    sheets = F.putuo_sheets()
    other = F.t5_rows()
    rows = [list(r) for r in other[0]]
    rows[3][2] = 2950.05               # a second, different 表五
    extra = F.write_xlsx(tmp_path / "另一份.xlsx", [F.on_sheet("表五", (rows, other[1]))])
    r = import_files([F.write_xlsx(tmp_path / "a.xlsx", sheets), extra])
    assert r.data["expenditure"]["total"]["actual"] is None
    amb = [f for f in errors(r) if f.code == "IMPORT_AMBIGUOUS_TABLE"]
    assert len(amb) == 1 and len(amb[0].cells) == 2


def test_a_title_matching_two_tables_is_a_finding(tmp_path, putuo):
    extra = F.write_xlsx(tmp_path / "x.xlsx", [F.on_sheet("S", (
        [["收入决算表及支出决算表"], ["单位：万元"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
         [None, "合计", 1.0, 1.0, None]], []), F.t1_rows())])
    r = import_files([extra])
    assert any(f.code == "IMPORT_AMBIGUOUS_TABLE" and f.cells == ("x.xlsx!S!A1",)
               for f in errors(r))
    assert r.data["income"]["total"]["actual"] == D("2946.25")


def test_a_file_without_juesuan_tables_is_an_input_error(tmp_path, putuo):
    other = F.write_xlsx(tmp_path / "通讯录.xlsx", [("Sheet1", [["姓名", "电话"], ["张三", "123"]], [])])
    with pytest.raises(InputError) as exc:
        import_files([putuo, other])
    assert "通讯录.xlsx" in exc.value.message and "决算表" in exc.value.message


def test_wps_et_and_unknown_files_get_clear_messages(tmp_path):
    et = tmp_path / "决算.et"
    et.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError) as exc:
        import_files([et])
    assert "WPS" in exc.value.message and "xlsx" in exc.value.hint
    junk = tmp_path / "说明.xls"
    junk.write_text("只是一段文字", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_files([junk])
    assert "说明.xls" in exc.value.message


def test_source_files_are_never_written(putuo):
    before = putuo.read_bytes(), putuo.stat().st_mtime_ns
    import_files([putuo])
    assert (putuo.read_bytes(), putuo.stat().st_mtime_ns) == before



def _mof(tmp_path, t2=None):
    sheets = [F.on_sheet("2收入决算表", t2 or F.mof_t2_rows()),
              F.on_sheet("6基本支出", F.mof_t6_rows()), F.on_sheet("7三公", F.mof_t7_rows()),
              F.on_sheet("8政府性基金", F.fund_rows("政府性基金预算财政拨款收入支出决算表", empty=True)),
              F.on_sheet("9国有资本", F.fund_rows("国有资本经营预算财政拨款收入支出决算表"))]
    return F.write_xls(tmp_path / "模板.xls", sheets)


def test_mof_template_layouts(tmp_path):
    r = import_files([_mof(tmp_path)])
    assert_golden(r, {
        # 收入决算表: 合计 typed across the merged code cells, 栏次 row, 项 codes split
        ("income", "total", "actual"): D("120.5"), ("income", "fiscal", "actual"): D(100),
        ("income", "other", "actual"): D("20.5"),
        # three economic panes; 公用经费合计 merged over a whole pane, its amount in the next
        ("expenditure", "personnel", "actual"): D(85),
        ("expenditure", "public", "actual"): D(17),
        # 预算数 | 决算数 above the six 三公 items
        ("outlays", "total", "budget"): D(6), ("outlays", "total", "actual"): D("5.2"),
        ("outlays", "vehicle_purchase", "actual"): D("0.00"),
        ("outlays", "vehicle_operation", "budget"): D(3),
        ("outlays", "reception", "actual"): D("1.5"),
        # 本表无数据 → 0 (the department's own statement); the other fund table has data
        ("other_budgets", "government_fund"): D(0), ("other_budgets", "state_capital"): D(12),
    })
    assert r.sources["expenditure.public.actual"] == "模板.xls!6基本支出!I10"
    assert r.sources["outlays.vehicle_operation.actual"] == "模板.xls!7三公!K7"
    assert r.sources["other_budgets.government_fund"].startswith("模板.xls!8政府性基金!")
    assert {e["code"] for e in r.data["economic_classification"]} == \
        {"301", "302", "303", "307", "310", "399"}
    assert errors(r) == [] and warnings(r) == []


def test_code_tree_and_column_sums_are_checked(tmp_path):
    rows, merges = F.mof_t2_rows()
    rows = [list(r) for r in rows]
    rows[10][4] = 95.50        # 行政运行 本年收入合计 95.50 ≠ 财政拨款 90.50, and 款 ≠ Σ项
    r = import_files([_mof(tmp_path, (rows, merges))])
    cells = {f.cells[0] for f in errors(r)}
    assert "模板.xls!2收入决算表!E11" in cells       # the row: 合计 column ≠ its parts
    assert "模板.xls!2收入决算表!E10" in cells       # 20103 ≠ 2010301 + 2010350


def test_fiscal_scope_adds_the_fund_tables(tmp_path):
    sheets = F.putuo_sheets() + [
        F.on_sheet("表八", F.fund_rows("政府性基金预算财政拨款收入支出决算表")),
        F.on_sheet("表九", F.fund_rows("国有资本经营预算财政拨款收入支出决算表", empty=True))]
    r = import_files([F.write_xlsx(tmp_path / "全.xlsx", sheets)], scope="fiscal")
    # table 4's 合计 column; basic/project = table 5 + 8 + 9 (9 says 无数据)
    assert r.data["expenditure"]["total"]["actual"] == D("2940.05")
    assert r.data["expenditure"]["basic"]["actual"] == D("2338.91")
    assert r.data["expenditure"]["project"]["actual"] == D("613.14")
    assert r.sources["expenditure.basic.actual"].startswith("计算：")
    assert r.data["expenditure"]["personnel"]["actual"] is None   # public only for 一般公共预算
    assert r.data["other_budgets"]["government_fund"] == D(12)
    assert r.data["carryover"]["end"] == D("21.63")


def test_a_figure_printed_in_two_tables_must_agree(tmp_path):
    sheets = F.putuo_sheets()
    name, rows, merges = sheets[1]             # 表四: 本年收入合计 10.00 above table 1's three rows
    rows = [[("2,950.05" if (r and r[0] == "本年收入合计" and i == 1) else v)
             for i, v in enumerate(r)] for r in rows]
    sheets[1] = (name, rows, merges)
    r = import_files([F.write_xlsx(tmp_path / "两表.xlsx", sheets)])
    (f,) = [f for f in errors(r) if "财政拨款收入支出决算总表本年收入合计" in f.message]
    assert f.cells[0].startswith("两表.xlsx!表四!B") and any("表一" in c for c in f.cells)


def test_html_page_with_its_title_above_the_table(tmp_path):
    rows, _merges = F.t5_rows()
    body = "".join("<tr>" + "".join(f"<td>{'' if v is None else v}</td>" for v in r) + "</tr>"
                   for r in rows[1:])
    page = tmp_path / "网页.xls"
    page.write_text("<html><head><style>td {font: 9pt}</style></head><body>"
                    f"<h2>{F.DEPT}2024年度</h2><p>一般公共预算财政拨款支出决算表</p>"
                    f"<table>{body}</table></body></html>", encoding="utf-8")
    r = import_files([page])
    assert r.data["expenditure"]["total"]["actual"] == D("2940.05")
    assert r.data["department"]["name"] == F.DEPT


def test_sangong_with_meeting_and_training_columns(tmp_path):
    head = ["合计", None, "因公出国（境）费", None, "公务用车购置及运行维护费", None, "公务接待费", None,
            "会议费", None, "培训费", None]
    r = _sangong(tmp_path, [["“三公”经费及会议费、培训费支出决算表"], ["单位：万元"], head,
                            ["预算数", "决算数"] * 6,
                            [6.00, 5.00, 1.00, 1.00, 3.00, 2.50, 2.00, 1.50, 4.00, 3.20, 2.00, 1.80]])
    out = r.data["outlays"]
    assert (out["meeting"]["budget"], out["meeting"]["actual"]) == (D(4), D("3.2"))
    assert out["training"]["actual"] == D("1.8")
    assert out["total"]["actual"] == D(5)
    # no 购置/运行 columns at all: the split is unknown on both sides
    assert out["vehicle_purchase"]["actual"] is None
    assert {f.code for f in warnings(r)} == {"IMPORT_SPLIT_UNKNOWN"}
    assert errors(r) == []
