"""The scoresheet (部门整体支出绩效自评表): rules as data, and scoring a Dataset by them.

This module owns the rule model — five kinds: ``linear`` (value × weight,
capped), ``tiers`` (thresholds → points), ``penalty`` (points off per
percentage point over/under a limit), ``band`` (a manual score within
qualitative bands) and ``checklist`` (manual points per item) — what a rule
does when its value is not computable (``when_missing``), how manual scores
from the 自评打分 table (``ds.self_scores``) are matched to indicators, the
rounding (half-up, 2 decimals; computed on the value as shown, so the table can
be checked by hand), the total and the grade. Pure: rules arrive loaded by
:mod:`xlpkg.read.rules_file`; values come from :mod:`xlpkg.core.indicators`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import ClassVar

from xlpkg.core.grades import grade
from xlpkg.core.indicators import MANUAL, VALUE_SOURCES, IndicatorValue, TaskOptions, compute
from xlpkg.core.model import Dataset, SelfScore
from xlpkg.core.money import fmt_amount, fmt_number, fmt_pct, round_half_up

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
POINT = Decimal("0.01")            # one percentage point, as a fraction
SHOWN = 4                          # a value is scored as shown: 2 decimals of a percentage
TOTAL_WEIGHT = HUNDRED

KIND_LABELS = {"linear": "按比例计分", "tiers": "分档计分", "penalty": "超限扣分",
               "band": "定性分档", "checklist": "逐项打分"}
COMPUTED_KINDS = ("linear", "tiers", "penalty")
MANUAL_KINDS = ("band", "checklist")
WHEN_MISSING = {"zero": "记 0 分", "full": "记满分", "manual": "按自评打分表得分计"}
PENALTY_STEPS = {"proportional": "按比例扣分", "whole": "不足一档不扣分",
                 "started": "不足一档按一档扣分"}


# ---------------------------------------------------------------- rule kinds


@dataclass(frozen=True)
class Linear:
    """Score = weight × value / full_at, capped at the weight."""

    full_at: Decimal = ONE
    kind: ClassVar[str] = "linear"


@dataclass(frozen=True)
class Tier:
    bound: Decimal     # fraction; inclusive
    points: Decimal


@dataclass(frozen=True)
class Tiers:
    """First tier reached wins: ``at_least`` (value ≥ bound, bounds descending) or
    at most (value ≤ bound, bounds ascending); otherwise ``otherwise`` points."""

    tiers: tuple[Tier, ...]
    at_least: bool = True
    otherwise: Decimal = ZERO
    kind: ClassVar[str] = "tiers"


@dataclass(frozen=True)
class Penalty:
    """Full points within ``limit``; ``deduct`` points off per ``step`` beyond it."""

    limit: Decimal               # fraction
    deduct: Decimal              # points per step
    over: bool = True            # True: penalise above the limit; False: below it
    step: Decimal = POINT        # fraction (0.01 = one percentage point)
    steps: str = "proportional"  # a key of PENALTY_STEPS
    kind: ClassVar[str] = "penalty"


@dataclass(frozen=True)
class Band:
    label: str
    low: Decimal    # fraction of the weight, inclusive
    high: Decimal   # fraction of the weight


# 财预〔2020〕10号: qualitative indicators in three bands of the weight.
DEFAULT_BANDS = (Band("达成年度指标", Decimal("0.8"), ONE),
                 Band("部分达成年度指标并具有一定效果", Decimal("0.6"), Decimal("0.8")),
                 Band("未达成年度指标且效果较差", ZERO, Decimal("0.6")))


@dataclass(frozen=True)
class Bands:
    """A manual score, placed in one of ``bands`` for the note."""

    bands: tuple[Band, ...] = DEFAULT_BANDS
    kind: ClassVar[str] = "band"


@dataclass(frozen=True)
class Item:
    text: str
    points: Decimal


@dataclass(frozen=True)
class Checklist:
    """Manual points per item; the items' points add up to the weight."""

    items: tuple[Item, ...]
    kind: ClassVar[str] = "checklist"


Method = Linear | Tiers | Penalty | Bands | Checklist


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Rules:
    """A whole framework: its name and its indicators in table order."""

    name: str
    indicators: tuple[Rule, ...]
    source: str = ""     # file name, for messages
    basis: str = ""      # where the weights come from

    @property
    def total_weight(self) -> Decimal:
        return sum((r.weight for r in self.indicators), ZERO)


# ---------------------------------------------------------------- validation


def _pct(fraction: Decimal) -> str:
    """A rule threshold as written: ``90%``, ``0.5%``."""
    return f"{fmt_number(fraction * HUNDRED)}%"


