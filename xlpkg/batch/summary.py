"""The batch summary workbook (汇总.xlsx): one overview a finance bureau can sort and filter.

Owns the summary's sheets — 汇总 (one row per department), 校验结果 (every
finding), 问题统计 (findings counted by kind), 无法读取 (files that
failed and why) — their formats, frozen headers and autofilters, written by
:class:`xlpkg.tables.book.Book` (the bytes XlsxWriter wrote, without importing
it into the batch's parent). Every text cell is written with ``write_string``: a
department name such as ``=HYPERLINK(…)`` or ``+86…`` stays text, never becomes a
formula (formula injection).
"""

from __future__ import annotations

from pathlib import Path

from xlpkg.atomic import write_bytes_atomic
from xlpkg.core.finding import SEVERITY_LABELS

SUMMARY_COLUMNS = [
    # (key, header, kind, width)
    ("department", "单位", "text", 26),
    ("year", "年度", "int", 7),
    ("total", "支出合计（万元）", "amount", 14),
    ("total_change", "较上年增减率", "pct", 12),
    ("basic", "基本支出（万元）", "amount", 14),
    ("project", "项目支出（万元）", "amount", 14),
    ("execution_rate", "预算执行率", "pct", 11),
    ("outlays", "“三公”经费（万元）", "amount", 14),
    ("outlays_change", "“三公”经费变动率", "pct", 14),
    ("score", "自评得分", "amount", 9),
    ("grade", "等级", "text", 22),   # 优, or “N 项指标待评分，暂不定级”
    ("errors", "错误数", "int", 7),
    ("warnings", "警告数", "int", 7),
    ("report", "报告文件", "text", 40),
    ("file", "来源文件", "text", 36),
]


def _formats(wb):
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    return {
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                               "text_wrap": True, "align": "center"}),
        "text": wb.add_format({**base, "border": 1}),
        "amount": wb.add_format({**base, "border": 1, "num_format": "#,##0.00"}),
        "pct": wb.add_format({**base, "border": 1, "num_format": "0.00%"}),
        "int": wb.add_format({**base, "border": 1, "num_format": "0"}),
    }


def _cell(ws, row: int, col: int, value, kind: str, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt[kind])
    elif kind == "text":
        ws.write_string(row, col, str(value), fmt[kind])
    else:
        ws.write_number(row, col, value, fmt[kind])


def _table(ws, fmt, columns, rows) -> None:
    for c, (_, header, _, width) in enumerate(columns):
        ws.write_string(0, c, header, fmt["head"])
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, 1):
        for c, (key, _, kind, _) in enumerate(columns):
            _cell(ws, r, c, row.get(key), kind, fmt)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    ws.set_row(0, 30)


FINDING_COLUMNS = [
    ("department", "单位", "text", 24),
    ("severity", "级别", "text", 6),
    ("code", "代码", "text", 22),
    ("message", "说明", "text", 90),
    ("cells", "单元格", "text", 30),
    ("file", "来源文件", "text", 36),
]
FAILURE_COLUMNS = [("file", "文件", "text", 50), ("reason", "原因", "text", 90)]
STATS_COLUMNS = [("severity", "级别", "text", 8), ("code", "代码", "text", 26),
                 ("departments", "涉及单位数", "int", 12), ("count", "问题数", "int", 10)]


def finding_rows(result) -> list[dict]:
    return [{"department": row["department"], "severity": SEVERITY_LABELS[f["severity"]],
             "code": f["code"], "message": f["message"],
             "cells": "、".join(f["cells"]) or "、".join(f["fields"]), "file": row["file"]}
            for row in result.rows for f in row["findings"]]


def stats_rows(findings: list[dict]) -> list[dict]:
    """How many departments share each kind of problem — the bureau's to-do list: one
    row per (级别, 代码) with the departments (source files) and the findings it counts,
    errors first, then the most widespread, then by code."""
    groups: dict[tuple[str, str], tuple[set, list]] = {}
    for f in findings:
        files, n = groups.setdefault((f["severity"], f["code"]), (set(), [0]))
        files.add(f["file"])
        n[0] += 1
    rank = {label: i for i, label in enumerate(SEVERITY_LABELS.values())}
    rows = [{"severity": severity, "code": code, "departments": len(files), "count": n[0]}
            for (severity, code), (files, n) in groups.items()]
    rows.sort(key=lambda r: (rank[r["severity"]], -r["departments"], r["code"]))
    return rows


def fill_summary(wb, result) -> None:
    """The four sheets into ``wb`` (a :class:`~xlpkg.tables.book.Book`, or an
    ``xlsxwriter.Workbook``: the tests hold the two to the same bytes)."""
    findings = finding_rows(result)
    fmt = _formats(wb)
    _table(wb.add_worksheet("汇总"), fmt, SUMMARY_COLUMNS, result.rows)
    _table(wb.add_worksheet("校验结果"), fmt, FINDING_COLUMNS, findings)
    _table(wb.add_worksheet("问题统计"), fmt, STATS_COLUMNS, stats_rows(findings))
    _table(wb.add_worksheet("无法读取"), fmt, FAILURE_COLUMNS, result.failures)


def write_summary(path: Path, result) -> None:
    """Write 汇总.xlsx atomically from a :class:`~xlpkg.batch.runner.BatchResult`."""
    from xlpkg.tables.book import Book

    wb = Book()
    fill_summary(wb, result)
    write_bytes_atomic(Path(path), wb.to_bytes())
