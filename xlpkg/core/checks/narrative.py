"""The department's own paragraphs: claims of results against the task table, and
instructions of a template left in the text.

Figures written in the paragraphs are checked in :mod:`xlpkg.core.checks.text_figures`.
"""

from __future__ import annotations

import re
from itertools import count

from xlpkg.core import claims
from xlpkg.core.checks.base import finding, paragraphs
from xlpkg.core.checks.tasks import judged_tasks, task_name
from xlpkg.core.finding import Claim, Finding
from xlpkg.core.model import NARRATIVE_LABELS, Dataset
from xlpkg.core.patterns import lazy


def paragraph_label(section: str, index: int) -> str:
    """``文字内容“存在的问题及原因分析”第 1 段`` (``index`` 0-based)."""
    return f"文字内容“{NARRATIVE_LABELS.get(section, section)}”第 {index + 1} 段"


def check_narrative_claims(ds: Dataset) -> list[Finding]:
    """A paragraph that states 无偏离 / 全部完成 as a result while a task deviates or is
    unreported. Targets and plans (“目标：…，圆满完成…”, “力争全面完成”) claim nothing."""
    tasks = list(zip(count(1), ds.key_tasks, [kind for kind, _ in judged_tasks(ds)]))
    refuting = {
        "no_deviation": [(i, t) for i, t, kind in tasks if kind is not None],
        "all_done": [(i, t) for i, t, kind in tasks
                     if kind == "shortfall" or (t.target.value is not None
                                                and t.actual.value is None)],
    }
    out = []
    for para, section, index in paragraphs(ds):
        text = para.text.value or ""
        matches = {}   # kind → its first claim (a paragraph is judged once per kind)
        for m in claims.find_claims(text, section):
            if refuting[m.kind]:
                matches.setdefault(m.kind, m)
        if not matches:
            continue
        found = {kind: matches[kind].phrase for kind in claims.KINDS if kind in matches}
        against = sorted({i: t for kind in found for i, t in refuting[kind]}.items())
        names = "、".join(task_name(t, i) for i, t in against)
        said = "”“".join(found.values())
        vals = [para.text] + [t.actual for _, t in against]
        claim = Claim(section, index, claims.claimed_text(text, list(matches.values())))
        out.append(finding(
            ds, "NARRATIVE_CONTRADICTS", "warning",
            f"文字内容称“{said}”，但重点工作{names}偏离目标或未填实际值，"
            "请修改表述或补充原因分析", vals, claim))
    return out


# Instructions of the common templates, published as content when left in: each with
# words it cannot be without, so a paragraph holding none is passed over unsearched.
LEFTOVER_FORMS = (
    (("字",), r"[（(]\s*(?:限|不超过|不少于)?\s*\d+\s*字(?:以内|以下|左右)?\s*[）)]"),
    (("结合自评情况",), r"结合自评情况[，,]\s*分析"),
    (("对照年度",), r"对照年度(?:绩效)?目标[，,]\s*(?:说明|分析)"),
    (("请填写", "请简要", "请据实填写", "请在此", "请根据实际"),
     r"请(?:填写|简要(?:说明|描述|填写)|据实填写|在此|根据实际)"),
    (("此处填写", "此处录入"), r"此处(?:填写|录入)"),
    (("填写说明",), "填写说明"),
)
_LEFTOVER_WORDS = tuple(w for words, _ in LEFTOVER_FORMS for w in words)
TEMPLATE_LEFTOVERS = lazy("|".join(form for _, form in LEFTOVER_FORMS))


def check_template_leftovers(ds: Dataset) -> list[Finding]:
    """A template's own instruction (“（200字以内）”, “请填写…”) left in a paragraph."""
    out = []
    for para, section, index in paragraphs(ds):
        text = para.text.value or ""
        if not any(w in text for w in _LEFTOVER_WORDS):
            continue
        m = TEMPLATE_LEFTOVERS.search(text)
        if m is None:
            continue
        quoted = _instruction(text, m)
        out.append(finding(
            ds, "TEMPLATE_LEFTOVER", "warning",
            f"{paragraph_label(section, index)}含模板的填写说明“{quoted}”，"
            "请删除说明文字，填写本单位的实际内容", [para.text],
            Claim(section, index, quoted)))
    return out


QUOTE_LIMIT = 40
_SENTENCE = lazy(r"[^。；;！!？?\n]*[。；;！!？?]?")


def _instruction(text: str, m: re.Match) -> str:
    """The words to quote: a short paragraph whole, else the sentence holding the match."""
    if len(text) <= QUOTE_LIMIT:
        return text.strip()
    for s in _SENTENCE.finditer(text):
        if s.start() <= m.start() < max(s.end(), s.start() + 1):
            sentence = s.group(0).strip()
            return sentence if len(sentence) <= QUOTE_LIMIT else m.group(0)
    return m.group(0)


CHECKS = [check_narrative_claims, check_template_leftovers]
