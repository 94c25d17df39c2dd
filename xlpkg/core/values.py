"""Values with provenance, read from what people type, and the labels that name them.

Owns :class:`Val` (a value, its contract field name, its ``sheet!cell``), the one
:class:`ValueReader` that turns raw mapping values into Vals by the schema's kinds
(collecting what cannot be read as ``error`` findings, never raising and never
turning it into 0), and :func:`describe_field`, the Chinese name of any field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xlpkg.core import schema
from xlpkg.core.dates import parse_date
from xlpkg.core.finding import Finding
from xlpkg.core.money import ParseError, parse_amount, parse_number
from xlpkg.core.record import fields, record


@record
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


_new = object.__new__


def make_val(value: Any, field: str, cell: str | None) -> Val:
    """``Val(value, field, cell)`` without the record's argument checks (a quarter of
    their cost), for the one Val per cell a table of thousands of rows makes. A
    record keeps its fields in ``__dict__`` (see :mod:`xlpkg.core.record`); they are
    put there in the order its ``__init__`` puts them (its defaults first).
    """
    v = _new(Val)
    fields = v.__dict__
    fields["cell"] = cell
    fields["value"] = value
    fields["field"] = field
    return v


def _text(raw: Any) -> str | None:
    """A text value as read: stripped, ``None`` when blank; 2023.0 is ``2023``."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip() or None


