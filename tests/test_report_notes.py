"""The notes waiting for the figures the findings are about (``state.notes_by_field``)
against their plain definition: per field, the notes of the noted findings about it,
in the order of the findings, each once; a claim's finding on its paragraph only."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from xlpkg.core.finding import Claim, Finding
from xlpkg.report.state import NOTED_SEVERITIES, notes_by_field
from xlpkg.report.text import Note

_PARAGRAPHS = [("problems", "tbl_text[1].content"), ("problems", "tbl_text[2].content"),
               ("business", "tbl_text[3].content")]
DS = SimpleNamespace(narrative=[SimpleNamespace(section=s, text=SimpleNamespace(field=f))
                                for s, f in _PARAGRAPHS])
_FIELD = st.sampled_from(["", "exp_total_actual", "tbl_tasks[1].actual", "tbl_tasks[1].target"])
_CLAIM = st.none() | st.builds(Claim, st.sampled_from(["problems", "business", "other"]),
                               st.integers(0, 2), st.just("无偏离"))
_FINDING = st.builds(Finding, st.just("CODE"), st.sampled_from(["error", "warning", "info"]),
                     st.sampled_from(["与上年不符", "超出目标"]), st.lists(_FIELD, max_size=4).map(tuple),
                     st.sampled_from([(), ("B3",)]), st.just(()), _CLAIM)


def _plain_notes(findings) -> dict[str, tuple[Note, ...]]:
    index: dict[str, int] = {}
    paragraphs = {}
    for section, name in _PARAGRAPHS:
        paragraphs[(section, index.get(section, 0))] = name
        index[section] = index.get(section, 0) + 1
    out: dict[str, list[Note]] = {}
    for f in findings:
        if f.severity not in NOTED_SEVERITIES:
            continue
        note = Note(f.severity, f.message, f.cells)
        names = [paragraphs.get((f.claim.section, f.claim.paragraph))] if f.claim else f.fields
        for name in names:
            if name and note not in out.setdefault(name, []):
                out[name].append(note)
    return {k: tuple(v) for k, v in out.items()}


@given(st.lists(_FINDING, max_size=8))
def test_notes_are_the_findings_about_each_field_once(findings):
    assert notes_by_field(DS, findings) == _plain_notes(findings)
