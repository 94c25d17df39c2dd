"""What every check shares: building a finding from the values it is about.

A finding names its values three ways: contract field names and cells (the JSON
of CONTRACT §4) and :class:`~xlpkg.core.finding.Subject` (their place in the
YAML shape). The subjects come from one walk over the dataset's structure,
never from parsing field names back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, compress, count, repeat
from operator import attrgetter
from typing import Any

from xlpkg.core import schema
from xlpkg.core.finding import Claim, Finding, Subject
from xlpkg.core.model import Dataset, Paragraph, Val, describe_field, scalar_values
from xlpkg.core.record import fields

# The lists whose rows are known by their 0-based index.
_LISTS = tuple(t.key for t in schema.TABLES
               if len(t.path) == 1 and t.keyed_by is None and t is not schema.TEXT_TABLE)


def _row_vals(obj) -> Iterable[tuple[str, Val]]:
    """The (field, Val) pairs of one row, whatever fields the model gives it."""
    for name in fields(obj):
        v = getattr(obj, name)
        if isinstance(v, Val):
            yield name, v


# A value's place: a Subject's (block, row, field). The index keeps these plain tuples
# and makes a Subject only for the values a finding names (a few, of thousands).
_Place = tuple[str, str | int | None, str | None]
_Entry = tuple[Val, _Place]
_field_of, _cell_of = attrgetter("field"), attrgetter("cell")


class _Rows:
    """One list block's values (a row's fields in order, row after row) in one flat
    list, and the position of each field name's last value in it.

    A 5,500-row task table holds 44,000 values and a finding names a few: the
    list and the positions are made by C loops (``attrgetter``, ``map``), and a
    value's place is worked out from its position only when it is asked for.
    """

    def __init__(self, block: str, rows: Sequence[Any]):
        self.block = block
        kinds = {type(row) for row in rows}
        names = fields(kinds.pop()) if len(kinds) == 1 else ()
        if len(names) > 1:            # one kind of row: every row's fields in one go
            self.width, self.names = len(names), names
            self.vals = list(chain.from_iterable(map(attrgetter(*names), rows)))
        else:                         # rows of mixed kinds: row by row (never in a Dataset)
            self.width, self.names = 0, []
            self.rows: list[int] = []
            self.vals = []
            for i, row in enumerate(rows):
                for name in fields(row):
                    self.vals.append(getattr(row, name))
                    self.names.append(name)
                    self.rows.append(i)
        if all(map(isinstance, self.vals, repeat(Val))):
            self.at = dict(zip(map(_field_of, self.vals), range(len(self.vals))))
        else:                         # fields that are not values (a project's indicators)
            mask = list(map(isinstance, self.vals, repeat(Val)))
            self.at = dict(zip(map(_field_of, compress(self.vals, mask)),
                               compress(count(), mask)))

    def get(self, field: str) -> _Entry | None:
        k = self.at.get(field)
        if k is None:
            return None
        if self.width:
            row, name = divmod(k, self.width)
            return self.vals[k], (self.block, row, self.names[name])
        return self.vals[k], (self.block, self.rows[k], self.names[k])


_UNSEEN = object()


class _Index:
    """Every value of one dataset by contract field name, with its place.

    The walk's order decides which value a field name means when two share one:
    the single values, the economic rows, the list blocks, then the paragraphs,
    the last one kept. :meth:`find` asks the parts in the reverse order.
    """

    def __init__(self, ds: Dataset):
        self.ds = ds
        self._walked = False
        self._subjects: dict[str, Subject | None] = {}
        self._by_place: dict[_Place, Val] | None = None
        self.memo: dict[Callable, Any] = {}

    def _walk(self) -> None:
        ds = self.ds
        head: dict[str, _Entry] = {}
        for scalar, v in scalar_values(ds):          # every single value, by its YAML path
            block, *rest = scalar.path
            head[v.field] = (v, (block, rest[0] if len(rest) == 2 else None, rest[-1]))
        for i, e in enumerate(ds.economic_classification):   # economic rows by their code
            for name, v in _row_vals(e):
                head[v.field] = (v, ("economic_classification", e.code.value or i, name))
        self._head = head
        # list rows by 0-based index, the later blocks asked first
        self._lists = [_Rows(block, rows) for block in reversed(_LISTS)
                       if (rows := getattr(ds, block, ()))]
        self._tail = {para.text.field: (para.text, ("narrative", index, section))
                      for para, section, index in paragraphs(ds)}
        self._walked = True

    def find(self, field: str) -> _Entry | None:
        """The (Val, place) a field name means, or None when no value has that name."""
        if not self._walked:
            self._walk()
        entry = self._tail.get(field)
        if entry is not None:
            return entry
        for rows in self._lists:
            if field in rows.at:       # (asked here: most blocks do not hold the name)
                return rows.get(field)
        return self._head.get(field)

    def subjects(self, vals: Iterable[Val]) -> tuple[Subject, ...]:
        """The subjects of some values, leaving out those the dataset has no place for."""
        known = self._subjects
        out = []
        for v in vals:
            field = v.field
            subject = known.get(field, _UNSEEN)
            if subject is _UNSEEN:
                entry = self.find(field)
                subject = known[field] = None if entry is None else Subject(*entry[1])
            if subject is not None:
                out.append(subject)
        return tuple(out)

    def at(self, place: _Place) -> Val | None:
        """The value whose field name means ``place``, if there is one."""
        if not self._walked:
            self._walk()
        block, row, name = place
        if block in _LISTS:
            return self._listed(block, row, name)
        if self._by_place is None:     # a field's last value only; of one place, the later
            self._by_place = {entry[1]: entry[0] for field, entry in self._head.items()
                              if self.find(field) is entry}
            self._by_place.update((p, v) for v, p in self._tail.values())
        return self._by_place.get(place)

    def _listed(self, block: str, row: Any, name: Any) -> Val | None:
        rows = getattr(self.ds, block, ())
        if type(row) is not int:       # a row index given as another number equal to one
            row = next((i for i in range(len(rows)) if i == row), None)
        if row is None or not 0 <= row < len(rows) or name not in fields(rows[row]):
            return None
        v = getattr(rows[row], name)
        if not isinstance(v, Val):
            return None
        return v if self.find(v.field)[1] == (block, row, name) else None


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
    """Contract field name → (Val, place) for every value of ``ds`` (``.find``),
    and the :class:`Subject` of each.

    Checks ask once per finding; the index (walked when first asked) is kept for
    the last dataset seen (one object, replaced whole, so concurrent callers never
    see half of one).
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


