"""Generated departments for tests and benchmarks: consistent, plausible, different each seed.

``department(seed)`` returns the contract's plain mapping (CONTRACT §2) of a
department whose parts add up to its totals (so a clean one has no error), with
budgets, staff, carry-over and tasks. ``with_mistakes`` plants known errors.
"""

from __future__ import annotations

import random
from decimal import Decimal

NAMES = ["财政局", "教育局", "卫生健康局", "农业农村局", "民政局", "司法局",
         "林业局", "水利局", "文化旅游广电局", "市场监督管理局", "统计局", "档案馆"]
PROJECTS = ["信息化建设经费", "专项业务工作经费", "培训与宣传经费", "设备购置经费",
            "乡村振兴帮扶经费", "安全生产专项经费", "监测检测经费"]
TASKS = [("完成专项检查", "次"), ("培训基层人员", "人次"), ("走访服务对象", "户"),
         ("办结群众来信来访", "件"), ("开展宣传活动", "场")]


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2)))


def department(seed: int) -> dict:
    rng = random.Random(seed)
    name = f"{rng.choice(['安化县', '桃江县', '沅江市', '南县', '资阳区'])}{rng.choice(NAMES)}"
    if seed >= len(NAMES):
        name += f"{seed}"
    p301, p302, p303 = _money(rng, 150, 900), _money(rng, 20, 200), _money(rng, 5, 80)
    personnel, public = p301 + p303, p302
    basic = personnel + public
    projects = []
    for i in range(rng.randint(1, 6)):
        actual = _money(rng, 2, 120)
        budget = (actual / Decimal(str(rng.uniform(0.905, 1.0)))).quantize(Decimal("0.01"))
        projects.append({"name": PROJECTS[i % len(PROJECTS)] + (f"（{i}）" if i >= 7 else ""),
                         "budget_initial": budget, "budget_final": budget, "actual": actual,
                         "prior": _money(rng, 2, 120), "purpose": "用于开展相关业务工作"})
    project = sum((p["actual"] for p in projects), Decimal(0))
    total = basic + project
    prior_basic = (basic * Decimal(str(rng.uniform(0.85, 1.15)))).quantize(Decimal("0.01"))
    prior_personnel = (prior_basic * Decimal("0.8")).quantize(Decimal("0.01"))
    prior_public = prior_basic - prior_personnel
    prior_project = sum((p["prior"] for p in projects), Decimal(0))
    budget_final = (total / Decimal(str(rng.uniform(0.92, 1.0)))).quantize(Decimal("0.01"))
    income_fiscal = total + _money(rng, 0, 20)
    income_other = _money(rng, 0, 15)
    carry_begin = _money(rng, 0, 30)
    reception, vehicle = _money(rng, 0.5, 8), _money(rng, 0, 10)
    staff_authorized = rng.randint(10, 200)
    tasks = []
    for tname, unit in rng.sample(TASKS, 3):
        target = rng.randint(10, 500)
        tasks.append({"name": tname, "unit": unit, "comparator": ">=", "target": target,
                      "actual": target + rng.randint(0, target // 10), "note": None})
    return {
        "department": {"name": name, "year": 2023 + seed % 3,
                       "staff_authorized": staff_authorized,
                       "staff_actual": staff_authorized - rng.randint(0, 8)},
        "income": {"total": {"prior": None, "actual": income_fiscal + income_other},
                   "fiscal": {"prior": None, "actual": income_fiscal},
                   "other": {"prior": None, "actual": income_other}},
        "expenditure": {
            "total": {"prior": prior_basic + prior_project, "budget_initial": budget_final,
                      "budget_final": budget_final, "actual": total},
            "basic": {"prior": prior_basic, "budget_initial": None, "budget_final": None,
                      "actual": basic},
            "personnel": {"prior": prior_personnel, "budget_initial": None,
                          "budget_final": None, "actual": personnel},
            "public": {"prior": prior_public, "budget_initial": None, "budget_final": None,
                       "actual": public},
            "project": {"prior": prior_project, "budget_initial": None, "budget_final": None,
                        "actual": project},
        },
        "economic_classification": [
            {"code": "301", "name": "工资福利支出", "prior": None, "actual": p301},
            {"code": "302", "name": "商品和服务支出", "prior": None, "actual": p302},
            {"code": "303", "name": "对个人和家庭的补助", "prior": None, "actual": p303}],
        "projects": projects,
        "outlays": {
            "total": {"prior": None, "budget": reception + vehicle + 1,
                      "actual": reception + vehicle},
            "outbound": {"prior": None, "budget": 0, "actual": 0},
            "vehicle_purchase": {"prior": None, "budget": 0, "actual": 0},
            "vehicle_operation": {"prior": None, "budget": vehicle + 1, "actual": vehicle},
            "reception": {"prior": None, "budget": reception, "actual": reception},
            "meeting": {"prior": None, "budget": None, "actual": _money(rng, 0, 3)},
            "training": {"prior": None, "budget": None, "actual": None}},
        "carryover": {"begin": carry_begin,
                      "end": carry_begin + income_fiscal + income_other - total},
        "procurement": {"budget": Decimal(20), "actual": _money(rng, 15, 20)},
        "fixed_assets": {"total": Decimal(100), "in_use": _money(rng, 80, 100)},
        "other_budgets": {"government_fund": None, "state_capital": None,
                          "social_insurance": None},
        "key_tasks": tasks,
        "narrative": {"business": [f"{name}围绕年度目标开展工作，完成了各项重点任务。"],
                      "problems": ["绩效目标细化量化程度有待提高。"],
                      "improvements": ["进一步加强预算绩效管理。"]},
        "self_scores": [],
    }


def with_mistakes(seed: int) -> dict:
    """A department whose 支出合计 is 5 万元 off and whose first task falls short."""
    data = department(seed)
    data["expenditure"]["total"]["actual"] += Decimal(5)
    task = data["key_tasks"][0]
    task["actual"] = task["target"] - 1
    return data
