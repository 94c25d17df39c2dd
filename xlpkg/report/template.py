"""The Word report template, built from source with python-docx (``xlpkg`` owns it).

``word_templates/部门整体支出绩效自评报告.docx`` is the output of
:func:`build_template`, committed so people can open it, and rebuilt by a test
that checks the committed file still equals a fresh build (byte for byte: the
zip is written with fixed entry times and the core properties carry fixed
dates).

What the template holds:

- no text: the outline (一 … 十) lives in :mod:`xlpkg.report.outline` and
  :mod:`xlpkg.report.write` writes it into a copy of this document, so people
  may restyle the template (fonts, spacing) without touching the outline;
- the typography of 党政机关公文格式 GB/T 9704-2012: A4, margins 37/35/28/26 mm,
  title 2号 (22 pt) 小标宋, body 3号 (16 pt) 仿宋_GB2312 with a fixed line pitch
  of 22 lines per page and a two-character first-line indent, 一级 headings 黑体,
  二级 楷体_GB2312, 三级 仿宋 bold, page numbers 4号 宋体 “— 1 —” on the outside
  edge. East Asian fonts are set through ``w:eastAsia`` in the styles; the font
  table names a fallback (``w:altName``) for machines without the GB2312 fonts.
- real Word heading styles (Heading 1–3, with outline levels) so the navigation
  pane works; headings keep with the next paragraph; table header rows repeat;
- the 自评表 appendix in a landscape A4 section of its own (the same page-number
  footers), its table in 五号 仿宋 at the landscape text width; a section break
  after a table is a one-point paragraph of the style ``分节`` carrying a ``w:sectPr``.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from xlpkg.report.ooxml import LATIN, _child, _set_paragraph, _set_run_fonts, _twips, _w

TEMPLATE_NAME = "部门整体支出绩效自评报告.docx"
TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "word_templates" / TEMPLATE_NAME

FIXED_DATE = datetime(2024, 1, 1)
ZIP_DATE = (2024, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------- typography

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

# Fallbacks for machines without the GB2312 fonts (Word reads w:altName).
FONT_TABLE = {
    FANGSONG: ("仿宋", "02010609030101010101", "modern", "fixed"),
    KAITI: ("楷体", "02010609030101010101", "modern", "fixed"),
    HEITI: ("SimHei", "02010609060101010101", "modern", "fixed"),
    XIAOBIAOSONG: ("宋体", "02000000000000000000", "script", "variable"),
    SONGTI: ("SimSun", "02010600030101010101", "auto", "variable"),
}

SIZE_2 = 22      # 2号
SIZE_3 = 16      # 3号
SIZE_4 = 14      # 4号
SIZE_S4 = 12     # 小四
SIZE_5 = 10.5    # 五号
LINE_PITCH = 28.95  # 225 mm text height / 22 lines, in points
# The page number's line sits 7 mm below the text (GB/T 9704-2012 7.5): the text ends
# 35 mm above the page edge, the 4号 footer line is about 6 mm high, so the footer's
# bottom is 22.3 mm above the edge (measured in LibreOffice's PDF: 7.0 mm).
FOOTER_DISTANCE = 22.3

PAGE_W, PAGE_H = 210, 297                       # A4, mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37, 35, 28, 26
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
# The 自评表 appendix: landscape A4 with even 25 mm margins (a 247 × 160 mm area for
# the table) and the page number 15 mm from the bottom edge, clear below the text.
LANDSCAPE_MARGINS = (25, 25, 25, 25)               # top, bottom, left, right, mm
LANDSCAPE_FOOTER = 15                              # footer distance, mm
LANDSCAPE_TEXT_WIDTH = PAGE_H - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3]  # 247 mm

BODY = "报告正文"
CAPTION = "表题"
FIGURE_CAPTION = "图题"
UNIT = "表格单位"
NOTE = "表注"
CELL = "表格文字"
CELL_NUM = "表格数字"
CELL_HEAD = "表头"
SMALL_CELL = "附表文字"
SMALL_NUM = "附表数字"
SMALL_HEAD = "附表表头"
SMALL_CENTER = "附表居中"
SECTION_BREAK = "分节"
FIGURE = "图"
ANNEX_LABEL = "附件标签"
ANNEX_TITLE = "附件标题"
ANNEX_NOTE = "附件说明"
SIGNATURE = "落款"

# name: (base, east-asian font, size pt, bold, alignment, first-line chars,
#        line spacing pt (None = single), space after pt, keep with next)
PARAGRAPH_STYLES = {
    BODY: ("Normal", FANGSONG, SIZE_3, False, "justify", 2, LINE_PITCH, 0, False),
    CAPTION: ("Normal", HEITI, SIZE_4, False, "center", 0, 24, 0, True),
    # below its figure, so it does not keep with what follows (that would chain the
    # figures and the next headings into one block that leaves pages half empty)
    FIGURE_CAPTION: ("Normal", HEITI, SIZE_4, False, "center", 0, 24, 6, False),
    UNIT: ("Normal", FANGSONG, SIZE_S4, False, "right", 0, 20, 0, True),
    NOTE: ("Normal", FANGSONG, SIZE_S4, False, "justify", 0, 20, 6, False),
    CELL: ("Normal", FANGSONG, SIZE_S4, False, "left", 0, 20, 0, False),
    CELL_NUM: ("Normal", FANGSONG, SIZE_S4, False, "right", 0, 20, 0, False),
    CELL_HEAD: ("Normal", HEITI, SIZE_S4, False, "center", 0, 20, 0, False),
    SMALL_CELL: ("Normal", FANGSONG, SIZE_5, False, "left", 0, 15, 0, False),
    SMALL_NUM: ("Normal", FANGSONG, SIZE_5, False, "right", 0, 15, 0, False),
    SMALL_HEAD: ("Normal", HEITI, SIZE_5, False, "center", 0, 15, 0, False),
    SMALL_CENTER: ("Normal", FANGSONG, SIZE_5, False, "center", 0, 15, 0, False),
    # a section break: a paragraph one point high, so it never adds a line
    SECTION_BREAK: ("Normal", FANGSONG, 1, False, "left", 0, 1, 0, False),
    FIGURE: ("Normal", FANGSONG, SIZE_3, False, "center", 0, None, 0, True),
    ANNEX_LABEL: ("Normal", HEITI, SIZE_3, False, "left", 0, LINE_PITCH, 0, True),
    ANNEX_TITLE: ("Normal", XIAOBIAOSONG, SIZE_2, False, "center", 0, 36, 0, True),
    # 附件说明: 正文下空一行左空二字 (GB/T 9704-2012 7.3.4)
    ANNEX_NOTE: ("Normal", FANGSONG, SIZE_3, False, "left", 2, LINE_PITCH, 0, False),
    # 落款: the unit and the date, right-aligned two characters in (7.3.5)
    SIGNATURE: ("Normal", FANGSONG, SIZE_3, False, "right", 0, LINE_PITCH, 0, False),
}
SIGNATURE_RIGHT_CHARS = 2
# The body's 3号 styles: 28 characters to the 156 mm line (GB/T 9704-2012 5.2.2: 每行
# 28 个字，撑满版心). 28 characters of 16 pt are 448 pt, the line 442.2 pt: each character
# is condensed by CONDENSE (see :func:`condense_twips`). A document grid would do the
# same in Word, but LibreOffice lays a character grid out at another pitch.
BODY_PITCH = {BODY, ANNEX_LABEL, ANNEX_NOTE, SIGNATURE, "Normal", "Heading 1", "Heading 2",
              "Heading 3"}
CHARS_PER_LINE = 28

# built-in style: (east-asian font, size, bold, alignment, first-line chars, line, after, keep)
BUILTIN_STYLES = {
    "Title": (XIAOBIAOSONG, SIZE_2, False, "center", 0, 36, 0, True),
    "Heading 1": (HEITI, SIZE_3, False, "justify", 2, LINE_PITCH, 0, True),
    "Heading 2": (KAITI, SIZE_3, False, "justify", 2, LINE_PITCH, 0, True),
    "Heading 3": (FANGSONG, SIZE_3, True, "justify", 2, LINE_PITCH, 0, True),
    "Footer": (SONGTI, SIZE_4, False, "right", 0, None, 0, False),
}
OUTLINE_LEVELS = {"Heading 1": 0, "Heading 2": 1, "Heading 3": 2}

KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid",
               "Title", "Heading1", "Heading2", "Heading3", "Footer"}


def condense_twips(width_mm: float = TEXT_WIDTH, chars: int = CHARS_PER_LINE,
                   size: float = SIZE_3) -> int:
    """Character spacing (``w:spacing``, 1/20 pt, negative = condensed) that puts ``chars``
    characters of ``size`` pt on a ``width_mm`` line, rounded so the last one still fits."""
    import math

    pitch = width_mm / 25.4 * 72 / chars
    return math.floor((pitch - size) * 20)


# ---------------------------------------------------------------- styles, page, fonts


def _setup_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles_el = doc.styles.element
    # docDefaults: the body font everywhere, Chinese language, no spacing after.
    defaults = styles_el.find(_w("docDefaults"))
    rpr = defaults.find(_w("rPrDefault")).find(_w("rPr"))
    _set_run_fonts(rpr, FANGSONG, SIZE_3, False)
    lang = _child(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    rpr.remove(lang)
    rpr.append(lang)
    ppr = defaults.find(_w("pPrDefault")).find(_w("pPr"))
    for el in list(ppr):
        ppr.remove(el)
    _child(ppr, "spacing", after="0", line="240", lineRule="auto")

    for style in list(styles_el.findall(_w("style"))):
        if style.get(_w("styleId")) not in KEEP_STYLES:
            styles_el.remove(style)
            continue
        for tag in ("link", "rsid"):
            for el in style.findall(_w(tag)):
                style.remove(el)
    latent = styles_el.find(_w("latentStyles"))
    if latent is not None:
        styles_el.remove(latent)

    normal = doc.styles["Normal"]
    _set_run_fonts(normal.element.get_or_add_rPr(), FANGSONG, SIZE_3, False, condense_twips())
    _set_paragraph(normal.element.get_or_add_pPr(), align="justify", first_chars=0,
                   size=SIZE_3, line=LINE_PITCH, after=0, keep=False)

    for name, (font, size, bold, align, chars, line, after, keep) in BUILTIN_STYLES.items():
        style = doc.styles[name]
        _set_run_fonts(style.element.get_or_add_rPr(), font, size, bold,
                       condense_twips(size=size) if name in BODY_PITCH else 0)
        _set_paragraph(style.element.get_or_add_pPr(), align=align, first_chars=chars,
                       size=size, line=line, after=after, keep=keep,
                       outline=OUTLINE_LEVELS.get(name))
    footer = doc.styles["Footer"].element.get_or_add_pPr()
    # 单页码居右空一字 (the even-page footer overrides to the left)
    footer.find(_w("ind")).set(_w("right"), str(_twips(SIZE_4)))

    for name, (base, font, size, bold, align, chars, line, after, keep) in \
            PARAGRAPH_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = name in (BODY, CAPTION)
        _set_run_fonts(style.element.get_or_add_rPr(), font, size, bold,
                       condense_twips(size=size) if name in BODY_PITCH else 0)
        _set_paragraph(style.element.get_or_add_pPr(), align=align, first_chars=chars,
                       size=size, line=line, after=after, keep=keep)
    doc.styles[SIGNATURE].element.pPr.find(_w("ind")).set(
        _w("right"), str(_twips(SIZE_3 * SIGNATURE_RIGHT_CHARS)))
    doc.styles[BODY].next_paragraph_style = doc.styles[BODY]
    # Word comments on contradicted figures mark their anchor with this character
    # style (python-docx refers to it by id); define it so the file validates.
    ref = doc.styles.add_style("annotation reference", WD_STYLE_TYPE.CHARACTER)
    ref.style_id = "CommentReference"
    ref.hidden = True
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        doc.styles[name].next_paragraph_style = doc.styles[BODY]


def _setup_page(doc) -> None:
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_DISTANCE)
    # No document grid: the fixed line spacing already gives 22 lines a page, and a
    # grid would snap the small table lines to the body pitch (LibreOffice does).
    grid = section._sectPr.find(_w("docGrid"))
    grid.set(_w("linePitch"), str(_twips(LINE_PITCH)))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, "right")
    _page_number(section.even_page_footer, "left")


def _page_number(footer, side: str) -> None:
    """“— 1 —” with a PAGE field, on the outside edge, one character in."""
    from docx.oxml import OxmlElement

    footer.is_linked_to_previous = False
    para = footer.paragraphs[0]
    para.style = "Footer"
    ppr = para._p.get_or_add_pPr()
    ind = _child(ppr, "ind")
    if side == "left":
        ind.set(_w("left"), str(_twips(SIZE_4)))
        ind.set(_w("right"), "0")
        _child(ppr, "jc", val="left")
    para.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = para.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(_w("fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    para.add_run(" —")


def _setup_fonts(doc) -> None:
    """Font table entries with fallbacks; the document's East Asian language is zh-CN."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement

    part = doc.part.part_related_by(RT.FONT_TABLE)
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    for font in list(root):
        if font.get(_w("name")) not in (LATIN, "Symbol"):
            root.remove(font)
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        font = OxmlElement("w:font")
        font.set(_w("name"), name)
        for tag, val in (("altName", alt), ("panose1", panose), ("charset", "86"),
                         ("family", family), ("pitch", pitch)):
            el = OxmlElement(f"w:{tag}")
            el.set(_w("val"), val)
            font.append(el)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = doc.settings.element
    lang = settings.find(_w("themeFontLang"))
    if lang is not None:
        lang.set(_w("eastAsia"), "zh-CN")


