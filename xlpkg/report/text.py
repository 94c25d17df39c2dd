"""The report's content as data, and the small wording helpers every section shares.

Owns the shape the section builders produce and the Word writer consumes:
:class:`Content` (title, sections, appendices, the list of gaps), a section's
blocks (:class:`Para`, :class:`Table`, :class:`Figures`) and the rich text they
hold (:class:`Span`: a piece of text, highlighted when it is a gap marker
``【待补充：…】``, carrying the :class:`Note` of every finding about the figure it
prints). Pure: no docx here.

Builders write plain strings. Two things travel inside them until
:func:`spans` splits them: a figure printed from a contract value is wrapped as
``FIG_OPEN field FIG_MID text FIG_CLOSE`` (:func:`figure`), so the finding about
that field can be attached where the figure is printed; and a gap marker is the
visible ``【待补充：…】`` text itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from xlpkg.core.record import field, record
from xlpkg.tables.grid import PrintTable

CN_DIGITS = "一二三四五六七八九十"
NONE_TEXT = "无。"
UNIT_LINE = "单位：万元"

# Private-use characters: never typed by a department, dropped from what it typed.
FIG_OPEN, FIG_MID, FIG_CLOSE = "\ue000", "\ue001", "\ue002"
_FIGURE = re.compile(f"{FIG_OPEN}([^{FIG_MID}]*){FIG_MID}([^{FIG_CLOSE}]*){FIG_CLOSE}")
_PRIVATE = re.compile("[\ue000-\ue002]")
GAP_OPEN, GAP_CLOSE = "【待补充：", "】"
_GAP = re.compile(f"({GAP_OPEN}[^{GAP_CLOSE}]*{GAP_CLOSE})")   # a group: split keeps it

# A space between a figure and Chinese (“314.12 万元”, “2023 年”): Word already spaces
# Latin and CJK text apart, so a typed space doubles it. Markers are looked through.
# One pass deletes both kinds of run (Chinese, spaces, figure | figure, spaces, Chinese):
# the contexts are looked at, not consumed, and the two kinds never share a run, so this
# is the two substitutions one after the other. A field name inside a marker holds no
# space (contract field names are identifiers), so no run is found inside one. The
# pattern starts with the space itself so the regex engine skips to the spaces.
_CJK = "\u3400-\u9fff“”（）：，、；。"
_S = "[ \u3000]"
_FIGURE_SPACE = re.compile(
    f"{_S}(?:(?<=[{_CJK}]{_S}){_S}*(?=(?:{FIG_OPEN}[^{FIG_MID}]*{FIG_MID})?[0-9])"
    f"|(?:(?<=[0-9%％]{_S})|(?<=[0-9%％]{FIG_CLOSE}{_S})){_S}*(?=[{_CJK}]|{GAP_OPEN[0]}))")

_PRE_NUMBERED = re.compile(r"^\s*([0-9０-９]+\s*[.．、]|[（(]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
                           r"|[一二三四五六七八九十]+\s*、)")
_END_PUNCT = "。；;，,、 "


# ---------------------------------------------------------------- the content model


@record
class Note:
    """What a Word comment on a printed figure says: one finding, with its cells."""

    severity: str
    message: str
    cells: tuple[str, ...] = ()


@record
class Span:
    text: str
    gap: bool = False
    notes: tuple[Note, ...] = ()


Text = tuple[Span, ...]


@record
class Para:
    """A paragraph: ``style`` is "body", "lead" (body text introducing the list after
    it, kept on its page), "h2" (二级标题), "h3" (三级标题), "rules" (the
    自评表's 评分规则 line), "annex_note" (附件说明) or "signature" (落款)."""

    text: Text
    style: str = "body"

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.text)


@record
class Column:
    key: str
    header: str
    align: str = "r"          # "l" | "r" | "c"


@record
class Table:
    """A table: ``kind`` names its column widths on the page (the docx side owns them)."""

    kind: str
    caption: str
    unit: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Text], ...]
    total: dict[str, Text] | None = None
    note: str = ""

    def cell(self, row: dict[str, Text], key: str) -> str:
        return "".join(s.text for s in row.get(key, ()))