class ValueReader:
    """Builds Vals from a plain mapping, collecting unreadable values as findings.

    ``cells`` maps a field name to its ``sheet!cell``. ``rows`` gives the cells of
    whole table rows at once, as the workbook reader knows them: a row's field-name
    prefix (:func:`~xlpkg.core.schema.row_prefix`) → (column key → the column's
    ``sheet!`` and letters, the sheet row's number as text), so that no field name
    is made twice to find a cell.
    """

    def __init__(self, cells: Mapping[str, str] | None,
                 rows: Mapping[str, tuple[Mapping[str, str], str]] | None = None):
        self.cells = cells or {}
        self.rows = rows or {}
        self.findings: list[Finding] = []
        # kind → its reader of (raw, field name, cell); read() finds the cell first
        self.parsers = {schema.AMOUNT: self._amount, schema.NUMBER: self._number,
                        schema.TEXT: self._text, schema.DATE: self._date,
                        schema.COMPARATOR: self._comparator,
                        schema.TARGET: self._number_or_text}
        self._columns: dict[str, tuple[tuple[str, Any], ...]] = {}   # see _plan
        self._fits: dict[type, bool] = {}   # see row

    def read(self, kind: str, raw: Any, name: str) -> Val:
        """The Val of ``raw`` read as ``kind`` (a :mod:`~xlpkg.core.schema` kind), its
        cell found by its field name ``name``."""
        return self.parsers[kind](raw, name, self.cells.get(name))

    # -- each kind, its cell known

    def _record(self, name: str, cell: str | None, reason: str) -> None:
        where = f"（{cell}）" if cell else ""
        self.findings.append(Finding(
            "UNREADABLE_VALUE", "error",
            f"{describe_field(name)}{where}无法识别：{reason}；相关规则已跳过",
            (name,), (cell,) if cell else ()))

    def _parsed(self, raw: Any, name: str, cell: str | None, parse) -> Val:
        try:
            return make_val(parse(raw), name, cell)
        except ParseError as exc:
            self._record(name, cell, exc.reason)
            return make_val(None, name, cell)

    def _amount(self, raw: Any, name: str, cell: str | None) -> Val:
        return self._parsed(raw, name, cell, parse_amount)

    def _number(self, raw: Any, name: str, cell: str | None) -> Val:
        return self._parsed(raw, name, cell, parse_number)

    def _date(self, raw: Any, name: str, cell: str | None) -> Val:
        return self._parsed(raw, name, cell, parse_date)

    def _number_or_text(self, raw: Any, name: str, cell: str | None) -> Val:
        """Task targets may be qualitative (“显著提升”): keep text that is not a number."""
        try:
            return make_val(parse_number(raw), name, cell)
        except ParseError as exc:
            if isinstance(raw, str) and not raw.strip().startswith("#"):
                return make_val(raw.strip(), name, cell)
            self._record(name, cell, exc.reason)
            return make_val(None, name, cell)

    def _text(self, raw: Any, name: str, cell: str | None) -> Val:
        # (most text arrives as str: _text's first two tests skipped)
        value = (raw.strip() or None) if type(raw) is str else _text(raw)
        return make_val(value, name, cell)

    def _comparator(self, raw: Any, name: str, cell: str | None) -> Val:
        text = (raw.strip() or None) if type(raw) is str else _text(raw)   # as in _text
        if text is None:
            return make_val(">=", name, cell)  # a target is "at least" unless said otherwise
        norm = schema.COMPARATORS.get(text)
        if norm is None:
            where = f"（{cell}）" if cell else ""
            self.findings.append(Finding(
                "UNREADABLE_VALUE", "error",
                f"{describe_field(name)}{where}应为 ≥、≤ 或 =，实际是“{text}”；按 ≥ 处理",
                (name,), (cell,) if cell else ()))
            norm = ">="
        return make_val(norm, name, cell)

    # -- groups and table rows

    def scalars(self, data: Mapping, group: str) -> dict[str, Val]:
        """Every scalar under one top-level key, by its last path part."""
        source = data.get(group)
        source = source if isinstance(source, Mapping) else {}
        return {s.path[-1]: self.read(s.kind, source.get(s.path[-1]), s.name)
                for s in schema.SCALARS if s.path[0] == group and len(s.path) == 2}

    def item(self, tbl: schema.Table, raw: Mapping, row: str | int) -> dict[str, Val]:
        """One table row's columns (the link column is the parent itself, not a value)."""
        out: dict[str, Val] = {}
        self._fill(out, tbl, raw, row)
        return out

    def row(self, cls: type, tbl: schema.Table, raw: Mapping, row: str | int):
        """``cls(**self.item(tbl, raw, row))`` without the dict made only to be unpacked:
        the Vals go straight into the record's ``__dict__``, in its fields' order (a
        record whose fields are the table's columns, none with a default; see
        :func:`make_val` and tests/test_reader_fast_paths.py)."""
        fits = self._fits.get(cls)
        if fits is None:
            keys = tuple(key for key, _, _ in self._plan(tbl))
            fits = self._fits[cls] = (fields(cls) == keys and not cls.__record_defaults__
                                      and not cls.__record_factories__
                                      and getattr(cls, "__post_init__", None) is None)
        if not fits:
            return cls(**self.item(tbl, raw, row))
        obj = _new(cls)
        self._fill(obj.__dict__, tbl, raw, row)
        return obj

    def _plan(self, tbl: schema.Table) -> tuple[tuple[str, Any, Any], ...]:
        """The table's (column key, reader, blank) triples, the link column left out;
        ``blank`` is what the reader makes of an empty cell (read once here: a blank
        raises no finding), so that the commonest cell skips its reader."""
        columns = self._columns.get(tbl.name)
        if columns is None:
            columns = self._columns[tbl.name] = tuple(
                (c.key, self.parsers[c.kind], self.parsers[c.kind](None, c.key, None).value)
                for c in tbl.columns if c.kind != schema.LINK)
        return columns

    def _fill(self, out: dict, tbl: schema.Table, raw: Mapping, row: str | int) -> None:
        columns = self._columns.get(tbl.name) or self._plan(tbl)
        prefix = schema.row_prefix(tbl, row)
        get = raw.get
        cells = self.cells
        at, number = self.rows.get(prefix, _UNPLACED)
        for key, parse, blank in columns:
            name = prefix + key
            label = at.get(key)
            cell = cells.get(name) if label is None else label + number
            value = get(key)
            out[key] = make_val(blank, name, cell) if value is None else parse(value, name, cell)


#: The cells of a row the workbook reader did not place: each found by its field name.
_UNPLACED: tuple[Mapping[str, str], str] = ({}, "")


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
