"""Scoring rules as data: the five rule kinds, a framework, its validation and its wording.

This module owns the rule model — ``linear`` (value × weight, capped), ``tiers``
(thresholds → points), ``penalty`` (points off per percentage point over/under a
limit), ``band`` (a self score within qualitative bands) and ``checklist`` (self
points per item) — what a computed rule does when its value is not computable
(``when_missing``), the check of a whole framework, and the Chinese 评分标准 and
年度指标值 a rule implies. Rules arrive loaded by :mod:`xlpkg.read.rules_file`.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import ClassVar

from xlpkg.core.indicators import MANUAL, VALUE_SOURCES, TaskOptions
from xlpkg.core.money import fmt_number
from xlpkg.core.record import field, record

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
POINT = Decimal("0.01")            # one percentage point, as a fraction
SHOWN = 4                          # a value is scored as shown: 2 decimals of a percentage
TOTAL_WEIGHT = HUNDRED

KIND_LABELS = {"linear": "按比例计分", "tiers": "分档计分", "penalty": "超限扣分",
               "band": "定性分档", "checklist": "逐项打分"}
COMPUTED_KINDS = ("linear", "tiers", "penalty")
MANUAL_KINDS = ("band", "checklist")
WHEN_MISSING = {"zero": "记 0 分", "full": "记满分", "manual": "按自评打分表得分计"}
PENDING = "待评分"                 # shown wherever a self score is needed and missing
PENALTY_STEPS = {"proportional": "按比例扣分", "whole": "不足一档不扣分",
                 "started": "不足一档按一档扣分"}


# ---------------------------------------------------------------- rule kinds


@record
class Linear:
    """Score = weight × value / full_at, capped at the weight."""

    full_at: Decimal = ONE
    kind: ClassVar[str] = "linear"


@record
class Tier:
    bound: Decimal     # fraction; inclusive
    points: Decimal


@record
class Tiers:
    """First tier reached wins: ``at_least`` (value ≥ bound, bounds descending) or
    at most (value ≤ bound, bounds ascending); otherwise ``otherwise`` points."""

    tiers: tuple[Tier, ...]
    at_least: bool = True
    otherwise: Decimal = ZERO
    kind: ClassVar[str] = "tiers"


@record
class Penalty:
    """Full points within ``limit``; ``deduct`` points off per ``step`` beyond it."""

    limit: Decimal               # fraction
    deduct: Decimal              # points per step
    over: bool = True            # True: penalise above the limit; False: below it
    step: Decimal = POINT        # fraction (0.01 = one percentage point)
    steps: str = "proportional"  # a key of PENALTY_STEPS
    kind: ClassVar[str] = "penalty"


@record
class Band:
    label: str
    low: Decimal    # fraction of the weight, inclusive
    high: Decimal   # fraction of the weight


# 财预〔2020〕10号: qualitative indicators in three bands of the weight.
DEFAULT_BANDS = (Band("达成年度指标", Decimal("0.8"), ONE),
                 Band("部分达成年度指标并具有一定效果", Decimal("0.6"), Decimal("0.8")),
                 Band("未达成年度指标且效果较差", ZERO, Decimal("0.6")))


@record
class Bands:
    """A manual score, placed in one of ``bands`` for the note."""

    bands: tuple[Band, ...] = DEFAULT_BANDS
    kind: ClassVar[str] = "band"


@record
class Item:
    text: str
    points: Decimal


@record
class Checklist:
    """Manual points per item; the items' points add up to the weight."""

    items: tuple[Item, ...]
    kind: ClassVar[str] = "checklist"


Method = Linear | Tiers | Penalty | Bands | Checklist


@record
class Rule:
    """One 三级指标 of the framework and how it is scored."""

    level1: str
    level2: str
    name: str
    weight: Decimal
    method: Method
    value: str = MANUAL             # a key of indicators.VALUE_SOURCES, or "manual"
    when_missing: str = "zero"      # "zero" | "full" | "manual"
    criteria: str = ""              # 评分标准 as given in the file; generated when empty
    absolute: bool = False          # score |value| (e.g. a budget cut is an adjustment too)
    tasks: TaskOptions = field(default_factory=TaskOptions)

    @property
    def kind(self) -> str:
        return self.method.kind

    @property
    def manual(self) -> bool:
        return self.value == MANUAL

    @property
    def value_label(self) -> str:
        return VALUE_SOURCES[self.value][0] if self.value in VALUE_SOURCES else self.name


