"""The submission tables as grids (INDICATORS.md, "Tables a Hunan department submits").

Pure builders, one per kind of sheet — :func:`base_data_table` (基础数据表),
:func:`scoresheet_table` (部门整体支出绩效自评表), :func:`project_table` (one
项目支出绩效自评表) — and :func:`submission_tables`, all of them in print order (the
last department's kept: its report and its tables workbook share one build).
They return :class:`~xlpkg.tables.grid.PrintTable`; the xlsx writer
(:mod:`xlpkg.tables.xlsx`) and the report print the same grids. A figure the data
does not hold is a blank cell, a missing score is 待评分; nothing is filled in.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal

from xlpkg.core import ratios
from xlpkg.core.model import Dataset, Val
from xlpkg.core.scoring import ProjectScore, Scoresheet, score_text
from xlpkg.tables.grid import (
    BLANK,
    Cell,
    Column,
    PrintTable,
    amount,
    count,
    head,
    pct,
    points,
    text,
    weight_cell,
)

UNIT_LINE = "单位：万元"
BASE_DATA = "基础数据表"
SCORESHEET = "部门整体支出绩效自评表"
PROJECT = "项目支出绩效自评表"
INDENT = "\u3000"      # one full-width space per level, as the printed forms indent


def _num(v: Val | None) -> Decimal | None:
    return v.value if v is not None and isinstance(v.value, Decimal) else None


def _year(ds: Dataset) -> int | None:
    year = _num(ds.department.year)
    return int(year) if year is not None else None


def _name(ds: Dataset) -> str:
    return (ds.department.name.value or "").strip()


def _year_prefix(ds: Dataset) -> str:
    year = _year(ds)
    return f"{year}年度" if year is not None else ""


def filled_by(ds: Dataset) -> str:
    """填报单位：安化县总工会 (left for the pen when the name is not stated)."""
    return f"填报单位：{_name(ds) or INDENT * 8}"


def date_line(ds: Dataset) -> str:
    """填报日期 from ``department.report_date``, else blank spaces to write it by hand."""
    day = ds.department.report_date.value
    if isinstance(day, _dt.date):
        return f"填报日期：{day.year}年{day.month}月{day.day}日"
    return f"填报日期：{INDENT * 3}年{INDENT * 2}月{INDENT * 2}日"


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    """A sum only when every part is stated (blank is not zero)."""
    if any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


# ---------------------------------------------------------------- 基础数据表


def _money_row(label: str, prior, budget, actual, *, bold=False) -> tuple[Cell, ...]:
    """A 4-column row on the 7-column grid: label | B:C prior | D:E budget | F:G actual."""
    return (text(label, bold=bold), amount(prior), BLANK, amount(budget), BLANK,
            amount(actual), BLANK)


def base_data_table(ds: Dataset) -> PrintTable:
    """基础数据表: 财政供养人员; 经费控制 (上年决算数 | 本年预算数 | 本年决算数) over 支出总额,
    基本支出, 其中公用经费, 项目支出 (one row per project), “三公”经费, 政府采购金额; 楼堂馆所.

    本年预算数 is the 全年预算数 (after adjustments), the base of every control rate."""
    year = _year(ds)
    prior_h = f"{year - 1}年决算数" if year else "上年决算数"
    budget_h = f"{year}年预算数" if year else "本年预算数"
    actual_h = f"{year}年决算数" if year else "本年决算数"
    d, exp, out = ds.department, ds.expenditure, ds.outlays
    rows: list[tuple[Cell, ...]] = []
    merges: list[tuple[int, int, int, int]] = []

    def four(r: int) -> None:       # B:C, D:E, F:G of row r
        merges.extend([(r, 1, r, 2), (r, 3, r, 4), (r, 5, r, 6)])

    staff_rate = ratios.staff_control_rate(_num(d.staff_actual), _num(d.staff_authorized))
    rows.append((head("财政供养人员情况"), head("编制数（人）"), BLANK,
                 head(f"{year}年实际在职人数（人）" if year else "实际在职人数（人）"), BLANK,
                 head("控制率"), BLANK))
    rows.append((BLANK, count(_num(d.staff_authorized)), BLANK, count(_num(d.staff_actual)),
                 BLANK, pct(staff_rate), BLANK))
    merges.append((0, 0, 1, 0))
    four(0)
    four(1)
    header = len(rows)
    rows.append((head("经费控制情况"), head(prior_h), BLANK, head(budget_h), BLANK,
                 head(actual_h), BLANK))
    four(header)

    def row(label: str, r, *, bold=False) -> None:
        rows.append(_money_row(label, _num(r.prior), _num(r.budget_final), _num(r.actual),
                               bold=bold))
        four(len(rows) - 1)

    row("部门整体支出总额", exp["total"], bold=True)
    row("一、基本支出", exp["basic"])
    row(f"{INDENT}其中：公用经费", exp["public"])
    row("二、项目支出", exp["project"])
    for n, p in enumerate(ds.projects, 1):
        rows.append(_money_row(f"{INDENT}{n}. {(p.name.value or '').strip()}", _num(p.prior),
                               _num(p.budget_final), _num(p.actual)))
        four(len(rows) - 1)

    def outlay(label: str, *keys: str, bold=False) -> None:
        cols = [_sum([_num(out[k].values[c]) for k in keys]) for c in ("prior", "budget", "actual")]
        rows.append(_money_row(label, *cols, bold=bold))
        four(len(rows) - 1)

    outlay("三、“三公”经费", "total")
    outlay(f"{INDENT}1. 公务用车购置和维护经费", "vehicle_purchase", "vehicle_operation")
    outlay(f"{INDENT * 2}其中：公车购置", "vehicle_purchase")
    outlay(f"{INDENT * 5}公车运行维护", "vehicle_operation")   # under 公车购置
    outlay(f"{INDENT}2. 出国经费", "outbound")
    outlay(f"{INDENT}3. 公务接待", "reception")
    rows.append(_money_row("四、政府采购金额", None, _num(ds.proc_budget), _num(ds.proc_actual)))
    four(len(rows) - 1)

    b = ds.buildings
    approved, built = _num(b.get("approved_scale")), _num(b.get("actual_scale"))
    planned, spent = _num(b.get("budget_investment")), _num(b.get("actual_investment"))
    rows.append((head("楼堂馆所控制情况"), head("批复规模\n（㎡）"), head("实际规模\n（㎡）"),
                 head("规模控制率"), head("预算投资\n（万元）"), head("实际投资\n（万元）"),
                 head("投资概算\n控制率")))
    rows.append((BLANK, count(approved), count(built), pct(ratios.share(built, approved)),
                 amount(planned), amount(spent), pct(ratios.share(spent, planned))))
    merges.append((len(rows) - 2, 0, len(rows) - 1, 0))
    notes = ("注：1. 本年预算数为全年预算数（含年中调整）；控制率 = 实际数 ÷ 编制（批复、预算）数。",
             "2. 空白表示数据中未填报，不代表 0。")
    return PrintTable(
        sheet=BASE_DATA, title=f"{_year_prefix(ds)}{_name(ds)}部门整体支出绩效评价基础数据表",
        columns=(Column(34),) + (Column(11),) * 6, rows=tuple(rows),
        header_rows=(header, header), merges=tuple(merges), info_left=filled_by(ds),
        info_right=UNIT_LINE, notes=notes + (date_line(ds),))


# ---------------------------------------------------------------- 部门整体支出绩效自评表


def _vertical_merges(col: int, first: int,
                     keys: Sequence[tuple]) -> list[tuple[int, int, int, int]]:
    """Merges over runs of equal ``keys`` in ``col``, the runs starting at grid row ``first``."""
    out, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1:
                out.append((first + start, col, first + i - 1, col))
            start = i
    return out


def _blank_repeats(rows: list[list[Cell]], merges) -> None:
    """Keep a merged run's text in its first cell only."""
    for r1, c, r2, _ in merges:
        for r in range(r1 + 1, r2 + 1):
            rows[r][c] = BLANK


