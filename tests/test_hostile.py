"""Messy and hostile input (issue 7): every command, every file of ``fuzz/make_corpus.py``.

Each corpus file is refused (exit 2, a Chinese message naming the file) or read
(exit 0, findings naming their cells); no command prints a traceback, writes to
an input, leaves a temporary file behind, or reads anything outside the workbook.
Commands run in-process (``xlpkg.cli.main``) except where a real process matters:
``--debug``, a closed pipe, the audit hook and the hang guard (subprocess timeout).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support import ROOT, run_cli

from xlpkg.errors import OutputError

_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "fuzz" / "make_corpus.py")
make_corpus = sys.modules.setdefault("make_corpus", importlib.util.module_from_spec(_spec))
if not hasattr(make_corpus, "build_corpus"):
    _spec.loader.exec_module(make_corpus)

# A real process on a file that is not what it claims must end long before this; the
# bound only turns a hang into a failure (the measured times are in docs/benchmarks.md).
HANG_GUARD = 10
NOT_WHAT_THEY_CLAIM = ("random.xlsx", "old.xls", "old-renamed.xlsx", "table.csv.xlsx",
                       "encrypted.xlsx", "truncated.xlsm", "empty.xlsx", "folder.xlsx",
                       "bomb-1GiB-strings.xlsm")
# Slow on purpose (about half a second to a second each): `check` covers them; the other
# commands share the same reader and skip them to keep this file quick.
SLOW = {"deep-nesting.xlsm", "many-strings.xlsm", "many-names.xlsm", "deep.yaml",
        "bomb-lying-sizes.xlsm"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    cases = make_corpus.build_corpus(folder)
    return folder, {c.name: c for c in cases}


def run(*args) -> tuple[int, str, str]:
    return run_cli(*args, guard=3 * HANG_GUARD)


def fingerprint(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: content hash and mtime (inputs are never written)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out[path.relative_to(folder).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        else:
            out[path.relative_to(folder).as_posix()] = ("dir",)
    return out


def assert_clean(code: int, err: str) -> None:
    assert code in (0, 1, 2), code
    assert "Traceback" not in err and "处理失败" not in err, err


def expect(case, code: int, err: str, path: Path) -> list[str]:
    """What is wrong with one command's outcome on one corpus file (empty: all right)."""
    problems = []
    if "Traceback" in err or "处理失败" in err:
        problems.append(f"{case.name}: unexpected failure: {err[:300]}")
    if case.expect == "refused":
        if code != 2 or case.message not in err or path.name not in err:
            problems.append(f"{case.name}: want exit 2 with “{case.message}”, got {code}: "
                            f"{err[:300]}")
    elif code != 0:
        problems.append(f"{case.name}: want exit 0, got {code}: {err[:300]}")
    return problems


# ---------------------------------------------------------------- every file, every command


def test_check_refuses_or_reports_every_corpus_file_with_its_cells(corpus):
    folder, cases = corpus
    before = fingerprint(folder)
    problems = []
    for case in cases.values():
        path = folder / case.name
        code, out, err = run("check", path, "--json")
        problems += expect(case, code, err, path)
        if case.expect == "read" and code == 0:
            findings = json.loads(out)["findings"]
            codes = {f["code"] for f in findings}
            cells = {c for f in findings for c in f["cells"]}
            problems += [f"{case.name}: no {c}" for c in case.codes if c not in codes]
            problems += [f"{case.name}: no finding at {c}" for c in case.cells if c not in cells]
    assert problems == []
    assert fingerprint(folder) == before    # nothing written, nothing left behind


