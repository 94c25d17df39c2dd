"""Properties of the scoresheet over random departments: every score within 0..weight with
at most two decimals or pending (待评分); the total the sum of the rows and the grade the
bands' verdict once nothing is pending, neither before."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import dataset

from xlpkg.core.grades import grade
from xlpkg.core.model import OUTLAY_ROWS
from xlpkg.core.scoring import score
from xlpkg.read.rules_file import RULES_DIR, load_rules

FRAMEWORKS = [load_rules(p) for p in sorted(RULES_DIR.glob("*.toml"))]
NAMES = sorted({r.name for rules in FRAMEWORKS for r in rules.indicators}) + [
    "资产管理-管理制度健全性", "资金使用合规性-2", "不存在的指标"]

amount = st.one_of(st.none(), st.decimals(min_value=-20, max_value=3000, places=2).map(str))
rate_text = st.one_of(st.none(), st.decimals(min_value=0, max_value=500, places=1).map(str),
                      st.sampled_from(["显著提升", "按时完成"]))


@st.composite
def departments(draw):
    def row(fields):
        return {f: draw(amount) for f in fields}

    expenditure = {k: row(("prior", "budget_initial", "budget_final", "actual"))
                   for k in ("total", "basic", "personnel", "public", "project")}
    tasks = [{"name": f"任务{i}", "comparator": draw(st.sampled_from([">=", "<=", "="])),
              "target": draw(rate_text), "actual": draw(rate_text),
              "weight": draw(st.one_of(st.none(), st.integers(0, 20))),
              "category": draw(st.sampled_from([None, "产出指标-数量指标", "产出指标-质量指标",
                                                "效益指标-社会效益指标"]))}
             for i in range(draw(st.integers(0, 4)))]
    scores = [{"indicator": draw(st.sampled_from(NAMES)),
               "score": draw(st.one_of(st.none(), st.decimals(min_value=-5, max_value=40,
                                                              places=3).map(str)))}
              for _ in range(draw(st.integers(0, 8)))]
    return dataset(
        department={"staff_authorized": draw(st.one_of(st.none(), st.integers(0, 300))),
                    "staff_actual": draw(st.one_of(st.none(), st.integers(0, 300)))},
        expenditure=expenditure,
        outlays={k: row(("prior", "budget", "actual")) for k in OUTLAY_ROWS},
        carryover=row(("begin", "end")), procurement=row(("budget", "actual")),
        fixed_assets=row(("total", "in_use")), key_tasks=tasks, self_scores=scores)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=departments(), which=st.integers(0, len(FRAMEWORKS) - 1))
def test_scores_stay_within_their_weights(ds, which):
    rules = FRAMEWORKS[which]
    sheet = score(ds, rules)
    assert len(sheet.indicators) == len(rules.indicators)
    for s in sheet.indicators:
        if s.score is None:                       # 待评分: needs a self score, has none
            assert s.pending and s.basis == "pending" and "待评分" in s.note, s.name
            continue
        assert 0 <= s.score <= s.weight, (s.name, s.score, s.note)
        assert s.score.as_tuple().exponent >= -2
        assert s.value is None or s.value.as_tuple().exponent >= -4
        if s.score < s.weight or s.value is None:
            assert s.note or s.rule in ("band", "checklist"), s.name
    if sheet.pending:
        assert sheet.total is None and sheet.grade is None
    else:
        assert sheet.total == sum(s.score for s in sheet.indicators)
        assert 0 <= sheet.total <= 100
        assert sheet.grade == grade(sheet.total)
    data = json.loads(json.dumps(sheet.to_json(), ensure_ascii=False))
    assert {"indicators", "total", "grade", "pending"} <= set(data)
    assert data["pending"] == list(sheet.pending) and (data["grade"] is None) == bool(sheet.pending)
