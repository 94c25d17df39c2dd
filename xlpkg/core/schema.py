"""The data contract as data: every name, path, Chinese label and kind, written once.

This module owns the vocabulary of one department-year (see docs/contract.md):

- :data:`SCALARS` — every single value: its workbook defined name
  (``exp_basic_actual``), its path in the YAML/JSON shape
  (``expenditure.basic.actual``), its Chinese label and its kind;
- :data:`TABLES` — every list: its workbook table name (``tbl_projects``), its
  YAML key, and its columns with the Chinese header each must carry;
- :data:`SECTIONS` — the narrative sections: key, Chinese label, and the
  section of the report outline they print under.

The model (reading and writing the plain shape, field labels), the workbook
reader and the workbook's layout derive from these; nobody else spells a
contract name or header. Pure data: no I/O, no imports outside the standard
library.
"""

from __future__ import annotations

from xlpkg.core.record import record

# ---------------------------------------------------------------- kinds

AMOUNT = "amount"            # 万元, Decimal
NUMBER = "number"            # a count or a year, Decimal
TEXT = "text"                # str
DATE = "date"                # datetime.date
COMPARATOR = "comparator"    # ">=", "<=" or "=" (typed as ≥ ≤ = …)
TARGET = "target"            # a number, or text for a qualitative target (“显著提升”)
LINK = "link"                # a table column naming the parent row (the project of an indicator)
SECTION = "section"          # a narrative section, by its Chinese label
KINDS = (AMOUNT, NUMBER, TEXT, DATE, COMPARATOR, TARGET, LINK, SECTION)
#: Kinds whose cell value is taken as text (an Excel error value there is a reading problem).
TEXT_KINDS = frozenset({TEXT, LINK, SECTION})


@record
class Scalar:
    """One value: a workbook-scoped defined name on a single cell."""

    name: str                   # defined name, e.g. "exp_basic_actual"
    path: tuple[str, ...]       # YAML path, e.g. ("expenditure", "basic", "actual")
    label: str                  # Chinese, complete: 基本支出本年决算数
    kind: str
    # Added to the contract after workbooks were handed out: a workbook without
    # the name is not from an older template, the value is simply not stated.
    optional: bool = False
    # Who/what/plan rather than a fact of the year: next year's workbook (rollover)
    # keeps it; every other value starts blank there (see core/rollover.py).
    keep_next_year: bool = False


@record
class Column:
    key: str                    # key in the YAML row, e.g. "budget_final"
    header: str                 # the Chinese header the workbook table carries
    kind: str
    required: bool = False      # a table without this column's values means nothing
    optional: bool = False      # added later (as Scalar.optional): a table may lack it silently
    keep_next_year: bool = False  # as Scalar.keep_next_year


@record
class Table:
    """One list: a workbook table (ListObject) whose columns are found by header."""

    name: str                   # table name, e.g. "tbl_projects"
    path: tuple[str, ...]       # YAML path of the list; ("projects", "indicators") is nested
    label: str                  # Chinese, for messages: 项目支出
    columns: tuple[Column, ...]
    optional: bool = False      # as Scalar.optional
    keyed_by: str | None = None  # column whose value names a row in field names (tbl_econ[301])

    @property
    def key(self) -> str:
        """The YAML key of the list (the last part of the path)."""
        return self.path[-1]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> dict[str, str]:
        """Column key → Chinese header, in table order."""
        return {c.key: c.header for c in self.columns}


@record
class Section:
    """One narrative section: paragraphs the department writes itself."""

    key: str
    label: str                  # the 栏目 a 文字内容 row names, and the report's heading
    outline: int                # number of the report section (一 … 十) it prints under


@record
class Block:
    """A fixed grid of rows × fields (income, expenditure, outlays)."""

    key: str                    # YAML key, e.g. "expenditure"
    prefix: str                 # defined-name prefix, e.g. "exp"
    rows: tuple[tuple[str, str], ...]   # (row key, Chinese label)
    fields: tuple[str, ...]     # amount fields, every row
    reason: bool = False        # each row also carries a 变动原因 text


# ---------------------------------------------------------------- fixed blocks

FIELD_LABELS = {
    "prior": "上年决算数", "budget_initial": "年初预算数", "budget_final": "全年预算数",
    "actual": "本年决算数", "budget": "预算数", "reason": "变动原因",
}

