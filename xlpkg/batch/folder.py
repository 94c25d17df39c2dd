"""The batch's output folder: made safe to write before any work starts.

Owns the refusals (an output folder equal to or inside the input folder — the
next run would read 汇总.xlsx as an input; a ``reports`` or ``.staging`` that is
a symbolic link, which would send writes elsewhere), the lock that keeps a
second batch out of a folder in use (released by the system when its holder
dies, so a lock left by a killed run is simply taken over), the private
``.staging`` folder, and the removal of temp files a killed run left behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from xlpkg.atomic import os_reason, remove_stale_temps
from xlpkg.errors import OutputError

REPORTS = "reports"
STAGING = ".staging"
LOCK = ".xlpkg-batch.lock"
# the batch's own files, whose pid-less temp names (older versions) nobody else writes
OWN_STEMS = frozenset({"汇总", "manifest"})


def refuse_nested(src: Path, out: Path) -> None:
    """The output folder must lie outside the input folder."""
    s, o = src.resolve(), out.resolve()
    if o == s or s in o.parents:
        raise OutputError(f"输出文件夹不能是输入文件夹本身或在它里面：{out}",
                          "请用 -o 指定输入文件夹以外的文件夹（否则下次运行会把汇总表当作输入）")


def refuse_foreign(out: Path, names: tuple[str, ...], marker: str, force: bool) -> None:
    """Files with batch's names in a folder batch never wrote (no ``marker`` file, i.e.
    no manifest) are someone else's: replaced only with ``force``."""
    if force or (out / marker).exists():
        return
    for name in names:
        if (out / name).exists() or (out / name).is_symlink():
            raise OutputError(f"输出文件夹中已有 {name}，但它不是批处理写出的：{out / name}",
                              "如需覆盖，请加 --force；或用 -o 指定另一个输出文件夹")


def _refuse_link(path: Path, what: str) -> None:
    if path.is_symlink():
        raise OutputError(f"输出文件夹中的 {what} 是符号链接：{path}",
                          "为安全起见不会写入链接指向的位置；请删除该链接，或换一个输出文件夹")


def make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {out}（{os_reason(exc)}）",
                          "请换一个可写的文件夹") from None
    if not out.is_dir():
        raise OutputError(f"输出路径不是文件夹：{out}", "请用 -o 指定一个文件夹")


def prepare(out: Path) -> Path:
    """``reports/`` and a fresh ``.staging`` in ``out`` (call while holding the lock);
    stale temp files of killed runs removed. Returns the staging folder."""
    reports, staging = out / REPORTS, out / STAGING
    _refuse_link(reports, REPORTS)
    _refuse_link(staging, STAGING)
    if not os.access(out, os.W_OK):
        raise OutputError(f"输出文件夹没有写入权限：{out}", "请换一个可写的文件夹")
    try:
        reports.mkdir(exist_ok=True)
        if staging.is_dir():
            shutil.rmtree(staging)   # leftovers of an interrupted run (we hold the lock)
        elif staging.exists():
            staging.unlink()
        staging.mkdir()
    except OSError as exc:   # os.access cannot see read-only mounts or immutable folders
        raise OutputError(f"输出文件夹无法写入：{out}（{os_reason(exc)}）",
                          "请换一个可写的文件夹") from None
    if not reports.is_dir():
        raise OutputError(f"输出文件夹中的 {REPORTS} 不是文件夹：{reports}",
                          "请移走该文件，或换一个输出文件夹")
    remove_stale_temps(out, None, pidless=OWN_STEMS)
    remove_stale_temps(reports, None)
    return staging


class FolderLock:
    """An exclusive lock on the output folder for one batch run (``with FolderLock(out):``).

    The lock is the operating system's (``flock`` / ``msvcrt.locking``) on a small
    file holding the owner's pid: it ends with its process however that process
    ends, so a lock file left by a killed run does not block the next one.
    """

    def __init__(self, out: Path):
        self.path = Path(out) / LOCK
        self.fd: int | None = None

    def __enter__(self):
        for _ in range(5):   # the file may be unlinked by its owner between open and lock
            fd = self._open()
            if not _try_lock(fd):
                holder = _read_pid(fd)
                os.close(fd)
                who = f"（进程 {holder}）" if holder else ""
                raise OutputError(f"另一个批处理正在使用该文件夹{who}：{self.path.parent}",
                                  "请等它结束后再运行，或用 -o 指定另一个输出文件夹")
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except OSError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self.fd = fd
                return self
            os.close(fd)
        raise OutputError(f"无法锁定输出文件夹：{self.path.parent}", "请稍后再运行")

    def _open(self) -> int:
        if self.path.is_symlink():
            self.path.unlink()    # ours by name; never write through a link
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                           0o644)
        except OSError as exc:
            raise OutputError(f"无法在输出文件夹中创建锁文件：{self.path}（{os_reason(exc)}）",
                              "请换一个可写的文件夹") from None

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink()   # before the unlock: a waiting run then makes a new file
        except OSError:
            pass
        os.close(self.fd)        # closing releases the lock
        self.fd = None


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:   # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "ignore").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None
