"""Batch (and the writes it shares with the other commands) under faults and odd input:
long names, foreign files, full disks, Ctrl-C, killed parents, concurrent runs, stale
reports, tampered manifests, leftover temp files, nested folders (issue 14)."""

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from departments import department
from support import run_cli

from xlpkg.batch.folder import LOCK, FolderLock
from xlpkg.batch.runner import MANIFEST, REPORTS, SUMMARY, run_batch
from xlpkg.core.model import from_mapping
from xlpkg.errors import OutputError
from xlpkg.names import NAME_BYTES, byte_len, fit_name, temp_affixes, with_marker
from xlpkg.workbook.build import fill_workbook

ROOT = Path(__file__).resolve().parent.parent
LONG = "湖南省益阳市安化县人民政府办公室综合事务服务中心机关后勤保障与信息化建设管理处" * 3  # 120 字


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("book") / "book.xlsm"
    fill_workbook(from_mapping(department(1)), path)
    return path


def named_book(folder: Path, rel: str, name: str, seed: int = 1) -> Path:
    data = department(seed)
    data["department"]["name"] = name
    data["department"]["year"] = 2023
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fill_workbook(from_mapping(data), path)
    return path


def copies(book: Path, folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        shutil.copy(book, folder / f"{i:03d}.xlsm")
    return folder


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["entries"]


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def batch_process(src: Path, out: Path, *extra) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "xlpkg.cli", "batch", str(src), "-o", str(out),
                             *map(str, extra)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


# ---------------------------------------------------------------- 1. long names


def test_names_are_cut_to_255_bytes_at_a_character_with_a_hash():
    tail = "_2023_部门整体支出绩效自评报告.docx"
    short = fit_name("财政局", tail)
    assert short == "财政局" + tail
    a, b = fit_name(LONG + "甲", tail), fit_name(LONG + "乙", tail)
    assert a != b and a.endswith(tail) and "~" in a
    assert byte_len(a) <= NAME_BYTES - 10          # room for a duplicate's (n)
    a.encode("utf-8").decode("utf-8")              # cut at a character boundary
    assert byte_len(with_marker(a, "(123456)")) <= NAME_BYTES
    prefix, suffix = temp_affixes(a.removesuffix(".docx"), ".docx", 4_194_304)
    assert byte_len(prefix) + 8 + byte_len(suffix) <= NAME_BYTES   # the temp name too
    emoji = fit_name("😀" * 100, tail)                                # 4-byte characters
    assert byte_len(emoji) <= NAME_BYTES and emoji.endswith(tail)


def test_a_long_department_name_does_not_stop_the_batch(tmp_path):
    src = tmp_path / "in"
    named_book(src, "long.xlsm", LONG)
    shutil.copy(src / "long.xlsm", src / "long2.xlsm")        # and its duplicate's (2)
    result = run_batch(src, tmp_path / "out", jobs=1, progress=False)
    assert not result.failures and len(result.rows) == 2
    names = sorted(p.name for p in (tmp_path / "out" / REPORTS).iterdir())
    assert len(names) == 4 and all(byte_len(n) <= NAME_BYTES for n in names)
    assert any("(2)" in n for n in names)
    assert (tmp_path / "out" / SUMMARY).is_file() and (tmp_path / "out" / MANIFEST).is_file()


def test_report_without_o_and_a_title_over_255_characters(tmp_path, monkeypatch):
    data = department(1)
    data["department"]["name"] = LONG * 3                  # 360 字: title beyond python-docx's 255
    src = tmp_path / "数据.json"
    src.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("report", src, guard=120)
    assert code == 0, err
    made = [p for p in tmp_path.iterdir() if p.suffix == ".docx"]
    assert len(made) == 1 and byte_len(made[0].name) <= NAME_BYTES
    import docx

    assert docx.Document(str(made[0])).core_properties.title


# ---------------------------------------------------------------- 3. foreign files, links


def test_batch_never_overwrites_a_file_it_did_not_write(tmp_path):
    src = tmp_path / "in"
    named_book(src, "a.xlsm", "财政局")
    out = tmp_path / "out"
    (out / REPORTS).mkdir(parents=True)
    mine = out / REPORTS / "财政局_2023_部门整体支出绩效自评报告.docx"
    mine.write_bytes(b"a report someone wrote by hand")
    result = run_batch(src, out, jobs=1, progress=False)
    assert mine.read_bytes() == b"a report someone wrote by hand"
    assert result.rows[0]["report"] == "财政局_2023_部门整体支出绩效自评报告(2).docx"
    again = run_batch(src, out, jobs=1, force=True, progress=False)   # --force may replace
    assert again.rows[0]["report"] == mine.name and mine.read_bytes() != b"a report someone wrote by hand"


def test_a_summary_batch_did_not_write_is_kept_without_force(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    (out / SUMMARY).write_bytes(b"the bureau's own summary")
    code, _, err = run_cli("batch", src, "-o", out, guard=120)
    assert code == 2 and "不是批处理写出的" in err, err
    assert (out / SUMMARY).read_bytes() == b"the bureau's own summary"
    assert run_cli("batch", src, "-o", out, "--force", guard=120)[0] == 0
    assert (out / SUMMARY).read_bytes() != b"the bureau's own summary"


def test_a_symlinked_reports_or_staging_folder_is_refused(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for link in (REPORTS, ".staging"):
        out = tmp_path / f"out-{link}"
        out.mkdir()
        (out / link).symlink_to(elsewhere, target_is_directory=True)
        code, _, err = run_cli("batch", src, "-o", out, guard=120)
        assert code == 2 and f"{link} 是符号链接" in err, err
        assert list(elsewhere.iterdir()) == []


# ---------------------------------------------------------------- 4. transient failures


def test_a_full_disk_is_not_remembered_in_the_manifest(tmp_path, book, monkeypatch):
    from xlpkg.report import render

    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    real = render.write_report

    def disk_full(*args, **kwargs):
        raise OutputError("无法写入 x.docx（磁盘空间不足），未留下半成品文件")

    monkeypatch.setattr(render, "write_report", disk_full)   # forked workers inherit it
    first = run_batch(src, out, jobs=1, progress=False)
    assert "磁盘空间不足" in first.failures[0]["reason"]
    assert manifest(out) == {}
    monkeypatch.setattr(render, "write_report", real)
    second = run_batch(src, out, jobs=1, progress=False)
    assert second.skipped == 0 and second.processed == 1 and not second.failures


# ---------------------------------------------------------------- 8. a lock


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        code, _, err = run_cli("batch", src, "-o", out, guard=120)
    assert code == 2 and "另一个批处理正在使用该文件夹" in err, err
    assert not (out / SUMMARY).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text(str(dead_pid()))
    result = run_batch(src, out, jobs=1, progress=False)
    assert len(result.rows) == 1 and not (out / LOCK).exists()


# ---------------------------------------------------------------- 9. stale reports


def test_reports_of_departments_that_are_gone_are_removed(tmp_path, capsys):
    src = tmp_path / "in"
    named_book(src, "a.xlsm", "财政局")
    named_book(src, "b.xlsm", "教育局", seed=2)
    out = tmp_path / "out"
    run_batch(src, out, jobs=2, progress=False)
    named_book(src, "b.xlsm", "教育体育局", seed=2)          # renamed department
    capsys.readouterr()
    again = run_batch(src, out, jobs=2, progress=False)
    assert "删除 1 个过时的报告" in capsys.readouterr().err
    assert again.removed == 1
    names = sorted(p.name for p in (out / REPORTS).iterdir())
    assert names == sorted(e[k] for e in manifest(out).values() for k in ("report", "tables"))
    assert not any(n.startswith("教育局") for n in names)
    for p in src.iterdir():
        p.unlink()
    empty = run_batch(src, out, jobs=2, progress=False)
    assert empty.removed == 2 and list((out / REPORTS).iterdir()) == [] and manifest(out) == {}


# ---------------------------------------------------------------- 10. tampered manifests


@pytest.mark.parametrize("broken", ['[1, 2]', '"text"', '{"entries": 5}', "{not json"])
def test_a_broken_manifest_is_ignored_with_a_message(tmp_path, book, capsys, broken):
    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(broken, encoding="utf-8")
    result = run_batch(src, out, jobs=1, progress=False)
    assert len(result.rows) == 1 and not result.failures
    err = capsys.readouterr().err
    assert "清单" in err and "已损坏，已忽略" in err, err


def test_manifest_entries_cannot_move_or_name_files_outside_the_output(tmp_path, book, capsys):
    src = copies(book, tmp_path / "in", 2)
    out = tmp_path / "out"
    run_batch(src, out, jobs=1, progress=False)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    first, second = sorted(data["entries"])
    data["entries"][first]["staged"] = str(victim)
    data["entries"][first]["report"] = "../../victim.txt"
    del data["entries"][second]["row"]
    (out / MANIFEST).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    result = run_batch(src, out, jobs=1, progress=False)
    assert victim.read_text() == "keep me"
    assert len(result.rows) == 2 and not result.failures and result.skipped == 0
    assert "2 条记录有误，已忽略" in capsys.readouterr().err


# ---------------------------------------------------------------- 14. leftover temp files


def test_temp_files_of_killed_runs_are_cleaned_on_the_next_run(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    out = tmp_path / "out"
    (out / REPORTS).mkdir(parents=True)
    pid = dead_pid()
    left = [out / ".汇总.ab12cd34.xlsx.tmp", out / f".汇总.{pid}.ab12cd34.xlsx.tmp",
            out / f".manifest.{pid}.x_y_z_12.json.tmp", out / REPORTS / f".甲.{pid}.abcdefgh.docx.tmp"]
    alive = out / REPORTS / f".甲.{os.getpid()}.abcdefgh.docx.tmp"    # a writer still at work
    for p in (*left, alive):
        p.write_bytes(b"half")
    run_batch(src, out, jobs=1, progress=False)
    assert not any(p.exists() for p in left) and alive.exists()


def test_a_write_removes_temp_files_a_killed_writer_left_beside_its_target(tmp_path):
    from xlpkg.atomic import write_bytes_atomic

    stale = tmp_path / f".book.{dead_pid()}.k3j4h5g6.xlsm.tmp"
    other = tmp_path / "notes.tmp"
    stale.write_bytes(b"half")
    other.write_bytes(b"not ours")
    write_bytes_atomic(tmp_path / "book.xlsm", b"new")
    assert not stale.exists() and other.exists() and (tmp_path / "book.xlsm").read_bytes() == b"new"


def test_vba_update_removes_the_temp_file_a_killed_update_left(tmp_path, book):
    from xlpkg.vba.update import update_workbook_vba

    work = tmp_path / "book.xlsm"
    shutil.copy(book, work)
    stale = tmp_path / f".book.{dead_pid()}.k3j4h5g6.tmp"
    stale.write_bytes(b"half")
    update_workbook_vba(work)
    assert not stale.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- 15. nested folders


def test_an_output_folder_equal_to_or_inside_the_input_is_refused(tmp_path, book):
    src = copies(book, tmp_path / "in", 1)
    for out in (src, src / "输出"):
        code, _, err = run_cli("batch", src, "-o", out, guard=60)
        assert code == 2 and "输出文件夹不能是输入文件夹本身或在它里面" in err, err
    assert sorted(p.name for p in src.iterdir()) == ["000.xlsm"]


# ---------------------------------------------------------------- 17. messages in Chinese


def test_os_errors_are_described_in_chinese_only():
    from xlpkg.atomic import os_reason

    for code in (errno.EEXIST, errno.EROFS, errno.ENOTDIR, errno.ELOOP, errno.EIO, errno.ENOLINK):
        text = os_reason(OSError(code, os.strerror(code)))
        assert text and not any("a" <= c.lower() <= "z" for c in text), text


# ---------------------------------------------------------------- 18. the 等级 column


def test_the_grade_column_says_pending_for_unscored_indicators(tmp_path, book):
    from xlpkg.core.scoring.shown import pending_sentence

    src = copies(book, tmp_path / "in", 1)
    run_batch(src, tmp_path / "out", jobs=1, progress=False)
    wb = openpyxl.load_workbook(tmp_path / "out" / SUMMARY, read_only=True)
    head, row = list(wb["汇总"].iter_rows(values_only=True))[:2]
    grade = row[head.index("等级")]
    assert grade and grade.endswith(pending_sentence(0).split("，")[-1]) and "待评分" in grade


# ---------------------------------------------------------------- issue 17: linear naming


def test_duplicate_names_are_placed_in_linear_work():
    from xlpkg.batch.naming import Names

    names = Names(["甲_2023_部门整体支出绩效自评报告(3).docx"])     # a foreign file in between
    placed = [names.claim("甲_2023_部门整体支出绩效自评报告.docx") for _ in range(8000)]
    assert len(set(placed)) == 8000
    assert placed[:3] == ["甲_2023_部门整体支出绩效自评报告.docx",
                          "甲_2023_部门整体支出绩效自评报告(2).docx",
                          "甲_2023_部门整体支出绩效自评报告(4).docx"]
    assert names.probes <= 8000 + 2        # one probe per name (+ the one foreign collision)


# ---------------------------------------------------------------- 13. full disk, memory


@contextlib.contextmanager
def tiny_disk(tmp_path: Path):
    """A 2 MB tmpfs, filled up; skipped where it cannot be mounted (not root)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
                                            str(mount)], capture_output=True,
                                           check=False).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_up(folder: Path, leave: int = 0) -> None:
    """Fill ``folder``'s disk, then free ``leave`` bytes again."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
        os.ftruncate(fd, max(os.fstat(fd).st_size - leave, 0))
    finally:
        os.close(fd)


def test_a_full_disk_while_writing_the_summary_is_a_clear_error(tmp_path, capfd):
    from xlpkg.batch.runner import BatchResult
    from xlpkg.batch.summary import write_summary

    rows = [{"department": os.urandom(32).hex(), "file": f"{i}.xlsm", "findings": [],
             "errors": 0, "warnings": 0} for i in range(3000)]
    with tiny_disk(tmp_path) as disk:
        fill_up(disk, leave=8192)
        with pytest.raises(OutputError, match="磁盘空间不足"):
            write_summary(disk / SUMMARY, BatchResult(rows=rows))
        import gc

        gc.collect()
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    assert "Exception ignored" not in capfd.readouterr().err


def test_a_full_disk_during_report_is_one_message_and_no_python_trace(tmp_path):
    data = department(1)
    src = tmp_path / "数据.json"
    src.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    with tiny_disk(tmp_path) as disk:
        fill_up(disk, leave=8192)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "xlpkg.cli", "report", str(src), "-o",
                               str(disk / "报告.docx")], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 2 and "磁盘空间不足" in done.stderr, done.stderr
        assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_out_of_memory_in_a_library_is_a_clear_message(tmp_path, monkeypatch, example_path):
    from xlpkg import pipeline

    for exc in (ImportError("libxml2.so: failed to map segment from shared object"),
                MemoryError(), RuntimeError("Memory allocation failed : growing buffer")):
        def boom(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(pipeline, "evaluate_file", boom)
        code, _, err = run_cli("check", example_path, guard=30)
        assert code == 2 and "内存不足" in err and "处理失败" not in err, err


# ---------------------------------------------------------------- 2, 7. signals, a killed parent


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_stops_at_once_and_keeps_what_finished(tmp_path, book, sig):
    src = copies(book, tmp_path / "in", 60)
    out = tmp_path / "out"
    proc = batch_process(src, out, "--jobs", "1")
    try:
        wait_for(lambda: len(list((out / ".staging").glob("*.docx"))) >= 2)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err
    kept = manifest(out)
    assert 1 <= len(kept) < 60
    assert all((out / REPORTS / e["report"]).is_file() for e in kept.values())
    rows = list(openpyxl.load_workbook(out / SUMMARY, read_only=True)["汇总"].iter_rows())
    assert len(rows) - 1 == len(kept)
    assert not (out / ".staging").exists()
    for p in src.iterdir():             # the rerun goes on from there: finished ones skipped
        if p.name not in kept:
            p.unlink()
    rest = run_batch(src, out, jobs=1, progress=False)
    assert rest.skipped == len(kept) and rest.processed == 0 and rest.removed == 0


def descendants(pid: int) -> set[int]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path, book):
    src = copies(book, tmp_path / "in", 60)
    out = tmp_path / "out"
    proc = batch_process(src, out, "--jobs", "2")
    workers: set[int] = set()
    try:
        wait_for(lambda: len(list((out / ".staging").glob("*.docx"))) >= 1)
        workers = descendants(proc.pid)
        assert workers
        proc.kill()
        proc.wait()
        wait_for(lambda: not any(running(p) for p in workers), seconds=15)
    finally:
        proc.kill()
        for p in workers:
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)
