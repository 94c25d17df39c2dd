"""What a file is, by its first bytes and not only its name.

Owns refusing clearly what an input cannot be: a CSV renamed ``.xlsx``, an old
``.xls``, an encrypted workbook, random bytes. Every refusal is an
:class:`InputError` whose Chinese message names the file. Imports nothing of the
readers, so each of them can ask it.
"""

from __future__ import annotations

from pathlib import Path

from xlpkg.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "请在 Excel 或 WPS 中打开，“另存为” Excel 工作簿（.xlsx 或 .xlsm）后再试"
# Formats people are likely to hand over instead of a workbook.
_OTHER_FORMATS = {
    ".xls": "是旧版 Excel（.xls）文件（或网页导出的表格），无法读取",
    ".et": "是 WPS 表格（.et）文件，无法读取",
    ".ods": "是 OpenDocument 表格（.ods）文件，无法读取",
    ".csv": "是 CSV 文本文件，没有约定的名称和表格，无法读取",
    ".xlsb": "是 Excel 二进制工作簿（.xlsb），无法读取",
}
# An encrypted OOXML file is a compound file holding these streams (MS-OFFCRYPTO 2.3.4.4);
# a directory entry starts on a 128-byte boundary with its UTF-16 name.
_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") + b"\0\0"
                           for n in ("EncryptedPackage", "EncryptionInfo"))
_OLE_SCAN_LIMIT = 256 * 1024 * 1024
_CHUNK = 1 << 20


def _is_encrypted_ole(fh) -> bool:
    """Whether an OLE compound file holds an encrypted OOXML package.

    Scans for the stream names at directory-entry boundaries instead of walking
    the FAT: bounded (first 256 MB), and nothing in it can loop.
    """
    fh.seek(0)
    offset, tail = 0, b""
    while offset < _OLE_SCAN_LIMIT:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return False
        data = tail + chunk
        base = offset - len(tail)
        for name in _ENCRYPTED_STREAMS:
            at = data.find(name)
            while at >= 0:
                if (base + at) % 128 == 0:
                    return True
                at = data.find(name, at + 1)
        tail = data[-64:]
        offset += len(chunk)
    return False


def sniff(path: Path) -> str:
    """"data", "workbook", or raise :class:`InputError` saying what the file really is."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是文件", "批量处理文件夹请用 xlpkg batch")
    if not path.is_file():   # a pipe or a device would block or never end
        raise InputError(f"{path} 不是普通文件，无法读取")
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            encrypted = head.startswith(_OLE_MAGIC) and _is_encrypted_ole(fh)
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}",
                         "请确认文件存在、有读取权限，且没有被其他程序独占打开") from None
    if encrypted:
        raise InputError(f"{path.name}：文件已加密，请先取消密码保护",
                         "在 Excel 中打开，“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码后保存")
    if head.startswith(_OLE_MAGIC):
        raise InputError(f"{path.name}：是旧版 Excel（.xls）或其他 Office 旧格式文件，无法读取",
                         _SAVE_AS)
    if suffix in _OTHER_FORMATS and not head.startswith(_ZIP_MAGIC):
        raise InputError(f"{path.name}：{_OTHER_FORMATS[suffix]}", _SAVE_AS)
    if suffix in WORKBOOK_SUFFIXES:
        if not head.startswith(_ZIP_MAGIC):
            what = "空文件" if not head else "不是 Excel 工作簿（可能是改了扩展名的 CSV 或其他文件）"
            raise InputError(f"{path.name}：{what}，无法读取", _SAVE_AS)
        return "workbook"
    if suffix in DATA_SUFFIXES:
        return "data"
    if head.startswith(_ZIP_MAGIC):
        return "workbook"
    raise InputError(f"{path.name}：不支持的文件类型“{path.suffix}”",
                     "请提供 .xlsx/.xlsm 工作簿，或 .yaml/.json 数据文件")
