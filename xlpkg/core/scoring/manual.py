"""Self scores (自评打分, ``ds.self_scores``) matched to a framework's indicators.

Owns how a 自评打分 row names an indicator (三级, 二级+三级, checklist items by
number or text), which row wins when one is entered twice, the capping of a
typed score to 0..分值 with a note, and what is said when none was entered.
A missing self score stays missing (``points is None``): the scoresheet shows
it as 待评分, never as 0.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from xlpkg.core.model import SelfScore
from xlpkg.core.money import fmt_number
from xlpkg.core.patterns import lazy
from xlpkg.core.record import record
from xlpkg.core.scoring.rules import ZERO, Band, Bands, Checklist, Rule, norm_name, pts_text

_ITEM = lazy(r"(?P<base>.+?)[\s\-—–/:·]*(?:第)?\s*[(\[【]?\s*(?P<n>\d{1,2})\s*[)\]】]?\s*项?")


def _keys(rule: Rule) -> tuple[str, ...]:
    """The names a 自评打分 row may use: 三级, 二级+三级, 一级+二级+三级."""
    return (norm_name(rule.name), norm_name(rule.level2 + rule.name),
            norm_name(rule.level1 + rule.level2 + rule.name))


@record
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
                    items.setdefault(norm_name(item.text), []).append((i, n))
        for row_no, row in enumerate(rows, 1):
            entry = _Entry(row, row_no, row.score.field in unreadable)
            text = (row.indicator.value or "").strip()
            key = norm_name(text)
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
        hits = [h for h in index.get(norm_name(m["base"]), []) if isinstance(rules[h].method, Checklist)]
        n = int(m["n"])
        if len(hits) == 1 and 1 <= n <= len(rules[hits[0]].method.items):
            return hits[0], n
        return None

    def rows(self, i: int) -> list[_Entry]:
        return self.by_rule.get(i, [])

    def item_rows(self, i: int, n: int) -> list[_Entry]:
        return self.by_item.get((i, n), [])


@record
class ManualScore:
    points: Decimal | None     # None: nothing entered
    note: str
    fields: tuple[str, ...]
    adjusted: bool = False     # capped or raised to 0


def take_score(entries: list[_Entry], cap: Decimal, what: str) -> ManualScore:
    """One manual score: the first row, capped to 0..cap, with a note on what was done."""
    if not entries:
        return ManualScore(None, "未填自评得分", ())
    e = entries[0]
    fields = (e.row.score.field,)
    extra = f"（自评打分表中出现 {len(entries)} 次，取第 {e.index} 行）" if len(entries) > 1 else ""
    raw = e.row.score.value
    if raw is None:
        what_went_wrong = "得分无法识别" if e.unreadable else "未填得分"
        return ManualScore(None, f"自评打分表第 {e.index} 行{what_went_wrong}{extra}", fields)
    why = f"（{e.row.note.value}）" if e.row.note.value else ""
    if raw > cap:
        return ManualScore(cap, f"自评得分 {fmt_number(raw)} 分超过{what} {pts_text(cap)} 分，按 "
                            f"{pts_text(cap)} 分计{why}{extra}", fields, True)
    if raw < 0:
        return ManualScore(ZERO, f"自评得分 {fmt_number(raw)} 分为负数，按 0 分计{extra}", fields,
                       True)
    return ManualScore(raw, f"自评得分 {fmt_number(raw)} 分{why}{extra}", fields)


def manual_score(i: int, rule: Rule, manual: ManualScores) -> ManualScore:
    """A manual score for rule ``i``: per checklist item when items were entered (then
    every item needs its score), else the indicator's own row."""
    m = rule.method
    if isinstance(m, Checklist) and any(manual.item_rows(i, n) for n in range(1, len(m.items) + 1)):
        total, parts, fields, adjusted, missing = ZERO, [], [], [], False
        for n, item in enumerate(m.items, 1):
            got = take_score(manual.item_rows(i, n), item.points, "该项分值")
            fields += got.fields
            if got.points is None:
                # an item without a score leaves the whole indicator unscored, not 0
                missing = True
                parts.append(f"第 {n} 项未填（{pts_text(item.points)} 分）")
                continue
            total += got.points
            parts.append(f"第 {n} 项 {fmt_number(got.points)}/{pts_text(item.points)} 分")
            if got.adjusted:
                adjusted.append(f"第 {n} 项{got.note}")
        note = "逐项自评：" + "，".join(parts) + "".join(f"；{a}" for a in adjusted)
        if manual.rows(i):
            note += "；已按逐项得分计，指标整体得分未采用"
        return ManualScore(None if missing else total, note, tuple(fields))
    got = take_score(manual.rows(i), rule.weight, "分值")
    if got.points is not None and isinstance(m, Bands):
        band = _band(m, got.points, rule.weight)
        if band is not None:
            return ManualScore(got.points, f"{got.note}，属“{band.label}”档", got.fields)
    return got


def _band(m: Bands, points: Decimal, weight: Decimal) -> Band | None:
    for band in sorted(m.bands, key=lambda b: b.low, reverse=True):
        if points >= band.low * weight:
            return band
    return None
