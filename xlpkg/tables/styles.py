"""Cell formats and the ``xl/styles.xml`` they make, as XlsxWriter 3.3.1 writes them.

Owns :class:`Format` — a look given as an XlsxWriter format dict, restricted to
the keys the tables use (font, size, bold, alignment, wrap, indent, a thin border,
a solid fill, a number format) — and :func:`styles_xml` for the formats a
workbook used, in the order it first used them. That order is XlsxWriter's: a
format gets its cell style index when a sheet's XML first writes a cell with it,
two formats with equal properties share one, and fonts, fills, borders and
number formats are numbered by first use among those styles. The values are
compared as XlsxWriter compares them (``str`` of each), so ``"bold": False``
and no ``bold`` are two fonts there and here. ``tests/test_tables_book.py``
holds the bytes to XlsxWriter's.
"""

from __future__ import annotations

from xlpkg.tables.xmltext import attr

KEYS = frozenset({"font_name", "font_size", "bold", "align", "valign", "text_wrap", "border",
                  "indent", "bg_color", "num_format"})
_H_ALIGN = {"left": 1, "center": 2, "centre": 2, "right": 3}
_V_ALIGN = {"top": 1, "vcenter": 2, "vcentre": 2, "bottom": 3}
_H_NAMES = {1: "left", 2: "center", 3: "right"}
_V_NAMES = {1: "top", 2: "center"}          # bottom is the default: no attribute
_THIN = 1
_THEME_FONT = "Calibri"                    # its <font> names the theme's scheme


class Format:
    """One look, from an XlsxWriter format dict (``wb.add_format(spec)`` there)."""

    __slots__ = (
        "bold",
        "border",
        "fill",
        "font_name",
        "font_size",
        "h_align",
        "indent",
        "key",
        "num_format",
        "v_align",
        "wrap",
    )

    def __init__(self, spec: dict):
        unknown = set(spec) - KEYS
        if unknown:
            raise ValueError(f"format keys not supported: {sorted(unknown)}")
        self.bold = spec.get("bold", 0)
        self.font_name = spec.get("font_name", _THEME_FONT)
        self.font_size = spec.get("font_size", 11)
        self.h_align = self.v_align = 0
        for name in (spec.get("align"), spec.get("valign")):
            if name is None:
                continue
            name = name.lower()
            if name in _H_ALIGN:
                self.h_align = _H_ALIGN[name]
            elif name in _V_ALIGN:
                self.v_align = _V_ALIGN[name]
            else:
                raise ValueError(f"alignment not supported: {name}")
        self.indent = spec.get("indent", 0)
        self.wrap = spec.get("text_wrap", 0)
        self.border = spec.get("border", 0)
        if self.border not in (0, _THIN):
            raise ValueError(f"border style not supported: {self.border}")
        fill = spec.get("bg_color")
        self.fill = fill.upper().lstrip("#") if fill else None
        self.num_format = spec.get("num_format", "General")
        # XlsxWriter's format key, over the properties a spec here can change
        self.key = ":".join(str(x) for x in (
            self.bold, self.font_name, self.font_size, self.border, self.fill,
            self.h_align, self.v_align, self.indent, self.wrap, self.num_format))

    def font_key(self) -> tuple:
        return str(self.bold), self.font_name, str(self.font_size)

    def font_xml(self) -> str:
        bold = "<b/>" if self.bold else ""
        scheme = '<scheme val="minor"/>' if self.font_name == _THEME_FONT else ""
        return (f'<font>{bold}<sz val="{self.font_size}"/><color theme="1"/>'
                f'<name val="{attr(self.font_name)}"/><family val="2"/>{scheme}</font>')

    def alignment(self) -> tuple[bool, str]:
        """Whether alignment is set (``applyAlignment``) and its ``<alignment>`` attributes."""
        h, v = self.h_align, self.v_align
        if not (h or v or self.indent or self.wrap):
            return False, ""
        if self.indent and h not in (1, 3) and v not in (1, 3):
            h = 1              # Excel indents left-aligned text only: XlsxWriter makes it so
        parts = []
        if h:
            parts.append(f'horizontal="{_H_NAMES[h]}"')
        if v in _V_NAMES:
            parts.append(f'vertical="{_V_NAMES[v]}"')
        if self.indent:
            parts.append(f'indent="{self.indent}"')
        if self.wrap:
            parts.append('wrapText="1"')
        return True, " ".join(parts)


