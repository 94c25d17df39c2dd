"""xlpkg.core.record behaves as the frozen dataclasses it replaced (issue 17)."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar

import pytest

from xlpkg.core.record import FrozenInstanceError, field, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: tuple = ()
    KIND: ClassVar[str] = "point"


@record
class Labelled(Point):
    label: str = ""


@record(frozen=False)
class Bag:
    name: str
    items: list = field(default_factory=list)


def test_positional_keyword_and_default_arguments():
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, 2).y == 2 and Point(1, y=3).y == 3
    assert fields(Point) == ("x", "y", "tags") and Point.__match_args__ == ("x", "y", "tags")


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "missing required argument: 'x'"),
    ((1, 2, (), 4), {}, "takes 3 positional arguments but 4 were given"),
    ((1,), {"x": 2}, "multiple values for argument 'x'"),
    ((), {"x": 1, "z": 2}, "unexpected keyword argument 'z'"),
])
def test_wrong_arguments_raise_type_error(args, kwargs, message):
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)


def test_frozen_equal_hashable_and_printable():
    p = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        p.x = 5
    with pytest.raises(AttributeError):
        del p.y
    assert p == Point(1, 2) and p != Point(2, 1) and hash(p) == hash(Point(1, 2))
    assert p != (1, 2, ()) and len({p, Point(1, 2), Point(3)}) == 2
    assert repr(p) == "Point(x=1, y=2, tags=())"
    assert Point.KIND == "point" and "KIND" not in fields(Point)


def test_subclass_fields_follow_the_base_and_compare_by_class():
    item = Labelled(1, 2, (), "a")
    assert fields(Labelled) == ("x", "y", "tags", "label") and item.label == "a"
    assert item != Point(1, 2)   # same values, another class
    assert Labelled(1).label == ""


def test_replace_copies_with_changes_and_refuses_unknown_names():
    p = Point(1, 2, ("a",))
    assert replace(p, y=9) == Point(1, 9, ("a",)) and p.y == 2
    with pytest.raises(TypeError, match="unexpected keyword argument 'w'"):
        replace(p, w=1)


def test_mutable_record_gets_fresh_defaults_and_no_hash():
    a, b = Bag("a"), Bag("b")
    a.items.append(1)
    assert b.items == [] and a == Bag("a", [1])
    a.name = "c"
    assert a.name == "c"
    with pytest.raises(TypeError):
        hash(a)


def test_pickle_and_copy_round_trip():
    p = Labelled(1, 2, ("t",), "x")
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p and copy.copy(Bag("a", [1])) == Bag("a", [1])


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument 'a'"):
        @record
        class Bad:
            a: int = 0
            b: int


def test_post_init_runs_after_the_fields_are_set():
    @record
    class Checked:
        n: int

        def __post_init__(self):
            if self.n < 0:
                raise ValueError("negative")
            object.__setattr__(self, "double", self.n * 2)

    assert Checked(2).double == 4
    with pytest.raises(ValueError):
        Checked(-1)
