"""Small helpers for the WordprocessingML that python-docx has no API for.

Owns setting run fonts (Latin and East Asian, size, bold, character spacing) and
paragraph properties in the element order Word expects, and unit conversions.
Used by the template builder and the report writer.
"""

from __future__ import annotations

LATIN = "Times New Roman"   # the Latin font of every style (digits, letters)



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
