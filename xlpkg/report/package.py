"""The report's .docx package: the Word template read once per process, the report's
parts zipped with it as :mod:`zipfile` zips them (:mod:`xlpkg.report.zipwrite`).

Owns what python-docx did for a report without importing it (python-docx, lxml
and their object layer cost more than the whole rest of ``xlpkg report``):
reading the template (its parts, its style names → style ids, the document's
opening and its final ``w:sectPr``), the relationships and content types a
report adds (comments, chart images), the core properties, and the zip. The
bytes are the ones python-docx 1.2 wrote for the same report — same part order,
same serialisation — apart from the timestamps; ``tests/test_report_package.py``
holds them to that. Pure standard library: the template's XML is read with expat.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from xml.parsers import expat

from xlpkg.report.ooxml import attr, check_xml, esc, run_xml
from xlpkg.report.zipwrite import Data, Stream, deflated, zip_parts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
DOCUMENT, DOCUMENT_RELS = "word/document.xml", "word/_rels/document.xml.rels"
CONTENT_TYPES, CORE = "[Content_Types].xml", "docProps/core.xml"
COMMENTS = "word/comments.xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
RT_COMMENTS = REL_NS + "/comments"
RT_IMAGE = REL_NS + "/image"
# python-docx's default-comments.xml root, as it serialises it
COMMENTS_OPEN = (
    '<w:comments xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    f'xmlns:r="{REL_NS}" xmlns:w="{W_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas">')
# python-docx's names for the built-in styles whose names styles.xml spells in lower case
_UI_NAMES = {"Caption": "caption", "Footer": "footer", "Header": "header",
             **{f"Heading {i}": f"heading {i}" for i in range(1, 10)}}
MAX_PROPERTY = 255   # characters python-docx allows in a core property
# A comment's paragraph; its first one opens with the comment's mark
_COMMENT_P = '<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>'
_COMMENT_FIRST = (_COMMENT_P + '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                  "<w:annotationRef/></w:r>")


class Template:
    """What a report needs of the template, read once (see :func:`parsed_template`)."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(_bytes_io(data)) as z:
            self.members = [(i.filename, z.read(i)) for i in z.infolist()]
        parts = dict(self.members)
        self.styles = _styles(parts["word/styles.xml"])
        doc = parts[DOCUMENT].decode("utf-8")
        start = doc.rindex("<w:sectPr")
        end = doc.index("</w:sectPr>", start) + len("</w:sectPr>")
        self.body_open, self.sect, self.body_close = doc[:start], doc[start:end], doc[end:]
        check_xml(doc)   # the report's texts are checked as they are escaped (ooxml.esc)
        self._deflated: dict[str, bytes] = {}   # part → its deflated bytes (zipwrite)
        self.rels = [a["Id"] for a in _elements(parts[DOCUMENT_RELS], "Relationship")]
        self.defaults = {a["Extension"]: a["ContentType"]
                         for a in _elements(parts[CONTENT_TYPES], "Default")}
        self.overrides = {a["PartName"]: a["ContentType"]
                          for a in _elements(parts[CONTENT_TYPES], "Override")}
        # lxml writes an element without content as <x/>: python-docx re-serialised it so
        self.core = re.sub(r"<([\w:]+)([^<>]*)></\1>", r"<\1\2/>", parts[CORE].decode("utf-8"))

    def deflated(self, name: str) -> bytes:
        """The deflated bytes of the template's part ``name``, as it is: once per process."""
        found = self._deflated.get(name)
        if found is None:
            found = self._deflated[name] = deflated(dict(self.members)[name])
        return found

    def style_id(self, name: str, kind: str = "paragraph") -> str | None:
        """The id of the style named ``name`` (``None`` for the default style of its kind,
        which a paragraph gets without a ``w:pStyle``), as python-docx looked it up."""
        found = self.styles["names"].get(_UI_NAMES.get(name, name))
        if found is None:
            raise KeyError(f"no style with name '{name}'")
        style_type, style_id = found
        if style_type != kind:
            raise ValueError(f"style '{name}' is not of type {kind}")
        return None if style_id == self.styles["defaults"].get(kind) else style_id


