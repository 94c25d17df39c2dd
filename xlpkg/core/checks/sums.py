"""Stated totals against their stated parts (支出合计, 基本支出, 收入合计, “三公”经费, 项目支出,
经济分类口径).

A total whose parts are all blank claims nothing to compare. When only some
parts are blank the filled ones still say something: above the total already,
no figure in the blanks can make them agree (error); below it, the blanks must
hold the gap (warning naming them); level with it, the blanks must be 0 (info).
Blanks are never read as 0 — amounts are never negative (另有 NEGATIVE_AMOUNT).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from xlpkg.core import phrases
from xlpkg.core.checks.base import finding, names
from xlpkg.core.finding import Finding
from xlpkg.core.model import THREE_PUBLIC_ROWS, Dataset, Val
from xlpkg.core.money import fmt_amount, round_half_up
from xlpkg.core.ratios import SumComparison, compare_sum

Parts = Sequence[tuple[str, Val]]
ROUNDING_NOTE = "（在四舍五入误差以内）"
FILL_ZERO = "如未发生请填 0"


def _plus(parts: Parts) -> str:
    return "+".join(label for label, _ in parts)


def _shown_difference(cmp: SumComparison) -> str:
    """The gap between the two figures as printed, so a reader can check it by hand."""
    return phrases.difference(round_half_up(cmp.total) - round_half_up(cmp.parts_sum))


def _joined(label: str) -> str:
    """A parts label followed by 合计: a space after “301+303”, none after Chinese."""
    return f"{label}{' ' if label[-1:].isascii() else ''}合计"


def sum_finding(ds: Dataset, total_label: str, total: Val, parts: Parts, *,
                label_of: Callable[[Parts], str] = _plus, hint: str = "") -> list[Finding]:
    """Compare one stated total with its stated parts (see the module docstring)."""
    vals = [v for _, v in parts]
    if total.value is None or not parts or all(v.value is None for v in vals):
        return []
    blank = [v for v in vals if v.value is None]
    filled = [(label, v) for label, v in parts if v.value is not None]
    cmp = compare_sum(total.value, [v.value for _, v in filled])
    figures = (f"{total_label} {fmt_amount(cmp.total)} 万元与{'已填的' if blank else ''}"
               f"{_joined(label_of(filled))} {fmt_amount(cmp.parts_sum)} 万元")
    if blank:
        return [_partial(ds, figures, cmp, total, [v for _, v in filled], blank)]
    if cmp.status == "equal":
        return []
    message = f"{figures}不一致，{_shown_difference(cmp)}"
    if cmp.status == "rounding":
        return [finding(ds, "SUM_ROUNDING", "info", message + ROUNDING_NOTE, [total, *vals])]
    return [finding(ds, "SUM_MISMATCH", "error", message + hint, [total, *vals])]


def _partial(ds: Dataset, figures: str, cmp: SumComparison, total: Val,
             filled: list[Val], blank: list[Val]) -> Finding:
    vals = [total, *filled, *blank]
    blank_names = names(blank)
    if cmp.status == "mismatch" and cmp.difference < 0:
        return finding(ds, "SUM_MISMATCH", "error",
                       f"{figures}不一致，{_shown_difference(cmp)}：已填明细已超过合计数，"
                       f"未填的{blank_names}无论填多少都无法相符", vals)
    if cmp.status == "mismatch":
        return finding(ds, "SUM_PARTS_BLANK", "warning",
                       f"{figures}{_shown_difference(cmp)}，{blank_names}未填；若合计数无误，"
                       f"未填部分应为 {fmt_amount(cmp.difference)} 万元，请补填", vals)
    level = "相等" if cmp.status == "equal" else f"{_shown_difference(cmp)}{ROUNDING_NOTE}"
    return finding(ds, "SUM_PARTS_BLANK", "info",
                   f"{figures}{level}，{blank_names}未填，{FILL_ZERO}", vals)


COLUMN_PREFIX = {"prior": "上年", "actual": "", "budget_initial": "年初预算",
                 "budget_final": "全年预算", "budget": "预算"}


def _block_check(ds: Dataset, block, total_row: str, part_rows: Sequence[str],
                 label: str) -> list[Finding]:
    """A fixed block's total row against some of its rows, column by column."""
    out = []
    for column, total in block[total_row].values.items():
        parts = [(block[r].label, block[r].values[column]) for r in part_rows]
        out += sum_finding(ds, f"{COLUMN_PREFIX[column]}{label}", total, parts)
    return out


def check_expenditure_total(ds: Dataset) -> list[Finding]:
    """支出合计 = 基本支出 + 项目支出, for every column."""
    return _block_check(ds, ds.expenditure, "total", ("basic", "project"), "支出合计")


def check_basic_split(ds: Dataset) -> list[Finding]:
    """基本支出 = 人员经费 + 公用经费, for every column."""
    return _block_check(ds, ds.expenditure, "basic", ("personnel", "public"), "基本支出")


