"""Faults and odd input on the reading side (issue 14): bounded work, symlinks,
corrupt compressed data, memory running out, data files of the wrong shape.

Each input is built here, small; limits are lowered with monkeypatch where a real
one would take a large file, so every case stays fast.
"""

from __future__ import annotations

import json
import random
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.parsers import expat

import pytest
import yaml
from support import EXAMPLE, run_cli
from workbook_factory import rewrite, write_book

from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct
from xlpkg.errors import InputError
from xlpkg.read import limits, saved_source, zip_safety
from xlpkg.read.cells import MAX_CELL_CHARS
from xlpkg.read.data_file import read_data_file, read_mapping
from xlpkg.read.workbook_read import read_workbook

BASE = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example_data() -> dict:
    return read_mapping(EXAMPLE)


def _task(i: int) -> dict:
    return {"name": f"任务{i}", "unit": "项", "comparator": ">=", "target": 1, "actual": 1}


# ---------------------------------------------------------------- item 5: bounded work


def test_cell_text_past_excel_limit_is_cut_with_a_finding_naming_the_cell(tmp_path, example_data):
    long = "很" * (MAX_CELL_CHARS + 1000)
    # XlsxWriter itself cuts strings at Excel's limit: put the long one in afterwards.
    book = write_book(tmp_path / "a.xlsx", example_data,
                      extra_rows={"tbl_text": [{"section": "部门职能", "content": "@@长@@"}]})
    book = rewrite(book, tmp_path / "长.xlsx", "xl/sharedStrings.xml",
                    lambda data: data.replace("@@长@@".encode(), long.encode()))
    ds = read_workbook(book)
    texts = [p.text for p in ds.narrative if len(p.text.value or "") >= MAX_CELL_CHARS]
    assert len(texts) == 1 and len(texts[0].value) == MAX_CELL_CHARS
    found = [f for f in ds.read_findings if f.code == "TEXT_TOO_LONG"]
    assert len(found) == 1
    assert found[0].cells == (texts[0].cell,) and "!" in texts[0].cell
    assert f"{len(long):,}" in found[0].message and texts[0].cell in found[0].message


def test_many_cells_sharing_one_huge_string_are_refused_naming_the_cell(tmp_path, example_data):
    # 300 cells pointing at one 3-million-character shared string: a 20 KB file.
    book = write_book(tmp_path / "a.xlsx", example_data,
                      extra_rows={"tbl_text": [{"section": "部门职能", "content": "@@大@@"}] * 300})
    book = rewrite(book, tmp_path / "放大.xlsx", "xl/sharedStrings.xml",
                    lambda data: data.replace("@@大@@".encode(), ("很" * 3_000_000).encode()))
    assert book.stat().st_size < 100_000
    code, out, err = run_cli("check", book, guard=60)
    assert code == 2 and out == ""
    assert "放大.xlsx" in err and "个字符" in err and "!C" in err
    assert "Traceback" not in err and "程序缺陷" not in err


def test_rows_past_the_budget_are_refused_naming_the_table(tmp_path, example_data, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 40)
    book = write_book(tmp_path / "多行.xlsx", example_data,
                      extra_rows={"tbl_tasks": [_task(i) for i in range(60)]})
    with pytest.raises(InputError) as exc:
        read_workbook(book)
    assert "tbl_tasks" in exc.value.message and "重点工作" in exc.value.message
    assert "多行.xlsx" in exc.value.message


def test_a_read_stops_once_the_cell_budget_is_spent(tmp_path, example_data, monkeypatch):
    monkeypatch.setattr(saved_source, "MAX_FETCH_CELLS", 500)
    book = write_book(tmp_path / "多格.xlsx", example_data,
                      extra_rows={"tbl_tasks": [_task(i) for i in range(400)]})
    with pytest.raises(InputError) as exc:
        read_workbook(book)
    assert "500" in exc.value.message and "明细!" in exc.value.message


def test_rows_within_the_budgets_still_read(tmp_path, example_data, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 400)
    book = write_book(tmp_path / "够.xlsx", example_data,
                      extra_rows={"tbl_tasks": [_task(i) for i in range(300)]})
    ds = read_workbook(book)
    assert len(ds.key_tasks) == 300 + len(example_data["key_tasks"])


# ---------------------------------------------------------------- item 16: header rows


