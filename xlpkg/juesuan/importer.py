"""``xlpkg import``'s library side: 决算 files → contract data, sources and findings.

Owns the order of the work: read every file into grids, find its tables (a
file without any is an input error naming it), keep one table per kind (two
different copies of one kind are an ambiguity, and neither is used), fill the
contract under the chosen scope, cross-check, add the prior year from
``--prior`` files, and list every contract field the tables do not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xlpkg.core import schema
from xlpkg.core.finding import Finding, sort_findings
from xlpkg.core.model import Dataset, describe_field, from_mapping, to_mapping
from xlpkg.core.record import field, record
from xlpkg.errors import InputError
from xlpkg.juesuan.balance import check_between, check_table
from xlpkg.juesuan.catalog import KINDS
from xlpkg.juesuan.fill import (
    SCOPE_LABELS,
    SCOPES,
    Out,
    fill_carryover,
    fill_department,
    fill_income,
)
from xlpkg.juesuan.grid import Grid
from xlpkg.juesuan.lookup import Lookup
from xlpkg.juesuan.readers import read_grids
from xlpkg.juesuan.sangong import fill_outlays
from xlpkg.juesuan.segment import Table, find_tables
from xlpkg.juesuan.spending import fill_economic, fill_expenditure, fill_other_budgets
from xlpkg.juesuan.text import norm

_BLOCK_KEYS = {b.key for b in schema.BLOCKS}
NOT_IN_TABLES = ("projects", "key_tasks", "narrative", "self_scores")
_LIST_LABELS = {"economic_classification": "基本支出按经济分类", "projects": "项目支出（项目名称、预算、绩效目标）", "key_tasks": "年度重点工作",
                "narrative": "文字内容（部门职能、问题、改进措施等）", "self_scores": "人工评分"}
# Contract path → defined name, for labels: every required scalar and every block field
# (the optional 楼堂馆所 and 报告日期 fields keep their path, as before).
_SCALARS = {".".join(s.path): s.name for s in schema.SCALARS
            if not s.optional or s.path[0] in _BLOCK_KEYS}


@record(frozen=False)
class ImportResult:
    data: dict                      # the contract's full shape (nulls included)
    sources: dict[str, str]
    findings: list[Finding]
    missing: list[str]              # contract paths the tables do not hold
    tables: list[tuple[str, str]] = field(default_factory=list)   # (table name, file!sheet!cell)
    scope: str = "gpb"
    files: tuple[str, ...] = ()

    def dataset(self) -> Dataset:
        return from_mapping(self.data, source=", ".join(self.files) or None)

    def to_json(self) -> dict:
        return {"data": self.data, "sources": self.sources,
                "findings": [f.to_json() for f in self.findings],
                "missing": [{"field": p, "label": field_label(p)} for p in self.missing],
                "scope": self.scope,
                "tables": [{"table": n, "cell": c} for n, c in self.tables]}


def field_label(path: str) -> str:
    """``expenditure.total.actual`` → 财政拨款支出合计本年决算数 (the contract's own labels)."""
    if path in _LIST_LABELS:
        return _LIST_LABELS[path]
    if path in _SCALARS:
        return describe_field(_SCALARS[path])
    return path


def missing_summary(missing: Sequence[str]) -> list[str]:
    """The missing fields as a reader wants them: every 上年 figure in one line, every
    budget figure in another, the rest one by one."""
    prior = [p for p in missing if p.endswith(".prior")]
    budget = [p for p in missing if p.endswith((".budget_initial", ".budget_final", ".budget"))]
    out = [field_label(p) for p in missing if p not in prior and p not in budget]
    if budget:
        out.append(f"{len(budget)} 项预算数（" + "、".join(field_label(p) for p in budget) + "）")
    if prior:
        out.append(f"{len(prior)} 项上年决算数（可用 --prior 读取上年的决算表）")
    return out


def read_tables(paths: Sequence[Path], lookup: Lookup) -> list[Table]:
    tables: list[Table] = []
    for path in paths:
        grids: list[Grid] = read_grids(Path(path))
        found: list[Table] = []
        for grid in grids:
            ts, fs = find_tables(grid)
            found += ts
            lookup.findings += fs
        if not found:
            raise InputError(f"{Path(path).name} 中没有找到部门决算表（如收入支出决算总表、"
                             "一般公共预算财政拨款支出决算表、“三公”经费支出决算表）",
                             "请确认选择的是部门决算公开表或决算软件导出的财决报表")
        units = {t.unit for t in found if t.unit is not None}
        if len(units) == 1:
            lookup.default_units[grids[0].file] = units.pop()
        tables += found
    return tables


def _signature(t: Table) -> tuple:
    return tuple((it.label, it.code, tuple(norm(v) for v in it.values.values()))
                 for p in t.panes for it in p.items)


def by_kind(tables: list[Table], lookup: Lookup) -> dict[str, Table]:
    out: dict[str, Table] = {}
    dropped: set[str] = set()
    for t in tables:
        key = t.kind.key
        if key in dropped:
            continue
        if key not in out:
            out[key] = t
        elif _signature(out[key]) != _signature(t):
            lookup.note("IMPORT_AMBIGUOUS_TABLE", "error",
                        f"{out[key].where} 和 {t.where} 都是{t.kind.name}，但内容不同，"
                        "无法确定用哪一张，两张都未导入", out[key].where, t.where)
            dropped.add(key)
            del out[key]
    return out


def _fill(tables: dict[str, Table], all_tables: list[Table], lookup: Lookup, scope: str,
          econ_detail: bool) -> Out:
    out = Out()
    fill_department(out, lookup, all_tables)
    fill_income(out, lookup, tables.get("summary"), tables.get("income"))
    fill_expenditure(out, lookup, scope, tables)
    fill_economic(out, lookup, scope, tables, econ_detail)
    econ_t = tables.get("gpb_basic") if scope != "all" else tables.get("basic_detail")
    fill_outlays(out, lookup, tables.get("sangong"), econ_t)
    fill_carryover(out, lookup, scope, tables.get("summary"), tables.get("fiscal_summary"))
    fill_other_budgets(out, lookup, tables)
    for t in tables.values():
        check_table(lookup, t)
    check_between(lookup, tables)
    return out


def import_files(paths: Sequence[Path], *, scope: str = "gpb", prior: Sequence[Path] = (),
                 econ_detail: bool = False) -> ImportResult:
    if scope not in SCOPES:
        raise ValueError(scope)
    lookup = Lookup()
    all_tables = read_tables(paths, lookup)
    tables = by_kind(all_tables, lookup)
    out = _fill(tables, all_tables, lookup, scope, econ_detail)
    if prior:
        _add_prior(out, lookup, prior, scope, econ_detail)
    data = to_mapping(from_mapping(out.data), exact=True)
    missing = _missing(data)
    if missing:
        lookup.note("IMPORT_NOT_IN_TABLES", "info",
                    "决算表中没有以下内容，已留空，请在工作簿中填写：" + "、".join(missing_summary(missing)))
    lookup.note("IMPORT_SCOPE", "info", f"支出按{SCOPE_LABELS[scope]}口径导入（--scope {scope}）")
    names = [(t.kind.name, t.where) for t in all_tables]
    return ImportResult(data, out.sources, sort_findings(_dedupe(lookup.findings)), missing,
                        names, scope, tuple(dict.fromkeys(Path(p).name for p in paths)))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _add_prior(out: Out, lookup: Lookup, prior: Sequence[Path], scope: str, detail: bool) -> None:
    plook = Lookup()
    ptables = read_tables(prior, plook)
    pout = _fill(by_kind(ptables, plook), ptables, plook, scope, detail)
    for f in plook.findings:
        if f.severity == "error":
            lookup.findings.append(Finding(f.code, f.severity, "上年：" + f.message, f.fields,
                                           f.cells))
    year, pyear = out.get("department.year"), pout.get("department.year")
    if year is not None and pyear is not None and pyear != year - 1:
        lookup.note("IMPORT_PRIOR_YEAR", "warning",
                    f"--prior 文件的年度是 {pyear}，不是 {year - 1}", pout.sources["department.year"])
    for path, cell in list(pout.sources.items()):
        if path.endswith(".actual") and path.split(".")[0] in ("income", "expenditure", "outlays"):
            target = path[: -len("actual")] + "prior"
            here = out.get(target)
            value = pout.get(path)
            if here is not None and here != value:
                lookup.note("IMPORT_PRIOR_DIFFERS", "warning",
                            f"{out.sources[target]} 本年表中的上年数 {here} 与 {cell} 上年决算表中的 "
                            f"{value} 不一致，保留本年表中的数", out.sources[target], cell)
            elif here is None:
                out.set(target, value, cell)
    prior_econ = {e["code"]: e for e in pout.data.get("economic_classification", [])}
    for e in out.data.get("economic_classification", []):
        p = prior_econ.get(e["code"])
        if p is not None and p["actual"] is not None:
            e["prior"] = p["actual"]
            out.sources[f"economic_classification[{e['code']}].prior"] = \
                pout.sources[f"economic_classification[{e['code']}].actual"]


def _missing(data: dict) -> list[str]:
    out = []
    for key, value in data.items():
        if key in NOT_IN_TABLES:
            if not value or (isinstance(value, dict) and not any(value.values())):
                out.append(key)
            continue
        if key == "economic_classification":
            if not value:
                out.append(key)
            continue
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, dict):
                    out += [f"{key}.{k}.{f}" for f, x in v.items() if x is None
                            and f != "reason"]
                elif v is None and k != "report_date":
                    out.append(f"{key}.{k}")
    return out


__all__ = ["KINDS", "ImportResult", "import_files"]
