"""Points of a computed rule (linear, tiers, penalty) for a value, with the note on points lost.

Owns the arithmetic of each computed kind and its Chinese explanation; the
rounding of the shown score (half-up, 2 decimals) is the caller's.
"""

from __future__ import annotations

import math
from decimal import Decimal

from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct, round_half_up
from xlpkg.core.record import record
from xlpkg.core.scoring.rules import (
    HUNDRED,
    ONE,
    ZERO,
    Linear,
    Penalty,
    Rule,
    Tiers,
    pct_text,
    pts_text,
)


@record
class Outcome:
    """Points before rounding, and the Chinese note on points lost."""

    points: Decimal
    note: str = ""


def lost_text(weight: Decimal, points: Decimal) -> str:
    # from the points as the table shows them, so 得分 + 扣分 = 分值 on paper
    lost = weight - round_half_up(max(min(points, weight), ZERO))
    return f"扣 {fmt_amount(lost)} 分" if lost > 0 else ""


def apply_rule(rule: Rule, value: Decimal) -> Outcome:
    """Points of a computed rule (linear, tiers, penalty) for a value (a fraction)."""
    m, w = rule.method, rule.weight
    shown = fmt_pct(value)
    if isinstance(m, Linear):
        if value >= m.full_at:
            over = value > m.full_at
            return Outcome(w, f"{shown}，超过 {pct_text(m.full_at)}，按满分计" if over else "")
        points = max(w * value / m.full_at, ZERO)
        how = (f"{shown} × {pts_text(w)} 分" if m.full_at == ONE else
               f"{shown} ÷ {pct_text(m.full_at)} × {pts_text(w)} 分")
        return Outcome(points, f"{how} = {fmt_amount(points)} 分，{lost_text(w, points)}")
    if isinstance(m, Tiers):
        sign = "≥" if m.at_least else "≤"
        for tier in m.tiers:
            if (value >= tier.bound) if m.at_least else (value <= tier.bound):
                note = "" if tier.points >= w else (
                    f"{shown}，属“{sign}{pct_text(tier.bound)}”档，得 {pts_text(tier.points)} 分，"
                    f"{lost_text(w, tier.points)}")
                return Outcome(tier.points, note)
        last = m.tiers[-1].bound if m.tiers else ZERO
        other = "<" if m.at_least else ">"
        return Outcome(m.otherwise, f"{shown}，{other}{pct_text(last)}，得 {pts_text(m.otherwise)} 分"
                       + (f"，{lost_text(w, m.otherwise)}" if m.otherwise < w else ""))
    if isinstance(m, Penalty):
        excess = (value - m.limit) if m.over else (m.limit - value)
        if excess <= 0:
            return Outcome(w)
        steps = excess / m.step
        if m.steps == "whole":
            steps = Decimal(math.floor(steps))
        elif m.steps == "started":
            steps = Decimal(math.ceil(steps))
        deduction = steps * m.deduct
        points = max(w - deduction, ZERO)
        verb = "超过" if m.over else "低于"
        return Outcome(points, f"{shown}，{verb} {pct_text(m.limit)} {fmt_amount(excess * HUNDRED)} "
                               f"个百分点，每{verb} {fmt_number(m.step * HUNDRED)} 个百分点扣 "
                               f"{pts_text(m.deduct)} 分，{lost_text(w, points)}"
                               + ("（扣完为止）" if points == 0 else ""))
    raise ValueError(f"{rule.kind} is scored by hand, not from a value")