def _set_table_attr(book: Path, out: Path, table: str, attr: str) -> Path:
    """Copy ``book`` with ``attr`` added to the <table> element of ``table``."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/tables/") and f'name="{table}"'.encode() in data:
                data = data.replace(b"<table ", f"<table {attr} ".encode(), 1)
            zout.writestr(info.filename, data)
    return out


@pytest.mark.parametrize("attr", ['headerRowCount="9"', 'headerRowCount="-2"'])
def test_a_table_whose_header_rows_exceed_its_range_is_a_finding(tmp_path, example_data, attr):
    book = write_book(tmp_path / "a.xlsx", example_data)
    bad = _set_table_attr(book, tmp_path / "b.xlsx", "tbl_tasks", attr)
    ds = read_workbook(bad)
    assert ds.key_tasks == ()
    found = [f for f in ds.read_findings if f.code == "TABLE_BAD_HEADER"]
    assert len(found) == 1 and "tbl_tasks" in found[0].message
    assert found[0].cells and found[0].cells[0].startswith("明细!")


# ---------------------------------------------------------------- item 12: corrupt deflate


def _corrupt_member(book: Path, out: Path, member: str) -> Path:
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        info = zf.getinfo(member)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    data[start + 20:start + 28] = b"\xff" * 8     # an invalid deflate block
    out.write_bytes(bytes(data))
    return out


def _first_sheet(book: Path) -> str:
    with zipfile.ZipFile(book) as zf:
        return next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


def test_vba_update_on_corrupt_compressed_data_is_a_clear_message(tmp_path):
    from xlpkg.workbook.build import build_template

    good = tmp_path / "t.xlsm"
    build_template(good)
    bad = _corrupt_member(good, tmp_path / "坏.xlsm", _first_sheet(good))
    before = bad.read_bytes()
    code, _, err = run_cli("vba-update", bad, guard=60)
    assert code == 2 and "坏.xlsm" in err and "损坏" in err
    assert "程序缺陷" not in err and "error" not in err
    assert bad.read_bytes() == before and not list(tmp_path.glob("坏.bak-*"))


def test_reading_corrupt_compressed_data_is_a_clear_message(tmp_path, example_data):
    book = write_book(tmp_path / "a.xlsx", example_data)
    bad = _corrupt_member(book, tmp_path / "坏.xlsx", "xl/sharedStrings.xml")
    code, _, err = run_cli("check", bad, guard=60)
    assert code == 2 and "坏.xlsx" in err and "损坏" in err and "程序缺陷" not in err


def _wrong_crcs(book: Path, out: Path, prefix: str, edit=None) -> Path:
    """Copy ``book`` with every member under ``prefix`` (edited by ``edit``) declaring a
    wrong CRC-32: zipfile finds it out only on inflating the member to its end."""
    if edit is not None:
        book = rewrite(book, out.with_name("edited-" + out.name), _first_sheet(book), edit)
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        names = {i.filename.encode(): i for i in zf.infolist() if i.filename.startswith(prefix)}
    at = data.find(b"PK\x01\x02")
    while at != -1:   # the central directory's records: name length at +28, name at +46
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) in names:
            data[at + 16:at + 20] = bytes(b ^ 0xFF for b in data[at + 16:at + 20])
        at = data.find(b"PK\x01\x02", at + 4)
    out.write_bytes(bytes(data))
    return out


def _inflating_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "xlpkg-inflate"]


def test_pieces_made_ahead_come_in_order_with_a_failure_in_its_place():
    def made():
        yield from (b"a", b"b", b"c")
        raise zip_safety.ForbiddenXml("the fourth")

    ahead = zip_safety._ahead(made(), depth=1)
    assert [next(ahead) for _ in range(3)] == [b"a", b"b", b"c"]
    with pytest.raises(zip_safety.ForbiddenXml, match="the fourth"):
        next(ahead)
    assert _inflating_threads() == []


def test_a_consumer_that_stops_early_stops_the_thread_and_closes_the_pieces():
    closed = []

    def made():
        try:
            for i in range(1000):
                yield bytes([i % 256])
        finally:
            closed.append(True)

    ahead = zip_safety._ahead(made(), depth=2)
    assert next(ahead) == b"\x00"
    ahead.close()
    assert closed == [True]
    assert _inflating_threads() == []


@pytest.mark.parametrize("ahead", [False, True])
def test_a_sheet_read_in_pieces_reads_as_it_reads_whole(tmp_path, example_data, monkeypatch,
                                                        ahead):
    """A sheet is inflated and parsed a piece at a time (on a thread, for a large part):
    pieces of 7 bytes, which cut tags, references and Chinese characters, read the very
    same dataset."""
    example_data["key_tasks"] = [_task(i) | {"name": f"重点工作“第{i}项”&lt;{i}&gt;"}
                                 for i in range(1, 40)]
    book = write_book(tmp_path / "a.xlsx", example_data)
    whole = read_workbook(book)
    monkeypatch.setattr(zip_safety, "PIECE_BYTES", 7)
    monkeypatch.setattr(zip_safety, "READ_AHEAD_BYTES", 1 if ahead else 1 << 40)
    assert read_workbook(book) == whole
    assert len(whole.key_tasks) == 39
    assert _inflating_threads() == []


def _rows_below(xml: bytes) -> bytes:
    """Far below every wanted cell: 3,000 rows of numbers that do not compress away."""
    rng = random.Random(5)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{rng.random()}</v></c></row>'
                   for r in range(5000, 8000))
    return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>", 1)


@pytest.mark.parametrize("ahead", [False, True])
def test_a_sheet_damaged_after_what_is_read_of_it_is_still_refused(tmp_path, example_data,
                                                                   monkeypatch, ahead):
    """Reading a sheet stops after its last wanted row, but the part is inflated to its
    end: a CRC that does not match is the damage it is when the sheet is read whole."""
    monkeypatch.setattr(zip_safety, "PIECE_BYTES", 4096)   # the parse stops pieces before the end
    monkeypatch.setattr(zip_safety, "READ_AHEAD_BYTES", 1 if ahead else 1 << 40)
    book = write_book(tmp_path / "a.xlsx", example_data)
    long = rewrite(book, tmp_path / "b.xlsx", _first_sheet(book), _rows_below)
    assert read_workbook(long).key_tasks == read_workbook(book).key_tasks   # read as it was
    bad = _wrong_crcs(long, tmp_path / "坏.xlsx", _first_sheet(book))   # that sheet only
    with pytest.raises(InputError, match="坏.xlsx.*已损坏，无法解压"):
        read_workbook(bad)


@pytest.mark.parametrize("ahead", [False, True])
def test_bad_xml_in_a_damaged_part_is_refused_as_damaged(tmp_path, example_data, monkeypatch,
                                                         ahead):
    monkeypatch.setattr(zip_safety, "PIECE_BYTES", 64)
    monkeypatch.setattr(zip_safety, "READ_AHEAD_BYTES", 1 if ahead else 1 << 40)
    book = write_book(tmp_path / "a.xlsx", example_data)
    bad = _wrong_crcs(book, tmp_path / "坏.xlsx", "xl/worksheets/sheet",
                      edit=lambda xml: xml.replace(b"<sheetData>", b"<sheetData><<", 1))
    with pytest.raises(InputError, match="已损坏，无法解压"):
        read_workbook(bad)
    only_bad_xml = rewrite(book, tmp_path / "b.xlsx", _first_sheet(book),
                           lambda xml: xml.replace(b"<sheetData>", b"<sheetData><<", 1))
    with pytest.raises(InputError, match="XML 格式错误"):
        read_workbook(only_bad_xml)


# ---------------------------------------------------------------- item 13: memory


def test_expat_out_of_memory_is_named_as_memory_not_as_bad_xml():
    exc = expat.ExpatError("out of memory")
    exc.code = expat.errors.codes[expat.errors.XML_ERROR_NO_MEMORY]
    assert "内存不足" in zip_safety.failure_reason(exc)
    assert "内存不足" in zip_safety.failure_reason(MemoryError())


def test_memory_running_out_while_reading_a_workbook_is_exit_2(tmp_path, example_data,
                                                              monkeypatch):
    book = write_book(tmp_path / "a.xlsx", example_data)

    def exhausted(self, part, *handler):
        raise MemoryError

    # (every way the reader inflates a sheet or the shared strings: parsed or scanned)
    monkeypatch.setattr(zip_safety.SafeZip, "parse", exhausted)
    monkeypatch.setattr(zip_safety.SafeZip, "stream", exhausted)
    code, _, err = run_cli("check", book, guard=60)
    assert code == 2 and "内存不足" in err and "a.xlsx" in err and "程序缺陷" not in err


# ---------------------------------------------------------------- item 6: symlinks


def test_vba_update_through_a_symlink_updates_the_workbook_and_keeps_the_link(tmp_path):
    from xlpkg.workbook.build import build_template

    real = tmp_path / "real" / "单位.xlsm"
    real.parent.mkdir()
    build_template(real)
    original = real.read_bytes()
    link = tmp_path / "link.xlsm"
    link.symlink_to(real)
    code, out, err = run_cli("vba-update", link, guard=60)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real.resolve()
    backups = list(real.parent.glob("单位.bak-*.xlsm"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert str(backups[0]) in out
    with zipfile.ZipFile(real) as zf:
        assert zf.testzip() is None


def test_vba_update_on_a_dangling_symlink_is_refused(tmp_path):
    link = tmp_path / "gone.xlsm"
    link.symlink_to(tmp_path / "nowhere.xlsm")
    code, _, err = run_cli("vba-update", link, guard=60)
    assert code == 2 and "gone.xlsm" in err and link.is_symlink()


# ---------------------------------------------------------------- item 11: data shapes


def _data_file(tmp_path: Path, text: str, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _with(**top) -> str:
    """The example with some top-level keys replaced (values as YAML text)."""
    data = yaml.safe_load(BASE)
    for key, value in top.items():
        data[key] = yaml.safe_load(value)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize(("top", "named", "shape"), [
    ({"department": "[1, 2]"}, "“department”", "键值对"),
    ({"expenditure": "很多"}, "“expenditure”", "键值对"),
    ({"fixed_assets": "{total: [314.12], in_use: null}"}, "“fixed_assets.total”", "单个值"),
    ({"income": "{total: [314.12]}"}, "“income.total”", "键值对"),
    ({"projects": "5"}, "“projects”", "列表"),
    ({"projects": "{a: {name: 项目}}"}, "“projects”", "列表"),
    ({"projects": "[项目A]"}, "“projects[1]”", "键: 值"),
    ({"department": "{name: [安化县, 总工会], year: 2023}"}, "“department.name”", "单个值"),
    ({"narrative": "{functions: [{a: 1}]}"}, "“narrative.functions[1]”", "一段文字"),
])
def test_a_data_file_of_the_wrong_shape_is_refused_naming_key_and_shape(tmp_path, top, named,
                                                                        shape):
    path = _data_file(tmp_path, _with(**top))
    with pytest.raises(InputError) as exc:
        read_data_file(path)
    assert "d.yaml" in exc.value.message
    assert named in exc.value.message and shape in exc.value.message
    assert "['" not in exc.value.message


def test_wrong_shapes_through_the_cli_are_exit_2_without_a_defect(tmp_path):
    path = _data_file(tmp_path, _with(expenditure="很多"))
    code, _, err = run_cli("report", path, "-o", tmp_path / "r.docx", guard=60)
    assert code == 2 and "expenditure" in err and "程序缺陷" not in err
    assert not (tmp_path / "r.docx").exists()


def test_a_section_written_as_one_text_is_one_paragraph(tmp_path):
    text = "本单位将自评结果在门户网站公开，并用于下一年度预算安排。"
    path = _data_file(tmp_path, _with(narrative=json.dumps({"results_use": text},
                                                           ensure_ascii=False)))
    ds = read_data_file(path)
    assert ds.paragraphs("results_use") == [text]


def test_duplicate_keys_are_refused_naming_the_key(tmp_path):
    path = _data_file(tmp_path, BASE.replace("  year: 2023", "  year: 2023\n  year: 2024", 1))
    with pytest.raises(InputError) as exc:
        read_data_file(path)
    assert "“year”" in exc.value.message and "重复" in exc.value.message
    assert "第 " in exc.value.message
    js = _data_file(tmp_path, '{"department": {"name": "甲", "name": "乙"}}', "d.json")
    with pytest.raises(InputError) as exc:
        read_data_file(js)
    assert "“name”" in exc.value.message and "重复" in exc.value.message


@pytest.mark.parametrize("year", ["2023.5", "-2023", "99999999999999", "1800"])
def test_a_year_outside_a_sane_range_is_a_finding_and_blank(tmp_path, year):
    path = _data_file(tmp_path, BASE.replace("  year: 2023", f"  year: {year}", 1))
    ds = read_data_file(path)
    assert ds.department.year.value is None
    found = [f for f in ds.read_findings if "dept_year" in f.fields]
    assert found and "1949" in found[0].message and year.lstrip("-")[:8] in found[0].message


def test_a_sane_year_reads_without_a_finding(tmp_path):
    ds = read_data_file(_data_file(tmp_path, BASE))
    assert ds.department.year.value == 2023
    assert not [f for f in ds.read_findings if "dept_year" in f.fields]


@pytest.mark.parametrize(("name", "text"), [
    ("d.yaml", BASE.replace("  year: 2023", "  year: " + "9" * 5000, 1)),
    ("d.json", '{"department": {"year": ' + "9" * 5000 + "}}"),
])
def test_a_5000_digit_integer_gets_a_clear_message(tmp_path, name, text):
    with pytest.raises(InputError) as exc:
        read_data_file(_data_file(tmp_path, text, name))
    assert "位数过多" in exc.value.message and "TOML" not in exc.value.message
    assert "Exceeds" not in exc.value.message


def test_minus_zero_shows_as_zero():
    assert fmt_amount(Decimal("-0")) == "0.00"
    assert fmt_amount(Decimal("-0.001")) == "0.00"
    assert fmt_pct(Decimal("-0.00001")) == "0.00%"
    assert fmt_number(Decimal("-0")) == "0" and fmt_number(Decimal("-0.0")) == "0"
    assert fmt_amount(Decimal("-1.5")) == "-1.50"


def test_a_data_file_is_held_to_the_same_bounds(tmp_path, monkeypatch):
    long = "很" * (MAX_CELL_CHARS + 1)
    path = _data_file(tmp_path, _with(narrative=json.dumps({"functions": [long]},
                                                           ensure_ascii=False)))
    with pytest.raises(InputError) as exc:
        read_data_file(path)
    assert "“narrative.functions[1]”" in exc.value.message and "32,767" in exc.value.message
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    tasks = json.dumps([_task(i) for i in range(11)], ensure_ascii=False)
    with pytest.raises(InputError) as exc:
        read_data_file(_data_file(tmp_path, _with(key_tasks=tasks)))
    assert "10" in exc.value.message and "d.yaml" in exc.value.message
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 100)
    with pytest.raises(InputError) as exc:
        read_data_file(_data_file(tmp_path, BASE))
    assert "个字符" in exc.value.message


def test_a_library_failing_to_load_for_lack_of_memory_is_memory(tmp_path, example_data,
                                                                  monkeypatch):
    import builtins
    import sys

    book = write_book(tmp_path / "a.xlsx", example_data)
    real_import = builtins.__import__

    def starved(name, *args, **kwargs):
        if name == "xlpkg.read.workbook_read":
            raise ImportError("/usr/lib/x.so: failed to map segment from shared object")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "xlpkg.read.workbook_read")
    monkeypatch.setattr(builtins, "__import__", starved)
    code, _, err = run_cli("check", book, guard=60)
    assert code == 2 and "内存不足" in err and "ImportError" not in err


# ---------------------------------------------------------------- a row left out keeps its number


def test_rows_after_an_unreadable_row_keep_their_own_cells(tmp_path, example_data):
    """A task row whose only content is an error value is left out (a finding names its
    cell), and the rows after it keep their own number and sheet row: a finding about
    the next task points at that task's cells, not at the row before."""
    import re

    first, second = example_data["key_tasks"][:2]
    example_data["key_tasks"] = [first, {"name": "待替换"}, second]
    book = write_book(tmp_path / "a.xlsx", example_data)
    good = read_workbook(book)
    name_cell = good.key_tasks[1].name.cell.split("!")[1]   # the middle row's 工作内容

    def error_there(xml: bytes) -> bytes:
        return re.sub(rf'<c r="{name_cell}"[^>]*?(/>|>.*?</c>)'.encode(),
                      f'<c r="{name_cell}" t="e"><v>#N/A</v></c>'.encode(), xml, count=1)

    sheet = next(n for n in zipfile.ZipFile(book).namelist()
                 if n.startswith("xl/worksheets/sheet")
                 and f'r="{name_cell}"'.encode() in zipfile.ZipFile(book).read(n))
    ds = read_workbook(rewrite(book, tmp_path / "b.xlsx", sheet, error_there))
    assert [t.name.value for t in ds.key_tasks] == [first["name"], second["name"]]
    last = ds.key_tasks[1]
    assert last.name.field == "tbl_tasks[3].name"
    assert last.name.cell == good.key_tasks[2].name.cell
    assert last.target.cell == good.key_tasks[2].target.cell
    assert [f.cells for f in ds.read_findings if f.code == "UNREADABLE_VALUE"] == \
        [(good.key_tasks[1].name.cell,)]


def test_a_data_file_row_left_empty_keeps_the_numbers_of_the_rows_after_it(tmp_path):
    from xlpkg.core.model import from_mapping

    ds = from_mapping({"key_tasks": [{"name": "甲", "target": 1, "actual": 1}, {},
                                     {"name": "乙", "target": 2, "actual": 2}],
                       "projects": [{}, {"name": "丙", "indicators": [{}, {"name": "丁"}]}]})
    assert [t.name.field for t in ds.key_tasks] == ["tbl_tasks[1].name", "tbl_tasks[3].name"]
    assert [p.name.field for p in ds.projects] == ["tbl_projects[2].name"]
    assert [i.name.field for i in ds.projects[0].indicators] == \
        ["tbl_project_indicators[2].name"]
