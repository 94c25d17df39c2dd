"""Atomic output: write to a temporary file beside the target, then rename.

An interrupted run leaves either the old file or the new one, never half of one.
This module also owns the "never overwrite without --force" rule and the
"(2), (3)…" naming the Excel button uses.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xlpkg.errors import OutputError


def check_writable(path: Path, *, force: bool) -> None:
    """Raise :class:`OutputError` if ``path`` exists (without force) or its folder is unusable."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"输出文件夹不存在：{folder}", "请先创建该文件夹，或用 -o 指定其他位置")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"输出文件夹没有写入权限：{folder}", "请换一个可写的文件夹")
    if path.is_dir():
        raise OutputError(f"输出路径是一个文件夹：{path}", "请在 -o 中写上文件名")
    if path.exists() and not force:
        raise OutputError(f"文件已存在：{path}", "如需覆盖，请加 --force；或用 -o 指定新文件名")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto ``path``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                   dir=folder)
    except OSError as exc:
        raise _output_error(path, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        # mkstemp makes the file private (0600); a report on a shared folder must be
        # readable like any other file the user creates.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        yield tmp_path
        os.replace(tmp_path, path)
    except OSError as exc:   # disk full, folder turned read-only, target is a folder …
        raise _output_error(path, exc) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


_OS_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
               errno.ENOSPC: "磁盘空间不足", errno.EROFS: "文件系统只读",
               errno.EDQUOT: "超出磁盘配额", errno.ENAMETOOLONG: "文件名过长",
               errno.EBUSY: "文件正被其他程序使用"}


def os_reason(exc: OSError) -> str:
    """An operating-system failure in a few Chinese words (the system's text otherwise)."""
    return _OS_REASONS.get(exc.errno) or exc.strerror or type(exc).__name__


def _output_error(path: Path, exc: OSError) -> OutputError:
    folder = path.parent if str(path.parent) else Path(".")
    if isinstance(exc, FileNotFoundError) and not folder.is_dir():
        return OutputError(f"输出文件夹不存在：{folder}", "请先创建该文件夹，或用 -o 指定其他位置")
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        return OutputError(f"输出路径是一个文件夹：{path}", "请在 -o 中写上文件名")
    return OutputError(f"无法写入 {path}（{os_reason(exc)}），未留下半成品文件",
                       "请确认输出文件夹可写、磁盘未满，且该文件没有在 Excel/Word 中打开")


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


_ILLEGAL_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_stem(text: str, fallback: str, limit: int = 120) -> str:
    """Text usable as (part of) a file name on Windows too: illegal characters → ``_``."""
    stem = _ILLEGAL_NAME.sub("_", text).strip(" .")[:limit]
    return stem or fallback


def free_name(path: Path) -> Path:
    """``报告.docx`` if free, else ``报告(2).docx``, ``报告(3).docx`` … (never overwrite)."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1