DEFAULT = Format({})       # cell style 0: what a cell without a format shows


def _number_format_ids(formats: list[Format]) -> tuple[list[int], list[tuple[int, str]]]:
    """Each format's number format id, and the custom ones (from 164, by first use)."""
    custom: dict[str, int] = {}
    ids = []
    for f in formats:
        if f.num_format == "General":
            ids.append(0)
        elif f.num_format == "0":
            ids.append(1)
        else:
            ids.append(custom.setdefault(f.num_format, 164 + len(custom)))
    return ids, [(i, code) for code, i in custom.items()]


def _indexed(formats: list[Format], key, first: dict) -> tuple[list[int], list[Format]]:
    """Each format's index among the distinct ``key`` values (``first`` taken already)."""
    seen = dict(first)
    ids, new = [], []
    for f in formats:
        k = key(f)
        if k not in seen:
            seen[k] = len(seen)
            new.append(f)
        ids.append(seen[k])
    return ids, new


_BORDER_NONE = "<border><left/><right/><top/><bottom/><diagonal/></border>"
_BORDER_THIN = ("<border>" + "".join(f'<{side} style="thin"><color auto="1"/></{side}>'
                                     for side in ("left", "right", "top", "bottom"))
                + "<diagonal/></border>")
_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_TAIL = ('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
         '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
         'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def styles_xml(used: list[Format]) -> str:
    """``xl/styles.xml`` for the cell styles 1, 2, … = ``used`` (style 0 is the default)."""
    formats = [DEFAULT, *used]
    num_ids, custom = _number_format_ids(formats)
    font_ids, fonts = _indexed(formats, Format.font_key, {})
    fill_ids, fills = _indexed(formats, lambda f: f.fill, {None: 0, "gray125": 1})
    border_ids, borders = _indexed(formats, lambda f: str(f.border), {})
    out = [_HEAD]
    if custom:
        out.append(f'<numFmts count="{len(custom)}">')
        out += [f'<numFmt numFmtId="{i}" formatCode="{attr(code)}"/>' for i, code in custom]
        out.append("</numFmts>")
    out.append(f'<fonts count="{len(fonts)}">')
    out += [f.font_xml() for f in fonts]
    out.append(f'</fonts><fills count="{len(fills) + 2}"><fill><patternFill patternType="none"/>'
               '</fill><fill><patternFill patternType="gray125"/></fill>')
    out += [f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f.fill}"/>'
            '<bgColor indexed="64"/></patternFill></fill>' for f in fills]
    out.append(f'</fills><borders count="{len(borders)}">')
    out += [_BORDER_THIN if f.border else _BORDER_NONE for f in borders]
    out.append('</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
               f'borderId="0"/></cellStyleXfs><cellXfs count="{len(formats)}">')
    for n, f in enumerate(formats):
        attrs = (f'numFmtId="{num_ids[n]}" fontId="{font_ids[n]}" fillId="{fill_ids[n]}" '
                 f'borderId="{border_ids[n]}" xfId="0"')
        attrs += "".join(flag for flag, on in ((' applyNumberFormat="1"', num_ids[n]),
                                               (' applyFont="1"', font_ids[n]),
                                               (' applyFill="1"', fill_ids[n]),
                                               (' applyBorder="1"', border_ids[n])) if on)
        aligned, alignment = f.alignment()
        if aligned:
            attrs += ' applyAlignment="1"'
        out.append(f"<xf {attrs}><alignment {alignment}/></xf>" if alignment
                   else f"<xf {attrs}/>")
    out.append("</cellXfs>")
    out.append(_TAIL)
    return "".join(out)
