"""What every check shares: building a finding from the values it is about.

A finding names its values three ways: contract field names and cells (the JSON
of CONTRACT §4) and :class:`~xlpkg.core.finding.Subject` (their place in the
YAML shape). The subjects come from one walk over the dataset's structure,
never from parsing field names back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from xlpkg.core.finding import Claim, Finding, Subject
from xlpkg.core.model import Dataset, Paragraph, Val, describe_field

# The scalars outside the row blocks, by their place in the YAML shape (CONTRACT §2).
_SCALARS = {"carry_begin": ("carryover", "begin"), "carry_end": ("carryover", "end"),
            "proc_budget": ("procurement", "budget"), "proc_actual": ("procurement", "actual"),
            "fa_total": ("fixed_assets", "total"), "fa_in_use": ("fixed_assets", "in_use")}
_LISTS = ("projects", "key_tasks", "self_scores")


def _row_vals(obj) -> Iterable[tuple[str, Val]]:
    """The (field, Val) pairs of one list row, whatever fields the model gives it."""
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, Val):
            yield f.name, v


def _walk(ds: Dataset) -> dict[str, tuple[Val, Subject]]:
    out: dict[str, tuple[Val, Subject]] = {}

    def put(v: Val, subject: Subject) -> None:
        out[v.field] = (v, subject)

    for name, v in _row_vals(ds.department):
        put(v, Subject("department", None, name))
    for block in ("income", "expenditure", "outlays"):
        for key, row in getattr(ds, block).items():
            for name, v in row.values.items():
                put(v, Subject(block, key, name))
    for i, e in enumerate(ds.economic_classification):
        for name, v in _row_vals(e):
            put(v, Subject("economic_classification", e.code.value or i, name))
    for block in _LISTS:
        for i, item in enumerate(getattr(ds, block, ())):
            for name, v in _row_vals(item):
                put(v, Subject(block, i, name))
    for attr, (block, name) in _SCALARS.items():
        put(getattr(ds, attr), Subject(block, None, name))
    for key, v in ds.other_budgets.items():
        put(v, Subject("other_budgets", None, key))
    for para, section, index in paragraphs(ds):
        put(para.text, Subject("narrative", index, section))
    return out


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


def names(vals: Iterable[Val]) -> str:
    """``公务接待费本年决算数、会议费本年决算数`` — the Chinese names of some values."""
    return "、".join(describe_field(v.field) for v in vals)


def skipped(ds: Dataset, rule: str, missing: Sequence[Val]) -> Finding:
    """The one ``info`` a rule gives when a figure it needs is blank."""
    return finding(ds, "RULE_SKIPPED", "info", f"{rule}：缺少{names(missing)}，未计算", missing)