@record
class Grid:
    """A submission table (:class:`~xlpkg.tables.grid.PrintTable`, from
    :mod:`xlpkg.tables.rows`) printed as an attachment: the same grid ``xlpkg tables``
    writes, cell for cell."""

    table: PrintTable

    def texts(self) -> list[str]:
        """Its info line, rows (cells joined by `` | ``) and notes, as printed."""
        t = self.table
        info = [" ".join(x for x in (t.info_left, t.info_right) if x)]
        return info + [" | ".join(c.text for c in r) for r in t.rows] + list(t.notes)


@record
class Figures:
    """Where the optional charts go (``--charts``); the writer draws them from ``data``."""

    data: dict


Block = Para | Table | Grid | Figures


@record(frozen=False)
class Section:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)


@record(frozen=False)
class Appendix:
    key: str                   # "base_data" | "scoresheet" | "project1" … | "findings"
    label: str                 # 附件 / 附件1
    title: str
    title_tail: str            # where a long title breaks
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False
    subtitle: str = ""         # a line under the title: （2023年度）
    listed: str = ""           # its name in the 附件说明 line, when not the title

    @property
    def name(self) -> str:
        return self.listed or self.title


@record
class Gap:
    """One 【待补充：…】 marker the report writes: the section it is in and what is missing."""

    section: str
    what: str
    about: str = ""        # the item it concerns (公用经费, “帮助困难职工”), for the listing


@record(frozen=False)
class Content:
    title: str
    title_tail: str
    department: str
    sections: list[Section]
    appendices: list[Appendix]
    gaps: list[Gap]
    chart_data: dict | None = None
    closing: list[Para] = field(default_factory=list)   # 附件说明 and 落款

    def blocks(self) -> Iterable[Block]:
        for part in (*self.sections, *self.appendices):
            yield from part.blocks

    def plain(self) -> str:
        """Every heading, paragraph and table cell as text, in order (tests, the page)."""
        out = [self.title]

        def blocks(items) -> None:
            for b in items:
                if isinstance(b, Para):
                    out.append(b.plain)
                elif isinstance(b, Table):
                    out.append(b.caption)
                    for row in ([b.total] if b.total else []) + list(b.rows):
                        out.append(" | ".join(b.cell(row, c.key) for c in b.columns))
                    out.append(b.note)
                elif isinstance(b, Grid):
                    out.extend(b.texts())

        for section in self.sections:
            out.append(section.heading)
            blocks(section.blocks)
        blocks(self.closing)
        for annex in self.appendices:
            out.append(annex.label)
            out.append(annex.title)
            out.append(annex.subtitle)
            blocks(annex.blocks)
        return "\n".join(t for t in out if t)


# ---------------------------------------------------------------- figures and spans


def figure(field_name: str | None, shown: str) -> str:
    """``shown`` marked as the printed figure of contract field ``field_name``."""
    if not field_name or not shown:
        return shown
    return f"{FIG_OPEN}{field_name}{FIG_MID}{shown}{FIG_CLOSE}"


def figure_spans(field_name: str | None, shown: str, notes: dict[str, tuple[Note, ...]],
                 split: Callable[[str], Text] | None = None) -> Text:
    """``spans(figure(field_name, shown), notes)``: a table cell printing one figure.

    A cell with no marker character of its own (the usual form) skips the markers' round
    trip: without a note about the field it is ``shown`` split as it is — by ``split``,
    the builder's memo of :func:`spans` (cells repeat: 20 个, 100.00%) — and with notes
    it is that text as one span carrying them (the spacing rules see a marker's edges
    as the ends of a text, so what is printed is the same)."""
    if FIG_OPEN not in shown and FIG_MID not in shown and FIG_CLOSE not in shown:
        split = split or spans      # no figure in shown: no note of its own to find
        found = notes.get(field_name) if field_name else None
        if not found:
            return split(shown)
        if shown and GAP_OPEN not in shown:   # a gap marker inside stays inside the figure
            return (Span(split(shown)[0].text, False, found),)
    return spans(figure(field_name, shown), notes)


