"""The 问题统计 sheet of 汇总.xlsx: findings counted by kind, as the pandas version counted
them (it is no longer imported: the parent's 0.4–0.6 s for one small table)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from xlpkg.batch.summary import stats_rows
from xlpkg.core.finding import SEVERITY_LABELS


def with_pandas(findings: list[dict]) -> list[dict]:
    """The former implementation, verbatim."""
    if not findings:
        return []
    frame = pd.DataFrame(findings)
    grouped = (frame.groupby(["severity", "code"], sort=False)
               .agg(departments=("file", "nunique"), count=("message", "size"))
               .reset_index())
    order = {label: i for i, label in enumerate(SEVERITY_LABELS.values())}
    grouped["rank"] = grouped["severity"].map(order)
    grouped = grouped.sort_values(["rank", "departments", "code"],
                                  ascending=[True, False, True])
    return [{k: (int(v) if k in ("departments", "count") else v) for k, v in r.items()}
            for r in grouped.drop(columns="rank").to_dict("records")]


def _findings(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    labels = list(SEVERITY_LABELS.values())
    codes = ["SUM_MISMATCH", "BLANK_REQUIRED", "A", "B_2", "Z", "额外"]
    return [{"department": f"单位{d}", "severity": rng.choice(labels), "code": rng.choice(codes),
             "message": f"说明{i}", "cells": "", "file": f"d{d}.xlsm"}
            for i, d in enumerate(rng.randrange(12) for _ in range(n))]


@pytest.mark.parametrize("seed,n", [(0, 0), (1, 1), (2, 7), (3, 60), (4, 400)])
def test_counts_and_order_are_the_pandas_ones(seed, n):
    findings = _findings(seed, n)
    assert stats_rows(findings) == with_pandas(findings)


def test_most_widespread_first_within_a_severity():
    error, warning = list(SEVERITY_LABELS.values())[:2]
    rows = [{"severity": warning, "code": "W", "file": f"{i}", "message": ""} for i in range(5)]
    rows += [{"severity": error, "code": "B", "file": "1", "message": ""}] * 3
    rows += [{"severity": error, "code": "A", "file": f"{i}", "message": ""} for i in range(2)]
    assert [(r["code"], r["departments"], r["count"]) for r in stats_rows(rows)] == [
        ("A", 2, 2), ("B", 1, 3), ("W", 5, 5)]


def _result():
    from xlpkg.batch.runner import BatchResult

    labels = list(SEVERITY_LABELS)
    rows = []
    for i in range(30):
        findings = [{"severity": labels[(i + k) % 3], "code": f"C{k % 4}",
                     "message": f"第{k}条 <说明> & “引号”", "cells": [f"表!A{k}"] if k % 2 else [],
                     "fields": ["expenditure.total"]} for k in range(i % 5)]
        rows.append({"department": "=HYPERLINK(\"x\")" if i == 3 else f"单位{i}",
                     "year": 2023.0 if i % 7 else None, "total": 1234.5 + i,
                     "total_change": -0.0123 * i, "basic": None, "project": 10.0,
                     "execution_rate": 0.95, "outlays": 0.0, "outlays_change": None,
                     "score": 88.25 if i % 2 else None, "grade": "良" if i % 2 else "2 项指标待评分，暂不定级",
                     "errors": i % 3, "warnings": i % 4, "report": f"单位{i}_报告.docx",
                     "file": f"sub/{i}.xlsm", "findings": findings})
    return BatchResult(rows=rows, failures=[{"file": "坏.xlsx", "reason": "不是 Excel 工作簿"}])


@pytest.mark.parametrize("empty", [False, True])
def test_the_summary_is_xlsxwriters_bytes(empty):
    """汇总.xlsx is written without XlsxWriter, byte for byte as it wrote it."""
    import io
    import zipfile

    import xlsxwriter

    from xlpkg.batch.runner import BatchResult
    from xlpkg.batch.summary import fill_summary
    from xlpkg.tables.book import Book

    result = BatchResult() if empty else _result()
    buf = io.BytesIO()
    theirs = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False})
    fill_summary(theirs, result)
    theirs.close()
    ours = Book()
    fill_summary(ours, result)

    def parts(data):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(i.filename, z.read(i)) for i in z.infolist()
                    if i.filename != "docProps/core.xml"]

    assert parts(ours.to_bytes()) == parts(buf.getvalue())
