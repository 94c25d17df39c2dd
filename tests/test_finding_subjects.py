"""Findings name their values structurally: every field has a Subject that leads back to it."""

from departments import department, with_mistakes
from support import EXAMPLE, dataset

from xlpkg.core.checks import run_checks
from xlpkg.core.finding import Claim, Subject
from xlpkg.core.model import from_mapping
from xlpkg.read.data_file import read_data_file

SCALARS = {("carryover", "begin"): "carry_begin", ("carryover", "end"): "carry_end",
           ("procurement", "budget"): "proc_budget", ("procurement", "actual"): "proc_actual",
           ("fixed_assets", "total"): "fa_total", ("fixed_assets", "in_use"): "fa_in_use"}


def resolve(ds, s: Subject):
    """Walk the dataset by a subject, the way a renderer would."""
    if s.block in ("income", "expenditure", "outlays"):
        return getattr(ds, s.block)[s.row].values[s.field]
    if s.block == "department":
        return getattr(ds.department, s.field)
    if s.block == "economic_classification":
        row = ds.econ(s.row) if isinstance(s.row, str) else ds.economic_classification[s.row]
        return getattr(row, s.field)
    if s.block in ("projects", "key_tasks", "self_scores"):
        return getattr(getattr(ds, s.block)[s.row], s.field)
    if s.block == "narrative":
        return [p for p in ds.narrative if p.section == s.field][s.row].text
    if s.block == "other_budgets":
        return ds.other_budgets[s.field]
    return getattr(ds, SCALARS[(s.block, s.field)])


def all_findings():
    sets = [read_data_file(EXAMPLE)]
    sets += [from_mapping(department(seed)) for seed in range(5)]
    sets += [from_mapping(with_mistakes(seed)) for seed in range(5)]
    for ds in sets:
        for f in run_checks(ds):
            yield ds, f


def test_every_field_of_every_finding_has_a_subject_leading_back_to_it():
    seen = 0
    for ds, f in all_findings():
        assert len(f.subjects) == len(f.fields), f
        for name, subject in zip(f.fields, f.subjects):
            assert resolve(ds, subject).field == name
            seen += 1
    assert seen > 50


def test_subject_paths_follow_the_yaml_shape():
    ds = read_data_file(EXAMPLE)
    by_code = {}
    for f in run_checks(ds):
        by_code.setdefault(f.code, f)
    personnel = by_code["SUM_MISMATCH"]
    assert [s.path for s in personnel.subjects] == [
        "expenditure.personnel.actual", "economic_classification.301.actual",
        "economic_classification.303.actual"]
    task = by_code["TASK_ACTUAL_MISSING"]
    assert task.subjects == (Subject("key_tasks", 3, "actual"),)
    claim = by_code["NARRATIVE_CONTRADICTS"]
    assert claim.subjects[0] == Subject("narrative", 0, "problems")
    assert claim.subjects[0].path == "narrative.problems[0]"


def test_the_seed_claim_carries_its_paragraph_and_words():
    [f] = [f for f in run_checks(read_data_file(EXAMPLE)) if f.code == "NARRATIVE_CONTRADICTS"]
    assert f.claim == Claim("problems", 0, "2023 年我单位预算支出执行按时按质按量完成，与绩效目标无偏离")


def test_json_keeps_the_contract_shape():
    [f] = [f for f in run_checks(read_data_file(EXAMPLE)) if f.code == "TASK_ACTUAL_MISSING"]
    assert set(f.to_json()) == {"code", "severity", "message", "fields", "cells"}


def test_unreadable_values_get_subjects_too():
    ds = dataset(expenditure={"basic": {"actual": "十五点九五"}})
    [f] = [f for f in run_checks(ds) if f.code == "UNREADABLE_VALUE"]
    assert f.subjects == (Subject("expenditure", "basic", "actual"),)