def _pts(points: Decimal) -> str:
    return fmt_number(points)


def _problems(rule: Rule) -> list[str]:
    out = []
    w = rule.weight
    if not rule.name.strip():
        out.append("三级指标名称为空")
    if w <= 0:
        out.append(f"分值应大于 0，实际是 {_pts(w)}")
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
            out.append(f"分档界限应{word}依次排列且不重复：{'、'.join(_pct(b) for b in bounds)}")
        for p in [t.points for t in m.tiers] + [m.otherwise]:
            if not ZERO <= p <= w:
                out.append(f"分档得分 {_pts(p)} 不在 0 到分值 {_pts(w)} 之间")
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
            out.append(f"各项分值合计 {_pts(total)}，与指标分值 {_pts(w)} 不符")
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
        key = (_norm(rule.level2), _norm(rule.name))
        if key in seen:
            out.append(f"{rule_label(i, rule)}：与第 {seen[key]} 项重复（同一二级指标下的同名三级指标）")
        seen.setdefault(key, i)
    if not rules.indicators:
        out.append("没有任何指标")
    elif rules.total_weight != TOTAL_WEIGHT:
        out.append(f"各指标分值合计 {_pts(rules.total_weight)} 分，应为 100 分")
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
                f"{what}达到 {_pct(m.full_at)} 得满分，未达到的按 {what} ÷ {_pct(m.full_at)} × 分值 计分")
    elif isinstance(m, Tiers):
        sign = "≥" if m.at_least else "≤"
        parts = [f"{sign}{_pct(t.bound)} 得 {_pts(t.points)} 分" for t in m.tiers]
        text = "；".join(parts + [f"其余得 {_pts(m.otherwise)} 分"])
    elif isinstance(m, Penalty):
        sign, verb = ("≤", "超过") if m.over else ("≥", "低于")
        step = f"{fmt_number(m.step * HUNDRED)} 个百分点"
        text = f"{sign}{_pct(m.limit)} 得满分；每{verb} {step}扣 {_pts(m.deduct)} 分，扣完为止"
        if m.steps != "proportional":
            text += f"（{PENALTY_STEPS[m.steps]}）"
    elif isinstance(m, Bands):
        text = "定性指标，按自评打分：" + "；".join(
            f"{b.label} {_pts(b.low * rule.weight)}–{_pts(b.high * rule.weight)} 分"
            for b in sorted(m.bands, key=lambda b: b.low, reverse=True))
    else:
        text = "逐项打分：" + "；".join(f"{n}. {i.text}（{_pts(i.points)} 分）"
                                     for n, i in enumerate(m.items, 1))
    if rule.kind in COMPUTED_KINDS:
        text = of + text + f"；无法计算时{WHEN_MISSING[rule.when_missing]}"
    return text


def target_text(rule: Rule) -> str:
    """年度指标值 the rule implies (``≤100%``), or "" for judgement indicators."""
    m = rule.method
    if isinstance(m, Linear):
        return _pct(m.full_at)
    if isinstance(m, Penalty):
        return ("≤" if m.over else "≥") + _pct(m.limit)
    if isinstance(m, Tiers) and m.tiers:
        return ("≥" if m.at_least else "≤") + _pct(m.tiers[0].bound)
    return ""


# ---------------------------------------------------------------- computed kinds


@dataclass(frozen=True)
class Outcome:
    """Points before rounding, and the Chinese note on points lost."""

    points: Decimal
    note: str = ""


def _lost(weight: Decimal, points: Decimal) -> str:
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
            return Outcome(w, f"{shown}，超过 {_pct(m.full_at)}，按满分计" if over else "")
        points = max(w * value / m.full_at, ZERO)
        how = (f"{shown} × {_pts(w)} 分" if m.full_at == ONE else
               f"{shown} ÷ {_pct(m.full_at)} × {_pts(w)} 分")
        return Outcome(points, f"{how} = {fmt_amount(points)} 分，{_lost(w, points)}")
    if isinstance(m, Tiers):
        sign = "≥" if m.at_least else "≤"
        for tier in m.tiers:
            if (value >= tier.bound) if m.at_least else (value <= tier.bound):
                note = "" if tier.points >= w else (
                    f"{shown}，属“{sign}{_pct(tier.bound)}”档，得 {_pts(tier.points)} 分，"
                    f"{_lost(w, tier.points)}")
                return Outcome(tier.points, note)
        last = m.tiers[-1].bound if m.tiers else ZERO
        other = "<" if m.at_least else ">"
        return Outcome(m.otherwise, f"{shown}，{other}{_pct(last)}，得 {_pts(m.otherwise)} 分"
                       + (f"，{_lost(w, m.otherwise)}" if m.otherwise < w else ""))
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
        return Outcome(points, f"{shown}，{verb} {_pct(m.limit)} {fmt_amount(excess * HUNDRED)} "
                               f"个百分点，每{verb} {fmt_number(m.step * HUNDRED)} 个百分点扣 "
                               f"{_pts(m.deduct)} 分，{_lost(w, points)}"
                               + ("（扣完为止）" if points == 0 else ""))
    raise ValueError(f"{rule.kind} is scored by hand, not from a value")


