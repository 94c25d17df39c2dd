"""The reader's and the checks' per-row shortcuts (issue 17) give what their plain
definitions give: a sheet's cells as a handler asking the rectangles about every cell
reads them, Vals as the record makes them, table rows as the ValueReader reads them
column by column (the value index is held to its walk in tests/test_check_fast_paths.py).
"""

from __future__ import annotations

import math
import pickle
import re
import string
import zipfile
from decimal import Decimal
from xml.parsers import expat

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from workbook_factory import rewrite

from xlpkg.core import model, money, schema
from xlpkg.core.model import EconRow, KeyTask, ProjectIndicator, SelfScore
from xlpkg.core.record import record
from xlpkg.core.values import Val, ValueReader, make_val
from xlpkg.errors import InputError
from xlpkg.read import limits
from xlpkg.read.cells import (
    MAX_COL,
    NO_RESULT,
    CappedText,
    CellError,
    Rect,
    TableRef,
    Wanted,
    a1,
    cell_label,
    column_label,
    split_a1,
)
from xlpkg.read.saved_source import SavedSource
from xlpkg.read.sheet_xml import Done, SharedIndex, SheetHandler, cell_value
from xlpkg.read.workbook_read import _Assembler
from xlpkg.read.zip_safety import parse as hardened_parse

# ---------------------------------------------------------------- a sheet's cells


class PlainHandler:
    """The sheet handler as it was before the shortcuts: every cell asks ``Wanted``."""

    def __init__(self, wanted: Wanted, room: int | None):
        self.wanted, self.room = wanted, room
        self.cells: dict = {}
        self.row = self.col = 0
        self.row_wanted = False
        self.pos = None
        self.kind, self.formula, self.value = "n", False, None

    def start(self, name, attrs):
        if name == "row":
            r = attrs.get("r")
            self.row = int(r) if r else self.row + 1
            self.col = 0
            if self.row > self.wanted.bottom:
                raise Done
            self.row_wanted = self.wanted.top <= self.row
        elif name == "c":
            self.col += 1
            if not self.row_wanted:
                return
            if attrs.get("r"):
                self.row, self.col = split_a1(attrs["r"])
            if self.wanted(self.row, self.col):
                self.pos = (self.row, self.col)
                self.kind, self.formula, self.value = attrs.get("t", "n"), False, None
        elif self.pos is not None and name == "v":
            self.value = []
        elif self.pos is not None and name == "f":
            self.formula = True

    def end(self, name):
        if name == "c" and self.pos is not None:
            value = cell_value(self.kind, None if self.value is None else "".join(self.value),
                               self.formula, None)
            if value is not None:
                self.cells[self.pos] = value
                if self.room is not None and len(self.cells) > self.room:
                    raise Done
            self.pos = None
        elif name == "sheetData":
            raise Done

    def data(self, text):
        if self.pos is not None and self.value is not None:
            self.value.append(text)


def parse(xml: bytes, handler) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    try:
        parser.Parse(xml, True)
    except Done:
        pass


LETTERS = ["A", "B", "C", "Z", "AA", "b", "$C", "ZZZ"]


@st.composite
def sheets(draw):
    """Sheet XML with the odd forms a file may take: rows without numbers, cells
    without an address or naming another row, lowercase and ``$`` addresses."""
    rows, number = [], 0
    for _ in range(draw(st.integers(0, 6))):
        number += draw(st.integers(1, 3))
        numbered = draw(st.booleans()) or number == 1
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            ref = draw(st.sampled_from(["", "same", "same", "same", "other"]))
            letters = draw(st.sampled_from(LETTERS))
            at = number if ref == "same" else draw(st.integers(1, 12))
            attr = f' r="{letters}{at}"' if ref else ""
            kind = draw(st.sampled_from(["", ' t="s"', ' t="str"', ' t="b"', ' t="e"']))
            formula = draw(st.sampled_from(["", "<f>A1</f>", "<f/>"]))
            value = draw(st.sampled_from(["", "<v>7</v>", "<v>2.5</v>", "<v>x</v>", "<v/>",
                                          "<v>1</v>"]))
            body = formula + value
            cells.append(f"<c{attr}{kind}>{body}</c>" if body else f"<c{attr} s=\"1\"/>")
        r = f' r="{number}"' if numbered else ""
        rows.append(f"<row{r}>{''.join(cells)}</row>")
    return f"<worksheet><sheetData>{''.join(rows)}</sheetData></worksheet>".encode()


