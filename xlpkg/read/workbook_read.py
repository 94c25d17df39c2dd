"""Workbook → model: the contract's defined names and tables (CONTRACT §3) → Dataset.

Owns turning any workbook that carries the contract's names — saved on disk or
open in Excel, whatever its layout and sheet names — into a
:class:`~xlpkg.core.model.Dataset` whose every value knows its ``sheet!cell``.
It reads only through defined names and tables, never by position, and never
modifies the file. The cells themselves come from a
:class:`~xlpkg.read.cell_source.CellSource`; this module assembles the contract's
plain mapping (the same shape as YAML) plus a field → cell map and hands both to
:func:`~xlpkg.core.model.from_mapping`.

Structural problems (names missing or broken, table columns missing, unknown
text sections, formulas never calculated) become findings that name the cell;
only a file that is no xlpkg workbook at all is an :class:`InputError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from xlpkg.core import schema
from xlpkg.core.finding import Finding
from xlpkg.core.model import (
    NARRATIVE_KEYS,
    NARRATIVE_LABELS,
    NARRATIVE_SECTIONS,
    Dataset,
    describe_field,
    econ_key,
    from_mapping,
)
from xlpkg.core.record import replace
from xlpkg.errors import InputError
from xlpkg.read.cell_source import (
    NO_RESULT,
    BadReference,
    CellError,
    Cells,
    CellSource,
    Rect,
    SavedSource,
    TableRef,
    cell_label,
    column_label,
    parse_reference,
)
from xlpkg.read.limits import capped_text_findings, check_limits, content_rows
from xlpkg.read.sniff import sniff

__all__ = ["CONTRACT_NAMES", "SCALAR_PATHS", "TABLE_KEYS", "read_book", "read_saved",
           "read_source", "read_workbook"]

#: Every scalar defined name (CONTRACT §3) → its path in the contract's mapping.
SCALAR_PATHS = {s.name: s.path for s in schema.SCALARS}
#: Every table → its list in the contract's mapping (the last part of its path).
TABLE_KEYS = {t.name: t.key for t in schema.TABLES}
CONTRACT_NAMES = schema.CONTRACT_NAMES
# Names a workbook of an older template lacks without being out of date.
_OPTIONAL = frozenset({s.name for s in schema.SCALARS if s.optional}
                      | {t.name for t in schema.TABLES if t.optional})
_TEXT_SCALARS = frozenset(s.name for s in schema.SCALARS if s.kind in schema.TEXT_KINDS)
MAX_NAME_AREA = 10_000
_FIX_HINT = "请用 xlpkg export 导出数据，再用 xlpkg fill 把数据转入新模板"


def read_workbook(path: Path) -> Dataset:
    """A saved .xlsx/.xlsm → :class:`Dataset` (the file is only read)."""
    path = Path(path)
    if sniff(path) != "workbook":
        raise InputError(f"{path.name}：不是 Excel 工作簿（.xlsx/.xlsm）")
    return read_saved(path)


def read_saved(path: Path) -> Dataset:
    """:func:`read_workbook` for a file already sniffed as a workbook."""
    path = Path(path)
    with SavedSource(path) as source:
        return read_source(source, path.name)


def read_book(book: Any) -> Dataset:
    """An open xlwings ``Book`` → :class:`Dataset`, with its unsaved edits."""
    from xlpkg.read.live_source import LiveSource  # only inside Excel

    return read_source(LiveSource(book), book.name)


def read_source(source: CellSource, source_name: str) -> Dataset:
    """Any :class:`CellSource` → :class:`Dataset`; findings name ``sheet!cell``."""
    return _Assembler(source, source_name).read()


# ---------------------------------------------------------------- assembling


def _norm_header(text: Any) -> str:
    """Headers as people type them: spaces, line breaks, full-width forms and a
    trailing unit (“本年决算数（万元）”) do not matter."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    text = "".join(ch for ch in text if not ch.isspace())
    return re.sub(r"\([^()]*\)$", "", text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _all_blank(values) -> bool:
    """``all(_blank(v) for v in values)``, without a call per value (it runs per cell)."""
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


#: The types of value :meth:`_Assembler._value` gives back as they are, with no finding:
#: blanks, numbers, and text that is neither an error value nor cut short.
_PLAIN = frozenset({type(None), int, float, str})


def _set(mapping: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        mapping = mapping.setdefault(key, {})
    mapping[path[-1]] = value


def _list_names(names: list[str], limit: int = 8) -> str:
    shown = "、".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} 等 {len(names)} 个"


class _Assembler:
    def __init__(self, source: CellSource, source_name: str):
        self.source = source
        self.source_name = source_name
        self.mapping: dict = {}
        self.cells: dict[str, str] = {}
        # row prefix → (column key → "sheet!" and column letters, sheet row as text):
        # the cells of every table row, for from_mapping (see ValueReader)
        self.rows: dict[str, tuple[dict[str, str], str]] = {}
        self.findings: list[Finding] = []
        self.sheets: list[str] = []

    # -- findings

    def _add(self, code: str, severity: str, message: str, fields=(), cells=()) -> None:
        self.findings.append(Finding(code, severity, message, tuple(fields), tuple(cells)))

    def _value(self, field: str, raw: Any, cell: str, *, text: bool) -> Any:
        """A cell's value for the mapping; problems the model cannot see become findings."""
        self.findings += capped_text_findings(field, cell, raw)
        if raw is NO_RESULT:
            self._add("FORMULA_NO_RESULT", "error",
                      f"{describe_field(field)}（{cell}）单元格是公式，但没有计算结果，"
                      "请在 Excel 中打开并保存，或直接填数值", (field,), (cell,))
            return None
        if text and isinstance(raw, CellError):
            self._add("UNREADABLE_VALUE", "error",
                      f"{describe_field(field)}（{cell}）无法识别：单元格为错误值 {raw}；"
                      "相关规则已跳过", (field,), (cell,))
            return None
        return raw

    # -- the whole workbook

    def read(self) -> Dataset:
        names = self.source.defined_names()
        tables = self.source.tables()
        scalar_names = [n for n in SCALAR_PATHS if n in names]
        table_names = [t for t in TABLE_KEYS if t in tables]
        if not scalar_names and not table_names:
            raise InputError(f"{self.source_name}：不是 xlpkg 工作簿：找不到约定的名称"
                             f"（{schema.scalar('department', 'name').name} 等）",
                             "请用 xlpkg template 生成模板，或用 xlpkg fill 把数据填入新工作簿")
        missing = [n for n in CONTRACT_NAMES
                   if n not in names and n not in tables and n not in _OPTIONAL]
        if missing:
            self._add("WORKBOOK_NAMES_MISSING", "warning",
                      f"工作簿缺少 {len(missing)} 个约定的名称：{_list_names(missing)}"
                      f"（可能来自旧版模板），这些数据按空白处理；{_FIX_HINT}",
                      [n for n in missing if n in SCALAR_PATHS])

        self.sheets = self.source.sheet_names()
        requests: dict[str, list[Rect]] = defaultdict(list)
        scalars = []
        for name in scalar_names:
            located = self._locate(name, names[name])
            if located:
                requests[located[0]].append(located[1])
                scalars.append((name, *located))
        for name in table_names:
            ref = tables[name]
            # Without column names from the file, the header row is read with the body.
            rect = ref.rect if ref.columns is None else ref.body
            if rect is not None:
                requests[ref.sheet].append(rect)

        data = self.source.fetch(requests)
        refs = {n: tables[n] for n in table_names}
        filled = content_rows(refs, data)
        self.findings += check_limits(self.source_name, refs, data, filled)
        for name, sheet, rect in scalars:
            self._scalar(name, sheet, rect, data.get(sheet, {}))
        for name in table_names:
            ref = tables[name]
            self._table(name, ref, data.get(ref.sheet, {}), filled[name])

        ds = from_mapping(self.mapping, cells=self.cells, rows=self.rows,
                          source=self.source_name)
        return replace(ds, read_findings=(*self.findings, *ds.read_findings))

    # -- scalars

    def _locate(self, name: str, reference: str) -> tuple[str, Rect] | None:
        try:
            sheet, rect = parse_reference(reference)
            sheet = self._sheet(sheet)
            if rect.area > MAX_NAME_AREA:
                raise BadReference(f"指向的区域过大（{rect.a1()}）")
        except BadReference as exc:
            self._add("BAD_NAME", "error",
                      f"名称 {name}（{describe_field(name)}）{exc.reason}，该数据按空白处理；"
                      "请在“公式 → 名称管理器”中把它指向一个单元格", (name,))
            return None
        return sheet, rect

    def _sheet(self, sheet: str) -> str:
        if sheet in self.sheets:
            return sheet
        folded = {s.casefold(): s for s in self.sheets}   # Excel sheet names ignore case
        if sheet.casefold() in folded:
            return folded[sheet.casefold()]
        raise BadReference(f"指向的工作表“{sheet}”不存在")

    def _scalar(self, name: str, sheet: str, rect: Rect, cells: Cells) -> None:
        cell = cell_label(sheet, rect.top, rect.left)
        self.cells[name] = cell
        raw = cells.get((rect.top, rect.left))
        if not rect.is_cell:
            # A name on a merged cell spans the merge; only its top-left cell holds a
            # value. Anything else filled in the range makes the value ambiguous.
            others = [(r, c) for r in range(rect.top, rect.bottom + 1)
                      for c in range(rect.left, rect.right + 1)
                      if (r, c) != (rect.top, rect.left) and not _blank(cells.get((r, c)))]
            if others:
                self._add("BAD_NAME", "warning",
                          f"名称 {name}（{describe_field(name)}）指向多个单元格"
                          f"（{sheet}!{rect.a1()}），且其中不止一个单元格有内容，无法确定取哪个值，"
                          "该数据按空白处理；请在“公式 → 名称管理器”中把它指向一个单元格",
                          (name,), (cell,))
                raw = None
        value = self._value(name, raw, cell, text=name in _TEXT_SCALARS)
        _set(self.mapping, SCALAR_PATHS[name], value)

    # -- tables

    def _table(self, name: str, ref: TableRef, cells: Cells, filled: list[int]) -> None:
        """One table into the mapping; ``filled`` is its body's rows with content
        (:func:`~xlpkg.read.limits.content_rows`)."""
        tbl = schema.table(name)
        columns = self._columns(tbl, ref, cells)
        missing = [c for c in tbl.columns if c.key not in columns and not c.optional]
        if missing:
            required = [c for c in missing if c.required]
            headers = "、".join(f"“{c.header}”" for c in missing)
            self._add("TABLE_COLUMN_MISSING", "error" if required else "warning",
                      f"表 {name} 缺少列 {headers}（{ref.sheet}!{ref.rect.a1()}），"
                      "该列按空白处理；请把表头改回约定的名称", (),
                      (f"{ref.sheet}!{ref.rect.a1()}",))
        body = ref.body
        if body is None or not columns:
            if tbl is schema.TEXT_TABLE:
                self.mapping[tbl.key] = {}
            elif tbl is not schema.PROJECT_INDICATORS:
                self.mapping[tbl.key] = []
            return
        cols = columns.values()
        top, bottom = body.top, body.bottom
        if body.left <= min(cols) and max(cols) <= body.right:
            # The rows with content anywhere in the body hold every row with content in
            # its columns; the others read as blank rows below, and are left out.
            rows = filled
        else:   # a damaged table's columns reach past its range
            wanted_cols = set(cols)
            rows = sorted({r for (r, c) in cells if c in wanted_cols and top <= r <= bottom})
        items = []
        pairs = tuple(columns.items())
        get = cells.get
        for r in rows:
            raw = {key: get((r, c)) for key, c in pairs}
            if not _all_blank(raw.values()):   # empty rows are ignored (§3)
                items.append((r, raw))
        if tbl is schema.TEXT_TABLE:
            self._narrative(ref.sheet, columns, items)
        elif tbl is schema.PROJECT_INDICATORS:
            self._indicators(ref.sheet, columns, items)
        else:
            self.mapping[tbl.key] = self._rows(tbl, ref.sheet, columns, items)

    def _columns(self, tbl: schema.Table, ref: TableRef, cells: Cells) -> dict[str, int]:
        """Contract key → sheet column, found by the Chinese header (CONTRACT §3)."""
        if ref.columns is not None:
            headers = list(ref.columns)
        elif ref.header_rows:
            headers = [cells.get((ref.rect.top, c))
                       for c in range(ref.rect.left, ref.rect.right + 1)]
        else:
            headers = []
        by_header = {_norm_header(c.header): c.key for c in tbl.columns}
        out: dict[str, int] = {}
        for offset, header in enumerate(headers):
            key = by_header.get(_norm_header(header))
            if key is not None and key not in out:
                out[key] = ref.rect.left + offset
        return out

    def _rows(self, tbl: schema.Table, sheet: str, columns: dict[str, int], items,
              numbers=None) -> list[dict]:
        """Table rows → the mapping's list (each row's dict of raw values becomes its
        item); ``numbers`` gives each row's 1-based number in field names when it is
        not its place in the table."""
        out = []
        seen: dict[str, str] = {}
        keyed = tbl.keyed_by
        # Once per table, not per cell: where each column's cells are, and which read as text.
        at = {key: column_label(sheet, c) for key, c in columns.items()}
        text = {c.key: c.kind in schema.TEXT_KINDS for c in tbl.columns}
        placed = self.rows
        for i, (r, raw) in enumerate(items, 1):
            row = str(r)
            key = str(numbers[i - 1] if numbers else i)
            if keyed:
                where = {key: prefix + row for key, prefix in at.items()}
                code = None
                if keyed in raw:
                    code = self._value(schema.row_field(tbl, i, keyed), raw[keyed],
                                       where[keyed], text=True)
                    raw[keyed] = code
                key = econ_key(code, i)
                if key in seen and code is not None:
                    self._add("DUPLICATE_CODE", "warning",
                              f"经济分类科目编码 {key} 出现了两次（{seen[key]}、{where[keyed]}），"
                              "请合并为一行", (schema.row_field(tbl, key, keyed),),
                              (seen[key], where[keyed]))
                seen.setdefault(key, where.get(keyed, ""))
            prefix = schema.row_prefix(tbl, key)
            # A later row of the same prefix (a code twice) names the cells, as it did
            # when each cell was kept by its field name.
            placed[prefix] = (at, row)
            if not _PLAIN.issuperset(map(type, raw.values())):
                # (values are replaced in place: the dict's size, so its iteration, is unchanged)
                for column, value in raw.items():
                    if not (type(value) in _PLAIN or column == keyed):
                        raw[column] = self._value(prefix + column, value, at[column] + row,
                                                  text=text[column])
            out.append(raw)
        return out

    def _indicators(self, sheet: str, columns: dict[str, int], items) -> None:
        """tbl_project_indicators rows join the project their 项目名称 names; rows are
        numbered project by project, as the model numbers them."""
        tbl = schema.PROJECT_INDICATORS
        link = "project"
        projects = self.mapping.get(schema.PROJECTS.key) or []
        by_name: dict[str, int] = {}
        for index, project in enumerate(projects):
            name = project.get("name")
            if isinstance(name, str) and name.strip():
                by_name.setdefault(name.strip(), index)
        placed = []
        for i, (r, raw) in enumerate(items, 1):
            name = raw.get(link)
            index = None if _blank(name) or not isinstance(name, str) else by_name.get(name.strip())
            if index is None:
                cell = cell_label(sheet, r, columns[link]) if link in columns else ""
                shown = "（空白）" if _blank(name) or link not in columns else f"“{str(name).strip()[:40]}”"
                self._add("UNKNOWN_PROJECT", "warning",
                          f"项目绩效指标第 {i} 行的项目名称{shown}（{cell}）不在项目支出表中，"
                          "该行已忽略", (), (cell,) if cell else ())
                continue
            placed.append((index, r, raw))
        placed.sort(key=lambda p: p[0])     # stable: table order within a project
        rows = self._rows(tbl, sheet, columns, [(r, raw) for _, r, raw in placed],
                          numbers=range(1, len(placed) + 1))
        for (index, _, _), row in zip(placed, rows, strict=True):
            row.pop(link, None)
            projects[index].setdefault(tbl.key, []).append(row)

    def _narrative(self, sheet: str, columns: dict[str, int], items) -> None:
        tbl = schema.TEXT_TABLE
        by_section: dict[str, list[tuple[str, Any]]] = {s: [] for s in NARRATIVE_SECTIONS}
        for i, (r, raw) in enumerate(items, 1):
            content_cell = cell_label(sheet, r, columns["content"]) if "content" in columns else ""
            label_cell = cell_label(sheet, r, columns["section"]) if "section" in columns else ""
            text = self._value(schema.row_field(tbl, i, "content"), raw.get("content"), content_cell,
                               text=True)
            label = self._value(schema.row_field(tbl, i, "section"), raw.get("section"), label_cell,
                                text=True)
            if _blank(text):
                continue
            section = _section(label)
            if section is None:
                label_text = str(label).strip()
                if len(label_text) > 40:   # a message quotes the cell, it does not copy it
                    label_text = label_text[:40] + "…"
                shown = "（空白）" if _blank(label) else f"“{label_text}”"
                self._add("UNKNOWN_SECTION", "warning",
                          f"文字内容第 {i} 段的栏目{shown}（{label_cell}）不在报告提纲中，该段已忽略；"
                          f"栏目应为：{'、'.join(NARRATIVE_LABELS.values())}",
                          (), (label_cell,) if label_cell else ())
                continue
            by_section[section].append((content_cell, text))
        # Number paragraphs as the model does: section by section, in outline order.
        index = 0
        for section in NARRATIVE_SECTIONS:
            for cell, _ in by_section[section]:
                index += 1
                self.cells[schema.row_field(tbl, index, "content")] = cell
        self.mapping["narrative"] = {s: [text for _, text in by_section[s]]
                                     for s in NARRATIVE_SECTIONS}


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_SECTIONS_BY_LABEL = {_fold(label): key for label, key in NARRATIVE_KEYS.items()}


def _section(label: Any) -> str | None:
    """栏目 text → a NARRATIVE_SECTIONS key (the key itself is accepted too)."""
    if _blank(label):
        return None
    text = _fold(str(label))
    if text in _SECTIONS_BY_LABEL:
        return _SECTIONS_BY_LABEL[text]
    return text if text in NARRATIVE_SECTIONS else None
