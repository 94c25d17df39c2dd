"""Where a workbook's cells come from: a saved .xlsx/.xlsm file, or a live xlwings Book.

Owns the small interface the workbook reader needs — the defined names, the
tables, and the values of a few rectangles per sheet — and its two
implementations, so that one reader (:mod:`xlpkg.read.workbook_read`) serves the
command line and the Excel buttons alike.

:class:`SavedSource` reads the file's own XML (``zipfile`` + ``defusedxml``, never
plain ``xml.etree`` on untrusted input; member sizes are checked before anything
is decompressed) and keeps only the cells asked for. It does not use
python-calamine for values: calamine reports Excel error cells (``#REF!``) and
formulas without a stored result as blank, and it builds a dense grid of the
whole used area (a stray value in row 1048576 costs gigabytes); both matter here.
It never writes the file. :class:`LiveSource` reads an open Book through xlwings,
one call per rectangle (a whole table in one call, not one call per cell).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self
from xml.etree.ElementTree import ParseError as XmlParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from xlpkg.core.money import EXCEL_ERRORS  # the one list of Excel error values
from xlpkg.errors import InputError, XlpkgError

MAX_ROW, MAX_COL = 1_048_576, 16_384

# ---------------------------------------------------------------- cell values


class CellError(str):
    """An Excel error value read from a cell (``#REF!``, ``#DIV/0!`` …).

    A ``str`` so that :func:`xlpkg.core.money.parse_number` reports it with the
    cell, like any other unreadable text.
    """

    __slots__ = ()


class _NoResult:
    """A formula cell with no stored result (never calculated by Excel)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_RESULT"


NO_RESULT = _NoResult()


def plain_value(value: Any) -> Any:
    """One cell value as the reader wants it: integral floats as ``int`` (2023, not
    2023.0, so ``export`` writes what ``fill`` wrote), ``""`` as ``None``, Excel
    error text as :class:`CellError`."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if isinstance(value, str) and not isinstance(value, CellError):
        if value == "":
            return None
        if value in EXCEL_ERRORS:
            return CellError(value)
    return value


# ---------------------------------------------------------------- addresses


@dataclass(frozen=True)
class Rect:
    """A rectangle of cells, 1-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def is_cell(self) -> bool:
        return self.top == self.bottom and self.left == self.right

    @property
    def area(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def contains(self, row: int, col: int) -> bool:
        return self.top <= row <= self.bottom and self.left <= col <= self.right

    def a1(self) -> str:
        start = a1(self.top, self.left)
        return start if self.is_cell else f"{start}:{a1(self.bottom, self.right)}"


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """(6, 6) → ``F6``."""
    return f"{column_letters(col)}{row}"


_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_COLUMNS: dict[str, int] = {}


def split_a1(ref: str) -> tuple[int, int]:
    """``$F$6`` → (6, 6); ``ValueError`` if it is not a cell address inside the sheet."""
    m = _CELL.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    letters = m.group(1)
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    row = int(m.group(2))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(ref)
    return row, col


def parse_rect(ref: str) -> Rect:
    """``B3:D6`` (or ``B3``) → :class:`Rect`; ``ValueError`` otherwise."""
    first, _, last = ref.partition(":")
    top, left = split_a1(first)
    bottom, right = split_a1(last) if last else (top, left)
    return Rect(min(top, bottom), min(left, right), max(top, bottom), max(left, right))


class BadReference(ValueError):
    """A defined name that does not point at cells; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^'!]+))!(.+)")


def parse_reference(text: str) -> tuple[str, Rect]:
    """A defined name's formula (``'支出情况'!$F$6``) → (sheet name, rectangle).

    Raises :class:`BadReference` for ``#REF!``, other workbooks, constants and
    formulas: anything that is not one rectangle on one sheet.
    """
    text = (text or "").strip()
    if text.startswith("="):
        text = text[1:].strip()
    if not text:
        raise BadReference("没有指向任何单元格")
    if "#REF!" in text.upper():
        raise BadReference("的引用已失效（#REF!），原来的单元格可能已被删除")
    m = _SHEET_REF.fullmatch(text)
    if not m:
        raise BadReference(f"不是单元格引用（“{text[:40]}”）")
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    if sheet.startswith("["):
        raise BadReference("指向了其他工作簿")
    try:
        rect = parse_rect(m.group(3))
    except ValueError:
        raise BadReference(f"不是单元格引用（“{text[:40]}”）") from None
    return sheet, rect


def cell_label(sheet: str, row: int, col: int) -> str:
    """The ``sheet!A1`` form findings carry (CONTRACT §4)."""
    return f"{sheet}!{a1(row, col)}"


# ---------------------------------------------------------------- the interface


@dataclass(frozen=True)
class TableRef:
    """One Excel table (ListObject): where it is and what its columns are called."""

    name: str
    sheet: str
    rect: Rect                         # the whole table: header, body and totals
    header_rows: int = 1
    totals_rows: int = 0
    columns: tuple[str, ...] | None = None   # None: take them from the header row

    @property
    def body(self) -> Rect | None:
        top = self.rect.top + self.header_rows
        bottom = self.rect.bottom - self.totals_rows
        if bottom < top:
            return None
        return Rect(top, self.rect.left, bottom, self.rect.right)


Cells = dict[tuple[int, int], Any]


class CellSource(Protocol):
    """What the workbook reader needs from a workbook, saved or live.

    ``fetch`` returns only non-empty cells, as ``(row, col) → value``: ``int`` /
    ``float`` / ``str`` / ``bool`` / :class:`CellError` / :data:`NO_RESULT`
    (live books may also give ``datetime``).
    """

    name: str

    def sheet_names(self) -> list[str]: ...

    def defined_names(self) -> dict[str, str]: ...

    def tables(self) -> dict[str, TableRef]: ...

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]: ...


class _Wanted:
    """Fast membership test for "is this cell in one of the requested rectangles"."""

    def __init__(self, rects: Sequence[Rect]):
        self.cells = {(r.top, r.left) for r in rects if r.is_cell}
        self.blocks = [r for r in rects if not r.is_cell]
        self.top = min((r.top for r in rects), default=1)
        self.bottom = max((r.bottom for r in rects), default=0)

    def __call__(self, row: int, col: int) -> bool:
        if row < self.top or row > self.bottom:
            return False
        if (row, col) in self.cells:
            return True
        return any(b.contains(row, col) for b in self.blocks)


# ---------------------------------------------------------------- saved files

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024   # all members, as declared, uncompressed
MAX_PART_BYTES = 100 * 1024 * 1024    # one XML part we parse
MAX_RATIO = 250                       # uncompressed / compressed, for parts over 10 MB
_RATIO_FLOOR = 10 * 1024 * 1024

_REL_OFFICE_DOCUMENT = "/officeDocument"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _local(tag: str) -> str:
    """``{namespace}name`` → ``name``: transitional and strict OOXML alike."""
    return tag.rsplit("}", 1)[-1]


def _rel_id(el) -> str | None:
    for key, value in el.attrib.items():
        if key.startswith("{") and key.endswith("}id") and "relationships" in key:
            return value
    return None


def _unescape(text: str) -> str:
    """OOXML writes control characters as ``_x000D_``; give them back."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


class _SharedIndex(int):
    """A shared-string index, resolved once every sheet has been read."""


class SavedSource:
    """A saved .xlsx/.xlsm, read from its XML parts; the file is opened read-only."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.name
        with self._reading():
            self._zip = zipfile.ZipFile(self.path)
        try:
            with self._reading():
                self._check_sizes()
                self._load_workbook()
        except BaseException:
            self._zip.close()
            raise

    # -- lifetime

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- errors

    def _fail(self, why: str) -> InputError:
        return InputError(f"{self.name}：无法读取工作簿（{why}）",
                          "请确认文件是用 Excel 保存的 .xlsx/.xlsm 且没有损坏；"
                          "可在 Excel 中打开后“另存为”一份再试")

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn zip/XML failures into one Chinese :class:`InputError` naming the file."""
        try:
            yield
        except XlpkgError:
            raise
        except Exception as exc:  # mapped to a message, or re-raised
            why = _why(exc)
            if why is None:
                raise
            raise self._fail(why) from None

    # -- zip members

    def _check_sizes(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self._fail(f"压缩包内文件过多（{len(infos)} 个）")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise self._fail(f"解压后超过 {MAX_TOTAL_BYTES // 2**20} MB，可能是压缩炸弹或已损坏")
        for info in infos:
            if (info.file_size > _RATIO_FLOOR
                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise self._fail(f"部件 {info.filename} 压缩比异常，可能是压缩炸弹")
        self._members = {i.filename.lstrip("/"): i for i in infos}

    def _read(self, part: str) -> bytes:
        info = self._members.get(part)
        if info is None:
            raise self._fail(f"缺少部件 {part}")
        if info.file_size > MAX_PART_BYTES:
            raise self._fail(f"部件 {part} 过大")
        try:
            with self._zip.open(info) as fh:
                # Ask for no more than the declared size: zipfile inflates up to what is asked
                # in one go before cutting to the declared size, so a member that lies about its
                # size would otherwise cost MAX_PART_BYTES of memory.
                data = fh.read(info.file_size + 1)
        except (zlib.error, zipfile.BadZipFile, EOFError):   # damaged compressed data
            raise self._fail(f"部件 {part} 已损坏，无法解压") from None
        if len(data) > MAX_PART_BYTES:
            raise self._fail(f"部件 {part} 过大")
        return data

    def _xml(self, part: str):
        # OOXML parts never carry a DTD: refuse any, as the expat handlers below do.
        return fromstring(self._read(part), forbid_dtd=True)

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type, target part path)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self._members:
            return {}
        out = {}
        for rel in self._xml(rels_part):
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
            out[rel.get("Id", "")] = (rel.get("Type", ""), path)
        return out

    # -- workbook structure

    def _load_workbook(self) -> None:
        main = next((path for kind, path in self._rels("").values()
                     if kind.endswith(_REL_OFFICE_DOCUMENT)), "xl/workbook.xml")
        if main not in self._members:
            raise InputError(f"{self.name}：不是 Excel 工作簿（找不到 {main}）",
                             "请提供 .xlsx/.xlsm 工作簿")
        root = self._xml(main)
        rels = self._rels(main)
        self._sheet_parts: dict[str, str] = {}
        self._names: dict[str, str] = {}
        local_names: dict[str, str] = {}
        for el in root.iter():
            tag = _local(el.tag)
            if tag == "sheet":
                kind, path = rels.get(_rel_id(el) or "", ("", ""))
                if kind.endswith("/worksheet"):
                    self._sheet_parts[el.get("name", "")] = path
            elif tag == "definedName":
                name = el.get("name", "")
                target = local_names if el.get("localSheetId") is not None else self._names
                target.setdefault(name, el.text or "")
        for name, ref in local_names.items():   # workbook-scoped names win
            self._names.setdefault(name, ref)
        self._strings_part = next((path for kind, path in rels.values()
                                   if kind.endswith("/sharedStrings")), None)

    def sheet_names(self) -> list[str]:
        return list(self._sheet_parts)

    def defined_names(self) -> dict[str, str]:
        return dict(self._names)

    def tables(self) -> dict[str, TableRef]:
        out: dict[str, TableRef] = {}
        with self._reading():
            for sheet, part in self._sheet_parts.items():
                for kind, path in self._rels(part).values():
                    if not kind.endswith("/table") or path not in self._members:
                        continue
                    ref = self._table(sheet, path)
                    if ref is not None:
                        out.setdefault(ref.name, ref)
        return out

    def _table(self, sheet: str, part: str) -> TableRef | None:
        root = self._xml(part)
        name = root.get("displayName") or root.get("name") or ""
        try:
            rect = parse_rect(root.get("ref", ""))
        except ValueError:
            return None
        columns = tuple(_unescape(c.get("name", "")) for c in root.iter()
                        if _local(c.tag) == "tableColumn")
        return TableRef(name, sheet, rect,
                        header_rows=int(root.get("headerRowCount", "1") or 1),
                        totals_rows=int(root.get("totalsRowCount", "0") or 0),
                        columns=columns)

    # -- cells

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]:
        out: dict[str, Cells] = {}
        shared: set[int] = set()
        with self._reading():
            for sheet, rects in requests.items():
                part = self._sheet_parts.get(sheet)
                cells = self._sheet_cells(part, _Wanted(rects)) if part and rects else {}
                shared.update(v for v in cells.values() if type(v) is _SharedIndex)
                out[sheet] = cells
            if shared:
                strings = self._shared_strings(shared)
                for cells in out.values():
                    for key, value in cells.items():
                        if type(value) is _SharedIndex:
                            cells[key] = plain_value(strings.get(value, ""))
            for cells in out.values():
                for key in [k for k, v in cells.items() if v is None]:
                    del cells[key]
        return out

    def _sheet_cells(self, part: str, wanted: _Wanted) -> Cells:
        handler = _SheetHandler(wanted)
        try:
            _parse(self._read(part), handler)
        except _Done:
            pass
        return handler.cells

    def _shared_strings(self, wanted: set[int]) -> dict[int, str]:
        if not self._strings_part or self._strings_part not in self._members:
            return {}
        handler = _StringsHandler(wanted)
        try:
            _parse(self._read(self._strings_part), handler)
        except _Done:
            pass
        return handler.strings


# Sheets and shared strings are read by handlers bound straight to an expat parser
# hardened exactly as defusedxml's DefusedExpatParser(forbid_dtd=True) hardens it
# (with defusedxml's own exceptions): no DTD, no entity declarations, no external
# references. Not ElementTree: the defused ElementTree builds every element in
# Python, several times slower. Not defusedxml.expatreader itself: it imports
# xml.sax, which imports urllib.request — 50 ms more on every fresh start.


def _forbid_dtd(name, sysid, pubid, has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name, is_parameter, value, base, sysid, pubid, notation):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed(name, base, sysid, pubid, notation):
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _parse(data: bytes, handler) -> None:
    """Feed ``data`` to ``handler.start/end/data`` through a defused expat parser."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid_dtd    # OOXML parts never carry a DTD
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed
    parser.ExternalEntityRefHandler = _forbid_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    parser.Parse(data, True)


class _Done(Exception):
    """Every wanted string has been read: stop parsing."""


class _SheetHandler:
    """Collects the wanted ``<c>`` cells of one worksheet (see :func:`_cell_value`).

    Called for every element, so it does the least work it can: rows outside the
    wanted ones are passed over, and parsing stops at ``</sheetData>``.
    """

    def __init__(self, wanted: _Wanted):
        self.wanted = wanted
        self.cells: Cells = {}
        self.row = self.col = 0
        self.row_wanted = False
        self.pos: tuple[int, int] | None = None   # the wanted cell being read
        self.kind = "n"
        self.formula = False
        self.value: list[str] | None = None       # <v> text
        self.inline: list[str] | None = None      # <is> text
        self.buf: list[str] | None = None         # where characters go now
        self.phonetic = False

    def start(self, name, attrs):
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            self.col += 1
            if not self.row_wanted:
                return
            ref = attrs.get("r")
            if ref:
                self.row, self.col = split_a1(ref)
            if self.wanted(self.row, self.col):
                self.pos = (self.row, self.col)
                self.kind = attrs.get("t", "n")
                self.formula = False
                self.value = self.inline = self.buf = None
        elif tag == "row":
            r = attrs.get("r")
            self.row = int(r) if r else self.row + 1
            self.col = 0
            self.row_wanted = self.wanted.top <= self.row <= self.wanted.bottom
        elif self.pos is None:
            return
        elif tag == "v":
            self.value = self.buf = []
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.buf = self.inline

    def end(self, name):
        if self.pos is None:
            if name.endswith("sheetData"):
                raise _Done
            return
        tag = name if ":" not in name else name.rpartition(":")[2]
        if tag == "c":
            value = _cell_value(self.kind, self.value, self.formula, self.inline)
            if value is not None:
                self.cells[self.pos] = value
            self.pos = None
        elif tag in ("v", "t"):
            self.buf = None
        elif tag == "rPh":
            self.phonetic = False

    def data(self, content):
        if self.buf is not None:
            self.buf.append(content)


class _StringsHandler:
    """Reads the wanted entries of the shared-string table (rich text joined, no phonetics)."""

    def __init__(self, wanted: set[int]):
        self.wanted = wanted
        self.last = max(wanted)
        self.strings: dict[int, str] = {}
        self.index = -1
        self.parts: list[str] | None = None
        self.collect = False
        self.phonetic = False

    def start(self, name, attrs):
        tag = name.rpartition(":")[2]
        if tag == "si":
            self.index += 1
            if self.index > self.last:
                raise _Done
            self.parts = [] if self.index in self.wanted else None
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.parts is not None and not self.phonetic:
            self.collect = True

    def end(self, name):
        tag = name.rpartition(":")[2]
        if tag == "t":
            self.collect = False
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "si" and self.parts is not None:
            self.strings[self.index] = _unescape("".join(self.parts))
            self.parts = None

    def data(self, content):
        if self.collect:
            self.parts.append(content)


def _cell_value(kind: str, value: list[str] | None, formula: bool,
                inline: list[str] | None) -> Any:
    """One cell's stored value (see :class:`CellSource`); ``None`` when empty."""
    if kind == "inlineStr":
        return plain_value(_unescape("".join(inline))) if inline is not None else None
    v = None if value is None else "".join(value)
    if v is None or (v == "" and kind not in ("str", "s")):
        return NO_RESULT if formula else None
    if kind == "s":
        index = v.strip()
        if not index.isdecimal():
            return plain_value(v)
        return _SharedIndex(int(index) if len(index) < 12 else -1)   # -1: no such string
    if kind == "e":
        return CellError(v.strip())
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind in ("str", "d"):
        return plain_value(_unescape(v))
    try:
        return plain_value(float(v))
    except ValueError:
        # Not a number where one is stored: hand the text on, so the finding that
        # says it is unreadable names this cell (Excel itself would refuse the file).
        return plain_value(v)


def _why(exc: BaseException) -> str | None:
    """A short Chinese reason for a failure while reading the zip/XML, or None to re-raise."""
    if isinstance(exc, zipfile.BadZipFile):
        return "文件已损坏或不是 zip 格式"
    if isinstance(exc, DefusedXmlException):
        return "XML 中含有不允许的实体或外部引用"
    if isinstance(exc, (XmlParseError, expat.ExpatError)):
        return "XML 格式错误"
    if isinstance(exc, (NotImplementedError, RuntimeError)):
        return "使用了不支持的压缩方式或已加密"
    if isinstance(exc, OSError):
        return f"读取出错：{exc.strerror or type(exc).__name__}"
    if isinstance(exc, (ValueError, LookupError, EOFError)):
        return f"XML 内容不符合 Excel 工作簿的格式（{type(exc).__name__}）"
    if isinstance(exc, MemoryError):
        return "内存不足，文件过大或已损坏"
    return None


# ---------------------------------------------------------------- live books (xlwings)

LIVE_BLOCK_LIMIT = 20_000   # cells: read scattered named cells as one block up to this size


class LiveSource:
    """An open workbook in Excel, through xlwings (``xw.Book.caller()``)."""

    def __init__(self, book: Any):
        self.book = book
        self.name = book.name

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def defined_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        local: dict[str, str] = {}
        for item in self.book.names:
            full = item.name
            ref = item.refers_to
            if ref is None:   # older remote clients: only the range is known
                rng = item.refers_to_range
                ref = f"'{rng.sheet.name.replace(chr(39), chr(39) * 2)}'!{rng.address}"
            if "!" in full:   # a sheet-scoped name shows as Sheet1!name
                local.setdefault(full.rsplit("!", 1)[1], ref)
            else:
                out.setdefault(full, ref)
        for name, ref in local.items():
            out.setdefault(name, ref)
        return out

    def tables(self) -> dict[str, TableRef]:
        out: dict[str, TableRef] = {}
        for sheet in self.book.sheets:
            for table in sheet.tables:
                rng = table.range
                top, left = rng.row, rng.column
                height, width = rng.shape
                out.setdefault(table.name, TableRef(
                    table.name, sheet.name, Rect(top, left, top + height - 1, left + width - 1),
                    header_rows=1 if table.show_headers else 0,
                    totals_rows=1 if table.show_totals else 0,
                    columns=None))
        return out

    def fetch(self, requests: Mapping[str, Sequence[Rect]]) -> dict[str, Cells]:
        out: dict[str, Cells] = {}
        for sheet_name, rects in requests.items():
            sheet = self.book.sheets[sheet_name]
            cells: Cells = {}
            for block in _blocks(rects):
                values = sheet.range((block.top, block.left), (block.bottom, block.right)) \
                    .options(ndim=2, err_to_str=True).value
                for i, row in enumerate(values or ()):
                    for j, value in enumerate(row):
                        value = plain_value(value)
                        if value is not None:
                            cells[(block.top + i, block.left + j)] = value
            out[sheet_name] = cells
        return out


def _blocks(rects: Sequence[Rect]) -> Iterator[Rect]:
    """Each table in one read; scattered single cells as one bounding block if small."""
    singles = [r for r in rects if r.is_cell]
    yield from (r for r in rects if not r.is_cell)
    if not singles:
        return
    box = Rect(min(r.top for r in singles), min(r.left for r in singles),
               max(r.bottom for r in singles), max(r.right for r in singles))
    if box.area <= LIVE_BLOCK_LIMIT:
        yield box
    else:
        yield from singles
