"""What the local page shows and offers for one uploaded file.

Owns the one call into the evaluation (the same pipeline the CLI uses), the JSON
view the page renders (CONTRACT §4 keys plus display text already formatted by
the core, so the browser formats nothing itself), and the bytes of each
download: the report, the findings workbook and the submission tables.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from xlpkg.core.finding import SEVERITY_LABELS, counts
from xlpkg.core.model import describe_field
from xlpkg.core.money import fmt_amount, fmt_number
from xlpkg.core.record import record, replace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@record(frozen=False)
class Result:
    """One evaluated upload, kept in memory (the uploaded file itself is gone)."""

    evaluation: Any          # pipeline Evaluation: .dataset, .findings, .scoresheet
    display_name: str        # the file's name as the user's browser gave it
    kind: str = "workbook"   # "workbook" (findings name cells) or "data" (YAML/JSON)

    @property
    def dataset(self):
        return self.evaluation.dataset


def evaluate_upload(path: Path, display_name: str) -> Result:
    """Evaluate the saved upload at ``path`` through the pipeline.

    The dataset is told the user's own file name, so messages and the report
    name the file the accountant chose, never the temporary copy.
    """
    from xlpkg.pipeline import evaluate, load
    from xlpkg.read.sniff import sniff

    kind = sniff(path)
    ds = replace(load(path), source=display_name)
    return Result(evaluate(ds), display_name, kind)


# ---------------------------------------------------------------- JSON view


def _year(ds) -> int | None:
    year = ds.department.year.value
    try:
        return int(year) if year is not None else None
    except (TypeError, ValueError):
        return None


def _finding(f) -> dict:
    out = f.to_json()
    out["severity_label"] = SEVERITY_LABELS[f.severity]
    # a YAML input has no cells: name the data items instead, as the console does
    out["places"] = list(f.cells) or [describe_field(x) for x in f.fields]
    out["places_kind"] = "cells" if f.cells else "fields"
    return out


def _score_text(value) -> str | None:
    return None if value is None else fmt_amount(value)


def scoresheet_view(sheet) -> dict:
    """The 自评表 as display rows; a missing score stays None (the page shows 待评分)."""
    pending = list(getattr(sheet, "pending", ()) or ())
    rows = [{"level1": s.level1, "level2": s.level2, "name": s.name,
             "weight": fmt_number(s.weight), "value": s.value_text,
             "score": _score_text(s.score), "note": s.note,
             "pending": s.name in pending or s.score is None}
            for s in sheet.indicators]
    total_weight = sum((s.weight for s in sheet.indicators), 0)
    return {"rules_name": getattr(sheet, "rules_name", ""), "rows": rows,
            "total_weight": fmt_number(total_weight) if rows else "",
            "total": _score_text(sheet.total), "grade": sheet.grade, "pending": pending,
            "remarks": list(getattr(sheet, "remarks", ()) or ())}


def gaps(result: Result) -> list[dict] | None:
    """Every 【待补充：…】 the report would carry ({section, text}), without writing it;
    None while the report side cannot list them."""
    from xlpkg.report.render import report_content

    content = report_content(result.evaluation)
    return [{"section": g.section, "text": g.what} for g in content.gaps]


def view(result: Result, downloads: dict[str, str]) -> dict:
    """The JSON answer of ``POST /api/evaluate``."""
    ds, ev = result.dataset, result.evaluation
    findings = list(ev.findings)
    return {
        "department": ds.department.name.value,
        "year": _year(ds),
        "file": result.display_name,
        "kind": result.kind,
        "counts": counts(findings),
        "findings": [_finding(f) for f in findings],
        "scoresheet": ev.scoresheet.to_json(),
        "scoresheet_view": scoresheet_view(ev.scoresheet),
        "gaps": gaps(result),
        "downloads": downloads,
    }


# ---------------------------------------------------------------- downloads


def report_download(result: Result) -> tuple[str, bytes, str]:
    from xlpkg.report.render import report_bytes, report_filename

    ev = result.evaluation
    data = report_bytes(ev)
    return report_filename(ev.dataset), data, DOCX


def findings_download(result: Result) -> tuple[str, bytes, str]:
    """The findings as one sheet laid out like the batch summary's 校验结果."""
    import xlsxwriter

    from xlpkg.batch.summary import FINDING_COLUMNS, _formats, _table, finding_rows

    ev = result.evaluation
    row = {"department": ev.dataset.department.name.value or "", "file": result.display_name,
           "findings": [f.to_json() for f in ev.findings]}
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    _table(wb.add_worksheet("校验结果"), _formats(wb), FINDING_COLUMNS,
           finding_rows(_Rows([row])))
    wb.close()
    return f"{_stem(result)}_校验结果.xlsx", out.getvalue(), XLSX


def tables_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("xlpkg.tables") is not None


def tables_download(result: Result) -> tuple[str, bytes, str]:
    from xlpkg.tables.rows import submission_tables
    from xlpkg.tables.xlsx import tables_bytes

    ev = result.evaluation
    data = tables_bytes(submission_tables(ev.dataset, ev.scoresheet))
    return f"{_stem(result)}_报送表格.xlsx", data, XLSX


@record(frozen=False)
class _Rows:
    rows: list


def _stem(result: Result) -> str:
    from xlpkg.report.render import REPORT_SUFFIX, report_filename

    return report_filename(result.dataset).removesuffix(f"_{REPORT_SUFFIX}.docx")


DOWNLOADS = {"report": report_download, "findings": findings_download,
             "tables": tables_download}
