"""Writes the Word report: Evaluation (dataset, findings, scoresheet) → content → an
atomically written .docx.

Owns the report's default file name, what text Word can hold (:func:`clean_text`),
rendering (:func:`render_report`: the content of :mod:`xlpkg.report.outline`
written by :mod:`xlpkg.report.write` into the template of
:mod:`xlpkg.report.template`), and the rule that an existing report is never
overwritten without ``force``. It renders an
:class:`~xlpkg.core.evaluation.Evaluation` (from :func:`xlpkg.pipeline.evaluate`) and
never runs a check or a score itself. The CLI (``xlpkg report``), the Excel button
(``macros.export_report``) and the batch run all call :func:`write_report`.

Data is only ever text: every value becomes the escaped text of a run, so ``{{ … }}``, ``<w:p>`` or ``{% … %}`` inside a field print
literally. The report is written without python-docx (see
:mod:`xlpkg.report.package`); matplotlib is imported only for ``--charts``, so
importing and running this module is cheap.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlpkg.collector import paused
from xlpkg.core.evaluation import Evaluation
from xlpkg.core.model import Dataset
from xlpkg.core.money import fmt_number

REPORT_SUFFIX = "部门整体支出绩效自评报告"

# Characters XML 1.0 cannot carry at all, and lone surrogates.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f\x85\u2028\u2029]+\s*")
# A pair of straight quotes around Chinese text ("三公"经费) prints as Chinese quotes.
_CJK_QUOTED = r'"([^"]*[\u3400-\u9fff][^"]*)"'   # compiled when a text has quotes
# Any character one of the rules above acts on (most texts have none: returned as they are).
_CLEANED = re.compile('[\r\n\t\v\f\x85\u2028\u2029"\x00-\x08\x0e-\x1f\x7f\ufffe\uffff'
                      '\ud800-\udfff]')


def report_filename(ds: Dataset) -> str:
    """``<单位>_<年度>_部门整体支出绩效自评报告.docx``, safe as a file name anywhere."""
    name = (ds.department.name.value or "未填单位名称").strip()
    year = ds.department.year.value
    year_text = fmt_number(year) if isinstance(year, Decimal) else "未填年度"
    from xlpkg.names import file_name

    return file_name(name, f"_{year_text}_{REPORT_SUFFIX}.docx", "未填单位名称")


def clean_text(value: Any) -> str:
    """A value as it may stand in a Word paragraph: line breaks and tabs become one
    space (a cell typed with Alt+Enter), characters XML cannot hold are dropped, and
    straight double quotes around Chinese text become “” (when they pair up)."""
    text = "" if value is None else str(value)
    # every character the rules act on but " is one str.isprintable refuses, so printable
    # text without quotes is taken as it is at once (tests/test_report_fast_paths.py)
    if (text.isprintable() and '"' not in text) or not _CLEANED.search(text):
        return text
    text = _LINE_BREAKS.sub(" ", text)
    if '"' in text and text.count('"') % 2 == 0:
        text = re.sub(_CJK_QUOTED, _quoted, text)
    return _XML_INVALID.sub("", text)


def _quoted(m: re.Match) -> str:
    return f"“{m.group(1)}”"


def report_content(ev: Evaluation, *, with_findings: bool = False):
    """What the report says (sections, tables, the 待补充 list), dated today; built once
    and handed to :func:`render_report` by callers that also show the gaps."""
    from xlpkg.report.outline import build_content

    with paused():
        return build_content(ev.dataset, ev.findings, ev.scoresheet,
                             with_findings=with_findings, day=date.today())


class RenderedReport:
    """A rendered report: its .docx bytes (``blob``); :meth:`save` writes them."""

    def __init__(self, blob: bytes):
        self.blob = blob

    def save(self, target) -> None:
        """Write to a path or a binary file object."""
        if hasattr(target, "write"):
            target.write(self.blob)
        else:
            with open(target, "wb") as fh:
                fh.write(self.blob)


def render_report(ev: Evaluation, *, charts: bool = False, with_findings: bool = False,
                  template: bytes | None = None, content=None) -> RenderedReport:
    """Render the report (call ``.save`` on the result, or take its ``.blob``).
    ``content`` is :func:`report_content` of ``ev`` when the caller already built it."""
    from xlpkg.report.package import Package, parsed_template
    from xlpkg.report.template import template_bytes
    from xlpkg.report.write import Writer

    if content is None:
        content = report_content(ev, with_findings=with_findings)
    package = Package(parsed_template(template if template is not None else template_bytes()))
    pngs = _chart_pngs(content.chart_data) if charts else []
    writer = Writer(package, clean=clean_text, charts=pngs)
    try:
        with paused():
            writer.write(content)
            body = writer.pieces()
        # core properties: Word and python-docx hold at most 255 characters
        package.set_property("dc:title", clean_text(content.title)[:255])
        package.set_property("dc:creator", clean_text(content.department)[:255])
        package.set_property("cp:lastModifiedBy", "xlpkg")
        now = datetime.now().replace(microsecond=0)
        package.set_property("dcterms:created", now)
        package.set_property("dcterms:modified", now)
        return RenderedReport(package.docx(body, writer.sect))
    finally:
        package.close()   # the deflating threads of parts handed on end, whatever happened


def _chart_pngs(data) -> list[tuple[str, bytes]]:
    """The optional figures (``--charts``): matplotlib is imported only here."""
    if not data:
        return []
    from xlpkg.report.charts import chart_pngs

    return chart_pngs(data)


def report_bytes(ev: Evaluation, **kwargs) -> bytes:
    """The rendered report as .docx bytes (for tests and callers without a file)."""
    return render_report(ev, **kwargs).blob


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
                 default_dir: Path | None = None, content=None) -> Path:
    """Write the report to :func:`report_path` and return that path.

    Raises :class:`~xlpkg.errors.OutputError` if the file exists and ``force`` is
    not set; the file appears complete or not at all (temp file, then rename).
    """
    from xlpkg.atomic import atomic_path, check_writable

    out = report_path(ev.dataset, out, default_dir)
    check_writable(out, force=force)
    doc = render_report(ev, charts=charts, with_findings=with_findings, content=content)
    with atomic_path(out) as tmp:
        doc.save(str(tmp))
    return out
