"""The report's .docx is written without python-docx: each piece equals what python-docx
(and lxml under it) wrote for the same report."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree
from support import EXAMPLE

from xlpkg.pipeline import evaluate
from xlpkg.read.data_file import read_data_file
from xlpkg.report.ooxml import attr, check_xml, run_xml
from xlpkg.report.package import Package, Template, _scaled, parsed_template
from xlpkg.report.render import report_bytes
from xlpkg.report.template import template_bytes


def _png(width: int, height: int, dpi: int | None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                                           0, 0))
    if dpi:
        ppm = round(dpi / 0.0254)
        out += chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_style_ids_are_looked_up_as_python_docx_does():
    tpl = Template(template_bytes())
    d = docx.Document(io.BytesIO(template_bytes()))
    for style in d.styles:
        kind = {1: "paragraph", 2: "character", 3: "table", 4: "numbering"}[style.type]
        expected = d.part.get_style_id(style, style.type)
        assert tpl.style_id(style.name, kind) == expected, style.name
    with pytest.raises(KeyError):
        tpl.style_id("没有这个样式")


@pytest.mark.parametrize("text", ["普通文字", " 前后有空格 ", "a&b<c>d\"e'f", "{{ x }} <w:p>",
                                  "tab\there", "line\nbreak\r", "", "\u3000全角空格",
                                  "句末空格\u3000", "\xa0不换行空格", "中 间", "\t"])
@pytest.mark.parametrize("bold", [True, False])
def test_runs_serialise_as_lxml_did(text, bold):
    d = docx.Document()
    p = d.add_paragraph()
    run = p.add_run(text)
    if bold:
        run.bold = True
    expected = re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(run._r, encoding="unicode"))
    assert run_xml(text, bold=bold) == expected


def test_attribute_values_escape_as_lxml_did():
    for value in ['a"b', "a&b<c>", "多行\n文字\t"]:
        el = parse_xml(f"<w:x {nsdecls('w')}/>")
        el.set("v", value)
        assert f'v="{attr(value)}"' in etree.tostring(el, encoding="unicode")


def test_text_xml_cannot_hold_is_refused():
    with pytest.raises(ValueError):
        check_xml("a\x01b")
    assert check_xml("a\tb\n") == "a\tb\n"


@pytest.mark.parametrize("dpi", [None, 96, 300])
def test_picture_size_as_python_docx_scales_it(dpi):
    from docx.image.image import Image
    from docx.shared import Mm

    png = _png(37, 23, dpi)
    cx, cy = Image.from_blob(png).scaled_dimensions(Mm(140), None)
    assert _scaled(png, 140 * 36000) == (cx, cy)


def test_the_parts_a_report_does_not_write_are_the_templates():
    data = report_bytes(evaluate(read_data_file(EXAMPLE)))
    with zipfile.ZipFile(io.BytesIO(template_bytes())) as t, zipfile.ZipFile(io.BytesIO(data)) as r:
        names = r.namelist()
        assert names[:len(t.namelist())] == t.namelist()
        assert names[len(t.namelist()):] == ["word/comments.xml"]
        written = {"word/document.xml", "[Content_Types].xml", "docProps/core.xml",
                   "word/_rels/document.xml.rels"}
        for name in t.namelist():
            if name not in written:
                assert r.read(name) == t.read(name), name
    d = docx.Document(io.BytesIO(data))   # python-docx reads it back: comments and all
    assert len(list(d.comments)) > 0
    assert d.core_properties.title.endswith("整体支出绩效自评报告")


def test_template_parsed_once_per_process():
    data = template_bytes()
    assert parsed_template(data) is parsed_template(bytes(data))


def test_comment_and_image_relationships_take_the_next_free_ids():
    pkg = Package(parsed_template(template_bytes()))
    taken = set(pkg.rels)
    pkg.add_comment("一\n二", "作者", "zz")
    pkg.add_image(_png(4, 4, 72), 1000)
    pkg.add_image(_png(4, 4, 72), 1000)   # the same picture twice: one part, one relationship
    new = [rid for rid, _, _ in pkg.new_rels]
    assert len(new) == 2 and not taken & set(new)
    assert [p for _, p, _ in pkg.images] == ["media/image1.png"]


def test_a_comment_made_again_is_the_same_comment_under_its_own_id():
    pkg = Package(parsed_template(template_bytes()))
    ids = [pkg.add_comment(text, "作者", "zz") for text in ("一\n二", "三", "一\n二")]
    assert ids == [0, 1, 2]
    first, _, again = (re.sub(r'^<w:comment w:id="\d+" ', "", c.decode()) for c in pkg.comments)
    assert first == again and pkg.comments[2].startswith(b'<w:comment w:id="2" ')
    pkg.add_comment("一\n二", "别人", "bb")   # another author's is another comment
    assert 'w:author="别人" w:initials="bb"' in pkg.comments[3].decode()


def test_core_properties_as_python_docx_wrote_them():
    from datetime import datetime

    d = docx.Document(io.BytesIO(template_bytes()))
    when = datetime(2025, 3, 4, 5, 6, 7)
    d.core_properties.title, d.core_properties.author = 'a&b<"x">', ""
    d.core_properties.last_modified_by = "xlpkg"
    d.core_properties.created = d.core_properties.modified = when
    out = io.BytesIO()
    d.save(out)
    pkg = Package(parsed_template(template_bytes()))
    for tag, value in (("dc:title", 'a&b<"x">'), ("dc:creator", ""), ("cp:lastModifiedBy", "xlpkg"),
                       ("dcterms:created", when), ("dcterms:modified", when)):
        pkg.set_property(tag, value)
    assert pkg._core() == zipfile.ZipFile(out).read("docProps/core.xml").decode("utf-8")
    with pytest.raises(ValueError):   # python-docx's limit on a property
        pkg.set_property("dc:title", "长" * 256)


def test_text_xml_cannot_hold_is_refused_where_it_is_escaped():
    from xlpkg.report.ooxml import esc

    for text in ("a\x01b", "\x00", "x\ufffe", "\ud800"):
        with pytest.raises(ValueError, match="XML compatible"):
            esc(text)
        with pytest.raises(ValueError, match="XML compatible"):
            run_xml(text)
        with pytest.raises(ValueError, match="XML compatible"):
            attr(text)
    pkg = Package(parsed_template(template_bytes()))
    with pytest.raises(ValueError, match="XML compatible"):
        pkg.add_comment("第一行\n第二\x07行", "作者", "zz")
    assert esc("a&b<c>") == "a&amp;b&lt;c&gt;" and esc("普通") == "普通"


def _frozen_clock(monkeypatch):
    """One moment for the zip's dates, the core properties and the comments' dates, so
    that two renders compare byte for byte even across a second's boundary."""
    import time
    from datetime import datetime

    from xlpkg.report import package, render

    when = time.mktime((2024, 3, 5, 6, 7, 9, 0, 0, -1))
    monkeypatch.setattr(time, "time", lambda: when)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2024, 3, 5, 6, 7, 9, tzinfo=tz)

    monkeypatch.setattr(render, "datetime", Frozen)
    monkeypatch.setattr(package, "datetime", Frozen)


