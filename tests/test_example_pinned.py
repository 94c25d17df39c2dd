"""The example's outputs, pinned: ``check --json``, ``score --json`` and the report's text.

A change anywhere (the schema, a check, the scoring, a report sentence, the pipeline)
that moves one character of what the bundled example produces fails here, so a
refactoring proves it changed nothing. The stored files are in ``tests/pinned/``:

- ``anhua-2023.check.json`` — stdout of ``xlpkg check examples/anhua-2023.yaml --json``;
- ``anhua-2023.score.json`` — stdout of ``xlpkg score examples/anhua-2023.yaml --json``;
- ``anhua-2023.report.txt`` — ``xlpkg report``'s console lines, then every paragraph
  and table cell of the .docx in document order (``style<TAB>text``), then the text of
  every Word comment. The 落款 date is the day the report is written (the example
  states no ``report_date``), so today's date reads ``{今天}`` there.

After an *intended* change, regenerate and review the diff like code:

    XLPKG_REPIN=1 python3 -m pytest -q tests/test_example_pinned.py && git diff tests/pinned

The explicit assertions below hold the facts of the example's audit (the
published report's own mistakes) and do not move with wording; when one of them
fails, the change broke a fact, not a sentence.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import date
from xml.etree import ElementTree

import pytest
from docx_text import body_items
from support import EXAMPLE, ROOT, run_cli

from xlpkg.report.outline import date_text

PINNED = ROOT / "tests" / "pinned"
REPIN = bool(os.environ.get("XLPKG_REPIN"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = "{今天}"


def _pinned(name: str, actual: str) -> None:
    path = PINNED / name
    if REPIN:
        PINNED.mkdir(exist_ok=True)
        path.write_text(actual, "utf-8", newline="\n")
    assert path.is_file(), f"{path} missing: run XLPKG_REPIN=1 python3 -m pytest -q {__file__}"
    expected = path.read_text("utf-8")
    assert actual.splitlines() == expected.splitlines(), \
        f"{name} differs from the pinned output (regenerate if intended: see the docstring)"
    assert actual == expected


def _comments(docx_bytes: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        if "word/comments.xml" not in z.namelist():
            return []
        root = ElementTree.fromstring(z.read("word/comments.xml"))
    return [" ¶ ".join("".join(t.text or "" for t in para.iter(f"{W}t"))
                       for para in c.iter(f"{W}p"))
            for c in root.iter(f"{W}comment")]


@pytest.fixture(scope="module")
def check_json() -> str:
    code, out, err = run_cli("check", EXAMPLE, "--json", guard=120)
    assert code == 0 and err == ""
    return out


@pytest.fixture(scope="module")
def score_json() -> str:
    code, out, err = run_cli("score", EXAMPLE, "--json", guard=120)
    assert code == 0 and err == ""
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[str, list[tuple[str, str]], list[str]]:
    out_path = tmp_path_factory.mktemp("pinned") / "report.docx"
    code, out, err = run_cli("report", EXAMPLE, "-o", out_path, guard=180)
    assert code == 0, err
    data = out_path.read_bytes()
    console = out.replace(str(out_path), "{报告}")
    return console, body_items(data), _comments(data)


def _report_text(report) -> str:
    console, items, comments = report
    today = date_text(date.today())
    lines = [*console.splitlines(), "", "# document",
             *(f"{style}\t{text}" for style, text in items), "", "# comments", *comments]
    return "\n".join(lines).replace(today, TODAY) + "\n"


# ---------------------------------------------------------------- pinned


def test_check_json_is_pinned(check_json):
    _pinned("anhua-2023.check.json", check_json)


def test_score_json_is_pinned(score_json):
    _pinned("anhua-2023.score.json", score_json)


def test_report_text_is_pinned(report):
    _pinned("anhua-2023.report.txt", _report_text(report))


# ---------------------------------------------------------------- the audit's facts


def _findings(check_json: str) -> list[dict]:
    return json.loads(check_json)["findings"]


def test_personnel_differs_from_301_plus_303_by_12(check_json):
    personnel = [f for f in _findings(check_json)
                 if f["fields"][:1] == ["exp_personnel_actual"] and f["severity"] == "error"]
    assert len(personnel) == 1
    f = personnel[0]
    assert f["code"] == "SUM_MISMATCH"
    assert set(f["fields"]) == {"exp_personnel_actual", "tbl_econ[301].actual",
                                "tbl_econ[303].actual"}
    assert "265.50" in f["message"] and "277.50" in f["message"] and "12.00" in f["message"]
    assert f["cells"] == []                      # a YAML input has no cells
    # its mirror: 公用 32.67 against 302 20.67, the same 12.00 the other way
    public = [f for f in _findings(check_json) if f["fields"][:1] == ["exp_public_actual"]
              and f["code"] == "SUM_MISMATCH"]
    assert len(public) == 1 and "12.00" in public[0]["message"]


def test_rounding_differences_are_info_not_errors(check_json):
    rounding = {tuple(f["fields"][:1]): f for f in _findings(check_json)
                if f["code"] == "SUM_ROUNDING"}
    assert all(f["severity"] == "info" for f in rounding.values())
    total = next(f for f in rounding.values() if f["fields"][0] == "exp_total_actual")
    assert "314.12" in total["message"] and "314.13" in total["message"]
    prior = next(f for f in rounding.values() if f["fields"][0] == "exp_basic_prior")
    assert "0.02" in prior["message"]
    errors = [f for f in _findings(check_json) if f["severity"] == "error"]
    assert len(errors) == 2                      # the caliber mismatch and its mirror only


def test_task_findings_of_the_audit(check_json):
    by_code: dict[str, list[dict]] = {}
    for f in _findings(check_json):
        by_code.setdefault(f["code"], []).append(f)
    overshoot = [f for f in by_code["TASK_TARGET_TOO_LOW"] if "帮助困难职工" in f["message"]]
    assert len(overshoot) == 1 and "25.00%" in overshoot[0]["message"]
    assert overshoot[0]["severity"] == "warning"
    missing = by_code["TASK_ACTUAL_MISSING"]
    assert len(missing) == 1 and "职工参加医疗互助活动" in missing[0]["message"]
    contradicts = by_code["NARRATIVE_CONTRADICTS"]
    assert len(contradicts) == 1 and "无偏离" in contradicts[0]["message"]
    assert any("exp_total_budget_final" in f["fields"] for f in by_code["RULE_SKIPPED"])


def test_the_example_is_not_graded_while_scores_are_pending(score_json):
    sheet = json.loads(score_json)
    assert sheet["grade"] is None and sheet["total"] is None
    assert sheet["pending"]
    pending = [i for i in sheet["indicators"] if i["basis"] == "pending"]
    assert len(pending) == len(sheet["pending"])
    assert all(i["score"] is None for i in pending)   # 待评分, never 0


def test_the_report_states_the_audits_sentences(report):
    console, items, _ = report
    text = "\n".join(t for _, t in items)
    for sentence in ("基本支出298.18万元，较上年减少11.26万元，减少3.64%",
                     "人员经费265.50万元，占基本支出的89.04%，较上年减少17.31万元，减少6.12%",
                     "公用经费32.67万元，占基本支出的10.96%，较上年增加6.06万元，增长22.77%",
                     "项目支出15.95万元，较上年减少4.15万元，减少20.65%",
                     "会议费0.53万元，较上年减少0.07万元，减少11.67%",
                     "公务接待费4.33万元，较上年减少1.08万元，减少19.96%",
                     "占财政拨款支出的94.93%", "占财政拨款支出的5.08%"):
        assert sentence in text, sentence
    assert "暂不定级" in text
    assert "2 个错误" in console
