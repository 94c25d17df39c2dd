"""Claims of results in the department's own text, told apart from targets and plans.

This module owns the phrases that claim every target was met (无偏离, 全部完成 …)
and the one test of whether a sentence states a result ("已全部完成", "圆满完成了")
or a target or plan ("核心绩效目标：…，圆满完成年度重点任务", "力争全面完成",
"确保无偏离"). Only results can be contradicted by the task table; reading a
target as a result accuses the unit of something it never said. Pure text in,
spans out: no dataset here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlpkg.core.patterns import lazy
from xlpkg.core.record import record

# Phrases claiming that every target was met exactly; one deviating task refutes them.
NO_DEVIATION_CLAIMS = ("无偏离", "没有偏离", "未发生偏离", "未偏离", "不存在偏离", "均无偏差",
                       "无偏差", "没有偏差")
# Phrases claiming that everything was done; a task missed or unreported refutes them.
ALL_DONE_CLAIMS = ("全部完成", "全面完成", "按时按质按量完成", "按质按量完成", "圆满完成",
                   "均已完成", "100%完成")
KINDS = {"no_deviation": NO_DEVIATION_CLAIMS, "all_done": ALL_DONE_CLAIMS}

# Sections that hold plans by definition (下一步改进措施): nothing there is a result.
PLAN_SECTIONS = ("improvements",)

# One character ends a sentence, or a clause. Found with str.translate, not a regular
# expression: a set of Chinese characters costs one ~1 ms to compile, on every start.
SENTENCE_ENDS = "。；;！!？?\n"
CLAUSE_ENDS = "，," + SENTENCE_ENDS
_TO_NEWLINE = {marks: str.maketrans(dict.fromkeys(marks, "\n"))
               for marks in (SENTENCE_ENDS, CLAUSE_ENDS)}


def ends(text: str, marks: str = SENTENCE_ENDS) -> Iterator[int]:
    """Where in ``text`` a character of ``marks`` (:data:`SENTENCE_ENDS` or
    :data:`CLAUSE_ENDS`, both holding the newline) stands, in order."""
    flat = text.translate(_TO_NEWLINE[marks])   # one character for one: offsets stay
    at = flat.find("\n")
    while at >= 0:
        yield at
        at = flat.find("\n", at + 1)


# A target or plan announced before the phrase in the same sentence. “目标” only as a
# heading or statement of the target (目标：/目标为/目标是), not “与绩效目标无偏离”;
# “计划” not as a noun (工作计划、按计划完成).
_TARGET = lazy(r"目标(?:值|任务)?(?:为|是|：|:)|力争|争取|力求|确保|预计|预期|拟|将|是否"
               r"|(?<!按)(?<!按照)(?<!工作)计划(?![，,、的书表内])|努力|围绕|保障|助力|以期"
               r"|(?<![主需])要(?!求)|为了?(?=全面|圆满|全部|按时|按质)")
# “未全部完成”, “尚未全面完成”: the phrase denied, no claim at all.
DENIALS = ("未", "没有", "没", "不", "无法", "难以", "未能", "不能")
# A result stated after that: 已…完成, 完成了, 实际…, 截至…, 累计…
_RESULT = lazy(r"已|完成了|实际|截至|截止|累计")


@record
class ClaimMatch:
    """One phrase of :data:`KINDS` stated as a result; ``start:end`` is its clause."""

    kind: str      # "no_deviation" | "all_done"
    phrase: str
    start: int
    end: int


def _spans(text: str, marks: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for at in ends(text, marks):
        out.append((start, at))
        start = at + 1
    out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_result(before: str, phrase_and_after: str = "") -> bool:
    """Whether a claim phrase states a result, given its sentence up to the phrase
    (``before``) and the phrase with a character or two after it (“圆满完成了”).

    The last marker wins: a target announced and a result stated after it
    (“计划开展 10 期，实际开展 12 期，全部完成”) is a result.
    """
    region = _compact(before) + _compact(phrase_and_after)
    targets = [m.end() for m in _TARGET.finditer(region)]
    if not targets:
        return True
    results = [m.start() for m in _RESULT.finditer(region)]
    return bool(results) and max(results) >= max(targets)


def find_claims(text: str, section: str | None = None) -> list[ClaimMatch]:
    """Every claim of results in ``text``, first phrase of each kind per clause."""
    if section in PLAN_SECTIONS or not text:
        return []
    out = []
    for s_start, s_end in _spans(text, SENTENCE_ENDS):
        sentence = text[s_start:s_end]
        for c_start, c_end in _spans(sentence, CLAUSE_ENDS):
            clause = sentence[c_start:c_end]
            compact = _compact(clause)
            for kind, phrases in KINDS.items():
                phrase = next((p for p in phrases if p in compact), None)
                if phrase is None:
                    continue
                at = compact.index(phrase)
                if compact[:at].endswith(DENIALS):
                    continue
                before = sentence[:c_start] + compact[:at]
                if is_result(before, compact[at:at + len(phrase) + 1]):
                    lead = len(clause) - len(clause.lstrip())
                    out.append(ClaimMatch(kind, phrase, s_start + c_start + lead,
                                          s_start + c_start + len(clause.rstrip())))
    return out


def claimed_text(text: str, matches: list[ClaimMatch]) -> str:
    """The words of ``text`` that make the claims: first claiming clause to the last."""
    return text[min(m.start for m in matches):max(m.end for m in matches)]
