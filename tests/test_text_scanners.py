"""The scanners that replaced regular expressions (issue 17: compiling a pattern with
Chinese characters costs ~1 ms) find exactly what the expressions found."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xlpkg.core.claims import CLAUSE_ENDS, DENIALS, SENTENCE_ENDS, ends
from xlpkg.core.figures import LabelFinder

ALPHABET = "。；;！!？?\n，, 基本支出人员经费项目未没有不能无法难以完成12.%"
texts = st.text(alphabet=ALPHABET, max_size=60)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ends_are_the_character_class_matches(text):
    for marks in (SENTENCE_ENDS, CLAUSE_ENDS):
        oracle = [m.start() for m in re.finditer(f"[{re.escape(marks)}]", text)]
        assert list(ends(text, marks)) == oracle


@settings(max_examples=300, deadline=None)
@given(texts)
def test_denials_are_the_anchored_alternation(text):
    compact = re.sub(r"\s+", "", text)
    oracle = re.search(f"(?:{'|'.join(DENIALS)})$", compact) is not None
    assert compact.endswith(DENIALS) == oracle


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="基本支出人员经费项目", min_size=1, max_size=5), max_size=8),
       st.text(alphabet="基本支出人员经费项目，12", max_size=60), st.data())
def test_label_finder_is_the_longest_first_alternation(labels, text, data):
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    words = sorted(dict.fromkeys(labels), key=len, reverse=True)
    ours = [(m.start(), m.end(), m.group(0)) for m in LabelFinder(words).finditer(text, a, b)]
    if not words:
        assert ours == []
        return
    oracle = [(m.start(), m.end(), m.group(0))
              for m in re.compile("|".join(map(re.escape, words))).finditer(text, a, b)]
    assert ours == oracle


def test_label_finder_on_a_written_sentence():
    found = LabelFinder(["基本支出", "基本支出人员经费", "人员经费"]).finditer(
        "本年基本支出人员经费120万元，人员经费占基本支出")
    assert [(m.start(), m.group(0)) for m in found] == [
        (2, "基本支出人员经费"), (16, "人员经费"), (21, "基本支出")]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="$AbZz0179x٣ ", max_size=12))
def test_split_a1_accepts_what_the_address_pattern_accepts(ref):
    from xlpkg.read.cells import MAX_COL, MAX_ROW, split_a1

    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})", ref)
    expected = None
    if m:
        col = 0
        for ch in m.group(1).upper():
            col = col * 26 + ord(ch) - 64
        row = int(m.group(2))
        if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL:
            expected = (row, col)
    try:
        got = split_a1(ref)
    except ValueError:
        got = None
    assert got == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="（(）)限不超过少于200字以内左右请填写简要说明在此处录入结合自评情况，分析对照年度绩效目标申",
               max_size=30))
def test_leftover_words_are_in_every_leftover_match(text):
    from xlpkg.core.checks.narrative import _LEFTOVER_WORDS, LEFTOVER_FORMS, TEMPLATE_LEFTOVERS

    for words, form in LEFTOVER_FORMS:   # each form's words stand in whatever it matches
        for m in re.finditer(form, text):
            assert any(w in m.group(0) for w in words)
    if TEMPLATE_LEFTOVERS.search(text):
        assert any(w in text for w in _LEFTOVER_WORDS)
