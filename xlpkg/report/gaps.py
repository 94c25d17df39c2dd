"""What the report leaves for the department to supply, as the console says it.

Owns the line ``xlpkg report`` ends with (``3 个错误、6 个警告、9 处待补充``) and the
listing of the gap markers (section, what is missing), from the findings and the
:class:`~xlpkg.report.text.Gap` list the content builder returns — so the console
and the local page can show them without writing a docx. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlpkg.core.finding import Finding, counts
from xlpkg.report.text import GAP_CLOSE, GAP_OPEN, Gap


def summary(findings: Sequence[Finding], gaps: Sequence[Gap]) -> str:
    """``3 个错误、6 个警告、9 处待补充``."""
    n = counts(findings)
    return f"{n['error']} 个错误、{n['warning']} 个警告、{len(gaps)} 处待补充"


def listing(gaps: Sequence[Gap]) -> list[str]:
    """``1. 七、存在的问题及原因分析 “帮助困难职工”：【待补充：超额原因】`` per marker, in
    report order."""
    return [f"{i}. {g.section}{' ' + g.about if g.about else ''}：{GAP_OPEN}{g.what}{GAP_CLOSE}"
            for i, g in enumerate(gaps, 1)]
