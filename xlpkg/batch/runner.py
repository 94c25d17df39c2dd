"""Batch for a finance bureau: a folder of workbooks → every report + one summary workbook.

Owns one run from start to end: finding the input workbooks, deciding what is
unchanged since the last run (manifest), running the rest in the pool, placing
the finished reports under their final names, removing the reports of
departments that are gone, and writing manifest.json and 汇总.xlsx — also when
the run is interrupted, for the files that finished. The parts live beside it:
:mod:`.folder` (output folder, lock), :mod:`.manifest`, :mod:`.pool`,
:mod:`.worker`, :mod:`.naming`, :mod:`.progress`, :mod:`.summary`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from xlpkg.atomic import os_reason
from xlpkg.batch import folder as F
from xlpkg.batch.manifest import MANIFEST, load_manifest, write_manifest
from xlpkg.batch.naming import Names, tables_name
from xlpkg.batch.pool import CRASHED, deferred_signals, run_pool, stop_signals
from xlpkg.batch.progress import Progress
from xlpkg.batch.worker import process_one, summary_row
from xlpkg.core.record import field, record
from xlpkg.errors import XlpkgError

__all__ = ["CRASHED", "MANIFEST", "REPORTS", "SUMMARY", "BatchResult", "Progress",
           "find_workbooks", "process_one", "run_batch", "summary_row"]

WORKBOOK_PATTERNS = ("*.xlsx", "*.xlsm")
SUMMARY = "汇总.xlsx"
REPORTS = F.REPORTS
_run_pool = run_pool   # the name the tests know


@record(frozen=False)
class BatchResult:
    rows: list[dict] = field(default_factory=list)       # one per department, sorted by file
    failures: list[dict] = field(default_factory=list)   # files that could not be read
    skipped: int = 0                                      # unchanged since the last run
    processed: int = 0                                    # read (or tried) in this run
    removed: int = 0                                      # stale reports deleted
    interrupted: bool = False                             # stopped by Ctrl-C / SIGTERM
    left: int = 0                                         # not processed because of that

    @property
    def errors(self) -> int:
        return sum(r["errors"] for r in self.rows) + len(self.failures)


class BatchInterrupted(XlpkgError):
    """The run was stopped; what finished is kept (exit 130, like a Ctrl-C)."""

    exit_code = 130


# ---------------------------------------------------------------- inputs


def find_workbooks(src: Path, out: Path) -> list[Path]:
    """Every .xlsx/.xlsm under ``src``, sorted; Excel lock files and ``out`` itself excluded."""
    out = out.resolve()
    found = set()
    for pattern in WORKBOOK_PATTERNS:
        for path in src.rglob(pattern):
            if path.name.startswith("~$") or not path.is_file():
                continue
            resolved = path.resolve()
            if out == resolved.parent or out in resolved.parents:
                continue
            found.add(path)
    return sorted(found, key=lambda p: p.relative_to(src).as_posix())


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- the run


def run_batch(src: Path, out: Path, *, jobs: int | None = None, force: bool = False,
              rules_path: Path | None = None, progress: bool | None = None) -> BatchResult:
    """Process every workbook under ``src`` into ``out`` (reports, 汇总.xlsx, manifest.json).

    Raises :class:`BatchInterrupted` after keeping what finished when stopped."""
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise XlpkgError(f"找不到输入文件夹：{src}")
    F.refuse_nested(src, out)
    if rules_path is not None:
        from xlpkg.read.rules_file import load_rules

        load_rules(rules_path)  # a bad rules file fails once, up front, not per workbook
    F.make_folder(out)
    with F.FolderLock(out), stop_signals():
        F.refuse_foreign(out, (SUMMARY,), MANIFEST, force)
        staging = F.prepare(out)
        try:
            result = _run(src, out, staging, jobs, force, rules_path, progress)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    print(summary_line(result, out / SUMMARY), file=sys.stderr)
    if result.interrupted:
        raise BatchInterrupted(f"已中断：{result.left} 个文件未处理；已完成的报告、汇总表和清单已保存",
                               "再次运行同一命令即可继续（已完成的文件会跳过）")
    return result


def _run(src, out, staging, jobs, force, rules_path, progress) -> BatchResult:
    files = find_workbooks(src, out)
    manifest = load_manifest(out)
    if manifest.problem:
        print(f"注意：{manifest.problem}", file=sys.stderr)
    old = manifest.entries
    reuse = {} if force else manifest.reusable()
    entries: dict[str, dict] = {}
    todo = []
    for i, path in enumerate(files):
        rel = path.relative_to(src).as_posix()
        try:
            digest = file_hash(path)
        except OSError as exc:   # no permission, locked: a row of the summary, not a stop
            entries[rel] = {"failure": f"无法读取文件（{os_reason(exc)}）", "transient": True}
            continue
        prev = reuse.get(rel)
        if prev and prev["sha256"] == digest and _outputs_exist(out, prev):
            entries[rel] = prev
            continue
        entries[rel] = {"sha256": digest}
        todo.append((rel, path, f"{i:06d}"))
    result = BatchResult(skipped=sum(e is reuse.get(r) for r, e in entries.items()))
    bar = Progress(len(todo), enabled=progress)
    outcomes = run_pool(todo, staging, rules_path, jobs)
    try:
        for rel, outcome in outcomes:
            entries[rel].update(outcome)
            result.processed += 1
            bar.advance(failed="failure" in outcome)
            if "failure" in outcome:
                bar.say(f"无法处理 {rel}：{outcome['failure']}")
    except KeyboardInterrupt:     # Ctrl-C, or SIGTERM (Interrupted)
        result.interrupted = True
    finally:
        outcomes.close()     # ends the workers at once when we stopped early
        bar.close()
    result.left = len(todo) - result.processed
    with deferred_signals() as late:
        _finish(out, result, entries, old, manifest.owned(), force)
    result.interrupted |= bool(late.caught)
    return result


def _finish(out, result, entries, old, owned, force) -> None:
    """Place the reports, remove stale ones, write manifest.json and 汇总.xlsx."""
    kept, shown = _settle(entries, old)
    _place_reports(out, kept, old, force)
    result.removed = _remove_stale(out, kept, owned)
    for rel in sorted(shown):
        e = shown[rel]
        if "failure" in e:
            result.failures.append({"file": rel, "reason": e["failure"]})
        else:
            result.rows.append({**e["row"], "file": rel, "report": e.get("report", ""),
                                "findings": e["findings"]})
    # the manifest first: once the reports are placed it is what makes them ours
    write_manifest(out, kept)
    from xlpkg.batch.summary import write_summary

    write_summary(out / SUMMARY, result)


def _settle(entries: dict[str, dict], old: dict[str, dict]) -> tuple[dict, dict]:
    """``(kept, shown)``: what the manifest keeps — this run's outcomes, and the last
    good entry of a file that failed transiently or was not reached — and what the
    summary shows: the same, with this run's transient failures in place of the old."""
    kept, shown = {}, {}
    for rel, e in entries.items():
        done = "failure" in e or "staged" in e or "report" in e
        if done and not e.get("transient"):
            kept[rel] = shown[rel] = e
            continue
        if rel in old:
            kept[rel] = shown[rel] = old[rel]
        if done:                         # a transient failure: shown, never remembered
            shown[rel] = e
    return kept, shown


