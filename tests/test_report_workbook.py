"""The same report text from the YAML file and from the workbook filled with it."""

from __future__ import annotations

import yaml
from docx_text import texts
from support import EXAMPLE
from unseen import UNSEEN

from xlpkg.cli import main


def test_yaml_and_filled_workbook_give_the_same_report(tmp_path):
    book = tmp_path / "anhua.xlsm"
    assert main(["fill", str(EXAMPLE), "-o", str(book)]) == 0
    assert main(["report", str(EXAMPLE), "-o", str(tmp_path / "from_yaml.docx")]) == 0
    assert main(["report", str(book), "-o", str(tmp_path / "from_book.docx")]) == 0
    from_yaml = texts((tmp_path / "from_yaml.docx").read_bytes())
    from_book = texts((tmp_path / "from_book.docx").read_bytes())
    assert from_book == from_yaml
    assert any("较上年减少11.26万元，减少3.64%" in t for t in from_book)


def test_unseen_department_same_text_from_workbook(tmp_path):
    data = tmp_path / "unseen.yaml"
    data.write_text(yaml.safe_dump(UNSEEN, allow_unicode=True), encoding="utf-8")
    book = tmp_path / "unseen.xlsm"
    assert main(["fill", str(data), "-o", str(book)]) == 0
    assert main(["report", str(data), "-o", str(tmp_path / "a.docx")]) == 0
    assert main(["report", str(book), "-o", str(tmp_path / "b.docx")]) == 0
    from_yaml = texts((tmp_path / "a.docx").read_bytes())
    assert texts((tmp_path / "b.docx").read_bytes()) == from_yaml
    joined = "\n".join(from_yaml)
    assert "预算执行率98.08%" in joined and "控制率104.00%" in joined