def scoresheet_table(ds: Dataset, sheet: Scoresheet) -> PrintTable:
    """部门整体支出绩效自评表: 一级 | 二级 | 三级 | 分值 | 评分标准 | 年度指标值 | 实际完成值 |
    得分 | 扣分原因/偏差说明, repeated 一级/二级 merged, and a 合计 row with the grade —
    or 待评分 and 暂不定级 while self scores are missing."""
    header = (head("一级指标"), head("二级指标"), head("三级指标"), head("分值"),
              head("评分标准"), head("年度指标值"), head("实际完成值"), head("得分"),
              head("扣分原因/偏差说明"))
    body: list[list[Cell]] = []
    for s in sheet.indicators:
        body.append([text(s.level1, align="center"), text(s.level2, align="center"),
                     text(s.name), weight_cell(s.weight), text(s.criteria),
                     text(s.target, align="center"), text(s.value_text, align="center"),
                     points(s.score, s.score_text, bold=s.score is None), text(s.note)])
    rows = [list(header)] + body
    keys1 = [(s.level1,) for s in sheet.indicators]
    keys2 = [(s.level1, s.level2) for s in sheet.indicators]
    merges = _vertical_merges(0, 1, keys1) + _vertical_merges(1, 1, keys2)
    _blank_repeats(rows, merges)
    weight = sum((s.weight for s in sheet.indicators), Decimal(0))
    grade = f"等级：{sheet.grade}" if sheet.grade else sheet.grade_text
    total_row = [head("合计"), BLANK, BLANK, weight_cell(weight, bold=True),
                 BLANK, BLANK, BLANK, points(sheet.total, sheet.total_text, bold=True),
                 text(grade, bold=True)]
    rows.append(total_row)
    last = len(rows) - 1
    merges += [(last, 0, last, 2), (last, 4, last, 6)]
    notes = [f"评分规则：{sheet.rules_name}" + (f"（{sheet.rules_basis}）" if sheet.rules_basis
                                              else "")]
    if sheet.pending:
        notes.append(f"待评分：{'、'.join(sheet.pending)}。请在自评打分表中填写得分后重新生成；"
                     "全部评分之前不计总分、不定等级。")
    notes += [f"注意：{r}" for r in sheet.remarks]
    return PrintTable(
        sheet=SCORESHEET, title=f"{_year_prefix(ds)}{_name(ds)}{SCORESHEET}",
        columns=(Column(8), Column(10), Column(16), Column(6), Column(40), Column(10),
                 Column(10), Column(8), Column(40)),
        rows=tuple(tuple(r) for r in rows), header_rows=(0, 0), merges=tuple(merges),
        info_left=filled_by(ds), info_right=date_line(ds), notes=tuple(notes), landscape=True)


