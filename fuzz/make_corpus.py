#!/usr/bin/env python
"""Write a corpus of nasty input files for xlpkg: ``python fuzz/make_corpus.py OUTDIR``.

Owns the hostile and messy inputs of issue 7, each with what xlpkg must do with
it (:class:`Case`): ``refused`` — exit 2, a Chinese message naming the file;
``read`` — exit 0, and findings naming the given cells. ``OUTDIR/corpus.json``
lists the same for people who try the files by hand; ``tests/test_hostile.py``
runs every command over them.

Most workbooks start from a real one (``examples/anhua-2023.yaml`` put through
``fill``) and change a few bytes of its XML, so each file is broken in exactly one
way. The zip bombs are written without ever holding their inflated size: after a
full flush deflate forgets its history, so every further copy of a block
compresses to the same bytes, and a 1 GiB member costs about 1 MB to write.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"
GIB = 1 << 30
CANARY_TEXT = "XLPKG-CANARY-outside-the-workbook"

FORMULA_INJECTIONS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)",
                      '=HYPERLINK("http://example.invalid/","点我")', "=1+1")
TEMPLATE_INJECTIONS = ("{{ 7*7 }}", "{% for x in range(3) %}重复{% endfor %}",
                       "{{ ''.__class__.__mro__ }}", "{%p if true %}", "{{r x }}")
XML_SPECIAL = "甲&乙<丙>\"丁'戊]]>&amp;&#x41;\x01\x1f"


@dataclass(frozen=True)
class Case:
    """One corpus file and what xlpkg must do with it."""

    name: str
    expect: str                      # "refused" (exit 2) or "read" (exit 0, findings)
    about: str                       # what the file is, for people
    message: str = ""                # refused: the error message contains this
    codes: tuple[str, ...] = ()      # read: these finding codes are reported
    cells: tuple[str, ...] = ()      # read: some finding names each of these cells
    values: tuple[tuple[str, str], ...] = ()   # read: (field, value as exported)


# ---------------------------------------------------------------- zip helpers


def _deflate_repeated(head: bytes, chunk: bytes, count: int,
                      tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of ``head + chunk * count + tail`` → (data, crc, size), in
    time and memory proportional to ``len(chunk)``, not to the inflated size."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "deflate did not reset after a full flush"
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * count + last, crc, len(head) + len(chunk) * count + len(tail)


@dataclass
class _Raw:
    """A zip member as stored: already compressed bytes and what the headers declare."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0x800                 # UTF-8 names


def _raw(name: str, payload: bytes) -> _Raw:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _Raw(name, c.compress(payload) + c.flush(), zlib.crc32(payload), len(payload))


def _raw_zip(members: list[_Raw]) -> bytes:
    """A zip of members written byte by byte (APPNOTE 4.3), sizes as each declares."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x21,
                           m.crc, len(m.data), m.size, len(name), 0) + name + m.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method,
                               0, 0x21, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0,
                               0, offset) + name
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                       len(central), cd_offset, 0)
    return bytes(out)


# ---------------------------------------------------------------- editing a real workbook


def _esc(text: str) -> str:
    """Text for XML: markup escaped, control characters as OOXML's ``_x0001_``."""
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