rects = st.builds(lambda top, left, h, w: Rect(top, left, top + h, left + w),
                  st.integers(1, 12), st.integers(1, 30), st.integers(0, 4),
                  st.sampled_from([0, 0, 1, 3, 2000]))


BODIES = ["<v>7</v>", "<v>a &amp; b</v>", "<f>IF(A1&lt;2,\"x\",\"y\")</f><v>x</v>",
          "<is><t>内联</t></is>", "<is><r><t>富</t></r><r><t>文本</t></r></is>",
          "<is><t>字</t><rPh><t>zi</t></rPh></is>", "<f>A1</f>", "<v></v>", "<v/>",
          "<is><t>a<v>1</v>b</t></is>", "<v>1<t>2</t>3</v>",
          "<f>A<v>5</v>B</f>", "<v>1<f>x</f>2</v>", "<is><t>a<f>x</f>b</t></is>",
          "<f>A1<is><t>t</t></is></f>"]


@st.composite
def rich_sheets(draw):
    """Sheet XML whose cells hold inline, rich and phonetic text, formulas with text."""
    rows = []
    for number in range(1, draw(st.integers(1, 5)) + 1):
        cells = "".join(f'<c r="{letters}{number}"{kind}>{body}</c>'
                        for letters, kind, body in draw(st.lists(st.tuples(
                            st.sampled_from(["A", "B", "C", "D"]),
                            st.sampled_from(["", ' t="inlineStr"', ' t="str"', ' t="s"']),
                            st.sampled_from(BODIES)), max_size=5)))
        rows.append(f'<row r="{number}">{cells}</row>')
    return f"<worksheet><sheetData>{''.join(rows)}</sheetData></worksheet>".encode()


@settings(max_examples=300, deadline=None)
@given(rich_sheets(), st.lists(st.builds(lambda top, left, h, w: Rect(top, left, top + h, left + w),
                                         st.integers(1, 3), st.integers(1, 4),
                                         st.integers(0, 4), st.integers(0, 3)),
                               min_size=1, max_size=3))
def test_formula_text_left_out_changes_no_value(xml, wanted):
    """Bound to its parser, the handler switches text off inside a formula; it reads
    what it reads with text always on, odd nestings included."""
    always = SheetHandler(Wanted(wanted))
    parse(xml, always)
    bound = SheetHandler(Wanted(wanted))
    try:
        hardened_parse(xml, bound)
    except Done:
        pass
    assert bound.cells == always.cells and bound.shared == always.shared


@settings(max_examples=400, deadline=None)
@given(sheets(), st.lists(rects, min_size=1, max_size=4), st.sampled_from([None, 0, 2, 100]))
def test_sheet_cells_are_what_asking_every_cell_reads(xml, wanted, room):
    expected = PlainHandler(Wanted(wanted), room)
    try:
        parse(xml, expected)
    except ValueError:   # an address outside the sheet: both refuse the file
        with pytest.raises(ValueError):
            parse(xml, SheetHandler(Wanted(wanted), room))
        return
    got = SheetHandler(Wanted(wanted), room)
    parse(xml, got)
    assert got.cells == expected.cells
    assert [type(v) for v in got.cells.values()] == [type(v) for v in expected.cells.values()]
    # every cell holding a SharedIndex is listed; a cell written twice may be listed
    # twice, or still listed after a second value replaced its index (fetch skips both)
    held = {k for k, v in got.cells.items() if type(v) is SharedIndex}
    assert held <= set(got.shared) <= set(got.cells)
    # as the reader parses: bound to its parser, no text taken inside formulas
    bound = SheetHandler(Wanted(wanted), room)
    try:
        hardened_parse(xml, bound)
    except Done:
        pass
    assert (bound.cells, bound.shared) == (got.cells, got.shared)
    assert [type(v) for v in bound.cells.values()] == [type(v) for v in got.cells.values()]