def _drop_extras(doc) -> None:
    """Leave out what the default python-docx template carries but a report does not need
    (Word 2010 style effects, a bibliography part, a thumbnail of an empty page)."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            del doc.part.rels[rel_id]
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rel_id]


def _core_properties(doc) -> None:
    props = doc.core_properties
    props.title = "部门整体支出绩效自评报告"
    props.subject = "部门整体支出绩效自评报告"
    props.author = "xlpkg"
    props.last_modified_by = "xlpkg"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = FIXED_DATE
    props.modified = FIXED_DATE


# ---------------------------------------------------------------- build and write


def build_template() -> bytes:
    """The template as .docx bytes; the same bytes on every run."""
    import docx

    doc = docx.Document()
    _drop_extras(doc)
    _setup_styles(doc)
    _setup_fonts(doc)
    _setup_page(doc)
    _core_properties(doc)
    body = doc.element.body
    for el in list(body):
        if el.tag != _w("sectPr"):
            body.remove(el)
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times and attributes (reproducible builds)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    """Build the template and write it (atomically) to ``path``."""
    from xlpkg.atomic import write_bytes_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, build_template())
    return path


def template_bytes() -> bytes:
    """The committed template if present, else a fresh build (an installed wheel)."""
    try:
        return TEMPLATE_PATH.read_bytes()
    except OSError:
        return build_template()


if __name__ == "__main__":  # pragma: no cover - `python -m xlpkg.report.template`
    print(write_template())
