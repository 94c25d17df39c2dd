"""The data contract (CONTRACT §2) as frozen dataclasses, with provenance.

This module owns the shape of one department-year and the one function that
turns a plain mapping (from YAML/JSON, or assembled by the workbook reader) into
it. Every value is a :class:`Val` that remembers its contract field name
(``exp_basic_actual``, ``tbl_econ[301].actual``) and, when it was read from a
workbook, its ``sheet!cell``. Values that cannot be read become ``None`` plus an
``error`` finding in :attr:`Dataset.read_findings`: reading never raises on bad
cell content and never turns it into 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from xlpkg.core import schema
from xlpkg.core.dates import parse_date
from xlpkg.core.finding import Finding
from xlpkg.core.money import ParseError, parse_amount, parse_number

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


@dataclass(frozen=True)
class Val:
    """One value and where it came from.

    ``value`` is a ``Decimal`` for numbers, ``str`` for text, ``date`` for a date,
    ``None`` when not stated (or unreadable — then a finding says so).
    """

    value: Any
    field: str
    cell: str | None = None

    @property
    def stated(self) -> bool:
        return self.value is not None

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.cell,) if self.cell else ()


@dataclass(frozen=True)
class Department:
    name: Val
    year: Val
    staff_authorized: Val
    staff_actual: Val
    report_date: Val   # the report's 落款 date; not stated in most data


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class EconRow:
    code: Val
    name: Val
    prior: Val
    actual: Val


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class KeyTask:
    name: Val
    unit: Val
    comparator: Val  # ">=", "<=" or "="
    target: Val      # Decimal, or str for a qualitative target
    actual: Val
    note: Val
    category: Val
    weight: Val


@dataclass(frozen=True)
class Paragraph:
    section: str     # a NARRATIVE_SECTIONS key
    text: Val


@dataclass(frozen=True)
class SelfScore:
    indicator: Val
    score: Val
    note: Val


@dataclass(frozen=True)
class Dataset:
    """One department-year, exactly the contract's shape."""

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
    read_findings: tuple[Finding, ...] = field(default=())

    def paragraphs(self, section: str) -> list[str]:
        return [p.text.value for p in self.narrative if p.section == section and p.text.value]

    def econ(self, code: str) -> EconRow | None:
        for row in self.economic_classification:
            if row.code.value == code:
                return row
        return None


# ---------------------------------------------------------------- mapping → Dataset

#: other_budgets key → defined name (gf_actual …).
OTHER_BUDGET_NAMES = {s.path[1]: s.name for s in schema.SCALARS if s.path[0] == "other_budgets"}


class _Reader:
    """Builds Vals from a plain mapping, collecting unreadable values as findings."""

    def __init__(self, cells: Mapping[str, str] | None):
        self.cells = cells or {}
        self.findings: list[Finding] = []
        self.parsers = {schema.AMOUNT: self.amount, schema.NUMBER: self.number,
                        schema.TEXT: self.text, schema.DATE: self.date,
                        schema.COMPARATOR: self.comparator, schema.TARGET: self.number_or_text}

    def read(self, kind: str, raw: Any, name: str) -> Val:
        return self.parsers[kind](raw, name)

    def _record(self, name: str, cell: str | None, reason: str) -> None:
        where = f"（{cell}）" if cell else ""
        self.findings.append(Finding(
            "UNREADABLE_VALUE", "error",
            f"{describe_field(name)}{where}无法识别：{reason}；相关规则已跳过",
            (name,), (cell,) if cell else ()))

    def _val(self, raw: Any, name: str, parse) -> Val:
        cell = self.cells.get(name)
        try:
            return Val(parse(raw), name, cell)
        except ParseError as exc:
            self._record(name, cell, exc.reason)
            return Val(None, name, cell)

    def amount(self, raw: Any, name: str) -> Val:
        return self._val(raw, name, parse_amount)

    def number(self, raw: Any, name: str) -> Val:
        return self._val(raw, name, parse_number)

    def date(self, raw: Any, name: str) -> Val:
        return self._val(raw, name, parse_date)

    def number_or_text(self, raw: Any, name: str) -> Val:
        """Task targets may be qualitative (“显著提升”): keep text that is not a number."""
        cell = self.cells.get(name)
        try:
            return Val(parse_number(raw), name, cell)
        except ParseError as exc:
            if isinstance(raw, str) and not raw.strip().startswith("#"):
                return Val(raw.strip(), name, cell)
            self._record(name, cell, exc.reason)
            return Val(None, name, cell)

    def text(self, raw: Any, name: str) -> Val:
        if raw is None:
            value = None
        elif isinstance(raw, float) and raw.is_integer():
            value = str(int(raw))
        else:
            value = str(raw).strip() or None
        return Val(value, name, self.cells.get(name))

    def comparator(self, raw: Any, name: str) -> Val:
        text = self.text(raw, name)
        if text.value is None:
            return Val(">=", name, text.cell)  # a target is "at least" unless said otherwise
        norm = COMPARATORS.get(text.value)
        if norm is None:
            where = f"（{text.cell}）" if text.cell else ""
            self.findings.append(Finding(
                "UNREADABLE_VALUE", "error",
                f"{describe_field(name)}{where}应为 ≥、≤ 或 =，实际是“{text.value}”；按 ≥ 处理",
                (name,), text.cells))
            norm = ">="
        return Val(norm, name, text.cell)

    def scalars(self, data: Mapping, group: str) -> dict[str, Val]:
        """Every scalar under one top-level key, by its last path part."""
        source = data.get(group)
        source = source if isinstance(source, Mapping) else {}
        return {s.path[-1]: self.read(s.kind, source.get(s.path[-1]), s.name)
                for s in schema.SCALARS if s.path[0] == group and len(s.path) == 2}

    def rows(self, data: Mapping, block: schema.Block) -> dict[str, Row]:
        out = {}
        source = data.get(block.key) or {}
        for key, label in block.rows:
            raw_row = source.get(key) or {}
            values = {f: self.amount(raw_row.get(f), f"{block.prefix}_{key}_{f}")
                      for f in block.fields}
            reason = (self.text(raw_row.get("reason"), f"{block.prefix}_{key}_reason")
                      if block.reason else None)
            out[key] = Row(key, label, values, reason)
        return out

    def item(self, tbl: schema.Table, raw: Mapping, row: str | int) -> dict[str, Val]:
        """One table row's columns (the link column is the parent itself, not a value)."""
        return {c.key: self.read(c.kind, raw.get(c.key), schema.row_field(tbl, row, c.key))
                for c in tbl.columns if c.kind != schema.LINK}


