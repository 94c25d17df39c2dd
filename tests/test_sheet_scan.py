"""The worksheet scanner (``read/sheet_scan.py``) answers as the expat handler does, or
not at all: on any sheet, split into pieces anywhere, its cells are the handler's; on
a sheet the handler refuses (bad XML, a DTD) it gives way; on the usual form (what
Excel and the template builder write) it does answer — else it would be no fast path.
"""

from __future__ import annotations

import zipfile

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from support import parsed_or_refusal, pieces
from workbook_factory import rewrite

from xlpkg.errors import InputError
from xlpkg.read import saved_source
from xlpkg.read.cells import Rect, Wanted
from xlpkg.read.saved_source import SavedSource
from xlpkg.read.sheet_scan import scan_sheet
from xlpkg.read.sheet_xml import SheetHandler
from xlpkg.read.zip_safety import parse as hardened_parse

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<dimension ref="A1:C9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetData>')
TAIL = ('</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
        '<dataValidations count="1"><dataValidation type="decimal" prompt="一行&#10;二行" '
        'sqref="B2"/></dataValidations></worksheet>')


def handler_answer(xml: bytes, wanted: Wanted, room: int | None):
    """The handler's cells and shared positions, or the kind of its refusal."""
    handler = SheetHandler(wanted, room)
    return parsed_or_refusal(hardened_parse, xml, handler) or (handler.cells, handler.shared)


# ---------------------------------------------------------------- generated sheets

VALUES = ["1", "2.5", "-0", "1E3", " 7 ", "", "abc", "#REF!", "TRUE", "0", "12",
          "甲&amp;乙", "&lt;5&gt;", "a\r\nb", "x_x000D_y", "  ", "3", "1.0"]
KINDS = [None, None, "s", "str", "b", "e", "inlineStr", "d", "n"]
FORMULAS = [None, None, "<f>SUM(A1:A3)&gt;0</f>", '<f t="shared" si="0"/>',
            '<f t="shared" ref="C1:C9" si="0">B1*2</f>', "<f></f>", "<f/>"]
# each a way out of the usual form; the handler reads (or refuses) every one of them
ODD_CELLS = ['<c r="B{r}"><!-- x --><v>1</v></c>', '<c r="B{r}"><v><![CDATA[5]]></v></c>',
             '<c r="B{r}"><v>&#53;</v></c>', '<c s="1" r="B{r}"><v>2</v></c>',
             "<c r='B{r}'><v>2</v></c>", '<c r="B{r}"> <v>2</v> </c>', '<x:c r="B{r}"><v>4</v></x:c>',
             '<c r="B{r}"><v>1</v>stray</c>', '<c r="B{r}" t="s" t="n"><v>1</v></c>',
             '<c r="B{r}"><v>a]]>b</v></c>', '<c r="B{r}"><v>\x01</v></c>', '<c r="B{r}"><v>&bogus;</v></c>',
             '<c r="B{r}" t="inlineStr"><is><r><t>富</t></r></is></c>', '<c><v>9</v></c>',
             '<c r="B{n}"><v>9</v></c>', '<c r="XFE{r}"><v>9</v></c>', '<c r="B{r}"><v>1</v>',
             '<c r="B{r}"><f t="x" t="y">1</f><v>1</v></c>', '<c r="B{r}"><v>\ufffe</v></c>']
ODD_ROWS = ['<row r="{r}" spans="1:3" spans="1:3">', "<row>", '<row r="{r}" r="{r}">',
            '<row spans="1:3" r="{r}">', '<row r="0">']
ODD_HEADS = ['<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData>',
             '<!DOCTYPE worksheet [<!ENTITY e "x">]><worksheet><sheetData>',
             '<worksheet><sheetPr><row r="2"><c r="A2"><v>7</v></c></row></sheetPr><sheetData>',
             '<worksheet><!-- <sheetData> --><sheetData>', '<x:worksheet xmlns:x="u"><x:sheetData>',
             '<worksheet><x:sheetData/><sheetData>']


