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
from datetime import date
from typing import Any

from xlpkg.core.finding import Finding
from xlpkg.core.model import NARRATIVE_LABELS, Dataset
from xlpkg.core.record import record
from xlpkg.report import basics, deviations, performance, spending
from xlpkg.report.state import Build
from xlpkg.report.text import NONE_TEXT, Block, Content, Para, Section, chinese_number, numbered

REPORT_TAIL = "整体支出绩效自评报告"


@record
class Place:
    """One section of the outline: its key, its title and what builds its blocks."""

    key: str
    title: str
    build: Callable[[Build], list[Block]]


def _narrative(section: str, *, required: bool = True) -> Callable[[Build], list[Block]]:
    """The department's own paragraphs; when it wrote none, a gap marker for a required
    section (八、九) and 无 for 十 (nothing else to say is a fine answer there)."""
    def build_narrative(b: Build) -> list[Block]:
        own = numbered(b.own(section))
        if own:
            return b.paras(own)
        return [b.para(b.gap(NARRATIVE_LABELS[section]) if required else NONE_TEXT)]

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
    Place("other", NARRATIVE_LABELS["other"], _narrative("other", required=False)),
)


def heading(index: int, place: Place) -> str:
    """``七、存在的问题及原因分析``."""
    return f"{chinese_number(index)}、{place.title}"


HEADINGS = tuple(heading(i, p) for i, p in enumerate(OUTLINE, 1))


def report_title(ds: Dataset) -> str:
    """``2023年度安化县总工会整体支出绩效自评报告`` (the seed's title)."""
    b = Build(ds)
    return f"{b.year}年度{b.name}{REPORT_TAIL}" if b.year else f"{b.name}{REPORT_TAIL}"


def date_text(day: date) -> str:
    """``2024年3月15日`` (成文日期 in Arabic numerals, GB/T 9704-2012 7.3.5)."""
    return f"{day.year}年{day.month}月{day.day}日"


def closing(b: Build, appendices, day: date | None) -> list[Para]:
    """附件说明 (one line per appendix) and the 落款: the unit and the date — the data's
    ``report_date`` if given, else the day the report is written (``day``)."""
    out = []
    for i, annex in enumerate(appendices):
        number = f"{i + 1}. " if len(appendices) > 1 else ""
        lead = "附件：" if i == 0 else "　　　"
        out.append(Para(b.text(f"{lead}{number}{annex.name}"), "annex_note"))
    out.append(Para(b.text(b.name), "signature"))
    day = b.ds.department.report_date.value or day
    if day is not None:
        out.append(Para(b.text(date_text(day)), "signature"))
    return out


def build_content(ds: Dataset, findings: Sequence[Finding] = (), scoresheet: Any = None, *,
                  with_findings: bool = False, day: date | None = None) -> Content:
    """Everything the report prints, section by section, and the gaps it marks. ``day``
    is the date of the 落款 when the data gives none (the caller's today: core has no
    clock)."""
    b = Build(ds, findings, scoresheet, with_findings=with_findings)
    b.appendices = performance.appendix_labels(b)
    sections = []
    for i, place in enumerate(OUTLINE, 1):
        b.section = heading(i, place)
        sections.append(Section(place.key, b.section, place.build(b)))
    b.section = ""
    appendices = performance.appendices(b)
    return Content(report_title(ds), REPORT_TAIL, b.name, sections, appendices, b.gaps,
                   basics.chart_data(b), closing(b, appendices, day))
