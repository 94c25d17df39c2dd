"""The 决算 tables xlpkg knows: their titles, tags, confirming content and row labels.

Owns the vocabulary of recognition (JUESUAN.md A2/A4): every title spelling
seen in published tables, the 公开0N表 / 财决0N表 tags, what a block must contain
to be accepted as that table, and the label aliases of the rows the contract
needs. All text here is compared after :func:`xlpkg.juesuan.text.norm`.
Pure data.
"""

from __future__ import annotations

from xlpkg.core.record import record
from xlpkg.juesuan.text import norm


@record
class Kind:
    key: str
    name: str                       # the canonical Chinese title, for messages
    titles: tuple[str, ...]         # normalised title aliases (longest match wins)
    confirm: tuple[tuple[str, ...], ...]   # any one group, all of its words in the block
    tags: tuple[str, ...] = ()      # 公开0N表 / 财决0N表 numbers that mean this table


def _k(key, name, titles, confirm, tags=()):
    return Kind(key, name, tuple(norm(t) for t in titles),
                tuple(tuple(norm(w) for w in g) for g in confirm), tuple(tags))


KINDS: tuple[Kind, ...] = (
    _k("summary", "收入支出决算总表",
       ("收入支出决算总表", "收支决算总表", "部门收支决算总表", "收入支出决算表"),
       (("本年收入合计", "本年支出合计"),), ("公开01", "财决01")),
    _k("income", "收入决算表", ("收入决算表", "收入决算总表", "部门收入决算表"),
       (("本年收入", "财政拨款"),), ("公开02", "财决03")),
    _k("expenditure", "支出决算表", ("支出决算表", "支出决算总表", "部门支出决算表"),
       (("基本支出", "项目支出"),), ("公开03", "财决04")),
    _k("fiscal_summary", "财政拨款收入支出决算总表",
       ("财政拨款收入支出决算总表", "财政拨款收支决算总表"),
       (("本年收入合计", "本年支出合计"), ("一般公共预算", "政府性基金")), ("公开04",)),
    _k("gpb", "一般公共预算财政拨款支出决算表",
       ("一般公共预算财政拨款支出决算表", "一般公共预算财政拨款支出决算明细表",
        "财政拨款支出决算明细表", "一般公共预算财政拨款收入支出决算表",
        "一般公共预算支出决算表"),
       (("基本支出", "项目支出"),), ("公开05", "财决07")),
    _k("gpb_basic", "一般公共预算财政拨款基本支出决算表",
       ("一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算明细表",
        "一般公共预算财政拨款基本支出决算明细", "财政拨款基本支出决算表",
        "一般公共预算基本支出决算表", "一般公共预算财政拨款基本支出决算(经济分类)表"),
       (("人员经费",), ("公用经费",), ("301", "302")), ("公开06", "财决08-1")),
    _k("basic_detail", "基本支出决算明细表", ("基本支出决算明细表",),
       (("人员经费",), ("公用经费",), ("301", "302")), ("财决05-1",)),
    _k("sangong", "财政拨款“三公”经费支出决算表",
       ("三公经费支出决算表", "三公经费决算表", "三公经费及会议费、培训费支出决算表",
        "三公经费及会议费培训费支出决算表", "三公经费支出情况表",
        "三公经费、行政参公单位机关运行经费情况表"),
       (("因公出国",), ("公务接待",)), ("公开07",)),
    _k("gov_fund", "政府性基金预算财政拨款收入支出决算表",
       ("政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款支出决算表",
        "政府性基金预算财政拨款收支决算表"),
       (("本年支出",), ("无数据",), ("本表为空",), ("空表",)), ("公开08",)),
    _k("state_capital", "国有资本经营预算财政拨款收入支出决算表",
       ("国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表",
        "国有资本经营预算财政拨款收支决算表"),
       (("本年支出",), ("无数据",), ("本表为空",), ("空表",)), ("公开09",)),
)
BY_KEY = {k.key: k for k in KINDS}
TITLE_ALIASES = sorted(((t, k) for k in KINDS for t in k.titles), key=lambda x: -len(x[0]))
_TAGS = {tag: k for k in KINDS for tag in k.tags}

