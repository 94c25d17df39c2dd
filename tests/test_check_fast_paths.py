"""The checks' and indicators' shortcuts (issue 17) give what their plain definitions
give: the value index as the walk that keeps every value with its place, each key
task judged once as task_deviation and completion_rate judge it, and task_results as
it read every task's numbers through ``_num``; the paragraphs' reader, made of the
names the paragraphs hold, as the reader of every name.
"""

from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXAMPLE

from xlpkg.core import figures, indicators, ratios
from xlpkg.core.checks import base, tasks, text_figures
from xlpkg.core.finding import Subject
from xlpkg.core.indicators import TaskOptions, task_results
from xlpkg.core.model import KeyTask, Paragraph, from_mapping
from xlpkg.core.record import fields, record, replace
from xlpkg.core.values import Val
from xlpkg.read.data_file import read_mapping

# ---------------------------------------------------------------- the value index


def plain_walk(ds) -> dict[str, tuple[Val, Subject]]:
    """Every value with its place, walked in order; of a field name, the last value."""
    out: dict[str, tuple[Val, Subject]] = {}
    for scalar, v in base.scalar_values(ds):
        block, *rest = scalar.path
        out[v.field] = (v, Subject(block, rest[0] if len(rest) == 2 else None, rest[-1]))
    for i, e in enumerate(ds.economic_classification):
        for name in fields(e):
            v = getattr(e, name)
            if isinstance(v, Val):
                out[v.field] = (v, Subject("economic_classification", e.code.value or i, name))
    for block in base._LISTS:
        for i, item in enumerate(getattr(ds, block, ())):
            for name in fields(item):
                v = getattr(item, name)
                if isinstance(v, Val):
                    out[v.field] = (v, Subject(block, i, name))
    for para, section, index in base.paragraphs(ds):
        out[para.text.field] = (para.text, Subject("narrative", index, section))
    return out


@record
class NormalisedTask:
    """A row whose __post_init__ puts a Val of its own in a field, and one beside them."""

    name: Val
    target: Val

    def __post_init__(self):
        object.__setattr__(self, "target", Val(self.target.value, self.target.field, "X9"))
        object.__setattr__(self, "extra", Val(Decimal(1), "extra_field"))


@record
class OneField:
    name: Val


def _example():
    return from_mapping(read_mapping(EXAMPLE))


def datasets():
    data = read_mapping(EXAMPLE)
    ds = from_mapping(data)
    yield ds
    # Codes that name one field twice, on two subjects ("301" and "301.0"), or one subject.
    econ = [{"code": "301", "actual": 1}, {"code": "301.0", "actual": 2},
            {"code": "302", "actual": 3}, {"code": "302", "actual": 4}, {"actual": 5}]
    yield from_mapping({**data, "economic_classification": econ})
    # Field names shared across parts and rows: the walk's last value wins.
    t0, t1 = ds.key_tasks[0], ds.key_tasks[1]
    shared = [replace(t0, target=Val(Decimal(7), t1.target.field)),          # two rows
              replace(t1, note=Val("x", ds.department.name.field)),         # a scalar's
              replace(t0, unit=Val("个", ds.projects[0].actual.field)),      # a project's
              *ds.key_tasks[2:]]
    para = Paragraph(ds.narrative[0].section, Val("文字", t0.actual.field))  # a task's
    yield replace(ds, key_tasks=tuple(shared), narrative=(para, *ds.narrative[1:]))
    # Rows of another kind: a __post_init__ that replaces a field's Val and stores a
    # Val beside the fields (not a contract value: fields() do not name it).
    made = NormalisedTask(Val("甲", "k[1].name"), Val(Decimal(3), "k[1].target"))
    assert made.extra.field == "extra_field"
    yield replace(ds, key_tasks=(made, NormalisedTask(Val("乙", "k[2].name"),
                                                      Val("定性", "k[2].target"))))
    # Rows of mixed kinds and a one-field row; and no list rows at all.
    yield replace(ds, key_tasks=(ds.key_tasks[0], made, OneField(Val("丙", "k[3].name"))))
    yield replace(ds, key_tasks=(), projects=(), self_scores=())


