"""Atomic output: write to a temporary file beside the target, then rename.

An interrupted run leaves either the old file or the new one, never half of one;
a temp file a killed run left behind (its name carries the writer's pid) is
removed by the next write of the same target. This module also owns the "never
overwrite without --force" rule, the "(2), (3)…" naming the Excel button uses,
and operating-system failures in Chinese words.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xlpkg import names
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
    _clean_once(folder)
    prefix, suffix = names.temp_affixes(path.stem, path.suffix, os.getpid())
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
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
        release_quietly(exc)
        raise _output_error(path, exc) from None
    finally:
        try:
            tmp_path.unlink(missing_ok=True)
        except OSError:
            pass


_CLEANED: set[str] = set()


def _clean_once(folder: Path) -> None:
    """Stale temp files go on the first write into a folder in this process: once, so a
    batch worker writing thousands of files into one folder does not rescan it each time."""
    key = os.path.abspath(folder)
    if key not in _CLEANED:
        _CLEANED.add(key)
        remove_stale_temps(folder)


def release_quietly(exc: BaseException) -> None:
    """Drop what a failed write still holds, without a second report of the failure.

    A writer that died half way (python-docx, zipfile on a full disk) leaves an open
    ``ZipFile`` in the traceback's frames; when it is collected, its ``__del__`` tries
    to finish the archive, fails again and prints ``Exception ignored in … Traceback``
    after our message. Clearing the frames here collects it while that is silenced.
    """
    import traceback  # a failure path: no need to load it for every write

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        while exc is not None:
            if exc.__traceback__ is not None:
                traceback.clear_frames(exc.__traceback__)
            exc = exc.__context__
        import gc

        gc.collect()
    finally:
        sys.unraisablehook = hook


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (True when that cannot be told)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":   # os.kill would terminate it there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259   # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(folder: Path, stem: str | None = None, *,
                       pidless: frozenset[str] = frozenset()) -> int:
    """Remove temp files of ours whose writer is dead: those of ``stem`` only, or every
    one when ``stem`` is None; pid-less ones (older versions) only for the stems in
    ``pidless``, which the caller knows nobody else writes. Returns how many."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        if not entry.name.endswith(".tmp"):
            continue
        parsed = names.parse_temp(entry.name)
        if parsed is None:
            continue
        tmp_stem, pid = parsed
        if pid is None:
            if tmp_stem not in pidless:
                continue
        elif (stem is not None and names.cut_bytes(stem, names.byte_len(tmp_stem)) != tmp_stem
              or pid_alive(pid)):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


_OS_REASONS = {errno.EACCES: "没有读写权限", errno.EPERM: "没有读写权限",
               errno.ENOSPC: "磁盘空间不足", errno.EROFS: "文件系统只读",
               errno.EDQUOT: "超出磁盘配额", errno.ENAMETOOLONG: "文件名过长",
               errno.EBUSY: "文件正被其他程序使用", errno.EEXIST: "同名文件已存在",
               errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中有一部分不是文件夹",
               errno.EISDIR: "是一个文件夹", errno.ELOOP: "是符号链接或链接层数过多",
               errno.ENOTEMPTY: "文件夹不是空的", errno.EMFILE: "打开的文件过多",
               errno.ENFILE: "打开的文件过多", errno.EIO: "磁盘读写出错",
               errno.ENOMEM: "内存不足", errno.EFBIG: "文件过大",
               errno.EXDEV: "不能跨磁盘移动文件", errno.EINVAL: "文件名或参数无效",
               errno.ETXTBSY: "文件正被其他程序使用", errno.EAGAIN: "资源暂时不可用",
               errno.ENODEV: "设备不可用", errno.ENXIO: "设备不可用",
               errno.ESTALE: "网络文件句柄已失效", errno.ETIMEDOUT: "连接超时"}


def os_reason(exc: OSError) -> str:
    """An operating-system failure in a few Chinese words, never the system's English."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    if isinstance(exc, PermissionError):
        return "没有读写权限"
    return f"系统错误，代码 {exc.errno}" if exc.errno else "系统错误"


_MEMORY_WORDS = ("memory allocation failed", "cannot allocate memory", "out of memory",
                 "failed to map segment")


def memory_exhausted(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is the machine running out of memory, in
    whatever form a library reports it: MemoryError, lxml's “Memory allocation failed”,
    an ImportError whose shared library could not be mapped."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError) or (isinstance(exc, OSError)
                                            and exc.errno == errno.ENOMEM):
            return True
        if any(w in str(exc).lower() for w in _MEMORY_WORDS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


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


def free_name(path: Path) -> Path:
    """``报告.docx`` if free, else ``报告(2).docx``, ``报告(3).docx`` … (never overwrite)."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(names.with_marker(path.name, f"({n})"))
        if not candidate.exists():
            return candidate
        n += 1
