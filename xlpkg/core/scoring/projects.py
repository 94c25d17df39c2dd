"""Project scoring (项目支出绩效自评表, 财预〔2020〕10号 style): each project by its own indicators.

Owns how one project is scored: 预算执行率 = min(本年决算数 ÷ 全年预算数, 100%) × its
weight; a quantitative indicator by its comparator (≥ at least: weight × min(actual ÷
target, 1); ≤ at most: weight × min(target ÷ actual, 1); = equal: weight × the smaller
of the two ratios), capped at the weight; a qualitative one by its self score (待评分
while there is none); the project's total and grade, which exist only when nothing is
pending and the weights add up to 100. Ratios are taken as shown (2 decimals of a
percentage) so the printed table can be checked by hand. The weights come from the
rules file's ``[project]`` table (:class:`ProjectRules`).
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core import ratios
from xlpkg.core.grades import grade
from xlpkg.core.model import Dataset, Project, ProjectIndicator, Val
from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct, round_half_up
from xlpkg.core.record import record
from xlpkg.core.scoring.rules import HUNDRED, ONE, PENDING, SHOWN, ZERO, ProjectRules, pts_text
from xlpkg.core.scoring.shown import json_number, pending_sentence, score_text

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "="}


@record
class ProjectIndicatorScore:
    """One 绩效指标 row of a project's table."""

    category: str                 # 一级指标
    subcategory: str              # 二级指标
    name: str                     # 三级指标
    unit: str
    target_text: str              # 年度指标值 as printed: ≥100%
    actual_text: str              # 实际完成值 as printed, "" when blank
    weight: Decimal | None
    score: Decimal | None         # None = 待评分
    basis: str                    # "data" | "manual" | "pending"
    note: str                     # 扣分 / 偏差说明, Chinese
    reason: str                   # 偏差原因分析及改进措施 as the department wrote it
    fields: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        return self.score is None

    @property
    def score_text(self) -> str:
        return score_text(self.score)

    def to_json(self) -> dict:
        return {"category": self.category, "subcategory": self.subcategory, "name": self.name,
                "unit": self.unit, "target": self.target_text, "actual": self.actual_text,
                "weight": json_number(self.weight), "score": json_number(self.score),
                "basis": self.basis, "note": self.note, "reason": self.reason}


@record
class ProjectScore:
    """One project's 项目支出绩效自评表: funds, 执行率, indicators, total and grade."""

    name: str
    budget_initial: Decimal | None
    budget_final: Decimal | None
    actual: Decimal | None
    execution_weight: Decimal
    execution_rate: Decimal | None     # fraction as shown (4 places); None = not computable
    execution_score: Decimal | None
    execution_note: str
    indicators: tuple[ProjectIndicatorScore, ...]
    goal: str
    result: str
    rules_name: str
    remarks: tuple[str, ...] = ()

    @property
    def weight(self) -> Decimal:
        return self.execution_weight + sum((i.weight or ZERO for i in self.indicators), ZERO)

    @property
    def pending(self) -> tuple[str, ...]:
        """What still needs a score: 预算执行率 (no budget to divide by) and indicators."""
        out = [] if self.execution_score is not None else ["预算执行率"]
        return tuple(out + [i.name for i in self.indicators if i.pending])

    @property
    def total(self) -> Decimal | None:
        if self.pending:
            return None
        return self.execution_score + sum((i.score for i in self.indicators), ZERO)

    @property
    def grade(self) -> str | None:
        """优/良/中/差 — only for a complete table whose weights add up to 100."""
        if self.total is None or self.weight != HUNDRED:
            return None
        return grade(self.total)

    @property
    def grade_text(self) -> str:
        if self.grade is not None:
            return self.grade
        if self.pending:
            return pending_sentence(len(self.pending))
        return f"分值合计 {pts_text(self.weight)} 分，不是 100 分，暂不定级"

    @property
    def execution_text(self) -> str:
        return "" if self.execution_rate is None else fmt_pct(self.execution_rate)

    def to_json(self) -> dict:
        return {"name": self.name, "total": json_number(self.total), "grade": self.grade,
                "pending": list(self.pending),
                "execution": {"weight": json_number(self.execution_weight),
                              "rate": None if self.execution_rate is None else json_number(
                                  round_half_up(self.execution_rate * HUNDRED, 2)),
                              "score": json_number(self.execution_score),
                              "note": self.execution_note},
                "indicators": [i.to_json() for i in self.indicators],
                "remarks": list(self.remarks)}


# ---------------------------------------------------------------- one indicator


def _text(v: Val) -> str:
    value = v.value
    if value is None:
        return ""
    return fmt_number(value) if isinstance(value, Decimal) else str(value).strip()


def _num(v: Val) -> Decimal | None:
    return v.value if isinstance(v.value, Decimal) else None


def target_text(ind: ProjectIndicator) -> str:
    """年度指标值 as a table prints it: ``≥100%``, ``≤5天``, or the qualitative text."""
    text, unit = _text(ind.target), _text(ind.unit)
    if not text:
        return ""
    if _num(ind.target) is None:
        return text
    sign = COMPARATOR_SIGNS.get(ind.comparator.value or "", "")
    return f"{sign}{text}{unit}"


def actual_text(ind: ProjectIndicator) -> str:
    text = _text(ind.actual)
    if text and _num(ind.actual) is not None:
        return text + _text(ind.unit)
    return text


