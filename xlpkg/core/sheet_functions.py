"""The worksheet functions: each one's Python body, its help texts and its native Excel twin.

This module owns what a computed cell of the workbook computes. Every function
is defined once here, on top of ``core.ratios``/``core.phrases``/``core.money``:

- the Python body is what ``=PCT_CHANGE(…)`` runs under xlwings (re-exported by
  ``xlpkg.excel.udfs``, the module path written into every workbook's xlwings
  settings), what ``fill`` writes as every formula cell's cached value, and what
  the VBA wrapper generator reads (``xlpkg.vba.modules``);
- its metadata (``fn.__xlpkg_udf__``) holds the Chinese argument help and the
  native twin: formula text with ``{argument}`` placeholders, using only
  IF/COUNT/COUNTBLANK/ROUND/TEXT, which the portable ``.xlsx`` writes so that
  WPS, LibreOffice, Mac Excel and reviewers without Python compute the same.

Argument shapes are xlwings 0.37.8's under ``@xw.arg(..., ndim=2, err_to_str=True)``:
one cell arrives as ``[[v]]``, a column as ``[[a], [b], …]``, an empty cell as
``None``, an error cell as its text (``"#DIV/0!"``); numbers are floats. Direct
calls with scalars work too. A blank in gives a blank (``""``) out; text that is
not a number gives ``无法识别``, an error value ``无法识别：#DIV/0!``.

Pure: imports only core; no xlwings, no I/O. Parameter names are never VBA
keywords, since xlwings copies them into the generated wrapper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from xlpkg.core import phrases, ratios
from xlpkg.core.checks.sums import FILL_ZERO
from xlpkg.core.grades import GRADE_BANDS, grade
from xlpkg.core.model import COMPARATORS
from xlpkg.core.money import ParseError, fmt_amount, parse_amount, round_half_up

UDFS: list[Callable] = []
BAD = "无法识别"
CATEGORY = "xlpkg 绩效自评"
ERROR_TEXTS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
MISSING = "缺少{names}，未计算"   # the core's wording when a rule lacks data (checks.base.skipped)
OVER = "：已填明细已超过合计数"          # core.checks.sums, filled parts above the total
SHOULD_BE = "若合计数无误应为 {amount} 万元"  # … below it: what the blanks must hold
TEXT_AMOUNT = "0.00"             # core.money.fmt_amount as an Excel number format
TEXT_PCT = "0.00%"               # core.money.fmt_pct
# Ratios are rounded to 12 places before TEXT(): float noise such as
# 0.0012499999999999999 must print as the exact decimal 0.00125 does (half-up).
NOISE_PLACES = 12


def udf(native: str | Callable[..., str], **arg_docs: str) -> Callable[[Callable], Callable]:
    """Register a worksheet function with its native twin and Chinese argument help."""

    def register(fn: Callable) -> Callable:
        fn.__xlpkg_udf__ = {"args": arg_docs, "native": native}
        UDFS.append(fn)
        return fn

    return register


class _Unreadable(Exception):
    def __init__(self, text: str = BAD):
        self.text = text


def _dec(x: Any) -> Decimal | None:
    if isinstance(x, str) and x.strip().upper() in ERROR_TEXTS:
        raise _Unreadable(f"{BAD}：{x.strip().upper()}")
    try:
        return parse_amount(x)
    except ParseError:
        raise _Unreadable from None


def _grid(x: Any) -> list[list[Any]] | None:
    """A range as rows; ``None`` for a single value. A flat list is a column."""
    if not isinstance(x, (list, tuple)):
        return None
    if x and all(isinstance(r, (list, tuple)) for r in x):
        return [list(r) for r in x]
    return [[v] for v in x]


def _scalar(x: Any) -> Any:
    """A 1×1 range (``[[v]]``, as xlwings passes one cell with ``ndim=2``) as its value."""
    g = _grid(x)
    if g is not None and len(g) == 1 and len(g[0]) == 1:
        return g[0][0]
    return x


def _broadcast(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply ``fn`` cell by cell; ranges give a range of the largest range's shape.

    A single cell (or a 1×1 range) is repeated against every row, like a fixed
    reference in a filled-down formula.
    """
    args = [_scalar(a) for a in args]
    grids = [_grid(a) for a in args]
    shaped = [(a, g) for a, g in zip(args, grids) if g is not None]
    if not shaped:
        return _cell(fn, *args)
    first, grid = max(shaped, key=lambda ag: len(ag[1]) * max(map(len, ag[1]), default=0))
    rows, cols = len(grid), max((len(r) for r in grid), default=0)

    def at(arg, g, i, j):
        if g is None:
            return arg
        try:
            return g[i][j]
        except IndexError:
            return None

    out = [[_cell(fn, *(at(a, g, i, j) for a, g in zip(args, grids))) for j in range(cols)]
           for i in range(rows)]
    flat = not any(isinstance(r, (list, tuple)) for r in first)
    return [r[0] for r in out] if flat else out


