"""What each command imports and parses: heavy modules only where they are used
(issue 17). Module lists and call counts, never timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import EXAMPLE, ROOT

from xlpkg.read import rules_file

HEAVY = ("yaml", "docx", "lxml", "docxtpl", "jinja2", "pandas", "matplotlib", "openpyxl",
         "tomllib", "xlpkg.core.scoring",
         # dataclasses compiles methods per class and imports inspect (xlpkg.core.record)
         "dataclasses", "inspect")


def _modules_after(*argv: str, cwd: Path) -> dict:
    code = ("import json, sys; from xlpkg.cli import main; code = main(sys.argv[1:]); "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                         check=True, cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout
    return json.loads(out.strip().splitlines()[-1])


def _book(tmp_path: Path) -> Path:
    from xlpkg.cli import main

    book = tmp_path / "book.xlsm"
    assert main(["fill", str(EXAMPLE), "-o", str(book)]) == 0
    return book


def test_check_of_a_workbook_reads_no_yaml_and_scores_nothing(tmp_path):
    book = _book(tmp_path)
    assert _modules_after("check", str(book), cwd=tmp_path) == []


def test_report_of_a_workbook_needs_neither_python_docx_nor_yaml(tmp_path):
    book = _book(tmp_path)
    loaded = _modules_after("report", str(book), "-o", str(tmp_path / "r.docx"), cwd=tmp_path)
    # scoring them; the shipped rules come pre-parsed (no TOML parser)
    assert loaded == ["xlpkg.core.scoring"]


def test_a_yaml_data_file_still_loads_yaml(tmp_path):
    assert "yaml" in _modules_after("check", str(EXAMPLE), cwd=tmp_path)


def test_rules_parsed_once_per_file_version(tmp_path, monkeypatch):
    rules_file.default_project_rules()   # the shared [project] table, cached on its own
    calls = []
    real = rules_file.parse_rules
    monkeypatch.setattr(rules_file, "parse_rules", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(rules_file, "_PARSED", {})
    first = rules_file.load_rules(None)
    assert rules_file.load_rules(None) is first and len(calls) == 1
    path = tmp_path / "r.toml"
    text = rules_file.default_rules_path().read_text("utf-8")
    path.write_text(text, "utf-8")
    rules_file.load_rules(path)
    rules_file.load_rules(path)
    assert len(calls) == 2
    path.write_text(text.replace('name = "', 'name = "改 ', 1), "utf-8")   # a new version
    assert rules_file.load_rules(path).name.startswith("改")
    assert len(calls) == 3
