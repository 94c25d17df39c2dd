"""What one evaluation of a department-year holds: its data, findings and scoresheet.

Owns the :class:`Evaluation` every output renders (the report, the console, the
workbook's buttons, batch, the local page) and the one wording of the finding
counts (“3 个错误，6 个警告，0 个提示”). It is built by :func:`xlpkg.pipeline.evaluate`;
nothing that renders one runs a check or a score itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from xlpkg.core.finding import SEVERITIES, Finding, counts
from xlpkg.core.model import Dataset
from xlpkg.core.record import record

if TYPE_CHECKING:   # scoring is imported by whoever builds an Evaluation, not by readers of one
    from xlpkg.core.scoring import Scoresheet

#: How a count of each severity reads: 3 个错误 …
_COUNT_WORDS = {"error": "个错误", "warning": "个警告", "info": "个提示"}


@record
class Evaluation:
    """One department-year after the checks and the scoring.

    ``findings``: what reading found and what the checks found, errors first (the
    checks' order within a severity). ``scoresheet``: the 自评表 by the rules used,
    or ``None`` where a caller renders without one.
    """

    dataset: Dataset
    findings: tuple[Finding, ...]
    scoresheet: Scoresheet | None = None

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def errors(self) -> int:
        return self.counts["error"]

    @property
    def summary(self) -> str:
        return count_phrase(self.counts)


def count_phrase(n: Mapping[str, int], severities: Sequence[str] = SEVERITIES,
                 sep: str = "，") -> str:
    """``{"error": 3, "warning": 6, "info": 0}`` → 3 个错误，6 个警告，0 个提示."""
    return sep.join(f"{n[s]} {_COUNT_WORDS[s]}" for s in severities)
