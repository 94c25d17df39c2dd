"""Small helpers for WordprocessingML: the template builder's (python-docx elements)
and the report writer's (XML text).

Owns setting run fonts (Latin and East Asian, size, bold, character spacing) and
paragraph properties in the element order Word expects (template build, with
python-docx), unit conversions, and the report's text escaping and runs: the
report is written as XML text, serialised as lxml serialised python-docx's tree.
"""

from __future__ import annotations

import re
from functools import lru_cache

LATIN = "Times New Roman"   # the Latin font of every style (digits, letters)

# What lxml refused ("All strings must be XML compatible"): the report refuses it too,
# where lxml did, as a text enters the XML: every text of a part is escaped by
# :func:`esc` (or :func:`attr`), which checks it; the rest of a part is our markup and
# numbers, and the template's own XML, checked when it is read. Checking each text as
# it is escaped (a run's text once, however often it is printed) costs a fraction of
# searching the finished parts, which hold every repeated run again.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What esc and a run's text act on (most texts hold none of it and are taken as they are).
_ESCAPED = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RUN_SPECIAL = re.compile("[\t\n\r&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RUN_BREAKS = re.compile("([\t\r\n])")
HIGHLIGHT = '<w:highlight w:val="yellow"/>'


def check_xml(text: str) -> str:
    if _NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes "
                         "or control characters")
    return text


def esc(text: str) -> str:
    """``text`` as element content (``&``, ``<``, ``>`` escaped, as lxml does); a text
    XML cannot hold raises :class:`ValueError`."""
    if not _ESCAPED.search(text):
        return text
    check_xml(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def attr(text: str) -> str:
    """``text`` as an attribute value (between double quotes)."""
    text = esc(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    for ch, ref in (("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;")):
        if ch in text:
            text = text.replace(ch, ref)
    return text


def _plain(text: str) -> bool:
    """``text`` holds nothing a run acts on (:data:`_RUN_SPECIAL`): nothing to escape, no
    tab or break, nothing XML refuses. Each such character but ``&<>`` is one
    :meth:`str.isprintable` refuses (``tests/test_report_fast_paths.py`` goes through
    every one), so printable text is seen at C speed; the rest (an ideographic space, a
    private-use marker …) by the pattern."""
    if text.isprintable():
        return "&" not in text and "<" not in text and ">" not in text
    return not _RUN_SPECIAL.search(text)


def _t(text: str, escaped: str) -> str:
    """``w:t`` of ``text`` (``escaped``), its spaces kept when it starts or ends with one."""
    if text.strip() != text:   # a space str.strip() would take off (no copy when none)
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def run_content(text: str) -> str:
    """A run's text: ``w:t`` pieces, a tab as ``w:tab``, a line break as ``w:br``."""
    if _plain(text):    # one piece, nothing to escape
        return _t(text, text) if text else ""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text, esc(text))
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            out.append(_t(piece, esc(piece)))
    return "".join(out)


def run_xml(text: str, *, bold: bool = False, highlight: bool = False) -> str:
    """A ``w:r`` holding ``text``, bold and/or highlighted yellow."""
    rpr = ""
    if bold or highlight:
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "") + (HIGHLIGHT if highlight else "") \
            + "</w:rPr>"
    if not text:
        return f"<w:r>{rpr}</w:r>" if rpr else "<w:r/>"
    # most runs are one w:t with nothing to escape (run_content's first case, inline)
    content = _t(text, text) if _plain(text) else run_content(text)
    return f"<w:r>{rpr}{content}</w:r>"



def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _child(parent, tag: str, **attrs):
    """The first ``w:tag`` child of ``parent`` (created, appended, if missing) with attrs set."""
    from docx.oxml import OxmlElement

    el = parent.find(_w(tag))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        parent.append(el)
    for k, v in attrs.items():
        el.set(_w(k), str(v))
    return el


def _twips(pt: float) -> int:
    return round(pt * 20)


