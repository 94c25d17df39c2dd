"""MS-OVBA: compression, protection-field encryption and the project streams.

Independent readers: oletools (decompress_stream, VBA_Parser) and olefile.
"""

from __future__ import annotations

import io
import random
import struct

import olefile
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from xlpkg.vba.ovba import VbaModule, build_vba_project, compress, decompress, encrypt_data


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


# MS-OVBA 3.2.1 No Compression Example
SPEC_321_PLAIN = b"abcdefghijklmnopqrstuv."
SPEC_321_PACKED = _hex(
    "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"
)
# MS-OVBA 3.2.2 Normal Compression Example (the learn.microsoft.com text) ...
SPEC_322_PLAIN = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_322_PACKED = _hex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
    " 00 20 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"
)
# ... and as printed in the PDF edition: other copy tokens, same text.
SPEC_322_PACKED_PDF = _hex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
    " 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"
)


@pytest.mark.parametrize(
    ("packed", "plain"),
    [
        (SPEC_321_PACKED, SPEC_321_PLAIN),
        (SPEC_322_PACKED, SPEC_322_PLAIN),
        (SPEC_322_PACKED_PDF, SPEC_322_PLAIN),
    ],
)
def test_spec_examples_decompress(packed, plain):
    assert decompress(packed) == plain
    assert decompress_stream(bytearray(packed)) == plain


@pytest.mark.parametrize(
    ("plain", "packed"), [(SPEC_321_PLAIN, SPEC_321_PACKED), (SPEC_322_PLAIN, SPEC_322_PACKED)]
)
def test_compress_reproduces_the_spec_examples_byte_for_byte(plain, packed):
    assert compress(plain) == packed


def _assert_roundtrip(data: bytes) -> bytes:
    packed = compress(data)
    assert decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data
    return packed


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=13_000))
def test_roundtrip_binary(data):
    _assert_roundtrip(data)


_VBA_ALPHABET = "  \r\nabcdefDimAsEndSub()=\"'.,_0123456789"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_VBA_ALPHABET, max_size=20_000))
def test_roundtrip_text_like(text):
    _assert_roundtrip(text.encode("ascii"))


def _chunk_headers(packed: bytes) -> list[int]:
    """The CompressedChunkHeaders of a container, walking chunk by chunk."""
    headers, pos = [], 1
    while pos < len(packed):
        (header,) = struct.unpack_from("<H", packed, pos)
        headers.append(header)
        pos += (header & 0x0FFF) + 3 if header & 0x8000 else 2 + 4096
    return headers


def test_incompressible_data_is_still_written_as_compressed_chunks():
    # Random bytes and base64 text (which does not compress) must never give a
    # RawChunk (flag bit 0): Excel writes compressed chunks only.
    import base64

    for data in (random.Random(7).randbytes(4096 * 2 + 3700),
                 base64.b64encode(random.Random(8).randbytes(9000))):
        packed = _assert_roundtrip(data)
        headers = _chunk_headers(packed)
        assert headers and all(h & 0x8000 for h in headers), [hex(h) for h in headers]
        assert all((h & 0x0FFF) + 3 <= 4098 for h in headers)


def test_excel_saved_streams_hold_only_compressed_chunks():
    ole = olefile.OleFileIO(_quickstart_bin())
    source = ole.openstream("VBA/dir").read()
    assert all(h & 0x8000 for h in _chunk_headers(source))


def test_a_run_longer_than_one_chunk_roundtrips():
    _assert_roundtrip(b"a" * 10_000 + b"Sub X()\r\nEnd Sub\r\n" * 300)


def test_decompress_rejects_a_bad_container():
    with pytest.raises(ValueError):
        decompress(b"\x02\x19\xb0")
    with pytest.raises(ValueError):
        decompress(b"\x01\x19\x40abc")  # chunk signature is not 0b011


def test_decompress_reads_a_real_excel_module_stream():
    # ThisWorkbook of xlwings' quickstart.xlsm, saved by Excel: a PerformanceCache,
    # then the CompressedSourceCode (found by its signature and chunk header).
    path = _quickstart_bin()
    ole = olefile.OleFileIO(path)
    raw = ole.openstream("VBA/ThisWorkbook").read()
    source = raw[raw.index(b"\x01\xb0\xb0") :]  # the CompressedSourceCode
    assert decompress(source) == decompress_stream(bytearray(source))
    assert decompress(source).startswith(b'Attribute VB_Name = "ThisWorkbook"\r\n')


