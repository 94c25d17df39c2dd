"""What every section builder works with while the report's content is built.

Owns :class:`Build`: the dataset, the findings and the scoresheet being reported,
the running numbers (表1, 表2 …), the list of gap markers written so far, and the
notes (Word comments) waiting for the figures the findings are about. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, Val
from xlpkg.core.money import fmt_number
from xlpkg.report.text import Counter, Gap, Note, Para, Text, figure, spans, typed


class Build:
    def __init__(self, ds: Dataset, findings: Sequence[Finding] = (), scoresheet: Any = None,
                 *, with_findings: bool = False):
        self.ds = ds
        self.findings = list(findings)
        self.scoresheet = scoresheet
        self.with_findings = with_findings
        self.name = ds.department.name.value or "本单位"
        year = ds.department.year.value
        self.year = fmt_number(year) if isinstance(year, Decimal) else ""
        self.tables = Counter()
        self.gaps: list[Gap] = []
        self.section = ""            # the heading of the section being built
        self.notes: dict[str, tuple[Note, ...]] = {}
        self.appendices: dict[str, str] = {}   # "scoresheet" | "findings" → 附件 label

    # ------------------------------------------------------------ text

    def text(self, value: str) -> Text:
        return spans(value, self.notes)

    def para(self, value: str, style: str = "body") -> Para:
        return Para(self.text(value), style)

    def paras(self, values: Iterable[str], style: str = "body") -> list[Para]:
        return [self.para(v, style) for v in values if v]

    def own(self, section: str) -> list[str]:
        """The department's paragraphs of a narrative section, each marked as the figure
        of its own field (so a finding about a paragraph becomes a comment on it)."""
        return [figure(p.text.field, typed(p.text.value)) for p in self.ds.narrative
                if p.section == section and p.text.value]

    @staticmethod
    def fig(val: Val, shown: str) -> str:
        """``shown`` (the printed form of ``val``) marked as that value's figure."""
        return figure(val.field, shown)
