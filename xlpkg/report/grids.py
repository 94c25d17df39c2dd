"""Writes a submission table (:class:`~xlpkg.tables.grid.PrintTable`) into the report.

Owns the Word form of the attachments' grids — the same cells, merges and notes
``xlpkg tables`` puts in its workbook: the 填报单位 / 单位 line above the grid
(left and right on one line), the grid in the attachments' 五号 cell styles with
its merges, column widths in the grid's proportions filling the text width, the
column header repeated on every page when it is the grid's first rows, and the
notes below. A cell's line break (``项目资金\\n（万元）``) stays a line break; a space
between a figure and Chinese goes, as everywhere in the report (Word spaces them).
"""

from __future__ import annotations

from functools import lru_cache

from xlpkg.report import template as T
from xlpkg.report.ooxml import CELL_CLOSE, _mm_twips, _table_open, run_xml
from xlpkg.report.text import tight
from xlpkg.tables.grid import Cell, PrintTable
from xlpkg.tables.rows import PROJECT, SCORESHEET

CELL_STYLES = {"left": T.SMALL_CELL, "right": T.SMALL_NUM, "center": T.SMALL_CENTER}

# Column widths in mm where the workbook's proportions (in spreadsheet character units,
# a CJK character about two) do not suit 五号 text: 4-character headers (一级指标) and
# 待评分 on one line (a 五号 character is 3.7 mm, a cell's margins 1.6 mm).
WIDTHS_MM = {
    # 一级 | 二级 | 三级 | 分值 | 评分标准 | 年度指标值 | 实际完成值 | 得分 | 扣分原因 (247 mm)
    SCORESHEET: (17, 17, 30, 10, 62, 21, 21, 14, 55),
    # label | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 (执行率: 100.00%) | 得分 |
    # 偏差原因 (156 mm)
    PROJECT: (17, 14, 14, 22, 17, 17, 17, 14, 24),
}


def _kind(table: PrintTable) -> str:
    return table.sheet if table.sheet == SCORESHEET else table.title


def grid_widths(table: PrintTable, total_mm: float) -> list[float]:
    """The columns' widths in mm, adding up to ``total_mm``: the tuned ones of
    :data:`WIDTHS_MM`, else the grid's own proportions."""
    units = WIDTHS_MM.get(_kind(table))
    if units is None or len(units) != len(table.columns):
        units = tuple(c.width for c in table.columns)
    whole = sum(units)
    return [w * total_mm / whole for w in units]


@lru_cache(maxsize=64)   # a 自评表's merges and widths are every department's
def _layout(merges: tuple, twips: tuple[int, ...]) -> dict[int, tuple]:
    """Each merge's cells as Word has them: a horizontal run is one cell with
    ``gridSpan``, a vertical run ``vMerge`` restart / continue. Returns, for each row a
    merge touches, the cells written — (column, width, span, vMerge); the positions a
    horizontal span swallows are not written at all."""
    spans: dict[tuple[int, int], tuple[int, str]] = {}
    swallowed = set()
    for r1, c1, r2, c2 in merges:
        for r in range(r1, r2 + 1):
            vmerge = "" if r2 == r1 else ("restart" if r == r1 else "continue")
            spans[(r, c1)] = (c2 - c1 + 1, vmerge)
            swallowed |= {(r, c) for c in range(c1 + 1, c2 + 1)}
    rows = {r for r, _ in spans} | {r for r, _ in swallowed}
    return {r: tuple((c, sum(twips[c:c + span]), span, vmerge)
                     for c in range(len(twips)) if (r, c) not in swallowed
                     for span, vmerge in (spans.get((r, c), (1, "")),))
            for r in rows}


def _cell_xml(writer, value: Cell, width: int, span: int, vmerge: str, keep: bool) -> str:
    """One ``w:tc`` in the attachments' 五号 styles; a cell's line break stays a break.
    A continued vertical merge keeps its (empty) paragraph."""
    text = "" if vmerge == "continue" else value.text
    key = (text, value.head, value.bold, value.align, value.kind, width, span, vmerge, keep)
    found = writer.grid_cells.get(key)
    if found is not None:   # grids repeat their cells, and departments theirs
        return found
    style = T.SMALL_HEAD if value.head else CELL_STYLES[value.alignment]
    runs = ""
    if text:
        bold = value.bold and not value.head
        runs = "<w:r><w:br/></w:r>".join(run_xml(writer.clean(tight(line)), bold=bold)
                                         for line in text.split("\n"))
    found = writer.grid_cells[key] = (writer.cell_open(style, width, keep, span, vmerge)
                                      + runs + CELL_CLOSE)
    return found


def _info_line(writer, table: PrintTable, total_mm: float) -> None:
    """``填报单位：…`` on the left and ``单位：万元`` (or the date) on the right."""
    if not (table.info_left or table.info_right):
        return
    p = writer.add_paragraph(T.UNIT)
    p.extra = (f'<w:tabs><w:tab w:val="right" w:pos="{_mm_twips(total_mm)}"/></w:tabs>'
               '<w:jc w:val="left"/>')
    runs = run_xml(writer.clean(table.info_left))
    if table.info_right:
        runs += "<w:r><w:tab/></w:r>" + run_xml(writer.clean(table.info_right))
    p.items.append(runs)


def write_grid(writer, table: PrintTable, total_mm: float) -> None:
    """The table's info line, grid and notes, appended to the writer's body; the grid is
    named by its sheet (``w:tblCaption``: 基础数据表, 部门整体支出绩效自评表, 项目1-…)."""
    _info_line(writer, table, total_mm)
    widths = grid_widths(table, total_mm)
    twips = tuple(_mm_twips(w) for w in widths)
    merged = _layout(tuple(map(tuple, table.merges)), twips)
    first, last = table.header_rows or (-1, -1)
    n = len(table.rows)
    out = [_table_open(tuple(widths), writer.style("Table Grid", "table"), table.sheet)]
    for r, row in enumerate(table.rows):
        # a header row repeats on each page only from the top of the table (Word's rule)
        head = "<w:tblHeader/>" if first == 0 and r <= last else ""
        keep = (first <= r <= last                  # a column header never ends a page
                or (n > 2 and r == n - 2)            # the last body row stays with 合计 …
                or (bool(table.notes) and r == n - 1))   # … and that row with the notes
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>")
        cells = merged.get(r)
        if cells is None:
            out += [_cell_xml(writer, value, twips[c], 1, "", keep) for c, value in enumerate(row)]
        else:
            out += [_cell_xml(writer, row[c], width, span, vmerge, keep)
                    for c, width, span, vmerge in cells]
        out.append("</w:tr>")
    out.append("</w:tbl>")
    writer.body.append("".join(out))
    for note in table.notes:
        writer.plain(tight(note), T.NOTE)
