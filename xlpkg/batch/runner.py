"""Batch for a finance bureau: a folder of workbooks → every report + one summary workbook.

Owns walking the input folder, the process pool (imports paid once per worker,
all cores used), fault isolation (one bad file is a row, never a stop), the
manifest that lets a rerun skip unchanged departments, deterministic report
names, and the progress bar. Each worker returns only a small summary row and
its findings; reports go straight to disk, so the parent's memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from xlpkg import __version__
from xlpkg.atomic import os_reason, write_bytes_atomic
from xlpkg.errors import OutputError, XlpkgError

WORKBOOK_PATTERNS = ("*.xlsx", "*.xlsm")
MANIFEST = "manifest.json"
SUMMARY = "汇总.xlsx"
REPORTS = "reports"
_STAGING = ".staging"


@dataclass
class BatchResult:
    rows: list[dict] = field(default_factory=list)       # one per department, sorted by file
    failures: list[dict] = field(default_factory=list)   # files that could not be read
    skipped: int = 0                                      # unchanged since the last run
    processed: int = 0                                    # read (or tried) in this run

    @property
    def errors(self) -> int:
        return sum(r["errors"] for r in self.rows) + len(self.failures)


# ---------------------------------------------------------------- inputs


def find_workbooks(src: Path, out: Path) -> list[Path]:
    """Every .xlsx/.xlsm under ``src``, sorted; Excel lock files and ``out`` itself excluded."""
    out = out.resolve()
    found = set()
    for pattern in WORKBOOK_PATTERNS:
        for path in src.rglob(pattern):
            if path.name.startswith("~$") or not path.is_file():
                continue
            if out == path.resolve().parent or out in path.resolve().parents:
                continue
            found.add(path)
    return sorted(found, key=lambda p: p.relative_to(src).as_posix())


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- the worker


def process_one(path: str, staging: str, key: str, rules_path: str | None) -> dict:
    """Read, check, score and render one workbook; never raises.

    Returns ``{"row": …, "findings": […], "report": staged path}`` or
    ``{"failure": reason}``. Runs in a worker process.
    """
    from xlpkg.pipeline import evaluate_file
    from xlpkg.report.render import report_filename, write_report
    from xlpkg.tables.rows import submission_tables
    from xlpkg.tables.xlsx import tables_bytes

    try:
        ev = evaluate_file(Path(path), Path(rules_path) if rules_path else None)
        staged = Path(staging) / f"{key}.docx"
        write_report(ev, staged, force=True)
        tables = Path(staging) / f"{key}.xlsx"     # the submission tables beside the report
        write_bytes_atomic(tables, tables_bytes(submission_tables(ev.dataset, ev.scoresheet)))
        return {
            "row": summary_row(ev.dataset, ev.scoresheet, ev.counts),
            "findings": [f.to_json() for f in ev.findings],
            "report_name": report_filename(ev.dataset),
            "staged": str(staged),
            "staged_tables": str(tables),
        }
    except XlpkgError as exc:
        # the summary names the file in its own column
        return {"failure": exc.message.removeprefix(f"{Path(path).name}：")}
    except MemoryError:
        return {"failure": "内存不足，文件可能过大或已损坏"}
    except Exception as exc:  # noqa: BLE001 - one file must never stop the batch
        return {"failure": f"处理失败（{type(exc).__name__}: {exc}）"}


def _num(value):
    return None if value is None else float(value)


def summary_row(ds, sheet, n: dict) -> dict:
    """One department's line of the summary workbook (plain JSON-able values)."""
    from xlpkg.core import ratios

    exp = ds.expenditure
    total, basic, project = exp["total"], exp["basic"], exp["project"]
    out_total = ds.outlays["total"]
    exec_rate = ratios.execution_rate(total.actual.value, total.budget_final.value)
    return {
        "department": ds.department.name.value,
        "year": _num(ds.department.year.value),
        "total": _num(total.actual.value),
        "total_change": _num(ratios.pct_change(total.actual.value, total.prior.value)),
        "basic": _num(basic.actual.value),
        "project": _num(project.actual.value),
        "execution_rate": _num(exec_rate),
        "outlays": _num(out_total.actual.value),
        "outlays_change": _num(ratios.outlay_change_rate(out_total.actual.value,
                                                         out_total.prior.value)),
        "score": _num(sheet.total),
        "grade": sheet.grade,
        "errors": n["error"],
        "warnings": n["warning"],
    }


# ---------------------------------------------------------------- progress


