"""Writes the Word report: Evaluation → context → docxtpl → an atomically written .docx.

Owns rendering the template of :mod:`xlpkg.report.template` with the context of
:mod:`xlpkg.report.context`, the report's default file name, and the rule
that an existing report is never overwritten without ``force``. It renders an
:class:`~xlpkg.core.evaluation.Evaluation` (from :func:`xlpkg.pipeline.evaluate`)
and never runs a check or a score itself. The CLI (``xlpkg report``), the Excel
button (``macros.export_report``) and the batch run all call :func:`write_report`.

Data is never template code: rendering uses a sandboxed Jinja environment with
autoescaping, and every value passes through :func:`_literal`, which escapes
XML and also writes ``{`` ``}`` as character references, so ``{{ … }}`` or
``{% … %}`` inside a field print literally (docxtpl's own ``{_{`` unescaping
never sees them). Heavy imports (docxtpl, jinja2, matplotlib) happen inside the
functions, so importing this module is cheap.

After rendering, :func:`settle_sections`, :func:`keep_table_ends` and
:func:`join_scoresheet_cells` finish what a template cannot know in advance: where
the sections end once the optional appendices are in or out, which row of a table
is its last, and which 自评表 rows share an 一级/二级指标.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from xlpkg.core.evaluation import Evaluation
from xlpkg.core.model import Dataset
from xlpkg.core.money import fmt_number

REPORT_SUFFIX = "部门整体支出绩效自评报告"
CHART_WIDTH_MM = 140

# Characters Windows (and so most shared folders) refuse in file names.
_ILLEGAL_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Characters XML 1.0 cannot carry at all, and lone surrogates.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f\x85\u2028\u2029]+\s*")
_MAX_NAME = 120
# A pair of straight quotes around Chinese text ("三公"经费) prints as Chinese quotes.
_CJK_QUOTED = re.compile(r'"([^"]*[\u3400-\u9fff][^"]*)"')


def report_filename(ds: Dataset) -> str:
    """``<单位>_<年度>_部门整体支出绩效自评报告.docx``, safe as a file name anywhere."""
    name = (ds.department.name.value or "未填单位名称").strip()
    year = ds.department.year.value
    year_text = fmt_number(year) if isinstance(year, Decimal) else "未填年度"
    name = _ILLEGAL_NAME.sub("_", name).strip(" .") or "未填单位名称"
    name = name[:_MAX_NAME]
    return f"{name}_{year_text}_{REPORT_SUFFIX}.docx"


def clean_text(value: Any) -> str:
    """A value as it may stand in a Word paragraph: line breaks and tabs become one
    space (a cell typed with Alt+Enter), characters XML cannot hold are dropped, and
    straight double quotes around Chinese text become “” (when they pair up)."""
    text = "" if value is None else str(value)
    text = _LINE_BREAKS.sub(" ", text)
    if text.count('"') % 2 == 0:
        text = _CJK_QUOTED.sub(r"“\1”", text)
    return _XML_INVALID.sub("", text)


def _literal(value: Any):
    """Jinja ``finalize``: every printed value becomes inert, escaped text."""
    from markupsafe import Markup, escape

    if hasattr(value, "__html__") and not isinstance(value, str):
        return value  # our own InlineImage objects (charts), never data
    escaped = str(escape(clean_text(value)))
    return Markup(escaped.replace("{", "&#123;").replace("}", "&#125;"))


_ENV = None


def jinja_env():
    """The sandboxed, autoescaping environment every render uses (one per process).

    docxtpl compiles the template's XML with ``from_string`` on every render;
    the XML is the same each time, so compiled templates are kept — that is most
    of a render's cost, and a batch worker or a second button click skips it.
    """
    global _ENV
    if _ENV is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        class CachingEnvironment(SandboxedEnvironment):
            compiled: ClassVar[dict] = {}

            def from_string(self, source, globals=None, template_class=None):
                if globals or template_class or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                if source not in self.compiled:
                    if len(self.compiled) > 32:
                        self.compiled.clear()
                    self.compiled[source] = super().from_string(source)
                return self.compiled[source]

        _ENV = CachingEnvironment(autoescape=True, undefined=StrictUndefined,
                                  finalize=_literal)
    return _ENV


def render_report(ev: Evaluation, *, charts: bool = False, with_findings: bool = False,
                  template: bytes | None = None):
    """Render the report; returns the rendered ``DocxTemplate`` (call ``.save``)."""
    from docxtpl import DocxTemplate

    from xlpkg.report.context import build_context
    from xlpkg.report.template import template_bytes

    ctx = build_context(ev.dataset, ev.findings, ev.scoresheet, with_findings=with_findings)
    tpl = DocxTemplate(io.BytesIO(template if template is not None else template_bytes()))
    ctx["charts"] = _chart_images(tpl, ctx.get("chart_data")) if charts else []
    tpl.render(ctx, jinja_env=jinja_env())
    settle_sections(tpl.docx)
    keep_table_ends(tpl.docx)
    join_scoresheet_cells(tpl.docx)
    props = tpl.docx.core_properties
    props.title = clean_text(ctx["title"])
    props.author = clean_text(ctx["department"])
    props.last_modified_by = "xlpkg"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    return tpl


def _sect_pr(p):
    ppr = p.pPr
    return None if ppr is None else ppr.sectPr


def settle_sections(document) -> None:
    """Tidy the template's section breaks (分节 paragraphs) after rendering.

    A break right after a paragraph moves onto that paragraph, as Word itself
    places a break (no extra line that could spill onto a page of its own); a break
    that ends the document becomes the final section's page setup, so a report
    ending with the landscape 自评表 has no empty portrait page after it.
    """
    from docx.oxml.ns import qn

    from xlpkg.report.template import SECTION_BREAK

    body = document.element.body
    style_id = document.styles[SECTION_BREAK].style_id
    for p in body.findall(qn("w:p")):
        sect = _sect_pr(p)
        if sect is None or p.style != style_id:
            continue
        prev = p.getprevious()
        if prev is not None and prev.tag == qn("w:p") and _sect_pr(prev) is None:
            prev.get_or_add_pPr().append(sect)
            body.remove(p)
    final = body.find(qn("w:sectPr"))
    last = final.getprevious() if final is not None else None
    if last is not None and last.tag == qn("w:p") and _sect_pr(last) is not None:
        body.replace(final, _sect_pr(last))


def _keep_with_next(tr) -> None:
    """Keep a table row on the page of the row (or paragraph) after it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for p in tr.iter(qn("w:p")):
        ppr = p.get_or_add_pPr()
        if ppr.find(qn("w:keepNext")) is None:
            ppr.insert(1 if ppr.pStyle is not None else 0, OxmlElement("w:keepNext"))


