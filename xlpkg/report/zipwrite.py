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
"""

from __future__ import annotations

import struct
import sys
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


def zip_parts(parts: list[tuple[str, bytes, bytes | None]]) -> bytes:
    """The zip of ``parts`` — (name, data, its :func:`deflated` bytes or ``None``), in
    order — as zipfile writes it."""
    if len(parts) >= 0xFFFF or any(len(data) * 1.05 > _LIMIT for _, data, _ in parts):
        return _zipfile(parts)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, packed in parts:
        if packed is None:
            packed = deflated(data)
        year, month, day, hour, minute, second = time.localtime(time.time())[:6]
        dosdate = (year - 1980) << 9 | month << 5 | day
        dostime = hour << 11 | minute << 5 | (second // 2)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        crc = zlib.crc32(data)
        out += (_LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, _DEFLATED, dostime, dosdate, crc,
                            len(packed), len(data), len(encoded), 0), encoded, packed)
        central += (_CENTRAL.pack(b"PK\001\002", _VERSION, _SYSTEM, _VERSION, 0, flags,
                                  _DEFLATED, dostime, dosdate, crc, len(packed), len(data),
                                  len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset), encoded)
        offset += _LOCAL.size + len(encoded) + len(packed)
    directory = b"".join(central)
    if offset > _LIMIT or len(directory) > _LIMIT:
        return _zipfile(parts)
    return b"".join(out) + directory + _END.pack(b"PK\005\006", 0, 0, len(parts), len(parts),
                                                  len(directory), offset, 0)


def _zipfile(parts: list[tuple[str, bytes, bytes | None]]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, _ in parts:
            z.writestr(name, data)
    return out.getvalue()
