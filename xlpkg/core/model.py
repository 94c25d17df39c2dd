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
from decimal import Decimal
from typing import Any

from xlpkg.core.finding import Finding
from xlpkg.core.money import ParseError, parse_amount, parse_number

# ---------------------------------------------------------------- contract vocabulary

INCOME_ROWS = ("total", "fiscal", "other")
INCOME_FIELDS = ("prior", "actual")
EXPENDITURE_ROWS = ("total", "basic", "personnel", "public", "project")
EXPENDITURE_FIELDS = ("prior", "budget_initial", "budget_final", "actual")
OUTLAY_ROWS = ("total", "outbound", "vehicle_purchase", "vehicle_operation",
               "reception", "meeting", "training")
OUTLAY_FIELDS = ("prior", "budget", "actual")
SANGONG_ROWS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")
NARRATIVE_SECTIONS = ("functions", "fixed_assets", "project_management", "business",
                      "evaluation_process", "problems", "improvements", "results_use",
                      "other")

LABELS = {
    # rows
    "inc.total": "本年收入合计", "inc.fiscal": "财政拨款收入", "inc.other": "其他收入",
    "exp.total": "财政拨款支出合计", "exp.basic": "基本支出", "exp.personnel": "人员经费",
    "exp.public": "公用经费", "exp.project": "项目支出",
    "out.total": "“三公”经费合计", "out.outbound": "因公出国（境）费",
    "out.vehicle_purchase": "公务用车购置费", "out.vehicle_operation": "公务用车运行维护费",
    "out.reception": "公务接待费", "out.meeting": "会议费", "out.training": "培训费",
    # fields
    "prior": "上年决算数", "budget_initial": "年初预算数", "budget_final": "全年预算数",
    "actual": "本年决算数", "budget": "预算数",
}

NARRATIVE_LABELS = {
    "functions": "部门职能",
    "fixed_assets": "固定资产管理情况",
    "project_management": "项目资金管理情况",
    "business": "部门业务开展情况",
    "evaluation_process": "绩效评价工作过程",
    "problems": "存在的问题及原因分析",
    "improvements": "下一步改进措施",
    "results_use": "绩效自评结果拟应用和公开情况",
    "other": "其他需要说明的情况",
}
NARRATIVE_KEYS = {label: key for key, label in NARRATIVE_LABELS.items()}

COMPARATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", "＝": "=",
               "==": "=", ">": ">=", "<": "<=", "＞": ">=", "＜": "<=", "≧": ">=", "≦": "<="}
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "="}


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Val:
    """One value and where it came from.

    ``value`` is a ``Decimal`` for numbers, ``str`` for text, ``None`` when not
    stated (or unreadable — then a finding says so).
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


@dataclass(frozen=True)
class Row:
    """One row of a fixed block (income, expenditure, outlays): field → Val."""

    key: str
    label: str
    values: Mapping[str, Val]

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
class Project:
    name: Val
    budget_initial: Val
    budget_final: Val
    actual: Val
    prior: Val
    purpose: Val


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

OTHER_BUDGET_NAMES = {"government_fund": "gf_actual", "state_capital": "soe_actual",
                      "social_insurance": "ssf_actual"}


class _Reader:
    """Builds Vals from a plain mapping, collecting unreadable values as findings."""

    def __init__(self, cells: Mapping[str, str] | None):
        self.cells = cells or {}
        self.findings: list[Finding] = []

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


def _rows(r: _Reader, data: Mapping, prefix: str, block: str, rows, fields) -> dict[str, Row]:
    out = {}
    source = data.get(block) or {}
    for key in rows:
        raw_row = source.get(key) or {}
        values = {f: r.amount(raw_row.get(f), f"{prefix}_{key}_{f}") for f in fields}
        out[key] = Row(key, LABELS[f"{prefix}.{key}"], values)
    return out


def _list(data: Mapping, key: str) -> list[Mapping]:
    items = data.get(key) or []
    return [item for item in items if isinstance(item, Mapping) and any(
        v not in (None, "") for v in item.values())]


def econ_key(code: Any, index: int) -> str:
    """Row key of tbl_econ: its code (CONTRACT §4), or the 1-based index if blank."""
    text = "" if code is None else str(code).strip()
    text = text.removesuffix(".0")
    return text or str(index)


def from_mapping(data: Mapping, *, cells: Mapping[str, str] | None = None,
                 source: str | None = None) -> Dataset:
    """Build a :class:`Dataset` from the contract's plain shape.

    ``cells`` maps a contract field name to ``sheet!cell`` (from the workbook
    reader). Unreadable values become findings, not exceptions.
    """
    r = _Reader(cells)
    dept = data.get("department") or {}
    department = Department(
        name=r.text(dept.get("name"), "dept_name"),
        year=r.number(dept.get("year"), "dept_year"),
        staff_authorized=r.number(dept.get("staff_authorized"), "staff_authorized"),
        staff_actual=r.number(dept.get("staff_actual"), "staff_actual"),
    )
    econ = []
    for i, item in enumerate(_list(data, "economic_classification"), 1):
        k = econ_key(item.get("code"), i)
        econ.append(EconRow(
            code=r.text(item.get("code"), f"tbl_econ[{k}].code"),
            name=r.text(item.get("name"), f"tbl_econ[{k}].name"),
            prior=r.amount(item.get("prior"), f"tbl_econ[{k}].prior"),
            actual=r.amount(item.get("actual"), f"tbl_econ[{k}].actual"),
        ))
    projects = []
    for i, item in enumerate(_list(data, "projects"), 1):
        f = f"tbl_projects[{i}]."
        projects.append(Project(
            name=r.text(item.get("name"), f + "name"),
            budget_initial=r.amount(item.get("budget_initial"), f + "budget_initial"),
            budget_final=r.amount(item.get("budget_final"), f + "budget_final"),
            actual=r.amount(item.get("actual"), f + "actual"),
            prior=r.amount(item.get("prior"), f + "prior"),
            purpose=r.text(item.get("purpose"), f + "purpose"),
        ))
    tasks = []
    for i, item in enumerate(_list(data, "key_tasks"), 1):
        f = f"tbl_tasks[{i}]."
        tasks.append(KeyTask(
            name=r.text(item.get("name"), f + "name"),
            unit=r.text(item.get("unit"), f + "unit"),
            comparator=r.comparator(item.get("comparator"), f + "comparator"),
            target=r.number_or_text(item.get("target"), f + "target"),
            actual=r.number_or_text(item.get("actual"), f + "actual"),
            note=r.text(item.get("note"), f + "note"),
            category=r.text(item.get("category"), f + "category"),
            weight=r.number(item.get("weight"), f + "weight"),
        ))
    narrative = []
    index = 0
    sections = data.get("narrative") or {}
    for section in NARRATIVE_SECTIONS:
        for text in sections.get(section) or []:
            if text in (None, ""):
                continue
            index += 1
            narrative.append(Paragraph(section, r.text(text, f"tbl_text[{index}].content")))
    scores = []
    for i, item in enumerate(_list(data, "self_scores"), 1):
        f = f"tbl_scores[{i}]."
        scores.append(SelfScore(
            indicator=r.text(item.get("indicator"), f + "indicator"),
            score=r.number(item.get("score"), f + "score"),
            note=r.text(item.get("note"), f + "note"),
        ))
    carry = data.get("carryover") or {}
    proc = data.get("procurement") or {}
    fa = data.get("fixed_assets") or {}
    other = data.get("other_budgets") or {}
    return Dataset(
        department=department,
        income=_rows(r, data, "inc", "income", INCOME_ROWS, INCOME_FIELDS),
        expenditure=_rows(r, data, "exp", "expenditure", EXPENDITURE_ROWS,
                          EXPENDITURE_FIELDS),
        economic_classification=tuple(econ),
        projects=tuple(projects),
        outlays=_rows(r, data, "out", "outlays", OUTLAY_ROWS, OUTLAY_FIELDS),
        carry_begin=r.amount(carry.get("begin"), "carry_begin"),
        carry_end=r.amount(carry.get("end"), "carry_end"),
        proc_budget=r.amount(proc.get("budget"), "proc_budget"),
        proc_actual=r.amount(proc.get("actual"), "proc_actual"),
        fa_total=r.amount(fa.get("total"), "fa_total"),
        fa_in_use=r.amount(fa.get("in_use"), "fa_in_use"),
        other_budgets={k: r.amount(other.get(k), n) for k, n in OTHER_BUDGET_NAMES.items()},
        key_tasks=tuple(tasks),
        narrative=tuple(narrative),
        self_scores=tuple(scores),
        source=source,
        read_findings=tuple(r.findings) + tuple(_extra_findings(data)),
    )


def _extra_findings(data: Mapping) -> list[Finding]:
    """Structural problems of the mapping itself (unknown narrative sections)."""
    out = []
    for section in (data.get("narrative") or {}):
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
    text); otherwise they become int/float for YAML/JSON.
    """
    conv = (lambda v: v) if exact else _plain

    def rows(block: Mapping[str, Row]) -> dict:
        return {k: {f: conv(v.value) for f, v in row.values.items()} for k, row in block.items()}

    return {
        "department": {
            "name": ds.department.name.value,
            "year": conv(ds.department.year.value),
            "staff_authorized": conv(ds.department.staff_authorized.value),
            "staff_actual": conv(ds.department.staff_actual.value),
        },
        "income": rows(ds.income),
        "expenditure": rows(ds.expenditure),
        "economic_classification": [
            {"code": e.code.value, "name": e.name.value, "prior": conv(e.prior.value),
             "actual": conv(e.actual.value)} for e in ds.economic_classification],
        "projects": [
            {"name": p.name.value, "budget_initial": conv(p.budget_initial.value),
             "budget_final": conv(p.budget_final.value), "actual": conv(p.actual.value),
             "prior": conv(p.prior.value), "purpose": p.purpose.value} for p in ds.projects],
        "outlays": rows(ds.outlays),
        "carryover": {"begin": conv(ds.carry_begin.value), "end": conv(ds.carry_end.value)},
        "procurement": {"budget": conv(ds.proc_budget.value),
                        "actual": conv(ds.proc_actual.value)},
        "fixed_assets": {"total": conv(ds.fa_total.value), "in_use": conv(ds.fa_in_use.value)},
        "other_budgets": {k: conv(v.value) for k, v in ds.other_budgets.items()},
        "key_tasks": [
            {"name": t.name.value, "unit": t.unit.value, "comparator": t.comparator.value,
             "target": conv(t.target.value), "actual": conv(t.actual.value),
             "note": t.note.value, "category": t.category.value,
             "weight": conv(t.weight.value)} for t in ds.key_tasks],
        "narrative": {s: ds.paragraphs(s) for s in NARRATIVE_SECTIONS},
        "self_scores": [
            {"indicator": s.indicator.value, "score": conv(s.score.value),
             "note": s.note.value} for s in ds.self_scores],
    }