def _list(data: Mapping, key: str) -> list[Mapping]:
    items = data.get(key) or []
    return [item for item in items if isinstance(item, Mapping) and any(
        v not in (None, "") for v in item.values())]


def econ_key(code: Any, index: int) -> str:
    """Row key of tbl_econ: its code (CONTRACT §4), or the 1-based index if blank."""
    text = "" if code is None else str(code).strip()
    text = text.removesuffix(".0")
    return text or str(index)


def _projects(r: _Reader, data: Mapping) -> tuple[Project, ...]:
    """Projects with their indicators; indicators are numbered across all projects,
    in order, as the rows of tbl_project_indicators are."""
    out, n = [], 0
    for i, item in enumerate(_list(data, schema.PROJECTS.key), 1):
        values = r.item(schema.PROJECTS, item, i)
        indicators = []
        for raw in _list(item, schema.PROJECT_INDICATORS.key):
            n += 1
            indicators.append(ProjectIndicator(**r.item(schema.PROJECT_INDICATORS, raw, n)))
        out.append(Project(**values, indicators=tuple(indicators)))
    return tuple(out)


def from_mapping(data: Mapping, *, cells: Mapping[str, str] | None = None,
                 source: str | None = None) -> Dataset:
    """Build a :class:`Dataset` from the contract's plain shape.

    ``cells`` maps a contract field name to ``sheet!cell`` (from the workbook
    reader). Unreadable values become findings, not exceptions. Values are read
    department first, then the tables, then the blocks, so findings come in the
    order people know.
    """
    r = _Reader(cells)
    department = Department(**r.scalars(data, "department"))
    econ = tuple(EconRow(**r.item(schema.ECON, item, econ_key(item.get("code"), i)))
                 for i, item in enumerate(_list(data, schema.ECON.key), 1))
    projects = _projects(r, data)
    tasks = tuple(KeyTask(**r.item(schema.TASKS, item, i))
                  for i, item in enumerate(_list(data, schema.TASKS.key), 1))
    narrative = []
    sections = data.get(schema.TEXT_TABLE.key) or {}
    for section in NARRATIVE_SECTIONS:
        for text in sections.get(section) or []:
            if text in (None, ""):
                continue
            field_name = schema.row_field(schema.TEXT_TABLE, len(narrative) + 1, "content")
            narrative.append(Paragraph(section, r.text(text, field_name)))
    scores = tuple(SelfScore(**r.item(schema.SCORES, item, i))
                   for i, item in enumerate(_list(data, schema.SCORES.key), 1))
    income, expenditure, outlays = (r.rows(data, b) for b in schema.BLOCKS)
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


def _extra_findings(data: Mapping) -> list[Finding]:
    """Structural problems of the mapping itself (unknown narrative sections)."""
    out = []
    for section in (data.get(schema.TEXT_TABLE.key) or {}):
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

    d = ds.department
    return {
        "department": group({"name": d.name, "year": d.year,
                             "staff_authorized": d.staff_authorized,
                             "staff_actual": d.staff_actual, "report_date": d.report_date}),
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


# ---------------------------------------------------------------- field labels

#: Every scalar's defined name → its Chinese label.
FIELD_LABELS = {s.name: s.label for s in schema.SCALARS}
#: Table name → {column key → Chinese header} (the headers CONTRACT §3 fixes).
COLUMN_LABELS = {t.name: t.headers for t in schema.TABLES}


def describe_field(name: str) -> str:
    """``exp_basic_actual`` → 基本支出本年决算数; ``tbl_tasks[2].actual`` → 重点工作第2行实际值."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("tbl_") and "[" in name:
        table, rest = name.split("[", 1)
        key, _, column = rest.partition("].")
        tbl = schema.TABLES_BY_NAME.get(table)
        keyed = tbl is not None and tbl.keyed_by is not None
        row = f"第{key}行" if key.isdigit() and not keyed else f"[{key}]"
        if tbl is None:
            return f"{table}{row}{column}"
        return f"{tbl.label}{row}{tbl.headers.get(column, column)}"
    return name
