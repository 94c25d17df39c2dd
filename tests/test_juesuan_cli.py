"""``xlpkg import`` on the command line: provenance JSON, YAML with source comments,
workbook output, --force, exit 2 for files without 决算 tables, and import → report."""

import json

import juesuan_factory as F
import pytest
import yaml
from support import run_cli

from xlpkg.read.data_file import read_data_file


@pytest.fixture
def putuo(tmp_path):
    return F.write_xlsx(tmp_path / "普陀.xlsx", F.putuo_sheets())


def xlpkg(*args):
    return run_cli(*map(str, args), guard=120)


def test_json_prints_data_sources_and_findings(putuo):
    code, out, err = xlpkg("import", putuo, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {"data", "sources", "findings"} <= set(doc)
    assert doc["data"]["expenditure"]["total"]["actual"] == 2940.05
    assert doc["sources"]["expenditure.total.actual"] == "普陀.xlsx!表五!C4"
    assert doc["sources"]["outlays.total.actual"] == "普陀.xlsx!表七!B6"
    for f in doc["findings"]:
        assert set(f) >= {"code", "severity", "message", "fields", "cells"}
        for cell in f["cells"]:
            assert cell.count("!") == 2 and cell.startswith("普陀.xlsx!")
    assert "已导入 5 张表" in err


def test_yaml_output_carries_sources_and_feeds_report(tmp_path, putuo):
    data = tmp_path / "普陀.yaml"
    code, _, err = xlpkg("import", putuo, "-o", data)
    assert code == 0, err
    text = data.read_text(encoding="utf-8")
    assert "actual: 2940.05  # 来源：普陀.xlsx!表五!C4" in text
    assert "编制数" in text.split("department:")[0]       # the header lists what is missing
    assert yaml.safe_load(text)["expenditure"]["personnel"]["actual"] == 2152.26
    ds = read_data_file(data)
    assert ds.expenditure["basic"].actual.value is not None and not ds.read_findings
    # an existing output is not replaced without --force
    code, _, err = xlpkg("import", putuo, "-o", data)
    assert code == 2 and "已存在" in err
    assert xlpkg("import", putuo, "-o", data, "--force")[0] == 0
    report = tmp_path / "报告.docx"
    code, _, err = xlpkg("report", data, "-o", report)
    assert code == 0, err
    assert report.stat().st_size > 10_000


def test_workbook_output_feeds_report(tmp_path, putuo):
    book = tmp_path / "普陀.xlsm"
    code, _, err = xlpkg("import", putuo, "-o", book)
    assert code == 0, err
    code, out, err = xlpkg("export", book)
    assert code == 0, err
    exported = yaml.safe_load(out)
    assert exported["expenditure"]["total"]["actual"] == 2940.05
    assert exported["outlays"]["total"]["budget"] == 5
    report = tmp_path / "r.docx"
    assert xlpkg("report", book, "-o", report)[0] == 0 and report.is_file()


def test_json_data_file_output(tmp_path, putuo):
    out_file = tmp_path / "d.json"
    assert xlpkg("import", putuo, "-o", out_file)[0] == 0
    assert json.loads(out_file.read_text(encoding="utf-8"))["income"]["total"]["actual"] == 2946.25


def test_no_juesuan_table_is_exit_2_in_chinese(tmp_path):
    other = F.write_xlsx(tmp_path / "名单.xlsx", [("Sheet1", [["姓名"], ["张三"]], [])])
    code, out, err = xlpkg("import", other)
    assert code == 2 and out == ""
    assert "名单.xlsx" in err and "决算表" in err and "Traceback" not in err
    et = tmp_path / "表.et"
    et.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    code, _, err = xlpkg("import", et)
    assert code == 2 and "另存为 .xlsx" in err


def test_output_may_not_be_an_input(putuo):
    code, _, err = xlpkg("import", putuo, "-o", putuo, "--force")
    assert code == 2 and "输入文件本身" in err


def test_strict_exit_code_on_error_findings(tmp_path):
    sheets = F.putuo_sheets()
    name, rows, merges = sheets[0]
    rows = [[("2,956.25" if v == "2,946.25" else v) for v in r] for r in rows]
    bad = F.write_xlsx(tmp_path / "错.xlsx", [(name, rows, merges)] + sheets[1:])
    assert xlpkg("import", bad, "--json")[0] == 0
    assert xlpkg("import", bad, "--json", "--strict")[0] == 1


def test_xlsx_output_is_the_portable_workbook_or_a_clear_refusal(tmp_path, putuo):
    import inspect

    from xlpkg.workbook import build

    book = tmp_path / "工作簿.xlsx"
    code, _, err = xlpkg("import", putuo, "-o", book)
    if "flavour" in inspect.signature(build.workbook_bytes).parameters:
        assert code == 0, err
        assert b"vbaProject.bin" not in book.read_bytes()
        code, out, err = xlpkg("export", book)
        assert code == 0 and yaml.safe_load(out)["income"]["total"]["actual"] == 2946.25
    else:
        assert code == 2 and ".xlsm" in err and not book.exists()


@pytest.mark.parametrize("name, data", [
    ("坏.xlsx", b"PK\x03\x04" + b"\x00" * 200),                       # a broken zip
    ("坏.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8),   # broken BIFF
    ("坏2.xls", (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
                 b'spreadsheet"><Worksheet')),                             # cut-off SpreadsheetML
    ("空.xls", b""),
])
def test_damaged_files_are_exit_2_naming_the_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = xlpkg("import", path)
    assert code == 2 and out == ""
    assert name in err and "Traceback" not in err and "处理失败" not in err
    assert path.read_bytes() == data


def test_truncated_real_workbook_is_exit_2(tmp_path, putuo):
    cut = tmp_path / "截断.xlsx"
    cut.write_bytes(putuo.read_bytes()[: putuo.stat().st_size // 2])
    code, _, err = xlpkg("import", cut)
    assert code == 2 and "截断.xlsx" in err and "处理失败" not in err
