"""The fast paths for a worksheet's cells and the shared strings, as spreadsheet programs write them.

Owns :func:`scan_sheet`, which reads the wanted cells of one worksheet part with
regular expressions instead of an expat callback per element. A 5,500-row task
sheet is 10 MB of XML and 100,000 elements; through :class:`~xlpkg.read.sheet_xml.
SheetHandler` each element costs two Python calls, here a row of cells costs one
C scan and a Python step per cell.

It is strict, never lenient. It accepts only the form Excel, LibreOffice, WPS,
openpyxl and XlsxWriter write — ``<row r="…">`` and ``<c r="…" s t cm vm ph>`` in
that attribute order, ``<f>``, ``<v>`` and one-run ``<is>`` children, no prefixes,
comments, CDATA, numeric character references or stray text — and it answers
``None`` on anything else, before it has kept a cell. The caller then reads the
part with the handler, so every file gets the handler's answer (its cells, its
error for bad XML); the scanner only answers sooner for files whose meaning the
two agree on (``tests/test_sheet_scan.py`` holds them to it).

What expat would refuse in what the scanner accepts is refused here too: the part
before ``<sheetData>`` is parsed by the hardened expat parser itself (no DTD, no
entities, a UTF-8 declaration); in the rows, the expressions admit only
well-formed tags with unique attributes, and each block of rows is checked whole
for what text may not hold (control characters, ``]]>``, a ``&`` that starts none
of the five named entities, bytes that are not UTF-8, U+FFFE/U+FFFF).

Stops as the handler stops: after the last wanted row, at ``</sheetData>``, or once
more than ``room`` cells are kept. Values mean what they mean to the handler: each
cell goes through the same :func:`~xlpkg.read.sheet_xml.cell_value`.

:func:`scan_strings` does the same for the shared-string table (entries of one plain
``<t>`` run, as Excel and XlsxWriter write them): the part before the first entry
parsed by expat, the entries checked whole as a block of rows is, each wanted one
read by :func:`~xlpkg.read.sheet_xml.string_value` as the
:class:`~xlpkg.read.sheet_xml.StringsHandler` reads it; anything else, and a table
larger than :data:`STRINGS_LIMIT`, is left to that handler
(``tests/test_shared_strings.py`` holds the two together).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from xml.parsers.expat import ExpatError

from xlpkg.read.cells import COLUMNS, MAX_ROW, Cells, Wanted, split_a1
from xlpkg.read.sheet_xml import SharedIndex, cell_value, string_value
from xlpkg.read.zip_safety import defused_parser

_OPEN = b"<sheetData>"
_ROW_END = b"</row>"
_CLOSE = b"</sheetData>"
_ROW_END_TEXT, _CLOSE_TEXT = _ROW_END.decode(), _CLOSE.decode()
_OVERLAP = len(_CLOSE) - 1         # a marker may straddle two pieces by this much
HEAD_LIMIT = 4 * 1024 * 1024        # no <sheetData> this far in: not the usual form
BLOCK_LIMIT = 16 * 1024 * 1024      # one row longer than this: not the usual form

# Text may hold no control character but tab, newline and return (XML 1.0 Char below
# U+0080). Each is looked for on its own: a search for one byte is memchr, several times
# quicker than one pass that sorts every byte (bytes.translate).
_CONTROLS = tuple(bytes((b,)) for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))
_BAD_AMP = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos);)")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))

# Attributes with plain values, one space before each; which names, and that none
# repeats, is checked once per distinct attribute text (_unique).
_ATTRS = r'(?: [A-Za-z_][A-Za-z0-9_.:-]*+="[^"<>&]*+")*+'   # ASCII names: expat's are narrower than \w
# Every quantifier is possessive (`?+`, `*+`): what follows each part never begins as
# that part does, so giving back what it took could not make a match, only cost time.
_TOKEN = re.compile(
    # a cell: its column letters and row digits, type, formula's open tag, value, inline text
    r'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}+")?+(?: t="([A-Za-z]{1,12}+)")?+'
    r'(?: cm="[0-9]{1,9}+")?+(?: vm="[0-9]{1,9}+")?+(?: ph="(?:0|1|true|false)")?+'
    r'(?:/>|>(?:(<f' + _ATTRS + r')(?:/>|>[^<]*+</f>))?+'
    r'(<v>[^<]*+</v>|<v/>)?+(?:(<is>)<t(?: xml:space="preserve")?+>([^<]*+)</t></is>)?+</c>)'
    # a row: its digits, other attributes, and "/" when it is empty
    r'|<row r="([0-9]{1,7})"(' + _ATTRS + r')(/?)>'
    # a row's or the rows' end, or anything else (not the usual form); or white space
    r'|(</row>|</sheetData>|[^ \t\r\n])|[ \t\r\n]++')
_ATTR_NAME = re.compile(r' ([^=]+)="[^"]*"')   # (a value may hold spaces)


class _Irregular(Exception):
    """The part leaves the form the scanner reads: the handler reads it instead."""


def scan_sheet(pieces: Iterator[bytes], wanted: Wanted,
               room: int | None = None) -> tuple[Cells, list[tuple[int, int]]] | None:
    """The wanted cells of one worksheet part, given as it is inflated, and those of
    them holding a :class:`SharedIndex` (as :class:`SheetHandler` gives them); or
    ``None`` when the part is not in the usual form. ``room``: stop once more cells
    than this are kept. The caller drains what is left of ``pieces``."""
    try:
        return _cells(_blocks(_head(pieces), pieces), wanted, room)
    except _Irregular:
        return None


def _head(pieces: Iterator[bytes]) -> bytes:
    """Read up to ``<sheetData>`` and parse it with the hardened expat parser; the
    bytes after it are returned. Irregular unless it is ``worksheet > sheetData``
    in UTF-8, and well-formed, with no DTD or entity."""
    seen = b""
    for piece in pieces:
        seen += piece
        at = seen.find(_OPEN)
        if at >= 0:
            break
        if len(seen) > HEAD_LIMIT:
            raise _Irregular
    else:
        raise _Irregular
    head = _HeadCheck()
    found, at = at, at + len(_OPEN)
    try:
        defused_parser(head).Parse(seen[:at], False)
    except (ExpatError, ValueError, LookupError):   # bad or forbidden XML (ForbiddenXml), an
        # unknown encoding: the handler's reading names the fault
        raise _Irregular from None
    # the <sheetData> found must be the element itself (not text in a comment, a PI, a
    # CDATA section, or bytes of another encoding that happen to spell it)
    if (head.odd or head.path != ["worksheet", "sheetData"] or head.opened != found
            or head.encoding not in (None, "utf-8")):
        raise _Irregular
    return seen[at:]


class _HeadCheck:
    """What the part before the rows declares: the open elements, the encoding, and
    whether it holds an element the handler would act on (it reads a ``row`` or a
    ``c`` wherever it is, and stops at any end tag ending in ``sheetData``)."""

    def __init__(self):
        self.path: list[str] = []
        self.encoding: str | None = None
        self.odd = False
        self.opened: int | None = None   # where the sheetData element starts
        self._parser = None

    def start(self, name, attrs):
        if name.rpartition(":")[2] in ("row", "c"):
            self.odd = True
        if name == "sheetData":
            self.opened = self._parser.CurrentByteIndex
        self.path.append(name)

    def end(self, name):
        if name.endswith("sheetData"):
            self.odd = True
        self.path.pop()

    def data(self, text):
        pass

    def bind(self, parser):
        self._parser = parser
        parser.XmlDeclHandler = self.declaration

    def declaration(self, version, encoding, standalone):
        self.encoding = encoding.lower() if encoding else None


def _blocks(first: bytes, pieces: Iterator[bytes]) -> Iterator[str]:
    """The rows as text, in blocks that end after a ``</row>`` (or at
    ``</sheetData>``, the last), each checked whole for what text may not hold."""
    pending: list[bytes | memoryview] = []   # since the last block, holding no marker
    size, tail = 0, b""
    for piece in chain((first,), pieces):
        # A marker may begin in the pieces before: in their tail (seam), not before it.
        # Each piece is sliced only where it is cut, by a view: a block is copied once.
        seam = tail + piece[:_OVERLAP]
        if _CLOSE in seam or _CLOSE in piece:
            data = b"".join((*pending, piece))
            yield _text(data[:data.find(_CLOSE) + len(_CLOSE)])
            return
        cut = piece.rfind(_ROW_END)
        if cut >= 0:
            cut += len(_ROW_END)
        elif _ROW_END in seam:
            cut = seam.rfind(_ROW_END) + len(_ROW_END) - len(tail)
        else:
            pending.append(piece)
            size += len(piece)
            tail = (tail + piece)[-_OVERLAP:] if len(piece) < _OVERLAP else piece[-_OVERLAP:]
            if size > BLOCK_LIMIT:
                raise _Irregular
            continue
        view = memoryview(piece)
        pending.append(view[:cut])
        yield _text(b"".join(pending))
        rest = view[cut:]
        pending, size, tail = [rest], len(rest), bytes(rest[-_OVERLAP:])
    raise _Irregular   # the part ends inside <sheetData>: the handler says how it is broken


def _text(block: bytes) -> str:
    if (any(control in block for control in _CONTROLS) or b"]]>" in block
            or _BAD_AMP.search(block) is not None):
        raise _Irregular
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None
    if "\ufffe" in text or "\uffff" in text:
        raise _Irregular
    return text


def _character_data(text: str) -> str:
    """Character data as expat gives it: the five entities, line ends as ``\\n``."""
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _unique(attrs: str, known: set[str], *taken: str) -> None:
    """Irregular if an attribute repeats, or repeats one the pattern itself took."""
    if attrs in known:
        return
    names = _ATTR_NAME.findall(attrs)
    if len(set(names)) != len(names) or any(name in taken for name in names):
        raise _Irregular
    known.add(attrs)


def _column(letters: str) -> int:
    """A column not yet in the COLUMNS cache (split_a1 adds it)."""
    try:
        return split_a1(letters + "1")[1]
    except ValueError:
        raise _Irregular from None


def _value(kind: str, formula: bool, value: str, inline: str, inline_text: str) -> object:
    """A cell's value from the parts of its token (see :func:`cell_value`)."""
    if value:
        value = value[3:-4]   # (<v/> too: "")
        if "&" in value or "\r" in value:
            value = _character_data(value)
    else:
        value = None
    return cell_value(kind or "n", value, formula, _character_data(inline_text) if inline else None)


