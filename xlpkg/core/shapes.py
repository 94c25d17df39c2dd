"""The shape of a data file's mapping, checked against the contract schema.

Owns :func:`shape_problems`: whether a plain mapping (from YAML/JSON) has the
shape :mod:`xlpkg.core.schema` describes — groups and block rows are mappings,
tables are lists of mappings, every value is one value (not a list, not a
mapping), narrative sections are lists of paragraphs (or one paragraph as a
single text) — and, for every place it has not, a Chinese sentence naming the key
and the shape expected there. It judges shape only; values that are the right
shape but unreadable (“很多” as an amount) are the model's findings. Pure: imports
only core.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from xlpkg.core import schema

#: Keys whose value is a mapping: of single values (department.name …) or of block rows.
_GROUPS = tuple(dict.fromkeys(s.path[0] for s in schema.SCALARS))
_BLOCKS = {b.key: b for b in schema.BLOCKS}
_TOP_TABLES = {t.key: t for t in schema.TABLES
               if len(t.path) == 1 and t is not schema.TEXT_TABLE}
_ONE_VALUE = "单个值（文字或数字）"


def describe_value(value: Any) -> str:
    """What a value is, as a message says it: 列表、整数 5、文字“很多” …"""
    if isinstance(value, bool):
        return f"逻辑值 {'true' if value else 'false'}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**20 else f"{len(str(abs(value)))} 位数字"
        return f"整数 {text}"
    if isinstance(value, float | Decimal):
        return f"数字 {value}"
    if isinstance(value, str):
        shown = value.strip()
        return f"文字“{shown[:20]}{'…' if len(shown) > 20 else ''}”"
    if isinstance(value, Mapping):
        return "键值对"
    if isinstance(value, list | tuple):
        return f"列表（{len(value)} 项）"
    if isinstance(value, date):
        return f"日期 {value.isoformat()}"
    return type(value).__name__


def _is_one_value(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | Decimal | date)


def _named(path: str, label: str | None) -> str:
    return f"“{path}”（{label}）" if label else f"“{path}”"


class _Walk:
    def __init__(self):
        self.problems: list[str] = []

    def expect(self, ok: bool, path: str, label: str | None, shape: str, value: Any) -> bool:
        if not ok:
            self.problems.append(f"{_named(path, label)}应为{shape}，实际是{describe_value(value)}")
        return ok

    def value(self, path: str, label: str | None, value: Any) -> None:
        self.expect(_is_one_value(value), path, label, _ONE_VALUE, value)

    def mapping(self, path: str, label: str | None, value: Any, example: str) -> bool:
        """Whether ``value`` is a mapping (or blank); a problem otherwise."""
        return value is None or self.expect(isinstance(value, Mapping), path, label,
                                            f"键值对（如 {example}: …）", value)

    def table(self, path: str, tbl: schema.Table, items: Any) -> None:
        if items is None:
            return
        first = tbl.columns[0].key
        if not self.expect(isinstance(items, list), path, tbl.label,
                           f"列表（每项一组“键: 值”，如 - {first}: …）", items):
            return
        for i, item in enumerate(items, 1):
            where = f"{path}[{i}]"
            if item is None:
                continue
            if not self.expect(isinstance(item, Mapping), where, f"{tbl.label}第{i}项",
                               f"一组“键: 值”（如 {first}: …）", item):
                continue
            for column in tbl.columns:
                if column.key in item and column.kind != schema.LINK:
                    self.value(f"{where}.{column.key}", f"{tbl.label}第{i}项{column.header}",
                               item[column.key])
            if tbl is schema.PROJECTS:
                self.table(f"{where}.{schema.PROJECT_INDICATORS.key}",
                           schema.PROJECT_INDICATORS, item.get(schema.PROJECT_INDICATORS.key))

    def narrative(self, sections: Any) -> None:
        key = schema.TEXT_TABLE.key
        if not self.mapping(key, schema.TEXT_TABLE.label, sections, schema.SECTIONS[0].key):
            return
        for section, paragraphs in (sections or {}).items():
            where = f"{key}.{section}"
            label = schema.SECTIONS_BY_KEY[section].label if section in schema.SECTIONS_BY_KEY \
                else None
            if paragraphs is None or isinstance(paragraphs, str):   # one paragraph
                continue
            if not self.expect(isinstance(paragraphs, list), where, label,
                               "段落的列表（每段一行，以 - 开头），或一段文字", paragraphs):
                continue
            for i, text in enumerate(paragraphs, 1):
                self.expect(_is_one_value(text), f"{where}[{i}]", label, "一段文字", text)


def shape_problems(data: Mapping) -> list[str]:
    """Every place where ``data`` is not the contract's shape, as Chinese sentences."""
    walk = _Walk()
    for group in _GROUPS:
        value = data.get(group)
        block = _BLOCKS.get(group)
        if block is not None:
            if not walk.mapping(group, None, value, block.rows[0][0]):
                continue
            for row, label in block.rows:
                fields = (value or {}).get(row)
                where = f"{group}.{row}"
                if not walk.mapping(where, label, fields, block.fields[-1]):
                    continue
                for f in (*block.fields, *(("reason",) if block.reason else ())):
                    if f in (fields or {}):
                        walk.value(f"{where}.{f}", schema.scalar(group, row, f).label, fields[f])
            continue
        scalars = [s for s in schema.SCALARS if s.path[0] == group]
        if not walk.mapping(group, None, value, scalars[0].path[1]):
            continue
        for s in scalars:
            if s.path[1] in (value or {}):
                walk.value(".".join(s.path), s.label, value[s.path[1]])
    for key, tbl in _TOP_TABLES.items():
        walk.table(key, tbl, data.get(key))
    walk.narrative(data.get(schema.TEXT_TABLE.key))
    return walk.problems
