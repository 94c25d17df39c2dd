"""Values that cannot be right on their own: unreadable cells, negative amounts, the
three figures a report cannot do without."""

from __future__ import annotations

from xlpkg.core.checks.base import finding, subjects_of, vals_named
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset, describe_field
from xlpkg.core.money import fmt_amount
from xlpkg.core.record import replace


def check_negative_amounts(ds: Dataset) -> list[Finding]:
    """Amounts in the expenditure, income and outlay blocks are never negative."""
    out = []
    for block in (ds.income, ds.expenditure, ds.outlays):
        for row in block.values():
            for v in row.values.values():
                if v.stated and v.value < 0:
                    out.append(finding(ds, "NEGATIVE_AMOUNT", "warning",
                                       f"{describe_field(v.field)}为负数（{fmt_amount(v.value)}"
                                       " 万元），请核对", [v]))
    return out


def check_required(ds: Dataset) -> list[Finding]:
    """The report cannot be written without a department name, a year and total spending."""
    out = []
    for v in (ds.department.name, ds.department.year, ds.expenditure["total"].actual):
        if not v.stated:
            out.append(finding(ds, "REQUIRED_MISSING", "warning",
                               f"未填{describe_field(v.field)}，报告中相应内容将空缺", [v]))
    return out


def check_unreadable(ds: Dataset) -> list[Finding]:
    """Values that could not be read (found while reading, reported here with subjects)."""
    return [f if f.subjects else
            replace(f, subjects=subjects_of(ds, vals_named(ds, f.fields)))
            for f in ds.read_findings]


CHECKS = [check_unreadable, check_required]
CHECKS_LATE = [check_negative_amounts]
