"""Swap the VBA project of a user's .xlsm without touching anything else.

Owns: ``replace_vba_project`` -- back up the workbook, then rewrite its zip
with ``xl/vbaProject.bin`` replaced and every other member copied as raw bytes
(local header, compressed data and data descriptor exactly as they were; only
the offsets in the central directory change), written atomically.

DESIGN: a user's workbook is never re-saved through a spreadsheet library; the
VBA is rebuilt for the installed xlwings version and nothing else moves.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import struct
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

from defusedxml import DefusedXmlException

from xlpkg.errors import XlpkgError

__all__ = ["VBA_MEMBER", "VbaUpdateError", "replace_vba_project"]

VBA_MEMBER = "xl/vbaProject.bin"
_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# ZIP record layouts (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16).
_LOCAL = struct.Struct("<IHHHHHIIIHH")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_EOCD = struct.Struct("<IHHHHIIH")  # end of central directory, 22 bytes
_LOCAL_SIG, _CENTRAL_SIG, _EOCD_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_FLAG_DATA_DESCRIPTOR = 0x08


_Entry = tuple[zipfile.ZipInfo, bytes]


class VbaUpdateError(XlpkgError):
    """The VBA project could not be replaced; the message (Chinese) names the file."""


def _central_directory(data: bytes, book: Path) -> tuple[list[_Entry], bytes]:
    """Each member as (ZipInfo, its raw central directory entry), and the EOCD."""
    eocd_at = data.rfind(struct.pack("<I", _EOCD_SIG))
    if eocd_at < 0 or eocd_at + _EOCD.size > len(data):
        raise VbaUpdateError(f"{book} 不是有效的 .xlsm 文件（找不到 ZIP 目录）")
    _, _, _, _, count, cd_size, cd_offset, _ = _EOCD.unpack_from(data, eocd_at)
    if count == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):
        raise VbaUpdateError(f"{book} 使用了 ZIP64 格式，暂不支持替换其中的 VBA 工程")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    if len(infos) != count or min((i.header_offset for i in infos), default=0) != 0:
        raise VbaUpdateError(f"{book} 的 ZIP 结构异常，请先用 Excel 打开并另存后再试")
    entries: list[_Entry] = []
    pos = cd_offset
    for info in infos:
        head = _CENTRAL.unpack_from(data, pos)
        if head[0] != _CENTRAL_SIG:
            raise VbaUpdateError(f"{book} 的 ZIP 目录已损坏")
        length = _CENTRAL.size + head[10] + head[11] + head[12]  # + name, extra, comment
        entries.append((info, data[pos : pos + length]))
        pos += length
    return entries, data[eocd_at:]


def _new_vba_record(info: zipfile.ZipInfo, central: bytes, payload: bytes) -> tuple[bytes, bytes]:
    """The new vbaProject.bin: its local record (header + deflated data) and its
    central entry, keeping the old entry's name, time, attributes and extra."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = comp.compress(payload) + comp.flush()
    crc = zlib.crc32(payload)
    head = list(_CENTRAL.unpack_from(central, 0))
    flags = head[3] & ~_FLAG_DATA_DESCRIPTOR  # sizes are known up front: no descriptor
    name = central[_CENTRAL.size : _CENTRAL.size + head[10]]
    version_needed = max(head[2], 20)  # 2.0: deflate (APPNOTE 4.4.3)
    mod_time, mod_date = head[5], head[6]
    local = _LOCAL.pack(
        _LOCAL_SIG, version_needed, flags, zipfile.ZIP_DEFLATED, mod_time, mod_date,
        crc, len(packed), len(payload), len(name), 0,
    )  # fmt: skip
    head[2], head[3], head[4] = version_needed, flags, zipfile.ZIP_DEFLATED
    head[7], head[8], head[9] = crc, len(packed), len(payload)
    return local + name + packed, _CENTRAL.pack(*head) + central[_CENTRAL.size :]


