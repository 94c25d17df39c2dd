"""What every check shares: building a finding from the values it is about.

A finding names its values three ways: contract field names and cells (the JSON
of CONTRACT §4) and :class:`~xlpkg.core.finding.Subject` (their place in the
YAML shape). The subjects come from one walk over the dataset's structure,
never from parsing field names back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from xlpkg.core import schema
from xlpkg.core.finding import Claim, Finding, Subject
from xlpkg.core.model import Dataset, Paragraph, Val, describe_field, scalar_values
from xlpkg.core.record import fields

# The lists whose rows are known by their 0-based index.
_LISTS = tuple(t.key for t in schema.TABLES
               if len(t.path) == 1 and t.keyed_by is None and t is not schema.TEXT_TABLE)


def _row_vals(obj) -> Iterable[tuple[str, Val]]:
    """The (field, Val) pairs of one list row, whatever fields the model gives it."""
    for name in fields(obj):
        v = getattr(obj, name)
        if isinstance(v, Val):
            yield name, v


def _walk(ds: Dataset) -> dict[str, tuple[Val, Subject]]:
    out: dict[str, tuple[Val, Subject]] = {}

    def put(v: Val, subject: Subject) -> None:
        out[v.field] = (v, subject)

    for scalar, v in scalar_values(ds):          # every single value, by its YAML path
        block, *rest = scalar.path
        put(v, Subject(block, rest[0] if len(rest) == 2 else None, rest[-1]))
    for i, e in enumerate(ds.economic_classification):
        for name, v in _row_vals(e):
            put(v, Subject("economic_classification", e.code.value or i, name))
    for block in _LISTS:    # list rows by 0-based index (economic rows by their code)
        for i, item in enumerate(getattr(ds, block, ())):
            for name, v in _row_vals(item):
                put(v, Subject(block, i, name))
    for para, section, index in paragraphs(ds):
        put(para.text, Subject("narrative", index, section))
    return out


def _scalar(ds: Dataset, s: schema.Scalar) -> Val | None:
    """A two-level scalar's value: ``department.year``, ``other_budgets.*``, ``carry_begin``."""
    group, key = s.path
    holder = getattr(ds, group, None)
    if isinstance(holder, Mapping):
        return holder.get(key)
    if holder is not None:
        return getattr(holder, key, None)
    return getattr(ds, s.name, None)


_last: tuple[Dataset, dict[str, tuple[Val, Subject]]] | None = None


def value_index(ds: Dataset) -> dict[str, tuple[Val, Subject]]:
    """Contract field name → (Val, Subject), for every value of ``ds``.

    Checks ask once per finding; the walk is kept for the last dataset seen
    (one tuple, replaced whole, so concurrent callers never see half of one).
    """
    global _last
    last = _last
    if last is not None and last[0] is ds:
        return last[1]
    index = _walk(ds)
    _last = (ds, index)
    return index


def paragraphs(ds: Dataset) -> list[tuple[Paragraph, str, int]]:
    """Every paragraph with its section and 0-based index within that section."""
    seen: dict[str, int] = {}
    out = []
    for para in ds.narrative:
        index = seen.get(para.section, 0)
        seen[para.section] = index + 1
        out.append((para, para.section, index))
    return out


def val_at(ds: Dataset, subject: Subject) -> Val | None:
    """The value at a subject's place, if the dataset has one there."""
    global _by_subject
    last = _by_subject
    if last is None or last[0] is not ds:
        last = (ds, {s: v for v, s in value_index(ds).values()})
        _by_subject = last
    return last[1].get(subject)


_by_subject: tuple[Dataset, dict[Subject, Val]] | None = None


def subjects_of(ds: Dataset, vals: Iterable[Val]) -> tuple[Subject, ...]:
    index = value_index(ds)
    return tuple(index[v.field][1] for v in vals if v.field in index)


def vals_named(ds: Dataset, fields: Iterable[str]) -> list[Val]:
    """The values behind some contract field names (as an indicator reports them)."""
    index = value_index(ds)
    return [index[f][0] for f in fields if f in index]


def finding(ds: Dataset, code: str, severity: str, message: str, vals: Sequence[Val],
            claim: Claim | None = None) -> Finding:
    """A finding about ``vals`` (fields, cells and subjects in the same order)."""
    return Finding(code, severity, message, tuple(v.field for v in vals),
                   tuple(v.cell for v in vals if v.cell), subjects_of(ds, vals), claim)


ROUNDING_NOTE = "（在四舍五入误差以内）"
# A list row's name in messages: 项目“困难职工救助基金”全年预算数, not 项目支出第1行全年预算数.
_ROW_NAMES = {"projects": ("项目", schema.PROJECTS), "key_tasks": ("重点工作", schema.TASKS)}


def name_of(ds: Dataset, v: Val) -> str:
    """The Chinese name of one value, by its row's own name where it has one."""
    entry = value_index(ds).get(v.field)
    if entry is not None and entry[1].block in _ROW_NAMES:
        subject = entry[1]
        row = getattr(ds, subject.block)[subject.row]
        prefix, table = _ROW_NAMES[subject.block]
        column = table.headers.get(subject.field)
        if row.name.value and column:
            return f"{prefix}“{row.name.value}”{column}"
    return describe_field(v.field)


def names(ds: Dataset, vals: Iterable[Val]) -> str:
    """``公务接待费本年决算数、会议费本年决算数`` — the Chinese names of some values."""
    return "、".join(name_of(ds, v) for v in vals)


def skipped(ds: Dataset, rule: str, missing: Sequence[Val]) -> Finding:
    """The one ``info`` a rule gives when a figure it needs is blank."""
    return finding(ds, "RULE_SKIPPED", "info", f"{rule}：缺少{names(ds, missing)}，未计算", missing)