_UNREAD = object()


def _cells(blocks: Iterator[str], wanted: Wanted,
           room: int | None) -> tuple[Cells, list[tuple[int, int]]]:
    # The same stop rules and per-row shortcuts as sheet_xml._sheet_handlers.
    cells: Cells = {}
    shared: list[tuple[int, int]] = []
    top, bottom = wanted.top, wanted.bottom
    known_rows: set[str] = set()       # row and formula attribute texts without repeats
    known_formulas: set[str] = set()
    # what each stored form of a cell reads as (values are immutable): a sheet of
    # thousands of rows repeats a few thousand of them, each is read once
    read: dict[tuple, object] = {}
    row, digits = 0, ""
    in_row = False
    taking = False   # in a row, and a wanted one
    cols: frozenset[int] = frozenset()
    spans: tuple[tuple[int, int], ...] = ()
    for block in blocks:
        for (letters, cell_row, kind, formula, value, inline, inline_text,
             row_digits, row_attrs, empty_row, mark) in _TOKEN.findall(block):
            if letters:
                if formula and formula != "<f":
                    _unique(formula[2:], known_formulas)
                if not taking:   # (a cell outside a row, or in a row not wanted)
                    if not in_row:
                        raise _Irregular
                    continue
                if cell_row != digits and int(cell_row) != row:
                    raise _Irregular   # a cell naming another row than its <row>
                col = COLUMNS.get(letters) or _column(letters)
                if not (value or inline or formula):
                    continue   # an empty cell (only styled): a third of a sheet's cells
                if not (col in cols or (spans and any(a <= col <= b for a, b in spans))):
                    continue
                stored = (kind, formula != "", value, inline, inline_text)
                got = read.get(stored, _UNREAD)
                if got is _UNREAD:
                    got = read[stored] = _value(*stored)
                if got is not None:
                    pos = (row, col)
                    cells[pos] = got
                    if type(got) is SharedIndex:
                        shared.append(pos)
                    if room is not None and len(cells) > room:
                        return cells, shared
            elif row_digits:
                if in_row:
                    raise _Irregular
                if row_attrs:
                    _unique(row_attrs, known_rows, "r")
                number = int(row_digits)
                if not 1 <= number <= MAX_ROW:
                    raise _Irregular
                if number > bottom:
                    return cells, shared   # rows come in order: nothing wanted is left
                row, digits = number, row_digits
                in_row = not empty_row
                taking = in_row and top <= number
                if taking:
                    cols, spans = wanted.columns(number)
            elif mark == _ROW_END_TEXT:
                if not in_row:
                    raise _Irregular
                in_row = taking = False
            elif mark == _CLOSE_TEXT:
                if in_row:
                    raise _Irregular
                return cells, shared
            elif mark:
                raise _Irregular
    raise _Irregular   # (_blocks ends with </sheetData>)


