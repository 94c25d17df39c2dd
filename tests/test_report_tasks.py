"""A key task's figures as the report prints them (``tables.task_figures``): the rates
formatted once per pair of numbers and shared by the tasks that have the same pair
read as each task's own, however the numbers are written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from support import dataset

from xlpkg.report.state import Build
from xlpkg.report.tables import _task_figures, task_figures

_NUMBER = st.sampled_from([None, 0, "0", "-0", "0.0", 20, "20.0", "20.00", 400, 500, "2.5",
                           "0.005", "99.995", "1E+1"])
_TASK = st.fixed_dictionaries({
    "name": st.sampled_from(["帮助困难职工", "安全生产事故"]),
    "unit": st.sampled_from(["人次", "%", ""]),
    "comparator": st.sampled_from([">=", "<=", "="]),
    "target": _NUMBER, "actual": _NUMBER})


@settings(max_examples=200, deadline=None)
@given(st.lists(_TASK, max_size=8))
def test_shared_rates_read_as_each_tasks_own(tasks):
    ds = dataset(key_tasks=tasks)
    shared = task_figures(Build(ds))
    assert shared == [_task_figures(t, {}) for t in ds.key_tasks]