@st.composite
def cell(draw, row_digits: str):
    letters = draw(st.sampled_from(["A", "B", "C", "D", "AA", "XFD"]))
    kind = draw(st.sampled_from(KINDS))
    formula = draw(st.sampled_from(FORMULAS))
    style = draw(st.sampled_from(["", ' s="3"']))
    attrs = f'r="{letters}{row_digits}"{style}' + (f' t="{kind}"' if kind else "")
    body = formula or ""
    value = draw(st.sampled_from([None, *VALUES]))
    if value is not None:
        body += draw(st.sampled_from([f"<v>{value}</v>", "<v/>"]))
    if kind == "inlineStr" and draw(st.booleans()):
        body += f'<is><t xml:space="preserve">{draw(st.sampled_from(VALUES))}</t></is>'
    return f"<c {attrs}/>" if not body and draw(st.booleans()) else f"<c {attrs}>{body}</c>"


@st.composite
def sheets(draw):
    """(sheet XML, whether it is in the usual form)."""
    usual = True
    rows, number = [], 0
    for _ in range(draw(st.integers(0, 8))):
        number += draw(st.integers(1, 3))
        digits = draw(st.sampled_from([str(number), str(number), f"0{number}"]))
        attrs = draw(st.sampled_from(["", ' spans="1:3"', ' spans="1:3" ht="20" customHeight="1"',
                                      ' x14ac:dyDescent="0.25"']))
        cells = [draw(cell(str(number) if draw(st.booleans()) else digits))
                 for _ in range(draw(st.integers(0, 4)))]
        if draw(st.integers(0, 9)) == 0:
            usual = False
            cells.insert(draw(st.integers(0, len(cells))), draw(st.sampled_from(ODD_CELLS)).format(
                r=number, n=number + 1))
        if draw(st.integers(0, 19)) == 0:
            usual = False
            row = draw(st.sampled_from(ODD_ROWS)).format(r=number)
        else:
            row = f'<row r="{digits}"{attrs}>'
        if not cells and draw(st.booleans()):
            rows.append(row[:-1] + "/>")
        else:
            rows.append(row + "".join(cells) + "</row>")
    head = HEAD
    if draw(st.integers(0, 14)) == 0:
        usual = False
        head = draw(st.sampled_from(ODD_HEADS))
    glue = draw(st.sampled_from(["", "", "\n  "]))
    xml = (head + glue + glue.join(rows) + glue + TAIL).encode()
    if draw(st.integers(0, 24)) == 0:
        usual = False
        xml = draw(st.sampled_from([xml[:len(xml) * 2 // 3], xml.replace("二".encode(), b"\xe4\xba"),
                                    xml.replace(b"<sheetData>", b"<sheetData/>")]))
    return xml, usual


WANTED = [[Rect(1, 1, 9, 3)], [Rect(2, 2, 4, 2), Rect(5, 1, 5, 1)], [Rect(1, 1, 3, 27)],
          [Rect(3, 1, 9, 16384)], [Rect(4, 2, 4, 2)]]


@settings(max_examples=400, deadline=None)
@given(sheets(), st.sampled_from(WANTED), st.sampled_from([None, 0, 2, 50]),
       st.lists(st.integers(0, 10_000), max_size=6))
def test_the_scanner_reads_what_the_handler_reads_or_gives_way(sheet, rects, room, cuts):
    xml, usual = sheet
    wanted = Wanted(rects)
    expected = handler_answer(xml, wanted, room)
    got = scan_sheet(pieces(xml, cuts), wanted, room)
    if got is None:
        assert not usual, "the usual form must take the fast path"
        return
    assert not isinstance(expected, str), f"the handler refuses this sheet ({expected})"
    assert got == expected


def test_a_sheet_cut_anywhere_reads_as_the_whole():
    """Blocks end after a ``</row>`` or at ``</sheetData>``, wherever the pieces are cut:
    through a marker, just before or after one, or into pieces shorter than a marker."""
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/>'
                '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3"><f>A3</f><v>2</v></c></row>')
    wanted = Wanted([Rect(1, 1, 3, 3)])
    whole = scan_sheet(iter([xml]), wanted)
    assert whole == ({(1, 1): 1, (3, 1): 0, (3, 2): 2}, [(3, 1)])
    for at in range(len(xml) + 1):
        assert scan_sheet(pieces(xml, [at]), wanted) == whole, at
    for size in range(1, 15):
        assert scan_sheet(pieces(xml, list(range(size, len(xml), size))), wanted) == whole, size