@settings(max_examples=300, deadline=None)
@given(st.lists(rects, min_size=1, max_size=5), st.integers(1, 20))
def test_a_rows_wanted_columns_are_the_rectangles(wanted, row):
    w = Wanted(wanted)
    cols, spans = w.columns(row)
    for col in [*range(1, 40), 1990, 2030, MAX_COL]:
        assert (col in cols or any(a <= col <= b for a, b in spans)) == w(row, col)


def test_out_of_sheet_columns_are_refused_every_time():
    assert split_a1("XFD1") == (1, MAX_COL)
    for _ in range(2):   # the second time too (only in-sheet columns are remembered)
        with pytest.raises(ValueError):
            split_a1("XFE1")
        with pytest.raises(ValueError):
            split_a1("ZZZ7")


@given(st.integers(1, 1_048_576), st.integers(1, MAX_COL), st.text(string.ascii_letters, max_size=5))
def test_column_label_starts_every_cell_label(row, col, sheet):
    assert column_label(sheet, col) + str(row) == cell_label(sheet, row, col)
    assert cell_label(sheet, row, col) == f"{sheet}!{a1(row, col)}"


# ---------------------------------------------------------------- shared strings


@pytest.mark.parametrize(("cells", "expected"), [
    ('<c r="A1" t="s"><v>0</v></c><c r="A1"><v>5</v></c>', 5),     # written over
    ('<c r="A1"><v>5</v></c><c r="A1" t="s"><v>0</v></c>', "甲"),
    ('<c r="A1" t="s"><v>0</v></c><c r="A1" t="s"><v>1</v></c>', "乙"),
    ('<c r="A1" t="s"><v>1</v></c><c r="A1" t="s"><v>9</v></c>', None),   # no such string
])
def test_a_cell_written_twice_holds_its_last_value(tmp_path, cells, expected):
    src = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("S")
    ws.write_string("A1", "甲")
    ws.write_string("A2", "乙")
    wb.close()

    def edit(xml: bytes) -> bytes:
        start, end = xml.index(b"<sheetData>"), xml.index(b"</sheetData>")
        return xml[:start] + f"<sheetData><row r=\"1\">{cells}</row>".encode() + xml[end:]

    path = rewrite(src, tmp_path / "b.xlsx", "xl/worksheets/sheet1.xml", edit)
    with SavedSource(path) as source:
        got = source.fetch({"S": [Rect(1, 1, 1, 1)]})["S"]
    assert got == ({} if expected is None else {(1, 1): expected})


# ---------------------------------------------------------------- values


def test_make_val_is_the_records_val():
    for args in ((Decimal("1.5"), "f", "S!A1"), (None, "g", None), ("甲", "h", "S!B2")):
        made, plain = make_val(*args), Val(*args)
        assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain)
        assert list(vars(made).items()) == list(vars(plain).items())
        assert pickle.dumps(made) == pickle.dumps(plain)


raws = st.sampled_from([None, "", "  ", "甲", " 12 ", "1,200", "≥", "<=", "=", "—", "#REF!",
                        "显著提升", 0, 3, 2.5, 2023.0, True, Decimal("7.25"), "2024-03-15",
                        "abc", 1e20])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([t for t in schema.TABLES if t is not schema.TEXT_TABLE]),
       st.dictionaries(st.sampled_from(
           [c.key for t in schema.TABLES for c in t.columns]), raws), st.sampled_from([1, 7, "301"]))
def test_a_table_row_is_read_column_by_column(tbl, raw, row):
    cells = {schema.row_field(tbl, row, c.key): f"S!{a1(3, i + 1)}"
             for i, c in enumerate(tbl.columns) if i % 2 == 0}
    fast, plain = ValueReader(cells), ValueReader(cells)
    got = fast.item(tbl, raw, row)
    expected = {c.key: plain.read(c.kind, raw.get(c.key), schema.row_field(tbl, row, c.key))
                for c in tbl.columns if c.kind != schema.LINK}
    assert got == expected and list(got) == list(expected)
    assert fast.findings == plain.findings


