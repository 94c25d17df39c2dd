"""Writes the report's :class:`~xlpkg.report.text.Content` into the Word template.

Owns everything about the printed page that the content does not decide: which
style each block takes, how wide each table column is (each body table fills
the 156 mm text width, the 自评表 the 247 mm landscape width), how a long title
breaks, the section breaks around the landscape 自评表, highlighted gap markers,
and the Word comments on figures a finding is about. The writer iterates the
sections it is given; the outline lives in :mod:`xlpkg.report.outline`.
"""

from __future__ import annotations

import re

from xlpkg.report import template as T
from xlpkg.report.ooxml import _MERGE, _P, CELL_CLOSE, _mm_twips, _table_open, attr, p_open, run_xml
from xlpkg.report.text import Appendix, Block, Content, Figures, Grid, Note, Para, Table, tight

TITLE_CHARS = 19  # 2号 characters that sit on one 156 mm line with room to spare
ANNEX_TITLE_CHARS = 30  # … on the 247 mm line of the landscape 自评表 appendix
CHART_WIDTH_MM = 140
EMU_PER_MM = 36000
COMMENT_AUTHOR, COMMENT_INITIALS = "xlpkg 数据校验", "xl"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

# Column widths in mm by table kind and column key. A 5-character 小四 header (21.2 mm)
# fits a 23 mm column with its 0.8 mm margins.
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
_ROW_OPEN, _ROW_CLOSE = b"<w:tr><w:trPr><w:cantSplit/></w:trPr>", b"</w:tr>"
_CELL_CLOSE = CELL_CLOSE.encode("utf-8")
#: Paragraphs the writer holds before it hands the final ones on to be deflated (about
#: 100–200 KB of a report's body), and encoded pieces of a table (about 250 KB).
HAND_ON_BLOCKS = 512
HAND_ON_PIECES = 2048
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


# The XML pieces reports repeat — style elements, runs (a label, 0.00, 待评分), cell
# openings, the attachments' cells (the 自评表's indicators and rules are the same for
# every department) — kept for the next report with the same template and cleaning: a
# batch worker writes hundreds. Emptied when large (a 5,500-row report adds thousands).
_SHARED: dict[tuple, dict[str, dict]] = {}
SHARED_LIMIT = 50_000


def _shared(template, clean) -> dict[str, dict]:
    found = _SHARED.get((template, clean))
    if found is None or sum(len(d) for d in found.values()) > SHARED_LIMIT:
        if len(_SHARED) > 8:
            _SHARED.clear()
        found = _SHARED[(template, clean)] = {"ids": {}, "runs": {}, "cells": {}, "grid": {}}
    return found