INCOME = Block("income", "inc", (
    ("total", "本年收入合计"), ("fiscal", "财政拨款收入"), ("other", "其他收入"),
), ("prior", "actual"))
EXPENDITURE = Block("expenditure", "exp", (
    ("total", "财政拨款支出合计"), ("basic", "基本支出"), ("personnel", "人员经费"),
    ("public", "公用经费"), ("project", "项目支出"),
), ("prior", "budget_initial", "budget_final", "actual"), reason=True)
OUTLAYS = Block("outlays", "out", (
    ("total", "“三公”经费合计"), ("outbound", "因公出国（境）费"),
    ("vehicle_purchase", "公务用车购置费"), ("vehicle_operation", "公务用车运行维护费"),
    ("reception", "公务接待费"), ("meeting", "会议费"), ("training", "培训费"),
), ("prior", "budget", "actual"), reason=True)
BLOCKS = (INCOME, EXPENDITURE, OUTLAYS)

#: The rows that add up to the “三公”经费合计 (会议费 and 培训费 are shown beside it).
THREE_PUBLIC_ROWS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")


def _block_scalars(block: Block) -> list[Scalar]:
    out = []
    for row, row_label in block.rows:
        for f in block.fields:
            out.append(Scalar(f"{block.prefix}_{row}_{f}", (block.key, row, f),
                              f"{row_label}{FIELD_LABELS[f]}", AMOUNT))
        if block.reason:
            out.append(Scalar(f"{block.prefix}_{row}_reason", (block.key, row, "reason"),
                              f"{row_label}{FIELD_LABELS['reason']}", TEXT, optional=True))
    return out


# ---------------------------------------------------------------- scalars
# In the order the workbook reader has always visited them (its findings keep that order).

_DEPARTMENT = (
    Scalar("dept_name", ("department", "name"), "单位名称", TEXT, keep_next_year=True),
    Scalar("dept_year", ("department", "year"), "年度", NUMBER),
    Scalar("staff_authorized", ("department", "staff_authorized"), "编制数", NUMBER,
           keep_next_year=True),
    Scalar("staff_actual", ("department", "staff_actual"), "实际在职人数", NUMBER),
    Scalar("report_date", ("department", "report_date"), "报告日期", DATE, optional=True),
)
_SINGLES = (
    Scalar("carry_begin", ("carryover", "begin"), "年初结转结余", AMOUNT),
    Scalar("carry_end", ("carryover", "end"), "年末结转结余", AMOUNT),
    Scalar("proc_budget", ("procurement", "budget"), "政府采购预算", AMOUNT),
    Scalar("proc_actual", ("procurement", "actual"), "政府采购实际金额", AMOUNT),
    Scalar("fa_total", ("fixed_assets", "total"), "固定资产总额", AMOUNT),
    Scalar("fa_in_use", ("fixed_assets", "in_use"), "在用固定资产", AMOUNT),
)
_OTHER_BUDGETS = (
    Scalar("gf_actual", ("other_budgets", "government_fund"), "政府性基金预算支出", AMOUNT),
    Scalar("soe_actual", ("other_budgets", "state_capital"), "国有资本经营预算支出", AMOUNT),
    Scalar("ssf_actual", ("other_budgets", "social_insurance"), "社会保险基金预算支出", AMOUNT),
)
_BUILDINGS = (
    Scalar("bld_approved_scale", ("buildings", "approved_scale"), "楼堂馆所批复规模", NUMBER,
           optional=True, keep_next_year=True),
    Scalar("bld_actual_scale", ("buildings", "actual_scale"), "楼堂馆所实际规模", NUMBER,
           optional=True),
    Scalar("bld_budget_investment", ("buildings", "budget_investment"), "楼堂馆所预算投资",
           AMOUNT, optional=True, keep_next_year=True),
    Scalar("bld_actual_investment", ("buildings", "actual_investment"), "楼堂馆所实际投资",
           AMOUNT, optional=True),
)

SCALARS: tuple[Scalar, ...] = (
    *_DEPARTMENT, *_SINGLES,
    *(s for block in BLOCKS for s in _block_scalars(block)),
    *_OTHER_BUDGETS, *_BUILDINGS,
)
SCALARS_BY_NAME = {s.name: s for s in SCALARS}
SCALARS_BY_PATH = {s.path: s for s in SCALARS}


