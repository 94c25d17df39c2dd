"""Plain-text output for the terminal: findings grouped by severity, in Chinese.

Owns how an :class:`~xlpkg.core.evaluation.Evaluation` looks on a console; the
evaluation itself comes from :mod:`xlpkg.pipeline`.
"""

from __future__ import annotations

from xlpkg.core.evaluation import Evaluation
from xlpkg.core.finding import SEVERITIES, SEVERITY_LABELS
from xlpkg.core.model import Dataset, describe_field


def dataset_title(ds: Dataset) -> str:
    name = ds.department.name.value or "（未填单位名称）"
    year = ds.department.year.value
    return f"{name} {year} 年度" if year is not None else name


def format_findings(ev: Evaluation) -> str:
    """The findings grouped by severity, each with its cells (or its fields, from YAML)."""
    ds, findings = ev.dataset, ev.findings
    head = f"{dataset_title(ds)}：{ev.summary}"
    if ds.source:
        head += f"（{ds.source}）"
    lines = [head]
    if not findings:
        lines.append("未发现问题。")
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{SEVERITY_LABELS[severity]}】")
        for i, f in enumerate(group, 1):
            lines.append(f"{i}. {f.message}")
            where = "、".join(f.cells) if f.cells else "、".join(
                describe_field(x) for x in f.fields)
            if where:
                lines.append(f"   {'单元格' if f.cells else '数据项'}：{where}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a string takes on a terminal: CJK and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def format_scoresheet(ev: Evaluation) -> str:
    """The 自评表 as a terminal table (repeated 一级/二级 left blank), then the notes."""
    from xlpkg.core.money import fmt_amount, fmt_number

    ds, sheet = ev.dataset, ev.scoresheet
    head = f"{dataset_title(ds)} 部门整体支出绩效自评表"
    if ds.source:
        head += f"（{ds.source}）"
    lines = [head, f"评分规则：{sheet.rules_name}"]
    if getattr(sheet, "rules_basis", ""):
        lines.append(f"依据：{sheet.rules_basis}")
    lines.append("")
    columns = ("序号", "一级指标", "二级指标", "三级指标", "分值", "指标值", "得分")
    rows, prev = [], ("", "")
    for i, s in enumerate(sheet.indicators, 1):
        level1 = "" if s.level1 == prev[0] else s.level1
        level2 = "" if (s.level1, s.level2) == prev else s.level2
        prev = (s.level1, s.level2)
        rows.append((str(i), level1, level2, s.name, fmt_number(s.weight), s.value_text,
                     s.score_text))
    total_weight = sum((s.weight for s in sheet.indicators), 0)
    rows.append(("", "合计", "", "", fmt_number(total_weight), "", sheet.total_text))
    widths = [max(_width(r[c]) for r in (columns, *rows)) for c in range(len(columns))]
    numeric = {0, 4, 5, 6}
    for r in (columns, *rows):
        lines.append("  ".join(_pad(t, w, c in numeric) for c, (t, w) in
                               enumerate(zip(r, widths, strict=True))).rstrip())
        if r is columns:
            lines.append("  ".join("-" * w for w in widths))
    if sheet.grade is not None:
        lines += ["", f"总分 {fmt_amount(sheet.total)} 分，等级：{sheet.grade}"]
    else:
        # no total and no grade from missing scores: say what is missing instead
        lines += ["", (f"{sheet.grade_text}。待评分指标：{'、'.join(sheet.pending)}"
                       "（请在自评打分表中填写）")]
    notes = [(i, s) for i, s in enumerate(sheet.indicators, 1) if s.note]
    if notes:
        lines += ["", "说明："]
        lines += [f"{i}. {s.name}：{s.note}" for i, s in notes]
    for remark in getattr(sheet, "remarks", ()):
        lines.append(f"注意：{remark}")
    for p in getattr(sheet, "projects", ()):
        lines += ["", *format_project_score(p)]
    return "\n".join(lines)


def format_project_score(p) -> list[str]:
    """One project's 自评表 in a few lines: 执行率, each indicator, total and grade."""
    from xlpkg.core.money import fmt_number
    from xlpkg.core.scoring import score_text  # here: ``xlpkg check`` scores nothing

    lines = [f"项目：{p.name}", f"  评分规则：{p.rules_name}",
             (f"  预算执行率 {p.execution_text or '无法计算'}，{fmt_number(p.execution_weight)} 分，"
              f"得分 {score_text(p.execution_score)}")]
    for i in p.indicators:
        weight = "" if i.weight is None else fmt_number(i.weight)
        lines.append(f"  {i.name}：目标 {i.target_text or '未填'}，实际 {i.actual_text or '未填'}，"
                     f"{weight} 分，得分 {i.score_text}")
    result = (f"总分 {score_text(p.total)} 分，等级：{p.grade}" if p.grade
              else p.grade_text)
    lines.append(f"  {result}")
    notes = [(name, note) for name, note in [("预算执行率", p.execution_note)]
             + [(i.name, i.note) for i in p.indicators] if note]
    lines += [f"  说明：{name}：{note}" for name, note in notes]
    lines += [f"  注意：{r}" for r in p.remarks]
    return lines