@pytest.mark.parametrize("byte", range(0x20))
def test_a_control_character_is_read_as_expat_reads_it_or_left_to_it(byte):
    """Tab, newline and return are text; expat refuses every other control character,
    and the scanner gives way on it."""
    xml = sheet(f'<row r="1"><c r="A1" t="str"><v>a{chr(byte)}b</v></c></row>')
    wanted = Wanted([Rect(1, 1, 1, 1)])
    expected = handler_answer(xml, wanted, None)
    got = scan_sheet(iter([xml]), wanted)
    assert (got is None) if isinstance(expected, str) else (got == expected)
    assert isinstance(expected, str) == (byte not in (0x09, 0x0A, 0x0D))


# ---------------------------------------------------------------- chosen forms

def sheet(rows: str, head: str = HEAD, tail: str = TAIL) -> bytes:
    return (head + rows + tail).encode()


def _around(odd_cell: str = '<c r="B2"><v>2</v></c>', odd_row: str = '<row r="2">',
            head: str = HEAD) -> bytes:
    return sheet('<row r="1"><c r="A1"><v>1</v></c></row>' + odd_row + odd_cell
                 + '</row><row r="3"><c r="A3"><v>3</v></c></row>', head=head)


@pytest.mark.parametrize("xml", [_around(odd_cell=c.format(r=2, n=3)) for c in ODD_CELLS]
                         + [_around(odd_row=r.format(r=2)) for r in ODD_ROWS]
                         + [_around(head=h) for h in ODD_HEADS])
def test_each_odd_form_is_left_to_the_handler(xml):
    wanted = Wanted([Rect(1, 1, 3, 3)])
    assert handler_answer(xml, wanted, None) is not None
    assert scan_sheet(iter([xml]), wanted) is None
    assert scan_sheet(iter([_around()]), wanted) == ({(1, 1): 1, (2, 2): 2, (3, 1): 3}, [])


_IN_HEAD = '<row r="1"><c r="A1"><v>5</v></c></row></sheetData>'
_ROW7 = '<row r="1"><c r="A1"><v>7</v></c></row></sheetData></worksheet>'


@pytest.mark.parametrize("xml", [
    # a <sheetData> inside a comment, a PI or CDATA of the element opened before it
    f"<worksheet><sheetData ><!--<sheetData>{_IN_HEAD}-->{_ROW7}".encode(),
    f"<worksheet><sheetData ><!--<sheetData>{_IN_HEAD}".encode(),
    f"<worksheet><sheetData ><?p <sheetData>{_IN_HEAD}?>{_ROW7}".encode(),
    f"<worksheet><sheetData ><![CDATA[<sheetData>{_IN_HEAD}]]>{_ROW7}".encode(),
    # UTF-16 whose bytes spell the rows in ASCII
    b"\xff\xfe" + "<worksheet><sheetData>".encode("utf-16-le") + ("<sheetData>" + _IN_HEAD).encode()
    + "</sheetData></worksheet>".encode("utf-16-le"),
    # repeated attributes behind a value with a space; names expat does not take
    sheet('<row r="1" a="x y" a="z"><c r="A1"><v>5</v></c></row>'),
    sheet('<row r="1" a=" " r="2"><c r="A1"><v>5</v></c></row>'),
    sheet('<row r="1"><c r="A1"><f t=" " t="z"/><v>5</v></c></row>'),
    sheet('<row r="1" a\u00b2="1"><c r="A1"><v>5</v></c></row>'),
    sheet('<row r="1"><c r="A1"><f a\U00020000="1"/><v>5</v></c></row>'),
    b'<?xml version="1.0" encoding="x"?><worksheet><sheetData></sheetData></worksheet>',
    sheet('<row r="1"><c r="A1"><v>1</v></c></row><!-- note -->'),
    sheet('<row r="1"><c r="A1"><v>&#49;</v></c></row>'),
    sheet('<row r="1"><c r="A1" s="1" t="s" cm="1" vm="1"><v>0</v></c></row>'
          '<row r="2"><c t="n" r="A2"><v>1</v></c></row>'),
    sheet('<row r="1"><c r="A1"><v>1</v></c></row>', head=HEAD.replace('"UTF-8"', '"windows-1252"')),
    sheet('<row r="1"><c r="A1"><v>1</v></c></row>', tail="</worksheet>"),   # bad XML
])
def test_each_way_out_of_the_usual_form_is_left_to_the_handler(xml):
    assert scan_sheet(iter([xml]), Wanted([Rect(1, 1, 5, 5)])) is None