@pytest.mark.parametrize("ds", list(datasets()))
def test_the_index_finds_every_value_with_its_place_as_the_walk_does(ds):
    expected = plain_walk(ds)
    base._last = None
    index = base.value_index(ds)
    for field, (v, subject) in expected.items():
        got = index.find(field)
        assert got is not None and got[0] is v and Subject(*got[1]) == subject
    assert index.find("extra_field") is None and index.find("nothing") is None
    vals = [v for v, _ in expected.values()]
    assert base.subjects_of(ds, [*vals, Val(None, "nothing")]) == tuple(
        s for _, s in expected.values())
    assert base.vals_named(ds, [*expected, "nothing", "extra_field"]) == vals
    # a place answers with the value whose field name means it (the later of one place)
    by_subject = {s: v for v, s in expected.values()}
    for block in base._LISTS:
        for i, row in enumerate(getattr(ds, block, ())):
            for name in (*fields(row), "extra", "nothing"):
                subject = Subject(block, i, name)
                assert base.val_at(ds, subject) is by_subject.get(subject)
    for subject in [*by_subject, Subject("economic_classification", "301", "actual"),
                    Subject("nowhere", 0, "x"), Subject("key_tasks", -1, "target"),
                    Subject("key_tasks", True, "target"), Subject("key_tasks", 1.0, "name"),
                    Subject("key_tasks", "0", "name"), Subject("key_tasks", 99, "name")]:
        assert base.val_at(ds, subject) is by_subject.get(subject)


def test_the_index_is_kept_for_the_last_dataset_and_its_memo_with_it():
    ds = _example()
    calls = []

    def make(d):
        calls.append(d)
        return len(calls)

    assert base.once(ds, make) == base.once(ds, make) == 1
    other = replace(ds, key_tasks=ds.key_tasks[:1])
    assert base.once(other, make) == 2 and base.value_index(other).ds is other
    assert base.once(ds, make) == 3   # the last dataset's index replaced it


# ---------------------------------------------------------------- key tasks judged once


def plain_deviation(task: KeyTask) -> str | None:
    """task_deviation as it was: numbers through num(), the rate where it decides."""
    actual, target = tasks.num(task.actual), tasks.num(task.target)
    if actual is None or target is None:
        return None
    comparator = task.comparator.value
    if comparator == "<=":
        return "overshoot" if actual > target else None
    if actual < target:
        return "shortfall"
    if actual == target:
        return None
    rate = ratios.completion_rate(actual, target)
    if rate is not None and rate > tasks.OVERACHIEVEMENT_LIMIT:
        return "too_low"
    return "overshoot" if comparator == "=" else None


numbers = st.one_of(st.none(), st.text(max_size=2),
                    st.decimals(min_value=-50, max_value=500, places=2, allow_nan=False))
task_values = st.builds(
    lambda n, u, c, t, a, cat, w: KeyTask(
        Val(n, "n"), Val(u, "u"), Val(c, "c"), Val(t, "t"), Val(a, "a"), Val(None, "o"),
        Val(cat, "cat"), Val(w, "w")),
    st.one_of(st.none(), st.just("任务")), st.sampled_from([None, "人", "%"]),
    st.sampled_from([">=", "<=", "=", None]), numbers, numbers,
    st.sampled_from([None, "产出", "效益"]), numbers)


@settings(max_examples=300, deadline=None)
@given(st.lists(task_values, max_size=8))
def test_each_task_is_judged_as_task_deviation_and_completion_rate_judge_it(key_tasks):
    ds = replace(_example(), key_tasks=tuple(key_tasks))
    judged = tasks.judged_tasks(ds)
    assert len(judged) == len(key_tasks)
    for task, (kind, rate) in zip(key_tasks, judged):
        assert kind == plain_deviation(task) == tasks.task_deviation(task)
        expected = (ratios.completion_rate(tasks.num(task.actual), tasks.num(task.target))
                    if kind is not None else None)
        assert rate == expected


# ---------------------------------------------------------------- task_results


