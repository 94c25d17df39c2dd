"""`xlpkg vba-update`: only xl/vbaProject.bin changes; a backup is written first."""

import hashlib
import zipfile

from xlpkg.cli import main
from xlpkg.vba.update import sheet_codenames
from xlpkg.workbook.build import build_template
from xlpkg.workbook.layout import SHEET_CODENAMES


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_sheet_codenames_are_read_from_the_workbook(tmp_path):
    book = tmp_path / "t.xlsm"
    build_template(book)
    assert sheet_codenames(book) == list(SHEET_CODENAMES)


def test_vba_update_replaces_only_the_project_and_keeps_a_backup(tmp_path, capsys):
    book = tmp_path / "单位.xlsm"
    build_template(book)
    original = book.read_bytes()
    before = members(book)
    assert main(["vba-update", str(book)]) == 0
    out = capsys.readouterr().out
    backups = list(tmp_path.glob("单位.bak-*.xlsm"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert backups[0].name in out
    after = members(book)
    assert list(after) == list(before)
    changed = [name for name in before if before[name] != after[name]]
    assert changed in ([], ["xl/vbaProject.bin"])
    assert after["xl/vbaProject.bin"][:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_vba_update_refuses_an_xlsx_without_touching_it(tmp_path, capsys):
    book = tmp_path / "plain.xlsx"
    build_template(tmp_path / "t.xlsm")
    book.write_bytes((tmp_path / "t.xlsm").read_bytes())
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    assert main(["vba-update", str(book)]) == 2
    assert ".xlsm" in capsys.readouterr().err
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("plain.bak-*"))