def scalar(*path: str) -> Scalar:
    """The scalar at a YAML path: ``scalar("carryover", "begin").name == "carry_begin"``."""
    return SCALARS_BY_PATH[path]


# ---------------------------------------------------------------- tables

_C = Column


def _K(*args, **kwargs) -> Column:
    """A column next year's workbook keeps (a name, a target …: see core/rollover.py)."""
    return Column(*args, keep_next_year=True, **kwargs)


ECON = Table("tbl_econ", ("economic_classification",), "经济分类", (
    _K("code", "科目编码", TEXT, required=True), _K("name", "科目名称", TEXT),
    _C("prior", "上年决算数", AMOUNT), _C("actual", "本年决算数", AMOUNT, required=True),
), keyed_by="code")
PROJECTS = Table("tbl_projects", ("projects",), "项目支出", (
    _K("name", "项目名称", TEXT, required=True), _C("budget_initial", "年初预算数", AMOUNT),
    _C("budget_final", "全年预算数", AMOUNT), _C("actual", "本年决算数", AMOUNT, required=True),
    _C("prior", "上年决算数", AMOUNT), _K("purpose", "资金用途", TEXT),
    _C("reason", "变动原因", TEXT, optional=True), _K("goal", "年度目标", TEXT, optional=True),
    _C("result", "实际完成情况", TEXT, optional=True),
))
PROJECT_INDICATORS = Table("tbl_project_indicators", ("projects", "indicators"), "项目绩效指标", (
    _K("project", "项目名称", LINK, required=True),
    _K("category", "一级指标", TEXT), _K("subcategory", "二级指标", TEXT),
    _K("name", "三级指标", TEXT, required=True), _K("unit", "计量单位", TEXT),
    _K("comparator", "比较", COMPARATOR), _K("target", "目标值", TARGET),
    _C("actual", "实际值", TARGET), _K("weight", "分值", NUMBER),
    _C("score", "自评得分", NUMBER), _C("reason", "偏差原因", TEXT),
), optional=True)
TASKS = Table("tbl_tasks", ("key_tasks",), "重点工作", (
    _K("name", "工作内容", TEXT, required=True), _K("unit", "计量单位", TEXT),
    _K("comparator", "比较", COMPARATOR), _K("target", "目标值", TARGET, required=True),
    _C("actual", "实际值", TARGET, required=True), _C("note", "说明", TEXT),
    _K("category", "指标类别", TEXT), _K("weight", "分值", NUMBER),
))
TEXT_TABLE = Table("tbl_text", ("narrative",), "文字内容", (
    _C("section", "栏目", SECTION, required=True), _C("content", "内容", TEXT, required=True),
))
SCORES = Table("tbl_scores", ("self_scores",), "自评打分", (
    _C("indicator", "指标", TEXT, required=True), _C("score", "自评得分", NUMBER, required=True),
    _C("note", "说明", TEXT),
))
# In the order the workbook reader has always visited them.
TABLES: tuple[Table, ...] = (ECON, PROJECTS, TASKS, TEXT_TABLE, SCORES, PROJECT_INDICATORS)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]


def row_field(tbl: Table, row: str | int, column: str) -> str:
    """A table cell's field name: ``tbl_econ[301].actual``, ``tbl_tasks[2].target``."""
    return f"{tbl.name}[{row}].{column}"


# ---------------------------------------------------------------- narrative

SECTIONS: tuple[Section, ...] = (
    Section("functions", "部门职能", 1),
    Section("fixed_assets", "固定资产管理情况", 2),
    Section("project_management", "项目资金管理情况", 2),
    Section("business", "部门业务开展情况", 6),
    Section("evaluation_process", "绩效评价工作过程", 6),
    Section("problems", "存在的问题及原因分析", 7),
    Section("improvements", "下一步改进措施", 8),
    Section("results_use", "绩效自评结果拟应用和公开情况", 9),
    Section("other", "其他需要说明的情况", 10),
)
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}

# ---------------------------------------------------------------- comparators

#: Everything people type for a comparison → the contract's ">=", "<=" or "=".
COMPARATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", "＝": "=",
               "==": "=", ">": ">=", "<": "<=", "＞": ">=", "＜": "<=", "≧": ">=", "≦": "<="}
#: How the workbook and the report show each comparator.
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "="}

#: Every defined name and table name of the contract.
CONTRACT_NAMES = (*(s.name for s in SCALARS), *(t.name for t in TABLES))
