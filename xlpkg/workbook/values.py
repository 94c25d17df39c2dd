"""What ``fill`` writes into the workbook: a dataset's values, per cell and per table row.

Owns turning a :class:`~xlpkg.core.model.Dataset` into the values the layout's
cells show — every scalar by its defined name, every table's rows as the
workbook shows them (comparator signs, section labels, the project an
indicator belongs to) — walking :mod:`xlpkg.core.schema`, so a contract name
added there is written without being named here; and writing one value as the
type it is (a number as a number, text always as text, a date as a date).
Also the names the 自评打分 dropdown offers (the default rules' indicators that
need judgement).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xlpkg.core import schema
from xlpkg.core.model import COMPARATOR_SIGNS, Dataset, scalar_values
from xlpkg.errors import OutputError
from xlpkg.workbook import layout as L

EXCEL_TEXT_LIMIT = 32767


def field_values(ds: Dataset | None) -> dict[str, Any]:
    """Every scalar contract field → its value (``exp_basic_actual`` → Decimal)."""
    if ds is None:
        return {}
    return {s.name: v.value for s, v in scalar_values(ds) if v is not None}


def _shown(column: schema.Column, value: Any) -> Any:
    if column.kind == schema.COMPARATOR and isinstance(value, str):
        return COMPARATOR_SIGNS.get(value, value)
    return value


def table_rows(ds: Dataset | None, name: str) -> list[dict[str, Any]]:
    """A table's data rows as the workbook shows them (comparator signs, section labels)."""
    if ds is None:
        return []
    tbl = schema.table(name)
    if tbl is schema.TEXT_TABLE:
        return [{"section": schema.SECTIONS_BY_KEY[p.section].label, "content": p.text.value}
                for p in ds.narrative]
    if tbl is schema.PROJECT_INDICATORS:
        # one row per indicator, project after project; 项目名称 links it to its project
        items = [(p.name.value, x) for p in ds.projects for x in p.indicators]
    else:
        items = [(None, item) for item in getattr(ds, tbl.key)]
    rows = []
    for parent, item in items:
        rows.append({c.key: parent if c.kind == schema.LINK else _shown(c, getattr(item, c.key).value)
                     for c in tbl.columns})
    return rows


def table_sizes(ds: Dataset | None) -> dict[str, int]:
    """Rows per table: the template's defaults, or a dataset's rows plus a few blank ones."""
    if ds is None:
        return dict(L.TABLE_ROWS_DEFAULT)
    return {name: len(table_rows(ds, name)) + L.SPARE_ROWS for name in L.TABLES}


def write_value(ws, row: int, col: int, value: Any, kind: str, fmt) -> None:
    """A value as the type it is: numbers as numbers, text always as text (never a formula)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif kind == L.CODE or isinstance(value, str):
        text = str(value)
        if len(text) > EXCEL_TEXT_LIMIT:  # XlsxWriter would cut it silently
            raise OutputError(f"{ws.name}!{L.a1(row, col)} 的文字有 {len(text)} 个字符，"
                              f"超过 Excel 单元格上限 {EXCEL_TEXT_LIMIT}，无法写入工作簿",
                              "请把这段文字拆成几段")
        ws.write_string(row, col, text, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


@functools.cache
def score_choices() -> tuple[tuple[str, Decimal], ...]:
    """(name, 分值) of the default rules' indicators scored by judgement, as 自评打分 names
    them: the 三级指标, or 二级指标—三级指标 where the 三级 name repeats."""
    from xlpkg.read.rules_file import load_rules  # the shipped rules file, read once

    rules = [r for r in load_rules(None).indicators if r.manual]
    names = [r.name for r in rules]
    return tuple((f"{r.level2}—{r.name}" if names.count(r.name) > 1 else r.name, r.weight)
                 for r in rules)
