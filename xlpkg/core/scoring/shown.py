"""How a score is shown: 待评分 for none, 2 decimals half-up, JSON numbers, the 暂不定级 wording."""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core.money import fmt_amount
from xlpkg.core.scoring.rules import PENDING


def score_text(points: Decimal | None) -> str:
    """A score as every table shows it: ``9.50``, or 待评分 when there is none yet."""
    return PENDING if points is None else fmt_amount(points)


def json_number(d: Decimal | None):
    """A JSON number: int when whole, else float (2 decimals at most here); None stays null."""
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def pending_sentence(count: int) -> str:
    """The one wording for a sheet that cannot be graded yet."""
    return f"{count} 项指标待评分，暂不定级"
