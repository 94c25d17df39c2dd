"""The tables workbook is written without XlsxWriter: every part equals what XlsxWriter
3.3.1 wrote for the same calls (``xlsx.write_book`` drives either), apart from the
creation time; and the grids a report and its tables workbook share are built once."""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter
from departments import department, with_mistakes
from support import EXAMPLE, ROOT

from xlpkg.core.model import from_mapping
from xlpkg.core.scoring import score
from xlpkg.read.inputs import load_input
from xlpkg.read.rules_file import load_rules
from xlpkg.tables import rows, xlsx
from xlpkg.tables.book import Book
from xlpkg.tables.grid import Cell, Column, PrintTable, amount, count, head, pct, points, text
from xlpkg.tables.xmltext import quote_sheetname

WAGES = ROOT / "examples" / "project-wages-2023.yaml"
CORE = "docProps/core.xml"


def _through_xlsxwriter(tables) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    xlsx.write_book(wb, tables)
    wb.close()
    return buf.getvalue()


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def assert_same_as_xlsxwriter(tables) -> None:
    ours, theirs = _parts(xlsx.tables_bytes(tables)), _parts(_through_xlsxwriter(tables))
    assert [n for n, _ in ours] == [n for n, _ in theirs]
    for (name, a), (_, b) in zip(ours, theirs):
        if name != CORE:
            assert a.decode() == b.decode(), name


def _tables(ds):
    return rows.build_tables(ds, score(ds, load_rules()))


@pytest.mark.parametrize("source", ["example", "wages", "clean", "mistakes", "no-name"])
def test_the_submission_tables_are_xlsxwriters_bytes(source):
    if source == "example":
        ds = load_input(EXAMPLE)
    elif source == "wages":
        ds = load_input(WAGES)
    elif source == "clean":
        ds = from_mapping(department(3))
    elif source == "mistakes":
        ds = from_mapping(with_mistakes(7))
    else:
        data = department(5)
        data["department"] = {k: v for k, v in data["department"].items()
                              if k not in ("name", "year")}
        ds = from_mapping(data)
    assert_same_as_xlsxwriter(_tables(ds))


def _table(sheet: str, body, *, merges=(), columns=None, header=(0, 0), **kw) -> PrintTable:
    width = len(body[0])
    return PrintTable(sheet=sheet, title=kw.pop("title", "标题"),
                      columns=columns or tuple(Column(8 + 3 * c) for c in range(width)),
                      rows=tuple(tuple(r) for r in body), header_rows=header,
                      merges=tuple(merges), **kw)


@pytest.mark.filterwarnings("ignore:Can't merge single cell")   # a one-column title
def test_edge_cases_are_xlsxwriters_bytes_too():
    awkward = ["  前后空格  ", "a&b<c>\"d'", "多行\n文字", "ctrl\x01\x1fchar", "_x0041_ literal",
               "\u3000全角空格开头", "tab\tin", "x" * 40000, ""]
    numbers = [Decimal(0), Decimal("-1.5"), Decimal("1234567.891"), Decimal("0.000001"),
               Decimal("1E+20"), Decimal("0.9389999999999999")]
    body = [[head("项目"), head("数值"), head("比率")]]
    body += [[text(s), amount(n), pct(n, bold=True)] for s, n in zip(awkward, numbers * 2)]
    body += [[count(Decimal(3)), count(Decimal("2.5")), points(None, "待评分", bold=True)]]
    body += [[Cell("右", align="right"), Cell("中", align="center", head=True), Cell()]]
    tables = [
        _table("长表 & <甲>", body, merges=((1, 0, 3, 0), (4, 1, 4, 2)), subtitle="（副标题）",
               info_left="左", info_right="右", notes=("注：一", "注：二"), landscape=True,
               row_heights={2: 60.0}),
        _table("A1", [[text("一列")], [text("二")]], header=None, title=""),   # 1 column
        _table("R1C1", [[text("a"), text("b")]] * 3, notes=("只有两列",)),     # 2 columns
        _table("it's", [[text(str(i)), count(Decimal(i))] for i in range(200)],
               merges=((1, 0, 150, 0),)),                                    # page breaks
        _table("RC", [[text("x"), text("y"), text("z")]], columns=(Column(8.43), Column(0.5),
                                                                  Column(0))),
        _table("rc", [[text("同名")]], header=None),                          # renamed (2)
    ]
    assert_same_as_xlsxwriter(tables)


