"""An unseen department (not the example): every block filled, round figures, a few
deviations. The report tests read its sentences; the workbook tests fill it."""

from __future__ import annotations

UNSEEN = {
    "department": {"name": "示例县农业农村局", "year": 2024},
    "income": {"total": {"prior": 500, "actual": 520}, "fiscal": {"prior": 480, "actual": 500},
               "other": {"prior": 20, "actual": 20}},
    "expenditure": {
        "total": {"prior": 500, "budget_initial": 480, "budget_final": 520, "actual": 510},
        "basic": {"prior": 380, "budget_initial": 380, "budget_final": 400, "actual": 400},
        "personnel": {"prior": 290, "actual": 300},
        "public": {"prior": 90, "budget_final": 110, "actual": 100},
        "project": {"prior": 120, "budget_initial": 100, "budget_final": 120, "actual": 110},
    },
    "projects": [
        {"name": "高标准农田建设", "budget_initial": 50, "budget_final": 50, "actual": 40,
         "prior": 60, "purpose": "用于农田水利设施建设。"},
        {"name": "动物防疫", "budget_final": 70, "actual": 70, "purpose": "疫苗采购"},
    ],
    "outlays": {
        "total": {"prior": 12, "budget": 13, "actual": 12.9},
        "outbound": {"prior": 0, "budget": 0, "actual": 0},
        "vehicle_operation": {"prior": 10, "budget": 10, "actual": 10.4},
        "reception": {"prior": 2, "budget": 3, "actual": 2.5},
        "meeting": {"prior": 1, "budget": 1.2, "actual": 0.9},
    },
    "other_budgets": {"government_fund": 12.5, "state_capital": 0},
    "carryover": {"begin": 10, "end": 5.2},
    "procurement": {"budget": 80, "actual": 76},
    "fixed_assets": {"total": 300, "in_use": 285},
    "key_tasks": [
        {"name": "培训农民", "unit": "人次", "comparator": ">=", "target": 1000, "actual": 1050},
        {"name": "办理农业执法案件", "unit": "件", "comparator": ">=", "target": 100,
         "actual": 80},
        {"name": "安全事故", "unit": "起", "comparator": "<=", "target": 2, "actual": 3},
        {"name": "群众满意度", "comparator": ">=", "target": "显著提升", "actual": "较好"},
    ],
    "narrative": {"problems": ["各项工作均全部完成。"]},
}