def _elements(xml: bytes, name: str) -> list[dict[str, str]]:
    """The attributes of every ``name`` element of a small package part (expat)."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attrs: found.append(attrs) if tag == name else None
    parser.Parse(xml, True)
    return found


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def _styles(xml: bytes) -> dict:
    """Style name → (type, id), and the default style id of each type, from styles.xml."""
    names: dict[str, tuple[str, str]] = {}
    defaults: dict[str, str] = {}
    current: list = []
    parser = expat.ParserCreate(namespace_separator=" ")
    style_tag, name_tag = f"{W_NS} style", f"{W_NS} name"
    w = f"{W_NS} "

    def start(tag, attrs):
        if tag == style_tag:
            current[:] = [attrs.get(w + "type", "paragraph"), attrs.get(w + "styleId", "")]
            if attrs.get(w + "default") in ("1", "true", "on"):
                defaults[current[0]] = current[1]   # the last default of a type counts
        elif tag == name_tag and current:
            names.setdefault(attrs.get(w + "val", ""), (current[0], current[1]))

    def end(tag):
        if tag == style_tag:
            current.clear()

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(xml, True)
    return {"names": names, "defaults": defaults}


@lru_cache(maxsize=4)
def parsed_template(data: bytes) -> Template:
    """The template's parts, parsed once per process (a batch worker renders hundreds)."""
    return Template(data)


# ---------------------------------------------------------------- the package being written


