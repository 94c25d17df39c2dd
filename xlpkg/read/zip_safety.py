"""Bounded, defused reading of an untrusted OOXML zip and its XML parts.

Owns every defence the saved-workbook reader stands on: the zip's member count,
declared sizes and compression ratios are checked before anything is
decompressed; a member is never inflated past its declared size; XML is parsed
by expat hardened as defusedxml hardens it (no DTD, no entities, no external
references); and every failure — a damaged zip, a corrupt deflate stream, bad
XML, an unsupported compression, a read error, memory running out — becomes one
Chinese :class:`~xlpkg.errors.InputError` naming the file (:class:`SafeZip`).
"""

from __future__ import annotations

import posixpath
import queue
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.parsers import expat

from xlpkg.errors import InputError, XlpkgError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024   # all members, as declared, uncompressed
MAX_PART_BYTES = 100 * 1024 * 1024    # one XML part we parse
MAX_RATIO = 250                       # uncompressed / compressed, for parts over 10 MB
_RATIO_FLOOR = 10 * 1024 * 1024

_OUT_OF_MEMORY = "内存不足，文件过大或已损坏"
PIECE_BYTES = 1 << 18                 # inflated and parsed at a time (SafeZip.parse)
READ_AHEAD_BYTES = 2 * 1024 * 1024    # a part this large is inflated on a thread (_ahead)


def local_name(tag: str) -> str:
    """``{namespace}name`` → ``name``: transitional and strict OOXML alike."""
    return tag.rsplit("}", 1)[-1]