def _quickstart_bin() -> io.BytesIO:
    import zipfile
    from pathlib import Path

    import xlwings

    book = Path(xlwings.__file__).parent / "quickstart.xlsm"
    if not book.exists():
        pytest.skip("xlwings quickstart.xlsm not installed")
    with zipfile.ZipFile(book) as zf:
        return io.BytesIO(zf.read("xl/vbaProject.bin"))


# --- 2.4.3 data encryption --------------------------------------------------


def _decrypt(hex_text: str) -> tuple[int, int, int, bytes, bytes]:
    """MS-OVBA 2.4.3.3 Decryption: (seed, version, project key, ignored, data)."""
    enc = bytes.fromhex(hex_text)
    seed, version, proj_key = enc[0], enc[0] ^ enc[1], enc[0] ^ enc[2]
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, enc[2], enc[1]
    plain = bytearray()
    for byte in enc[3:]:
        p = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(p)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte, p
    n = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, n)[0]
    data = bytes(plain[n + 4 :])
    assert len(data) == length
    return seed, version, proj_key, bytes(plain[:n]), data


# From the PROJECT stream of xlwings' quickstart.xlsm (written by Excel).
EXCEL_ID = "{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}"
EXCEL_FIELDS = {
    "CMG": ("A7A58C2B7CDD73E173E173E173E1", bytes(4)),
    "DPB": ("A2A089308531853185", b"\x00"),
    "GC": ("9D9FB6314A2D4B2D4BD2", b"\xff"),
}


@pytest.mark.parametrize("field", sorted(EXCEL_FIELDS))
def test_encrypt_data_reproduces_excel(field):
    hex_text, expected = EXCEL_FIELDS[field]
    seed, version, proj_key, ignored, data = _decrypt(hex_text)
    assert (version, data) == (2, expected)
    assert proj_key == sum(EXCEL_ID.encode()) & 0xFF
    assert encrypt_data(data, EXCEL_ID, seed, ignored) == hex_text


# --- the project ------------------------------------------------------------

MODULES = [
    VbaModule("ThisWorkbook", "document", ""),
    VbaModule("shGuide", "document", "Private Sub Worksheet_Activate()\nEnd Sub\n"),
    VbaModule("Module1", "standard", 'Sub Hello()\r\n    MsgBox "hi"\rEnd Sub'),
    VbaModule("Counter", "class", "Private n As Long\nPublic Sub Add()\n    n = n + 1\nEnd Sub\n"),
]


def _crlf(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text if not text or text.endswith("\n") else text + "\n"
    return text.replace("\n", "\r\n")


def _records(dir_stream: bytes) -> list[tuple[int, bytes]]:
    """Walk the decompressed dir stream (2.3.4.2): (record id, payload)."""
    out, pos = [], 0
    while pos < len(dir_stream):
        rec_id, size = struct.unpack_from("<HI", dir_stream, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: Size is Reserved (4); 6 bytes follow
            size = 6
        out.append((rec_id, dir_stream[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


def test_streams_are_exactly_the_vba_project_layout():
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(MODULES)))
    names = {"/".join(p) for p in ole.listdir()}
    expected = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    assert names == expected | {f"VBA/{m.name}" for m in MODULES}
    # 2.3.4.1: Version 0xFFFF and no PerformanceCache
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"


def test_module_streams_hold_attribute_header_and_crlf_source_at_offset_0():
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(MODULES)))
    for m in MODULES:
        text = decompress(ole.openstream(f"VBA/{m.name}").read()).decode("ascii")
        assert text.startswith(f'Attribute VB_Name = "{m.name}"\r\n')
        body = "".join(line for line in text.splitlines(True) if not line.startswith("Attribute"))
        assert body == _crlf(m.source)
    this = decompress(ole.openstream("VBA/ThisWorkbook").read()).decode()
    sheet = decompress(ole.openstream("VBA/shGuide").read()).decode()
    assert 'VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in this
    assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in sheet
    assert "Attribute VB_PredeclaredId = True\r\n" in sheet


def test_dir_stream_records():
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(MODULES, project_name="XlpkgVba")))
    records = _records(decompress(ole.openstream("VBA/dir").read()))
    first = {}
    for rec_id, payload in records:
        first.setdefault(rec_id, payload)
    assert struct.unpack("<I", first[0x0001]) == (3,)  # PROJECTSYSKIND: win64
    # PROJECTCOMPATVERSION right after PROJECTSYSKIND, as Excel 365 writes it
    excel = _records(decompress_stream(bytearray(
        olefile.OleFileIO(_quickstart_bin()).openstream("VBA/dir").read())))
    assert records[1] == excel[1] and records[1][0] == 0x004A
    assert struct.unpack("<I", first[0x0002]) == (0x409,)  # PROJECTLCID
    assert struct.unpack("<H", first[0x0003]) == (1252,)  # PROJECTCODEPAGE
    assert first[0x0004] == b"XlpkgVba"
    libids = [p[4 : 4 + struct.unpack_from("<I", p)[0]] for i, p in records if i == 0x000D]
    assert libids[0].startswith(rb"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#")
    assert libids[1].startswith(rb"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#")
    assert struct.unpack("<H", first[0x000F]) == (len(MODULES),)
    assert [p for i, p in records if i == 0x001A] == [m.name.encode() for m in MODULES]
    assert {p for i, p in records if i == 0x0031} == {b"\0\0\0\0"}  # MODULEOFFSET 0
    types = [i for i, _ in records if i in (0x0021, 0x0022)]
    assert types == [0x0022, 0x0022, 0x0021, 0x0022]
    assert records[-1] == (0x0010, b"")


