"""A finding: one problem a check found, as data, with the cells to fix.

Like beancount's ``ValidationError(source, message, entry)``: checks collect
findings and never raise halfway. The JSON shape is CONTRACT §4.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str            # "error" | "warning" | "info"
    message: str             # Chinese, complete on its own
    fields: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()

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