def _cell(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        result = fn(*args)
    except _Unreadable as e:
        return e.text
    return "" if result is None else result


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------- native building blocks


def guard(refs: Sequence[str], body: str) -> str:
    """``body`` when every ref holds a number; else 无法识别 if one holds text or an
    error, else blank. COUNT/COUNTBLANK never propagate an error value."""
    n = len(refs)
    listed = ",".join(refs)
    blanks = "+".join(f"COUNTBLANK({r})" for r in refs)
    return f'IF(COUNT({listed})={n},{body},IF({blanks}+COUNT({listed})<{n},"{BAD}",""))'


def text_of(expr: str, fmt: str) -> str:
    """TEXT() of an expression, rounded first so float noise cannot flip a half."""
    return f'TEXT(ROUND({expr},{NOISE_PLACES}),"{fmt}")'


def _ratio(num: str, den: str, *, positive: bool = False) -> str:
    test = f"{den}>0" if positive else f"{den}<>0"
    return f'IF({test},{num}/{den},"")'


_CHANGE_NATIVE = guard(("{value}", "{base}"), (
    'IF(ROUND({value}-{base},2)=0,"与上年持平","较上年"&IF({value}>{base},"增加","减少")&" "&'
    + text_of("ABS({value}-{base})", TEXT_AMOUNT) + '&" ' + phrases.UNIT + '"&'
    'IF({base}>0,"，"&IF({value}>{base},"增长","减少")&" "&'
    + text_of("ABS({value}-{base})/{base}", TEXT_PCT) + ',""))'))


def _signs(norm: str) -> str:
    """OR(...) over every spelling core.model.COMPARATORS maps to ``norm``."""
    spellings = sorted(k for k, v in COMPARATORS.items() if v == norm)
    return "OR(" + ",".join(f'TRIM({{comparator}})="{s}"' for s in spellings) + ")"


_COMPLETION_NATIVE = (
    f'IF({_signs("<=")},'
    + guard(("{actual}", "{target}"),
            'IF(AND({actual}=0,{target}>=0),1,' + _ratio("{target}", "{actual}") + ")")
    + f',IF(OR(TRIM({{comparator}})="",{_signs(">=")},{_signs("=")}),'
    + guard(("{actual}", "{target}"), _ratio("{actual}", "{target}"))
    + f',"{BAD}"))')

_GRADE_NATIVE = guard(("{score}",), "".join(
    f'IF({{score}}>={floor},"{name}",' for floor, name in GRADE_BANDS) + '"差"'
    + ")" * len(GRADE_BANDS))


def native(fn: Callable, **refs: str) -> str:
    """The native twin of ``fn`` with its placeholders filled (no leading ``=``)."""
    text = fn.__xlpkg_udf__["native"]
    for name, ref in refs.items():
        text = text.replace("{" + name + "}", ref)
    return text


# ---------------------------------------------------------------- the functions


@udf(guard(("{value}", "{base}"), _ratio("({value}-{base})", "{base}", positive=True)),
     value="本年数（如本年决算数）", base="比较基数（如上年决算数）")
def PCT_CHANGE(value, base):
    """较上年增减率 =（本年数 − 上年数）÷ 上年数，返回小数（单元格设为百分比格式）。上年数为空、为 0 或为负时返回空。"""
    return _broadcast(lambda v, b: _num(ratios.pct_change(_dec(v), _dec(b))), value, base)


@udf(guard(("{value}", "{base}"), "{value}-{base}"), value="本年数", base="上年数")
def YOY_DIFF(value, base):
    """较上年增减额 = 本年数 − 上年数（万元）。任一为空时返回空。"""
    return _broadcast(lambda v, b: _num(ratios.yoy_diff(_dec(v), _dec(b))), value, base)


@udf(guard(("{part}", "{whole}"), _ratio("{part}", "{whole}")),
     part="部分（如人员经费）", whole="总数（如基本支出）")
def SHARE(part, whole):
    """占比 = 部分 ÷ 总数，返回小数（单元格设为百分比格式）。"""
    return _broadcast(lambda p, w: _num(ratios.share(_dec(p), _dec(w))), part, whole)


@udf(guard(("{actual}", "{budget}"), _ratio("{actual}", "{budget}")),
     actual="本年决算数", budget="全年预算数（调整后）")
def EXEC_RATE(actual, budget):
    """预算执行率 = 本年决算数 ÷ 全年预算数，返回小数。预算为空或为 0 时返回空。"""
    return _broadcast(lambda a, b: _num(ratios.execution_rate(_dec(a), _dec(b))), actual, budget)


@udf(_CHANGE_NATIVE, value="本年数", base="上年数")
def CHANGE_TEXT(value, base):
    """增减说明文字，如“较上年减少 11.26 万元，减少 3.64%”。"""
    return _broadcast(lambda v, b: phrases.change(_dec(v), _dec(b)), value, base)


@udf(guard(("{part}", "{whole}"),
           'IF({whole}<>0,"占"&{whole_label}&"的 "&' + text_of("{part}/{whole}", TEXT_PCT) + ',"")'),
     part="部分", whole="总数", whole_label="总数的名称，如“基本支出”")
def SHARE_TEXT(part, whole, whole_label):
    """占比说明文字，如“占基本支出的 89.04%”。"""
    return _broadcast(lambda p, w, lbl: phrases.share_of(_dec(p), _dec(w), str(lbl or "")),
                      part, whole, whole_label)


def _completion(actual, target, comparator):
    sign = COMPARATORS.get(str(comparator).strip() if comparator else "≥")
    if sign is None:
        raise _Unreadable
    return _num(ratios.achievement(_dec(actual), _dec(target), sign))


@udf(_COMPLETION_NATIVE, actual="实际值", target="目标值",
     comparator="比较符号：≥、≤ 或 =（空为 ≥）")
def COMPLETION(actual, target, comparator=None):
    """完成率：≥ 与 = 目标为 实际值 ÷ 目标值；≤ 目标为 目标值 ÷ 实际值。返回小数。"""
    return _broadcast(_completion, actual, target, comparator)


def _flatten(x: Any):
    grid = _grid(x)
    if grid is None:
        yield x
        return
    for row in grid:
        yield from row


def sum_check(total: Any, parts: Sequence[Any], labels: Sequence[str] = (),
              ranges: Sequence[bool] = ()) -> str:
    """A stated total against its parts, as the in-sheet check cell shows it.

    ``parts`` are single values or ranges; blank cells inside a range are unused
    table rows and are skipped, while a blank single part means the rule lacks
    data (the core's 缺少…，未计算, naming it by ``labels`` or by position).
    Silent when the total or every part is blank, or within rounding (0.01 per
    addend); otherwise ``相差 X 万元`` with X the gap between the rounded figures.
    """
    try:
        stated = _dec(_scalar(total))
        singles: list[tuple[int, Decimal | None]] = []
        values: list[Decimal] = []
        for i, part in enumerate(parts):
            is_range = ranges[i] if i < len(ranges) else _grid(_scalar(part)) is not None
            if not is_range:
                part = _scalar(part)
                singles.append((i, _dec(part)))
            elif _grid(part) is None:
                singles.append((i, _dec(part)))
            else:
                values += [v for v in (_dec(x) for x in _flatten(part)) if v is not None]
    except _Unreadable as e:
        return e.text
    values += [v for _, v in singles if v is not None]
    if stated is None or not values:
        return ""
    missing = [labels[i] if i < len(labels) else f"第 {i + 1} 项" for i, v in singles if v is None]
    return _compared(ratios.compare_sum(stated, values), missing)


def _compared(cmp: ratios.SumComparison, missing: Sequence[str]) -> str:
    """The check cell's words for a total against its filled parts, as core.checks.sums
    decides them: blanks are never 0, but filled parts above the total already disagree."""
    if missing:
        names = "、".join(missing)
        if cmp.status == "mismatch" and cmp.difference < 0:
            return _shown(cmp) + OVER
        if cmp.status == "mismatch":
            return f"{names}未填，{SHOULD_BE.format(amount=fmt_amount(cmp.difference))}"
        return f"{names}未填，{FILL_ZERO}"
    return _shown(cmp) if cmp.status == "mismatch" else ""


def _shown(cmp: ratios.SumComparison) -> str:
    return phrases.difference(round_half_up(cmp.total) - round_half_up(cmp.parts_sum))


def _native_compared(total: str, summed: str, count: str, blank: str, names: str) -> str:
    """The native twin of :func:`_compared`: ``names`` is an expression ending in 、."""
    listed = f"LEFT({names},LEN({names})-1)"
    gap = f"ROUND({total},2)-ROUND({summed},2)"
    said = '"相差 "&' + text_of(f"ABS({gap})", TEXT_AMOUNT) + f'&" {phrases.UNIT}"'
    mismatch = f"ROUND(ABS({total}-({summed})),9)>0.01*({count})"
    should = SHOULD_BE.replace("{amount}", '"&' + text_of(f"{total}-({summed})", TEXT_AMOUNT) + '&"')
    partial = (f'IF({mismatch},IF({total}-({summed})<0,{said}&"{OVER}",{listed}&"未填，{should}"),'
               f'{listed}&"未填，{FILL_ZERO}")')
    return f'IF({blank}>0,{partial},IF({mismatch},{said},""))'


def native_sum_check(total: str, parts: Sequence[tuple[str, bool]],
                     labels: Sequence[str] = ()) -> str:
    """The native twin of :func:`sum_check`: ``parts`` are (reference, is_range)."""
    refs = [total] + [r for r, _ in parts]
    cells = "+".join(f"ROWS({r})*COLUMNS({r})-COUNT({r})-COUNTBLANK({r})" for r in refs)
    listed = ",".join(r for r, _ in parts)
    singles = [(i, r) for i, (r, is_range) in enumerate(parts) if not is_range]
    names = "&".join(f'IF(COUNTBLANK({r}),"{labels[i] if i < len(labels) else f"第 {i + 1} 项"}、","")'
                     for i, r in singles) or '""'
    blank = "+".join(f"COUNTBLANK({r})" for _, r in singles) or "0"
    body = _native_compared(total, f"SUM({listed})", f"COUNT({listed})", blank, names)
    return (f'IF({cells}>0,"{BAD}",IF(OR(COUNT({total})=0,COUNT({listed})=0),"",{body}))')


@udf("", total="填报的合计数", parts="各明细数（可选多个单元格或区域）")
def CHECK_SUM(total, *parts):
    """核对合计与明细：差额在四舍五入误差（每个加数 0.01 万元）以内返回空，否则返回“相差 X 万元”；明细为空时返回“缺少…，未计算”。"""
    return sum_check(total, parts)


CHECK_SUM.__xlpkg_udf__["native"] = native_sum_check  # variadic: built per call


# ---------------------------------------------------------------- checks against other rules


def _code_of(raw: Any) -> str:
    text = "" if raw is None else str(raw).strip()
    return text.removesuffix(".0")


def caliber_check(total: Any, codes: Sequence[Any], amounts: Sequence[Any],
                  bases: Sequence[Sequence[str]], *, label: str = "经济分类") -> str:
    """A total against the economic classification rows of some codes (人员经费 =
    301+303; 公用经费 = 302 or 302+310, whichever is closer), like core.checks.

    Rows are (code, amount) pairs of the table; a matching row with a blank
    amount is a missing part. A second basis counts only when it adds rows.
    """
    try:
        stated = _dec(_scalar(total))
        rows = [(_code_of(c), _dec(a)) for c, a in zip(codes, amounts)]
    except _Unreadable as e:
        return e.text
    chosen: list[tuple[list[str], list[Decimal | None]]] = []
    for basis in bases:
        # in the basis' code order, so the missing codes read as the native twin lists them
        matched = [(c, a) for code in basis for c, a in rows if c == code]
        if chosen and len(matched) <= len(chosen[0][1]):
            continue
        chosen.append(([c for c, _ in matched], [a for _, a in matched]))

    def gap(parts):
        cmp = ratios.compare_sum(stated, parts)
        return abs(cmp.difference) if cmp else Decimal("Infinity")

    codes_used, parts = min(chosen, key=lambda cp: gap(cp[1]))
    if stated is None or not parts or all(p is None for p in parts):
        return ""
    missing = [f"{label} {c}" for c, p in zip(codes_used, parts) if p is None]
    return _compared(ratios.compare_sum(stated, [p for p in parts if p is not None]), missing)


def native_caliber_check(total: str, codes: str, amounts: str,
                         bases: Sequence[Sequence[str]], *, label: str = "经济分类") -> str:
    """The native twin of :func:`caliber_check` over two table columns."""

    def rows(basis):
        return "+".join(f'SUMPRODUCT(--(TRIM({codes}&"")="{c}"))' for c in basis)

    def summed(basis):
        return "(" + "+".join(f'SUMIFS({amounts},{codes},"{c}")' for c in basis) + ")"

    def blanks(basis):
        return "+".join(f'SUMPRODUCT(--(TRIM({codes}&"")="{c}"),--({amounts}=""))'
                        for c in basis)

    def one(basis):
        n, blank = rows(basis), blanks(basis)
        names = "&".join(f'REPT("{label} {c}、",SUMPRODUCT(--(TRIM({codes}&"")="{c}"),'
                         f'--({amounts}="")))' for c in basis)
        body = _native_compared(total, summed(basis), f"{n}-({blank})", blank, names)
        return f'IF(OR({n}=0,{n}={blank}),"",{body})'

    def distance(basis):
        return f"IF(OR({rows(basis)}=0,{blanks(basis)}>0),1E+300,ABS({total}-{summed(basis)}))"

    body = one(bases[0])
    for basis in bases[1:]:  # a wider basis is taken when it adds rows and is closer
        body = (f"IF(OR({rows(basis)}<={rows(bases[0])},{distance(bases[0])}<={distance(basis)}),"
                f"{body},{one(basis)})")
    bad = f"SUMPRODUCT(--ISERROR({amounts}))+SUMPRODUCT(--ISERROR({codes}))"
    return (f'IF(ROWS({total})-COUNT({total})-COUNTBLANK({total})+{bad}>0,"{BAD}",'
            f'IF(COUNT({total})=0,"",{body}))')


def carry_check(begin: Any, income: Any, spending: Any, end: Any,
                labels: Sequence[str]) -> str:
    """年初结转结余 + 本年收入 − 本年支出 = 年末结转结余, as core.checks words it:
    silent when none of the four is stated, 缺少… when only some are."""
    try:
        vals = [_dec(_scalar(v)) for v in (begin, income, spending, end)]
    except _Unreadable as e:
        return e.text
    b, i, s, e = vals
    if all(v is not None for v in vals):
        cmp = ratios.compare_sum(e, [b, i, -s])
        return phrases.difference(cmp.difference) if cmp.status == "mismatch" else ""
    if i is not None and s is not None and s > i and b is None:
        return ""  # a warning of the checks (spending above income), not an equation
    if any(v is not None for v in vals):
        return MISSING.format(names="、".join(lbl for lbl, v in zip(labels, vals) if v is None))
    return ""


def native_carry_check(begin: str, income: str, spending: str, end: str,
                       labels: Sequence[str]) -> str:
    """The native twin of :func:`carry_check`."""
    refs = (begin, income, spending, end)
    listed = ",".join(refs)
    bad = "+".join(f"1-COUNT({r})-COUNTBLANK({r})" for r in refs)
    expr = f"{end}-({begin}+{income}-{spending})"
    said = '"相差 "&' + text_of(f"ABS({expr})", TEXT_AMOUNT) + f'&" {phrases.UNIT}"'
    names = "&".join(f'IF(COUNTBLANK({r}),"{lbl}、","")' for r, lbl in zip(refs, labels))
    missing = MISSING.replace("{names}", '"&LEFT(' + names + ",LEN(" + names + ')-1)&"')
    return (f'IF({bad}>0,"{BAD}",IF(COUNT({listed})=4,IF(ROUND(ABS({expr}),9)>0.03,{said},""),'
            f'IF(AND(COUNT({income},{spending})=2,COUNT({begin})=0,{spending}>{income}),"",'
            f'IF(COUNT({listed})>0,"{missing}",""))))')


@udf(_GRADE_NATIVE, score="总得分")
def GRADE(score):
    """绩效等级：90 分及以上为优，80–89 为良，60–79 为中，60 以下为差。"""
    return _broadcast(lambda s: grade(_dec(s)), score)


def apply_xlwings(func, arg, functions: Sequence[Callable] | None = None) -> None:
    """Mark every UDF for xlwings (``xw.func``/``xw.arg``, or xlwings.udfs' xlfunc/xlarg).

    Ranges arrive as lists of rows (``ndim=2``) so one call serves a column;
    error cells arrive as their text (``err_to_str``) so they are named, not blank.
    """
    for fn in UDFS if functions is None else functions:
        func(category=CATEGORY)(fn)
        for name, doc in fn.__xlpkg_udf__["args"].items():
            arg(name, ndim=2, err_to_str=True, doc=doc)(fn)
