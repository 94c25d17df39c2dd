"""A key task's figures as the report prints them (``tables.task_figures``): formatted
once per combination of numbers, unit and comparator and shared by the tasks that have
it, they read as each task's own, however the numbers are written."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import dataset

from xlpkg.report.state import Build
from xlpkg.report.tables import _task_figures, task_figures

_NUMBER = st.sampled_from([None, 0, "0", "-0", "0.0", 20, "20.0", "20.00", 400, 500, "2.5",
                           "0.005", "99.995", "1E+1", "达标", "全部完成"])
_TASK = st.fixed_dictionaries({
    "name": st.sampled_from(["帮助困难职工", "安全生产事故"]),
    "unit": st.sampled_from(["人次", "%", "", None]),
    "comparator": st.sampled_from([">=", "<=", "="]),
    "target": _NUMBER, "actual": _NUMBER})


def _task(target, actual, unit="人次", comparator=">="):
    return {"name": "帮助困难职工", "unit": unit, "comparator": comparator, "target": target,
            "actual": actual}


@settings(max_examples=300, deadline=None)
@given(st.lists(_TASK, max_size=12))
@example([_task("达标", None), _task("全部完成", None)])          # targets that are text
@example([_task(20, "20.0"), _task("20.00", 20), _task(0, "-0", comparator="<=")])
def test_shared_figures_read_as_each_tasks_own(tasks):
    ds = dataset(key_tasks=tasks)
    shared = task_figures(Build(ds))
    assert shared == [_task_figures(t, {}) for t in ds.key_tasks]
