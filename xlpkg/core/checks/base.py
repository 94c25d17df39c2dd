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


# A value's place: a Subject's (block, row, field). The walk keeps these plain tuples
# and makes a Subject only for the values a finding names (a few, of thousands).
_Place = tuple[str, str | int | None, str | None]


def _walk(ds: Dataset) -> dict[str, tuple[Val, _Place]]:
    out: dict[str, tuple[Val, _Place]] = {}
    for scalar, v in scalar_values(ds):          # every single value, by its YAML path
        block, *rest = scalar.path
        out[v.field] = (v, (block, rest[0] if len(rest) == 2 else None, rest[-1]))
    for i, e in enumerate(ds.economic_classification):
        for name, v in _row_vals(e):
            out[v.field] = (v, ("economic_classification", e.code.value or i, name))
    for block in _LISTS:    # list rows by 0-based index (economic rows by their code)
        for i, item in enumerate(getattr(ds, block, ())):
            # _row_vals, from the record's own fields (see core.record), in one go per row
            for name, v in item.__dict__.items():
                if isinstance(v, Val):
                    out[v.field] = (v, (block, i, name))
    for para, section, index in paragraphs(ds):
        out[para.text.field] = (para.text, ("narrative", index, section))
    return out


class _Index:
    """Every value of one dataset by contract field name, with its place."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.places = _walk(ds)
        self._subjects: dict[str, Subject] = {}
        self._by_place: dict[_Place, Val] | None = None

    def subject(self, field: str) -> Subject:
        subject = self._subjects.get(field)
        if subject is None:
            subject = self._subjects[field] = Subject(*self.places[field][1])
        return subject

    def at(self, place: _Place) -> Val | None:
        if self._by_place is None:
            self._by_place = {place: v for v, place in self.places.values()}
        return self._by_place.get(place)


def _scalar(ds: Dataset, s: schema.Scalar) -> Val | None:
    """A two-level scalar's value: ``department.year``, ``other_budgets.*``, ``carry_begin``."""
    group, key = s.path
    holder = getattr(ds, group, None)
    if isinstance(holder, Mapping):
        return holder.get(key)
    if holder is not None:
        return getattr(holder, key, None)
    return getattr(ds, s.name, None)


_last: _Index | None = None


def value_index(ds: Dataset) -> _Index:
    """Contract field name → (Val, place) for every value of ``ds`` (``.places``),
    and the :class:`Subject` of each.

    Checks ask once per finding; the walk is kept for the last dataset seen
    (one object, replaced whole, so concurrent callers never see half of one).
    """
    global _last
    last = _last
    if last is not None and last.ds is ds:
        return last
    index = _last = _Index(ds)
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
    return value_index(ds).at((subject.block, subject.row, subject.field))


def subjects_of(ds: Dataset, vals: Iterable[Val]) -> tuple[Subject, ...]:
    index = value_index(ds)
    return tuple(index.subject(v.field) for v in vals if v.field in index.places)


def vals_named(ds: Dataset, fields: Iterable[str]) -> list[Val]:
    """The values behind some contract field names (as an indicator reports them)."""
    places = value_index(ds).places
    return [places[f][0] for f in fields if f in places]


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
    entry = value_index(ds).places.get(v.field)
    if entry is not None and entry[1][0] in _ROW_NAMES:
        block, index, field = entry[1]
        row = getattr(ds, block)[index]
        prefix, table = _ROW_NAMES[block]
        column = table.headers.get(field)
        if row.name.value and column:
            return f"{prefix}“{row.name.value}”{column}"
    return describe_field(v.field)


def names(ds: Dataset, vals: Iterable[Val]) -> str:
    """``公务接待费本年决算数、会议费本年决算数`` — the Chinese names of some values."""
    return "、".join(name_of(ds, v) for v in vals)


def skipped(ds: Dataset, rule: str, missing: Sequence[Val]) -> Finding:
    """The one ``info`` a rule gives when a figure it needs is blank."""
    return finding(ds, "RULE_SKIPPED", "info", f"{rule}：缺少{names(ds, missing)}，未计算", missing)
