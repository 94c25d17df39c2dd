"""Small contract workbooks for the reader's tests, written with XlsxWriter.

Deliberately NOT the template's layout: the reader must work through defined
names and tables alone, whatever the sheets are called and wherever blocks sit.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from xlpkg.core.model import COLUMN_LABELS, COMPARATOR_SIGNS, NARRATIVE_LABELS, NARRATIVE_SECTIONS
from xlpkg.read.workbook_read import SCALAR_PATHS

TABLE_ROWS = {"tbl_econ": "economic_classification", "tbl_projects": "projects",
              "tbl_tasks": "key_tasks", "tbl_scores": "self_scores",
              "tbl_project_indicators": "indicators"}


def _indicator_rows(data: dict) -> list[dict]:
    """Every project's indicators as rows of one table, linked by the project's name."""
    return [{**ind, "project": p.get("name")} for p in data.get("projects") or []
            for ind in p.get("indicators") or []]


def _get(mapping, path):
    for key in path:
        mapping = (mapping or {}).get(key)
    return mapping


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "as_tuple"):          # Decimal → float, as a user's cell holds it
        return float(value)
    return value


def write_book(path: Path, data: dict, *, scalar_sheet: str = "数据 sheet",
               table_sheet: str = "明细", skip_names=(), skip_tables=(),
               extra_rows=None, blank_row_in=(), start_row: int = 3,
               headers: dict | None = None, text_labels: dict | None = None) -> Path:
    """Write ``data`` (the contract's plain mapping) as a workbook with its names/tables.

    ``blank_row_in``: tables that get an empty row in the middle. ``headers``:
    override a table's header texts ``{tbl: {key: header}}``. ``extra_rows``:
    ``{tbl: [row dicts]}`` appended as they are.
    """
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(scalar_sheet)
    row = start_row
    for name, field_path in SCALAR_PATHS.items():
        if name in skip_names:
            continue
        ws.write(row, 0, name)
        value = _plain(_get(data, field_path))
        if isinstance(value, str):
            ws.write_string(row, 2, value)
        elif value is not None:
            ws.write(row, 2, value)
        quoted = scalar_sheet.replace("'", "''")
        wb.define_name(name, f"='{quoted}'!$C${row + 1}")
        row += 1

    ts = wb.add_worksheet(table_sheet)
    top = 1
    for table, block in [*TABLE_ROWS.items(), ("tbl_text", "narrative")]:
        if table in skip_tables:
            continue
        labels = dict(COLUMN_LABELS[table])
        labels.update((headers or {}).get(table, {}))
        keys = list(labels)
        if table == "tbl_text":
            rows = [{"section": (text_labels or NARRATIVE_LABELS).get(s, s), "content": t}
                    for s in NARRATIVE_SECTIONS for t in (data.get("narrative") or {}).get(s) or []]
        elif table == "tbl_project_indicators":
            rows = _indicator_rows(data)
        else:
            rows = [dict(r) for r in data.get(block) or []]
        rows += (extra_rows or {}).get(table, [])
        if table in blank_row_in and rows:
            rows.insert(len(rows) // 2, {})
        body = []
        for r in rows:
            if r.get("comparator") in COMPARATOR_SIGNS:
                r = {**r, "comparator": COMPARATOR_SIGNS[r["comparator"]]}
            body.append([_plain(r.get(k)) for k in keys])
        height = max(len(body), 1)
        ts.add_table(top, 1, top + height, len(keys),
                     {"name": table, "columns": [{"header": labels[k]} for k in keys]})
        for i, values in enumerate(body):
            for j, value in enumerate(values):
                if isinstance(value, str):      # "=" is a comparator, not a formula
                    ts.write_string(top + 1 + i, 1 + j, value)
                elif value is not None:
                    ts.write(top + 1 + i, 1 + j, value)
        top += height + 3
    wb.close()
    return Path(path)


def rewrite(src: Path, dst: Path, member: str, edit) -> Path:
    """Copy a workbook, changing one zip member's bytes (``edit(bytes) -> bytes``)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, edit(data) if info.filename == member else data)
    return dst