class Package:
    """A report being written into a copy of the template: the relationships, comments and
    images it adds, then :meth:`docx` assembles the .docx bytes."""

    def __init__(self, template: Template):
        self.template = template
        self.rels = list(template.rels)
        self.new_rels: list[tuple[str, str, str]] = []    # (rId, type, target)
        self.comments: list[bytes] = []   # each comment's XML, encoded
        self.images: list[tuple[str, str, bytes]] = []    # (sha1, partname, png)
        self.props: dict[str, str] = {}
        self.shape_id = 0
        self._date = ""     # the comments' timestamp (UTC), taken at the first one
        self._document: _Encoder | None = None   # the parts as handed on (hand_on)
        self._comments: _Encoder | None = None
        self._comments_sent = 0
        # (text, author, initials) → a comment's XML after its id, encoded: a finding on
        # two figures (a task's target and its actual) is the same comment twice
        self._comment_xml: dict[tuple[str, str, str], bytes] = {}

    def _relate(self, reltype: str, target: str) -> str:
        for rid, kind, tgt in self.new_rels:
            if kind == reltype and tgt == target:
                return rid
        n = next(n for n in range(1, len(self.rels) + 2) if f"rId{n}" not in self.rels)
        rid = f"rId{n}"
        self.rels.append(rid)
        self.new_rels.append((rid, reltype, target))
        return rid

    def add_comment(self, text: str, author: str, initials: str) -> int:
        """A Word comment (one paragraph per line of ``text``); returns its id."""
        if not self.comments:
            self._relate(RT_COMMENTS, "comments.xml")
            self._date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cid = len(self.comments)
        key = (text, author, initials)
        body = self._comment_xml.get(key)
        if body is None:
            first, *rest = text.split("\n")
            body = self._comment_xml[key] = (
                f'{_by(author, initials)} w:date="{self._date}">{_COMMENT_FIRST}'
                + (run_xml(first) if first else "") + "</w:p>"
                + "".join(f"{_COMMENT_P}{run_xml(s) if s else ''}</w:p>" for s in rest)
                + "</w:comment>").encode("utf-8")
        self.comments.append(b'<w:comment w:id="%d" %s' % (cid, body))
        return cid

    def add_image(self, png: bytes, width_emu: int) -> str:
        """A PNG scaled to ``width_emu``: the run content (``w:drawing``) that shows it."""
        import hashlib  # only for charts: _hashlib loads OpenSSL

        sha1 = hashlib.sha1(png).hexdigest()
        part = next((p for s, p, _ in self.images if s == sha1), None)
        if part is None:
            part = f"media/image{len(self.images) + 1}.png"
            self.images.append((sha1, part, png))
        rid = self._relate(RT_IMAGE, part)
        cx, cy = _scaled(png, width_emu)
        self.shape_id += 1
        sid = self.shape_id
        return ('<w:drawing><wp:inline xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
                'main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{sid}" name="Picture {sid}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
                '</wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.'
                'openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
                '<pic:cNvPr id="0" name="image.png"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
                '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
                f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
                '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>')

    def set_property(self, tag: str, value) -> None:
        """A core property (``dc:title`` …); dates as python-docx wrote them (…Z)."""
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif len(value) > MAX_PROPERTY:
            raise ValueError(f"exceeded {MAX_PROPERTY} char limit for property, got:\n\n'{value}'")
        self.props[tag] = value

    # ------------------------------------------------------------ assembly

    def _core(self) -> str:
        core = self.template.core
        for tag, value in self.props.items():
            text = esc(value)
            start = core.find(f"<{tag}>")
            if start < 0:
                start = core.find(f"<{tag} ")
            if start < 0:
                start = core.find(f"<{tag}/>")
            if start < 0:   # not in the template: appended, as python-docx adds it
                core = core.replace("</cp:coreProperties>", f"<{tag}>{text}</{tag}>"
                                    "</cp:coreProperties>")
                continue
            open_end = core.index(">", start)
            if core[open_end - 1] == "/":      # <tag/> or <tag attr="…"/>
                head, end = core[start:open_end - 1], open_end + 1
            else:
                head = core[start:open_end]
                end = core.index(f"</{tag}>", open_end) + len(f"</{tag}>")
            core = f"{core[:start]}{head}>{text}</{tag}>{core[end:]}"
        return core

    def _content_types(self) -> str:
        defaults = dict(self.template.defaults)
        overrides = dict(self.template.overrides)
        if self.comments:
            overrides["/" + COMMENTS] = COMMENTS_TYPE
        if self.images:   # python-docx gives image/png a Default, not an Override
            defaults["png"] = "image/png"
        return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types">'
                + "".join(f'<Default Extension="{attr(e)}" ContentType="{attr(defaults[e])}"/>'
                          for e in sorted(defaults))
                + "".join(f'<Override PartName="{attr(p)}" ContentType="{attr(overrides[p])}"/>'
                          for p in sorted(overrides))
                + "</Types>")

    def _document_rels(self, old: bytes) -> bytes:
        if not self.new_rels:
            return old
        extra = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{attr(target)}"/>'
                        for rid, kind, target in self.new_rels)
        return old.decode("utf-8").replace("</Relationships>", extra + "</Relationships>") \
            .encode("utf-8")

    def hand_on(self, body: Iterable[str], encoded: Iterable[bytes] = ()) -> None:
        """XML of the document's body that is final, in order — ``body``'s texts, then the
        ``encoded`` pieces (UTF-8: a table's) — with the comments made so far: into the
        parts' :class:`~xlpkg.report.zipwrite.Stream` now, to be deflated while the rest
        of the report is written. :meth:`docx` takes the rest."""
        if self._document is None:
            self._document = _Encoder(self.template.body_open)
        self._document.add(body)
        self._document.add_encoded(encoded)
        if len(self.comments) > self._comments_sent:
            if self._comments is None:
                self._comments = _Encoder(XML_HEAD + COMMENTS_OPEN)
            self._comments.add_encoded(self.comments[self._comments_sent:])
            self._comments_sent = len(self.comments)

    def close(self) -> None:
        """The parts' deflating threads end (a report abandoned half way included)."""
        for encoder in (self._document, self._comments):
            if encoder is not None:
                encoder.stream.close()

    def docx(self, body: Iterable[str], sect: str) -> bytes:
        """The .docx bytes: ``body`` (the XML of the document's blocks not handed on yet,
        in order) before the final ``sect``. The document and the comments are most of a
        large report: each goes piece by piece into a stream that deflates it while the
        next pieces are made (see :meth:`hand_on`; the caller ends the streams' threads
        with :meth:`close`, whatever happens)."""
        t = self.template
        self.hand_on(chain(body, (sect + t.body_close,)))
        replaced: dict[str, Data] = {
            DOCUMENT: self._document.close(),
            CONTENT_TYPES: self._content_types().encode("utf-8"),
            CORE: self._core().encode("utf-8")}
        if self.new_rels:
            replaced[DOCUMENT_RELS] = self._document_rels(dict(t.members)[DOCUMENT_RELS])
        parts = [(name, replaced[name], None) if name in replaced else
                 (name, data, t.deflated(name)) for name, data in t.members]
        for _, _, target in self.new_rels:
            if target == "comments.xml":
                self._comments.add(("</w:comments>",))
                parts.append((COMMENTS, self._comments.close(), None))
            else:
                parts.append(("word/" + target,
                              next(png for _, p, png in self.images if p == target), None))
        return zip_parts(parts)


