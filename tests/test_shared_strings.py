"""The shared-string table as the reader takes it (``sheet_xml.StringsHandler``): each
wanted entry's text runs joined, phonetic runs left out, ``_xHHHH_`` escapes undone, the
parse stopped after the last wanted entry — held to a plain reading of the whole tree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import parsed_or_refusal, pieces

from xlpkg.read import sheet_scan
from xlpkg.read.cells import cap_text
from xlpkg.read.sheet_scan import scan_strings
from xlpkg.read.sheet_xml import Done, StringsHandler, unescape
from xlpkg.read.zip_safety import parse

_TEXT = st.text(st.sampled_from(list("ab中文 &<>_x000D_\n")), max_size=6)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def tables(draw, prefix: str = ""):
    """``<sst>`` with plain entries, rich ones and phonetic runs, under an optional prefix."""
    p = prefix
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["plain", "rich", "phonetic", "empty"]))
        if kind == "plain":
            entries.append(f"<{p}si><{p}t>{_esc(draw(_TEXT))}</{p}t></{p}si>")
        elif kind == "rich":
            runs = "".join(f"<{p}r><{p}rPr><{p}b/></{p}rPr><{p}t>{_esc(draw(_TEXT))}</{p}t></{p}r>"
                           for _ in range(draw(st.integers(1, 3))))
            entries.append(f"<{p}si>{runs}</{p}si>")
        elif kind == "phonetic":
            entries.append(f"<{p}si><{p}t>{_esc(draw(_TEXT))}</{p}t><{p}rPh sb=\"0\" eb=\"1\">"
                           f"<{p}t>{_esc(draw(_TEXT))}</{p}t></{p}rPh></{p}si>")
        else:
            entries.append(f"<{p}si/>")
    ns = ' xmlns:x="urn:x"' if prefix else ""
    return f"<{p}sst{ns}>{''.join(entries)}</{p}sst>".encode(), len(entries)


def _plain(xml: bytes, wanted: set[int]) -> dict[int, str]:
    root = ET.fromstring(xml)
    out = {}
    for i, si in enumerate(e for e in root if e.tag.rpartition("}")[2] == "si"):
        if i not in wanted:
            continue
        texts = [t.text or "" for t in si.iter()
                 if t.tag.rpartition("}")[2] == "t"
                 and not any(t in list(ph.iter()) for ph in si.iter()
                             if ph.tag.rpartition("}")[2] == "rPh")]
        out[i] = cap_text(unescape("".join(texts)))
    return out


@settings(max_examples=300, deadline=None)
@given(st.one_of(tables(), tables("x:")), st.sets(st.integers(0, 9), min_size=1))
def test_wanted_strings_are_their_runs_joined_without_phonetics(table, wanted):
    xml, _ = table
    handler = StringsHandler(wanted)
    try:
        parse(xml, handler)
    except Done:
        pass
    assert handler.strings == _plain(xml, wanted)


def test_the_parse_stops_after_the_last_wanted_entry():
    xml = b"<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>"
    handler = StringsHandler({1})
    try:
        parse(xml, handler)
        stopped = False
    except Done:
        stopped = True
    assert stopped and handler.strings == {1: "b"}


# ---------------------------------------------------------------- the fast path

_SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">')
_VALUES = ["", "a", "甲&amp;乙", "&lt;5&gt;", "a\r\nb", "x_x000D_y", "  b ", "#REF!", "a" * 32_770]
# each a way out of the usual form; the handler reads (or refuses) every one of them
_ODD_ENTRIES = ["<si><r><t>富</t></r></si>", "<si/>",
                '<si><t>a</t><rPh sb="0" eb="1"><t>b</t></rPh></si>', " ", "<!-- x -->", "<si><t><![CDATA[c]]></t></si>",
                "<si><t>&#49;</t></si>", "<si><t>\x01</t></si>", "<si><t>&bogus;</t></si>",
                "<si><t>a]]>b</t></si>", "<si><t a=\"1\">a</t></si>", "<si><t>\ufffe</t></si>",
                "<x:si><t>a</t></x:si>", "<si><t>a</t>"]
_ODD_HEADS = ['<?xml version="1.0" encoding="ISO-8859-1"?><sst>', '<!DOCTYPE sst []><sst>',
              "<sst><!-- <si> -->", "<sst><t>a</t>", "<x:sst xmlns:x=\"u\">", "<sst><si/>",
              "<sst><rPh/>", "<worksheet>"]
_ODD_TAILS = ["", "</sst><!-- after -->", "</sst>x", "</sst><si><t>a</t></si>", "</sst></sst>"]


@st.composite
def string_tables(draw):
    """(shared-string table XML, whether it is in the usual form)."""
    usual = True
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        value = draw(st.sampled_from(_VALUES))
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        entries.append(f"<si><t{space}/></si>" if not value and draw(st.booleans())
                       else f"<si><t{space}>{value}</t></si>")
        if draw(st.integers(0, 14)) == 0:
            usual = False
            entries.append(draw(st.sampled_from(_ODD_ENTRIES)))
    head, tail = _SST, draw(st.sampled_from(["</sst>", "</sst>\n"]))
    if draw(st.integers(0, 9)) == 0:
        usual = False
        head = draw(st.sampled_from(_ODD_HEADS))
    if draw(st.integers(0, 9)) == 0:
        usual = False
        tail = draw(st.sampled_from(_ODD_TAILS))
    if not entries:
        usual = False   # (no entry: nothing the fast path would read)
    return (head + "".join(entries) + tail).encode(), usual


def _handler_answer(xml: bytes, wanted: set[int]):
    handler = StringsHandler(wanted)
    return parsed_or_refusal(parse, xml, handler) or handler.strings


@settings(max_examples=400, deadline=None)
@given(string_tables(), st.sets(st.integers(-1, 10), min_size=1),
       st.lists(st.integers(0, 40_000), max_size=4))
def test_the_strings_scanner_reads_what_the_handler_reads_or_gives_way(table, wanted, cuts):
    xml, usual = table
    expected = _handler_answer(xml, wanted)
    got = scan_strings(pieces(xml, cuts), wanted)
    if got is None:
        assert not usual, "the usual form must take the fast path"
        return
    assert not isinstance(expected, str), f"the handler refuses this table ({expected})"
    assert got == expected and list(got) == list(expected)


def test_a_table_larger_than_the_limit_is_left_to_the_handler(monkeypatch):
    xml = (_SST + "<si><t>a</t></si>" * 10 + "</sst>").encode()
    assert scan_strings(iter([xml]), {0}) == {0: "a"}
    monkeypatch.setattr(sheet_scan, "STRINGS_LIMIT", len(xml) - 1)
    assert scan_strings(iter([xml]), {0}) is None


@pytest.mark.parametrize("xml", [(_SST + "<si><t>a</t></si>" + odd + "</sst>").encode()
                                 for odd in _ODD_ENTRIES]
                         + [(head + "<si><t>a</t></si></sst>").encode() for head in _ODD_HEADS]
                         + [(_SST + "<si><t>a</t></si>" + tail).encode() for tail in _ODD_TAILS])
def test_each_odd_form_of_the_table_is_left_to_the_handler(xml):
    assert scan_strings(iter([xml]), {0, 1}) is None
    usual = (_SST + "<si><t>a</t></si><si><t xml:space=\"preserve\"> b\r\n</t></si></sst>").encode()
    assert scan_strings(iter([usual]), {0, 1}) == {0: "a", 1: " b\n"} == _handler_answer(usual, {0, 1})
