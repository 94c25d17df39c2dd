"""Receiving one uploaded file: streamed, capped, into the server's private folder.

Owns reading a ``multipart/form-data`` body with python-multipart's streaming
parser (no HTTP parsing of our own), counting bytes as they arrive so an
oversized body is refused without reading it all, and choosing the saved
file's name. The name is always ``upload`` plus a short, harmless suffix taken
from the browser's file name (the suffix tells a workbook from a data file and
lets the reader name an ``.xls`` for what it is); nothing else the client sends
ever becomes part of a path.
"""

from __future__ import annotations

import re
from pathlib import Path

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from xlpkg.core.record import record

FILE_FIELD, TOKEN_FIELD = "file", "token"
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_PARTS = 8            # file, token and a few a browser might add
_MAX_FIELD = 512          # bytes of a text field (the token is 43)
_MAX_NAME = 120


class UploadRefused(Exception):
    """The request body cannot be taken; ``status`` and a Chinese message say why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def too_large(cap: int) -> UploadRefused:
    return UploadRefused(413, f"文件太大：本页面最多接收 {cap // (1024 * 1024)} MB 的文件")


@record(frozen=False)
class Upload:
    path: Path | None = None     # the saved copy, inside the request's private folder
    display_name: str = ""       # the name the browser gave, for messages only
    token: str | None = None     # the form field ``token``, when sent


def display_name(raw: bytes) -> str:
    """The file's own name for messages: last path part (old browsers send a full
    path), control characters dropped, length bounded."""
    name = raw.decode("utf-8", "replace")
    name = re.split(r"[\\/]", name)[-1]
    name = _CONTROL.sub("", name).strip()
    return name[:_MAX_NAME] or "未命名文件"


def saved_name(shown: str) -> str:
    suffix = Path(shown).suffix
    return "upload" + (suffix.lower() if _SUFFIX.fullmatch(suffix) else "")


class _Receiver:
    """python-multipart callbacks that write the ``file`` part and keep ``token``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.upload = Upload()
        self.headers: dict[bytes, bytes] = {}
        self.parts = 0
        self._field = self._value = b""
        self._kind: str | None = None
        self._fh = None
        self._text = bytearray()

    def on_part_begin(self):
        self.headers, self._field, self._value = {}, b"", b""

    def on_header_field(self, data, start, end):
        self._field += data[start:end]

    def on_header_value(self, data, start, end):
        self._value += data[start:end]

    def on_header_end(self):
        self.headers[self._field.strip().lower()] = self._value.strip()
        self._field = self._value = b""

    def on_headers_finished(self):
        self.parts += 1
        if self.parts > _MAX_PARTS:
            raise UploadRefused(400, "请求中的字段过多")
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._kind = None
        if name == FILE_FIELD and b"filename" in options and self.upload.path is None:
            self.upload.display_name = display_name(options[b"filename"])
            self.upload.path = self.folder / saved_name(self.upload.display_name)
            self._fh = open(self.upload.path, "xb")   # noqa: SIM115 — closed in on_part_end
            self._kind = "file"
        elif name == TOKEN_FIELD:
            self._text = bytearray()
            self._kind = "token"

    def on_part_data(self, data, start, end):
        if self._kind == "file":
            self._fh.write(data[start:end])
        elif self._kind == "token":
            self._text += data[start:end]
            if len(self._text) > _MAX_FIELD:
                raise UploadRefused(400, "请求中的字段过长")

    def on_part_end(self):
        if self._kind == "file":
            self._fh.close()
            self._fh = None
        elif self._kind == "token":
            self.upload.token = self._text.decode("utf-8", "replace")
        self._kind = None

    def close(self):
        if self._fh is not None:
            self._fh.close()


def boundary_of(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "请求格式不正确：请通过页面上传文件")
    return boundary


async def receive(stream, content_type: str | None, folder: Path, cap: int) -> Upload:
    """Read the body from ``stream`` (async iterator of bytes) into ``folder``.

    Raises :class:`UploadRefused` (413) as soon as more than ``cap`` bytes arrived.
    """
    receiver = _Receiver(folder)
    callbacks = {name: getattr(receiver, name) for name in (
        "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_part_data", "on_part_end")}
    parser = MultipartParser(boundary_of(content_type), callbacks)
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > cap:
                raise too_large(cap)
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except (FormParserError, ClientDisconnect):   # a malformed body, or the browser went away
        raise UploadRefused(400, "上传的数据不完整或格式不正确，请重新选择文件") from None
    finally:
        receiver.close()
    if receiver.upload.path is None:
        raise UploadRefused(400, "没有收到文件：请选择或拖入一个文件")
    return receiver.upload