def unmark(text: str) -> str:
    """The text as printed (markers removed)."""
    return _FIGURE.sub(_shown, text) if FIG_OPEN in text else text


def _shown(m: re.Match) -> str:
    return m.group(2)


def spans(text: str, notes: dict[str, tuple[Note, ...]] | None = None) -> Text:
    """Split a builder's string into spans: marked figures carry the notes of their
    field, gap markers are flagged; the rest is plain text, neighbouring plain pieces
    joined into one span (fewer runs in Word)."""
    if " " in text or "\u3000" in text:
        text = _FIGURE_SPACE.sub("", text)   # tight(text)
    if FIG_OPEN not in text:
        if GAP_OPEN not in text:   # most table cells and sentences
            return (Span(text),) if text else ()
        # gap markers only (a deviation's sentence): plain text and markers alternate
        return tuple(Span(piece, i % 2 == 1) for i, piece in enumerate(_GAP.split(text))
                     if piece)
    notes = notes or {}
    out: list[Span] = []
    plain: list[str] = []      # plain text since the last flagged span
    pos = 0
    for m in _FIGURE.finditer(text):
        _plain(text[pos:m.start()], plain, out)
        found = notes.get(m.group(1), ())
        if not found:
            _plain(m.group(2), plain, out)
        elif m.group(2):       # an empty figure is no span: the text around it joins
            _flush(plain, out)
            out.append(Span(m.group(2), False, found))   # positional: the cheaper call
        pos = m.end()
    _plain(text[pos:], plain, out)
    _flush(plain, out)
    return tuple(out)


def _plain(piece: str, plain: list[str], out: list[Span]) -> None:
    """``piece`` (no figure markers) onto the plain text, its gap markers flagged."""
    if GAP_OPEN not in piece:
        plain.append(piece)
        return
    pos = 0
    for m in _GAP.finditer(piece):
        plain.append(piece[pos:m.start()])
        _flush(plain, out)
        out.append(Span(m.group(0), True))
        pos = m.end()
    plain.append(piece[pos:])


def _flush(plain: list[str], out: list[Span]) -> None:
    text = "".join(plain)
    if text:
        out.append(Span(text))
    plain.clear()


def tight(text: str) -> str:
    """No space between a figure and Chinese text, in generated and typed text alike."""
    if " " not in text and "\u3000" not in text:
        return text
    return _FIGURE_SPACE.sub("", text)


def typed(text: str) -> str:
    """A department's own text: private-use characters (our markers) cannot sneak in."""
    return _PRIVATE.sub("", text)


# ---------------------------------------------------------------- wording helpers


def chinese_number(n: int) -> str:
    """1 … 99 in Chinese numerals (headings never need more)."""
    if n <= 10:
        return CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens - 1] if tens > 1 else "") + "十" + (CN_DIGITS[ones - 1] if ones else "")


def sub_heading(index: int) -> str:
    """1 → （一）."""
    return f"（{chinese_number(index)}）"


def numbered(paras: Sequence[str], style: str = "{}.", *, start: int = 1,
             force: bool = False) -> list[str]:
    """Number a list of paragraphs "1." "2." … as the seed does; a single paragraph
    stays unnumbered (unless ``force``), and paragraphs the department already
    numbered itself (“1、”“（1）”) are left as typed."""
    paras = [p for p in paras if p]
    shown = list(map(unmark, paras))
    if any(map(_PRE_NUMBERED.match, shown)) or (len(paras) < 2 and not force):
        return list(paras)
    # “1.2023 年……” would read as a decimal: keep a space before a leading digit
    dot = style.endswith(".")
    return [style.format(i) + (" " if dot and s[:1].isdigit() else "") + p
            for i, (p, s) in enumerate(zip(paras, shown), start)]


def pre_numbered(paras: Sequence[str]) -> bool:
    return any(_PRE_NUMBERED.match(unmark(p)) for p in paras)


def clause_end(text: str) -> str:
    """A narrative fragment used inside a sentence: no trailing punctuation."""
    return text.strip().rstrip(_END_PUNCT)


class Counter:
    """Numbers tables (表1, 表2 …) and appendices as they are used."""

    def __init__(self):
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n