# ---------------------------------------------------------------- manual scores


_IGNORED = set(" \t\r\n\u3000\"'“”‘’「」『』《》<>-—–/\\·•:|、_.,，;；")
_ITEM = re.compile(r"(?P<base>.+?)[\s\-—–/:·]*(?:第)?\s*[(\[【]?\s*(?P<n>\d{1,2})\s*[)\]】]?\s*项?")


def _norm(text: str | None) -> str:
    """Names as people type them: full-width, quotes (“三公” / "三公" / 三公), separators."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if ch not in _IGNORED)


def _keys(rule: Rule) -> tuple[str, ...]:
    """The names a 自评打分 row may use: 三级, 二级+三级, 一级+二级+三级."""
    return (_norm(rule.name), _norm(rule.level2 + rule.name),
            _norm(rule.level1 + rule.level2 + rule.name))


@dataclass(frozen=True)
class _Entry:
    row: SelfScore
    index: int              # 1-based row of tbl_scores
    unreadable: bool = False  # the score cell held something that is not a number


class ManualScores:
    """The 自评打分 rows matched to a framework's indicators (and checklist items).

    A row names an indicator by its 三级指标 (or 二级+三级 when the 三级 name
    repeats, e.g. 管理制度健全性); a checklist item by ``<三级指标>-<n>`` /
    ``<三级指标>第n项`` or the item's text.
    """

    def __init__(self, rows: Sequence[SelfScore], rules: Sequence[Rule],
                 unreadable: frozenset[str] = frozenset()):
        self.by_rule: dict[int, list[_Entry]] = {}
        self.by_item: dict[tuple[int, int], list[_Entry]] = {}
        self.remarks: list[str] = []
        index: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for key in dict.fromkeys(_keys(rule)):
                index.setdefault(key, []).append(i)
        items: dict[str, list[tuple[int, int]]] = {}
        for i, rule in enumerate(rules):
            if isinstance(rule.method, Checklist):
                for n, item in enumerate(rule.method.items, 1):
                    items.setdefault(_norm(item.text), []).append((i, n))
        for row_no, row in enumerate(rows, 1):
            entry = _Entry(row, row_no, row.score.field in unreadable)
            text = (row.indicator.value or "").strip()
            key = _norm(text)
            if not key:
                continue
            hits = index.get(key, [])
            if len(hits) == 1:
                self.by_rule.setdefault(hits[0], []).append(entry)
                continue
            if len(hits) > 1:
                names = "、".join(f"“{rules[h].level2}-{rules[h].name}”" for h in hits)
                self.remarks.append(f"自评打分表第 {row_no} 行“{text}”对应多个指标（{names}），"
                                    "请写明二级指标，未采用")
                continue
            item = self._item(text, index, rules) or (items.get(key, [None])[0]
                                                      if len(items.get(key, [])) == 1 else None)
            if item:
                self.by_item.setdefault(item, []).append(entry)
            else:
                self.remarks.append(f"自评打分表第 {row_no} 行“{text}”不是评分规则中的指标，未采用")

    @staticmethod
    def _item(text: str, index: dict[str, list[int]], rules) -> tuple[int, int] | None:
        m = _ITEM.fullmatch(unicodedata.normalize("NFKC", text))
        if not m:
            return None
        hits = [h for h in index.get(_norm(m["base"]), []) if isinstance(rules[h].method, Checklist)]
        n = int(m["n"])
        if len(hits) == 1 and 1 <= n <= len(rules[hits[0]].method.items):
            return hits[0], n
        return None

    def rows(self, i: int) -> list[_Entry]:
        return self.by_rule.get(i, [])

    def item_rows(self, i: int, n: int) -> list[_Entry]:
        return self.by_item.get((i, n), [])


@dataclass(frozen=True)
class _Manual:
    points: Decimal | None     # None: nothing entered
    note: str
    fields: tuple[str, ...]
    adjusted: bool = False     # capped or raised to 0


def _take(entries: list[_Entry], cap: Decimal, what: str) -> _Manual:
    """One manual score: the first row, capped to 0..cap, with a note on what was done."""
    if not entries:
        return _Manual(None, "未填自评得分", ())
    e = entries[0]
    fields = (e.row.score.field,)
    extra = f"（自评打分表中出现 {len(entries)} 次，取第 {e.index} 行）" if len(entries) > 1 else ""
    raw = e.row.score.value
    if raw is None:
        what_went_wrong = "得分无法识别" if e.unreadable else "未填得分"
        return _Manual(None, f"自评打分表第 {e.index} 行{what_went_wrong}{extra}", fields)
    why = f"（{e.row.note.value}）" if e.row.note.value else ""
    if raw > cap:
        return _Manual(cap, f"自评得分 {fmt_number(raw)} 分超过{what} {_pts(cap)} 分，按 "
                            f"{_pts(cap)} 分计{why}{extra}", fields, True)
    if raw < 0:
        return _Manual(ZERO, f"自评得分 {fmt_number(raw)} 分为负数，按 0 分计{extra}", fields,
                       True)
    return _Manual(raw, f"自评得分 {fmt_number(raw)} 分{why}{extra}", fields)


def _manual_score(i: int, rule: Rule, manual: ManualScores) -> _Manual:
    """A manual score for rule ``i``: per checklist item when items were entered."""
    m = rule.method
    if isinstance(m, Checklist) and any(manual.item_rows(i, n) for n in range(1, len(m.items) + 1)):
        total, parts, fields, adjusted = ZERO, [], [], []
        for n, item in enumerate(m.items, 1):
            got = _take(manual.item_rows(i, n), item.points, "该项分值")
            total += got.points or ZERO
            fields += got.fields
            parts.append(f"第 {n} 项 {fmt_number(got.points or ZERO)}/{_pts(item.points)} 分"
                         + ("（未填）" if got.points is None else ""))
            if got.adjusted:
                adjusted.append(f"第 {n} 项{got.note}")
        note = "逐项自评：" + "，".join(parts) + "".join(f"；{a}" for a in adjusted)
        if manual.rows(i):
            note += "；已按逐项得分计，指标整体得分未采用"
        return _Manual(total, note, tuple(fields))
    got = _take(manual.rows(i), rule.weight, "分值")
    if got.points is not None and isinstance(m, Bands):
        band = _band(m, got.points, rule.weight)
        if band is not None:
            return _Manual(got.points, f"{got.note}，属“{band.label}”档", got.fields)
    return got


def _band(m: Bands, points: Decimal, weight: Decimal) -> Band | None:
    for band in sorted(m.bands, key=lambda b: b.low, reverse=True):
        if points >= band.low * weight:
            return band
    return None


def _missing(rule: Rule, got: _Manual) -> Outcome:
    """No manual score: the rule's when_missing (manual → 0)."""
    if rule.when_missing == "full":
        return Outcome(rule.weight, f"{got.note}，按规则记满分")
    return Outcome(ZERO, f"{got.note}，记 0 分")