def test_report_zip_is_zipfiles_for_the_same_parts(monkeypatch):
    """The container is what zipfile writes, byte for byte: the parts deflated once
    (the template's) and those deflated for this report alike."""
    from xlpkg.report.zipwrite import deflated, zip_parts

    _frozen_clock(monkeypatch)
    data = report_bytes(evaluate(read_data_file(EXAMPLE)))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in parts:
            z.writestr(name, part)
    assert data == expected.getvalue()
    odd = [("word/空.xml", b"", None), ("a.bin", bytes(range(256)) * 50, None),
           ("b.xml", b"<x/>" * 999, deflated(b"<x/>" * 999))]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part, _ in odd:
            z.writestr(name, part)
    assert zip_parts(odd) == expected.getvalue()


def _zipfiles(parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in parts:
            z.writestr(name, part)
    return out.getvalue()


def _deflating_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "xlpkg-deflate"]


@pytest.mark.parametrize("threaded", [False, True])
def test_a_part_streamed_in_pieces_zips_as_zipfile_zips_its_bytes(monkeypatch, threaded):
    """Pieces of every size, text and noise, deflated on the thread or at the end: the
    same bytes as zipfile gives the whole part, and the thread is gone afterwards."""
    import random

    from xlpkg.report import zipwrite

    _frozen_clock(monkeypatch)
    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 5000 if threaded else 1 << 40)
    rng = random.Random(17)
    pieces = [b"", "<w:t>表格文字</w:t>".encode() * 300, rng.randbytes(70_000), b"x",
              b"<w:p/>" * 20_000, rng.randbytes(3)]
    stream = zipwrite.Stream()
    for piece in pieces:
        stream.add(piece)
    assert (stream._thread is not None) is threaded
    zipped = zipwrite.zip_parts([("a.xml", b"<a/>", None), ("word/document.xml", stream, None)])
    assert zipped == _zipfiles([("a.xml", b"<a/>"), ("word/document.xml", b"".join(pieces))])
    assert _deflating_threads() == []


def test_a_streamed_part_too_large_for_a_plain_entry_goes_to_zipfile(monkeypatch):
    from xlpkg.report import zipwrite

    _frozen_clock(monkeypatch)
    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 10)
    monkeypatch.setattr(zipwrite, "_LIMIT", 1000)
    stream = zipwrite.Stream()
    for _ in range(30):
        stream.add(b"<w:p/>" * 10)
    assert zipwrite.zip_parts([("big.xml", stream, None)]) == \
        _zipfiles([("big.xml", b"<w:p/>" * 300)])
    assert _deflating_threads() == []


def test_a_failure_on_the_deflating_thread_is_raised_where_the_zip_is_made(monkeypatch):
    from xlpkg.report import zipwrite

    def out_of_memory(*_):
        raise MemoryError

    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 10)
    monkeypatch.setattr(zipwrite.zlib, "compressobj", out_of_memory)
    stream = zipwrite.Stream()
    stream.add(b"<w:p/>" * 100)
    with pytest.raises(MemoryError):
        zipwrite.zip_parts([("a.xml", stream, None)])
    assert _deflating_threads() == []