# ---------------------------------------------------------------- field labels

def _field_labels() -> dict[str, str]:
    labels = {"dept_name": "单位名称", "dept_year": "年度", "staff_authorized": "编制数",
              "staff_actual": "实际在职人数", "carry_begin": "年初结转结余",
              "carry_end": "年末结转结余", "proc_budget": "政府采购预算",
              "proc_actual": "政府采购实际金额", "fa_total": "固定资产总额",
              "fa_in_use": "在用固定资产", "gf_actual": "政府性基金预算支出",
              "soe_actual": "国有资本经营预算支出", "ssf_actual": "社会保险基金预算支出"}
    for prefix, rows, fields in (("inc", INCOME_ROWS, INCOME_FIELDS),
                                 ("exp", EXPENDITURE_ROWS, EXPENDITURE_FIELDS),
                                 ("out", OUTLAY_ROWS, OUTLAY_FIELDS)):
        for row in rows:
            for f in fields:
                labels[f"{prefix}_{row}_{f}"] = f"{LABELS[f'{prefix}.{row}']}{LABELS[f]}"
    return labels


FIELD_LABELS = _field_labels()
_TABLE_LABELS = {"tbl_econ": "经济分类", "tbl_projects": "项目支出", "tbl_tasks": "重点工作",
                 "tbl_text": "文字内容", "tbl_scores": "自评打分"}
COLUMN_LABELS = {
    "tbl_econ": {"code": "科目编码", "name": "科目名称", "prior": "上年决算数", "actual": "本年决算数"},
    "tbl_projects": {"name": "项目名称", "budget_initial": "年初预算数", "budget_final": "全年预算数",
                     "actual": "本年决算数", "prior": "上年决算数", "purpose": "资金用途"},
    "tbl_tasks": {"name": "工作内容", "unit": "计量单位", "comparator": "比较", "target": "目标值",
                  "actual": "实际值", "note": "说明", "category": "指标类别", "weight": "分值"},
    "tbl_text": {"section": "栏目", "content": "内容"},
    "tbl_scores": {"indicator": "指标", "score": "自评得分", "note": "说明"},
}


def describe_field(name: str) -> str:
    """``exp_basic_actual`` → 基本支出本年决算数; ``tbl_tasks[2].actual`` → 重点工作第2行实际值."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("tbl_") and "[" in name:
        table, rest = name.split("[", 1)
        key, _, column = rest.partition("].")
        row = f"第{key}行" if key.isdigit() and table != "tbl_econ" else f"[{key}]"
        return f"{_TABLE_LABELS.get(table, table)}{row}{COLUMN_LABELS.get(table, {}).get(column, column)}"
    return name

