"""The one way from an input to what every output shows: load → check → score.

Owns running the checks and the scoring, once per department-year. The CLI, the
workbook's buttons, batch and the local page call :func:`evaluate` or
:func:`evaluate_file`; the renderers (report, console, buttons) only render the
:class:`~xlpkg.core.evaluation.Evaluation` it returns.

Arrows point one way: core → read/workbook/report/… → this module → cli, excel,
batch, serve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlpkg.collector import paused
from xlpkg.core.evaluation import Evaluation
from xlpkg.core.finding import sort_findings
from xlpkg.core.model import Dataset
from xlpkg.read.inputs import load_input

__all__ = ["Evaluation", "evaluate", "evaluate_file", "load", "load_rules"]


def load(path: Path) -> Dataset:
    """A workbook or a YAML/JSON data file → :class:`Dataset` (the file is only read)."""
    with paused():
        return load_input(Path(path))


def load_rules(path: Path | None = None) -> Any:
    """The scoring rules in ``path``; the shipped Hunan rules without one."""
    from xlpkg.read.rules_file import load_rules as read_rules

    return read_rules(path)


def evaluate(ds: Dataset, rules: Any = None, *, scoring: bool = True) -> Evaluation:
    """Check and score one dataset; ``rules`` defaults to the shipped rules. Without
    ``scoring`` the evaluation has findings only (``xlpkg check`` shows nothing else)."""
    # Imported here: loading a file for ``fill`` or ``export`` needs neither.
    from xlpkg.core.checks import run_checks

    if rules is None and scoring:
        rules = load_rules(None)
    with paused():
        findings = tuple(sort_findings(run_checks(ds)))
        if not scoring:
            return Evaluation(ds, findings)
        from xlpkg.core.scoring import score

        return Evaluation(ds, findings, score(ds, rules))


def evaluate_file(path: Path, rules_path: Path | None = None, *,
                  scoring: bool = True) -> Evaluation:
    """:func:`load` then :func:`evaluate` with the rules in ``rules_path``."""
    ds = load(path)
    if not scoring:
        return evaluate(ds, scoring=False)
    return evaluate(ds, load_rules(rules_path))