def keep_table_ends(document) -> None:
    """A table's last row keeps with its 表注, and the 自评表's last row with its 合计
    row, so neither a note nor 合计 stands alone at the top of a page (the rows come
    from a loop, so the template cannot mark the last one)."""
    from docx.oxml.ns import qn

    from xlpkg.report.template import NOTE, SCORESHEET_CAPTION

    note_id = document.styles[NOTE].style_id
    for tbl in document.element.body.iterchildren(qn("w:tbl")):
        rows = tbl.tr_lst
        after = tbl.getnext()
        if after is not None and after.tag == qn("w:p") and after.style == note_id:
            _keep_with_next(rows[-1])
        caption = tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == SCORESHEET_CAPTION \
                and len(rows) > 2 and rows[-1].tc_lst[0].grid_span > 1:
            _keep_with_next(rows[-2])


def join_scoresheet_cells(document) -> None:
    """In the 自评表, rows of one 一级指标 (and of one 二级指标 within it) share one
    merged cell, as the printed form has it."""
    from docx.oxml.ns import qn

    from xlpkg.report.template import SCORESHEET_CAPTION

    for tbl in document.element.body.iterchildren(qn("w:tbl")):
        caption = tbl.tblPr.find(qn("w:tblCaption"))
        if caption is None or caption.get(qn("w:val")) != SCORESHEET_CAPTION:
            continue
        cells = [tr.tc_lst for tr in tbl.tr_lst[1:]]     # below the header
        if cells and cells[-1][0].grid_span > 1:
            cells.pop()                                   # the 合计 row
        texts = [["".join(t.text or "" for t in row[col].iter(qn("w:t"))) for col in (0, 1)]
                 for row in cells]
        for col in (0, 1):
            start = 0
            for i in range(1, len(cells) + 1):
                if i < len(cells) and texts[i][col] and \
                        texts[i][:col + 1] == texts[start][:col + 1]:
                    continue
                if i - start > 1:
                    cells[start][col].vMerge = "restart"
                    for row in cells[start + 1:i]:
                        row[col].vMerge = "continue"
                        for r in list(row[col].iter(qn("w:r"))):
                            r.getparent().remove(r)
                start = i


def _chart_images(tpl, data) -> list[dict]:
    """The optional figures (``--charts``): matplotlib is imported only here."""
    if not data:
        return []
    from docx.shared import Mm
    from docxtpl import InlineImage

    from xlpkg.report.charts import chart_pngs

    return [{"image": InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)),
             "caption": f"图{i}  {caption}"}
            for i, (caption, png) in enumerate(chart_pngs(data), 1)]


def report_bytes(ev: Evaluation, **kwargs) -> bytes:
    """The rendered report as .docx bytes (for tests and callers without a file)."""
    out = io.BytesIO()
    render_report(ev, **kwargs).save(out)
    return out.getvalue()


def report_path(ds: Dataset, out: Path | None, default_dir: Path | None = None) -> Path:
    """Where the report goes: ``out``, ``out/<report_filename>`` for a folder, ``out.docx``
    for a name without suffix, or ``default_dir / report_filename(ds)``."""
    if out is None:
        out = Path(default_dir if default_dir is not None else Path.cwd()) / report_filename(ds)
    out = Path(out)
    if out.is_dir():
        return out / report_filename(ds)
    if not out.suffix:
        return out.with_name(out.name + ".docx")   # “-o 报告” means 报告.docx
    return out


def write_report(ev: Evaluation, out: Path | None, *, force: bool = False,
                 charts: bool = False, with_findings: bool = False,
                 default_dir: Path | None = None) -> Path:
    """Write the report to :func:`report_path` and return that path.

    Raises :class:`~xlpkg.errors.OutputError` if the file exists and ``force`` is
    not set; the file appears complete or not at all (temp file, then rename).
    """
    from xlpkg.atomic import atomic_path, check_writable

    out = report_path(ev.dataset, out, default_dir)
    check_writable(out, force=force)
    tpl = render_report(ev, charts=charts, with_findings=with_findings)
    with atomic_path(out) as tmp:
        tpl.save(str(tmp))
    return out
