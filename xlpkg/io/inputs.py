"""One entry point for every input: a YAML/JSON data file or a workbook.

Owns deciding what a file is (by its first bytes, not only its name) and
refusing clearly what it cannot be: a CSV renamed ``.xlsx``, an old ``.xls``, an
encrypted workbook, random bytes. Every refusal is an :class:`InputError` whose
Chinese message names the file.
"""

from __future__ import annotations

from pathlib import Path

from ..core.model import Dataset
from ..errors import InputError
from .data_file import DATA_SUFFIXES, read_data_file

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> str:
    """"data", "workbook", or raise :class:`InputError` saying what the file really is."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是文件", "批量处理文件夹请用 xlpkg batch")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if suffix in WORKBOOK_SUFFIXES:
            # Excel stores a password-protected .xlsx as an OLE container.
            raise InputError(f"{path.name}：文件已加密，请先取消密码保护",
                             "在 Excel 中打开，“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码后保存")
        raise InputError(f"{path.name} 是旧版 Excel（.xls）或其他 OLE 文件，无法读取",
                         "请在 Excel 中另存为 .xlsx 或 .xlsm，或用 xlpkg fill 生成新工作簿")
    if suffix in WORKBOOK_SUFFIXES:
        if not head.startswith(_ZIP_MAGIC):
            what = "空文件" if not head else "不是 Excel 工作簿（可能是改了扩展名的 CSV 或其他文件）"
            raise InputError(f"{path.name}：{what}，无法读取")
        return "workbook"
    if suffix in DATA_SUFFIXES:
        return "data"
    if head.startswith(_ZIP_MAGIC):
        return "workbook"
    raise InputError(f"{path.name}：不支持的文件类型“{path.suffix}”",
                     "请提供 .xlsx/.xlsm 工作簿，或 .yaml/.json 数据文件")


def load_input(path: Path) -> Dataset:
    """Read a data file or a workbook into a :class:`Dataset`."""
    path = Path(path)
    if sniff(path) == "data":
        return read_data_file(path)
    from .workbook_read import read_workbook  # zip/XML parsing only when a workbook comes

    return read_workbook(path)
