"""Batch: every good workbook gets a report, every bad one a row with its reason."""

import hashlib
import io
import json

import openpyxl
import pytest
from departments import department, with_mistakes

from xlpkg.batch.runner import MANIFEST, REPORTS, SUMMARY, Progress, find_workbooks, run_batch
from xlpkg.core.model import from_mapping
from xlpkg.workbook.build import fill_workbook


def make_folder(root, datasets):
    paths = []
    for rel, data in datasets.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fill_workbook(from_mapping(data), path)
        paths.append(path)
    return paths


def sheet_rows(path, title):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[title].iter_rows(values_only=True))
    wb.close()
    return rows


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("in")
    hostile = department(7)
    hostile["department"]["name"] = "=HYPERLINK(\"http://x\",\"点我\")"
    make_folder(root, {"a/甲.xlsm": department(1), "b.xlsm": with_mistakes(2),
                       "c/d/丙.xlsm": hostile})
    (root / "坏文件.xlsx").write_bytes(b"name,amount\n\xe5\x8a\x9e,1\n")   # a CSV renamed
    (root / "~$甲.xlsm").write_bytes(b"lock")                              # Excel's lock file
    return root


def test_batch_isolates_bad_files_and_summarises_all(folder, tmp_path):
    before = {p: digest(p) for p in folder.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    result = run_batch(folder, out, jobs=2, progress=False)
    assert [r["file"] for r in result.rows] == ["a/甲.xlsm", "b.xlsm", "c/d/丙.xlsm"]
    assert [f["file"] for f in result.failures] == ["坏文件.xlsx"]
    assert "不是 Excel 工作簿" in result.failures[0]["reason"]
    reports = sorted(p.name for p in (out / REPORTS).glob("*.docx"))
    assert len(reports) == 3 and all(r.endswith("部门整体支出绩效自评报告.docx") for r in reports)
    tables = sorted(p.name for p in (out / REPORTS).glob("*.xlsx"))    # the submission tables
    assert tables == sorted(r.replace("部门整体支出绩效自评报告.docx", "绩效自评表格.xlsx")
                            for r in reports)
    assert not (out / ".staging").exists()
    # the summary: one row per department, findings with cells, the failure and why
    rows = sheet_rows(out / SUMMARY, "汇总")
    assert rows[0][0] == "单位" and len(rows) == 4
    by_file = {r[-1]: r for r in rows[1:]}
    assert by_file["b.xlsm"][11] >= 1                         # 错误数 of the planted mistake
    assert by_file["a/甲.xlsm"][11] == 0
    findings = sheet_rows(out / SUMMARY, "校验结果")
    planted = [r for r in findings[1:] if r[-1] == "b.xlsm" and r[2] == "SUM_MISMATCH"]
    assert planted and "!" in planted[0][4]                   # names the sheet!cell
    failed = sheet_rows(out / SUMMARY, "无法读取")
    assert failed[1][0] == "坏文件.xlsx"
    # inputs never modified
    assert {p: digest(p) for p in folder.rglob("*") if p.is_file()} == before


def test_summary_text_is_never_a_formula(folder, tmp_path):
    out = tmp_path / "out"
    run_batch(folder, out, jobs=1, progress=False)
    wb = openpyxl.load_workbook(out / SUMMARY)
    cells = [c for row in wb["汇总"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_rerun_skips_unchanged_and_force_redoes(folder, tmp_path):
    out = tmp_path / "out"
    run_batch(folder, out, jobs=2, progress=False)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["entries"]) == {"a/甲.xlsm", "b.xlsm", "c/d/丙.xlsm", "坏文件.xlsx"}
    again = run_batch(folder, out, jobs=2, progress=False)
    assert again.skipped == 4 and len(again.rows) == 3 and len(again.failures) == 1
    forced = run_batch(folder, out, jobs=2, force=True, progress=False)
    assert forced.skipped == 0
    assert len(list((out / REPORTS).iterdir())) == 6        # same names, not (2) copies


def test_find_workbooks_ignores_lock_files_and_the_output(tmp_path):
    for rel in ("a/甲.xlsm", "b.xlsm", "c/d/丙.xlsx", "~$甲.xlsm", "输出/x.xlsx", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"PK")
    names = [p.relative_to(tmp_path).as_posix()
             for p in find_workbooks(tmp_path, tmp_path / "输出")]
    assert names == ["a/甲.xlsm", "b.xlsm", "c/d/丙.xlsx"]


def test_same_department_twice_gets_two_reports(tmp_path):
    src = tmp_path / "in"
    make_folder(src, {"1.xlsm": department(3), "2.xlsm": department(3)})
    result = run_batch(src, tmp_path / "out", jobs=2, progress=False)
    names = [r["report"] for r in result.rows]
    assert names[1] == names[0].replace(".docx", "(2).docx")


def test_progress_bar_counts_and_eta():
    stream = io.StringIO()
    bar = Progress(4, stream=stream, enabled=True)
    bar.advance()
    bar.advance(failed=True)
    line = bar.line()
    assert "2/4" in line and "50%" in line and "失败 1" in line and "预计剩余" in line
    quiet = Progress(4, stream=io.StringIO())      # not a terminal: silent
    quiet.advance()
    assert quiet.stream.getvalue() == ""


def test_summary_line_counts_this_run_only(folder, tmp_path, capsys):
    out = tmp_path / "out"
    run_batch(folder, out, jobs=2, progress=False)
    first = capsys.readouterr().err.splitlines()[-1]
    assert "本次处理 4 个文件" in first and "汇总表共 3 个单位（另有 1 个文件无法读取）" in first
    run_batch(folder, out, jobs=2, progress=False)
    again = capsys.readouterr().err.splitlines()[-1]
    assert "没有需要处理的新文件，4 个未变化已跳过" in again


def crash_on_b(path, staging, key, rules):
    """A worker function that dies outright on one file, like an out-of-memory kill."""
    import os

    if path.endswith("b.xlsm"):
        os._exit(1)
    return {"failure": f"ok {path}"}


def test_a_crashing_worker_fails_only_its_own_file(tmp_path):
    from xlpkg.batch.runner import CRASHED, _run_pool

    todo = [(name, tmp_path / name, f"{i:06d}") for i, name in
            enumerate(["a.xlsm", "b.xlsm", "c.xlsm", "d.xlsm"])]
    outcomes = dict(_run_pool(todo, tmp_path, None, 2, work=crash_on_b))
    assert sorted(outcomes) == ["a.xlsm", "b.xlsm", "c.xlsm", "d.xlsm"]
    assert outcomes["b.xlsm"] == {"failure": CRASHED, "transient": True}   # retried next run
    assert all(outcomes[n]["failure"].startswith("ok ") for n in ("a.xlsm", "c.xlsm", "d.xlsm"))
