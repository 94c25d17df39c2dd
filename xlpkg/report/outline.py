"""The outline of the 部门整体支出绩效自评报告: its ten sections, in order, each with
its heading and the builder of its content; and :func:`build_content`, which
walks the outline.

This is the one place the section titles live: 七 to 十 are the contract's
narrative labels (the department's own text goes under them), 一 to 六 are the
report's. The Word writer (:mod:`xlpkg.report.write`) iterates the sections it
gets; it never names one. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlpkg.core.finding import Finding
from xlpkg.core.model import NARRATIVE_LABELS, Dataset
from xlpkg.report import basics, deviations, performance, spending
from xlpkg.report.state import Build
from xlpkg.report.text import NONE_TEXT, Block, Content, Section, chinese_number, numbered

REPORT_TAIL = "整体支出绩效自评报告"


@dataclass(frozen=True)
class Place:
    """One section of the outline: its key, its title and what builds its blocks."""

    key: str
    title: str
    build: Callable[[Build], list[Block]]


def _narrative(section: str) -> Callable[[Build], list[Block]]:
    def build_narrative(b: Build) -> list[Block]:
        return b.paras(numbered(b.own(section)) or [NONE_TEXT])

    return build_narrative


OUTLINE: tuple[Place, ...] = (
    Place("basics", "部门（单位）基本情况", basics.build),
    Place("general_budget", "一般公共预算支出情况", spending.build),
    Place("government_fund", "政府性基金预算支出情况", spending.other_budget("government_fund")),
    Place("state_capital", "国有资本经营预算支出情况", spending.other_budget("state_capital")),
    Place("social_insurance", "社会保险基金预算支出情况",
          spending.other_budget("social_insurance")),
    Place("performance", "部门整体支出绩效情况", performance.build),
    Place("problems", NARRATIVE_LABELS["problems"], deviations.build),
    Place("improvements", NARRATIVE_LABELS["improvements"], _narrative("improvements")),
    Place("results_use", NARRATIVE_LABELS["results_use"], _narrative("results_use")),
    Place("other", NARRATIVE_LABELS["other"], _narrative("other")),
)


def heading(index: int, place: Place) -> str:
    """``七、存在的问题及原因分析``."""
    return f"{chinese_number(index)}、{place.title}"


HEADINGS = tuple(heading(i, p) for i, p in enumerate(OUTLINE, 1))


def report_title(ds: Dataset) -> str:
    """``2023年度安化县总工会整体支出绩效自评报告`` (the seed's title)."""
    b = Build(ds)
    return f"{b.year}年度{b.name}{REPORT_TAIL}" if b.year else f"{b.name}{REPORT_TAIL}"


def build_content(ds: Dataset, findings: Sequence[Finding] = (), scoresheet: Any = None, *,
                  with_findings: bool = False) -> Content:
    """Everything the report prints, section by section, and the gaps it marks."""
    b = Build(ds, findings, scoresheet, with_findings=with_findings)
    b.appendices = performance.appendix_labels(b)
    sections = []
    for i, place in enumerate(OUTLINE, 1):
        b.section = heading(i, place)
        sections.append(Section(place.key, b.section, place.build(b)))
    b.section = ""
    appendices = performance.appendices(b)
    return Content(report_title(ds), REPORT_TAIL, b.name, sections, appendices, b.gaps,
                   basics.chart_data(b))
