"""Scoring (自评表): rules as data, a department and its projects scored by them.

- :mod:`.rules` — the rule kinds, a framework (``Rules``), its validation and wording;
- :mod:`.points` — the points of a computed rule for a value;
- :mod:`.manual` — self scores (自评打分) matched to indicators;
- :mod:`.sheet` — the department's scoresheet: scores, pending ones, total, grade;
- :mod:`.projects` — each project's own table (项目支出绩效自评表);
- :mod:`.shown` — how a score is shown (待评分, 2 decimals, JSON).

Pure: rules arrive loaded by :mod:`xlpkg.read.rules_file`; values come from
:mod:`xlpkg.core.indicators`. A score that needs a self score and has none is
``None`` (待评分), and a sheet with such a score has no total and no grade.
"""

from xlpkg.core.scoring.manual import ManualScores
from xlpkg.core.scoring.points import Outcome, apply_rule, lost_text
from xlpkg.core.scoring.projects import (
    ProjectIndicatorScore,
    ProjectScore,
    score_indicator,
    score_project,
    score_projects,
)
from xlpkg.core.scoring.rules import (
    COMPUTED_KINDS,
    DEFAULT_BANDS,
    KIND_LABELS,
    MANUAL_KINDS,
    PENALTY_STEPS,
    PENDING,
    WHEN_MISSING,
    Band,
    Bands,
    Checklist,
    Item,
    Linear,
    Method,
    Penalty,
    ProjectRules,
    Rule,
    Rules,
    Tier,
    Tiers,
    criteria_text,
    norm_name,
    rule_label,
    target_text,
    validate_rules,
)
from xlpkg.core.scoring.sheet import (
    IndicatorScore,
    Scoresheet,
    manual_indicators,
    score,
    score_rule,
)
from xlpkg.core.scoring.shown import json_number, pending_sentence, score_text

__all__ = [
    "COMPUTED_KINDS",
    "DEFAULT_BANDS",
    "KIND_LABELS",
    "MANUAL_KINDS",
    "PENALTY_STEPS",
    "PENDING",
    "WHEN_MISSING",
    "Band",
    "Bands",
    "Checklist",
    "IndicatorScore",
    "Item",
    "Linear",
    "ManualScores",
    "Method",
    "Outcome",
    "Penalty",
    "ProjectIndicatorScore",
    "ProjectRules",
    "ProjectScore",
    "Rule",
    "Rules",
    "Scoresheet",
    "Tier",
    "Tiers",
    "apply_rule",
    "criteria_text",
    "json_number",
    "lost_text",
    "manual_indicators",
    "norm_name",
    "pending_sentence",
    "rule_label",
    "score",
    "score_indicator",
    "score_project",
    "score_projects",
    "score_rule",
    "score_text",
    "target_text",
    "validate_rules",
]