@pytest.mark.parametrize("command", [("export", "--json"), ("score",)])
def test_export_and_score_refuse_or_read_every_corpus_file(corpus, command):
    folder, cases = corpus
    before = fingerprint(folder)
    problems = []
    for case in cases.values():
        if case.name in SLOW:
            continue
        path = folder / case.name
        code, out, err = run(command[0], path, *command[1:])
        problems += expect(case, code, err, path)
        if command == ("export", "--json") and code == 0:
            data = json.loads(out)
            for field, value in case.values:
                if field == "projects.count":
                    got = str(len(data["projects"]))
                elif field == "department.name":
                    got = data["department"]["name"]
                elif field == "narrative.longest":
                    got = str(max(len(t) for texts in data["narrative"].values() for t in texts))
                else:
                    got = _exported(data, field)
                if got != value and not _same_number(got, value):
                    problems.append(f"{case.name}: {field} = {got!r}, want {value!r}")
    assert problems == []
    assert fingerprint(folder) == before


def _exported(data: dict, field: str) -> str:
    from xlpkg.read.workbook_read import SCALAR_PATHS

    value = data
    for key in SCALAR_PATHS[field]:
        value = value[key]
    return str(value)


def _same_number(got: str, want: str) -> bool:
    try:
        return Decimal(got) == Decimal(want)
    except ArithmeticError:
        return False


def test_report_and_fill_refuse_or_write_for_every_corpus_file(corpus, tmp_path):
    folder, cases = corpus
    before = fingerprint(folder)
    problems = []
    for case in cases.values():
        if case.name in SLOW:
            continue
        path = folder / case.name
        for args in (("report", path, "-o", tmp_path / "r.docx", "--force"),
                     ("fill", path, "-o", tmp_path / "f.xlsm", "--force")):
            (tmp_path / "r.docx").unlink(missing_ok=True)
            (tmp_path / "f.xlsm").unlink(missing_ok=True)
            code, _, err = run(*args)
            problems += [f"{args[0]} {p}" for p in expect(case, code, err, path)]
            written = tmp_path / ("r.docx" if args[0] == "report" else "f.xlsm")
            if (code == 0) != written.is_file():
                problems.append(f"{args[0]} {case.name}: exit {code} but output exists: "
                                f"{written.is_file()}")
    assert problems == []
    assert fingerprint(folder) == before
    leftovers = {p.name for p in tmp_path.iterdir()} - {"r.docx", "f.xlsm"}
    assert leftovers == set()   # no temporary files left behind


def test_vba_update_refuses_hostile_books_untouched_and_backs_up_good_ones(corpus, tmp_path):
    folder, _ = corpus
    names = ["good.xlsm", "random.xlsx", "encrypted.xlsm", "truncated.xlsm", "document.xlsx",
             "bomb-1GiB-strings.xlsm", "members-12000.xlsm", "xxe-workbook.xlsm",
             "laughs-sheet.xlsm", "zip-password.xlsx", "injection.json", "old.xls"]
    for name in names:
        work = tmp_path / name
        shutil.copy(folder / name, work)
        original = work.read_bytes()
        code, out, err = run("vba-update", work)
        assert_clean(code, err)
        backups = sorted(tmp_path.glob(f"{work.stem}.bak-*"))
        if name == "good.xlsm":
            assert code == 0, err
            assert len(backups) == 1 and backups[0].read_bytes() == original
            assert "已备份" in out
            with zipfile.ZipFile(work) as z:   # still a workbook, every other member intact
                assert z.testzip() is None
        else:
            assert code == 2, (name, err)
            assert name in err, err
            assert backups == [] and work.read_bytes() == original
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_batch_turns_every_hostile_file_into_a_row_and_writes_text_as_text(corpus, tmp_path):
    folder, cases = corpus
    before = fingerprint(folder)
    out = tmp_path / "out"
    code, _, err = run("batch", folder, "-o", out, "--jobs", "2")
    assert_clean(code, err)
    assert code == 0
    assert fingerprint(folder) == before
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    failed = {row[0].value: row[1].value for row in wb["无法读取"].iter_rows(min_row=2)}
    workbooks = {n: c for n, c in cases.items()
                 if n.endswith((".xlsx", ".xlsm")) and (folder / n).is_file()}
    for name, case in workbooks.items():
        if case.expect == "refused":
            assert name in failed, name
            assert case.message in failed[name], (name, failed[name])
        else:
            assert name not in failed, (name, failed.get(name))
    # a department called "=cmd|' /C calc'!A0" is a text cell, not a formula (formula injection)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert any(c.value == make_corpus.FORMULA_INJECTIONS[0] for c in cells)
    assert all(c.data_type == "s" for c in cells)
    assert not list(out.rglob("*.tmp")) and not (out / ".staging").exists()