#: The records from_mapping fills straight from a table row (ValueReader.row).
ROW_RECORDS = [(EconRow, schema.ECON), (KeyTask, schema.TASKS), (SelfScore, schema.SCORES),
               (ProjectIndicator, schema.PROJECT_INDICATORS)]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ROW_RECORDS),
       st.dictionaries(st.sampled_from(
           [c.key for t in schema.TABLES for c in t.columns]), raws), st.sampled_from([1, 7, "301"]),
       st.booleans())
def test_a_record_row_is_the_record_made_from_its_item(pair, raw, row, by_row):
    """Vals put straight into the record are the record its constructor makes of the
    row's item; the cells of a whole row (the workbook reader's) name the cells that
    the cells of each field name."""
    cls, tbl = pair
    at = {c.key: f"表{tbl.label}!{a1(1, i + 1).rstrip('1')}"
          for i, c in enumerate(tbl.columns) if i % 3 != 1}
    prefix = schema.row_prefix(tbl, row)
    by_field = {prefix + key: label + "12" for key, label in at.items()}
    fast = ValueReader({}, {prefix: (at, "12")}) if by_row else ValueReader(by_field)
    plain = ValueReader(by_field)
    made, expected = fast.row(cls, tbl, raw, row), cls(**plain.item(tbl, raw, row))
    assert made == expected and repr(made) == repr(expected)
    assert list(vars(made).items()) == list(vars(expected).items())
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert fast.findings == plain.findings
    assert fast.item(tbl, raw, row) == plain.item(tbl, raw, row)


def test_a_record_that_is_not_its_tables_row_is_made_by_its_constructor():
    @record
    class Later:
        indicator: Val
        score: Val
        note: Val = None

    @record
    class Fewer:
        indicator: Val
        score: Val

    raw = {"indicator": "甲", "score": 3, "note": "乙"}
    r = ValueReader({})
    assert r.row(Later, schema.SCORES, raw, 1) == Later(**r.item(schema.SCORES, raw, 1))
    assert list(vars(r.row(Later, schema.SCORES, raw, 1))) == ["note", "indicator", "score"]
    with pytest.raises(TypeError, match="unexpected keyword argument 'note'"):
        r.row(Fewer, schema.SCORES, raw, 1)


@given(st.sampled_from(schema.TABLES), st.one_of(st.integers(0, 999), st.text(max_size=4)),
       st.text(max_size=8))
def test_row_prefix_starts_every_field_of_the_row(tbl, row, column):
    assert schema.row_prefix(tbl, row) + column == schema.row_field(tbl, row, column)


def test_the_sheet_handler_reads_a_workbook_part_as_a_whole(tmp_path):
    """The handler on a real part: the example's filled template, every sheet."""
    from support import filled_example

    path = filled_example(tmp_path)
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        for part in parts:
            xml = z.read(part)
            wanted = Wanted([Rect(1, 1, 400, 30), Rect(2, 2, 2, 2)])
            expected, got = PlainHandler(wanted, None), SheetHandler(wanted, None)
            parse(xml, expected)
            parse(xml, got)
            assert got.cells == expected.cells, part


# ---------------------------------------------------------------- numbers as typed


def plain_parse_number(raw):
    """parse_number for what is not text, as it was before the int shortcut."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise money.ParseError("应填数字，不能是逻辑值", raw)
    if isinstance(raw, Decimal):
        return money._bounded(raw, raw)
    if isinstance(raw, int):
        if raw in money._COM_ERRORS:
            raise money.ParseError(f"单元格为错误值 {money._COM_ERRORS[raw]}", raw)
        if abs(raw) >= 10**money._MAX_EXPONENT:
            raise money.ParseError("数值过大（不小于 10 的 15 次方），请检查", None)
        return Decimal(raw)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise money.ParseError("不是有效数字", raw)
        text = repr(raw)
        digits = len(re.sub(r"[^0-9]", "", text.split("e")[0].lstrip("-0.")))
        return money._bounded(Decimal(format(raw, ".15g") if digits > 15 else text), raw)
    raise AssertionError("text is not pinned here")


class Small(int):
    """An int of another type (as the sheet reader's SharedIndex is)."""


def outcome(parse, raw):
    try:
        value = parse(raw)
    except money.ParseError as exc:
        return "error", exc.reason, exc.raw
    return "value", value, type(value)


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(
        [10**15, 10**15 - 1, -10**15, -10**15 + 1, *money._COM_ERRORS]),
    st.integers(-10**16, 10**16).map(Small), st.floats(allow_nan=True),
    st.floats(min_value=-1e16, max_value=1e16), st.decimals(allow_nan=False)))