def once(ds: Dataset, make: Callable[[Dataset], Any]) -> Any:
    """``make(ds)``, worked out once per dataset (kept with its value index): what
    several checks ask of every row, such as how each key task stands."""
    memo = value_index(ds).memo
    if make not in memo:
        memo[make] = make(ds)
    return memo[make]


def val_at(ds: Dataset, subject: Subject) -> Val | None:
    """The value at a subject's place, if the dataset has one there."""
    return value_index(ds).at((subject.block, subject.row, subject.field))


def subjects_of(ds: Dataset, vals: Iterable[Val]) -> tuple[Subject, ...]:
    return value_index(ds).subjects(vals)


def vals_named(ds: Dataset, fields: Iterable[str]) -> list[Val]:
    """The values behind some contract field names (as an indicator reports them)."""
    index = value_index(ds)
    return [entry[0] for f in fields if (entry := index.find(f)) is not None]


def finding(ds: Dataset, code: str, severity: str, message: str, vals: Sequence[Val],
            claim: Claim | None = None) -> Finding:
    """A finding about ``vals`` (fields, cells and subjects in the same order)."""
    # (map and filter, not comprehensions: a check makes thousands of findings of two values)
    return Finding(code, severity, message, tuple(map(_field_of, vals)),
                   tuple(filter(None, map(_cell_of, vals))), value_index(ds).subjects(vals),
                   claim)


ROUNDING_NOTE = "（在四舍五入误差以内）"
# A list row's name in messages: 项目“困难职工救助基金”全年预算数, not 项目支出第1行全年预算数.
_ROW_NAMES = {"projects": ("项目", schema.PROJECTS), "key_tasks": ("重点工作", schema.TASKS)}


def name_of(ds: Dataset, v: Val) -> str:
    """The Chinese name of one value, by its row's own name where it has one."""
    entry = value_index(ds).find(v.field)
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
