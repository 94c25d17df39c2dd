"""Next year's department-year from this one (``xlpkg rollover``): a pure function.

Owns the rule of the January rebuild, derived from the contract
(:mod:`xlpkg.core.schema`), never listed field by field here:

- the year goes up by one;
- every ``prior`` (上年决算数) takes the ``actual`` (本年决算数) of the same row —
  in the blocks (income, expenditure, outlays) and in every table that has both
  columns (economic classification, projects);
- a value the schema marks ``keep_next_year`` (who, what and the plan: 单位名称, 编制数,
  project and task names, targets, units, comparators, weights, categories)
  is kept;
- everything else is a fact of the year just closed — budgets, actuals, self
  scores, reasons, the report date, 实际在职人数, narrative — and starts blank
  (``None``, never 0): the new year has not stated it yet.

Rows whose every value is blank then (self scores, narrative) simply go. The
result is built through :func:`~xlpkg.core.model.from_mapping`, so it carries no
``sheet!cell`` of the old workbook and none of its reading findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from xlpkg.core import schema
from xlpkg.core.model import Dataset, from_mapping, to_mapping

PRIOR, ACTUAL = "prior", "actual"
_YEAR = schema.scalar("department", "year")


def _next_row(row: Mapping[str, Any], kept: Mapping[str, bool]) -> dict[str, Any]:
    """One row next year: ``kept`` says, per key, whether the schema keeps it."""
    out = {}
    for key in kept:
        if key == PRIOR and ACTUAL in kept:
            out[key] = row.get(ACTUAL)
        else:
            out[key] = row.get(key) if kept[key] else None
    return out


def _next_year_value(value: Any) -> Any:
    return value + 1 if isinstance(value, Decimal) else None


def _scalars(data: dict) -> dict:
    """Scalars outside the blocks (department, carryover, procurement, …)."""
    out: dict = {}
    block_keys = {b.key for b in schema.BLOCKS}
    for s in schema.SCALARS:
        group, *rest = s.path
        if group in block_keys:
            continue
        value = (data.get(group) or {}).get(rest[0])
        if s is _YEAR:
            value = _next_year_value(value)
        elif not s.keep_next_year:
            value = None
        out.setdefault(group, {})[rest[0]] = value
    return out


def _blocks(data: dict) -> dict:
    out = {}
    for block in schema.BLOCKS:
        source = data.get(block.key) or {}
        keys = (*block.fields, *(("reason",) if block.reason else ()))
        out[block.key] = {
            row: _next_row(source.get(row) or {},
                           {k: schema.scalar(block.key, row, k).keep_next_year for k in keys})
            for row, _ in block.rows}
    return out


def _kept(tbl: schema.Table) -> dict[str, bool]:
    return {c.key: c.keep_next_year for c in tbl.columns if c.kind != schema.LINK}


def _table(data: dict, tbl: schema.Table) -> list[dict]:
    return [_next_row(item, _kept(tbl)) for item in data.get(tbl.key) or []]


def _projects(data: dict) -> list[dict]:
    inner = schema.PROJECT_INDICATORS
    return [{**_next_row(p, _kept(schema.PROJECTS)),
             inner.key: [_next_row(x, _kept(inner)) for x in p.get(inner.key) or []]}
            for p in data.get(schema.PROJECTS.key) or []]


def _narrative(data: dict) -> dict:
    keep = schema.TEXT_TABLE.column("content").keep_next_year
    return {section: list(paras) if keep else []
            for section, paras in (data.get(schema.TEXT_TABLE.key) or {}).items()}


def next_year(ds: Dataset) -> Dataset:
    """The department's next year: prior = this year's actuals, plan carried, facts blank."""
    data = to_mapping(ds, exact=True)
    out = {**_scalars(data), **_blocks(data), schema.PROJECTS.key: _projects(data),
           schema.TEXT_TABLE.key: _narrative(data)}
    for tbl in schema.TABLES:
        if len(tbl.path) == 1 and tbl not in (schema.PROJECTS, schema.TEXT_TABLE):
            out[tbl.key] = _table(data, tbl)
    return from_mapping(out)   # a new year: no cell, no file of the old one