# ---------------------------------------------------------------- what was read


def test_typed_numbers_in_a_filled_template_and_their_cells(corpus):
    from xlpkg.read.workbook_read import read_workbook

    folder, _ = corpus
    ds = read_workbook(folder / "typed-values.xlsm")
    exp = ds.expenditure
    assert exp["basic"].actual.value == Decimal("298.18")
    assert exp["basic"].actual.cell == "收支情况!E11"
    assert exp["public"].actual.value == Decimal("32.67")
    assert exp["personnel"].actual.value == Decimal("265.50")
    assert exp["total"].budget_final.value == Decimal("1234.50")
    assert ds.department.year.value == 2023 and ds.department.staff_actual.value == 25
    assert ds.carry_end.value is None and ds.fa_in_use.value == Decimal("12.5")
    unreadable = {f.fields[0]: f for f in ds.read_findings if f.code == "UNREADABLE_VALUE"}
    chinese = unreadable["out_reception_actual"]
    assert chinese.severity == "error" and chinese.cells == ("“三公”经费!D8",)
    assert "十五点九五" in chinese.message and "中文数字" in chinese.message
    assert "已跳过" in chinese.message
    ref = unreadable["exp_project_actual"]
    assert ref.cells == ("收支情况!E14",) and "#REF!" in ref.message
    assert "#DIV/0!" in unreadable["out_meeting_actual"].message
    assert "#N/A" in unreadable["out_training_actual"].message
    assert "见附件" in unreadable["proc_budget"].message
    assert exp["project"].actual.value is None and ds.outlays["reception"].actual.value is None
    no_result = [f for f in ds.read_findings if f.code == "FORMULA_NO_RESULT"]
    assert [f.cells for f in no_result] == [("收支情况!E10",)]


def test_odd_stored_numbers_become_findings_not_crashes(corpus):
    from xlpkg.core.checks import run_checks
    from xlpkg.read.workbook_read import read_workbook

    folder, _ = corpus
    ds = read_workbook(folder / "odd-numbers.xlsm")
    unreadable = {f.cells[0]: f.message for f in ds.read_findings if f.code == "UNREADABLE_VALUE"}
    assert "数值过大" in unreadable["收支情况!B11"]           # 1e308
    assert "不是有效数字" in unreadable["收支情况!B13"]       # NaN
    assert "“abc”不是数字" in unreadable["收支情况!B14"]      # text stored as a number
    assert "逻辑值" in unreadable["收支情况!B12"]
    assert "数值过小" in unreadable["收支情况!E6"]            # 1e-300
    long_text = unreadable["“三公”经费!B4"]
    assert "共 5000 个字符" in long_text and len(long_text) < 200   # quoted short, not copied
    run_checks(ds)   # the rules that remain run to the end


def test_older_template_gets_one_finding_listing_the_missing_names(corpus):
    folder, _ = corpus
    code, out, err = run("check", folder / "old-template.xlsm", "--json")
    assert code == 0, err
    missing = [f for f in json.loads(out)["findings"] if f["code"] == "WORKBOOK_NAMES_MISSING"]
    assert len(missing) == 1
    for name in ("out_training_actual", "gf_actual", "ssf_actual", "tbl_scores"):
        assert name in missing[0]["message"]
    assert "xlpkg fill" in missing[0]["message"]