def _achievement(actual: Decimal, target: Decimal, comparator: str) -> Decimal | None:
    """How fully a quantitative target is met, capped at 1 (None: nothing to divide by)."""
    if comparator == "=":
        if actual == target:
            return ONE
        parts = [r for r in (ratios.completion_rate(actual, target),
                             ratios.completion_rate(target, actual)) if r is not None]
        return min(parts) if parts else None
    rate = ratios.achievement(actual, target, comparator)
    return None if rate is None else max(min(rate, ONE), ZERO)


def _self_score(ind: ProjectIndicator, weight: Decimal, what: str) -> tuple[Decimal | None, str]:
    raw = _num(ind.score)
    if raw is None:
        return None, f"{what}，{PENDING}（请填写自评得分）"
    if raw > weight:
        return weight, f"自评得分 {fmt_number(raw)} 分超过分值 {pts_text(weight)} 分，按 {pts_text(weight)} 分计"
    if raw < 0:
        return ZERO, f"自评得分 {fmt_number(raw)} 分为负数，按 0 分计"
    return raw, f"自评得分 {fmt_number(raw)} 分"


def score_indicator(ind: ProjectIndicator) -> ProjectIndicatorScore:
    """One indicator: by its comparator when target and actual are numbers, else by its
    self score; 待评分 when neither gives a score."""
    weight = _num(ind.weight)
    target, actual = _num(ind.target), _num(ind.actual)
    comparator = ind.comparator.value or ">="
    fields = (ind.target.field, ind.actual.field, ind.weight.field)
    score, basis, note = None, "pending", ""
    if weight is None or weight <= 0:
        note = f"未填分值，无法计分，{PENDING}"
    elif target is not None and actual is not None:
        rate = _achievement(actual, target, comparator)
        if rate is not None:
            rate = round_half_up(rate, SHOWN)
            score, basis = round_half_up(weight * rate, 2), "data"
            sign = COMPARATOR_SIGNS.get(comparator, "≥")
            how = {"≥": "实际值 ÷ 目标值", "≤": "目标值 ÷ 实际值", "=": "实际值与目标值之比"}[sign]
            note = "" if rate == ONE else (
                f"完成程度 {fmt_pct(rate)}（{how}）× {pts_text(weight)} 分 = "
                f"{fmt_amount(score)} 分，扣 {fmt_amount(weight - score)} 分")
            if _num(ind.score) is not None and _num(ind.score) != score:
                note = "；".join(p for p in (note, "自评得分未采用（本指标按目标值与实际值计算）") if p)
        else:
            score, note = _self_score(ind, weight, "目标值为 0，无法计算完成程度")
            basis = "manual" if score is not None else "pending"
    elif target is not None and ind.actual.value is None:
        score, note = _self_score(ind, weight, "未填实际值")
        basis = "manual" if score is not None else "pending"
    else:
        score, note = _self_score(ind, weight, "定性指标，未填自评得分")
        basis = "manual" if score is not None else "pending"
        fields += (ind.score.field,)
    if score is not None and score < (weight or ZERO) and not _text(ind.reason):
        note = "；".join(p for p in (note, "未达目标，偏差原因未填") if p)
    return ProjectIndicatorScore(
        category=_text(ind.category), subcategory=_text(ind.subcategory), name=_text(ind.name),
        unit=_text(ind.unit), target_text=target_text(ind), actual_text=actual_text(ind),
        weight=weight, score=score, basis=basis, note=note, reason=_text(ind.reason),
        fields=tuple(f for f in fields if f))


# ---------------------------------------------------------------- one project


def score_project(project: Project, rules: ProjectRules) -> ProjectScore:
    """A project's table under ``rules``."""
    final, actual = _num(project.budget_final), _num(project.actual)
    w = rules.execution_weight
    rate = ratios.execution_rate(actual, final) if final is not None and actual is not None \
        else None
    if rate is None:
        missing = "、".join(label for label, v in (("全年预算数", final), ("全年执行数", actual))
                           if v is None)
        why = f"缺少{missing}" if missing else "全年预算数为 0"
        execution, note = None, f"无法计算（{why}），{PENDING}"
    else:
        rate = round_half_up(rate, SHOWN)
        execution = round_half_up(w * min(rate, ONE), 2)
        note = "" if rate == ONE else (
            f"执行率 {fmt_pct(rate)}，超过 100% 按满分计" if rate > ONE else
            f"执行率 {fmt_pct(rate)} × {pts_text(w)} 分 = {fmt_amount(execution)} 分")
    indicators = tuple(score_indicator(i) for i in project.indicators)
    remarks = []
    if not indicators:
        remarks.append("未填绩效指标")
    weight = w + sum((i.weight or ZERO for i in indicators), ZERO)
    if indicators and weight != HUNDRED:
        remarks.append(f"{rules.execution_label} {pts_text(w)} 分与各指标分值合计 "
                       f"{pts_text(weight)} 分，不是 100 分")
    return ProjectScore(
        name=_text(project.name), budget_initial=_num(project.budget_initial),
        budget_final=final, actual=actual, execution_weight=w, execution_rate=rate,
        execution_score=execution, execution_note=note, indicators=indicators,
        goal=_text(project.goal), result=_text(project.result), rules_name=rules.name,
        remarks=tuple(remarks))


def score_projects(ds: Dataset, rules: ProjectRules) -> tuple[ProjectScore, ...]:
    """Every project of ``ds`` that has a name."""
    return tuple(score_project(p, rules) for p in ds.projects if _text(p.name))
