"""The shared-string table as the reader takes it (``sheet_xml.StringsHandler``): each
wanted entry's text runs joined, phonetic runs left out, ``_xHHHH_`` escapes undone, the
parse stopped after the last wanted entry — held to a plain reading of the whole tree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from xlpkg.read.cells import cap_text
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
