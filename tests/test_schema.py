"""The contract schema holds every name of the shared contract, and the model carries
every field of it: YAML → model → YAML and workbook → model → YAML keep them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from support import ROOT
from workbook_factory import write_book

from xlpkg.core import schema
from xlpkg.core.dates import parse_date
from xlpkg.core.model import describe_field, from_mapping, to_mapping
from xlpkg.core.money import ParseError
from xlpkg.read.workbook_read import read_workbook

CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"
IDENT = re.compile(r"[a-z][a-z_]*")
# Columns the contract describes instead of naming: the schema's key for each.
DESCRIBED = {"one paragraph": "content"}


def _section(text: str, number: int) -> str:
    start = text.index(f"\n## {number}.")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def _table_rows(section: str) -> list[list[str]]:
    """The body rows of every markdown table in a section, as cells."""
    rows = []
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return [r for r in rows if r[0] not in ("key", "YAML", "table")]   # headers


def _ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


@pytest.fixture(scope="module")
def contract() -> str:
    assert CONTRACT.is_file(), f"the shared contract is not at {CONTRACT}"
    return CONTRACT.read_text("utf-8")


def _keys_under(top: str) -> set[str]:
    """Every key the schema knows under one top-level YAML key (rows, fields, columns)."""
    keys = {s.path[i] for s in schema.SCALARS if s.path[0] == top for i in (1, 2)
            if i < len(s.path)}
    keys |= {c.key for t in schema.TABLES if t.path == (top,) for c in t.columns}
    if top == "narrative":
        keys |= {s.key for s in schema.SECTIONS}
    return keys


def test_every_yaml_key_of_contract_section_2_is_in_the_schema(contract):
    rows = _table_rows(_section(contract, 2))
    assert len(rows) >= 14
    for cells in rows:
        top = _ticked(cells[0])[0]
        named = [n for n in _ticked(cells[2]) if IDENT.fullmatch(n)]
        if top == "projects[].indicators":
            known = {c.key for c in schema.PROJECT_INDICATORS.columns}
        else:
            known = _keys_under(top)
            if top == "projects":
                known.add(schema.PROJECT_INDICATORS.key)
        assert named, cells
        assert set(named) <= known, (top, set(named) - known)


def _expand(pattern: str, block: schema.Block) -> set[str]:
    rows = [k for k, _ in block.rows]
    fields = ["reason"] if pattern.endswith("_reason") else list(block.fields)
    return {pattern.replace("<row>", r).replace("<field>", f) for r in rows for f in fields}


def test_every_defined_name_of_contract_section_3_is_in_the_schema(contract):
    section = _section(contract, 3)
    scalar_rows = [r for r in _table_rows(section) if not r[0].startswith("`tbl_")]
    seen = set()
    for yaml_cell, names_cell in scalar_rows:
        paths = _ticked(yaml_cell)
        names = [n for n in _ticked(names_cell) if re.fullmatch(r"[a-z_<>]+", n)]
        block = next((b for b in schema.BLOCKS if paths[0].startswith(b.key + ".")), None)
        for name in names:
            if "<" in name:
                expanded = _expand(name, block)
                assert expanded <= set(schema.SCALARS_BY_NAME), name
                seen |= expanded
            else:
                assert name in schema.SCALARS_BY_NAME, name
                seen.add(name)
        # “`carryover.begin`, `.end`” ↔ “`carry_begin`, `carry_end`”: the same paths, in order
        if len(paths) == len(names) and not any("<" in n or "*" in p for n, p in
                                                zip(names, paths, strict=True)):
            top = paths[0].split(".")[0]
            for name, path in zip(names, paths, strict=True):
                full = (top, *path.lstrip(".").split(".")[-1:]) if path.startswith(".") \
                    else tuple(path.split("."))
                assert schema.SCALARS_BY_NAME[name].path == full, name
        if paths[0].endswith(".*"):
            top = paths[0][:-2].split(".")
            assert {s.name for s in schema.SCALARS if s.path[:len(top)] == tuple(top)} \
                == set(names), paths[0]
    counts = {b.prefix: len(b.rows) * len(b.fields) for b in schema.BLOCKS}
    assert counts == {"inc": 6, "exp": 20, "out": 21}   # as the contract counts them
    # Today the schema has no scalar beyond the contract's (code may add some later).
    assert seen == set(schema.SCALARS_BY_NAME)


def test_every_table_and_header_of_contract_section_3_is_in_the_schema(contract):
    table_rows = [r for r in _table_rows(_section(contract, 3)) if r[0].startswith("`tbl_")]
    assert len(table_rows) == 6
    for name_cell, pairs_cell in table_rows:
        tbl = schema.table(_ticked(name_cell)[0])
        pairs = re.findall(r"(?:^|, )(\S+) → ([^,(]+)", pairs_cell)
        assert pairs, pairs_cell
        for header, key in pairs:
            column = next((c for c in tbl.columns if c.header == header), None)
            assert column is not None, (tbl.name, header)
            key = key.strip()
            if key == "the project's name":     # links an indicator row to its project
                assert column.kind == schema.LINK
            else:
                assert column.key == DESCRIBED.get(key, key), (tbl.name, header)


def test_narrative_sections_follow_the_outline():
    assert [s.outline for s in schema.SECTIONS] == sorted(s.outline for s in schema.SECTIONS)
    assert len({s.label for s in schema.SECTIONS}) == len(schema.SECTIONS)


def test_names_and_headers_are_unique():
    names = [s.name for s in schema.SCALARS] + [t.name for t in schema.TABLES]
    assert len(names) == len(set(names))
    for tbl in schema.TABLES:
        assert len({c.header for c in tbl.columns}) == len(tbl.columns), tbl.name
        assert all(c.kind in schema.KINDS for c in tbl.columns)
    assert all(s.kind in schema.KINDS for s in schema.SCALARS)


# ---------------------------------------------------------------- the new fields round-trip

NEW_FIELDS = {
    "department": {"name": "测试局", "year": 2023, "report_date": "2024-03-15"},
    "expenditure": {"basic": {"actual": 10, "reason": "人员增加"}},
    "outlays": {"reception": {"actual": 1.5, "reason": "接待任务减少"}},
    "buildings": {"approved_scale": 1200, "actual_scale": 1180,
                  "budget_investment": 300, "actual_investment": 296.5},
    "projects": [
        {"name": "甲项目", "actual": 5, "reason": "按进度拨付", "goal": "完成甲",
         "result": "已完成", "indicators": [
             {"category": "产出指标", "subcategory": "数量指标", "name": "培训人次",
              "unit": "人次", "comparator": ">=", "target": 100, "actual": 120,
              "weight": 10, "score": None, "reason": None},
             {"category": "效益指标", "subcategory": "社会效益指标", "name": "满意度",
              "unit": None, "comparator": ">=", "target": "较高", "actual": "较高",
              "weight": 10, "score": 9, "reason": "部分问卷未回收"}]},
        {"name": "乙项目", "actual": 3, "indicators": [
             {"category": "产出指标", "name": "检查次数", "comparator": "<=", "target": 4,
              "actual": 5, "weight": 5, "reason": "临时任务"}]},
    ],
}


def _sub(expected, actual) -> bool:
    """Every key of ``expected`` has the same value in ``actual`` (numbers compared exactly)."""
    if isinstance(expected, dict):
        return all(_sub(v, (actual or {}).get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(map(_sub, expected, actual))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return actual is not None and Decimal(str(expected)) == Decimal(str(actual))
    return expected == actual


def test_yaml_round_trip_keeps_the_new_fields():
    ds = from_mapping(NEW_FIELDS)
    assert ds.read_findings == ()
    assert ds.department.report_date.value == date(2024, 3, 15)
    assert ds.expenditure["basic"].reason.value == "人员增加"
    assert ds.income["total"].reason is None
    assert ds.buildings["actual_investment"].value == Decimal("296.5")
    first, second = ds.projects
    assert [i.name.value for i in first.indicators] == ["培训人次", "满意度"]
    assert second.indicators[0].comparator.value == "<="
    assert second.indicators[0].reason.field == "tbl_project_indicators[3].reason"
    assert first.indicators[1].target.value == "较高"
    again = to_mapping(ds)
    assert _sub(NEW_FIELDS, again)
    assert to_mapping(from_mapping(again)) == again


def test_workbook_round_trip_keeps_the_new_fields(tmp_path):
    book = write_book(tmp_path / "new.xlsx", NEW_FIELDS)
    ds = read_workbook(book)
    assert ds.read_findings == ()
    assert _sub(NEW_FIELDS, to_mapping(ds))
    ind = ds.projects[1].indicators[0]
    assert ind.actual.field == "tbl_project_indicators[3].actual"
    assert ind.actual.cell is not None


def test_indicator_rows_join_their_project_in_any_order(tmp_path):
    data = {"projects": [{"name": "甲", "actual": 1}, {"name": "乙", "actual": 2}]}
    rows = [{"project": "乙", "name": "乙1"}, {"project": "甲", "name": "甲1"},
            {"project": "乙", "name": "乙2"}, {"project": "丙", "name": "丙1"}]
    ds = read_workbook(write_book(tmp_path / "i.xlsx", data,
                                  extra_rows={"tbl_project_indicators": rows}))
    assert [[i.name.value for i in p.indicators] for p in ds.projects] == [["甲1"], ["乙1", "乙2"]]
    # numbered project by project, each knowing its own cell
    assert [i.name.field for p in ds.projects for i in p.indicators] == [
        f"tbl_project_indicators[{n}].name" for n in (1, 2, 3)]
    assert len({i.name.cell for p in ds.projects for i in p.indicators}) == 3
    unknown = [f for f in ds.read_findings if f.code == "UNKNOWN_PROJECT"]
    assert len(unknown) == 1 and "丙" in unknown[0].message and unknown[0].cells


def test_a_workbook_without_the_new_names_is_not_called_old(tmp_path):
    optional = [s.name for s in schema.SCALARS if s.optional]
    book = write_book(tmp_path / "o.xlsx", {"department": {"name": "甲"}},
                      skip_names=optional, skip_tables=("tbl_project_indicators",))
    ds = read_workbook(book)
    assert not [f for f in ds.read_findings if f.code == "WORKBOOK_NAMES_MISSING"]
    assert ds.department.report_date.value is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-03-15", date(2024, 3, 15)), ("2024/3/5", date(2024, 3, 5)),
    ("２０２４年３月１５日", date(2024, 3, 15)), (" 2024.03.15 ", date(2024, 3, 15)),
    (date(2024, 3, 15), date(2024, 3, 15)), (45366, date(2024, 3, 15)),
    (45366.0, date(2024, 3, 15)), (None, None), ("", None), ("—", None),
])
def test_dates_as_people_type_them(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2024-02-30", "2024", "三月", "45366", 1.5, True, -3])
def test_what_is_no_date_is_refused(raw):
    with pytest.raises(ParseError):
        parse_date(raw)


def test_an_unreadable_date_is_a_finding_naming_the_field():
    ds = from_mapping({"department": {"report_date": "三月"}})
    [f] = ds.read_findings
    assert f.code == "UNREADABLE_VALUE" and f.fields == ("report_date",)
    assert "报告日期" in f.message


def test_labels_of_the_new_fields():
    assert describe_field("exp_basic_reason") == "基本支出变动原因"
    assert describe_field("bld_actual_scale") == "楼堂馆所实际规模"
    assert describe_field("tbl_project_indicators[2].score") == "项目绩效指标第2行自评得分"
    assert describe_field("tbl_econ[301].actual") == "经济分类[301]本年决算数"

