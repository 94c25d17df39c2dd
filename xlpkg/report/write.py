"""Writes the report's :class:`~xlpkg.report.text.Content` into the Word template.

Owns everything about the printed page that the content does not decide: which
style each block takes, how wide each table column is (each body table fills
the 156 mm text width, the 自评表 the 247 mm landscape width), how a long title
breaks, the section breaks around the landscape 自评表, highlighted gap markers,
and the Word comments on figures a finding is about. The writer iterates the
sections it is given; the outline lives in :mod:`xlpkg.report.outline`.
"""

from __future__ import annotations

import copy
import io
import re

from xlpkg.report import template as T
from xlpkg.report.ooxml import _child, _mm_twips, _w
from xlpkg.report.text import Appendix, Block, Content, Figures, Grid, Para, Span, Table, tight

TITLE_CHARS = 19  # 2号 characters that sit on one 156 mm line with room to spare
ANNEX_TITLE_CHARS = 30  # … on the 247 mm line of the landscape 自评表 appendix
CHART_WIDTH_MM = 140
COMMENT_AUTHOR, COMMENT_INITIALS = "xlpkg 数据校验", "xl"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# Column widths in mm by table kind and column key. A 5-character 小四 header (21.2 mm)
# fits a 23 mm column with its 0.8 mm margins.
CELL_MARGIN = 0.8
WIDTHS = {
    "expenditure": {"label": 36, "prior": 24, "actual": 24, "diff": 24, "rate": 24,
                    "share": 24},
    "outlays": {"label": 41, "prior": 23, "budget": 23, "actual": 23, "control": 23,
                "rate": 23},
    "projects": {"label": 41, "initial": 23, "final": 23, "actual": 23, "exec": 23,
                 "prior": 23},
    "budget": {"label": 41, "initial": 23, "final": 23, "actual": 23, "exec": 23,
               "adjust": 23},
    "tasks": {"name": 50, "target": 23, "actual": 21, "rate": 18, "note": 44},
}
SCORESHEET_TOTAL_SPAN = 3   # 合计 spans 一级、二级、三级指标
PARA_STYLES = {"body": T.BODY, "lead": T.BODY, "h2": "Heading 2", "h3": "Heading 3", "rules": T.NOTE,
               "annex_note": T.ANNEX_NOTE, "signature": T.SIGNATURE}


