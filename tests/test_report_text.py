"""The report's text helpers against their plain definitions: the spacing rule as two
substitutions, the spans as split piece by piece and merged after, the cleaning of a
value step by step. The fast paths must give the same result for every text."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlpkg.report.render import clean_text
from xlpkg.report.text import (
    FIG_CLOSE,
    FIG_MID,
    FIG_OPEN,
    GAP_OPEN,
    Note,
    Span,
    figure,
    figure_spans,
    spans,
    tight,
    unmark,
)

_CJK = "\u3400-\u9fff“”（）：，、；。"
_BEFORE = re.compile(f"([{_CJK}])[ \u3000]+((?:{FIG_OPEN}[^{FIG_MID}]*{FIG_MID})?[0-9])")
_AFTER = re.compile(f"([0-9%％](?:{FIG_CLOSE})?)[ \u3000]+([{_CJK}]|{GAP_OPEN[0]})")
_FIGURE = re.compile(f"{FIG_OPEN}([^{FIG_MID}]*){FIG_MID}([^{FIG_CLOSE}]*){FIG_CLOSE}")
_GAP = re.compile(f"{GAP_OPEN}[^】]*】")


def _plain_tight(text: str) -> str:
    return _AFTER.sub(r"\1\2", _BEFORE.sub(r"\1\2", text))


def _plain_spans(text: str, notes: dict) -> tuple[Span, ...]:
    text = _plain_tight(text)
    out: list[Span] = []

    def plain(piece: str) -> None:
        pos = 0
        for m in _GAP.finditer(piece):
            if m.start() > pos:
                out.append(Span(piece[pos:m.start()]))
            out.append(Span(m.group(0), gap=True))
            pos = m.end()
        if pos < len(piece):
            out.append(Span(piece[pos:]))

    pos = 0
    for m in _FIGURE.finditer(text):
        plain(text[pos:m.start()])
        if notes.get(m.group(1)):
            out.append(Span(m.group(2), notes=notes[m.group(1)]))
        else:
            plain(m.group(2))
        pos = m.end()
    plain(text[pos:])
    merged: list[Span] = []
    for s in out:
        if not s.text:
            continue
        if merged and not (s.gap or s.notes or merged[-1].gap or merged[-1].notes):
            merged[-1] = Span(merged[-1].text + s.text)
        else:
            merged.append(s)
    return tuple(merged)


NOTES = {"f_noted": (Note("warning", "与上年不符", ("B3",)),)}
_CHARS = st.sampled_from(["中", "年", "“", "）", "，", "。", "1", "0", "%", "％", " ", " ", "\u3000",
                          "a", ".", "【", "】", "待", "补充", "：", "-", "\n"])
_PLAIN = st.lists(_CHARS, max_size=8).map("".join)
# contract field names are identifiers: no space in them
_FIELD = st.sampled_from(["f_noted", "f_plain", "task_3_target"])
_FIGURE_TEXT = st.builds(figure, _FIELD, _PLAIN)
_GAP_TEXT = _PLAIN.map(lambda s: f"{GAP_OPEN}{s.replace('】', '')}】")
# A figure's marker opens only where figure() marks one (typed text cannot carry it);
# stray closing marks and unclosed gap markers are fair game.
_TEXT = st.lists(st.one_of(_PLAIN, _FIGURE_TEXT, _GAP_TEXT, st.sampled_from(
    [FIG_MID, FIG_CLOSE, GAP_OPEN])), max_size=10).map("".join)


@given(_TEXT)
def test_spacing_is_the_two_substitutions(text):
    assert tight(text) == _plain_tight(text)


@given(_TEXT)
def test_spans_are_the_pieces_merged(text):
    assert spans(text, NOTES) == _plain_spans(text, NOTES)
    assert spans(text) == _plain_spans(text, {})
    assert unmark(text) == _FIGURE.sub(r"\2", text)


@settings(max_examples=400)
@given(st.sampled_from(["f_noted", "f_plain", "", None]), _PLAIN | _TEXT)
@example("f_noted", "年 10%")
@example("f_noted", "≥ 2次")
@example("f_noted", "5 人")
def test_a_figure_cell_is_split_as_the_markers_make_it(field, shown):
    expected = _plain_spans(figure(field, shown), NOTES)
    assert figure_spans(field, shown, NOTES) == expected
    # as a builder calls it, with its memo of spans
    assert figure_spans(field, shown, NOTES, lambda t: spans(t, NOTES)) == expected


def _plain_clean(value) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"\s*[\r\n\t\v\f\x85\u2028\u2029]+\s*", " ", text)
    if '"' in text and text.count('"') % 2 == 0:
        text = re.sub(r'"([^"]*[\u3400-\u9fff][^"]*)"', r"“\1”", text)
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]", "", text)


@given(st.text(alphabet=st.sampled_from(list('ab "中三公\r\n\t\v\x0c\x85\u2028\x00\x07\x7f\ufffe'
                                             "\ud800 \u3000")), max_size=12))
def test_cleaning_is_its_plain_definition(text):
    assert clean_text(text) == _plain_clean(text)
