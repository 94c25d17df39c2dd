"""One workbook in a batch worker process: read, check, score, render; never raise.

Owns what a worker runs (imported in the parent before a pool that forks: see
:func:`preload`) and sends back (a small summary row, its findings, the staged
report), which failures are *transient* (a full disk, no memory, a file that
could not be opened: worth a retry, never remembered in the manifest), and the
worker's own safety: it ignores Ctrl-C (the parent decides), and a watchdog
thread ends it when the parent process is gone (a ``kill -9`` of the parent).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

from xlpkg.atomic import memory_exhausted, os_reason, pid_alive, write_bytes_atomic
from xlpkg.errors import OutputError, XlpkgError

OUT_OF_MEMORY = "内存不足，文件可能过大或已损坏"
WATCH_SECONDS = 0.5


def init_worker(parent: int) -> None:
    """Runs first in every worker: the parent handles Ctrl-C and SIGTERM; an orphan exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent, os.getppid()), daemon=True,
                     name="xlpkg-parent-watchdog").start()


def _watch_parent(parent: int, ppid: int) -> None:
    # A forked worker is re-parented when the parent dies (its pid may linger as a
    # zombie, so getppid is the sure sign there); a spawned one checks the pid itself.
    event = threading.Event()
    while not event.wait(WATCH_SECONDS):
        if os.getppid() != ppid or not pid_alive(parent):
            os._exit(1)


def transient(exc: BaseException) -> bool:
    """A failure of the machine, not of the file: retried on the next run."""
    if isinstance(exc, OutputError) or memory_exhausted(exc):
        return True
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, OSError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _products():
    """What :func:`process_one` runs, imported on first use (the parent does not need it
    until :func:`preload`)."""
    from xlpkg.pipeline import evaluate_file
    from xlpkg.report.render import report_filename, write_report
    from xlpkg.tables.rows import submission_tables
    from xlpkg.tables.xlsx import tables_bytes

    return evaluate_file, write_report, report_filename, submission_tables, tables_bytes


def preload(rules_path: str | None) -> None:
    """Import what the workers run and parse their rules, in the parent just before a
    pool that forks: every worker then starts with them (shared, copy-on-write)
    instead of importing and parsing its own copy. Failures are left to the workers,
    which report them per file."""
    with contextlib.suppress(Exception):   # each worker meets it again, and says so per file
        _products()
        from xlpkg.pipeline import load_rules

        load_rules(Path(rules_path) if rules_path else None)


def process_one(path: str, staging: str, key: str, rules_path: str | None) -> dict:
    """Read, check, score and render one workbook; never raises.

    Returns ``{"row": …, "findings": […], "report_name": …, "staged": …,
    "staged_tables": …}`` or ``{"failure": reason, "transient": bool}``.
    """
    staged = Path(staging) / f"{key}.docx"
    tables = Path(staging) / f"{key}.xlsx"     # the submission tables beside the report
    try:
        evaluate_file, write_report, report_filename, submission_tables, tables_bytes = \
            _products()
        ev = evaluate_file(Path(path), Path(rules_path) if rules_path else None)
        write_report(ev, staged, force=True)
        write_bytes_atomic(tables, tables_bytes(submission_tables(ev.dataset, ev.scoresheet)))
        return {
            "row": summary_row(ev.dataset, ev.scoresheet, ev.counts),
            "findings": [f.to_json() for f in ev.findings],
            "report_name": report_filename(ev.dataset),
            "staged": str(staged),
            "staged_tables": str(tables),
        }
    except XlpkgError as exc:
        # the summary names the file in its own column; the staging names mean nothing
        message = exc.message.removeprefix(f"{Path(path).name}：")
        message = message.replace(str(staged), "报告").replace(str(tables), "表格")
        return {"failure": message, "transient": transient(exc)}
    except MemoryError:
        return {"failure": OUT_OF_MEMORY, "transient": True}
    except OSError as exc:
        return {"failure": f"文件读写失败（{os_reason(exc)}）", "transient": True}
    except Exception as exc:  # noqa: BLE001 - one file must never stop the batch
        if memory_exhausted(exc):
            return {"failure": OUT_OF_MEMORY, "transient": True}
        return {"failure": f"处理失败（{type(exc).__name__}: {exc}）", "transient": False}


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
        # 优/良/…, or the sheet's own “N 项指标待评分，暂不定级” while scores are missing
        "grade": sheet.grade_text,
        "errors": n["error"],
        "warnings": n["warning"],
    }