def check_income_total(ds: Dataset) -> list[Finding]:
    """本年收入合计 = 财政拨款收入 + 其他收入."""
    return _block_check(ds, ds.income, "total", ("fiscal", "other"), "收入合计")


def check_outlays_total(ds: Dataset) -> list[Finding]:
    """“三公”经费合计 = 出国 + 车购 + 车运 + 接待, for every column."""
    return _block_check(ds, ds.outlays, "total", THREE_PUBLIC_ROWS, "“三公”经费合计")


# ---------------------------------------------------------------- economic classification

ECON_PREFIX = "经济分类 "


def _econ_parts(ds: Dataset, column: str, codes: Sequence[str] | None = None) -> Parts:
    return [(f"{ECON_PREFIX}{r.code.value or r.name.value or '?'}", getattr(r, column))
            for r in ds.economic_classification
            if codes is None or r.code.value in codes]


def _caliber_label(parts: Parts) -> str:
    """``经济分类 301+303``."""
    return ECON_PREFIX + "+".join(label.removeprefix(ECON_PREFIX) for label, _ in parts)


def _econ_label(parts: Parts) -> str:
    return _caliber_label(parts) if len(parts) <= 6 else "经济分类各科目"


def check_basic_vs_economic(ds: Dataset) -> list[Finding]:
    """基本支出 = the sum of its economic classification rows."""
    out = []
    for column in ("prior", "actual"):
        out += sum_finding(ds, f"{COLUMN_PREFIX[column]}基本支出",
                           ds.expenditure["basic"].values[column], _econ_parts(ds, column),
                           label_of=_econ_label)
    return out


def check_personnel_caliber(ds: Dataset) -> list[Finding]:
    """人员经费 = 301 + 303 (决算口径)."""
    out = []
    for column in ("prior", "actual"):
        out += sum_finding(ds, f"{COLUMN_PREFIX[column]}人员经费",
                           ds.expenditure["personnel"].values[column],
                           _econ_parts(ds, column, ("301", "303")),
                           label_of=_caliber_label, hint="，请核对人员经费与经济分类的口径")
    return out


def check_public_caliber(ds: Dataset) -> list[Finding]:
    """公用经费 = 302, or 302 + 310: 决算口径 counts 310, the Hunan 基础数据表 does not.

    Either basis is accepted; the finding reports the closer one. When 人员经费
    is off by the same amount the other way, the message says the two mirror.
    """
    out = []
    for column in ("prior", "actual"):
        public = ds.expenditure["public"].values[column]
        bases = [_econ_parts(ds, column, ("302",))]
        with_310 = _econ_parts(ds, column, ("302", "310"))
        if len(with_310) > len(bases[0]):
            bases.append(with_310)
        parts = min(bases, key=lambda ps: _gap(public.value, [v.value for _, v in ps]))
        out += sum_finding(ds, f"{COLUMN_PREFIX[column]}公用经费", public, parts,
                           label_of=_caliber_label,
                           hint="，请核对公用经费与经济分类的口径"
                           + _mirror_note(ds, column, parts))
    return out


def _gap(total, parts) -> Decimal:
    """How far a total is from its parts; blanks sort last."""
    cmp = compare_sum(total, parts)
    return abs(cmp.difference) if cmp else Decimal("Infinity")


def _mirror_note(ds: Dataset, column: str, public_parts: Parts) -> str:
    """Say so when 公用经费 is off by exactly what 人员经费 is off the other way."""
    personnel = compare_sum(ds.expenditure["personnel"].values[column].value,
                            [v.value for _, v in _econ_parts(ds, column, ("301", "303"))])
    public = compare_sum(ds.expenditure["public"].values[column].value,
                         [v.value for _, v in public_parts])
    if personnel is None or public is None or personnel.status != "mismatch":
        return ""
    if personnel.difference + public.difference == 0:
        return "（与人员经费的差额金额相同、方向相反，应是人员经费与公用经费的划分口径不一致）"
    return ""


def _projects_label(parts: Parts) -> str:
    return f"{len(parts)} 个项目明细" if len(parts) > 4 else _plus(parts)


def check_projects_total(ds: Dataset) -> list[Finding]:
    """项目支出 = the sum of the listed projects, for every column."""
    out = []
    for column in ("prior", "budget_initial", "budget_final", "actual"):
        parts = [(p.name.value or "项目", getattr(p, column)) for p in ds.projects]
        out += sum_finding(ds, f"{COLUMN_PREFIX[column]}项目支出",
                           ds.expenditure["project"].values[column], parts,
                           label_of=_projects_label)
    return out


CHECKS = [check_income_total, check_expenditure_total, check_basic_split,
          check_basic_vs_economic, check_personnel_caliber, check_public_caliber,
          check_projects_total, check_outlays_total]