def _mm_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _set_run_fonts(rpr, east_asia: str, size: float, bold: bool,
                   condense: int = 0, latin: str = LATIN) -> None:
    """Latin and East Asian fonts on an ``w:rPr`` (no theme fonts, no colour)."""
    for tag in ("rFonts", "b", "bCs", "color", "sz", "szCs", "kern", "spacing"):
        for el in rpr.findall(_w(tag)):
            rpr.remove(el)
    # element order matters to Word: rFonts, b, bCs, …, color, …, sz, szCs
    from docx.oxml import OxmlElement

    fonts = OxmlElement("w:rFonts")
    for k, v in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin),
                 ("hint", "eastAsia")):
        fonts.set(_w(k), v)
    rpr.insert(0, fonts)
    pos = 1
    if bold:
        for tag in ("b", "bCs"):
            rpr.insert(pos, OxmlElement(f"w:{tag}"))
            pos += 1
    if condense:
        spacing = OxmlElement("w:spacing")
        spacing.set(_w("val"), str(condense))
        rpr.append(spacing)
    for tag in ("sz", "szCs"):
        el = OxmlElement(f"w:{tag}")
        el.set(_w("val"), str(round(size * 2)))
        rpr.append(el)


def _set_paragraph(ppr, *, align: str, first_chars: int, size: float, line: float | None,
                   after: float, keep: bool, outline: int | None = None) -> None:
    from docx.oxml import OxmlElement

    for el in list(ppr):
        ppr.remove(el)
    order = []
    if keep:
        order.append(OxmlElement("w:keepNext"))
        order.append(OxmlElement("w:keepLines"))
    spacing = OxmlElement("w:spacing")
    spacing.set(_w("before"), "0")
    spacing.set(_w("after"), str(_twips(after)))
    if line is None:
        spacing.set(_w("line"), "240")
        spacing.set(_w("lineRule"), "auto")
    else:
        spacing.set(_w("line"), str(_twips(line)))
        spacing.set(_w("lineRule"), "exact")
    order.append(spacing)
    ind = OxmlElement("w:ind")
    ind.set(_w("left"), "0")
    ind.set(_w("right"), "0")
    ind.set(_w("firstLine"), str(_twips(size * first_chars)))
    ind.set(_w("firstLineChars"), str(first_chars * 100))
    order.append(ind)
    jc = OxmlElement("w:jc")
    jc.set(_w("val"), {"justify": "both"}.get(align, align))
    order.append(jc)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(_w("val"), str(outline))
        order.append(lvl)
    for el in order:
        ppr.append(el)


# ---------------------------------------------------------------- paragraphs and tables

CELL_MARGIN = 0.8   # mm left and right in a table cell
_KEEP = {None: "", True: "<w:keepNext/>", False: '<w:keepNext w:val="0"/>'}
_MERGE = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}
CELL_CLOSE = "</w:p></w:tc>"   # the end of a cell's (one) paragraph and of the cell


class _P:
    """A paragraph being written: its properties (in python-docx's element order; ``style``
    is its ``w:pStyle`` element) and its content (runs and comment marks, as XML text)."""

    __slots__ = ("extra", "items", "keep", "page_break", "ppr", "sect", "style")

    def __init__(self, style: str, ppr: bool = True):
        self.style, self.ppr = style, ppr
        self.keep: bool | None = None   # False is written too (keepNext w:val="0")
        self.page_break = False
        self.sect = ""
        self.extra = ""     # tabs, indentation, alignment: in the pPr's order, before sectPr
        self.items: list[str] = []

    def xml(self) -> str:
        body = "".join(self.items)
        if self.ppr:
            return p_open(self.style, self.keep, self.page_break, self.extra + self.sect) \
                + body + "</w:p>"
        return f"<w:p>{body}</w:p>" if body else "<w:p/>"


def p_open(style: str, keep: bool | None = None, page_break: bool = False,
           extra: str = "") -> str:
    """``<w:p>`` and the ``w:pPr`` of a paragraph in ``style`` (its ``w:pStyle``)."""
    inner = style + _KEEP[keep] + ("<w:pageBreakBefore/>" if page_break else "") + extra
    return f"<w:p><w:pPr>{inner}</w:pPr>" if inner else "<w:p><w:pPr/>"


@lru_cache(maxsize=256)   # every department's tables have the same few openings
def _table_open(widths_mm: tuple[float, ...], style: str, name: str) -> str:
    """Fixed column widths that add up to the text width; centred; header row repeats;
    rows never split across pages (a table still breaks between rows, and short body
    rows read better whole); cells centred vertically."""
    total = sum(_mm_twips(w) for w in widths_mm)
    margin = _mm_twips(CELL_MARGIN)
    return "".join([
        "<w:tbl><w:tblPr>", style,
        (f'<w:tblW w:type="dxa" w:w="{total}"/><w:jc w:val="center"/>'
         '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
         f'<w:left w:w="{margin}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
         f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'),
        f'<w:tblCaption w:val="{attr(name)}"/>' if name else "",
        "</w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{_mm_twips(w)}"/>' for w in widths_mm),
        "</w:tblGrid>"])