def summary_line(result: BatchResult, summary: Path) -> str:
    """What this run did; the summary workbook always lists every department."""
    done = f"本次处理 {result.processed} 个文件" if result.processed else "没有需要处理的新文件"
    skipped = f"，{result.skipped} 个未变化已跳过" if result.skipped else ""
    removed = f"，删除 {result.removed} 个过时的报告" if result.removed else ""
    left = f"，{result.left} 个因中断未处理" if result.interrupted else ""
    return (f"{'已中断' if result.interrupted else '完成'}：{done}{skipped}{removed}{left}。"
            f"汇总表共 {len(result.rows)} 个单位（另有 {len(result.failures)} 个文件无法读取）："
            f"{summary}")


def _outputs_exist(out: Path, entry: dict) -> bool:
    if "failure" in entry:
        return True
    return all((out / REPORTS / entry[k]).is_file() for k in ("report", "tables"))


def _place_reports(out: Path, kept: dict[str, dict], old: dict[str, dict], force: bool) -> None:
    """Move staged reports to their final names, in input order, so names are deterministic.

    A name is free unless an entry that stays holds it or a file batch did not write
    (not in the last manifest) is there — that one is replaced only with ``force``.
    """
    reports = out / REPORTS
    owned = {e[k] for e in old.values() for k in ("report", "tables") if k in e}
    taken = []
    with os.scandir(reports) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False) or (entry.name not in owned and not force):
                taken.append(entry.name)
    names = Names(taken)
    for rel in sorted(kept):
        e = kept[rel]
        if "report" in e and "staged" not in e:
            names.reserve(e["report"])
            names.reserve(e.get("tables") or tables_name(e["report"]))
    for rel in sorted(kept):
        e = kept[rel]
        staged = e.pop("staged", None)
        if not staged:
            continue
        name = names.claim(e.pop("report_name"))
        tables = e.pop("staged_tables")
        os.replace(staged, reports / name)
        os.replace(tables, reports / tables_name(name))
        e["report"], e["tables"] = name, tables_name(name)


def _remove_stale(out: Path, kept: dict[str, dict], owned: set[str]) -> int:
    """Delete the reports batch wrote for inputs that are gone or now fail; how many."""
    live = {e[k] for e in kept.values() for k in ("report", "tables") if k in e}
    removed = 0
    for name in sorted(owned - live):
        path = out / REPORTS / name
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed += name.endswith(".docx")
        except OSError:
            pass
    return removed
