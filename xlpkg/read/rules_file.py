"""Scoring rules files (TOML, or YAML/JSON of the same shape) → :class:`~xlpkg.core.scoring.Rules`.

Owns reading a rules file, checking every key and value, and refusing a bad
file with one :class:`~xlpkg.errors.InputError` that lists, in Chinese, every
problem with the file and the indicator it is in. The shipped frameworks live
in ``xlpkg/rules/*.toml``; ``load_rules(None)`` is the default Hunan one.

Percentages are written as percentages in the file (``limit = 100`` is 100%)
and become fractions here. The shape::

    name = "…"                       # the framework's name
    basis = "…"                      # optional: where the weights come from
    [[indicator]]
    level1 = "过程"  level2 = "预算执行"  name = "预算执行率"  weight = 6
    kind = "linear"                  # linear | tiers | penalty | band | checklist
    value = "execution_rate"         # a value source, or "manual"
    when_missing = "manual"          # zero | full | manual
    # kind parameters: linear full_at; tiers tiers=[{at_least|at_most, points}], otherwise;
    # penalty limit, direction (over|under), deduct, step, steps; band bands=[{label, min, max}];
    # checklist items=[{item, points}]; task_completion: category, uncategorised, unreported
    [project]                        # optional: how each project's own table is scored
    name = "…"  basis = "…"  execution_weight = 10

A file without ``[project]`` scores projects by the ``[project]`` of
``caiyu-2020-10.toml`` (财预〔2020〕10号).
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from xlpkg.core.indicators import MANUAL, VALUE_SOURCES, TaskOptions
from xlpkg.core.money import ParseError, parse_number
from xlpkg.core.record import replace
from xlpkg.core.scoring import (
    DEFAULT_BANDS,
    KIND_LABELS,
    PENALTY_STEPS,
    WHEN_MISSING,
    Band,
    Bands,
    Checklist,
    Item,
    Linear,
    Penalty,
    ProjectRules,
    Rule,
    Rules,
    Tier,
    Tiers,
    validate_rules,
)
from xlpkg.errors import InputError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
DEFAULT_RULES = "hunan.toml"
DEFAULT_PROJECT_RULES = "caiyu-2020-10.toml"   # 财预〔2020〕10号: projects score by their own goals
RULES_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
MAX_RULES_BYTES = 1024 * 1024
HUNDRED = Decimal(100)

COMMON_KEYS = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "weight": "分值",
               "kind": "评分方式", "value": "取值", "when_missing": "无法计算时的处理",
               "criteria": "评分标准", "absolute": "按绝对值计分"}
KIND_KEYS = {"linear": {"full_at"}, "tiers": {"tiers", "otherwise"},
             "penalty": {"limit", "direction", "deduct", "step", "steps"},
             "band": {"bands"}, "checklist": {"items"}}
TASK_KEYS = {"category", "uncategorised", "unreported"}
TOP_KEYS = {"name", "basis", "indicator", "project"}
PROJECT_KEYS = {"name": "名称", "basis": "依据", "execution_weight": "预算执行率分值"}


def default_rules_path() -> Path:
    return RULES_DIR / DEFAULT_RULES


def shipped_rules() -> list[Path]:
    """Every rules file shipped in the package, default first."""
    files = sorted(RULES_DIR.glob("*.toml"))
    return sorted(files, key=lambda p: p.name != DEFAULT_RULES)


def _resolve(path: Path) -> Path:
    """A path, or the bare name of a shipped file (``caiyu-2020-10``)."""
    path = Path(path)
    if path.exists() or path.parent != Path("."):
        return path
    for candidate in (RULES_DIR / path.name, RULES_DIR / f"{path.name}.toml"):
        if candidate.is_file():
            return candidate
    return path


# ---------------------------------------------------------------- reading


def _read(path: Path) -> dict:
    parsed = _shipped_parsed(path)
    if parsed is not None:
        return parsed
    from xlpkg.read.data_file import parse_structured, read_text

    shipped = "、".join(p.stem for p in shipped_rules())
    text = read_text(path, what="评分规则文件", max_bytes=MAX_RULES_BYTES,
                     missing_hint=f"可用内置规则：{shipped}（直接写名称即可）")
    if path.suffix.lower() not in (".toml", ".json", ".yaml", ".yml"):
        raise InputError(f"评分规则文件 {path.name} 的类型“{path.suffix}”不受支持",
                         "请使用 .toml 文件（也可用 .yaml / .json）")
    return parse_structured(text, path, what="评分规则文件")


def _shipped_parsed(path: Path) -> dict | None:
    """A shipped file's data as parsed when xlpkg was built (``shipped_rules.py``), while
    the file on disk is still the one parsed (same CRC-32); None for any other file.
    Parsing TOML costs more than scoring: the default rules load on every report."""
    try:
        if path.resolve().parent != RULES_DIR:
            return None
        from xlpkg.read.shipped_rules import PARSED

        crc, data = PARSED.get(path.name, (None, None))
        return data if crc is not None and zlib.crc32(path.read_bytes()) == crc else None
    except OSError:
        return None   # _read says what is wrong with it


def shipped_rules_source() -> str:
    """The text of ``xlpkg/read/shipped_rules.py``: every shipped rules file parsed by
    the same reader a user's file goes through, with the CRC-32 of its bytes."""
    import pprint

    from xlpkg.read.data_file import parse_structured

    parsed = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        raw = path.read_bytes()
        parsed[path.name] = (zlib.crc32(raw),
                             parse_structured(raw.decode("utf-8-sig"), path, what="评分规则文件"))
    return ('"""The shipped rules files (xlpkg/rules/*.toml) as their reader parses them.\n\n'
            "Generated by ``python3 tools/shipped_rules.py`` from the TOML files, which stay\n"
            "the source: a file whose CRC-32 no longer matches is parsed again. Do not edit.\n"
            '"""\n\nfrom decimal import Decimal\n\n'
            f"PARSED = {pprint.pformat(parsed, width=96, sort_dicts=False)}\n")