def plain_task_results(ds, options):
    num = indicators._num
    out = []
    for task in ds.key_tasks:
        category = task.category.value
        if options.category and not (options.category in (category or "")
                                     or (category is None and options.uncategorised)):
            continue
        target, actual = num(task.target), num(task.actual)
        if task.target.value is None:
            out.append((task, None, "no_target"))
        elif target is None or (task.actual.stated and actual is None):
            out.append((task, None, "qualitative"))
        elif actual is None:
            out.append((task, None, "unreported"))
        else:
            rate = ratios.achievement(actual, target, task.comparator.value)
            if rate is None:
                out.append((task, None, "qualitative"))
            else:
                out.append((task, max(min(rate, Decimal(1)), Decimal(0)), "counted"))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(task_values, max_size=8), st.sampled_from([None, "产出", "效"]),
       st.booleans(), st.sampled_from(["zero", "exclude"]))
def test_task_results_read_each_task_as_num_reads_it(key_tasks, category, uncategorised,
                                                     unreported):
    ds = replace(_example(), key_tasks=tuple(key_tasks))
    options = TaskOptions(category, uncategorised, unreported)
    got = [(r.task, r.achievement, r.status) for r in task_results(ds, options)]
    assert got == plain_task_results(ds, options)
    # the weights: used only when every counted task has a positive one
    results = task_results(ds, options)
    counted = [r for r in results if r.status == "counted"]
    if unreported == "zero":
        counted += [r for r in results if r.status == "unreported"]
    weights = [indicators._num(r.task.weight) for r in counted]
    note = indicators.task_completion(ds, options).note
    if counted:
        weighted = all(w is not None and w > 0 for w in weights)
        assert ("按各项分值加权平均" in note) == weighted
        assert ("各项简单平均" in note) != weighted


# ---------------------------------------------------------------- the figures' reader


def plain_reader(ds):
    """The paragraphs' reader as it was: every project's and task's name a label."""
    labels = figures.row_vocabulary()
    units = {}
    for block, items in (("projects", ds.projects), ("key_tasks", ds.key_tasks)):
        for i, item in enumerate(items):
            name = item.name.value
            if name and len(name) >= text_figures.MIN_NAME and name not in labels:
                subject = labels[name] = Subject(block, i, None)
                if block == "key_tasks" and item.unit.value:
                    units[subject] = item.unit.value
    return figures.FigureReader(labels, units)


# names: a task's own, one inside another, a row's label, one the texts write with
# full-width digits, one across two paragraphs, too short, blank; units a figure may use
_NAMES = ["帮助困难职工", "帮助困难职工活动", "基本支出", "组织12场活动", "文体\n活动",
          "困难职工救助基金", "任务", None, "职工参加医疗互助活动"]
_WRITTEN = ["帮助困难职工", "帮助困难职工活动", "基本支出", "组织１２场活动", "组织12场活动",
            "文体", "活动", "困难职工救助基金", "职工参加医疗互助活动", "任务", ""]
_FIGURES = ["完成 500 人次", "４ 次", "2 次", "20000人", "298.18万元", "较上年增长10%", "。", ""]
_CLAUSES = st.tuples(st.sampled_from(_WRITTEN), st.sampled_from(_FIGURES),
                     st.sampled_from(["，", "。", "\n", ""])).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from([None, "人次", "次", "人", "%"])),
                max_size=8),
       st.lists(st.lists(_CLAUSES, max_size=5).map("".join), max_size=3))
def test_the_reader_of_some_texts_reads_them_as_a_reader_of_every_name(tasks_named, texts):
    ds = _example()
    rows = [replace(ds.key_tasks[i % len(ds.key_tasks)], name=Val(name, f"k[{i}].name"),
                    unit=Val(unit, f"k[{i}].unit"))
            for i, (name, unit) in enumerate(tasks_named)]
    section = ds.narrative[0].section
    paras = tuple(Paragraph(section, Val(text, f"p[{i}]")) for i, text in enumerate(texts))
    ds = replace(ds, key_tasks=tuple(rows), narrative=paras)
    reader, plain = text_figures._reader(ds, texts), plain_reader(ds)
    assert set(reader.task_units) == set(plain.task_units)
    for text in texts:
        assert reader.read(text) == plain.read(text)
    base._last = None
    got = text_figures.check_text_figures(ds)
    with patch.object(text_figures, "_reader", lambda ds, texts: plain_reader(ds)):
        assert got == text_figures.check_text_figures(ds)