# ---------------------------------------------------------------- 项目支出绩效自评表


def project_table(ds: Dataset, p: ProjectScore, index: int = 1) -> PrintTable:
    """One 项目支出绩效自评表 (财预〔2020〕10号 form): 项目名称; 项目资金 (年初预算数 |
    全年预算数 | 全年执行数 | 分值 | 执行率 | 得分); 年度总体目标 (预期目标 | 实际完成情况);
    绩效指标 (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施);
    总分 and 自评等级."""
    rows: list[list[Cell]] = [
        [head("项目名称"), BLANK, text(p.name, bold=True), BLANK, BLANK, BLANK, BLANK, BLANK,
         BLANK],
        [head("项目资金\n（万元）"), head(""), head("年初预算数"), head("全年预算数"),
         head("全年执行数"), head("分值"), head("执行率"), head("得分"), BLANK],
        [BLANK, head("年度资金总额"), amount(p.budget_initial), amount(p.budget_final),
         amount(p.actual), weight_cell(p.execution_weight), pct(p.execution_rate, align="center"),
         points(p.execution_score, score_text(p.execution_score),
                bold=p.execution_score is None), BLANK],
        [head("年度总体目标"), head("预期目标"), BLANK, BLANK, BLANK, head("实际完成情况"), BLANK,
         BLANK, BLANK],
        [BLANK, text(p.goal), BLANK, BLANK, BLANK, text(p.result), BLANK, BLANK, BLANK],
        [head("绩效指标"), head("一级指标"), head("二级指标"), head("三级指标"),
         head("年度指标值"), head("实际完成值"), head("分值"), head("得分"),
         head("偏差原因分析及改进措施")],
    ]
    merges = [(0, 0, 0, 1), (0, 2, 0, 8), (1, 0, 2, 0), (1, 7, 1, 8), (2, 7, 2, 8),
              (3, 0, 4, 0), (3, 1, 3, 4), (3, 5, 3, 8), (4, 1, 4, 4), (4, 5, 4, 8)]
    first = len(rows)
    for i in p.indicators:
        rows.append([BLANK, text(i.category, align="center"), text(i.subcategory, align="center"),
                     text(i.name), text(i.target_text, align="center"),
                     text(i.actual_text, align="center"),
                     weight_cell(i.weight),
                     points(i.score, i.score_text, bold=i.score is None), text(i.reason)])
    if not p.indicators:      # say so in the table rather than print an empty grid
        rows.append([BLANK, text("（未填绩效指标）", align="center")] + [BLANK] * 7)
        merges.append((first, 1, first, 8))
    merges.append((first - 1, 0, len(rows) - 1, 0))
    keys1 = [(i.category,) for i in p.indicators]
    keys2 = [(i.category, i.subcategory) for i in p.indicators]
    runs = _vertical_merges(1, first, keys1) + _vertical_merges(2, first, keys2)
    _blank_repeats(rows, runs)
    merges += runs
    grade = f"自评等级：{p.grade}" if p.grade else p.grade_text
    rows.append([head("总分"), BLANK, BLANK, BLANK, BLANK, BLANK,
                 weight_cell(p.weight, bold=True),
                 points(p.total, score_text(p.total), bold=True), text(grade, bold=True)])
    last = len(rows) - 1
    merges.append((last, 0, last, 5))
    notes = [f"评分规则：{p.rules_name}"]
    explained = [("预算执行率", p.execution_note)] + [(i.name, i.note) for i in p.indicators]
    notes += [f"{name}：{note}" for name, note in explained if note]
    notes += [f"注意：{r}" for r in p.remarks]
    return PrintTable(
        sheet=_sheet_name(index, p.name),
        title=PROJECT, subtitle=f"（{_year(ds)}年度）" if _year(ds) else "",
        columns=(Column(9), Column(9), Column(10), Column(16), Column(11), Column(11),
                 Column(6), Column(8), Column(26)),
        rows=tuple(tuple(r) for r in rows), header_rows=(first - 1, first - 1),
        merges=tuple(merges), info_left=filled_by(ds), info_right=UNIT_LINE,
        notes=tuple(notes) + (date_line(ds),),
        row_heights={4: 48.0})   # the goal row holds paragraphs: about 3 lines of 10 pt


_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(index: int, name: str) -> str:
    """``项目3-困难职工救助基金`` within Excel's 31 characters and without []:*?/\\."""
    base = f"项目{index}-{name.translate(_BAD_SHEET_CHARS)}".strip("'")
    return base[:31]


def build_tables(ds: Dataset, sheet: Scoresheet) -> list[PrintTable]:
    """Every table a department submits, in print order: 基础数据表, 部门整体支出绩效自评表,
    then one 项目支出绩效自评表 per project of ``sheet.projects``."""
    return ([base_data_table(ds), scoresheet_table(ds, sheet)]
            + [project_table(ds, p, n) for n, p in enumerate(sheet.projects, 1)])


_last: tuple | None = None     # (dataset, scoresheet, their tables): the last ones built


def submission_tables(ds: Dataset, sheet: Scoresheet) -> list[PrintTable]:
    """:func:`build_tables`, built once for the same (immutable) dataset and scoresheet:
    the report attaches these grids and ``batch`` then writes them to the tables
    workbook, so a worker builds them once per department, not twice."""
    global _last
    last = _last
    if last is not None and last[0] is ds and last[1] is sheet:
        return list(last[2])
    tables = build_tables(ds, sheet)
    _last = (ds, sheet, tuple(tables))
    return tables
