"""Replacing xl/vbaProject.bin in a user's workbook, and nothing else."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from oletools.olevba import VBA_Parser

from xlpkg.errors import XlpkgError
from xlpkg.vba import update as vba_update
from xlpkg.vba.ovba import VbaModule, build_vba_project
from xlpkg.vba.update import VbaUpdateError, replace_vba_project


def _project(line: str) -> bytes:
    return build_vba_project(
        [
            VbaModule("ThisWorkbook", "document", ""),
            VbaModule("shData", "document", ""),
            VbaModule("xlpkg_macros", "standard", f"Sub Hello()\n    {line}\nEnd Sub\n"),
        ]
    )


OLD_BIN, NEW_BIN = _project("Debug.Print 1"), _project("Debug.Print 2")


def _make_xlsm(path: Path, vba_bin: bytes = OLD_BIN) -> Path:
    wb = xlsxwriter.Workbook(path)
    wb.set_vba_name("ThisWorkbook")
    sheet = wb.add_worksheet("数据")
    sheet.set_vba_name("shData")
    sheet.write_row("A1", ["项目", 123.45, "=B1*2"])
    sheet.insert_button("D2", {"macro": "Hello", "caption": "Run"})
    wb.define_name("TotalBudget", "=数据!$B$1")
    wb.add_vba_project(io.BytesIO(vba_bin), is_stream=True)
    wb.close()
    return path


def _make_descriptor_xlsm(path: Path) -> Path:
    """An .xlsm whose members carry data descriptors (flag bit 3), as streaming
    zip writers produce: written through a non-seekable file."""

    class Unseekable(io.RawIOBase):
        def __init__(self, f):
            self.f = f

        def writable(self):
            return True

        def write(self, b):
            return self.f.write(b)

    with open(path, "wb") as raw, zipfile.ZipFile(Unseekable(raw), "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>" * 50, zipfile.ZIP_DEFLATED)
        zf.writestr("xl/workbook.xml", "<workbook/>", zipfile.ZIP_STORED)
        zf.writestr("xl/vbaProject.bin", OLD_BIN, zipfile.ZIP_DEFLATED)
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 100, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as zf:
        assert all(i.flag_bits & 0x08 for i in zf.infolist())
    return path


def _raw_members(path: Path) -> list[tuple[str, int, int, int, bytes]]:
    """(name, method, CRC, size, raw local header + compressed data) of each member."""
    data = path.read_bytes()
    out = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            n, m = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + n + m
            raw = data[info.header_offset : start + info.compress_size]
            out.append((info.filename, info.compress_type, info.CRC, info.file_size, raw))
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _macro_code(path: Path) -> str:
    parser = VBA_Parser(str(path))
    return next(code for _, _, name, code in parser.extract_macros() if name.startswith("xlpkg"))


@pytest.mark.parametrize("make", [_make_xlsm, _make_descriptor_xlsm])
def test_only_the_vba_project_changes(tmp_path, make):
    book = make(tmp_path / "部门自评.xlsm")
    before = _raw_members(book)
    original = book.read_bytes()

    backup = replace_vba_project(book, NEW_BIN)

    after = _raw_members(book)
    assert [m[0] for m in after] == [m[0] for m in before]  # same names, same order
    for old, new in zip(before, after):
        if old[0] != "xl/vbaProject.bin":
            assert new == old  # same local header and compressed bytes
    with zipfile.ZipFile(book) as zf:
        assert zf.testzip() is None
        assert zf.read("xl/vbaProject.bin") == NEW_BIN
    assert backup.read_bytes() == original
    assert backup.parent == book.parent
    assert re.fullmatch(r"部门自评\.bak-\d{8}-\d{6}\.xlsm", backup.name)


def test_the_new_project_is_what_olevba_reads(tmp_path):
    book = _make_xlsm(tmp_path / "book.xlsm")
    assert "Debug.Print 1" in _macro_code(book)
    replace_vba_project(book, NEW_BIN)
    assert "Debug.Print 2" in _macro_code(book)


def test_backups_never_overwrite_each_other(tmp_path, monkeypatch):
    class FixedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 3, 9, 30, 0)

    monkeypatch.setattr(vba_update, "datetime", FixedClock)
    book = _make_xlsm(tmp_path / "book.xlsm")
    first_original = book.read_bytes()
    first = replace_vba_project(book, NEW_BIN)
    second_original = book.read_bytes()
    second = replace_vba_project(book, OLD_BIN)
    assert first.name == "book.bak-20261103-093000.xlsm"
    assert second.name == "book.bak-20261103-093000-1.xlsm"
    assert first.read_bytes() == first_original
    assert second.read_bytes() == second_original


def test_backup_dir(tmp_path):
    book = _make_xlsm(tmp_path / "book.xlsm")
    backup = replace_vba_project(book, NEW_BIN, backup_dir=tmp_path / "backups")
    assert backup.parent == tmp_path / "backups"
    assert zipfile.ZipFile(backup).read("xl/vbaProject.bin") == OLD_BIN


def test_permissions_are_kept(tmp_path):
    book = _make_xlsm(tmp_path / "book.xlsm")
    book.chmod(0o640)
    replace_vba_project(book, NEW_BIN)
    assert book.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_book_and_keeps_the_backup(tmp_path, monkeypatch):
    book = _make_xlsm(tmp_path / "book.xlsm")
    digest = _sha(book)

    def locked(src, dst):  # as when Excel holds the file open on Windows
        raise PermissionError(13, "locked")

    monkeypatch.setattr(vba_update.os, "replace", locked)
    with pytest.raises(VbaUpdateError, match="请先关闭"):
        replace_vba_project(book, NEW_BIN)
    assert _sha(book) == digest
    others = [p for p in tmp_path.iterdir() if p.name != "book.xlsm"]
    assert len(others) == 1 and others[0].name.startswith("book.bak-")  # no temp file left
    assert _sha(others[0]) == digest


def _xlsx_without_vba(path: Path) -> Path:
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet().write("A1", 1)
    wb.close()
    return path


@pytest.mark.parametrize(
    ("make", "new_bin", "phrase"),
    [
        (lambda d: _make_xlsm(d / "book.xlsx"), NEW_BIN, "不是 .xlsm"),
        (lambda d: _write(d / "book.xlsm", b"not a zip at all"), NEW_BIN, "不是 ZIP"),
        (lambda d: _xlsx_without_vba(d / "book.xlsm"), NEW_BIN, "没有 VBA 工程"),
        (lambda d: _make_xlsm(d / "book.xlsm"), b"PK\x03\x04 not a CFB", "复合文档"),
    ],
)
def test_failures_leave_everything_untouched(tmp_path, make, new_bin, phrase):
    book = make(tmp_path)
    digest = _sha(book)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(VbaUpdateError) as excinfo:
        replace_vba_project(book, new_bin)
    message = str(excinfo.value)
    assert phrase in message and str(book) in message
    assert _sha(book) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no backup, no temp file


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_error_is_an_xlpkg_error():
    assert issubclass(VbaUpdateError, XlpkgError)