# ---------------------------------------------------------------- the shared strings

_FIRST_ENTRY = b"<si>"
_STRINGS_END = b"</sst>"
# A larger table of strings is left to the handler, which streams it: the scanner holds
# the table whole (its bytes, its text, its entries: some six times its size in memory).
# A 5,500-row task table's strings are 0.3 MB.
STRINGS_LIMIT = 4 * 1024 * 1024
# Entries of one plain run, as Excel and the template builder write them (rich text,
# phonetics, white space between entries: not the usual form)
_ENTRY = r'<si><t(?: xml:space="preserve")?+(?:/>|>([^<]*+)</t>)</si>'
_ENTRIES = re.compile(f"(?:{_ENTRY})*+")
_ENTRY_TEXT = re.compile(_ENTRY)


def scan_strings(pieces: Iterator[bytes], wanted: set[int]) -> dict[int, str] | None:
    """The wanted entries of the shared-string table, given as it is inflated, as
    :class:`~xlpkg.read.sheet_xml.StringsHandler` reads them; or ``None`` when the part
    is not in the usual form (or larger than :data:`STRINGS_LIMIT`). It is held to the
    worksheet scanner's rules: the part before the first entry parsed by the hardened
    expat parser, the entries checked whole for what text may not hold. The caller
    drains what is left of ``pieces``."""
    try:
        return _strings(pieces, wanted)
    except _Irregular:
        return None


