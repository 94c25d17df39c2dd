"""The consistency and performance checks: a list of small pure functions.

Each ``check_*(ds) -> list[Finding]`` looks at one rule, never raises on data,
and names the values involved (contract fields, cells and subjects).
``CHECKS`` is the list the CLI, the Excel button and the batch run;
:func:`run_checks` runs them all. The modules, by theme: ``sums`` (totals
against parts), ``budgets`` (money against its plan, rules kept from running),
``tasks``, ``narrative`` (claims, template leftovers), ``text_figures``
(figures in the paragraphs), ``plausibility``.

Severity (CONTRACT §4): ``error`` when figures contradict each other beyond
rounding (more than 0.01 万元 per addend), ``warning`` for performance and
completeness problems a reviewer would query, ``info`` for rounding-level
differences and rules skipped for missing data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xlpkg.core.checks import budgets, narrative, plausibility, sums, tasks
from xlpkg.core.checks.budgets import (
    check_carryover_balance,
    check_execution_rate,
    check_outlays_budget,
    check_rules_not_run,
    check_staff,
)
from xlpkg.core.checks.narrative import check_narrative_claims, check_template_leftovers
from xlpkg.core.checks.plausibility import (
    check_negative_amounts,
    check_required,
    check_unreadable,
)
from xlpkg.core.checks.sums import (
    check_basic_split,
    check_basic_vs_economic,
    check_expenditure_total,
    check_income_total,
    check_outlays_total,
    check_personnel_caliber,
    check_projects_total,
    check_public_caliber,
)
from xlpkg.core.checks.tasks import check_key_tasks, task_deviation
from xlpkg.core.claims import ALL_DONE_CLAIMS, NO_DEVIATION_CLAIMS
from xlpkg.core.finding import Finding
from xlpkg.core.model import Dataset

Check = Callable[[Dataset], list[Finding]]

CHECKS: list[Check] = [
    *plausibility.CHECKS,
    *sums.CHECKS,
    *budgets.CHECKS,
    *plausibility.CHECKS_LATE,
    *tasks.CHECKS,
    *narrative.CHECKS,
]


def run_checks(ds: Dataset, checks: Sequence[Check] = CHECKS) -> list[Finding]:
    """Every check, in order; findings are collected, never raised."""
    return [finding for check in checks for finding in check(ds)]


__all__ = [
    "ALL_DONE_CLAIMS",
    "CHECKS",
    "NO_DEVIATION_CLAIMS",
    "Check",
    "check_basic_split",
    "check_basic_vs_economic",
    "check_carryover_balance",
    "check_execution_rate",
    "check_expenditure_total",
    "check_income_total",
    "check_key_tasks",
    "check_narrative_claims",
    "check_negative_amounts",
    "check_outlays_budget",
    "check_outlays_total",
    "check_personnel_caliber",
    "check_projects_total",
    "check_public_caliber",
    "check_required",
    "check_rules_not_run",
    "check_staff",
    "check_template_leftovers",
    "check_unreadable",
    "run_checks",
    "task_deviation",
]
