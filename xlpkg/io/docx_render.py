"""Writes the Word report: Dataset → context → docxtpl → an atomically written .docx.

Owns rendering the template of :mod:`xlpkg.io.docx_template` with the context of
:mod:`xlpkg.core.report_context`, the report's default file name, and the rule
that an existing report is never overwritten without ``force``. The CLI
(``xlpkg report``), the Excel button (``macros.export_report``) and the batch
run all call :func:`write_report`.

Data is never template code: rendering uses a sandboxed Jinja environment with
autoescaping, and every value passes through :func:`_literal`, which escapes
XML and also writes ``{`` ``}`` as character references, so ``{{ … }}`` or
``{% … %}`` inside a field print literally (docxtpl's own ``{_{`` unescaping
never sees them). Heavy imports (docxtpl, jinja2, matplotlib) happen inside the
functions, so importing this module is cheap.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.finding import Finding
from ..core.model import Dataset
from ..core.money import fmt_number

REPORT_SUFFIX = "部门整体支出绩效自评报告"
CHART_WIDTH_MM = 140

# Characters Windows (and so most shared folders) refuse in file names.
_ILLEGAL_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Characters XML 1.0 cannot carry at all, and lone surrogates.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\t\v\f\x85\u2028\u2029]+\s*")
_MAX_NAME = 120


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
    space (a cell typed with Alt+Enter), characters XML cannot hold are dropped."""
    text = "" if value is None else str(value)
    text = _LINE_BREAKS.sub(" ", text)
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
            compiled: dict = {}

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


def compute_scoresheet(ds: Dataset, rules_path: Path | None = None):
    """The 自评表 by the given rules file (default: the shipped Hunan rules)."""
    from ..core.scoring import score
    from .rules_file import load_rules

    return score(ds, load_rules(rules_path))


def render_report(ds: Dataset, *, findings: Sequence[Finding] | None = None,
                  scoresheet: Any = None, charts: bool = False,
                  with_findings: bool = False, template: bytes | None = None):
    """Render the report; returns the rendered ``DocxTemplate`` (call ``.save``)."""
    from docxtpl import DocxTemplate

    from ..core.checks import run_checks
    from ..core.report_context import build_context
    from .docx_template import template_bytes

    if findings is None:
        findings = run_checks(ds)
    ctx = build_context(ds, findings, scoresheet, with_findings=with_findings)
    tpl = DocxTemplate(io.BytesIO(template if template is not None else template_bytes()))
    ctx["charts"] = _chart_images(tpl, ctx.get("chart_data")) if charts else []
    tpl.render(ctx, jinja_env=jinja_env())
    props = tpl.docx.core_properties
    props.title = clean_text(ctx["title"])
    props.author = clean_text(ctx["department"])
    props.last_modified_by = "xlpkg"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    return tpl


def _chart_images(tpl, data) -> list[dict]:
    """The optional figures (``--charts``): matplotlib is imported only here."""
    if not data:
        return []
    from docx.shared import Mm
    from docxtpl import InlineImage

    from .charts import chart_pngs

    return [{"image": InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)),
             "caption": f"图{i}  {caption}"}
            for i, (caption, png) in enumerate(chart_pngs(data), 1)]


def report_bytes(ds: Dataset, **kwargs) -> bytes:
    """The rendered report as .docx bytes (for tests and callers without a file)."""
    out = io.BytesIO()
    render_report(ds, **kwargs).save(out)
    return out.getvalue()


def write_report(ds: Dataset, out: Path | None, *, force: bool = False, charts: bool = False,
                 with_findings: bool = False, rules_path: Path | None = None,
                 findings: Sequence[Finding] | None = None,
                 default_dir: Path | None = None, scoresheet: Any = None) -> Path:
    """Write the report to ``out`` (default: ``default_dir / report_filename(ds)``).

    Raises :class:`~xlpkg.errors.OutputError` if the file exists and ``force`` is
    not set; the file appears complete or not at all (temp file, then rename).
    ``findings`` and ``scoresheet`` may be passed when the caller has them already.
    """
    from .atomic import atomic_path, check_writable

    if out is None:
        out = Path(default_dir if default_dir is not None else Path.cwd()) / report_filename(ds)
    out = Path(out)
    if out.is_dir():
        out = out / report_filename(ds)
    elif not out.suffix:
        out = out.with_name(out.name + ".docx")   # “-o 报告” means 报告.docx
    check_writable(out, force=force)
    if scoresheet is None:
        scoresheet = compute_scoresheet(ds, rules_path)
    tpl = render_report(ds, findings=findings, scoresheet=scoresheet, charts=charts,
                        with_findings=with_findings)
    with atomic_path(out) as tmp:
        tpl.save(str(tmp))
    return out