def _strings(pieces: Iterator[bytes], wanted: set[int]) -> dict[int, str]:
    parts, size = [], 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size > STRINGS_LIMIT:
            raise _Irregular
    data = b"".join(parts)
    first = data.find(_FIRST_ENTRY)
    if not 0 <= first <= HEAD_LIMIT:
        raise _Irregular
    head = _StringsHeadCheck()
    try:
        defused_parser(head).Parse(data[:first + len(_FIRST_ENTRY)], False)
    except (ExpatError, ValueError, LookupError):   # as in _head
        raise _Irregular from None
    if (head.odd or head.path != ["sst", "si"] or head.opened != first
            or head.encoding not in (None, "utf-8")):
        raise _Irregular
    # The handler reads to the end unless the last wanted entry comes before it: only
    # white space may follow the table (a <si> after it, expat's error, is not usual).
    end = data.find(_STRINGS_END, first)
    if end < 0 or data[end + len(_STRINGS_END):].strip(b" \t\r\n"):
        raise _Irregular
    text = _text(data[first:end])
    if _ENTRIES.fullmatch(text) is None:
        raise _Irregular
    entries = _ENTRY_TEXT.findall(text)
    return {index: string_value(_character_data(entries[index]))
            for index in sorted(wanted) if 0 <= index < len(entries)}


class _StringsHeadCheck(_HeadCheck):
    """:class:`_HeadCheck` for the part before the first entry: its open elements must
    be ``sst > si`` (that first entry), with no other element the handler acts on (it
    reads an ``si``, a ``t`` and an ``rPh`` wherever they are, and never stops at an end)."""

    def start(self, name, attrs):
        if name == "si" and self.opened is None:
            self.opened = self._parser.CurrentByteIndex
        elif name.rpartition(":")[2] in ("si", "t", "rPh"):
            self.odd = True
        self.path.append(name)

    def end(self, name):
        self.path.pop()
