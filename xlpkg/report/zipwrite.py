"""The report's .docx container: its parts zipped, byte for byte as :mod:`zipfile` zips them
(``ZipFile(out, "w", ZIP_DEFLATED)`` and one ``writestr`` per part), with the deflated
bytes of a part given when they are already known.

Owns the zip framing of a report. Most parts of a report are the template's own and never
change; zipfile would deflate them again for every report (a fresh zlib stream each, a
good part of the cost of writing a small report). Here the package deflates each once per
process (:func:`deflated`) and hands the bytes in. Everything else — headers, the
central directory, the clock read for each part — is what zipfile 3.11 writes for the
same parts; ``tests/test_report_package.py`` holds the two to the same bytes. A part
too large for a plain zip entry goes to zipfile itself (ZIP64: never a report).

A large part made piece by piece (the document of a 5,500-row report, 8 MB) is a
:class:`Stream`: its pieces are deflated on a thread of their own as they are added.
zlib lets go of the interpreter while it deflates, so on a machine with a second core
the deflate (about 45 ms there) overlaps the making of the rest instead of following
it. zlib's output does not depend on how its input is cut, so the bytes are the same.
"""

from __future__ import annotations

import queue
import struct
import sys
import threading
import time
import zlib

_LOCAL = struct.Struct("<4s2B4HL2L2H")       # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")   # zipfile.structCentralDir
_END = struct.Struct(b"<4s4H2LH")            # zipfile.structEndArchive
_VERSION = 20                                # zipfile.DEFAULT_VERSION (deflate)
_DEFLATED = 8
_SYSTEM = 0 if sys.platform == "win32" else 3
_ATTRIBUTES = 0o600 << 16                    # ?rw------- (what writestr gives a file)
_UTF8_NAME = 1 << 11
_LIMIT = (1 << 31) - 1                       # zipfile.ZIP64_LIMIT


def deflated(data: bytes) -> bytes:
    """``data`` as zipfile deflates a part (zlib's default level, a raw stream)."""
    stream = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return stream.compress(data) + stream.flush()


class Stream:
    """One part deflated while it is still being made: :meth:`add` its bytes in order,
    then hand it to :func:`zip_parts` in place of the data. Below :data:`THREAD_AFTER`
    bytes it stays on the caller's thread (a thread costs more than it saves there)."""

    THREAD_AFTER = 1 << 20

    def __init__(self) -> None:
        self.chunks: list[bytes] = []   # kept: zipfile itself needs them for a ZIP64 part
        self.size = 0
        self._queue: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._done: tuple[int, bytes] | BaseException | None = None

    def add(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self._queue is not None:
            self._queue.put(data)
        elif self.size >= self.THREAD_AFTER:
            self._queue = queue.SimpleQueue()
            for chunk in self.chunks:
                self._queue.put(chunk)
            # a daemon: a process stopped half way (Ctrl+C) does not wait for it
            self._thread = threading.Thread(target=self._deflate, name="xlpkg-deflate",
                                            daemon=True)
            self._thread.start()

    def _deflate(self) -> None:
        try:
            stream = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            crc, out, more = 0, [], True
            while more:
                # Whatever is queued goes in one call: each call gives the interpreter up
                # and must wait for it back (up to its switch interval) while the writer
                # runs Python, so a thread that fell behind catches up in fewer waits.
                batch = [self._queue.get()]
                while not self._queue.empty():
                    batch.append(self._queue.get())
                if batch[-1] is None:
                    batch.pop()
                    more = False
                data = b"".join(batch) if len(batch) != 1 else batch[0]
                crc = zlib.crc32(data, crc)
                out.append(stream.compress(data))
            out.append(stream.flush())
            self._done = (crc, b"".join(out))
        except Exception as exc:  # noqa: BLE001 - raised again on the caller's thread
            self._done = exc

    def finish(self) -> tuple[int, bytes]:
        """The part's CRC-32 and deflated bytes, once every piece has been added."""
        if self._thread is None:
            data = b"".join(self.chunks)
            return zlib.crc32(data), deflated(data)
        self.close()
        if isinstance(self._done, BaseException):
            raise self._done
        return self._done

    def close(self) -> None:
        """No more pieces: the thread ends (also when the part is abandoned)."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


Data = bytes | Stream


def zip_parts(parts: list[tuple[str, Data, bytes | None]]) -> bytes:
    """The zip of ``parts`` — (name, data or its :class:`Stream`, its :func:`deflated`
    bytes or ``None``), in order — as zipfile writes it."""
    if len(parts) >= 0xFFFF or any(_size(data) * 1.05 > _LIMIT for _, data, _ in parts):
        return _zipfile(parts)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, packed in parts:
        if isinstance(data, Stream):
            crc, packed = data.finish()
        else:
            crc = zlib.crc32(data)
            if packed is None:
                packed = deflated(data)
        year, month, day, hour, minute, second = time.localtime(time.time())[:6]
        dosdate = (year - 1980) << 9 | month << 5 | day
        dostime = hour << 11 | minute << 5 | (second // 2)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        size = _size(data)
        out += (_LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, _DEFLATED, dostime, dosdate, crc,
                            len(packed), size, len(encoded), 0), encoded, packed)
        central += (_CENTRAL.pack(b"PK\001\002", _VERSION, _SYSTEM, _VERSION, 0, flags,
                                  _DEFLATED, dostime, dosdate, crc, len(packed), size,
                                  len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset), encoded)
        offset += _LOCAL.size + len(encoded) + len(packed)
    directory = b"".join(central)
    if offset > _LIMIT or len(directory) > _LIMIT:
        return _zipfile(parts)
    return b"".join(out) + directory + _END.pack(b"PK\005\006", 0, 0, len(parts), len(parts),
                                                  len(directory), offset, 0)


def _size(data: Data) -> int:
    return data.size if isinstance(data, Stream) else len(data)


def _zipfile(parts: list[tuple[str, Data, bytes | None]]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, _ in parts:
            if isinstance(data, Stream):
                data.close()
                data = b"".join(data.chunks)
            z.writestr(name, data)
    return out.getvalue()
