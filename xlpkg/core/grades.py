"""Grades of the scoresheet: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60 (GLOSSARY, INDICATORS.md)."""

from __future__ import annotations

from decimal import Decimal

GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))


def grade(score: Decimal | None) -> str | None:
    """The grade of a total score; ``None`` when there is no score."""
    if score is None:
        return None
    for floor, name in GRADE_BANDS:
        if score >= floor:
            return name
    return "差"