def test_the_rows_after_the_last_wanted_one_and_the_tail_are_not_its_business():
    """It stops where the handler stops: what comes after (rows in pieces not yet read,
    whatever follows ``</sheetData>``) does not make it give way, even where the
    handler would not read it either (a comment, a character reference)."""
    first = sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c>'
                  '</row><row r="3"><c r="A3"><v>3</v></c></row>', tail="")
    later = '<row r="9"><!-- odd --><c r="A9"><v>&#57;</v></c></row>' + TAIL
    got = scan_sheet(iter([first, later.encode()]), Wanted([Rect(1, 1, 2, 1)]))
    assert got == ({(1, 1): 1, (2, 1): 2}, [])
    whole = sheet('<row r="1"><c r="A1" t="s"><v>4</v></c></row>', tail="</sheetData><x>&#10;")
    assert scan_sheet(iter([whole]), Wanted([Rect(1, 1, 2, 1)])) == ({(1, 1): 4}, [(1, 1)])


def test_the_usual_form_is_read_by_the_scanner_in_a_workbook(tmp_path, monkeypatch):
    """A workbook as XlsxWriter writes it (what the template builder uses) is read
    without the handler; the same sheet with a comment in it, by the handler, alike."""
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("数据")
    for r in range(300):
        ws.write_row(r, 0, [f"任务{r}", r * 1.5, "", None, "=A1&\"<>\"", True])
        ws.write_formula(r, 6, f"=B{r + 1}*2", None, r * 3)
    book.close()
    want = {"数据": [Rect(1, 1, 300, 7)]}
    odd = rewrite(path, tmp_path / "odd.xlsx", "xl/worksheets/sheet1.xml",
                  lambda data: data.replace(b"<sheetData>", b"<sheetData><!-- odd -->"))
    with SavedSource(odd) as source:
        by_handler = source.fetch(want)

    def refuse(*args, **kwargs):
        raise AssertionError("the handler was used")

    monkeypatch.setattr(saved_source, "SheetHandler", refuse)
    with SavedSource(path) as source:
        by_scanner = source.fetch(want)
    assert by_scanner == by_handler
    assert by_scanner["数据"][(300, 1)] == "任务299" and by_scanner["数据"][(300, 7)] == 897
    assert by_scanner["数据"][(2, 6)] is True and (2, 3) not in by_scanner["数据"]


def test_a_damaged_part_is_refused_as_damaged_when_the_scanner_reads_it(tmp_path):
    """The rest of a part is still inflated after the scanner stops (the CRC is checked)."""
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("数据")
    for r in range(2000):
        ws.write_row(r, 0, [r, r * 2, f"第{r}行"])
    book.close()
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    # a byte near the end of the sheet's compressed data: after the first wanted rows
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size - 40
    data[at] ^= 0xFF
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match="已损坏|无法读取"), SavedSource(bad) as source:
        source.fetch({"数据": [Rect(1, 1, 3, 3)]})