# ---------------------------------------------------------------- checking each value


class _Problems(list):
    """Collects every problem of one file before raising once."""

    def add(self, where: str, text: str) -> None:
        self.append(f"{where}：{text}" if where else text)


class _Indicator:
    """Typed access to one ``[[indicator]]`` table, recording problems instead of raising."""

    def __init__(self, raw: dict, where: str, problems: _Problems):
        self.raw, self.where, self.problems = raw, where, problems

    def bad(self, text: str) -> None:
        self.problems.add(self.where, text)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.bad(f"缺少“{key}”（{COMMON_KEYS.get(key, key)}）")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.bad(f"“{key}”（{COMMON_KEYS.get(key, key)}）应是文字")
            return default
        return value.strip()

    def number(self, key: str, raw: Any = None, *, required: bool = True,
               default: Decimal | None = None, label: str = "") -> Decimal | None:
        value = self.raw.get(key) if raw is None else raw
        label = label or f"“{key}”"
        if value is None:
            if required:
                self.bad(f"缺少{label}（{COMMON_KEYS.get(key, key)}）" if key in COMMON_KEYS
                         else f"缺少{label}")
            return default
        try:
            number = parse_number(value)
        except ParseError as exc:
            self.bad(f"{label}应是数字：{exc.reason}")
            return default
        if number is None:
            self.bad(f"{label}不能为空")
            return default
        return number

    def percent(self, key: str, **kw) -> Decimal | None:
        value = self.number(key, **kw)
        return None if value is None else value / HUNDRED

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.bad(f"“{key}”应为 true 或 false")
            return default
        return value

    def choice(self, key: str, choices, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if value is None:
            self.bad(f"缺少“{key}”（{COMMON_KEYS.get(key, key)}），应为 "
                     f"{'、'.join(choices)} 之一")
            return next(iter(choices))
        if value not in choices:
            self.bad(f"“{key}”应为 {'、'.join(choices)} 之一，实际是“{value}”")
            return next(iter(choices))
        return value

    def table_list(self, key: str) -> list[dict]:
        value = self.raw.get(key)
        if value is None:
            self.bad(f"缺少“{key}”")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.bad(f"“{key}”应是表格列表，如 [{{…}}, {{…}}]")
            return []
        return value


def _method(ind: _Indicator, kind: str, weight: Decimal):
    if kind == "linear":
        return Linear(ind.percent("full_at", required=False, default=HUNDRED))
    if kind == "tiers":
        rows = ind.table_list("tiers")
        keys = {k for row in rows for k in row if k in ("at_least", "at_most")}
        if len(keys) > 1:
            ind.bad("分档（tiers）中 at_least 与 at_most 不能混用")
        at_least = keys != {"at_most"}
        tiers = []
        for n, row in enumerate(rows, 1):
            extra = set(row) - {"at_least", "at_most", "points"}
            if extra:
                ind.bad(f"第 {n} 档有未知的键：{'、'.join(sorted(extra))}")
            bound = ind.number("", row.get("at_least", row.get("at_most")),
                               label=f"第 {n} 档的界限（at_least 或 at_most）")
            points = ind.number("", row.get("points"), label=f"第 {n} 档的得分（points）")
            if bound is not None and points is not None:
                tiers.append(Tier(bound / HUNDRED, points))
        otherwise = ind.number("otherwise", required=False, default=Decimal(0))
        return Tiers(tuple(tiers), at_least, otherwise)
    if kind == "penalty":
        return Penalty(
            limit=ind.percent("limit", default=Decimal(1)),
            deduct=ind.number("deduct", default=Decimal(1)),
            over=ind.choice("direction", ("over", "under")) == "over",
            step=ind.percent("step", required=False, default=Decimal(1)),
            steps=ind.choice("steps", tuple(PENALTY_STEPS), "proportional"))
    if kind == "band":
        if "bands" not in ind.raw:
            return Bands(DEFAULT_BANDS)
        bands = []
        for n, row in enumerate(ind.table_list("bands"), 1):
            low = ind.number("", row.get("min"), label=f"第 {n} 档的下限（min，占分值的百分比）")
            high = ind.number("", row.get("max"), label=f"第 {n} 档的上限（max，占分值的百分比）")
            label = row.get("label")
            if not isinstance(label, str) or not label.strip():
                ind.bad(f"第 {n} 档缺少名称（label）")
                label = f"第 {n} 档"
            if low is not None and high is not None:
                bands.append(Band(label.strip(), low / HUNDRED, high / HUNDRED))
        return Bands(tuple(bands))
    items = []
    for n, row in enumerate(ind.table_list("items"), 1):
        text = row.get("item")
        if not isinstance(text, str) or not text.strip():
            ind.bad(f"第 {n} 项缺少内容（item）")
            text = f"第 {n} 项"
        points = ind.number("", row.get("points"), label=f"第 {n} 项的分值（points）")
        if points is not None:
            items.append(Item(text.strip(), points))
    return Checklist(tuple(items))


def _rule(raw: Any, index: int, problems: _Problems) -> Rule | None:
    if not isinstance(raw, dict):
        problems.add(f"第 {index} 项指标", "应是一个 [[indicator]] 表")
        return None
    name = raw.get("name") if isinstance(raw.get("name"), str) else None
    ind = _Indicator(raw, f"第 {index} 项指标“{name or '未命名'}”", problems)
    kind = ind.choice("kind", tuple(KIND_LABELS))
    allowed = set(COMMON_KEYS) | KIND_KEYS[kind]
    value = raw.get("value", MANUAL if kind in ("band", "checklist") else None)
    if value == "task_completion":
        allowed |= TASK_KEYS
    unknown = set(raw) - allowed
    if unknown:
        ind.bad(f"有未知或不适用于 {kind} 的键：{'、'.join(sorted(map(str, unknown)))}")
    if value is None:
        ind.bad(f"缺少“value”（取值），应为 {'、'.join(VALUE_SOURCES)} 之一")
        value = MANUAL
    elif value != MANUAL and value not in VALUE_SOURCES:
        ind.bad(f"未知的取值“{value}”，应为 {'、'.join(VALUE_SOURCES)} 或 manual")
    weight = ind.number("weight", default=Decimal(0))
    tasks = TaskOptions(
        category=ind.text("category", required=False) or None,
        uncategorised=ind.flag("uncategorised", True),
        unreported=ind.choice("unreported", ("zero", "exclude"), "zero"))
    return Rule(
        level1=ind.text("level1"), level2=ind.text("level2"), name=ind.text("name"),
        weight=weight, method=_method(ind, kind, weight), value=str(value),
        # judgement rules always take a self score: when_missing means nothing to them
        when_missing=ind.choice("when_missing", tuple(WHEN_MISSING),
                                "manual" if kind in ("band", "checklist") else None),
        criteria=ind.text("criteria", required=False), absolute=ind.flag("absolute", False),
        tasks=tasks)


def _project(raw: Any, source: str, problems: _Problems) -> ProjectRules | None:
    """The ``[project]`` table: how a project's own 自评表 is scored."""
    where = "项目评分（[project]）"
    if not isinstance(raw, dict):
        problems.add(where, "应是一个 [project] 表")
        return None
    for key in sorted(set(raw) - set(PROJECT_KEYS), key=str):
        problems.add(where, f"未知的键“{key}”（应为 {'、'.join(PROJECT_KEYS)}）")
    ind = _Indicator(raw, where, problems)
    name = ind.text("name")
    weight = ind.number("execution_weight", default=Decimal(10),
                        label="“execution_weight”（预算执行率分值）")
    if weight is not None and not 0 < weight <= HUNDRED:
        problems.add(where, f"预算执行率分值应在 0 到 100 之间，实际是 {weight}")
    return ProjectRules(name=name, execution_weight=weight or Decimal(10),
                        basis=ind.text("basis", required=False), source=source)


def parse_rules(data: dict, source: str = "") -> Rules:
    """A rules mapping (as read from TOML/YAML) → :class:`Rules`, or :class:`InputError`
    listing every problem, each naming its indicator; ``source`` names the file."""
    problems = _Problems()
    for key in sorted(set(data) - TOP_KEYS, key=str):
        problems.add("", f"未知的顶层键“{key}”（应为 name、basis、indicator、project）")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add("", "缺少规则名称（name）")
        name = source
    basis = data.get("basis") if isinstance(data.get("basis"), str) else ""
    raw_rules = data.get("indicator")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.add("", "缺少指标（[[indicator]] 表）")
        raw_rules = []
    rules = [_rule(raw, i, problems) for i, raw in enumerate(raw_rules, 1)]
    project = _project(data["project"], source, problems) if "project" in data else None
    result = Rules(name.strip(), tuple(r for r in rules if r is not None), source, basis, project)
    if not problems:
        problems.extend(validate_rules(result))
    if problems:
        head = f"评分规则文件 {source or '（未命名）'} 有 {len(problems)} 处错误"
        shown = problems[:20] + ([f"……另有 {len(problems) - 20} 处"] if len(problems) > 20 else [])
        raise InputError(head + "：\n" + "\n".join(f"  - {p}" for p in shown),
                         "请对照 xlpkg/rules/hunan.toml 的写法修改")
    return result


def load_rules(path: Path | None = None) -> Rules:
    """Load and check a rules file; ``None`` → the default Hunan rules shipped in xlpkg/rules/.

    Projects are scored by the file's ``[project]`` table, else by the shipped
    caiyu-2020-10 one."""
    path = default_rules_path() if path is None else _resolve(Path(path))
    try:   # parsed once per process and file version: a batch worker scores hundreds
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None   # _read says what is wrong with it
    if key in _PARSED:
        return _PARSED[key]
    rules = parse_rules(_read(path), source=path.name)
    if rules.project is None:
        rules = replace(rules, project=default_project_rules())
    if key is not None:
        if len(_PARSED) >= 8:
            _PARSED.clear()
        _PARSED[key] = rules   # Rules is frozen: every caller may share it
    return rules


_PARSED: dict[tuple, Rules] = {}


@cache
def default_project_rules() -> ProjectRules:
    """The ``[project]`` table of caiyu-2020-10.toml (财预〔2020〕10号)."""
    path = RULES_DIR / DEFAULT_PROJECT_RULES
    project = parse_rules(_read(path), source=path.name).project
    if project is None:  # the shipped file is part of xlpkg: a missing table is a bug
        raise RuntimeError(f"{path.name} has no [project] table")
    return project