class SafeZip:
    """An OOXML package opened read-only, its members read within fixed bounds."""

    def __init__(self, path: Path, name: str):
        self.path = Path(path)
        self.name = name
        with self.reading():
            self._zip = zipfile.ZipFile(self.path)
        try:
            with self.reading():
                self._check_sizes()
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    # -- errors

    def fail(self, why: str) -> InputError:
        return InputError(f"{self.name}：无法读取工作簿（{why}）",
                          "请确认文件是用 Excel 保存的 .xlsx/.xlsm 且没有损坏；"
                          "可在 Excel 中打开后“另存为”一份再试")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn zip/XML failures into one Chinese :class:`InputError` naming the file."""
        try:
            yield
        except XlpkgError:
            raise
        except Exception as exc:  # mapped to a message, or re-raised
            why = failure_reason(exc)
            if why is None:
                raise
            raise self.fail(why) from None

    # -- members

    def _check_sizes(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.fail(f"压缩包内文件过多（{len(infos)} 个）")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise self.fail(f"解压后超过 {MAX_TOTAL_BYTES // 2**20} MB，可能是压缩炸弹或已损坏")
        for info in infos:
            if (info.file_size > _RATIO_FLOOR
                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise self.fail(f"部件 {info.filename} 压缩比异常，可能是压缩炸弹")
        self._members = {i.filename.lstrip("/"): i for i in infos}

    def has(self, part: str) -> bool:
        return part in self._members

    def _info(self, part: str) -> zipfile.ZipInfo:
        info = self._members.get(part)
        if info is None:
            raise self.fail(f"缺少部件 {part}")
        if info.file_size > MAX_PART_BYTES:
            raise self.fail(f"部件 {part} 过大")
        return info

    def _pieces(self, part: str, info: zipfile.ZipInfo, piece: int) -> Iterator[bytes]:
        """The part (its :meth:`_info`) inflated ``piece`` bytes at a time, to its end
        (where zipfile checks its CRC), never past its declared size and a byte."""
        # Ask for no more than the declared size: zipfile inflates up to what is asked
        # in one go before cutting to the declared size, so a member that lies about its
        # size would otherwise cost MAX_PART_BYTES of memory.
        left = info.file_size + 1
        try:
            with self._zip.open(info) as fh:
                while left > 0:
                    data = fh.read(min(piece, left))
                    if not data:
                        return
                    left -= len(data)
                    if info.file_size + 1 - left > MAX_PART_BYTES:
                        raise self.fail(f"部件 {part} 过大")
                    yield data
        except (zlib.error, zipfile.BadZipFile, EOFError):   # damaged compressed data
            raise self.fail(f"部件 {part} 已损坏，无法解压") from None

    def read(self, part: str) -> bytes:
        info = self._info(part)
        return b"".join(self._pieces(part, info, info.file_size + 1))

    def parse(self, part: str, handler) -> None:
        """``part`` through ``handler`` (see :func:`parse`) as it is inflated, a piece at
        a time: the part is never whole in memory, nor copied whole into expat's buffer
        (a 10 MB sheet: 40 ms and 3,600 page faults less). Whatever stops the parse —
        the handler's own ``Done``, bad XML — the rest is still inflated, so a damaged
        part is refused as damaged, before the XML errors it causes, as when read whole."""
        with self.stream(part) as pieces:
            parser = defused_parser(handler)
            for data in pieces:
                parser.Parse(data, False)
            parser.Parse(b"", True)

    @contextmanager
    def stream(self, part: str) -> Iterator[Iterator[bytes]]:
        """``part``'s bytes as they are inflated, a piece at a time (on a thread of
        their own for a large part). However the reader leaves — done early, failed —
        the rest is inflated on leaving, so that zipfile checks the part's CRC: a
        damaged part is refused as damaged, not as what it makes its reader say."""
        info = self._info(part)
        pieces = self._pieces(part, info, PIECE_BYTES)
        if info.file_size >= READ_AHEAD_BYTES:
            pieces = _ahead(pieces)
        try:
            yield pieces
        except Exception:
            for _ in pieces:   # (a failure to inflate is raised instead)
                pass
            raise
        for _ in pieces:
            pass

    def xml(self, part: str) -> Element:
        """A small part (workbook, rels, table) as a tree of :class:`Element`."""
        tree = _TreeBuilder()
        parse(self.read(part), tree, namespaces=True)
        return tree.root

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type, target part path)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self._members:
            return {}
        out = {}
        for rel in self.xml(rels_part):
            if local_name(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
            out[rel.get("Id", "")] = (rel.get("Type", ""), path)
        return out


_END = object()


def _ahead(pieces: Iterator[bytes], depth: int = 4) -> Iterator[bytes]:
    """``pieces`` made on a thread of their own, up to ``depth`` ahead of their use. zlib
    lets go of the interpreter while it inflates, so on a second core a large part is
    inflated while the pieces before are parsed. A failure comes in its place, after
    the pieces made before it; a consumer that stops early stops the thread."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for piece in pieces:
                if not put((piece, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # noqa: BLE001 - raised again on the consumer's thread
            put((_END, exc))
        finally:
            pieces.close()

    thread = threading.Thread(target=make, name="xlpkg-inflate", daemon=True)
    thread.start()
    try:
        while True:
            piece, exc = box.get()
            if piece is _END:
                if exc is not None:
                    raise exc
                return
            yield piece
    finally:
        stop.set()
        thread.join()


# Sheets and shared strings are read by handlers bound straight to an expat parser
# hardened exactly as defusedxml's DefusedExpatParser(forbid_dtd=True) hardens it:
# no DTD, no entity declarations, no external references (each refused with
# :class:`ForbiddenXml`; defusedxml itself is not loaded for it). Not ElementTree: the defused ElementTree builds every element in
# Python, several times slower. Not defusedxml.expatreader itself: it imports
# xml.sax, which imports urllib.request — 50 ms more on every fresh start.


class ForbiddenXml(ValueError):
    """A part declares a DTD or an entity, or refers to an external one."""


def _forbid_dtd(name, sysid, pubid, has_internal_subset):
    raise ForbiddenXml(f"DTD {name!r} (system {sysid!r}, public {pubid!r})")


def _forbid_entity(name, is_parameter, value, base, sysid, pubid, notation):
    raise ForbiddenXml(f"entity {name!r} (system {sysid!r}, public {pubid!r})")


def _forbid_unparsed(name, base, sysid, pubid, notation):
    raise ForbiddenXml(f"unparsed entity {name!r} (system {sysid!r}, public {pubid!r})")


def _forbid_external(context, base, sysid, pubid):
    raise ForbiddenXml(f"external reference (system {sysid!r}, public {pubid!r})")


def parse(data: bytes, handler, *, namespaces: bool = False) -> None:
    """Feed ``data`` to ``handler.start/end/data`` through a defused expat parser;
    with ``namespaces``, names arrive as ``namespace}local``."""
    defused_parser(handler, namespaces=namespaces).Parse(data, True)


def defused_parser(handler, *, namespaces: bool = False):
    """A defused expat parser calling ``handler.start/end/data``."""
    parser = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid_dtd    # OOXML parts never carry a DTD
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed
    parser.ExternalEntityRefHandler = _forbid_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    bind = getattr(handler, "bind", None)
    if bind is not None:   # a handler that switches its own text handler on and off
        bind(parser)
    return parser


class Element:
    """One element of a small part, named as ElementTree names it (``{namespace}local``,
    attributes too); the few parts read whole are parsed by :func:`parse` as well,
    not by the defused ElementTree (which loads a second, pure-Python ElementTree)."""

    __slots__ = ("attrib", "children", "tag", "text")

    def __init__(self, tag: str, attrib: dict[str, str]):
        self.tag, self.attrib, self.text, self.children = tag, attrib, None, []

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrib.get(key, default)

    def __iter__(self) -> Iterator[Element]:
        return iter(self.children)

    def iter(self) -> Iterator[Element]:
        """This element and every one below it, in document order."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


def _clark(name: str) -> str:
    return "{" + name if "}" in name else name


class _TreeBuilder:
    def __init__(self):
        self.root: Element | None = None
        self._open: list[Element] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        el = Element(_clark(tag), {_clark(k): v for k, v in attrs.items()})
        if self._open:
            self._open[-1].children.append(el)
        else:
            self.root = el
        self._open.append(el)

    def end(self, tag: str) -> None:
        self._open.pop()

    def data(self, text: str) -> None:
        el = self._open[-1]
        if not el.children:   # ElementTree's .text: what comes before the first child
            el.text = (el.text or "") + text


def _expat_out_of_memory(exc: BaseException) -> bool:
    """expat reports its own allocation failures as a syntax error with this code."""
    code = getattr(exc, "code", None)
    return code is not None and code == getattr(expat.errors, "codes", {}).get(
        expat.errors.XML_ERROR_NO_MEMORY)


def failure_reason(exc: BaseException) -> str | None:
    """A short Chinese reason for a failure while reading the zip/XML, or None to re-raise."""
    if isinstance(exc, MemoryError) or _expat_out_of_memory(exc):
        return _OUT_OF_MEMORY
    if isinstance(exc, zipfile.BadZipFile):
        return "文件已损坏或不是 zip 格式"
    if isinstance(exc, zlib.error):
        return "压缩数据已损坏，无法解压"
    if isinstance(exc, ForbiddenXml):
        return "XML 中含有不允许的实体或外部引用"
    if isinstance(exc, expat.ExpatError):
        return "XML 格式错误"
    if isinstance(exc, (NotImplementedError, RuntimeError)):
        return "使用了不支持的压缩方式或已加密"
    if isinstance(exc, OSError):
        return f"读取出错：{exc.strerror or type(exc).__name__}"
    if isinstance(exc, (ValueError, LookupError, EOFError)):
        return f"XML 内容不符合 Excel 工作簿的格式（{type(exc).__name__}）"
    return None