def test_numbers_not_typed_as_text_read_as_their_plain_definition(raw):
    assert outcome(money.parse_number, raw) == outcome(plain_parse_number, raw)
    assert outcome(money.parse_amount, raw) == outcome(plain_parse_number, raw)


# ---------------------------------------------------------------- a table's rows


def plain_text_chars(data) -> int:
    return sum(map(len, [v for cells in data.values() for v in cells.values()
                         if isinstance(v, str)]))


def test_the_characters_counted_are_every_texts():
    data = {"A": {(1, 1): "甲乙", (1, 2): 5, (2, 1): CellError("#N/A"), (3, 3): NO_RESULT,
                  (4, 1): CappedText("x" * 9, 20), (5, 5): 2.5, (6, 6): True}, "B": {}}
    refs = {"tbl_tasks": TableRef("tbl_tasks", "A", Rect(1, 1, 9, 9))}
    budget = plain_text_chars(data)
    assert budget == 2 + 4 + 9
    filled = limits.content_rows(refs, data)
    limits.check_limits("x", refs, data, filled)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "MAX_TEXT_CHARS", budget - 1)
        with pytest.raises(InputError, match="A!A4"):
            limits.check_limits("x", refs, data, filled)
        mp.setattr(limits, "MAX_TEXT_CHARS", budget)
        assert limits.check_limits("x", refs, data, filled) == []


def plain_rows(ref, cells, columns) -> list[int]:
    """The rows _table read before it shared content_rows: any with a cell in its columns."""
    body = ref.body
    wanted = set(columns.values())
    return sorted({r for (r, c) in cells if c in wanted and body.top <= r <= body.bottom})


TASK_HEADERS = tuple(c.header for c in schema.TASKS.columns)
cell_values = st.sampled_from([None, "", " ", "甲", 3, 2.5, "≥", NO_RESULT, CellError("#REF!")])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.tuples(st.integers(1, 9), st.integers(1, 12)), cell_values, max_size=40),
       st.integers(1, 3), st.integers(0, 2),
       st.sampled_from([TASK_HEADERS, TASK_HEADERS[::-1], ("说明", "x", *TASK_HEADERS),
                        TASK_HEADERS + ("甲", "乙", "丙")]))
def test_a_tables_rows_are_those_with_content_in_its_columns(cells, left, extra, headers):
    """Reading the rows with content anywhere in the body gives the items reading the
    rows with content in the table's columns gives, columns past the range included."""
    cells = {k: v for k, v in cells.items() if v is not None}
    ref = TableRef("tbl_tasks", "S", Rect(2, left, 8, left + len(headers) - 1 - extra),
                   columns=headers)
    got, plain = _Assembler(None, "x"), _Assembler(None, "x")
    got._table("tbl_tasks", ref, cells, limits.content_rows({"tbl_tasks": ref}, {"S": cells})["tbl_tasks"])
    columns = plain._columns(schema.TASKS, ref, cells)
    plain._table("tbl_tasks", ref, cells, plain_rows(ref, cells, columns))
    assert (got.mapping, got.rows, got.cells, got.findings) == \
        (plain.mapping, plain.rows, plain.cells, plain.findings)
    assert [list(item) for item in got.mapping["key_tasks"]] == \
        [list(item) for item in plain.mapping["key_tasks"]]


@given(st.lists(st.sampled_from([None, "", " ", 0, 0.0, False, "甲", Decimal(0), (), []])))
def test_a_row_is_filled_as_any_says(values):
    assert model._filled(values) == any(v not in (None, "") for v in values)