# A table that says it is empty (JUESUAN.md A2, tables 8 and 9).
EMPTY_MARKERS = tuple(norm(w) for w in ("无数据", "本表为空", "空表", "本单位无", "本部门无",
                                        "未发生", "无此项"))


def tag_kind(text: str) -> Kind | None:
    """The table a 公开0N表 / 财决0N表 tag names (the tag order is the common one)."""
    import re

    m = re.search(r"(公开|财决)(\d{1,2}(?:-\d)?)表", text)
    if not m:
        return None
    number = m.group(2)
    if "-" not in number:
        number = f"{int(number):02d}"
    return _TAGS.get(f"{m.group(1)}{number}")


def match_title(text: str) -> list[Kind]:
    """The kinds whose longest title alias occurs in ``text`` (several = ambiguous)."""
    best, kinds = 0, []
    for alias, kind in TITLE_ALIASES:
        if len(alias) < best:
            break
        if alias in text and kind not in kinds:
            best = len(alias)
            kinds.append(kind)
    return kinds


# ---------------------------------------------------------------- row labels

def _aliases(*words: str) -> tuple[str, ...]:
    return tuple(norm(w) for w in words)


ROWS = {
    "income_total": _aliases("本年收入合计", "收入合计", "本年收入"),
    "expenditure_total": _aliases("本年支出合计", "支出合计", "本年支出"),
    "fiscal_income": _aliases("财政拨款收入"),
    "gpb_income": _aliases("一般公共预算财政拨款收入", "一般公共预算财政拨款"),
    "fund_income": _aliases("政府性基金预算财政拨款收入", "政府性基金预算财政拨款"),
    "soe_income": _aliases("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款"),
    "other_income": _aliases("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入",
                             "其他收入"),
    "use_surplus": _aliases("使用非财政拨款结余", "使用非财政拨款结余(含专用结余)",
                            "使用专用结余", "使用非财政拨款结余和专用结余"),
    "surplus_allocation": _aliases("结余分配"),
    "begin": _aliases("年初结转和结余", "年初财政拨款结转和结余", "年初结转结余"),
    "end": _aliases("年末结转和结余", "年末财政拨款结转和结余", "年末结转结余"),
    "grand_total": _aliases("总计"),
    "total": _aliases("合计", "总计", "本年支出合计", "支出合计"),
    "personnel": _aliases("人员经费合计", "人员经费"),
    "public": _aliases("公用经费合计", "公用经费"),
}

# 三公 items: label/segment → contract row (JUESUAN.md A2 table 7; CONTRACT outlays)
OUTLAY_ITEMS = (
    ("vehicle_purchase", _aliases("公务用车购置费", "购置费", "公务用车购置")),
    ("vehicle_operation", _aliases("公务用车运行维护费", "公务用车运行费", "运行维护费",
                                   "运行费", "公务用车运行维护")),
    ("vehicle", _aliases("公务用车购置及运行维护费", "公务用车购置及运行费",
                         "公务用车购置及运维费", "公务用车费")),
    ("subtotal", _aliases("小计",)),
    ("outbound", _aliases("因公出国(境)费", "因公出国(境)费用", "因公出国费",
                          "因公出国(境)经费", "因公出国境费")),
    ("reception", _aliases("公务接待费", "公务接待")),
    ("meeting", _aliases("会议费",)),
    ("training", _aliases("培训费",)),
    ("total", _aliases("合计", "三公经费合计", "三公经费", "三公经费支出合计", "总计",
                       "财政拨款三公经费合计")),
)


def outlay_item(text: str) -> str | None:
    """The 三公 item a normalised label or header segment names, exact alias first."""
    for key, aliases in OUTLAY_ITEMS:
        if text in aliases:
            return key
    for key, aliases in OUTLAY_ITEMS:
        if key not in ("subtotal", "total") and any(text.startswith(a) for a in aliases):
            return key
    return None


def row_matches(label_text: str, key: str) -> bool:
    """Exact alias, or the label starts with the alias and only adds a bracketed note."""
    for alias in ROWS[key]:
        if label_text == alias:
            return True
        if label_text.startswith(alias) and label_text[len(alias):len(alias) + 1] in "(":
            return True
    return False