class Book:
    """A workbook's zip members, edited as bytes (our own file: plain regexes suffice)."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.members = {i.filename: z.read(i) for i in z.infolist()}

    def copy(self) -> Book:
        return copy.deepcopy(self)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.members.items():
                z.writestr(name, data)
        return buf.getvalue()

    def raws(self) -> list[_Raw]:
        return [_raw(name, data) for name, data in self.members.items()]

    def text(self, member: str) -> str:
        return self.members[member].decode("utf-8")

    def put(self, member: str, text: str) -> None:
        self.members[member] = text.encode("utf-8")

    def edit(self, member: str, fn) -> None:
        self.put(member, fn(self.text(member)))

    # -- structure

    def names(self) -> dict[str, str]:
        return dict(re.findall(r'<definedName name="([^"]+)">([^<]*)</definedName>',
                               self.text("xl/workbook.xml")))

    def named_cell(self, name: str) -> tuple[str, str]:
        sheet, ref = self.names()[name].rsplit("!", 1)
        return sheet.strip("'"), ref.replace("$", "")

    def sheet_part(self, sheet: str) -> str:
        rid = re.search(rf'<sheet name="{re.escape(_esc(sheet))}" sheetId="\d+"'
                        r'(?: state="\w+")? r:id="(rId\d+)"', self.text("xl/workbook.xml"))
        target = re.search(rf'Id="{rid.group(1)}" Type="[^"]+" Target="([^"]+)"',
                           self.text("xl/_rels/workbook.xml.rels")).group(1)
        return "xl/" + target

    def table_part(self, table: str) -> str:
        for name in self.members:
            if name.startswith("xl/tables/") and f'displayName="{table}"' in self.text(name):
                return name
        raise KeyError(table)

    # -- cells

    def set_cell(self, sheet: str, ref: str, body: str, kind: str | None = None) -> None:
        """Replace cell ``ref`` of ``sheet`` by ``<c r=ref s=… t=kind>body</c>``."""
        part = self.sheet_part(sheet)
        pattern = re.compile(rf'<c r="{ref}"( s="\d+")?(?: t="\w+")?\s*(?:/>|>.*?</c>)', re.DOTALL)
        xml = self.text(part)
        found = pattern.search(xml)
        if found is None:
            raise KeyError(f"{sheet}!{ref}")
        kind_attr = f' t="{kind}"' if kind else ""
        new = f'<c r="{ref}"{found.group(1) or ""}{kind_attr}>{body}</c>'
        self.put(part, xml[:found.start()] + new + xml[found.end():])

    def set_named(self, name: str, body: str, kind: str | None = None) -> str:
        sheet, ref = self.named_cell(name)
        self.set_cell(sheet, ref, body, kind)
        return f"{sheet}!{ref}"

    def set_text(self, name: str, text: str) -> str:
        return self.set_named(name, f'<is><t xml:space="preserve">{_esc(text)}</t></is>',
                              "inlineStr")

    def set_name_ref(self, name: str, ref: str) -> None:
        self.edit("xl/workbook.xml", lambda x: re.sub(
            rf'(<definedName name="{name}">)[^<]*(</definedName>)',
            lambda m: m.group(1) + _esc(ref) + m.group(2), x))

    def rename_sheet(self, old: str, new: str) -> None:
        quoted = "'" + new.replace("'", "''") + "'"

        def fix(xml: str) -> str:
            xml = xml.replace(f'<sheet name="{_esc(old)}"', f'<sheet name="{_esc(new)}"')
            return re.sub(rf"(>)'?{re.escape(old)}'?!", lambda m: m.group(1) + _esc(quoted) + "!",
                          xml)
        self.edit("xl/workbook.xml", fix)

    def add_sheet(self, name: str, sheet_xml: str) -> None:
        n = 1 + max(int(m) for m in re.findall(r"sheet(\d+)\.xml", " ".join(self.members)))
        self.put(f"xl/worksheets/sheet{n}.xml", sheet_xml)
        rid = f"rId{900 + n}"
        self.edit("xl/_rels/workbook.xml.rels", lambda x: x.replace(
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/></Relationships>'))
        self.edit("xl/workbook.xml", lambda x: x.replace(
            "</sheets>", f'<sheet name="{_esc(name)}" sheetId="{900 + n}" r:id="{rid}"/></sheets>'))
        self.edit("[Content_Types].xml", lambda x: x.replace(
            "</Types>", f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"))


_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          "{dimension}<sheetData>{rows}</sheetData>{after}</worksheet>")


def _doctype(xml: str, decl: str) -> str:
    """Put a DOCTYPE right after the XML declaration."""
    head, _, rest = xml.partition("?>")
    return f"{head}?>{decl}{rest}"


def _laughs(levels: int = 9) -> str:
    ents = ['<!ENTITY l0 "lollollollollol">']
    ents += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return "<!DOCTYPE x [" + "".join(ents) + "]>"


# ---------------------------------------------------------------- the corpus


def _example_book(data: dict | None = None) -> Book:
    from xlpkg.core.model import from_mapping
    from xlpkg.read.data_file import read_mapping
    from xlpkg.workbook.build import workbook_bytes

    return Book(workbook_bytes(from_mapping(data if data is not None
                                            else read_mapping(EXAMPLE))))


def _example_data() -> dict:
    from xlpkg.read.data_file import read_mapping

    return read_mapping(EXAMPLE)


def injected_data() -> dict:
    """The example with formula/template injections and XML-special text in its fields."""
    data = _example_data()
    data["department"]["name"] = FORMULA_INJECTIONS[0]
    for project, text in zip(data["projects"], FORMULA_INJECTIONS[1:], strict=False):
        project["name"] = text
        project["purpose"] = TEMPLATE_INJECTIONS[0]
    for task, text in zip(data["key_tasks"], TEMPLATE_INJECTIONS, strict=False):
        task["note"] = text
    data["key_tasks"][0]["comparator"] = "="
    data["narrative"]["problems"] = [*TEMPLATE_INJECTIONS, XML_SPECIAL]
    data["narrative"]["other"] = ["长" * 32_000]
    return data


def build_corpus(folder: Path) -> list[Case]:
    """Write every corpus file into ``folder`` (created) and return the cases."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    cases: list[Case] = []
    base = _example_book()
    canary = folder / "canary.txt"
    canary.write_text(CANARY_TEXT, encoding="utf-8")

    def put(name: str, data: bytes | str, expect: str, about: str, **kw) -> None:
        path = folder / name
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        cases.append(Case(name, expect, about, **kw))

    def refused(name, data, about, message=""):
        put(name, data, "refused", about, message=message)

    def book(name, b: Book, about, **kw):
        put(name, b.bytes(), "read", about, **kw)

    good = base.bytes()
    (folder / "good.xlsm").write_bytes(good)

    # -- files that are not what they claim --------------------------------------
    from xlpkg.vba.cfb import write_cfb

    refused("random.xlsx", rng.randbytes(4096), "random bytes", "不是 Excel 工作簿")
    refused("random-pk.xlsm", b"PK\x03\x04" + rng.randbytes(2048), "zip magic, then noise",
            "无法读取工作簿")
    biff = struct.pack("<HHHH", 0x0809, 16, 0x0600, 0x0005) + bytes(12)   # a BOF record
    xls = write_cfb({"Workbook": biff + bytes(4096), "SummaryInformation": bytes(64)})
    refused("old.xls", xls, "an Excel 97-2003 workbook", "旧版 Excel")
    refused("old-renamed.xlsx", xls, "an .xls renamed .xlsx", "旧版 Excel")
    refused("table.csv.xlsx", "单位,年度\n安化县总工会,2023\n", "a CSV renamed .xlsx",
            "不是 Excel 工作簿")
    refused("html.xls", "<html><table><tr><td>1</td></tr></table></html>",
            "an HTML table saved as .xls by a web system", "旧版 Excel")
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + (
        b'<?xml version="1.0"?><encryption xmlns="http://schemas.microsoft.com/office/2006/'
        b'encryption"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        b'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    encrypted = write_cfb({"EncryptionInfo": info,
                           "EncryptedPackage": struct.pack("<Q", 9000) + rng.randbytes(9008)})
    refused("encrypted.xlsx", encrypted, "a password-protected workbook (agile encryption)",
            "文件已加密，请先取消密码保护")
    refused("encrypted.xlsm", encrypted, "a password-protected macro workbook",
            "文件已加密，请先取消密码保护")
    refused("truncated.xlsm", good[: len(good) * 3 // 5], "a workbook cut off at 60%",
            "无法读取工作簿")
    refused("truncated-head.xlsm", good[:100], "only the first 100 bytes", "无法读取工作簿")
    refused("empty.xlsx", b"", "an empty file", "空文件")
    (folder / "folder.xlsx").mkdir(exist_ok=True)
    cases.append(Case("folder.xlsx", "refused", "a folder named like a workbook", "文件夹"))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    refused("document.xlsx", docx.getvalue(), "a Word document renamed .xlsx",
            "不是 Excel 工作簿")
    refused("gzip.xlsx", b"\x1f\x8b\x08\x00" + rng.randbytes(500), "a gzip file renamed",
            "不是 Excel 工作簿")
    zip_locked = [_Raw(m.name, m.data, m.crc, m.size, m.method, m.flags | 1)
                  for m in base.raws()]
    refused("zip-password.xlsx", _raw_zip(zip_locked), "a zip whose members are encrypted",
            "已加密")
    odd_method = [_Raw(m.name, m.data, m.crc, m.size, 99) for m in base.raws()]
    refused("zip-method99.xlsx", _raw_zip(odd_method), "an unknown compression method",
            "不支持的压缩方式")
    if hasattr(os, "getuid") and os.getuid() != 0:
        put("no-permission.xlsm", good, "refused", "a file we may not read", message="无法读取")
        os.chmod(folder / "no-permission.xlsm", 0)

    # -- zip bombs ------------------------------------------------------------------
    strings = "xl/sharedStrings.xml"
    bomb = base.raws()
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main"><si><t>')
    data, crc, size = _deflate_repeated(head, b"A" * (1 << 20), 1024, b"</t></si></sst>")
    bomb = [_Raw(strings, data, crc, size) if m.name == strings else m for m in bomb]
    refused("bomb-1GiB-strings.xlsm", _raw_zip(bomb),
            "shared strings that inflate to 1 GiB (declared and actual)", "压缩炸弹")
    # Sizes that lie: the headers declare 40 KB (and that prefix's CRC), the stream inflates
    # to 1 GiB. zipfile stops at the declared size: the reader sees cut-off XML.
    declared = 40_000
    prefix = (head + b"A" * declared)[:declared]
    lying = [_Raw(strings, data, zlib.crc32(prefix), declared) if m.name == strings else m
             for m in base.raws()]
    refused("bomb-lying-sizes.xlsm", _raw_zip(lying),
            "declares 40 KB, inflates to 1 GiB", "无法读取工作簿")
    sheet3 = base.sheet_part("收支情况")
    row = b'<row r="20"><c r="A20"><v>1</v></c></row>' * 1000
    data, crc, size = _deflate_repeated(base.members[sheet3].split(b"</sheetData>")[0],
                                        row, 20_000, b"</sheetData></worksheet>")
    sheet_bomb = [_Raw(sheet3, data, crc, size) if m.name == sheet3 else m for m in base.raws()]
    refused("bomb-sheet.xlsm", _raw_zip(sheet_bomb), "a sheet of 800 MB of rows", "压缩炸弹")
    many = base.raws()
    zeros, zcrc, zsize = _deflate_repeated(b"", bytes(1 << 16), 2, b"")
    many += [_Raw(f"xl/media/image{i}.bin", zeros, zcrc, zsize) for i in range(2000)]
    refused("bomb-many-members.xlsm", _raw_zip(many), "2000 members of 128 KiB zeros",
            "压缩炸弹")
    tiny = base.raws() + [_raw(f"junk/{i}", b"") for i in range(12_000)]
    refused("members-12000.xlsm", _raw_zip(tiny), "12,000 zip members", "文件过多")

    # -- XML attacks -----------------------------------------------------------------
    wb = "xl/workbook.xml"
    passwd = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    canary_dtd = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{canary.resolve().as_uri()}">]>'
    for name, member, decl, use in (
        ("xxe-workbook.xlsm", wb, passwd, ("<definedName name=\"dept_name\">",
                                          "<definedName name=\"dept_name\">&e;")),
        ("xxe-canary-workbook.xlsm", wb, canary_dtd, ("<definedName name=\"dept_name\">",
                                                      "<definedName name=\"dept_name\">&e;")),
        ("xxe-strings.xlsm", strings, canary_dtd, ("<t>", "<t>&e;")),
        ("xxe-sheet.xlsm", base.sheet_part("基本情况"), canary_dtd, ("<sheetData>",
                                                                    "<sheetData>&e;")),
        ("xxe-rels.xlsm", "xl/_rels/workbook.xml.rels", canary_dtd,
         ('Target="worksheets/sheet1.xml"', 'Target="&e;"')),
        ("xxe-table.xlsm", base.table_part("tbl_tasks"), canary_dtd, ('name="', 'name="&e;')),
        ("xxe-parameter.xlsm", strings,
         f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{canary.resolve().as_uri()}"> %p;]>', ("", "")),
        ("xxe-external-dtd.xlsm", wb, '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">',
         ("", "")),
        ("laughs-workbook.xlsm", wb, _laughs(), ("<definedName name=\"dept_name\">",
                                                 "<definedName name=\"dept_name\">&l9;")),
        ("laughs-strings.xlsm", strings, _laughs(), ("<t>", "<t>&l9;")),
        ("laughs-sheet.xlsm", base.sheet_part("收支情况"), _laughs(),
         ("<sheetData>", "<sheetData>&l9;")),
        ("quadratic-strings.xlsm", strings,
         '<!DOCTYPE x [<!ENTITY a "' + "a" * 100_000 + '">]>', ("<t>", "<t>" + "&a;" * 10_000)),
    ):
        b = base.copy()
        old, new = use
        b.edit(member, lambda x, d=decl, o=old, n=new: _doctype(x.replace(o, n, 1) if o else x, d))
        refused(name, b.bytes(), f"entities or a DTD in {member}", "不允许的实体")
    b = base.copy()
    b.edit("xl/_rels/workbook.xml.rels", lambda x: x.replace(
        'Target="worksheets/sheet3.xml"', 'Target="../../../../../../etc/passwd"', 1))
    refused("rels-traversal.xlsm", b.bytes(), "a sheet relationship pointing at /etc/passwd",
            "缺少部件")
    b = base.copy()
    b.edit("xl/_rels/workbook.xml.rels", lambda x: x.replace(
        'Target="worksheets/sheet3.xml"',
        f'Target="{canary.resolve().as_uri()}" TargetMode="External"', 1))
    book("rels-external.xlsm", b, "a sheet relationship to a file outside (TargetMode=External)",
         codes=("BAD_NAME",))
    deep = "<x>" * 200_000 + "</x>" * 200_000
    b = base.copy()
    b.edit(base.sheet_part("收支情况"), lambda x: x.replace("<sheetData>",
                                                         f"<sheetData>{deep}", 1))
    b.edit(wb, lambda x: x.replace("<bookViews>", f"<extLst>{deep}</extLst><bookViews>", 1))
    book("deep-nesting.xlsm", b, "200,000 nested elements in workbook.xml and a sheet",
         codes=("SUM_MISMATCH",))

    # -- workbook shapes --------------------------------------------------------------
    b = base.copy()
    for gone in ("out_training_prior", "out_training_budget", "out_training_actual",
                 "gf_actual", "soe_actual", "ssf_actual"):
        b.edit(wb, lambda x, g=gone: re.sub(rf'<definedName name="{g}">[^<]*</definedName>',
                                            "", x))
    b.edit(b.table_part("tbl_scores"), lambda x: x.replace('displayName="tbl_scores"',
                                                           'displayName="tbl_selfscore"'))
    book("old-template.xlsm", b, "an older template without some names",
         codes=("WORKBOOK_NAMES_MISSING",))

    b = base.copy()
    b.rename_sheet("收支情况", "2023 收支（决算）")
    b.rename_sheet("基本情况", "Bob's 基本")
    b.add_sheet("附表 未知", _SHEET.format(dimension="", after="", rows=(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>tbl_tasks</t></is></c>'
        '<c r="B1" t="e"><v>#REF!</v></c></row>')))
    book("renamed-and-extra-sheets.xlsm", b, "sheets renamed (names follow), an unknown sheet",
         codes=("SUM_MISMATCH",), cells=("2023 收支（决算）!E12",))

    b = base.copy()
    part = b.sheet_part("项目支出")
    b.edit(part, lambda x: re.sub(r'<row r="7"([^>]*)>', r'<row r="7"\1 hidden="1">', x, 1))
    b.edit(part, lambda x: x.replace("</sheetData>", "</sheetData><mergeCells count=\"1\">"
                                     '<mergeCell ref="A1:F1"/></mergeCells>', 1)
           if "<mergeCells" not in x else x)
    b.edit(part, lambda x: re.sub(r'(<row r="8"[^>]*>).*?(</row>)', r"\1\2", x, 1, re.DOTALL))
    book("merged-hidden-blank.xlsm", b, "merged title, a hidden row, a blank row in a table",
         codes=("SUM_MISMATCH",), values=(("projects.count", "3"),))

    b = base.copy()
    b.edit(b.table_part("tbl_projects"), lambda x: x.replace('name="本年决算数"', 'name="决算"'))
    book("wrong-header.xlsm", b, "a table column renamed", codes=("TABLE_COLUMN_MISSING",))

    b = base.copy()
    b.set_name_ref("dept_year", "#REF!")
    b.set_name_ref("exp_basic_prior", "'已删除的表'!$B$11")
    b.set_name_ref("exp_total_prior", "收支情况!$B$10:$E$10")
    b.set_name_ref("inc_total_prior", "[1]Sheet1!$A$1")
    b.set_name_ref("exp_project_prior", "收支情况!$A:$A")
    b.set_name_ref("gf_actual", '"常量"')
    b.set_name_ref("fa_total", "收支情况!$A$1:$XFD$1048576")
    b.set_name_ref("carry_begin", "自评表!$A$1")          # another sheet: read from there
    book("bad-names.xlsm", b, "names on #REF!, a missing sheet, ranges, other workbooks",
         codes=("BAD_NAME",))

    b = base.copy()
    cells = {
        "exp_basic_actual": b.set_text("exp_basic_actual", " 298.18 "),
        "exp_public_actual": b.set_text("exp_public_actual", "３２.６７"),
        "exp_personnel_actual": b.set_text("exp_personnel_actual", "265.50万元"),
        "dept_year": b.set_text("dept_year", "２０２３"),
        "staff_actual": b.set_text("staff_actual", "\u3000 25\u00a0"),
        "exp_total_budget_final": b.set_text("exp_total_budget_final", "1,234.50"),
        "carry_end": b.set_text("carry_end", "—"),
        "out_reception_actual": b.set_text("out_reception_actual", "十五点九五"),
        "exp_project_actual": b.set_named("exp_project_actual", "<v>#REF!</v>", "e"),
        "out_meeting_actual": b.set_named("out_meeting_actual", "<f>1/0</f><v>#DIV/0!</v>",
                                          "e"),
        "out_training_actual": b.set_named("out_training_actual", "<v>#N/A</v>", "e"),
        "proc_budget": b.set_text("proc_budget", "见附件"),
        "exp_total_actual": b.set_named("exp_total_actual", "<f>SUM(E11,E14)</f>"),
        "fa_in_use": b.set_named("fa_in_use", "<v>12.5</v>", "str"),
    }
    book("typed-values.xlsm", b, "numbers typed as text, Chinese numerals, error cells",
         codes=("UNREADABLE_VALUE", "FORMULA_NO_RESULT"),
         cells=tuple(cells[k] for k in ("out_reception_actual", "exp_project_actual",
                                        "out_meeting_actual", "out_training_actual",
                                        "proc_budget", "exp_total_actual")),
         values=(("exp_basic_actual", "298.18"), ("exp_public_actual", "32.67"),
                 ("exp_personnel_actual", "265.50"), ("dept_year", "2023"),
                 ("staff_actual", "25"), ("exp_total_budget_final", "1234.50"),
                 ("carry_end", "None"), ("out_reception_actual", "None"),
                 ("exp_project_actual", "None"), ("fa_in_use", "12.5")))

    b = base.copy()
    odd = {
        "exp_basic_prior": b.set_named("exp_basic_prior", "<v>1e308</v>"),
        "exp_public_prior": b.set_named("exp_public_prior", "<v>NaN</v>"),
        "exp_project_prior": b.set_named("exp_project_prior", "<v>abc</v>"),
        "exp_personnel_prior": b.set_named("exp_personnel_prior", "<v>1</v>", "b"),
        "inc_fiscal_actual": b.set_named("inc_fiscal_actual", "<v>1e-300</v>"),
        "inc_other_actual": b.set_named("inc_other_actual", "<v>99999999</v>", "s"),
        "out_total_prior": b.set_text("out_total_prior", "9" * 5000),
        "carry_begin": b.set_text("carry_begin", "1e999999999"),
    }
    book("odd-numbers.xlsm", b, "1e308, NaN, text in a number cell, booleans, bad indices",
         codes=("UNREADABLE_VALUE",),
         cells=tuple(v for k, v in odd.items() if k != "inc_other_actual"))

    b = base.copy()
    for sheet in ("收支情况", "基本情况"):
        b.edit(b.sheet_part(sheet), lambda x: re.sub(
            r"<dimension ref=\"[^\"]*\"/>", '<dimension ref="A1:XFD1048576"/>', x, 1).replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    b.edit(b.table_part("tbl_projects"), lambda x: re.sub(r'ref="A(\d+):(\w+?)\d+"',
                                                          r'ref="A\1:\g<2>1048576"', x, 1))
    b.edit(b.sheet_part("项目支出"), lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>最后一行的项目'
        "</t></is></c></row></sheetData>"))
    book("huge-dimension.xlsm", b, "dimension A1:XFD1048576, stray cells in row 1048576",
         codes=("SUM_MISMATCH",))

    b = base.copy()
    junk = "".join(f"<si><t>填充字符串{i:07d}{rng.getrandbits(64):016x}</t></si>"
                   for i in range(300_000))
    b.edit(strings, lambda x: re.sub(r"(<sst[^>]*>)", lambda m: m.group(1) + junk, x, 1))
    for name in list(b.members):
        if name.startswith("xl/worksheets/sheet"):
            b.edit(name, lambda x: re.sub(r'(t="s"><v>)(\d+)(</v>)',
                                          lambda m: f"{m.group(1)}{int(m.group(2)) + 300_000}"
                                                    f"{m.group(3)}", x))
    book("many-strings.xlsm", b, "300,000 extra shared strings before the real ones (~20 MB)",
         codes=("SUM_MISMATCH",))

    b = base.copy()
    b.edit(wb, lambda x: x.replace("</definedNames>", "".join(
        f'<definedName name="junk{i}">收支情况!$A${i % 1000 + 1}</definedName>'
        for i in range(50_000)) + "</definedNames>"))
    book("many-names.xlsm", b, "50,000 extra defined names", codes=("SUM_MISMATCH",))

    b = base.copy()
    b.edit(b.sheet_part("基本情况"), lambda x: x.replace('<c r="B5"', '<c r="ZZZZ5"', 1))
    refused("bad-cell-ref.xlsm", b.bytes(), "a cell address outside the sheet",
            "无法读取工作簿")
    b = base.copy()
    del b.members[base.sheet_part("收支情况")]
    refused("missing-sheet-part.xlsm", b.bytes(), "a sheet's XML missing from the zip",
            "缺少部件")
    b = base.copy()
    b.edit(b.table_part("tbl_tasks"), lambda x: x.replace('ref="', 'ref="nonsense', 1))
    book("bad-table-ref.xlsm", b, "a table whose range is not a range",
         codes=("WORKBOOK_NAMES_MISSING",))

    b = _example_book(injected_data())
    book("injection.xlsm", b, "formula and template injections, XML-special and long text",
         codes=("SUM_MISMATCH",),
         values=(("department.name", FORMULA_INJECTIONS[0]),))
    b = base.copy()
    b.set_text("dept_name", XML_SPECIAL + "{{ 7*7 }}")
    b.set_text("exp_basic_prior", "=1+1")
    long_text = ("长文本" + XML_SPECIAL) * 1_000 + "。"   # ~29,000 characters, within Excel's limit
    b.set_cell("文字内容", "B4", f'<is><t xml:space="preserve">{_esc(long_text)}</t></is>',
               "inlineStr")
    part = b.sheet_part("文字内容")
    b.edit(part, lambda x: x.replace("</sheetData>",
                                     '<row r="40"><c r="B40" t="inlineStr"><is><t>'
                                     + "很长" * 1_000_000 + "</t></is></c></row></sheetData>"))
    book("special-text.xlsm", b, "XML-special and control characters, a 30,000-character "
         "paragraph, 2 M characters in a cell outside the tables", codes=("UNREADABLE_VALUE",),
         values=(("narrative.longest", str(len(long_text))),))

    # -- issue 14, reading side --------------------------------------------------------
    raw = bytearray(base.bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as z:
        info = z.getinfo(base.sheet_part("收支情况"))
    start = info.header_offset + 30 + sum(struct.unpack_from("<HH", raw, info.header_offset + 26))
    raw[start + 20:start + 28] = b"\xff" * 8          # an invalid deflate block
    refused("corrupt-deflate.xlsm", bytes(raw), "a sheet whose deflate stream is damaged", "损坏")
    b = base.copy()
    b.edit(b.table_part("tbl_tasks"), lambda x: x.replace("<table ", '<table headerRowCount="99" ', 1))
    book("header-rows.xlsm", b, "a table declaring more header rows than it has",
         codes=("TABLE_BAD_HEADER",))
    text = EXAMPLE.read_text(encoding="utf-8")
    refused("shape-projects.yaml", re.sub(r"projects:\n(  - .*\n)+", "projects: 5\n", text),
            "a table written as a number", "“projects”")

    # -- data files -------------------------------------------------------------------
    refused("laughs.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\n"
            "c: [*b, *b, *b, *b, *b, *b]\n", "YAML aliases (billion laughs)", "别名")
    refused("deep.json", "[" * 100_000 + "]" * 100_000, "JSON nested 100,000 deep", "嵌套")
    refused("deep.yaml", "a: " + "[" * 50_000 + "]" * 50_000 + "\n", "YAML nested 50,000 deep",
            "嵌套")
    refused("binary.yaml", rng.randbytes(2000), "random bytes named .yaml", "UTF-8")
    refused("python-tag.yaml", "department: !!python/object/apply:os.system ['echo pwned']\n",
            "a YAML tag that would run code in an unsafe loader", "YAML 格式错误")
    data = injected_data()
    put("injection.json", json.dumps(data, ensure_ascii=False, default=str), "read",
        "formula/template injections in a data file", codes=("SUM_MISMATCH",))

    (folder / "corpus.json").write_text(json.dumps([asdict(c) for c in cases],
                                                   ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write xlpkg's corpus of hostile input files.")
    parser.add_argument("outdir", type=Path, help="folder to write the files into")
    args = parser.parse_args(argv)
    cases = build_corpus(args.outdir)
    for c in cases:
        print(f"{c.expect:8} {c.name:34} {c.about}")
    print(f"{len(cases)} files in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["CANARY_TEXT", "FORMULA_INJECTIONS", "TEMPLATE_INJECTIONS", "XML_SPECIAL", "Book",
           "Case", "build_corpus", "injected_data", "main"]