def _width(text: str) -> float:
    """Printed width in full-width characters (ASCII digits and letters are half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def split_title(title: str, tail: str, chars: float = TITLE_CHARS) -> list[str]:
    """A title on one line if it fits (``chars`` wide), else broken before ``tail`` (as
    the seed breaks it): ``2023年度安化县总工会`` / ``整体支出绩效自评报告``."""
    if _width(title) <= chars or not title.endswith(tail) or title == tail:
        return [title]
    return [title.removesuffix(tail), tail]


def column_widths(table: Table, total_mm: float) -> list[float]:
    """The widths of the columns the table has, adding up to ``total_mm``: when a blank
    column was left out, the others widen in proportion."""
    spec = WIDTHS[table.kind]
    widths = [float(spec[c.key]) for c in table.columns]
    scale = total_mm / sum(widths)
    return [w * scale for w in widths]


class Writer:
    """Appends the content's blocks to a document opened on the template."""

    def __init__(self, doc, *, clean, charts: list[tuple[str, bytes]] | None = None):
        self.doc = doc
        self.clean = clean           # render.clean_text: what Word can hold
        self.charts = charts or []

    # ------------------------------------------------------------ text

    def runs(self, paragraph, spans, *, bold: bool = False) -> None:
        from docx.enum.text import WD_COLOR_INDEX

        for span in spans:
            run = paragraph.add_run(self.clean(span.text))
            if bold:
                run.bold = True
            if span.gap:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            if span.notes:
                self.doc.add_comment(run, text=_comment(span), author=COMMENT_AUTHOR,
                                     initials=COMMENT_INITIALS)

    def para(self, spans, style: str):
        p = self.doc.add_paragraph(style=style)
        self.runs(p, spans)
        return p

    def plain(self, text: str, style: str):
        return self.para((Span(text),), style)

    def blank(self) -> None:
        """An empty line of the body's pitch."""
        self.doc.add_paragraph(style="Normal").paragraph_format.keep_with_next = True

    # ------------------------------------------------------------ blocks

    def block(self, block: Block, *, small: bool = False, total_mm: float = T.TEXT_WIDTH):
        if isinstance(block, Para):
            p = self.para(block.text, PARA_STYLES[block.style])
            if block.style == "lead":        # a list's lead-in never ends a page
                p.paragraph_format.keep_with_next = True
        elif isinstance(block, Table):
            self.table(block, small=small, total_mm=total_mm)
        elif isinstance(block, Grid):
            from xlpkg.report.grids import write_grid

            write_grid(self, block.table, total_mm)
        elif isinstance(block, Figures):
            self.figures()

    def figures(self) -> None:
        from docx.shared import Mm

        for i, (caption, png) in enumerate(self.charts, 1):
            p = self.doc.add_paragraph(style=T.FIGURE)
            p.add_run().add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
            self.plain(f"图{i}  {caption}", T.FIGURE_CAPTION)

    def table(self, table: Table, *, small: bool, total_mm: float) -> None:
        """Caption and unit above, the note below; the total row first (the 决算 tables)
        or last (the 自评表)."""
        if table.caption:
            self.plain(table.caption, T.CAPTION)
        if table.unit:
            self.plain(table.unit, T.UNIT)
        head = T.SMALL_HEAD if small else T.CELL_HEAD
        styles = {"l": T.SMALL_CELL, "r": T.SMALL_NUM, "c": T.SMALL_CENTER} if small else \
            {"l": T.CELL, "r": T.CELL_NUM, "c": T.CELL}
        rows = list(table.rows)
        body_rows = ([table.total] if table.total and not table.total_last else []) + rows \
            + ([table.total] if table.total and table.total_last else [])
        grid = self.doc.add_table(rows=1 + len(body_rows), cols=len(table.columns))
        grid.style = self.doc.styles["Table Grid"]
        for i, col in enumerate(table.columns):
            _cell(grid.rows[0].cells[i], self, (Span(col.header),), head, keep=True)
        for r, row in enumerate(body_rows, 1):
            is_total = row is table.total
            cells = list(grid.rows[r].cells)
            columns = list(table.columns)
            if is_total and table.total_last and len(columns) > SCORESHEET_TOTAL_SPAN:
                merged = cells[0].merge(cells[SCORESHEET_TOTAL_SPAN - 1])
                cells = [merged] + cells[SCORESHEET_TOTAL_SPAN:]
                columns = [columns[0]] + columns[SCORESHEET_TOTAL_SPAN:]
            for cell, col in zip(cells, columns):
                align = "c" if is_total and cell is cells[0] and table.total_last else col.align
                _cell(cell, self, row.get(col.key, ()), styles[align], bold=is_total,
                      keep=is_total and not table.total_last)
        widths = column_widths(table, total_mm)
        _layout(grid, widths, T.SCORESHEET_CAPTION if table.kind == "scoresheet" else "")
        trs = grid._tbl.tr_lst
        if table.note:
            _keep_with_next(trs[-1])           # the last row stays with its 表注
        if table.total_last and len(trs) > 2:
            _keep_with_next(trs[-2])           # … and the 自评表's last row with 合计
        for key in table.merge_columns:
            _merge_runs(grid, table, key, 1 if table.total and not table.total_last else 0,
                        rows)
        if table.note:
            self.plain(table.note, T.NOTE)

    # ------------------------------------------------------------ the whole report

    def write(self, content: Content) -> None:
        for line in split_title(content.title, content.title_tail):
            self.plain(line, "Title")
        self.blank()   # the blank line between title and body
        for section in content.sections:
            self.plain(section.heading, "Heading 1")
            for block in section.blocks:
                self.block(block)
        self.closing(content.closing)
        for i, annex in enumerate(content.appendices):
            self.appendix(annex, last=i + 1 == len(content.appendices))

    def closing(self, paras: list[Para]) -> None:
        """附件说明 one line below the text, then the 落款 one line below that. The
        附件说明 starts on the page of the text's last line and the 落款 stays with the
        last 附件 line (GB/T 9704-2012 7.3.5: a 落款 never stands alone on a page);
        a long 附件 list may break between its lines."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == _w("sectPr") else body[-1]
        if paras and last.tag == _w("p"):
            _keep_paragraph_with_next(last)
        notes = [p for p in paras if p.style == "annex_note"]
        previous = None
        for para in paras:
            if para.style != previous:
                self.doc.add_paragraph(style="Normal").paragraph_format.keep_with_next = True
                previous = para.style
            p = self.para(para.text, PARA_STYLES[para.style])
            if para.style == "annex_note":
                p.paragraph_format.keep_with_next = para is notes[0] or para is notes[-1]
                _hang(p, para.plain)
            else:
                p.paragraph_format.keep_with_next = para is not paras[-1]

    def appendix(self, annex: Appendix, *, last: bool) -> None:
        """An appendix: the 自评表 in a landscape section of its own (the body's section
        ends on its last paragraph, so the break starts the page), others on a new page."""
        if annex.landscape:
            self._end_section(landscape=False)
        label = self.plain(annex.label, T.ANNEX_LABEL)
        if not annex.landscape:
            label.paragraph_format.page_break_before = True
        chars = ANNEX_TITLE_CHARS if annex.landscape else TITLE_CHARS
        for line in split_title(annex.title, annex.title_tail, chars):
            self.plain(line, T.ANNEX_TITLE)
        if annex.subtitle:
            self.plain(annex.subtitle, T.SMALL_CENTER).paragraph_format.keep_with_next = True
        self.blank()
        width = T.LANDSCAPE_TEXT_WIDTH if annex.landscape else T.TEXT_WIDTH
        for block in annex.blocks:
            self.block(block, small=annex.landscape, total_mm=width)
        if annex.landscape and not last:
            self._end_section(landscape=True)
        elif annex.landscape:
            # the report ends with it: the final section is landscape (no empty portrait
            # page after it); a document cannot end on a table, so a 1-pt paragraph follows
            self.doc.add_paragraph(style=T.SECTION_BREAK)
            _landscape(self.doc.element.body.find(_w("sectPr")))

    def _end_section(self, *, landscape: bool) -> None:
        """End a section at the last paragraph (a copy of the page setup goes into it), or
        after a table with a one-point 分节 paragraph carrying the break."""
        body = self.doc.element.body
        last = body[-2] if body[-1].tag == _w("sectPr") else body[-1]
        sect = copy.deepcopy(body.find(_w("sectPr")))
        if landscape:
            _landscape(sect)
        if last.tag == _w("p") and (last.pPr is None or last.pPr.sectPr is None):
            last.get_or_add_pPr().append(sect)
        else:
            p = self.doc.add_paragraph(style=T.SECTION_BREAK)
            p._p.get_or_add_pPr().append(sect)


def _comment(span: Span) -> str:
    parts = []
    for note in span.notes:
        where = f"（单元格：{'、'.join(note.cells)}）" if note.cells else ""
        parts.append(f"【{SEVERITY_LABELS.get(note.severity, note.severity)}】"
                     f"{note.message}{where}")
    return tight("\n".join(parts))


def _landscape(sect) -> None:
    size = sect.find(_w("pgSz"))
    size.set(_w("w"), str(_mm_twips(T.PAGE_H)))
    size.set(_w("h"), str(_mm_twips(T.PAGE_W)))
    size.set(_w("orient"), "landscape")
    top, bottom, left, right = T.LANDSCAPE_MARGINS
    margins = sect.find(_w("pgMar"))
    for side, mm in (("top", top), ("bottom", bottom), ("left", left), ("right", right),
                     ("footer", T.LANDSCAPE_FOOTER)):
        margins.set(_w(side), str(_mm_twips(mm)))


def _cell(cell, writer: Writer, spans, style: str, *, bold: bool = False,
          keep: bool = False) -> None:
    para = cell.paragraphs[0]
    para.style = style
    if keep:
        para.paragraph_format.keep_with_next = True
    writer.runs(para, spans, bold=bold)


# 附件说明: a long name wraps under its own first character (GB/T 9704-2012 7.3.4), so
# the lead (``附件：1. `` / ``　　　2. ``) hangs. Widths in twips of the 3号 line: a CJK
# character 315 (16 pt less the 0.25 pt condensing), Times New Roman digits half that,
# “.” and the space a quarter.
_ANNEX_LEAD = re.compile(r"^(附件：|\u3000{3})([0-9]+\. )?")
_CJK_TWIPS, _INDENT_CHARS = 315, 2


def _hang(p, text: str) -> None:
    lead = _ANNEX_LEAD.match(text)
    if lead is None:
        return
    width = sum(_CJK_TWIPS if ord(ch) >= 0x2E80 else
                _CJK_TWIPS // 2 if ch.isdigit() else _CJK_TWIPS // 4 for ch in lead.group(0))
    ind = p._p.get_or_add_pPr().get_or_add_ind()   # in its place in the pPr sequence
    ind.set(_w("left"), str(_INDENT_CHARS * _CJK_TWIPS + width))
    ind.set(_w("hanging"), str(width))
    ind.set(_w("firstLineChars"), "0")


def _keep_paragraph_with_next(p) -> None:
    from docx.oxml import OxmlElement

    ppr = p.get_or_add_pPr()
    if ppr.find(_w("keepNext")) is None:
        ppr.insert(1 if ppr.pStyle is not None else 0, OxmlElement("w:keepNext"))


def _keep_with_next(tr) -> None:
    """Keep a table row on the page of the row (or paragraph) after it."""
    for p in tr.iter(_w("p")):
        _keep_paragraph_with_next(p)


def _layout(table, widths_mm, name: str = "") -> None:
    """Fixed column widths that add up to the text width; centred; header row repeats;
    rows never split across pages (a table still breaks between rows, and short body
    rows read better whole); cells centred vertically."""
    from docx.oxml import OxmlElement

    tbl = table._tbl
    tblpr = tbl.tblPr
    total = sum(_mm_twips(w) for w in widths_mm)
    _child(tblpr, "tblW", w=total, type="dxa")
    _child(tblpr, "jc", val="center")
    _child(tblpr, "tblLayout", type="fixed")
    margins = _child(tblpr, "tblCellMar")
    for side in ("top", "left", "bottom", "right"):   # the schema's order
        _child(margins, side, w=_mm_twips(CELL_MARGIN) if side in ("left", "right") else 0,
               type="dxa")
    for look in tblpr.findall(_w("tblLook")):
        tblpr.remove(look)
    if name:
        _child(tblpr, "tblCaption", val=name)
    for col, w in zip(tbl.tblGrid.findall(_w("gridCol")), widths_mm):
        col.set(_w("w"), str(_mm_twips(w)))
    for r, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            trpr.append(OxmlElement("w:tblHeader"))
        col = 0
        for tc in row._tr.tc_lst:
            width = sum(widths_mm[col:col + tc.grid_span])
            col += tc.grid_span
            tcpr = tc.get_or_add_tcPr()
            _child(tcpr, "tcW", w=_mm_twips(width), type="dxa")
            _child(tcpr, "vAlign", val="center")


def _merge_runs(grid, table: Table, key: str, offset: int, rows) -> None:
    """Rows of one 一级指标 (and of one 二级指标 within it) share one merged cell, as the
    printed form has it; decided from the data, not from rendered text."""
    keys = [c.key for c in table.columns]
    col = keys.index(key)
    upto = keys[:col + 1]
    values = [tuple(table.cell(r, k) for k in upto) for r in rows]
    trs = grid._tbl.tr_lst[1 + offset:1 + offset + len(rows)]
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and values[i][-1] and values[i] == values[start]:
            continue
        if i - start > 1:
            trs[start].tc_lst[col].vMerge = "restart"
            for tr in trs[start + 1:i]:
                tc = tr.tc_lst[col]
                tc.vMerge = "continue"
                for r in list(tc.iter(_w("r"))):
                    r.getparent().remove(r)
        start = i
