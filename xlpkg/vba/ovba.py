"""MS-OVBA: a VBA project (``vbaProject.bin``) written from VBA source.

Owns: the MS-OVBA compression (2.4.1, both directions), the data encryption
of the PROJECT stream's protection fields (2.4.3), the ``dir``, ``PROJECT``,
``PROJECTwm``, ``_VBA_PROJECT`` and module streams, and their assembly into a
compound file (via :mod:`xlpkg.vba.cfb`).

The project carries source only: ``_VBA_PROJECT`` has Version 0xFFFF and no
PerformanceCache (MS-OVBA 2.3.4.1), every MODULEOFFSET is 0, so Office compiles
the modules from source on open. Module text is stored in code page 1252; this
writer accepts ASCII only (DESIGN: keep VBA ASCII-only).
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections.abc import Sequence

from xlpkg.core.record import record
from xlpkg.vba.cfb import write_cfb

__all__ = ["VbaModule", "build_vba_project", "compress", "decompress", "encrypt_data"]

# --------------------------------------------------------------------------
# Compression, MS-OVBA 2.4.1
# --------------------------------------------------------------------------

_CHUNK = 4096  # a DecompressedChunk holds at most 4096 bytes (2.4.1.1.3)
_CHUNK_SIG = 0b011 << 12  # CompressedChunkSignature (2.4.1.1.5)


def _copy_token_help(offset_in_chunk: int) -> tuple[int, int]:
    """2.4.1.3.19.1 CopyToken Help: (bit count of the offset, maximum length)."""
    bit_count = max(4, (offset_in_chunk - 1).bit_length())
    return bit_count, (0xFFFF >> bit_count) + 3


def _match_length(buf: bytes, cand: int, cur: int, end: int, at_least: int) -> int:
    """Length of the common run at ``cand`` and ``cur`` (capped at ``end``), or 0
    when it is not longer than ``at_least``. Slices compare in C, so doubling
    then bisecting is far faster than a byte loop."""
    probe = at_least + 1
    if cur + probe > end or buf[cand : cand + probe] != buf[cur : cur + probe]:
        return 0
    good, step = probe, probe
    while (
        cur + good + step <= end and buf[cand : cand + good + step] == buf[cur : cur + good + step]
    ):
        good += step
        step *= 2
    hi = min(good + step, end - cur)  # first length known or assumed to fail, +1
    while hi - good > 1:
        mid = (good + hi) // 2
        if buf[cand : cand + mid] == buf[cur : cur + mid]:
            good = mid
        else:
            hi = mid
    if cur + hi <= end and buf[cand : cand + hi] == buf[cur : cur + hi]:
        good = hi
    return good


def _compress_chunk(buf: bytes, start: int, end: int) -> bytes:
    """2.4.1.3.7: encode buf[start:end] as one CompressedChunk (header + data)."""
    out = bytearray(b"\0\0")
    limit = 2 + _CHUNK  # CompressedChunk is at most 4098 bytes (2.4.1.1.4)
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in the chunk
    indexed = cur = start
    full = False  # no room for the next token: the data does not compress
    while cur < end and not full:
        # 2.4.1.3.8 Compressing a TokenSequence: one flag byte, up to 8 tokens.
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if cur >= end:
                break
            while indexed < cur:  # candidates are the positions before cur
                heads.setdefault(buf[indexed : indexed + 3], []).append(indexed)
                indexed += 1
            # 2.4.1.3.19.4 Matching: the longest match wins; among equals, the
            # nearest (the spec scans from cur-1 backwards, replacing only on >).
            best_len, best_at = 0, 0
            if end - cur >= 3:
                for cand in reversed(heads.get(buf[cur : cur + 3], ())):
                    n = _match_length(buf, cand, cur, end, max(best_len, 2))
                    if n > best_len:
                        best_len, best_at = n, cand
            token_size = 2 if best_len >= 3 else 1
            if len(out) + token_size > limit:  # 2.4.1.3.9: the chunk is full
                full = True
                break
            if best_len >= 3:  # 2.4.1.3.19.3 Pack CopyToken
                bit_count, max_len = _copy_token_help(cur - start)
                length = min(best_len, max_len)
                out += struct.pack("<H", ((cur - best_at - 1) << (16 - bit_count)) | (length - 3))
                out[flag_at] |= 1 << bit
                cur += length
            else:  # LiteralToken
                out.append(buf[cur])
                cur += 1
        if cur < end and len(out) >= limit:
            full = True
    if full:
        # Data that does not compress is split into two compressed chunks, never
        # written as a RawChunk (2.4.1.3.10): Excel writes only compressed chunks
        # and is reported to drop a module holding a raw one. Decompression
        # starts each chunk where the previous one ended (2.4.1.3.2).
        mid = (start + end) // 2
        return _compress_chunk(buf, start, mid) + _compress_chunk(buf, mid, end)
    header = _CHUNK_SIG | 0x8000 | (len(out) - 3)  # 2.4.1.3.13 Pack CompressedChunkHeader
    out[0:2] = struct.pack("<H", header)
    return bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1.3.6: return the CompressedContainer of ``data``."""
    data = bytes(data)
    out = bytearray(b"\x01")  # SignatureByte (2.4.1.1.1)
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data, start, min(start + _CHUNK, len(data)))
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """MS-OVBA 2.4.1.3.1: return the DecompressedBuffer of a CompressedContainer."""
    src = bytes(container)
    if not src or src[0] != 0x01:
        raise ValueError("not an MS-OVBA CompressedContainer: signature byte is not 0x01")
    out = bytearray()
    pos = 1
    while pos < len(src):
        if pos + 2 > len(src):
            raise ValueError(f"truncated chunk header at {pos}")
        (header,) = struct.unpack_from("<H", src, pos)
        size = (header & 0x0FFF) + 3
        if header & 0x7000 != _CHUNK_SIG:
            raise ValueError(f"bad CompressedChunkSignature at {pos}")
        chunk_end = min(len(src), pos + size)
        pos += 2
        if not header & 0x8000:  # 2.4.1.3.3 Decompressing a RawChunk
            if size != 2 + _CHUNK or pos + _CHUNK > len(src):
                raise ValueError("raw chunk must hold 4096 bytes")
            out += src[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:  # 2.4.1.3.4 Decompressing a TokenSequence
            flags = src[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(src[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError("truncated CopyToken")
                (token,) = struct.unpack_from("<H", src, pos)
                pos += 2
                bit_count, _ = _copy_token_help(len(out) - chunk_start)
                length = (token & (0xFFFF >> bit_count)) + 3  # 2.4.1.3.19.2 Unpack
                offset = (token >> (16 - bit_count)) + 1
                copy_from = len(out) - offset
                if copy_from < chunk_start:
                    raise ValueError("CopyToken points before its chunk")
                for i in range(length):  # byte by byte: the source may overlap
                    out.append(out[copy_from + i])
    return bytes(out)


# --------------------------------------------------------------------------
# Data encryption of CMG / DPB / GC, MS-OVBA 2.4.3
# --------------------------------------------------------------------------


def encrypt_data(data: bytes, project_id: str, seed: int, ignored: bytes | None = None) -> str:
    """2.4.3.2 Encryption: the hex text of an encrypted Data structure.

    ``seed`` is the random byte of the spec (given, for deterministic output);
    ``ignored`` are the (Seed & 6) / 2 filler bytes, zero when not given.
    """
    version = 2
    proj_key = sum(project_id.encode("cp1252")) & 0xFF
    n_ignored = (seed & 6) // 2
    ignored = bytes(n_ignored) if ignored is None else ignored
    if len(ignored) != n_ignored:
        raise ValueError(f"seed {seed:#x} needs {n_ignored} ignored bytes")
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, out[2], out[1]
    plain = ignored + struct.pack("<I", len(data)) + bytes(data)
    for byte in plain:
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    return out.hex().upper()


# --------------------------------------------------------------------------
# The project
# --------------------------------------------------------------------------

_CODEPAGE = 1252  # PROJECTCODEPAGE (2.3.4.2.1.4); module text is ASCII, so any ANSI page fits
_LCID = 0x0409  # PROJECTLCID / PROJECTLCIDINVOKE: en-US, as Excel writes by default
_SYSKIND_WIN64 = 0x03  # PROJECTSYSKIND (2.3.4.2.1.1): 64-bit Windows, today's Office default
_VERSION_COMPAT32 = "393222000"
# PROJECTCOMPATVERSION (2.3.4.2.1.2, Id 0x004A): written by Excel 365 after
# PROJECTSYSKIND; the value is the one in xlwings' Excel-saved quickstart.xlsm.
_COMPAT_VERSION = 5  # PROJECT stream, 2.3.1.14

# Host extender for VBE, copied from every Excel-written PROJECT stream (2.3.1.18).
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

# REFERENCEREGISTERED libids (2.3.4.2.2.5, 2.1.1.8): what a new Excel project references.
_REFERENCES = (
    (
        "stdole",
        (
            r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0"
            r"#C:\Windows\System32\stdole2.tlb#OLE Automation"
        ),
    ),
    (
        "Office",
        (
            r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
            r"#C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
            r"#Microsoft Office 16.0 Object Library"
        ),
    ),
)

# VB_Base of document modules: the Excel Workbook and Worksheet coclasses.
_BASE_WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"
_BASE_WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"
_BASE_CLASS = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# Plain data of the protection fields: no user protection (2.3.1.15), no
# password (2.3.1.16: a single 0x00), project visible (2.3.1.17: 0xFF).
_CMG_NONE = bytes(4)
_DPB_NONE = b"\x00"
_GC_VISIBLE = b"\xff"

_KINDS = ("document", "standard", "class")
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")  # a VBA identifier, <= 31 chars


@record
class VbaModule:
    """One module of a VBA project.

    ``kind`` is "document" (ThisWorkbook or a sheet), "standard" or "class".
    ``source`` is the module text without the ``Attribute VB_...`` header lines;
    :func:`build_vba_project` adds the header each kind needs. A document module
    named ``ThisWorkbook`` is the workbook's; any other is a worksheet's.
    """

    name: str
    kind: str
    source: str


def _attribute_lines(module: VbaModule) -> list[str]:
    """The header lines Excel keeps at the top of each module's source."""
    lines = [f'Attribute VB_Name = "{module.name}"']
    if module.kind == "standard":
        return lines
    if module.kind == "document":
        base = _BASE_WORKBOOK if module.name == "ThisWorkbook" else _BASE_WORKSHEET
        flags = ("False", "False", "True", "True", "False", "True")
    else:
        base = _BASE_CLASS
        flags = ("False", "False", "False", "False", "False", "False")
    lines.append(f'Attribute VB_Base = "{base}"')
    names = ("GlobalNameSpace", "Creatable", "PredeclaredId", "Exposed")
    names += ("TemplateDerived", "Customizable")
    lines += [f"Attribute VB_{n} = {v}" for n, v in zip(names, flags)]
    return lines


def _module_text(module: VbaModule) -> bytes:
    """The decompressed module stream text: attribute header + CRLF source."""
    body = module.source.replace("\r\n", "\n").replace("\r", "\n")
    lines = _attribute_lines(module) + (body.split("\n") if body else [])
    if body.endswith("\n"):
        lines.pop()  # the split left an empty last item; the join below restores the CRLF
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _check(modules: Sequence[VbaModule], project_name: str) -> None:
    if not _NAME_RE.match(project_name):
        raise ValueError(f"invalid VBA project name: {project_name!r}")
    seen: set[str] = set()
    for m in modules:
        if not _NAME_RE.match(m.name):
            raise ValueError(f"invalid VBA module name: {m.name!r}")
        if m.name.upper() in seen:
            raise ValueError(f"duplicate VBA module name: {m.name!r}")
        seen.add(m.name.upper())
        if m.kind not in _KINDS:
            raise ValueError(f"module {m.name}: kind must be one of {_KINDS}, not {m.kind!r}")
        if not m.source.isascii():
            bad = next(c for c in m.source if not c.isascii())
            raise ValueError(f"module {m.name}: source must be ASCII, found {bad!r}")
    if not modules:
        raise ValueError("a VBA project needs at least one module")


def _rec(record_id: int, payload: bytes) -> bytes:
    """A dir stream record: Id (2 bytes), Size (4 bytes), payload."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _dir_stream(modules: Sequence[VbaModule], project_name: str) -> bytes:
    """The decompressed ``dir`` stream, MS-OVBA 2.3.4.2."""
    name = project_name.encode("cp1252")
    out = bytearray()
    # 2.3.4.2.1 PROJECTINFORMATION
    out += _rec(0x0001, struct.pack("<I", _SYSKIND_WIN64))  # PROJECTSYSKIND
    out += _rec(0x004A, struct.pack("<I", _COMPAT_VERSION))  # PROJECTCOMPATVERSION
    out += _rec(0x0002, struct.pack("<I", _LCID))  # PROJECTLCID
    out += _rec(0x0014, struct.pack("<I", _LCID))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", _CODEPAGE))  # PROJECTCODEPAGE
    out += _rec(0x0004, name)  # PROJECTNAME
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # PROJECTDOCSTRING (+ Unicode)
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # PROJECTHELPFILEPATH 1 and 2
    out += _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION (2.3.4.2.1.11): Reserved is 4, not the payload size.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # PROJECTCONSTANTS (+ Unicode)
    # 2.3.4.2.2 PROJECTREFERENCES: REFERENCENAME + REFERENCEREGISTERED each
    for ref_name, libid in _REFERENCES:
        out += _rec(0x0016, ref_name.encode("cp1252")) + _rec(0x003E, _utf16(ref_name))
        lib = libid.encode("cp1252")
        out += _rec(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    # 2.3.4.2.3 PROJECTMODULES
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE: 0xFFFF on write
    for m in modules:  # 2.3.4.2.3.2 MODULE record
        mname = m.name.encode("cp1252")
        out += _rec(0x0019, mname) + _rec(0x0047, _utf16(m.name))  # MODULENAME (+ Unicode)
        out += _rec(0x001A, mname) + _rec(0x0032, _utf16(m.name))  # MODULESTREAMNAME
        out += _rec(0x001C, b"") + _rec(0x0048, b"")  # MODULEDOCSTRING (+ Unicode)
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at 0, no cache
        out += _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE: 0xFFFF on write
        out += _rec(0x0021 if m.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _rec(0x002B, b"")  # Terminator
    out += _rec(0x0010, b"")  # dir stream Terminator
    return bytes(out)


def _project_id(modules: Sequence[VbaModule], project_name: str) -> str:
    """A GUID for ID= that depends only on the project's names (deterministic)."""
    key = project_name + "|" + "|".join(f"{m.kind}:{m.name}" for m in modules)
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xlpkg-vba:" + key)).upper() + "}"


def _seed(project_id: str, field_name: str) -> int:
    return hashlib.sha256(f"{project_id}{field_name}".encode()).digest()[0]


def _project_stream(modules: Sequence[VbaModule], project_name: str) -> bytes:
    """The ``PROJECT`` stream, MS-OVBA 2.3.1 (text in the project code page)."""
    pid = _project_id(modules, project_name)
    lines = [f'ID="{pid}"']
    for m in modules:  # 2.3.1.3 ProjectModules
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "standard":
            lines.append(f"Module={m.name}")
        else:
            lines.append(f"Class={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        f'VersionCompatible32="{_VERSION_COMPAT32}"',
        # 2.3.1.15-17, encrypted as in 2.4.3
        f'CMG="{encrypt_data(_CMG_NONE, pid, _seed(pid, "CMG"))}"',
        f'DPB="{encrypt_data(_DPB_NONE, pid, _seed(pid, "DPB"))}"',
        f'GC="{encrypt_data(_GC_VISIBLE, pid, _seed(pid, "GC"))}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _projectwm_stream(modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECTwm`` stream (2.3.3): each name in MBCS and UTF-16, NUL-ended."""
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(modules: Sequence[VbaModule], *, project_name: str = "VBAProject") -> bytes:
    """Return the bytes of a ``vbaProject.bin`` holding ``modules`` as source.

    Raises ValueError for a non-ASCII source, an invalid or duplicate name, or an
    unknown kind. The same input always gives the same bytes.
    """
    modules = list(modules)
    _check(modules, project_name)
    vba: dict[str, bytes] = {
        # 2.3.4.1 _VBA_PROJECT: Reserved1 0x61CC, Version 0xFFFF (forces a
        # compile from source), Reserved2 0x00, Reserved3, no PerformanceCache.
        "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
        "dir": compress(_dir_stream(modules, project_name)),
    }
    for m in modules:  # 2.3.4.3 Module stream: CompressedSourceCode at MODULEOFFSET 0
        vba[m.name] = compress(_module_text(m))
    return write_cfb(
        {
            "PROJECT": _project_stream(modules, project_name),
            "PROJECTwm": _projectwm_stream(modules),
            "VBA": vba,
        }
    )