#: Encoded pieces (a table's cells, a batch of texts) joined at a time into a part's
#: stream: about 250 KB of a table, large enough to be worth a handover to the deflating
#: thread, small enough that the first is soon there. Joined by ``bytes.join``, not looked
#: at one by one: a 5,500-row table is 40,000 pieces.
PIECE_TEXTS = 2048


class _Encoder:
    """A part's XML into a :class:`Stream`: texts encoded as UTF-8 a batch at a time, and
    pieces already encoded as they are, :data:`PIECE_TEXTS` pieces at a time."""

    def __init__(self, head: str = ""):
        self.stream = Stream()
        self._pending = [head.encode("utf-8")]

    def add(self, texts: Iterable[str]) -> None:
        self.add_encoded(("".join(texts).encode("utf-8"),))

    def add_encoded(self, pieces: Iterable[bytes]) -> None:
        pending, n = self._pending, PIECE_TEXTS
        pending += pieces
        if len(pending) >= n:
            whole = len(pending) - len(pending) % n
            for at in range(0, whole, n):
                self.stream.add(b"".join(pending[at:at + n]))
            del pending[:whole]

    def close(self) -> Stream:
        """The stream, every piece in it."""
        if self._pending or not self.stream.chunks:
            self.stream.add(b"".join(self._pending))
            self._pending.clear()
        return self.stream


@lru_cache(maxsize=16)   # a report's comments have one author
def _by(author: str, initials: str) -> str:
    """A comment's author attributes."""
    return f'w:author="{attr(author)}" w:initials="{attr(initials)}"'


def _scaled(png: bytes, width_emu: int) -> tuple[int, int]:
    """(cx, cy) of a PNG shown ``width_emu`` wide, from its pixels and pHYs dpi (72 without)."""
    px_w, px_h = struct.unpack(">II", png[16:24])
    dpi_x = dpi_y = 72
    pos = 8
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"pHYs":
            ppu_x, ppu_y, unit = struct.unpack(">IIB", png[pos + 8:pos + 17])
            if unit == 1:
                dpi_x = round(ppu_x * 0.0254) if ppu_x else 72
                dpi_y = round(ppu_y * 0.0254) if ppu_y else 72
            break
        if kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    native_w = int(px_w / dpi_x * 914400)
    native_h = int(px_h / dpi_y * 914400)
    return width_emu, round(native_h * (float(width_emu) / float(native_w)))
