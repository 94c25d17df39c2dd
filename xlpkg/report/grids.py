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

from xlpkg.report import template as T
from xlpkg.report.ooxml import _w
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
    return [w * total_mm / sum(units) for w in units]


def _merge(trs, merges) -> set[tuple[int, int]]:
    """Merge in the XML itself (python-docx's ``cell().merge`` rebuilds the whole cell
    list per call): a horizontal run is one cell with ``gridSpan``, a vertical run
    ``vMerge`` restart / continue. Returns the positions whose text is not printed
    (everything but each merge's top-left cell)."""
    tcs = [list(tr.tc_lst) for tr in trs]
    hidden = set()
    for r1, c1, r2, c2 in merges:
        for r in range(r1, r2 + 1):
            tc = tcs[r][c1]
            for c in range(c1 + 1, c2 + 1):
                trs[r].remove(tcs[r][c])
                hidden.add((r, c))
            if c2 > c1:
                tc.grid_span = c2 - c1 + 1
            if r2 > r1:
                tc.vMerge = "restart" if r == r1 else "continue"
            if r > r1:
                hidden.add((r, c1))
    return hidden


def _fill(writer, p, value: Cell, style_ids: dict[str, str]) -> None:
    from docx.text.paragraph import Paragraph

    style = T.SMALL_HEAD if value.head else CELL_STYLES[value.alignment]
    if style not in style_ids:
        style_ids[style] = writer.doc.styles[style].style_id
    # a fresh cell paragraph has no pPr: build it directly (the xmlchemy setter searches
    # the schema's successor lists for every cell)
    ppr = p.makeelement(_w("pPr"), {})
    ppr.append(p.makeelement(_w("pStyle"), {_w("val"): style_ids[style]}))
    p.insert(0, ppr)
    para = Paragraph(p, None)
    for i, line in enumerate(value.text.split("\n")):
        run = para.add_run()
        if i:
            run.add_break()
        run.add_text(writer.clean(tight(line)))
        if value.bold and not value.head:
            run.bold = True


def _info_line(writer, table: PrintTable, total_mm: float) -> None:
    """``填报单位：…`` on the left and ``单位：万元`` (or the date) on the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm

    if not (table.info_left or table.info_right):
        return
    p = writer.doc.add_paragraph(style=T.UNIT)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.tab_stops.add_tab_stop(Mm(total_mm), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(writer.clean(table.info_left))
    if table.info_right:
        p.add_run("\t" + writer.clean(table.info_right))


def write_grid(writer, table: PrintTable, total_mm: float) -> None:
    """The table's info line, grid and notes, appended to ``writer.doc``; the grid is
    named by its sheet (``w:tblCaption``: 基础数据表, 部门整体支出绩效自评表, 项目1-…)."""
    from docx.oxml import OxmlElement

    from xlpkg.report.write import _keep_with_next, _layout

    _info_line(writer, table, total_mm)
    grid = writer.doc.add_table(rows=len(table.rows), cols=len(table.columns))
    grid.style = writer.doc.styles["Table Grid"]
    trs = grid._tbl.tr_lst
    tcs = [list(tr.tc_lst) for tr in trs]
    hidden = _merge(trs, table.merges)
    style_ids: dict[str, str] = {}
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            if (r, c) not in hidden:
                _fill(writer, tcs[r][c].p_lst[0], value, style_ids)
    _layout(grid, grid_widths(table, total_mm), table.sheet)
    first, last = table.header_rows or (-1, -1)
    for r, tr in enumerate(trs):
        # a header row repeats on each page only from the top of the table (Word's rule)
        head = tr.trPr.find(_w("tblHeader"))
        if first == 0 and r <= last:
            if head is None:
                tr.trPr.append(OxmlElement("w:tblHeader"))
        elif head is not None:
            tr.trPr.remove(head)
        if first <= r <= last:
            _keep_with_next(tr)         # a column header never ends a page
    if len(trs) > 2:
        _keep_with_next(trs[-2])        # the last body row stays with 合计 / 总分 …
    if table.notes and trs:
        _keep_with_next(trs[-1])        # … and that row with the notes
    for note in table.notes:
        writer.plain(tight(note), T.NOTE)
