"""Plain-text output for the terminal: findings grouped by severity, in Chinese.

Owns how results look on a console; the data itself comes from the core.
"""

from __future__ import annotations

from .core.finding import SEVERITIES, SEVERITY_LABELS, counts
from .core.model import Dataset, describe_field


def dataset_title(ds: Dataset) -> str:
    name = ds.department.name.value or "（未填单位名称）"
    year = ds.department.year.value
    return f"{name} {year} 年度" if year is not None else name


def format_findings(ds: Dataset, findings) -> str:
    n = counts(findings)
    head = (f"{dataset_title(ds)}：{n['error']} 个错误，{n['warning']} 个警告，"
            f"{n['info']} 个提示")
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