def _rebuild(data: bytes, book: Path, new_bin: bytes) -> bytes:
    """The new zip: raw copies of all members but the VBA project, whose record
    is rebuilt; central directory entries patched only in their offsets."""
    entries, eocd = _central_directory(data, book)
    if VBA_MEMBER not in {info.filename for info, _ in entries}:
        raise VbaUpdateError(f"{book} 中没有 VBA 工程（{VBA_MEMBER}），不是带宏的工作簿")
    cd_offset = _EOCD.unpack_from(eocd, 0)[6]
    # A member's local record (header, data, data descriptor) runs up to the
    # next record, or to the central directory.
    starts = sorted(info.header_offset for info, _ in entries) + [cd_offset]
    record_end = dict(itertools.pairwise(starts))

    out = bytearray()
    centrals = [central for _, central in entries]
    offsets = [0] * len(entries)
    for k in sorted(range(len(entries)), key=lambda k: entries[k][0].header_offset):
        info = entries[k][0]
        offsets[k] = len(out)
        if info.filename == VBA_MEMBER:
            record, centrals[k] = _new_vba_record(info, centrals[k], new_bin)
        else:
            record = data[info.header_offset : record_end[info.header_offset]]
            if struct.unpack_from("<I", record)[0] != _LOCAL_SIG:
                raise VbaUpdateError(f"{book} 中的 {info.filename} 已损坏")
        out += record
    new_cd_offset = len(out)
    for central, offset in zip(centrals, offsets):
        out += central[:42] + struct.pack("<I", offset) + central[46:]  # local header offset
    fields = list(_EOCD.unpack_from(eocd, 0))
    fields[5], fields[6] = len(out) - new_cd_offset, new_cd_offset
    out += _EOCD.pack(*fields) + eocd[_EOCD.size :]
    return bytes(out)


def _backup_path(book: Path, backup_dir: Path | None) -> Path:
    folder = backup_dir if backup_dir is not None else book.parent
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{book.stem}.bak-{stamp}{book.suffix}"


def _write_backup(book: Path, data: bytes, backup_dir: Path | None) -> Path:
    """Write ``data`` to a new backup file; never overwrite an existing one."""
    base = _backup_path(book, backup_dir)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        for n in range(1000):
            target = base if n == 0 else base.with_name(f"{base.stem}-{n}{base.suffix}")
            try:
                with open(target, "xb") as f:  # "x": fail rather than overwrite
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
            except FileExistsError:
                continue
            return target
    except OSError as exc:
        raise VbaUpdateError(
            f"无法为 {book} 创建备份（{base.parent}）：{exc.strerror or exc}；原文件未改动"
        ) from exc
    raise VbaUpdateError(f"无法为 {book} 创建备份：{base.parent} 中同名备份过多")


def _real_book(book: Path) -> Path:
    """The workbook itself when ``book`` is a symbolic link: the new file replaces the
    file the link points to, and the link stays a link (``os.replace`` on the link's
    own path would put a regular file in its place and leave the workbook as it was)."""
    if not book.is_symlink():
        return book
    try:
        real = book.resolve(strict=True)
    except (OSError, RuntimeError):   # dangling, or a loop of links
        raise VbaUpdateError(f"{book} 是符号链接，但指向的文件不存在；原文件未改动") from None
    if not real.is_file():
        raise VbaUpdateError(f"{book} 是符号链接，指向的 {real} 不是普通文件；原文件未改动")
    return real