# ---------------------------------------------------------------- the scoresheet


@dataclass(frozen=True)
class IndicatorScore:
    """One row of the 自评表."""

    level1: str
    level2: str
    name: str
    weight: Decimal
    criteria: str                 # 评分标准
    value: Decimal | None         # fraction as shown (4 places); None = not computable / manual
    score: Decimal                # half-up, 2 decimals, within 0..weight
    rule: str                     # kind
    note: str                     # 扣分原因 / 偏差说明, Chinese
    fields: tuple[str, ...]       # contract fields behind the value (or the manual score)
    target: str = ""              # 年度指标值 implied by the rule, e.g. ≤100%
    basis: str = "data"           # "data" | "manual" | "zero" | "full": where the score came from
    value_label: str = ""         # what the value is (预算执行率)

    @property
    def unscored(self) -> bool:
        """0 points only because the value was not computable or the self-score is
        missing (``basis == "zero"``), not because the data scored 0."""
        return self.basis == "zero"

    @property
    def value_text(self) -> str:
        """``95.10%``; ``无法计算`` for a computed indicator without data; ``—`` for judgement."""
        if self.value is not None:
            return fmt_pct(self.value)
        return "—" if self.rule in MANUAL_KINDS else "无法计算"


def _number(d: Decimal):
    """A JSON number: int when whole, else float (2 decimals at most here)."""
    return int(d) if d == d.to_integral_value() else float(d)


