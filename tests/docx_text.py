"""The text of a Word document as the tests read it: paragraphs and table cells in order."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn


def body_items(source) -> list[tuple[str, str]]:
    """(style name or "cell", text) of every paragraph and table cell, in document order."""
    d = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else source)
    out = []
    for block in d.element.body.iterchildren():
        if block.tag == qn("w:p"):
            para = docx.text.paragraph.Paragraph(block, d)
            out.append((para.style.name, para.text))
        elif block.tag == qn("w:tbl"):
            table = docx.table.Table(block, d)
            out += [("cell", c.text) for row in table.rows for c in row.cells]
    return out


def texts(source) -> list[str]:
    return [t for _, t in body_items(source)]
