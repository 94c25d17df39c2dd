"""A sheet → the 决算 tables on it: title, unit, header paths, panes and data rows.

Owns recognition by content (JUESUAN.md A5 steps 1–6): a table starts at a
title whose text holds a known alias (anywhere in the row, under a document
title, with or without a 公开0N表 / 财决0N表 tag) and ends at the next title; its
header band runs from the first header-looking row to the first data row;
every column gets the *path* of its header texts through merged and multi-row
headers; a sheet's table splits into side-by-side panes wherever a label/code
column follows an amount column. Rows keep their label, code (split 类|款|项
columns joined, or pulled out of the name) and 行次, but are never looked up by
position. Pure: grids in, :class:`Table` objects and findings out.
"""

from __future__ import annotations

import re
from typing import Any

from xlpkg.core.finding import Finding
from xlpkg.core.record import field, record
from xlpkg.juesuan.catalog import EMPTY_MARKERS, Kind, match_title, tag_kind
from xlpkg.juesuan.grid import Grid
from xlpkg.juesuan.text import code_text, is_code, is_number, label, norm, split_code

CODE_HEADS = frozenset(norm(w) for w in (
    "科目编码", "功能分类科目编码", "经济分类科目编码", "支出功能分类科目编码", "类", "款", "项",
    "编码", "科目代码", "经济分类", "功能分类", "科目编号"))
LABEL_HEADS = frozenset(norm(w) for w in (
    "项目", "科目名称", "科目", "功能分类科目名称", "经济分类科目名称", "名称", "项目名称",
    "支出功能分类科目名称", "收入项目", "支出项目", "科目名称(类/款/项)"))
LINE_HEADS = frozenset({"行次", "行号"})
_COLUMN_NUMBERS = frozenset({"栏次", "栏号"})
_UNIT = re.compile(r"单位[:：]?(万元|千元|元)|\((万元|千元|元)\)$")
_UNITS = {"万元": 1, "千元": 10, "元": 10000}
_META = re.compile(r"(编制单位|填报单位|单位名称|部门[:：]|单位[:：]|金额单位|报表期间|公开\d|财决\d)")
MAX_HEADER_ROWS = 7


@record(frozen=False)
class Column:
    index: int
    path: tuple[str, ...]

    @property
    def key(self) -> str:
        return "/".join(self.path)


@record(frozen=False)
class Item:
    """One data row inside one pane."""

    r: int
    label: str                 # normalised, outline stripped: the key
    shown: str                 # as printed, for messages
    label_c: int | None
    code: str | None
    line: str | None
    values: dict[int, Any]     # column index → raw cell value


@record(frozen=False)
class Pane:
    columns: list[Column]      # amount columns, left to right
    items: list[Item] = field(default_factory=list)
    code_cols: list[int] = field(default_factory=list)
    label_cols: list[int] = field(default_factory=list)
    line_col: int | None = None


@record(frozen=False)
class Table:
    kind: Kind
    grid: Grid
    title: str
    title_rc: tuple[int, int]
    meta: list[str]
    unit: int | None = None     # divisor to 万元: 1 (万元), 10000 (元); None = not stated
    unit_rc: tuple[int, int] | None = None
    panes: list[Pane] = field(default_factory=list)
    empty_rc: tuple[int, int] | None = None   # where it says 本表无数据
    tag: str | None = None

    def addr(self, r: int, c: int) -> str:
        return self.grid.addr(r, c)

    @property
    def where(self) -> str:
        return self.addr(*self.title_rc)

    @property
    def items(self) -> list[Item]:
        return [it for p in self.panes for it in p.items]


# ---------------------------------------------------------------- titles and blocks


def _titles(grid: Grid) -> list[tuple[int, int, str, list[Kind]]]:
    out = []
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            t = norm(v)
            if len(t) > 90 or "。" in t or "详见" in t:
                continue
            kinds = match_title(t)
            if kinds:
                out.append((r, c, t, kinds))
                break
    return out


def find_tables(grid: Grid) -> tuple[list[Table], list[Finding]]:
    """Every table on ``grid`` (several may share a sheet), and findings for doubtful ones."""
    tables, findings = [], []
    titles = _titles(grid)
    for i, (r, c, text, kinds) in enumerate(titles):
        end = titles[i + 1][0] if i + 1 < len(titles) else grid.height
        if len(kinds) > 1:
            names = "、".join(k.name for k in kinds)
            findings.append(Finding("IMPORT_AMBIGUOUS_TABLE", "error",
                                    f"{grid.addr(r, c)} 的表名“{text}”可能是{names}，无法确定，"
                                    "未导入该表", (), (grid.addr(r, c),)))
            continue
        table = Table(kinds[0], grid, text, (r, c), [])
        tag = _tag(grid, r, min(end, r + 4))
        if tag:
            table.tag = tag[0]
            tk = tag_kind(tag[0])
            if tk is not None and tk is not table.kind:
                findings.append(Finding(
                    "IMPORT_TAG_DIFFERS", "info",
                    f"{grid.addr(*tag[1])} 的表号“{tag[0]}”通常是{tk.name}，按表名“{text}”"
                    f"读作{table.kind.name}", (), (grid.addr(*tag[1]),)))
        _read_block(table, r, end)
        if not _has_figures(grid, r, end) and table.empty_rc is None:
            continue   # a title without a single figure: a 目录 line, a cover, a 情况说明 heading
        if not _confirmed(table, r, end):
            findings.append(Finding(
                "IMPORT_UNCONFIRMED_TABLE", "error",
                f"{table.where} 的表名像{table.kind.name}，但表中没有该表应有的栏目或行，"
                "无法确认，未导入该表", (), (table.where,)))
            continue
        tables.append(table)
    return tables, findings