def test_project_stream():
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(MODULES)))
    lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert lines[0].startswith('ID="{') and lines[0].endswith('}"')
    project_id = lines[0][4:-1]
    assert lines[1:5] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=shGuide/&H00000000",
        "Module=Module1",
        "Class=Counter",
    ]
    assert 'Name="VBAProject"' in lines
    assert 'VersionCompatible32="393222000"' in lines
    fields = dict(line.split("=", 1) for line in lines if line[:3] in ("CMG", "DPB", "GC="))
    plain = {"CMG": bytes(4), "DPB": b"\x00", "GC": b"\xff"}
    for key, expected in plain.items():
        _, version, proj_key, _, data = _decrypt(fields[key].strip('"'))
        assert (version, proj_key, data) == (2, sum(project_id.encode()) & 0xFF, expected)
    assert "[Host Extender Info]" in lines and "[Workspace]" in lines
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"ThisWorkbook\0T\0h\0i\0s\0") and wm.endswith(b"\0\0\0\0")


def _xlsm(vba_bin: bytes, codenames: list[str]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_vba_name("ThisWorkbook")
    for name in codenames:
        wb.add_worksheet(name).set_vba_name(name)
    wb.add_vba_project(io.BytesIO(vba_bin), is_stream=True)
    wb.close()
    return buf.getvalue()


def test_olevba_reads_every_module_back():
    book = _xlsm(build_vba_project(MODULES), ["shGuide"])
    parser = VBA_Parser("book.xlsm", data=book)
    got = {vba_name: code for _, _, vba_name, code in parser.extract_macros()}
    ext = {"document": "cls", "class": "cls", "standard": "bas"}
    assert set(got) == {f"{m.name}.{ext[m.kind]}" for m in MODULES}
    for m in MODULES:
        code = got[f"{m.name}.{ext[m.kind]}"]
        body = "".join(ln for ln in code.splitlines(True) if not ln.startswith("Attribute VB_"))
        assert body == _crlf(m.source)


def test_two_builds_are_byte_identical():
    assert build_vba_project(MODULES) == build_vba_project(list(MODULES))


@pytest.mark.parametrize(
    "modules",
    [
        [VbaModule("Module1", "standard", "' 检查\n")],  # non-ASCII source
        [VbaModule("1Module", "standard", "")],  # not an identifier
        [VbaModule("Has Space", "standard", "")],
        [VbaModule("x" * 32, "standard", "")],  # longer than 31 characters
        [VbaModule("Mod", "standard", ""), VbaModule("MOD", "class", "")],  # duplicate
        [VbaModule("Mod", "form", "")],  # unknown kind
        [],
    ],
)
def test_invalid_modules_are_rejected(modules):
    with pytest.raises(ValueError):
        build_vba_project(modules)