def test_a_report_deflated_on_the_thread_is_the_same_and_leaves_no_thread(monkeypatch):
    from xlpkg.report import package, zipwrite

    _frozen_clock(monkeypatch)
    ev = evaluate(read_data_file(EXAMPLE))
    at_once = report_bytes(ev)
    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 2000)
    monkeypatch.setattr(package, "PIECE_TEXTS", 7)   # many pieces
    ran = []
    deflate = zipwrite.Stream._deflate
    monkeypatch.setattr(zipwrite.Stream, "_deflate", lambda self: (ran.append(1), deflate(self)))
    assert report_bytes(ev) == at_once
    assert ran   # the document (at least) went through the thread
    assert _deflating_threads() == []

    def broken(self):
        raise RuntimeError("content types")

    monkeypatch.setattr(package.Package, "_content_types", broken)
    with pytest.raises(RuntimeError, match="content types"):
        report_bytes(ev)
    assert _deflating_threads() == []   # an abandoned stream's thread ends too


def test_paragraphs_and_table_rows_handed_on_as_they_are_written_give_the_same_report(
        monkeypatch):
    """A long run of paragraphs and a long table go on to be deflated while they are
    written, not all at once at their end: the same bytes either way, and the
    document's stream is given more pieces (the thresholds made small enough for the
    example to cross them often)."""
    from xlpkg.report import package, write, zipwrite

    _frozen_clock(monkeypatch)
    ev = evaluate(read_data_file(EXAMPLE))
    monkeypatch.setattr(write, "HAND_ON_BLOCKS", 10 ** 9)
    monkeypatch.setattr(write, "HAND_ON_PIECES", 10 ** 9)
    handed = []
    hand_on = package.Package.hand_on
    monkeypatch.setattr(package.Package, "hand_on",
                        lambda self, *a: (handed.append(1), hand_on(self, *a))[1])
    at_ends = report_bytes(ev)
    at_ends_calls, handed[:] = len(handed), []
    monkeypatch.setattr(write, "HAND_ON_BLOCKS", 3)
    monkeypatch.setattr(write, "HAND_ON_PIECES", 5)
    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 2000)
    assert report_bytes(ev) == at_ends
    assert len(handed) > 2 * at_ends_calls


def test_a_report_hands_its_tables_on_while_writing_and_a_failure_leaves_no_thread(
        monkeypatch):
    """The body before each table's end is deflated while the rest is written: the
    thread is at work before the package is assembled; a writer failing after that
    leaves no thread behind."""
    from xlpkg.report import package, write, zipwrite

    ev = evaluate(read_data_file(EXAMPLE))
    monkeypatch.setattr(zipwrite.Stream, "THREAD_AFTER", 2000)
    monkeypatch.setattr(package, "PIECE_TEXTS", 7)
    seen = []
    docx = package.Package.docx

    def assembling(self, body, sect):
        seen.append(self._document.stream._thread is not None)
        return docx(self, body, sect)

    monkeypatch.setattr(package.Package, "docx", assembling)
    report_bytes(ev)
    assert seen == [True]

    def broken(self, paras):
        raise RuntimeError("closing")

    monkeypatch.setattr(write.Writer, "closing", broken)
    with pytest.raises(RuntimeError, match="closing"):
        report_bytes(ev)
    assert _deflating_threads() == []


def test_pieces_go_into_a_stream_a_few_at_a_time(monkeypatch):
    from xlpkg.report import package

    monkeypatch.setattr(package, "PIECE_TEXTS", 3)
    encoder = package._Encoder("<头>")
    encoder.add(["", "ab"])        # texts are one piece, encoded at once; with the head: held
    assert encoder.stream.chunks == []
    table = ["表格文字与数字𠀀", "c", "defgh", "", "𠀀x"]
    encoder.add_encoded([t.encode("utf-8") for t in table])   # a table's, encoded
    assert [c.decode() for c in encoder.stream.chunks] == ["<头>ab表格文字与数字𠀀", "cdefgh"]
    encoder.add(["y", "z"])
    stream = encoder.close()
    assert [c.decode() for c in stream.chunks][2:] == ["𠀀xyz"]
    assert b"".join(stream.chunks) == ("<头>ab" + "".join(table) + "yz").encode("utf-8")
    assert package._Encoder().close().chunks == [b""]


def test_the_collector_is_as_it_was_after_a_report():
    """Content and XML are built with the cyclic collector paused; it is back on after
    (also when building fails), and left off when the caller had turned it off."""
    import gc

    from xlpkg.collector import paused
    from xlpkg.report import render

    ev = evaluate(read_data_file(EXAMPLE))
    assert gc.isenabled()
    render.report_bytes(ev)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        render.report_bytes(ev)
        assert not gc.isenabled()
    finally:
        gc.enable()