def _has_figures(grid: Grid, r0: int, r1: int) -> bool:
    return any(is_number(v) for r in range(r0 + 1, r1) for v in grid.rows[r]
               if not isinstance(v, str) or len(v) < 30)


def _tag(grid: Grid, r0: int, r1: int):
    for r in range(r0, r1):
        for c, v in enumerate(grid.rows[r] if r < grid.height else []):
            m = re.search(r"(公开|财决)\d{1,2}(-\d)?表", norm(v))
            if m:
                return m.group(0), (r, c)
    return None


def _confirmed(table: Table, r0: int, r1: int) -> bool:
    words = set()
    for r in range(r0 + 1, r1):
        for v in table.grid.rows[r]:
            t = norm(v)
            if t:
                words.add(t)
    if table.empty_rc is not None:
        return True
    blob = "|".join(sorted(words))
    return any(all(w in blob for w in group) for group in table.kind.confirm)


# ---------------------------------------------------------------- one block


def _is_column_numbers(row: list) -> bool:
    texts = [norm(v) for v in row if norm(v)]
    if any(t in _COLUMN_NUMBERS for t in texts):
        return True
    nums = [v for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(nums) >= 3 and len(nums) == len(texts) and all(float(n).is_integer() for n in nums):
        seq = [int(n) for n in nums]
        return seq == list(range(seq[0], seq[0] + len(seq))) and seq[0] in (0, 1)
    return False


def _is_data_row(row: list) -> bool:
    if _is_column_numbers(row):
        return False
    for v in row:
        t = norm(v)
        if not t:
            continue
        if is_code(v) or is_number(v):
            return True
        if label(v) != t and not t.startswith("其中"):   # 一、… (一)…: an outline-numbered row
            return True
        if split_code(t)[0] and len(t) > 7:
            return True
    return False


def _is_meta(row: list) -> bool:
    texts = [norm(v) for v in row if norm(v)]
    return bool(texts) and all(_META.search(t) or re.fullmatch(r"\d{4}年度?", t) for t in texts)


def _read_block(table: Table, r0: int, r1: int) -> None:
    grid = table.grid
    r = r0 + 1
    # meta lines: 编制单位 / 单位：万元 / 公开01表 (also beside the title)
    table.meta = [str(v) for c, v in enumerate(grid.rows[r0]) if c != table.title_rc[1] and norm(v)]
    while r < r1 and (not any(norm(v) for v in grid.rows[r]) or _is_meta(grid.rows[r])):
        table.meta += [str(v) for v in grid.rows[r] if norm(v)]
        r += 1
    header_rows = []
    while r < r1 and len(header_rows) < MAX_HEADER_ROWS and not _is_data_row(grid.rows[r]):
        if _empty_note(table, r):
            break
        # a 栏次 row numbers the columns: it is not part of their header path
        if any(norm(v) for v in grid.rows[r]) and not _is_column_numbers(grid.rows[r]):
            header_rows.append(r)
        r += 1
    _find_unit(table, range(r0, r))
    columns = _paths(grid, header_rows)
    data_rows = []
    for rr in range(r, r1):
        if _empty_note(table, rr):
            continue
        row = grid.rows[rr]
        first = next((norm(v) for v in row if norm(v)), "")
        if first.startswith(("注:", "注：", "说明:", "备注")) or ("。" in first and len(first) > 30):
            break
        data_rows.append(rr)
    table.panes = _panes(grid, columns, data_rows)


def _empty_note(table: Table, r: int) -> bool:
    for c, v in enumerate(table.grid.rows[r]):
        t = norm(v)
        if t and any(m in t for m in EMPTY_MARKERS):
            table.empty_rc = table.empty_rc or (r, c)
            return True
    return False


def _find_unit(table: Table, rows: range) -> None:
    for r in rows:
        for c, v in enumerate(table.grid.rows[r]):
            m = _UNIT.search(norm(v))
            if m:
                table.unit = _UNITS[m.group(1) or m.group(2)]
                table.unit_rc = (r, c)
                return


def _paths(grid: Grid, header_rows: list[int]) -> list[Column]:
    """Each column's header path; merged ranges fill their cells, and an unmerged group
    heading (``公务用车购置及运行费`` over 6 columns, typed in the first) fills rightwards."""
    width = grid.width
    f = [[norm(grid.filled(r, c)) for c in range(width)] for r in header_rows]
    for i in range(len(header_rows) - 1):
        for c in range(1, width):
            if f[i][c] or not f[i][c - 1] or f[i][c - 1] in CODE_HEADS | LABEL_HEADS | LINE_HEADS:
                continue
            if grid.merged_origin(header_rows[i], c - 1) is not None or \
                    _merge_ends_at(grid, header_rows[i], c - 1):
                continue   # a merge that stops here stops on purpose
            if any(f[j][c] for j in range(i + 1, len(f))) and \
                    all(f[k][c] == f[k][c - 1] for k in range(i)):
                f[i][c] = f[i][c - 1]
    cols = []
    for c in range(width):
        path: list[str] = []
        for i in range(len(f)):
            t = _UNIT.sub("", f[i][c]) if _UNIT.search(f[i][c]) and len(f[i][c]) > 4 else f[i][c]
            if t and not _UNIT.fullmatch(t) and (not path or path[-1] != t):
                path.append(t)
        cols.append(Column(c, tuple(path)))
    return cols


def _merge_ends_at(grid: Grid, r: int, c: int) -> bool:
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return c1 == c and c1 > c0
    return False


def _role(col: Column, grid: Grid, data_rows: list[int]) -> str | None:
    # the deepest header that names a role decides: 项目 → 科目编码 → 类 is a code column
    for seg in reversed(col.path):
        if seg in LINE_HEADS:
            return "line"
        if seg in LABEL_HEADS:
            return "label"
        if seg in CODE_HEADS:
            return "code"
    values = [grid.value(r, col.index) for r in data_rows]
    values = [v for v in values if norm(v)]
    if not values:
        return "value" if col.path else None
    texts = [v for v in values if not is_number(v) and not is_code(v)]
    if len(texts) * 2 >= len(values) and not col.path:
        return "label"
    if len(texts) * 2 >= len(values) and not any(("决算" in p or "预算" in p or "合计" in p)
                                                  for p in col.path):
        return "label"
    return "value"


def _panes(grid: Grid, columns: list[Column], data_rows: list[int]) -> list[Pane]:
    panes: list[Pane] = []
    current: Pane | None = None
    for col in columns:
        role = _role(col, grid, data_rows)
        if role is None:
            continue
        if role != "value" and (current is None or current.columns):
            current = Pane([])
            panes.append(current)
        if current is None:
            current = Pane([])
            panes.append(current)
        if role == "code":
            current.code_cols.append(col.index)
        elif role == "label":
            current.label_cols.append(col.index)
        elif role == "line":
            current.line_col = col.index
        else:
            current.columns.append(col)
    for pane in panes:
        _items(grid, pane, data_rows)
    return [p for p in panes if p.columns or p.items]


def _items(grid: Grid, pane: Pane, data_rows: list[int]) -> None:
    parents: list[str] = []     # last code seen in each code column (split 类|款|项)
    for r in data_rows:
        parts = [code_text(grid.value(r, c)) for c in pane.code_cols]
        code = _join_code(parts, parents)
        shown = "".join(str(grid.value(r, c)) for c in pane.label_cols if norm(grid.value(r, c)))
        label_c = next((c for c in pane.label_cols if norm(grid.value(r, c))), None)
        if not shown and code is None:   # 合计 typed (merged) across the code columns
            texts = [(c, grid.value(r, c)) for c in pane.code_cols if norm(grid.value(r, c))]
            if texts and not is_code(texts[0][1]):
                label_c, shown = texts[0][0], "".join(str(v) for _, v in texts)
        text = label(shown)
        if code is None:
            code, text = split_code(text)
            text = label(text)
        line = norm(grid.value(r, pane.line_col)) if pane.line_col is not None else None
        values = {col.index: grid.value(r, col.index) for col in pane.columns}
        if not (text or code or any(norm(v) for v in values.values())):
            continue
        stated = any(norm(v) for v in values.values())
        prev = pane.items[-1] if pane.items else None
        if prev and prev.code and text and not code and not stated and not line and \
                not text.endswith(("合计", "总计", "小计")):
            prev.label += text          # a name wrapped onto the next row
            prev.shown += shown
            continue
        pane.items.append(Item(r, text, shown.strip(), label_c, code, line or None, values))


def _join_code(parts: list[str], parents: list[str]) -> str | None:
    if not parts or not any(parts):
        return None
    if len(parts) == 1:
        return parts[0] if is_code(parts[0]) else None
    while len(parents) < len(parts):
        parents.append("")
    out = ""
    for i, p in enumerate(parts):
        if p:
            parents[i] = p
            for j in range(i + 1, len(parts)):
                parents[j] = ""
            out += p
        elif any(parts[i + 1:]):
            out += parents[i]   # 款 row with the 类 cell left blank
        else:
            break
    return out if is_code(out) else None