def test_the_formats_are_numbered_by_first_use_whatever_the_order():
    looks = [text("t"), head("h"), amount(Decimal(1)), pct(Decimal(1)), count(Decimal(1)),
             count(Decimal("1.5")), points(Decimal(2), "2"), points(None, "待评分", bold=True),
             Cell("c", align="center"), Cell("r", align="right", bold=True),
             amount(Decimal(1), align="center"), text("b", bold=True, head=True)]
    rng = random.Random(17)
    for _ in range(5):
        rng.shuffle(looks)
        assert_same_as_xlsxwriter([_table("格式", [looks[:6], looks[6:]], header=None)])


def test_text_that_looks_like_rich_text_stays_text():
    """XlsxWriter pastes a string shaped like ``<r>…</r>`` into sharedStrings.xml raw."""
    tables = [_table("s", [[text("<r><t>注入</t></r>")]], header=None)]
    (sst,) = [d for n, d in _parts(xlsx.tables_bytes(tables)) if n == "xl/sharedStrings.xml"]
    assert b"<t>&lt;r&gt;&lt;t&gt;\xe6\xb3\xa8\xe5\x85\xa5&lt;/t&gt;&lt;/r&gt;</t>" in sst


def test_the_theme_is_xlsxwriters():
    from xlsxwriter.theme import THEME_XML_2007

    parts = dict(_parts(xlsx.tables_bytes(_tables(load_input(WAGES)))))
    assert parts["xl/theme/theme1.xml"] == THEME_XML_2007.encode()


@pytest.mark.parametrize("name", ["基础数据表", "项目1-甲", "A1", "XFD1048576", "XFE1", "R5",
                                  "R0", "C3", "RC", "RC1", "R", "Sheet1", "1abc", ".x",
                                  "a b", "it's", "中文", "_ok"])
def test_sheet_names_are_quoted_as_xlsxwriter_quotes_them(name):
    from xlsxwriter.utility import quote_sheetname as theirs

    assert quote_sheetname(name) == theirs(name)


def test_merges_that_overlap_and_bad_sheet_names_are_refused():
    wb = Book()
    ws = wb.add_worksheet("s")
    fmt = wb.add_format({"border": 1})
    ws.merge_range(0, 0, 1, 1, "甲", fmt)
    with pytest.raises(ValueError, match="overlaps"):
        ws.merge_range(1, 1, 2, 2, "乙", fmt)
    assert ws.merge_range(3, 3, 3, 3, "一格", fmt) == -1 and ws.merges == [(0, 0, 1, 1)]
    for bad in ("a[1]", "x" * 32, "'q", "History", "S"):
        with pytest.raises(ValueError):
            wb.add_worksheet(bad)
    with pytest.raises(ValueError, match="not supported"):
        wb.add_format({"italic": True})


def test_the_report_and_the_tables_share_one_build_of_the_grids():
    ds = load_input(WAGES)
    sheet = score(ds, load_rules())
    first = rows.submission_tables(ds, sheet)
    again = rows.submission_tables(ds, sheet)
    assert again == first and again is not first            # a fresh list of the same grids
    assert all(a is b for a, b in zip(first, again))
    assert first == rows.build_tables(ds, sheet)
    other = score(ds, load_rules())                          # another scoresheet: built anew
    assert all(a is not b for a, b in zip(rows.submission_tables(ds, other), first))
