"""A finding: one problem a check found, as data, with what it is about.

Like beancount's ``ValidationError(source, message, entry)``: checks collect
findings and never raise halfway. The JSON shape is CONTRACT §4 (code,
severity, message, fields, cells); ``subjects`` and ``claim`` say the same
structurally, so a renderer finds the rows and paragraphs a finding is about
without parsing field names back.
"""

from __future__ import annotations

from xlpkg.core.record import record

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@record
class Subject:
    """One value a finding is about, by its place in the contract's YAML shape.

    ``block`` is a top-level contract key ("expenditure", "outlays",
    "economic_classification", "projects", "key_tasks", "narrative", "department",
    "carryover", …). ``row`` is a fixed block's row key ("personnel"), an
    economic-classification code ("301"), or the 0-based index of a list row;
    ``None`` for blocks without rows (department, carryover, …). ``field`` is
    the row's field ("actual", "budget_final", "begin").

    A paragraph is ``Subject("narrative", <0-based index within its section>,
    <section key>)``, following its YAML path ``narrative.<section>[<index>]``.
    """

    block: str
    row: str | int | None
    field: str | None

    @property
    def path(self) -> str:
        """The YAML path: ``expenditure.basic.actual``, ``projects[2].actual``,
        ``narrative.problems[0]``."""
        if self.block == "narrative":
            return f"narrative.{self.field}[{self.row}]"
        parts = self.block
        if isinstance(self.row, int):
            parts += f"[{self.row}]"
        elif self.row is not None:
            parts += f".{self.row}"
        return parts + (f".{self.field}" if self.field else "")


@record
class Claim:
    """A sentence of the department's own text that a finding is about.

    ``section`` is the narrative section key ("problems"), ``paragraph`` the
    0-based index of the paragraph within that section, ``text`` the words
    quoted exactly as they stand in the paragraph.
    """

    section: str
    paragraph: int
    text: str


@record
class Finding:
    code: str
    severity: str            # "error" | "warning" | "info"
    message: str             # Chinese, complete on its own
    fields: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    subjects: tuple[Subject, ...] = ()
    claim: Claim | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "fields": list(self.fields), "cells": list(self.cells)}


def sort_findings(findings) -> list[Finding]:
    """Errors first, then warnings, then info; the checks' order within each."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def counts(findings) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for f in findings:
        out[f.severity] += 1
    return out