class Writer:
    """Appends the content's blocks, as WordprocessingML text, to a report package opened
    on the template (:class:`xlpkg.report.package.Package`)."""

    def __init__(self, package, *, clean, charts: list[tuple[str, bytes]] | None = None):
        self.package = package
        self.template = package.template
        self.clean = clean           # render.clean_text: what Word can hold
        self.charts = charts or []
        self.body: list = []         # _P or XML text (a grid, a table's end tag)
        self.sect = self.template.sect   # the final section's properties
        shared = _shared(self.template, clean)
        self._ids: dict[str, str] = shared["ids"]       # style name → its w:pStyle
        self._runs: dict[tuple, str] = shared["runs"]   # (text, bold, gap) → its w:r
        self._cells: dict[tuple, str] = shared["cells"]   # a cell's opening (see cell_open)
        self.grid_cells: dict[tuple, str] = shared["grid"]   # the attachments' cells (grids)
        # a finding's notes → its comment's text: a finding on two figures (a task's
        # target and its actual) has two comments that say the same
        self._said: dict[tuple[Note, ...], str] = {}

    def style(self, name: str, kind: str = "paragraph") -> str:
        """``<w:pStyle …/>`` of the style named ``name`` ("" for the default style)."""
        if name not in self._ids:
            sid = self.template.style_id(name, kind)
            tag = "pStyle" if kind == "paragraph" else "tblStyle"
            self._ids[name] = f'<w:{tag} w:val="{attr(sid)}"/>' if sid else ""
        return self._ids[name]

    def _hand_on(self, table: list[bytes]) -> None:
        """A table is written (encoded, up to its end tag): only the body's last block is
        ever changed once written (a paragraph kept with the next, a section ended on
        it), so the body so far and the table are final and go on to the package now
        (:meth:`~xlpkg.report.package.Package.hand_on`), to be deflated while the rest
        is written; the table's end tag is the body's last block."""
        self.package.hand_on(self.pieces(), table)
        self.body = ["</w:tbl>"]

    def pieces(self) -> list[str]:
        """The XML of the body's blocks not handed on yet (a table goes on as it is made)."""
        return [b if isinstance(b, str) else b.xml() for b in self.body]

    # ------------------------------------------------------------ text

    def runs(self, paragraph: _P, spans, *, bold: bool = False) -> None:
        paragraph.items.append(self.runs_xml(spans, bold))

    def runs_xml(self, spans, bold: bool = False) -> str:
        """The runs of ``spans``; a figure a finding is about gets its Word comment."""
        if len(spans) == 1 and not spans[0].notes:    # most cells and paragraphs
            return self.run(spans[0].text, bold, spans[0].gap)
        out = []
        for span in spans:
            run = self.run(span.text, bold, span.gap)
            if not span.notes:
                out.append(run)
                continue
            said = self._said.get(span.notes)
            if said is None:
                said = self._said[span.notes] = _comment(span.notes)
            cid = self.package.add_comment(said, COMMENT_AUTHOR, COMMENT_INITIALS)
            out.append(f'<w:commentRangeStart w:id="{cid}"/>{run}<w:commentRangeEnd w:id="{cid}"/>'
                       '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                       f'<w:commentReference w:id="{cid}"/></w:r>')
        return "".join(out)

    def run(self, text: str, bold: bool = False, gap: bool = False) -> str:
        """A ``w:r`` of ``text`` as Word can hold it; a gap marker highlighted."""
        key = (text, bold, gap)
        found = self._runs.get(key)
        if found is None:   # tables repeat their texts (—, 0.00, 个): each is written once
            found = self._runs[key] = run_xml(self.clean(text), bold=bold, highlight=gap)
        return found

    def _append(self, p: _P) -> None:
        body = self.body
        body.append(p)
        if len(body) > HAND_ON_BLOCKS:
            # A long run of paragraphs (七's deviation sentences): all but the newest are
            # final (see _hand_on) and go on now, so that the deflating thread is not
            # left them all when the rest is written.
            last = body.pop()
            self.package.hand_on(self.pieces())
            self.body = [last]

    def add_paragraph(self, style: str) -> _P:
        p = _P(self.style(style))
        self._append(p)
        return p

    def para(self, spans, style: str) -> _P:
        p = _P(self.style(style))
        self._append(p)
        p.items.append(self.runs_xml(spans))
        return p

    def plain(self, text: str, style: str) -> _P:
        p = _P(self.style(style))
        self._append(p)
        p.items.append(self.run(text))
        return p

    def blank(self) -> None:
        """An empty line of the body's pitch."""
        self.add_paragraph("Normal").keep = True

    # ------------------------------------------------------------ blocks

    def block(self, block: Block, *, small: bool = False, total_mm: float = T.TEXT_WIDTH):
        if isinstance(block, Para):
            p = self.para(block.text, PARA_STYLES[block.style])
            if block.style == "lead":        # a list's lead-in never ends a page
                p.keep = True
        elif isinstance(block, Table):
            self.table(block, small=small, total_mm=total_mm)
        elif isinstance(block, Grid):
            from xlpkg.report.grids import write_grid

            write_grid(self, block.table, total_mm)
        elif isinstance(block, Figures):
            self.figures()

    def figures(self) -> None:
        width = int(CHART_WIDTH_MM * EMU_PER_MM)
        for i, (caption, png) in enumerate(self.charts, 1):
            p = self.add_paragraph(T.FIGURE)
            p.items.append(f"<w:r>{self.package.add_image(png, width)}</w:r>")
            self.plain(f"图{i}  {caption}", T.FIGURE_CAPTION)

    def table(self, table: Table, *, small: bool, total_mm: float) -> None:
        """Caption and unit above, the note below; the total row first (the 决算 tables)."""
        if table.caption:
            self.plain(table.caption, T.CAPTION)
        if table.unit:
            self.plain(table.unit, T.UNIT)
        head = T.SMALL_HEAD if small else T.CELL_HEAD
        styles = {"l": T.SMALL_CELL, "r": T.SMALL_NUM, "c": T.SMALL_CENTER} if small else \
            {"l": T.CELL, "r": T.CELL_NUM, "c": T.CELL}
        widths = column_widths(table, total_mm)
        twips = [_mm_twips(w) for w in widths]
        # a table is most of a report's XML and repeats its pieces (a column's cell
        # openings, —, 0.00): each is encoded once, and the table handed on encoded
        head_row = "".join([
            _table_open(tuple(widths), self.style("Table Grid", "table"), ""),
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
            *(self.cell_open(head, twips[c], True) + self.run(col.header) + CELL_CLOSE
              for c, col in enumerate(table.columns)), "</w:tr>"])
        out = [head_row.encode("utf-8")]
        # each column's cell opening, for a row that may end a page and one that may not
        keys = [col.key for col in table.columns]
        loose = [self.cell_open(styles[col.align], twips[c], False).encode("utf-8")
                 for c, col in enumerate(table.columns)]
        kept = [self.cell_open(styles[col.align], twips[c], True).encode("utf-8")
                for c, col in enumerate(table.columns)]
        rows = table.rows
        if table.total:    # bold, and never the last row on a page
            self._rows(out, [table.total], keys, kept, bold=True)
        if table.note and rows:   # the last row stays with its 表注
            self._rows(out, rows[:-1], keys, loose)
            self._rows(out, rows[-1:], keys, kept)
        else:
            self._rows(out, rows, keys, loose)
        self._hand_on(out)
        if table.note:
            self.plain(table.note, T.NOTE)

    def _rows(self, out: list[bytes], rows, keys: list[str], openings: list[bytes], *,
              bold: bool = False) -> None:
        """``rows`` of a table onto ``out``, encoded: each column's cell in its
        ``openings``. A column repeats its cells (—, 0.00, 100.00%): each plain one is
        made once, by its text (and whether it is a gap marker)."""
        columns = [(key, opening, {}, {}) for key, opening in zip(keys, openings)]
        for row in rows:
            if len(out) >= HAND_ON_PIECES:
                # the rows so far are final: they go on now (a long table, deflated while
                # it is written, rather than all of it once it ends; see _hand_on)
                self.package.hand_on(self.pieces(), out)
                self.body = []
                out.clear()
            out.append(_ROW_OPEN)
            for key, opening, plain, gaps in columns:
                spans = row.get(key)
                if not spans:
                    out += (opening, _CELL_CLOSE)
                elif len(spans) == 1 and not (span := spans[0]).notes:
                    made = gaps if span.gap else plain
                    cell = made.get(span.text)
                    if cell is None:
                        cell = made[span.text] = (
                            opening + self.run(span.text, bold, span.gap).encode("utf-8")
                            + _CELL_CLOSE)
                    out.append(cell)
                else:
                    out += (opening, self.runs_xml(spans, bold).encode("utf-8"), _CELL_CLOSE)
            out.append(_ROW_CLOSE)

    def cell_open(self, style: str, width: int, keep: bool, span: int = 1,
                  vmerge: str = "") -> str:
        """The opening of a ``w:tc`` up to its paragraph's runs: width (a horizontal merge
        of ``span`` columns, a vertical one's ``vmerge``), centred vertically; the
        paragraph in ``style``, kept with the next when ``keep``. :data:`CELL_CLOSE`
        ends it."""
        key = (style, width, keep, span, vmerge)
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = (
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + _MERGE[vmerge]
                + '<w:vAlign w:val="center"/></w:tcPr>'
                + p_open(self.style(style), True if keep else None))
        return found

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
        last = self.body[-1] if self.body else None
        if paras and isinstance(last, _P):
            last.keep = True
        notes = [p for p in paras if p.style == "annex_note"]
        previous = None
        for para in paras:
            if para.style != previous:
                self.add_paragraph("Normal").keep = True
                previous = para.style
            p = self.para(para.text, PARA_STYLES[para.style])
            if para.style == "annex_note":
                p.keep = para is notes[0] or para is notes[-1]
                p.extra = _hang(para.plain)
            else:
                p.keep = para is not paras[-1]

    def appendix(self, annex: Appendix, *, last: bool) -> None:
        """An appendix: the 自评表 in a landscape section of its own (the body's section
        ends on its last paragraph, so the break starts the page), others on a new page."""
        if annex.landscape:
            self._end_section(landscape=False)
        label = self.plain(annex.label, T.ANNEX_LABEL)
        if not annex.landscape:
            label.page_break = True
        chars = ANNEX_TITLE_CHARS if annex.landscape else TITLE_CHARS
        for line in split_title(annex.title, annex.title_tail, chars):
            self.plain(line, T.ANNEX_TITLE)
        if annex.subtitle:
            self.plain(annex.subtitle, T.SMALL_CENTER).keep = True
        self.blank()
        width = T.LANDSCAPE_TEXT_WIDTH if annex.landscape else T.TEXT_WIDTH
        for block in annex.blocks:
            self.block(block, small=annex.landscape, total_mm=width)
        if annex.landscape and not last:
            self._end_section(landscape=True)
        elif annex.landscape:
            # the report ends with it: the final section is landscape (no empty portrait
            # page after it); a document cannot end on a table, so a 1-pt paragraph follows
            self.add_paragraph(T.SECTION_BREAK)
            self.sect = _landscape(self.sect)

    def _end_section(self, *, landscape: bool) -> None:
        """End a section at the last paragraph (a copy of the page setup goes into it), or
        after a table with a one-point 分节 paragraph carrying the break."""
        sect = _landscape(self.template.sect) if landscape else self.template.sect
        last = self.body[-1] if self.body else None
        if isinstance(last, _P) and not last.sect:
            last.ppr = True
            last.sect = sect
        else:
            self.add_paragraph(T.SECTION_BREAK).sect = sect


def _comment(notes: tuple[Note, ...]) -> str:
    parts = []
    for note in notes:
        where = f"（单元格：{'、'.join(note.cells)}）" if note.cells else ""
        parts.append(f"【{SEVERITY_LABELS.get(note.severity, note.severity)}】"
                     f"{note.message}{where}")
    return tight("\n".join(parts))


def _set_attrs(xml: str, tag: str, values: dict[str, object]) -> str:
    """``xml`` with the attributes of its first ``<w:tag …/>`` set (existing ones keep their
    place, new ones are added last, as lxml does)."""
    start = xml.index(f"<w:{tag} ")
    end = xml.index("/>", start)
    attrs = {}
    for pair in xml[start + len(tag) + 3:end].split('" '):   # name="value" pairs
        name, _, value = pair.strip().partition('="')
        attrs[name] = value.removesuffix('"')
    attrs.update({f"w:{k}": str(v) for k, v in values.items()})
    new = f"<w:{tag}" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + "/>"
    return xml[:start] + new + xml[end + 2:]


def _landscape(sect: str) -> str:
    sect = _set_attrs(sect, "pgSz", {"w": _mm_twips(T.PAGE_H), "h": _mm_twips(T.PAGE_W),
                                     "orient": "landscape"})
    top, bottom, left, right = T.LANDSCAPE_MARGINS
    return _set_attrs(sect, "pgMar", {"top": _mm_twips(top), "bottom": _mm_twips(bottom),
                                      "left": _mm_twips(left), "right": _mm_twips(right),
                                      "footer": _mm_twips(T.LANDSCAPE_FOOTER)})


# 附件说明: a long name wraps under its own first character (GB/T 9704-2012 7.3.4), so
# the lead (``附件：1. `` / ``　　　2. ``) hangs. Widths in twips of the 3号 line: a CJK
# character 315 (16 pt less the 0.25 pt condensing), Times New Roman digits half that,
# “.” and the space a quarter.
_ANNEX_LEAD = re.compile(r"^(附件：|\u3000{3})([0-9]+\. )?")
_CJK_TWIPS, _INDENT_CHARS = 315, 2


def _hang(text: str) -> str:
    """The ``w:ind`` of a 附件说明 line: its lead hangs ("" when it has none)."""
    lead = _ANNEX_LEAD.match(text)
    if lead is None:
        return ""
    width = sum(_CJK_TWIPS if ord(ch) >= 0x2E80 else
                _CJK_TWIPS // 2 if ch.isdigit() else _CJK_TWIPS // 4 for ch in lead.group(0))
    return (f'<w:ind w:left="{_INDENT_CHARS * _CJK_TWIPS + width}" w:hanging="{width}" '
            'w:firstLineChars="0"/>')
