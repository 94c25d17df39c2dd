"""How much a workbook may hold: bounded work for any input, however small the file.

Owns the limits the workbook reader holds every workbook to, saved or live, and
the Chinese words for each:

- text of one cell beyond Excel's own 32,767 characters is cut there, and a
  finding names the cell (:func:`capped_text_findings`);
- a table whose declared header and totals rows do not fit its range reads as
  empty, and a finding says why (:func:`table_counts_finding`);
- rows with content in all tables, and characters of text in all cells read, have
  a budget per workbook (:func:`check_limits`): past it the workbook is refused
  (:class:`~xlpkg.errors.InputError`, exit 2) naming the table or the cell, before
  any check or report spends minutes and gigabytes on it.

A YAML/JSON data file is held to the same bounds (:func:`check_data_limits`).

The budgets are generous: a department's year is a few hundred rows and some tens
of thousands of characters; 20,000 task rows still read.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

from xlpkg.core import schema
from xlpkg.core.finding import Finding
from xlpkg.core.values import describe_field
from xlpkg.errors import InputError
from xlpkg.read.cells import MAX_CELL_CHARS, CappedText, Cells, TableRef, cell_label

#: Rows with content, all contract tables of one workbook together.
MAX_ROWS = 25_000
#: Characters of text, all cells read from one workbook together (about 2,000 pages).
MAX_TEXT_CHARS = 4_000_000

_TRIM_HINT = "请检查是否误填或误粘贴了大量内容（例如整列复制、重复粘贴），删除多余的内容后再试"


def capped_text_findings(field: str, cell: str, raw: object) -> list[Finding]:
    """The finding for a cell whose text was cut at Excel's limit (none for any other value)."""
    if not isinstance(raw, CappedText):
        return []
    return [Finding("TEXT_TOO_LONG", "error",
                   f"{describe_field(field)}（{cell}）有 {raw.length:,} 个字符，超过 Excel 单元格"
                   f"最多 {MAX_CELL_CHARS:,} 个字符的上限，只读取了前 {MAX_CELL_CHARS:,} 个字符；"
                   "请检查该单元格的内容", (field,), (cell,))]


def table_counts_finding(name: str, ref: TableRef) -> Finding | None:
    """A finding if the table declares more header/totals rows than its range holds."""
    if ref.counts_fit:
        return None
    where = f"{ref.sheet}!{ref.rect.a1()}"
    height = ref.rect.bottom - ref.rect.top + 1
    return Finding("TABLE_BAD_HEADER", "error",
                   f"表 {name}（{schema.table(name).label}，{where}）声明有 {ref.header_rows} 行表头、"
                   f"{ref.totals_rows} 行汇总，但整个表只有 {height} 行，无法确定数据行，"
                   "表中数据按空白处理；请在 Excel 中打开该工作簿并另存，或重新生成模板",
                   (), (where,))


def content_rows(tables: Mapping[str, TableRef], data: Mapping[str, Cells]) -> dict[str, list[int]]:
    """Each table's body rows that hold a cell, in order (none for a table without a body)."""
    return {name: _rows_with_content(ref, data.get(ref.sheet, {})) for name, ref in tables.items()}


def check_limits(source_name: str, tables: Mapping[str, TableRef],
                 data: Mapping[str, Cells], filled: Mapping[str, list[int]]) -> list[Finding]:
    """Refuse a workbook whose tables or text exceed what one department-year can be;
    otherwise the findings of tables whose declared rows do not fit (see above).
    ``filled`` is :func:`content_rows` of the same (the reader reads the tables by it)."""
    findings = [f for name, ref in tables.items()
                if (f := table_counts_finding(name, ref)) is not None]
    rows = {name: len(filled[name]) for name in tables}
    if sum(rows.values()) > MAX_ROWS:
        name = max(rows, key=rows.get)
        ref = tables[name]
        raise InputError(
            f"{source_name}：表 {name}（{schema.table(name).label}，{ref.sheet}!{ref.rect.a1()}）"
            f"有 {rows[name]:,} 行数据，各表合计 {sum(rows.values()):,} 行，"
            f"超过一个工作簿最多 {MAX_ROWS:,} 行的上限，无法处理", _TRIM_HINT)
    # the characters of every text (isinstance(v, str)), counted without a bytecode per cell
    values = chain.from_iterable(cells.values() for cells in data.values())
    if sum(map(len, filter(_IS_TEXT, values))) <= MAX_TEXT_CHARS:
        return findings
    total = 0   # over budget: find the cell where it ran out, in sheet order
    for sheet, cells in data.items():
        for (row, col), value in sorted(cells.items(), key=lambda item: item[0]):
            if isinstance(value, str):
                total += len(value)
                if total > MAX_TEXT_CHARS:
                    raise InputError(
                        f"{source_name}：读到 {cell_label(sheet, row, col)} 时，文字已超过 "
                        f"{MAX_TEXT_CHARS:,} 个字符（一个工作簿的上限），无法处理", _TRIM_HINT)
    return findings


_IS_TEXT = str.__instancecheck__


def _rows_with_content(ref: TableRef, cells: Cells) -> list[int]:
    body = ref.body
    if body is None:
        return []
    top, left, bottom, right = body.top, body.left, body.bottom, body.right
    return sorted({r for (r, c) in cells if top <= r <= bottom and left <= c <= right})


def check_data_limits(source_name: str, data: Mapping) -> None:
    """The same bounds for a YAML/JSON data file: one text no longer than a cell may be,
    rows and characters within the workbook's budgets. Refused naming the key."""
    rows = sum(len(data.get(t.key) or ()) for t in schema.TABLES
               if len(t.path) == 1 and isinstance(data.get(t.key), list))
    if rows > MAX_ROWS:
        raise InputError(f"{source_name}：各表合计 {rows:,} 行，超过一个数据文件最多 "
                         f"{MAX_ROWS:,} 行的上限，无法处理", _TRIM_HINT)
    total = 0
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                raise InputError(f"{source_name}：“{path}”有 {len(value):,} 个字符，超过一项文字最多 "
                                 f"{MAX_CELL_CHARS:,} 个字符的上限（与 Excel 单元格相同），无法处理",
                                 "请把过长的文字分成几段（每段一行，以“- ”开头）")
            total += len(value)
            if total > MAX_TEXT_CHARS:
                raise InputError(f"{source_name}：读到“{path}”时，文字已超过 {MAX_TEXT_CHARS:,} "
                                 "个字符（一个数据文件的上限），无法处理", _TRIM_HINT)
        elif isinstance(value, Mapping):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value, 1))))
