"""The report writer's quick looks at a text stand for the patterns they skip: a text
:meth:`str.isprintable` passes (with no ``&<>`` for a run, no ``"`` for cleaning) holds
no character the pattern acts on, for every character there is."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from xlpkg.report.ooxml import _RUN_SPECIAL, _plain
from xlpkg.report.render import _CLEANED


def _printable(but: str) -> str:
    """Every printable character except those of ``but``, in one string."""
    return "".join(ch for ch in map(chr, range(sys.maxunicode + 1))
                   if ch.isprintable() and ch not in but)


def test_a_printable_text_without_markup_holds_nothing_a_run_acts_on():
    assert _RUN_SPECIAL.search(_printable("&<>")) is None
    for ch in "&<>":
        assert not _plain(f"文{ch}字")


def test_a_printable_text_without_quotes_holds_nothing_cleaning_acts_on():
    assert _CLEANED.search(_printable('"')) is None


_CHARS = st.sampled_from(list('ab 中&<>"\t\n\r\x00\x07\x7f\x85\u2028\u3000\xa0\ue000\ufffe'
                              "\ud800"))


@given(st.text(alphabet=_CHARS, max_size=10))
def test_plain_is_the_pattern_finding_nothing(text):
    assert _plain(text) == (_RUN_SPECIAL.search(text) is None)