class Progress:
    """A one-line progress bar with counts and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self._last = 0.0

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "█" * int(frac * width) + "░" * (width - int(frac * width))
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0
        fail = f"，失败 {self.failed}" if self.failed else ""
        return (f"{bar} {self.done}/{self.total}（{frac:.0%}）{fail} "
                f"已用 {_clock(elapsed)} 预计剩余 {_clock(eta)}")

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


# ---------------------------------------------------------------- the run


def _load_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if data.get("version") == __version__ else {}
    except (OSError, ValueError):
        return {}


def _prepare_out(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / REPORTS).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {out}：{exc.strerror or exc}") from None
    if not os.access(out, os.W_OK):
        raise OutputError(f"输出文件夹没有写入权限：{out}")
    staging = out / _STAGING
    shutil.rmtree(staging, ignore_errors=True)  # leftovers of an interrupted run
    try:
        staging.mkdir()
    except OSError as exc:   # os.access cannot see read-only mounts or immutable folders
        raise OutputError(f"输出文件夹无法写入：{out}（{os_reason(exc)}）",
                          "请换一个可写的文件夹") from None
    return staging


def run_batch(src: Path, out: Path, *, jobs: int | None = None, force: bool = False,
              rules_path: Path | None = None, progress: bool | None = None) -> BatchResult:
    """Process every workbook under ``src`` into ``out`` (reports, 汇总.xlsx, manifest.json)."""
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise XlpkgError(f"找不到输入文件夹：{src}")
    if rules_path is not None:
        from xlpkg.read.rules_file import load_rules

        load_rules(rules_path)  # a bad rules file fails once, up front, not per workbook
    files = find_workbooks(src, out)
    staging = _prepare_out(out)
    old = {} if force else _load_manifest(out).get("entries", {})
    entries: dict[str, dict] = {}
    todo = []
    unreadable = 0
    for i, path in enumerate(files):
        rel = path.relative_to(src).as_posix()
        try:
            digest = file_hash(path)
        except OSError as exc:   # no permission, locked: a row of the summary, not a stop
            entries[rel] = {"sha256": "", "failure": f"无法读取文件（{exc.strerror or exc}）"}
            unreadable += 1
            continue
        prev = old.get(rel)
        if prev and prev.get("sha256") == digest and _outputs_exist(out, prev):
            entries[rel] = prev
            continue
        entries[rel] = {"sha256": digest}
        todo.append((rel, path, f"{i:06d}"))
    result = BatchResult(skipped=len(files) - len(todo) - unreadable)
    bar = Progress(len(todo), enabled=progress)
    try:
        for rel, outcome in _run_pool(todo, staging, rules_path, jobs):
            entries[rel].update(outcome)
            bar.advance(failed="failure" in outcome)
            if "failure" in outcome:
                print(f"\n无法处理 {rel}：{outcome['failure']}" if bar.enabled else
                      f"无法处理 {rel}：{outcome['failure']}", file=sys.stderr)
    finally:
        bar.close()
    _place_reports(out, entries)
    shutil.rmtree(staging, ignore_errors=True)
    for rel in sorted(entries):
        e = entries[rel]
        if "failure" in e:
            result.failures.append({"file": rel, "reason": e["failure"]})
        else:
            result.rows.append({**e["row"], "file": rel, "report": e.get("report", ""),
                                "findings": e["findings"]})
    from xlpkg.batch.summary import write_summary

    write_summary(out / SUMMARY, result)
    manifest = {"version": __version__, "entries": {
        rel: {k: v for k, v in e.items() if k != "staged"} for rel, e in entries.items()}}
    write_bytes_atomic(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1)
                       .encode("utf-8"))
    result.processed = len(todo)
    print(summary_line(result, out / SUMMARY), file=sys.stderr)
    return result


def summary_line(result: BatchResult, summary: Path) -> str:
    """What this run did; the summary workbook always lists every department."""
    done = f"本次处理 {result.processed} 个文件" if result.processed else "没有需要处理的新文件"
    skipped = f"，{result.skipped} 个未变化已跳过" if result.skipped else ""
    return (f"完成：{done}{skipped}。汇总表共 {len(result.rows)} 个单位"
            f"（另有 {len(result.failures)} 个文件无法读取）：{summary}")


def _outputs_exist(out: Path, entry: dict) -> bool:
    if "failure" in entry:
        return True
    return all(entry.get(k) and (out / REPORTS / entry[k]).exists() for k in ("report", "tables"))


CRASHED = "处理该文件时工作进程异常退出（文件可能过大或已损坏）"


def _run_pool(todo, staging: Path, rules_path, jobs, work=process_one):
    """Yield ``(rel, outcome)`` as workers finish; a crashed worker fails only its file.

    When a worker dies (killed, out of memory) every unfinished file of that
    pool is suspect; each is then run alone in a fresh one-worker pool, so only
    the file that really kills its worker is reported as failed.
    """
    if not todo:
        return
    jobs = max(1, jobs or os.cpu_count() or 1)
    rules = str(rules_path) if rules_path else None
    suspects = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = {pool.submit(work, str(path), str(staging), key, rules): (rel, path, key)
                   for rel, path, key in todo}
        for fut in as_completed(futures):
            try:
                yield futures[fut][0], fut.result()
            except BrokenProcessPool:
                suspects.append(futures[fut])
    for rel, path, key in sorted(suspects):
        with ProcessPoolExecutor(max_workers=1) as alone:
            try:
                yield rel, alone.submit(work, str(path), str(staging), key, rules).result()
            except BrokenProcessPool:
                yield rel, {"failure": CRASHED}


def _place_reports(out: Path, entries: dict[str, dict]) -> None:
    """Move staged reports to their final names, in input order, so names are deterministic."""
    from xlpkg.report.render import REPORT_SUFFIX
    from xlpkg.tables.xlsx import TABLES_SUFFIX

    taken: set[str] = set()
    for rel in sorted(entries):
        e = entries[rel]
        if "report" in e and "staged" not in e:
            taken.add(e["report"])
    for rel in sorted(entries):
        e = entries[rel]
        staged = e.get("staged")
        if not staged:
            continue
        name = e.pop("report_name")
        stem, suffix = name[: -len(".docx")], ".docx"
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}({n}){suffix}"
        taken.add(name)
        os.replace(staged, out / REPORTS / name)
        e["report"] = name
        del e["staged"]
        tables = e.pop("staged_tables", None)
        if tables:   # 甲_2023_部门整体支出绩效自评报告(2).docx → 甲_2023_绩效自评表格(2).xlsx
            e["tables"] = name.removesuffix(".docx").replace(REPORT_SUFFIX, TABLES_SUFFIX) + ".xlsx"
            os.replace(tables, out / REPORTS / e["tables"])
