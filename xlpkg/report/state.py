"""What every section builder works with while the report's content is built.

Owns :class:`Build`: the dataset, the findings and the scoresheet being reported,
the running numbers (表1, 表2 …), the list of gap markers written so far, and the
notes (Word comments) waiting for the figures the findings are about. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from xlpkg.core.checks.reasons import CHANGE_REASON_LIMIT
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, Val
from xlpkg.core.money import fmt_number
from xlpkg.core.ratios import pct_change
from xlpkg.report.text import (
    GAP_CLOSE,
    GAP_OPEN,
    Counter,
    Gap,
    Note,
    Para,
    Text,
    clause_end,
    figure,
    figure_spans,
    spans,
    typed,
)

# Findings whose figures carry a Word comment where they are printed: contradictions
# (error) and what a reviewer would query (warning). Info (rounding, rules skipped) not.
NOTED_SEVERITIES = ("error", "warning")


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
        self.notes = notes_by_field(ds, self.findings)
        self.appendices: dict[str, str] = {}   # attachment key ("scoresheet") → 附件 label
        self.submission: list | None = None    # the submission tables (performance.submission)
        self.task_figures: list | None = None  # each key task's figures (tables.task_figures)
        self._texts: dict[str, Text] = {}       # text → its spans (see :meth:`text`)

    # ------------------------------------------------------------ gaps

    def gap(self, what: str, about: str = "") -> str:
        """The visible marker ``【待补充：what】``, listed with the section it is in (and
        the item it concerns)."""
        self.gaps.append(Gap(self.section, what, about))
        return f"{GAP_OPEN}{what}{GAP_CLOSE}"

    def because(self, reason: Val | None, actual: Decimal | None, prior: Decimal | None,
                about: str = "") -> str:
        """``主要原因是……`` for a change against last year: the department's 变动原因, or a
        marker asking for it when the change is beyond ±10%; nothing for a small change
        without one, or when there is no change to explain."""
        rate = pct_change(actual, prior)
        if rate is None:
            return ""
        if reason is not None and reason.value:
            return "主要原因是" + figure(reason.field, clause_end(typed(reason.value)))
        if abs(rate) > CHANGE_REASON_LIMIT:
            return "主要原因是" + self.gap("变动原因", about)
        return ""

    # ------------------------------------------------------------ text

    def text(self, value: str) -> Text:
        found = self._texts.get(value)
        if found is None:   # cells repeat (—, 100.00%, 达标): each text is split once
            found = self._texts[value] = spans(value, self.notes)
        return found

    def cell(self, val: Val | None, shown: str) -> Text:
        """The spans of a table cell printing ``val`` as ``shown``: ``text(fig(val,
        shown))``, the text split once however many cells print it."""
        return figure_spans(val.field if val is not None else None, shown, self.notes,
                            self.text)

    # A paragraph is split without the memo of :meth:`text`: paragraphs do not repeat
    # (a task's sentence names the task), and remembering each would only hash it.
    def para(self, value: str, style: str = "body") -> Para:
        return Para(spans(value, self.notes), style)

    def paras(self, values: Iterable[str], style: str = "body") -> list[Para]:
        notes = self.notes
        return [Para(spans(v, notes), style) for v in values if v]

    def own(self, section: str) -> list[str]:
        """The department's paragraphs of a narrative section, each marked as the figure
        of its own field (so a finding about a paragraph becomes a comment on it)."""
        return [figure(p.text.field, typed(p.text.value)) for p in self.ds.narrative
                if p.section == section and p.text.value]

    @staticmethod
    def fig(val: Val, shown: str) -> str:
        """``shown`` (the printed form of ``val``) marked as that value's figure."""
        return figure(val.field, shown)


def notes_by_field(ds: Dataset, findings: Sequence[Finding]) -> dict[str, tuple[Note, ...]]:
    """Contract field → the notes of the findings about it. A finding about a sentence of
    the department's own text (``claim``) is noted on that paragraph only, not on the
    task figures that refute it (those carry their own findings)."""
    paragraphs: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for para in ds.narrative:
        index = seen.get(para.section, 0)
        seen[para.section] = index + 1
        paragraphs[(para.section, index)] = para.text.field
    out: dict[str, tuple[Note, ...]] = {}
    for f in findings:
        if f.severity not in NOTED_SEVERITIES:
            continue
        note = Note(f.severity, f.message, f.cells)
        if f.claim is not None:
            fields: Sequence[str | None] = (paragraphs.get((f.claim.section, f.claim.paragraph)),)
        else:
            fields = f.fields
        for name in fields:
            if not name:
                continue
            # most fields have one finding: its tuple is made once, and a field named
            # twice (or a note found twice) is noted once
            noted = out.get(name)
            if noted is None:
                out[name] = (note,)
            elif note not in noted:
                out[name] = (*noted, note)
    return out