@dataclass(frozen=True)
class Scoresheet:
    indicators: tuple[IndicatorScore, ...]
    total: Decimal
    grade: str
    rules_name: str
    remarks: tuple[str, ...] = ()   # 自评打分 rows that were not used, and why
    rules_source: str = ""

    def to_json(self) -> dict:
        """``{"indicators": [...], "total", "grade"}``; value as a percentage number or null."""
        return {
            "indicators": [{
                "level1": s.level1, "level2": s.level2, "name": s.name,
                "weight": _number(s.weight),
                "value": None if s.value is None else _number(round_half_up(s.value * HUNDRED, 2)),
                "score": _number(s.score), "rule": s.rule, "note": s.note,
            } for s in self.indicators],
            "total": _number(self.total),
            "grade": self.grade,
        }

    @property
    def conclusion(self) -> str:
        """The report's sentence: ``经自评，部门整体支出绩效综合得分 85.50 分，等级为良``."""
        return f"经自评，部门整体支出绩效综合得分 {fmt_amount(self.total)} 分，等级为{self.grade}"

    @property
    def unscored(self) -> tuple[IndicatorScore, ...]:
        """Indicators left at 0 for want of data or of a self-score (see IndicatorScore)."""
        return tuple(s for s in self.indicators if s.unscored)

    def subtotals(self) -> list[tuple[str, Decimal, Decimal]]:
        """(一级指标, 分值, 得分) in table order."""
        out: dict[str, list[Decimal]] = {}
        for s in self.indicators:
            acc = out.setdefault(s.level1, [ZERO, ZERO])
            acc[0] += s.weight
            acc[1] += s.score
        return [(k, w, p) for k, (w, p) in out.items()]

    def find(self, name: str) -> IndicatorScore | None:
        """The indicator called ``name`` (quotes and spaces ignored; 二级+三级 also works)."""
        key = _norm(name)
        for s in self.indicators:
            if key in (_norm(s.name), _norm(s.level2 + s.name)):
                return s
        return None


def _clamp(points: Decimal, weight: Decimal) -> Decimal:
    return round_half_up(max(min(points, weight), ZERO), 2)


def _join(*parts: str) -> str:
    return "；".join(p.strip("，；") for p in parts if p)


def score_rule(i: int, rule: Rule, ds: Dataset, manual: ManualScores) -> IndicatorScore:
    """Score the ``i``-th (0-based) rule of a framework for ``ds``."""
    value, fields, basis = None, (), "data"
    if rule.manual:
        got = _manual_score(i, rule, manual)
        fields = got.fields
        if got.points is None:
            outcome = _missing(rule, got)
            basis = "full" if rule.when_missing == "full" else "zero"
        else:
            outcome, basis = Outcome(got.points, got.note), "manual"
        note = outcome.note
    else:
        iv: IndicatorValue = compute(rule.value, ds, rule.tasks)
        fields = iv.fields
        if iv.value is None:
            what = "指标值" if _norm(rule.value_label) == _norm(rule.name) else rule.value_label
            head = f"{what}无法计算（{iv.note or '数据不全'}）"
            if rule.when_missing == "manual":
                got = _manual_score(i, rule, manual)
                fields += got.fields
                if got.points is None:
                    outcome, basis = Outcome(ZERO), "zero"
                    tail = f"{got.note}，记 0 分"
                else:
                    outcome, basis = Outcome(got.points), "manual"
                    tail = f"取{got.note}"
                note = _join(head, tail)
            else:
                outcome = Outcome(rule.weight if rule.when_missing == "full" else ZERO)
                basis = rule.when_missing
                note = _join(head, WHEN_MISSING[rule.when_missing])
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
        criteria=criteria_text(rule), value=value, score=_clamp(outcome.points, rule.weight),
        rule=rule.kind, note=note, fields=tuple(dict.fromkeys(fields)),
        target=target_text(rule), basis=basis, value_label=rule.value_label)


def score(ds: Dataset, rules: Rules) -> Scoresheet:
    """The 自评表 of ``ds`` under ``rules``: every indicator, the total and the grade."""
    unreadable = frozenset(f for finding in ds.read_findings for f in finding.fields)
    manual = ManualScores(ds.self_scores, rules.indicators, unreadable)
    rows = tuple(score_rule(i, r, ds, manual) for i, r in enumerate(rules.indicators))
    total = sum((s.score for s in rows), ZERO)
    return Scoresheet(rows, total, grade(total), rules.name, tuple(manual.remarks), rules.source)


def manual_indicators(rules: Rules) -> list[Rule]:
    """Indicators that need (or may take) a score in the 自评打分 table, in table order."""
    return [r for r in rules.indicators if r.manual or r.when_missing == "manual"]
