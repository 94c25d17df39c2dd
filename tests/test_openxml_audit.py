"""Both workbook flavours, empty and filled, and the report validate against the OOXML schemas.

openxml-audit is a Python port of Microsoft's Open XML SDK validator (schema and
semantic checks, Office 2019). Excel repairs or refuses what fails these.
"""

from __future__ import annotations

import pytest
from openxml_audit import OpenXmlValidator
from support import ROOT, run_cli

from xlpkg.read.data_file import read_data_file
from xlpkg.workbook.build import workbook_bytes


def _errors(path) -> list[str]:
    result = OpenXmlValidator().validate(str(path))
    return [str(e) for e in result.errors]


def test_the_validator_finds_a_planted_error(tmp_path):
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(workbook_bytes(None, "xlsx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><bogus/>", 1)
            dst.writestr(info, data)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(out.getvalue())
    assert _errors(bad)


@pytest.mark.parametrize("flavour", ["xlsm", "xlsx"])
@pytest.mark.parametrize("filled", [False, True], ids=["template", "filled"])
def test_workbooks_validate_with_no_error(tmp_path, example_path, flavour, filled):
    path = tmp_path / f"book.{flavour}"
    path.write_bytes(workbook_bytes(read_data_file(example_path) if filled else None, flavour))
    assert _errors(path) == []


def test_the_committed_templates_and_the_report_validate(tmp_path, example_path):
    report = tmp_path / "report.docx"
    code, _, err = run_cli("report", example_path, "-o", report, guard=120)
    assert code == 0, err
    for path in (ROOT / "workbook" / "template.xlsm", ROOT / "workbook" / "template.xlsx",
                 *sorted((ROOT / "word_templates").glob("*.docx")), report):
        assert _errors(path) == [], path.name