def test_renamed_sheets_keep_the_names_and_findings_use_the_new_sheet_names(corpus):
    from xlpkg.read.workbook_read import read_workbook

    folder, _ = corpus
    ds = read_workbook(folder / "renamed-and-extra-sheets.xlsm")
    assert ds.expenditure["personnel"].actual.cell == "2023 收支（决算）!E12"
    assert ds.department.name.cell == "Bob's 基本!B5"
    assert ds.department.name.value == "安化县总工会"
    good = read_workbook(folder / "good.xlsm")
    from xlpkg.core.model import to_mapping

    assert to_mapping(ds) == to_mapping(good)    # the unknown sheet changed nothing


# ---------------------------------------------------------------- nothing from outside


_AUDIT = """
import json, sys
seen = []
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        seen.append(("open", str(args[0])))
    elif event.startswith(("socket.", "urllib.")):
        seen.append((event, str(args[:2])))
sys.addaudithook(hook)
from xlpkg.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\n@@" + json.dumps({"code": code, "seen": seen}))
"""


def test_xml_attacks_read_nothing_outside_the_workbook(corpus):
    folder, cases = corpus
    canary = str((folder / "canary.txt").resolve())
    names = [n for n in cases if n.startswith(("xxe-", "laughs-", "quadratic", "rels-"))]
    assert len(names) >= 12
    for name in names:
        proc = subprocess.run([sys.executable, "-c", _AUDIT, "check", str(folder / name)],
                              capture_output=True, text=True, timeout=60, check=False)
        report = json.loads(proc.stdout.rsplit("@@", 1)[1])
        opened = [arg for event, arg in report["seen"] if event == "open"]
        assert not [p for p in opened if p in (canary, "/etc/passwd")
                    or p.endswith("canary.txt")], name
        assert not [e for e, _ in report["seen"] if e != "open"], (name, report["seen"])
        assert make_corpus.CANARY_TEXT not in proc.stdout + proc.stderr
        assert "root:" not in proc.stdout + proc.stderr
        assert report["code"] in (0, 2) and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- real processes


def test_files_that_are_not_what_they_claim_end_quickly_in_a_real_process(corpus):
    folder, cases = corpus
    for name in NOT_WHAT_THEY_CLAIM:
        proc = subprocess.run([sys.executable, "-m", "xlpkg.cli", "check", str(folder / name)],
                              capture_output=True, text=True, timeout=HANG_GUARD, check=False)
        assert proc.returncode == 2, (name, proc.stderr)
        assert cases[name].message in proc.stderr and name in proc.stderr
        assert "Traceback" not in proc.stderr
    encrypted = subprocess.run([sys.executable, "-m", "xlpkg.cli", "report",
                                str(folder / "encrypted.xlsx")], capture_output=True, text=True,
                               timeout=HANG_GUARD, check=False)
    assert "encrypted.xlsx：文件已加密，请先取消密码保护" in encrypted.stderr


