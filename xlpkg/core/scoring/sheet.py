"""The department's scoresheet (部门整体支出绩效自评表): a Dataset scored by a framework.

Owns where each indicator's score comes from (``basis``): the data, a self
score, the rules file's ``when_missing`` for a computed value the data cannot
give, or nothing yet (``pending``, shown 待评分); the rounding (half-up, 2
decimals, computed on the value as shown so the table can be checked by hand);
the total and the grade — which exist only once no indicator is pending.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from xlpkg.core.grades import grade
from xlpkg.core.indicators import IndicatorValue, compute
from xlpkg.core.model import Dataset
from xlpkg.core.money import fmt_amount, fmt_pct, round_half_up
from xlpkg.core.record import record
from xlpkg.core.scoring.manual import ManualScore, ManualScores, manual_score
from xlpkg.core.scoring.points import Outcome, apply_rule
from xlpkg.core.scoring.projects import ProjectScore, score_projects
from xlpkg.core.scoring.rules import (
    HUNDRED,
    MANUAL_KINDS,
    PENDING,
    SHOWN,
    ZERO,
    Rule,
    Rules,
    criteria_text,
    norm_name,
    target_text,
)
from xlpkg.core.scoring.shown import json_number, pending_sentence, score_text

# Where a score came from. "zero"/"full" are the rules file's when_missing for a computed
# value the data cannot give: a score by rule, not by performance, and the note says so.
BASES = ("data", "manual", "zero", "full", "pending")
WHEN_MISSING_NOTE = {
    "zero": "评分规则规定无法计算时记 0 分，此得分不反映实际绩效",
    "full": "评分规则规定无法计算时记满分，此得分不是按数据计算的",
}


@record
class IndicatorScore:
    """One row of the 自评表."""

    level1: str
    level2: str
    name: str
    weight: Decimal
    criteria: str                 # 评分标准
    value: Decimal | None         # fraction as shown (4 places); None = not computable / manual
    score: Decimal | None         # half-up, 2 decimals, within 0..weight; None = 待评分
    rule: str                     # kind
    note: str                     # 扣分原因 / 偏差说明, Chinese
    fields: tuple[str, ...]       # contract fields behind the value (or the manual score)
    target: str = ""              # 年度指标值 implied by the rule, e.g. ≤100%
    basis: str = "data"           # one of BASES: where the score came from
    value_label: str = ""         # what the value is (预算执行率)

    @property
    def pending(self) -> bool:
        """Needs a self score and has none: no score at all (待评分)."""
        return self.score is None

    @property
    def unscored(self) -> bool:
        """Not scored from the data or a self score: pending, or by the rules file's
        when_missing (``basis`` zero/full)."""
        return self.basis in ("pending", "zero", "full")

    @property
    def score_text(self) -> str:
        return score_text(self.score)

    @property
    def value_text(self) -> str:
        """``95.10%``; ``无法计算`` for a computed indicator without data; ``—`` for judgement."""
        if self.value is not None:
            return fmt_pct(self.value)
        return "—" if self.rule in MANUAL_KINDS else "无法计算"


@record
class Scoresheet:
    indicators: tuple[IndicatorScore, ...]
    rules_name: str
    remarks: tuple[str, ...] = ()   # 自评打分 rows that were not used, and why
    rules_source: str = ""
    rules_basis: str = ""           # where the framework's weights come from
    projects: tuple[ProjectScore, ...] = ()   # each project's own table (scoring.projects)

    @property
    def pending(self) -> tuple[str, ...]:
        """Indicators that need a self score and have none, by the name to write in the
        自评打分 table (二级-三级 where the 三级 name repeats)."""
        names = [norm_name(s.name) for s in self.indicators]
        repeated = Counter(names)
        return tuple(f"{s.level2}-{s.name}" if repeated[name] > 1 else s.name
                     for s, name in zip(self.indicators, names) if s.pending)

    @property
    def total(self) -> Decimal | None:
        """The sum of the shown scores; None while any indicator is pending."""
        if self.pending:
            return None
        return sum((s.score for s in self.indicators), ZERO)

    @property
    def grade(self) -> str | None:
        return grade(self.total)

    @property
    def total_text(self) -> str:
        return score_text(self.total)

    @property
    def grade_text(self) -> str:
        """``优``, or ``3 项指标待评分，暂不定级``."""
        return self.grade if self.grade is not None else pending_sentence(len(self.pending))

    def to_json(self) -> dict:
        """CONTRACT §4: value as a percentage number or null; score, total and grade null
        while pending."""
        return {
            "rules": self.rules_name,
            "indicators": [{
                "level1": s.level1, "level2": s.level2, "name": s.name,
                "weight": json_number(s.weight),
                "value": None if s.value is None else json_number(
                    round_half_up(s.value * HUNDRED, 2)),
                "score": json_number(s.score), "rule": s.rule, "basis": s.basis,
                "note": s.note,
            } for s in self.indicators],
            "total": json_number(self.total),
            "grade": self.grade,
            "pending": list(self.pending),
            "projects": [p.to_json() for p in self.projects],
        }

    @property
    def conclusion(self) -> str:
        """The report's sentence: ``经自评，部门整体支出绩效综合得分 85.50 分，等级为良``,
        or ``3 项指标待评分，暂不定级`` while scores are missing."""
        if self.total is None:
            return pending_sentence(len(self.pending))
        return f"经自评，部门整体支出绩效综合得分 {fmt_amount(self.total)} 分，等级为{self.grade}"

    @property
    def unscored(self) -> tuple[IndicatorScore, ...]:
        """Indicators not scored from data or a self score (see IndicatorScore.unscored)."""
        return tuple(s for s in self.indicators if s.unscored)

    def subtotals(self) -> list[tuple[str, Decimal, Decimal | None]]:
        """(一级指标, 分值, 得分) in table order; 得分 None while one of its rows is pending."""
        out: dict[str, list] = {}
        for s in self.indicators:
            acc = out.setdefault(s.level1, [ZERO, ZERO])
            acc[0] += s.weight
            acc[1] = None if acc[1] is None or s.score is None else acc[1] + s.score
        return [(k, w, p) for k, (w, p) in out.items()]

    def find(self, name: str) -> IndicatorScore | None:
        """The indicator called ``name`` (quotes and spaces ignored; 二级+三级 also works)."""
        key = norm_name(name)
        for s in self.indicators:
            if key in (norm_name(s.name), norm_name(s.level2 + s.name)):
                return s
        return None


def _clamp(points: Decimal, weight: Decimal) -> Decimal:
    return round_half_up(max(min(points, weight), ZERO), 2)


def _join(*parts: str) -> str:
    return "；".join(p.strip("，；") for p in parts if p)


def _from_self_score(got: ManualScore) -> tuple[Outcome | None, str]:
    """(outcome, basis) of a self score; no outcome while it is missing."""
    if got.points is None:
        return None, "pending"
    return Outcome(got.points, got.note), "manual"


def _pending_note(got: ManualScore) -> str:
    return f"{got.note}，{PENDING}（请在自评打分表中填写）"


def score_rule(i: int, rule: Rule, ds: Dataset, manual: ManualScores) -> IndicatorScore:
    """Score the ``i``-th (0-based) rule of a framework for ``ds``."""
    value, fields, basis = None, (), "data"
    if rule.manual:
        # judgement indicators always need a self score; when_missing does not apply
        got = manual_score(i, rule, manual)
        fields = got.fields
        outcome, basis = _from_self_score(got)
        note = got.note if outcome else _pending_note(got)
    else:
        iv: IndicatorValue = compute(rule.value, ds, rule.tasks)
        fields = iv.fields
        if iv.value is None:
            same = norm_name(rule.value_label) == norm_name(rule.name)
            head = f"{'指标值' if same else rule.value_label}无法计算（{iv.note or '数据不全'}）"
            if rule.when_missing == "manual":
                got = manual_score(i, rule, manual)
                fields += got.fields
                outcome, basis = _from_self_score(got)
                note = _join(head, f"取{got.note}" if outcome else _pending_note(got))
            else:
                outcome = Outcome(rule.weight if rule.when_missing == "full" else ZERO)
                basis = rule.when_missing
                note = _join(head, WHEN_MISSING_NOTE[rule.when_missing])
        else:
            value = round_half_up(iv.value, SHOWN)
            scored = abs(value) if rule.absolute else value
            outcome = apply_rule(rule, scored)
            sign = f"按绝对值 {fmt_pct(scored)} 计" if scored != value else ""
            unused = ("自评打分表中的得分未采用（本指标按数据计算）"
                      if manual.rows(i) else "")
            note = _join(iv.note, sign, outcome.note, unused)
    return IndicatorScore(
        level1=rule.level1, level2=rule.level2, name=rule.name, weight=rule.weight,
        criteria=criteria_text(rule), value=value,
        score=None if outcome is None else _clamp(outcome.points, rule.weight),
        rule=rule.kind, note=note, fields=tuple(dict.fromkeys(fields)),
        target=target_text(rule), basis=basis, value_label=rule.value_label)


def score(ds: Dataset, rules: Rules) -> Scoresheet:
    """The 自评表 of ``ds`` under ``rules``: every indicator; total and grade once none is
    pending; and each project's table when the rules have a ``[project]`` part."""
    unreadable = frozenset(f for finding in ds.read_findings for f in finding.fields)
    manual = ManualScores(ds.self_scores, rules.indicators, unreadable)
    rows = tuple(score_rule(i, r, ds, manual) for i, r in enumerate(rules.indicators))
    projects = score_projects(ds, rules.project) if rules.project else ()
    return Scoresheet(rows, rules.name, tuple(manual.remarks), rules.source, rules.basis,
                      projects)


def manual_indicators(rules: Rules) -> list[Rule]:
    """Indicators that need (or may take) a score in the 自评打分 table, in table order."""
    return [r for r in rules.indicators if r.manual or r.when_missing == "manual"]