@record
class ProjectRules:
    """How a project's own table is scored (the rules file's ``[project]`` table)."""

    name: str
    execution_weight: Decimal
    basis: str = ""
    execution_label: str = "预算执行率"
    source: str = ""


@record
class Rules:
    """A whole framework: its name and its indicators in table order."""

    name: str
    indicators: tuple[Rule, ...]
    source: str = ""     # file name, for messages
    basis: str = ""      # where the weights come from
    project: ProjectRules | None = None   # how each project's own table is scored

    @property
    def total_weight(self) -> Decimal:
        return sum((r.weight for r in self.indicators), ZERO)


# ---------------------------------------------------------------- validation


_IGNORED = set(" \t\r\n\u3000\"'“”‘’「」『』《》<>-—–/\\·•:|、_.,，;；")


@lru_cache(maxsize=4096)   # the same few hundred names, asked for again and again
def norm_name(text: str | None) -> str:
    """Names as people type them: full-width, quotes (“三公” / "三公" / 三公), separators."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if ch not in _IGNORED)


def pct_text(fraction: Decimal) -> str:
    """A rule threshold as written: ``90%``, ``0.5%``."""
    return f"{fmt_number(fraction * HUNDRED)}%"


def pts_text(points: Decimal) -> str:
    return fmt_number(points)


def _problems(rule: Rule) -> list[str]:
    out = []
    w = rule.weight
    if not rule.name.strip():
        out.append("三级指标名称为空")
    if w <= 0:
        out.append(f"分值应大于 0，实际是 {pts_text(w)}")
    if rule.when_missing not in WHEN_MISSING:
        out.append(f"无法计算时的处理（when_missing）应为 zero、full 或 manual，"
                   f"实际是“{rule.when_missing}”")
    if rule.kind in COMPUTED_KINDS and rule.value not in VALUE_SOURCES:
        out.append(f"{KIND_LABELS[rule.kind]}（{rule.kind}）需要可计算的取值（value），"
                   f"“{rule.value}”不是")
    if rule.kind in MANUAL_KINDS and not rule.manual:
        out.append(f"{KIND_LABELS[rule.kind]}（{rule.kind}）按自评打分计分，取值（value）"
                   f"应为 manual，实际是“{rule.value}”")
    m = rule.method
    if isinstance(m, Linear) and m.full_at <= 0:
        out.append("满分所需的指标值（full_at）应大于 0")
    if isinstance(m, Tiers):
        if not m.tiers:
            out.append("分档（tiers）至少要有一档")
        bounds = [t.bound for t in m.tiers]
        ordered = sorted(set(bounds), reverse=m.at_least)
        if bounds != ordered:
            word = "从高到低" if m.at_least else "从低到高"
            out.append(f"分档界限应{word}依次排列且不重复：{'、'.join(pct_text(b) for b in bounds)}")
        for p in [t.points for t in m.tiers] + [m.otherwise]:
            if not ZERO <= p <= w:
                out.append(f"分档得分 {pts_text(p)} 不在 0 到分值 {pts_text(w)} 之间")
    if isinstance(m, Penalty):
        if m.deduct <= 0:
            out.append("每档扣分（deduct）应大于 0")
        if m.step <= 0:
            out.append("扣分档距（step）应大于 0")
        if m.steps not in PENALTY_STEPS:
            out.append(f"扣分方式（steps）应为 {'、'.join(PENALTY_STEPS)} 之一，实际是“{m.steps}”")
    if isinstance(m, Bands):
        bands = sorted(m.bands, key=lambda b: b.low)
        edges_ok = bool(bands) and bands[0].low == 0 and bands[-1].high == 1 and all(
            a.high == b.low for a, b in pairwise(bands)) and all(
            b.low < b.high for b in bands)
        if not edges_ok:
            out.append("定性分档（bands）应首尾相接，覆盖分值的 0%–100%")
    if isinstance(m, Checklist):
        if not m.items:
            out.append("逐项打分（items）至少要有一项")
        if any(i.points <= 0 for i in m.items):
            out.append("每项分值应大于 0")
        total = sum((i.points for i in m.items), ZERO)
        if m.items and total != w:
            out.append(f"各项分值合计 {pts_text(total)}，与指标分值 {pts_text(w)} 不符")
    if rule.tasks != TaskOptions() and rule.value != "task_completion":
        out.append("重点工作选项（category、uncategorised、unreported）只用于 task_completion")
    if rule.tasks.unreported not in ("zero", "exclude"):
        out.append(f"未填实际值的重点工作（unreported）应为 zero 或 exclude，"
                   f"实际是“{rule.tasks.unreported}”")
    return out


def rule_label(index: int, rule: Rule) -> str:
    """``第 3 项指标“预算执行率”`` — how messages name a rule."""
    return f"第 {index} 项指标“{rule.name or '未命名'}”"


def validate_rules(rules: Rules) -> list[str]:
    """Chinese problems of a framework (empty when it is usable): each names its indicator."""
    out = []
    seen: dict[tuple[str, str], int] = {}
    for i, rule in enumerate(rules.indicators, 1):
        out += [f"{rule_label(i, rule)}：{p}" for p in _problems(rule)]
        key = (norm_name(rule.level2), norm_name(rule.name))
        if key in seen:
            out.append(f"{rule_label(i, rule)}：与第 {seen[key]} 项重复（同一二级指标下的同名三级指标）")
        seen.setdefault(key, i)
    if not rules.indicators:
        out.append("没有任何指标")
    elif rules.total_weight != TOTAL_WEIGHT:
        out.append(f"各指标分值合计 {pts_text(rules.total_weight)} 分，应为 100 分")
    return out


# ---------------------------------------------------------------- wording of a rule


def _value_phrase(rule: Rule) -> str:
    """What a rule scores, for 评分标准: ``预算执行率``, ``指标类别含“质量”的重点工作平均完成率…``."""
    if rule.value != "task_completion":
        return rule.value_label
    t = rule.tasks
    scope = (f"指标类别含“{t.category}”{'（或未填类别）' if t.uncategorised else ''}的"
             if t.category else "")
    return f"{scope}重点工作平均完成率（各项超额按 100% 计）"


def criteria_text(rule: Rule) -> str:
    """评分标准 in Chinese: the file's own text, or generated from the rule."""
    if rule.criteria:
        return rule.criteria
    m = rule.method
    of = "（按绝对值）" if rule.absolute else ""
    if isinstance(m, Linear):
        what = _value_phrase(rule)
        text = (f"{what} × 分值，达到 100% 得满分" if m.full_at == ONE else
                f"{what}达到 {pct_text(m.full_at)} 得满分，未达到的按 {what} ÷ {pct_text(m.full_at)} × 分值 计分")
    elif isinstance(m, Tiers):
        sign = "≥" if m.at_least else "≤"
        parts = [f"{sign}{pct_text(t.bound)} 得 {pts_text(t.points)} 分" for t in m.tiers]
        text = "；".join(parts + [f"其余得 {pts_text(m.otherwise)} 分"])
    elif isinstance(m, Penalty):
        sign, verb = ("≤", "超过") if m.over else ("≥", "低于")
        step = f"{fmt_number(m.step * HUNDRED)} 个百分点"
        text = f"{sign}{pct_text(m.limit)} 得满分；每{verb} {step}扣 {pts_text(m.deduct)} 分，扣完为止"
        if m.steps != "proportional":
            text += f"（{PENALTY_STEPS[m.steps]}）"
    elif isinstance(m, Bands):
        text = "定性指标，按自评打分：" + "；".join(
            f"{b.label} {pts_text(b.low * rule.weight)}–{pts_text(b.high * rule.weight)} 分"
            for b in sorted(m.bands, key=lambda b: b.low, reverse=True))
    else:
        text = "逐项打分：" + "；".join(f"{n}. {i.text}（{pts_text(i.points)} 分）"
                                     for n, i in enumerate(m.items, 1))
    if rule.kind in COMPUTED_KINDS:
        text = of + text + f"；无法计算时{WHEN_MISSING[rule.when_missing]}"
    return text


def target_text(rule: Rule) -> str:
    """年度指标值 the rule implies (``≤100%``), or "" for judgement indicators."""
    m = rule.method
    if isinstance(m, Linear):
        return pct_text(m.full_at)
    if isinstance(m, Penalty):
        return ("≤" if m.over else "≥") + pct_text(m.limit)
    if isinstance(m, Tiers) and m.tiers:
        return ("≥" if m.at_least else "≤") + pct_text(m.tiers[0].bound)
    return ""