def test_debug_shows_the_traceback_and_plain_runs_do_not(corpus):
    folder, _ = corpus
    path = str(folder / "truncated.xlsm")
    plain = subprocess.run([sys.executable, "-m", "xlpkg.cli", "check", path],
                           capture_output=True, text=True, timeout=60, check=False)
    debug = subprocess.run([sys.executable, "-m", "xlpkg.cli", "check", path, "--debug"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "InputError" in debug.stderr


def test_a_closed_pipe_is_not_an_error(corpus, tmp_path):
    folder, _ = corpus
    for args in (("check", folder / "good.xlsm"), ("export", folder / "good.xlsm")):
        err = tmp_path / "err.txt"
        with err.open("w") as fh:
            proc = subprocess.Popen([sys.executable, "-m", "xlpkg.cli", *map(str, args)],
                                    stdout=subprocess.PIPE, stderr=fh)
            proc.stdout.close()              # like `| head -0`: nobody reads any of it
            code = proc.wait(timeout=60)
        text = err.read_text(encoding="utf-8")
        assert code == 0 and text == "", text
    shell = subprocess.run(f'"{sys.executable}" -m xlpkg.cli check "{folder / "good.xlsm"}" '
                           "| head -1", shell=True, capture_output=True, text=True, timeout=60,
                           check=False)
    assert shell.stdout.startswith("安化县总工会") and shell.stderr == ""


def test_broken_pipe_in_process_returns_quietly(monkeypatch):
    from xlpkg import cli

    def boom(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli.commands, "cmd_check", boom)
    code, _, err = run("check", "whatever.yaml")
    assert code == 0 and err == ""


# ---------------------------------------------------------------- outputs


@pytest.fixture
def data_file(tmp_path) -> Path:
    path = tmp_path / "in" / "数据.json"
    path.parent.mkdir()
    path.write_text(json.dumps(make_corpus.injected_data(), ensure_ascii=False, default=str),
                    encoding="utf-8")
    return path


def _commands(src: Path, out: Path) -> list[tuple]:
    return [("fill", src, "-o", out / "新.xlsm"), ("export", src, "-o", out / "导出.yaml"),
            ("report", src, "-o", out / "报告.docx"), ("template", "-o", out / "模板.xlsm")]


def test_a_missing_output_folder_is_a_clear_error(data_file, tmp_path):
    missing = tmp_path / "没有这个文件夹"
    for args in _commands(data_file, missing)[:3]:
        code, _, err = run(*args)
        assert code == 2 and "输出文件夹不存在" in err and str(missing) in err, err
    assert not missing.exists()


def test_an_output_path_that_is_a_folder_is_a_clear_error(data_file, tmp_path):
    folder = tmp_path / "结果.xlsm"
    folder.mkdir()
    for args in (("fill", data_file, "-o", folder, "--force"),
                 ("export", data_file, "-o", folder, "--force")):
        code, _, err = run(*args)
        assert code == 2 and "是一个文件夹" in err, err
    assert list(folder.iterdir()) == []


def test_an_output_never_replaces_an_input(data_file, tmp_path, corpus):
    folder, _ = corpus
    book = tmp_path / "book.xlsm"
    shutil.copy(folder / "good.xlsm", book)
    before = fingerprint(tmp_path)
    for args in (("export", book, "-o", book, "--force"), ("report", book, "-o", book, "--force"),
                 ("fill", data_file, "-o", data_file, "--force"),
                 ("fill", book, "-o", book, "--force")):
        code, _, err = run(*args)
        assert code == 2 and "输出文件不能是输入文件本身" in err, err
    assert fingerprint(tmp_path) == before


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` unwritable even for root (immutable), or skip."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if not shutil.which("chattr") or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("running as root and cannot make a folder immutable")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_output_folder_is_a_clear_error(data_file, tmp_path):
    locked = tmp_path / "只读"
    locked.mkdir()
    (locked / "报告.docx").write_bytes(b"old report")
    with read_only(locked):
        for args in _commands(data_file, locked):
            code, _, err = run(*args, "--force") if args[0] != "template" else run(*args)
            assert code == 2 and "xlpkg：" in err, (args[0], err)
            assert "Traceback" not in err and "处理失败" not in err
            assert re.search("写入|权限|无法创建", err), err
        code, _, err = run("batch", data_file.parent, "-o", locked / "批量")
        assert code == 2 and "无法创建输出文件夹" in err, err
    assert sorted(p.name for p in locked.iterdir()) == ["报告.docx"]
    assert (locked / "报告.docx").read_bytes() == b"old report"


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temp(data_file, tmp_path,
                                                                      monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "新.xlsm").write_bytes(b"old")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    code, _, err = run("fill", data_file, "-o", out / "新.xlsm", "--force")
    assert code == 2 and "无法写入" in err and "磁盘空间不足" in err, err
    assert [p.name for p in out.iterdir()] == ["新.xlsm"]
    assert (out / "新.xlsm").read_bytes() == b"old"


def test_atomic_path_maps_every_os_failure_to_an_output_error(tmp_path):
    from xlpkg.atomic import atomic_path

    with pytest.raises(OutputError, match="输出文件夹不存在"), \
            atomic_path(tmp_path / "nope" / "x.docx"):
        pass
    (tmp_path / "dir.docx").mkdir()
    with pytest.raises(OutputError, match="是一个文件夹"), \
            atomic_path(tmp_path / "dir.docx") as tmp:
        tmp.write_bytes(b"x")
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


# ---------------------------------------------------------------- injection


def test_fill_writes_formula_like_text_as_text(data_file, tmp_path):
    out = tmp_path / "注入.xlsm"
    code, _, err = run("fill", data_file, "-o", out)
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    texts = {c.value: c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    for text in (*make_corpus.FORMULA_INJECTIONS[:5], "="):
        assert text in texts, text
        assert texts[text].data_type == "s", text       # a string cell, never a formula
    assert texts["="].parent.title == "重点工作"         # the comparator stays the text "="
    # and the workbook reads back to the same text
    code, out_json, err = run("export", out, "--json")
    data = json.loads(out_json)
    assert data["department"]["name"] == make_corpus.FORMULA_INJECTIONS[0]
    assert [p["name"] for p in data["projects"]][:4] == list(make_corpus.FORMULA_INJECTIONS[1:5])


def test_report_prints_template_syntax_in_data_literally(data_file, tmp_path):
    out = tmp_path / "报告.docx"
    code, _, err = run("report", data_file, "-o", out)
    assert code == 0, err
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    import html

    text = html.unescape(re.sub(r"<[^>]+>", "", xml))
    for literal in make_corpus.TEMPLATE_INJECTIONS:
        assert literal in text, literal
    assert "重复重复" not in text and "__mro__" in text and "<class" not in text
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml):
        plain = html.unescape(re.sub(r"<[^>]+>", "", paragraph))
        if "{{ 7*7 }}" in plain:
            assert "49" not in plain.replace("{{ 7*7 }}", "")
    assert "甲&乙<丙>" in text


# ---------------------------------------------------------------- inputs that are not files


def test_inputs_that_are_not_regular_files(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    code, _, err = run("check", fifo)    # would block forever if opened
    assert code == 2 and "不是普通文件" in err
    code, _, err = run("check", tmp_path / "不存在.xlsx")
    assert code == 2 and "找不到文件" in err


def test_unreadable_input_file_is_exit_2(corpus, tmp_path, monkeypatch):
    folder, _ = corpus
    book = tmp_path / "锁定.xlsm"
    shutil.copy(folder / "good.xlsm", book)
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self == book:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)   # also as root, where chmod 000 does not bite
    code, _, err = run("check", book)
    assert code == 2 and "无法读取文件" in err and "锁定.xlsm" in err, err


# ---------------------------------------------------------------- numbers no table can mean


@pytest.mark.parametrize("typed, words", [
    ("1e308", "数值过大"), ("-1e15", "数值过大"), ("1e999999999", "数值过大"), (10**30, "数值过大"),
    (1e300, "数值过大"), ("1e-300", "数值过小"), (1e-300, "数值过小"),
    ("9" * 5000, "共 5000 个字符"),
])
def test_numbers_beyond_any_table_are_parse_errors(typed, words):
    from xlpkg.core.money import ParseError, parse_amount

    with pytest.raises(ParseError) as exc:
        parse_amount(typed)
    assert words in exc.value.reason and len(exc.value.reason) < 80


def test_formatting_never_fails_on_a_ratio_over_a_tiny_base():
    from xlpkg.core.money import fmt_amount, fmt_pct, parse_amount

    assert parse_amount("999999999999999") == Decimal(999999999999999)
    assert parse_amount("1e-29") == Decimal("1e-29")
    ratio = Decimal(300) / parse_amount("1e-29")          # 3E+31: beyond 28 digits
    assert fmt_pct(ratio) == "3" + "0" * 33 + ".00%"
    assert fmt_amount(Decimal("-0.125")) == "-0.13"
