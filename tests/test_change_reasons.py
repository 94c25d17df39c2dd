"""Changes beyond ±10% against last year need a 变动原因: the check asks for it, the report
states it (主要原因是……) or marks its absence."""

from __future__ import annotations

from support import dataset

from xlpkg.core.checks import run_checks
from xlpkg.core.checks.reasons import check_change_reasons
from xlpkg.report.outline import build_content


def _ds(public_reason=None, project_reason=None):
    return dataset(
        department={"name": "某局", "year": 2024},
        expenditure={"total": {"prior": 200, "actual": 220},
                     "basic": {"prior": 150, "actual": 160},
                     "personnel": {"prior": 120, "actual": 125},
                     "public": {"prior": 30, "actual": 35, "reason": public_reason},
                     "project": {"prior": 50, "actual": 60}},
        projects=[{"name": "信息化建设", "actual": 60, "prior": 50, "reason": project_reason}])


def test_an_unexplained_change_beyond_ten_percent_is_a_warning():
    found = check_change_reasons(_ds())
    labels = sorted(f.message.split("较上年")[0] for f in found)
    # 公用经费 +16.67%, 项目支出 +20%, the project +20%; 总额 +10% and 人员经费 +4.17% are fine
    assert labels == sorted(["公用经费", "项目支出", "项目“信息化建设”"])
    assert all(f.severity == "warning" and f.code == "CHANGE_WITHOUT_REASON" for f in found)
    public = next(f for f in found if f.message.startswith("公用经费"))
    assert public.fields == ("exp_public_actual", "exp_public_prior")


def test_a_stated_reason_is_used_and_silences_the_check():
    ds = _ds(public_reason="新增办公场地租金。", project_reason="新增系统运维")
    assert [f.message for f in check_change_reasons(ds)] == [
        "项目支出较上年增长 20.00%，变动超过 10.00%，未填变动原因，请补充"]
    text = build_content(ds, run_checks(ds)).plain()
    assert "增长16.67%，主要原因是新增办公场地租金。" in text      # its own 。 is not doubled
    assert "信息化建设60.00万元，较上年增加10.00万元，增长20.00%，主要原因是新增系统运维" in text


def test_a_missing_reason_is_marked_and_listed():
    ds = _ds()
    content = build_content(ds, run_checks(ds))
    assert "增长16.67%，主要原因是【待补充：变动原因】" in content.plain()
    asked = [(g.about, g.what) for g in content.gaps if g.what == "变动原因"]
    assert ("公用经费", "变动原因") in asked and ("项目支出", "变动原因") in asked
    # a small change without a reason says nothing about why
    assert "人员经费125.00万元，占基本支出的78.13%，较上年增加5.00万元，增长4.17%；" in content.plain()


def test_the_seed_reasons_read_as_the_department_wrote_them():
    # 2023 安化县总工会 (seed/): 人员经费 −6.12% 逝世 1 人，退休 1 人; 公务接待费 −19.96% 厉行节约
    import yaml
    from support import EXAMPLE

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["expenditure"]["personnel"]["reason"] = "2023 年公务员逝世 1 人，退休 1 人"
    data["outlays"]["reception"]["reason"] = "进一步将厉行节约工作抓实"
    ds = dataset(**data)
    text = build_content(ds, run_checks(ds)).plain()
    assert "减少6.12%，主要原因是2023年公务员逝世1人，退休1人；" in text
    assert "减少19.96%，主要原因是进一步将厉行节约工作抓实，预算4.33万元" in text
    assert "公务接待费" not in " ".join(f.message for f in check_change_reasons(ds))