def replace_vba_project(book: Path, new_bin: bytes, *, backup_dir: Path | None = None) -> Path:
    """Replace ``xl/vbaProject.bin`` inside ``book`` (an .xlsm) with ``new_bin``.

    First writes a backup ``<stem>.bak-YYYYmmdd-HHMMSS.xlsm`` beside the book
    (or in ``backup_dir``) and returns its path. Every other zip member keeps its
    name, order and raw bytes. A symbolic link is followed: the workbook it points
    to is updated (and backed up beside it), the link is left as it is. Raises VbaUpdateError, having written nothing, if
    the book is not an .xlsm zip holding a VBA project.
    """
    book = _real_book(Path(book))
    if book.suffix.lower() != ".xlsm":
        raise VbaUpdateError(f"{book} 不是 .xlsm 文件：只有启用宏的工作簿才有 VBA 工程")
    if not new_bin.startswith(_CFB_SIGNATURE):
        raise VbaUpdateError(f"要写入 {book} 的 VBA 工程不是有效的复合文档（vbaProject.bin）")
    try:
        data = book.read_bytes()
    except OSError as exc:
        raise VbaUpdateError(f"无法读取 {book}：{exc.strerror or exc}") from exc
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise VbaUpdateError(f"{book} 不是有效的 .xlsm 文件（不是 ZIP 压缩包）")
    try:
        rebuilt = _rebuild(data, book, new_bin)
        with zipfile.ZipFile(io.BytesIO(rebuilt)) as zf:  # check before touching the book
            intact = zf.testzip() is None and zf.read(VBA_MEMBER) == new_bin
    except (zipfile.BadZipFile, zlib.error, struct.error, KeyError) as exc:
        raise VbaUpdateError(f"{book} 的 ZIP 结构已损坏，无法替换 VBA 工程") from exc
    if not intact:
        raise VbaUpdateError(f"{book} 的 ZIP 结构已损坏，无法替换 VBA 工程")

    backup = _write_backup(book, data, Path(backup_dir) if backup_dir is not None else None)
    try:
        from xlpkg.atomic import remove_stale_temps
        from xlpkg.names import temp_affixes

        remove_stale_temps(book.parent, book.stem)   # left by a killed run (its pid is gone)
        prefix, suffix = temp_affixes(book.stem, "", os.getpid())
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=book.parent)
    except OSError as exc:
        raise VbaUpdateError(f"无法在 {book.parent} 中写入临时文件；原文件未改动") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(rebuilt)
            f.flush()
            os.fsync(f.fileno())
        shutil.copymode(book, tmp)  # mkstemp creates 0600; keep the book's permissions
        os.replace(tmp, book)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise VbaUpdateError(
            f"无法写入 {book}（若已在 Excel 中打开，请先关闭）；原文件未改动，备份在 {backup}"
        ) from exc
    return backup


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_CAP = 16 * 1024 * 1024  # workbook.xml and sheet XML read for code names only


def _read_member(zf: zipfile.ZipFile, name: str, book: Path) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > _XML_CAP:
        raise VbaUpdateError(f"{book} 中的 {name} 过大，无法读取")
    with zf.open(info) as fh:
        return fh.read(_XML_CAP + 1)[:_XML_CAP]


def sheet_codenames(book: Path) -> list[str]:
    """The VBA code names of a workbook's sheets, in workbook order.

    Document modules must match the sheets the workbook really has; a sheet
    without a code name gets none here and Excel adds its module on open.
    """
    from defusedxml import ElementTree as ET  # untrusted XML

    book = Path(book)
    try:
        with zipfile.ZipFile(book) as zf:
            workbook = ET.fromstring(_read_member(zf, "xl/workbook.xml", book))
            rels = ET.fromstring(_read_member(zf, "xl/_rels/workbook.xml.rels", book))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
            names = []
            for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
                target = targets.get(sheet.get(f"{_REL_NS}id"), "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                root = ET.fromstring(_read_member(zf, member, book))
                pr = root.find(f"{_MAIN_NS}sheetPr")
                if pr is not None and pr.get("codeName"):
                    names.append(pr.get("codeName"))
            return names
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ET.ParseError) as exc:
        # zlib.error / EOFError: a member's compressed data is damaged.
        raise VbaUpdateError(f"无法读取 {book} 的工作表信息（文件已损坏或缺少部件）；原文件未改动"
                             ) from exc
    except MemoryError:
        raise VbaUpdateError(f"无法读取 {book} 的工作表信息（内存不足）；原文件未改动") from None
    except (DefusedXmlException, ValueError, RuntimeError, NotImplementedError) as exc:
        raise VbaUpdateError(f"无法读取 {book} 的工作表信息（含有不允许的 XML 内容、"
                             "加密或不支持的压缩方式）；原文件未改动") from exc


def update_workbook_vba(book: Path) -> Path:
    """Rebuild the xlpkg VBA project for the installed xlwings and put it into ``book``.

    Returns the backup's path. Modules a user added by hand are replaced too;
    the backup keeps them.
    """
    from xlpkg.read.inputs import sniff
    from xlpkg.read.saved_source import SavedSource
    from xlpkg.vba.modules import vba_project_bytes

    book = Path(book)
    if not book.exists():
        raise VbaUpdateError(f"找不到文件：{book}")
    # The reader's checks first (encrypted, not a workbook, zip bombs, hostile XML):
    # nothing is backed up or written for a file that fails them.
    if sniff(book) != "workbook":
        raise VbaUpdateError(f"{book.name}：不是 Excel 工作簿，没有 VBA 工程可以更新")
    with SavedSource(book):
        pass
    return replace_vba_project(book, vba_project_bytes(sheet_codenames(book)))
