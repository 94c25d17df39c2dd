"""The data contract (docs/contract.md) as frozen records, with provenance.

This module owns the shape of one department-year and the two functions that
turn a plain mapping (from YAML/JSON, or assembled by the workbook reader) into
it and back. Every value is a :class:`~xlpkg.core.values.Val` that remembers its
contract field name (``exp_basic_actual``, ``tbl_econ[301].actual``) and, when it
was read from a workbook, its ``sheet!cell``. Values that cannot be read become
``None`` plus an ``error`` finding in :attr:`Dataset.read_findings`: reading never
raises on bad cell content and never turns it into 0. Names, paths and kinds come
from :mod:`xlpkg.core.schema`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from xlpkg.core import schema
from xlpkg.core.finding import Finding
from xlpkg.core.record import fields, record
from xlpkg.core.values import (  # noqa: F401 - Val and the labels are the model's vocabulary
    COLUMN_LABELS,
    FIELD_LABELS,
    Val,
    ValueReader,
    describe_field,
)

# ---------------------------------------------------------------- contract vocabulary
# Views of core.schema for the callers that want plain tuples and dicts.

INCOME_ROWS = tuple(k for k, _ in schema.INCOME.rows)
INCOME_FIELDS = schema.INCOME.fields
EXPENDITURE_ROWS = tuple(k for k, _ in schema.EXPENDITURE.rows)
EXPENDITURE_FIELDS = schema.EXPENDITURE.fields
OUTLAY_ROWS = tuple(k for k, _ in schema.OUTLAYS.rows)
OUTLAY_FIELDS = schema.OUTLAYS.fields
THREE_PUBLIC_ROWS = schema.THREE_PUBLIC_ROWS
NARRATIVE_SECTIONS = tuple(s.key for s in schema.SECTIONS)
NARRATIVE_LABELS = {s.key: s.label for s in schema.SECTIONS}
NARRATIVE_KEYS = {label: key for key, label in NARRATIVE_LABELS.items()}
#: "exp.basic" → 基本支出 (row labels), and field key → 本年决算数 (field labels).
LABELS = {**{f"{b.prefix}.{k}": label for b in schema.BLOCKS for k, label in b.rows},
          **schema.FIELD_LABELS}
COMPARATORS = schema.COMPARATORS
COMPARATOR_SIGNS = schema.COMPARATOR_SIGNS


# ---------------------------------------------------------------- values


@record
class Department:
    name: Val
    year: Val
    staff_authorized: Val
    staff_actual: Val
    report_date: Val   # the report's 落款 date; not stated in most data


@record
class Row:
    """One row of a fixed block (income, expenditure, outlays): amount field → Val.

    ``reason`` is the row's 变动原因 text (expenditure and outlays; ``None`` for
    income, which has none). It is not among ``values``: those are the amounts.
    """

    key: str
    label: str
    values: Mapping[str, Val]
    reason: Val | None = None

    def __getattr__(self, item: str) -> Val:
        try:
            return self.__dict__["values"][item]
        except KeyError:
            raise AttributeError(item) from None


@record
class EconRow:
    code: Val
    name: Val
    prior: Val
    actual: Val


@record
class ProjectIndicator:
    """One 绩效指标 of a project (三级指标 with its 一级/二级)."""

    category: Val
    subcategory: Val
    name: Val
    unit: Val
    comparator: Val  # ">=", "<=" or "="
    target: Val      # Decimal, or str for a qualitative target
    actual: Val
    weight: Val
    score: Val       # the self score, for qualitative indicators
    reason: Val      # 偏差原因分析及改进措施


@record
class Project:
    name: Val
    budget_initial: Val
    budget_final: Val
    actual: Val
    prior: Val
    purpose: Val
    reason: Val
    goal: Val
    result: Val
    indicators: tuple[ProjectIndicator, ...] = ()


@record
class KeyTask:
    name: Val
    unit: Val
    comparator: Val  # ">=", "<=" or "="
    target: Val      # Decimal, or str for a qualitative target
    actual: Val
    note: Val
    category: Val
    weight: Val


@record
class Paragraph:
    section: str     # a NARRATIVE_SECTIONS key
    text: Val


@record
class SelfScore:
    indicator: Val
    score: Val
    note: Val


@record
class Dataset:
    """One department-year, exactly the contract's shape.

    A single value outside the blocks and groups (``carry_begin`` …) is the
    attribute named by its defined name; :func:`scalar_values` walks them all.
    """

    department: Department
    income: Mapping[str, Row]
    expenditure: Mapping[str, Row]
    economic_classification: tuple[EconRow, ...]
    projects: tuple[Project, ...]
    outlays: Mapping[str, Row]
    carry_begin: Val
    carry_end: Val
    proc_budget: Val
    proc_actual: Val
    fa_total: Val
    fa_in_use: Val
    other_budgets: Mapping[str, Val]
    buildings: Mapping[str, Val]
    key_tasks: tuple[KeyTask, ...]
    narrative: tuple[Paragraph, ...]
    self_scores: tuple[SelfScore, ...]
    source: str | None = None          # file name, for messages
    read_findings: tuple[Finding, ...] = ()

    def paragraphs(self, section: str) -> list[str]:
        return [p.text.value for p in self.narrative if p.section == section and p.text.value]

    def econ(self, code: str) -> EconRow | None:
        for row in self.economic_classification:
            if row.code.value == code:
                return row
        return None


def scalar_values(ds: Dataset) -> Iterator[tuple[schema.Scalar, Val]]:
    """Every scalar of the contract with its value in ``ds``, in schema order."""
    for s in schema.SCALARS:
        group, *rest = s.path
        if group == "department":
            yield s, getattr(ds.department, rest[0])
        elif len(rest) == 2:                       # a block row's field
            row = getattr(ds, group)[rest[0]]
            yield s, row.reason if rest[1] == "reason" else row.values[rest[1]]
        elif group in ("other_budgets", "buildings"):
            yield s, getattr(ds, group)[rest[0]]
        else:
            yield s, getattr(ds, s.name)


# ---------------------------------------------------------------- mapping → Dataset

#: other_budgets key → defined name (gf_actual …).
OTHER_BUDGET_NAMES = {s.path[1]: s.name for s in schema.SCALARS if s.path[0] == "other_budgets"}


def _mapping(value: Any) -> Mapping:
    """A mapping as given, or an empty one for anything else (:mod:`xlpkg.core.shapes`
    reports wrong shapes before a data file gets here; this only keeps reading total)."""
    return value if isinstance(value, Mapping) else {}


def _rows(r: ValueReader, data: Mapping, block: schema.Block) -> dict[str, Row]:
    out = {}
    source = _mapping(data.get(block.key))
    for key, label in block.rows:
        raw_row = _mapping(source.get(key))
        values = {f: r.read(schema.AMOUNT, raw_row.get(f), schema.scalar(block.key, key, f).name)
                  for f in block.fields}
        reason = (r.read(schema.TEXT, raw_row.get("reason"),
                         schema.scalar(block.key, key, "reason").name) if block.reason else None)
        out[key] = Row(key, label, values, reason)
    return out


def _list(data: Mapping, key: str) -> list[tuple[int, Mapping]]:
    """The rows of a table that hold anything, each with its 1-based place in the table
    as given. A row left out (empty, or all its values unreadable) keeps its number:
    the rows after it are still named by their own place (``tbl_tasks[3]``), so their
    field names and cells are those of their own sheet row, not of the one before."""
    return [(i, item) for i, item in enumerate(_given(data, key), 1)
            if isinstance(item, Mapping) and _filled(item.values())]


def _given(data: Mapping, key: str) -> list | tuple:
    items = data.get(key) if isinstance(data, Mapping) else None
    return items if isinstance(items, list | tuple) else []


def _filled(values) -> bool:
    """``any(v not in (None, "") for v in values)``, without a generator per row."""
    for v in values:
        if v not in _BLANKS:
            return True
    return False


_BLANKS = (None, "")


def econ_key(code: Any, index: int) -> str:
    """Row key of tbl_econ: its code (CONTRACT §4), or the 1-based index if blank."""
    text = "" if code is None else str(code).strip()
    text = text.removesuffix(".0")
    return text or str(index)


def _projects(r: ValueReader, data: Mapping) -> tuple[Project, ...]:
    """Projects with their indicators; indicators are numbered across all projects,
    in order, as the rows of tbl_project_indicators are."""
    out, n = [], 0
    kept = dict(_list(data, schema.PROJECTS.key))
    for i, item in enumerate(_given(data, schema.PROJECTS.key), 1):
        given = _given(item, schema.PROJECT_INDICATORS.key)
        if i in kept:   # (a row left out keeps its indicators' numbers, as _list does)
            values = r.item(schema.PROJECTS, item, i)
            indicators = [r.row(ProjectIndicator, schema.PROJECT_INDICATORS, raw, n + j)
                          for j, raw in _list(item, schema.PROJECT_INDICATORS.key)]
            out.append(Project(**values, indicators=tuple(indicators)))
        n += len(given)
    return tuple(out)


def from_mapping(data: Mapping, *, cells: Mapping[str, str] | None = None,
                 rows: Mapping[str, tuple[Mapping[str, str], str]] | None = None,
                 source: str | None = None) -> Dataset:
    """Build a :class:`Dataset` from the contract's plain shape.

    ``cells`` maps a contract field name to ``sheet!cell`` and ``rows`` gives the
    cells of whole table rows (both from the workbook reader; see
    :class:`~xlpkg.core.values.ValueReader`). Unreadable values become findings, not exceptions. Values are read
    department first, then the tables, then the blocks, so findings come in the
    order people know.
    """
    r = ValueReader(cells, rows)
    department = _checked_year(r, Department(**r.scalars(data, "department")))
    econ = tuple(r.row(EconRow, schema.ECON, item, econ_key(item.get("code"), i))
                 for i, item in _list(data, schema.ECON.key))
    projects = _projects(r, data)
    tasks = tuple(r.row(KeyTask, schema.TASKS, item, i)
                  for i, item in _list(data, schema.TASKS.key))
    narrative = []
    sections = _mapping(data.get(schema.TEXT_TABLE.key))
    for section in NARRATIVE_SECTIONS:
        texts = sections.get(section) or []
        # A section written as one text (``results_use: 本单位…``) is one paragraph,
        # not one paragraph per character.
        for text in [texts] if isinstance(texts, str) else texts:
            if text in (None, ""):
                continue
            field_name = schema.row_field(schema.TEXT_TABLE, len(narrative) + 1, "content")
            narrative.append(Paragraph(section, r.read(schema.TEXT, text, field_name)))
    scores = tuple(r.row(SelfScore, schema.SCORES, item, i)
                   for i, item in _list(data, schema.SCORES.key))
    income, expenditure, outlays = (_rows(r, data, b) for b in schema.BLOCKS)
    carry, proc, fa = (r.scalars(data, g) for g in ("carryover", "procurement", "fixed_assets"))
    return Dataset(
        department=department, income=income, expenditure=expenditure,
        economic_classification=econ, projects=projects, outlays=outlays,
        carry_begin=carry["begin"], carry_end=carry["end"],
        proc_budget=proc["budget"], proc_actual=proc["actual"],
        fa_total=fa["total"], fa_in_use=fa["in_use"],
        other_budgets=r.scalars(data, "other_budgets"),
        buildings=r.scalars(data, "buildings"),
        key_tasks=tasks, narrative=tuple(narrative), self_scores=scores, source=source,
        read_findings=tuple(r.findings) + tuple(_extra_findings(data)),
    )


#: The years a department-year can be: the People's Republic's, and not far ahead.
YEAR_RANGE = (1949, 2100)


def _checked_year(r: ValueReader, department: Department) -> Department:
    """The year as read if it is a whole year in :data:`YEAR_RANGE`; otherwise blank,
    with a finding naming it (2023.5, -2023 or 99999999999999 is no year)."""
    year = department.year
    low, high = YEAR_RANGE
    if year.value is None or (year.value == year.value.to_integral_value()
                              and low <= year.value <= high):
        return department
    where = f"（{year.cell}）" if year.cell else ""
    r.findings.append(Finding(
        "UNREADABLE_VALUE", "error",
        f"{describe_field(year.field)}{where}应为 {low}–{high} 之间的整数年份，"
        f"实际是 {year.value:f}；该数据按空白处理，相关规则已跳过", (year.field,), year.cells))
    return Department(**{**{name: getattr(department, name) for name in fields(Department)},
                         "year": Val(None, year.field, year.cell)})


def _extra_findings(data: Mapping) -> list[Finding]:
    """Structural problems of the mapping itself (unknown narrative sections)."""
    out = []
    for section in _mapping(data.get(schema.TEXT_TABLE.key)):
        if section not in NARRATIVE_SECTIONS:
            out.append(Finding("UNKNOWN_SECTION", "warning",
                               f"文字内容栏目“{section}”不在报告提纲中，已忽略", (), ()))
    return out


# ---------------------------------------------------------------- Dataset → mapping


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        # ints stay ints in YAML (2023, 20000); amounts keep their typed decimals
        return int(v) if v == v.to_integral_value() and v.as_tuple().exponent >= 0 else float(v)
    return v


def to_mapping(ds: Dataset, *, exact: bool = False) -> dict:
    """The contract's plain shape again (the inverse of :func:`from_mapping`).

    With ``exact`` amounts stay ``Decimal`` (for callers that serialise them as
    text); otherwise they become int/float for YAML/JSON. Dates become ISO text
    (``2024-03-15``), which reads back as the same date.
    """
    from datetime import date  # values are dates only in data that states one

    def conv(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        return v if exact else _plain(v)

    def rows(block: Mapping[str, Row]) -> dict:
        out = {}
        for k, row in block.items():
            out[k] = {f: conv(v.value) for f, v in row.values.items()}
            if row.reason is not None:
                out[k]["reason"] = row.reason.value
        return out

    def item(obj: Any, tbl: schema.Table) -> dict:
        return {c.key: conv(getattr(obj, c.key).value) for c in tbl.columns
                if c.kind != schema.LINK}

    def group(values: Mapping[str, Val]) -> dict:
        return {k: conv(v.value) for k, v in values.items()}

    department = {name: getattr(ds.department, name) for name in fields(Department)}
    return {
        "department": group(department),
        "income": rows(ds.income),
        "expenditure": rows(ds.expenditure),
        "economic_classification": [item(e, schema.ECON) for e in ds.economic_classification],
        "projects": [{**item(p, schema.PROJECTS),
                      "indicators": [item(x, schema.PROJECT_INDICATORS) for x in p.indicators]}
                     for p in ds.projects],
        "outlays": rows(ds.outlays),
        "carryover": group({"begin": ds.carry_begin, "end": ds.carry_end}),
        "procurement": group({"budget": ds.proc_budget, "actual": ds.proc_actual}),
        "fixed_assets": group({"total": ds.fa_total, "in_use": ds.fa_in_use}),
        "other_budgets": group(ds.other_budgets),
        "buildings": group(ds.buildings),
        "key_tasks": [item(t, schema.TASKS) for t in ds.key_tasks],
        "narrative": {s: ds.paragraphs(s) for s in NARRATIVE_SECTIONS},
        "self_scores": [item(s, schema.SCORES) for s in ds.self_scores],
    }
