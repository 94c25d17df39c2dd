"""xlpkg.core.record behaves as the frozen dataclasses it replaced (issue 17)."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar

import pytest

from xlpkg.core import record as record_module
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


WRONG_CALLS = [
    ((), {}, "Point.__init__() missing 1 required positional argument: 'x'"),
    ((1, 2, (), 4), {}, "Point.__init__() takes from 2 to 4 positional arguments but 5 were given"),
    ((1,), {"x": 2}, "Point.__init__() got multiple values for argument 'x'"),
    ((), {"x": 1, "z": 2}, "Point.__init__() got an unexpected keyword argument 'z'"),
]


@pytest.mark.parametrize(("args", "kwargs", "message"), WRONG_CALLS)
def test_wrong_arguments_raise_type_error(args, kwargs, message):
    with pytest.raises(TypeError) as caught:
        Point(*args, **kwargs)
    assert str(caught.value) == message


def _made_often(cls, *args):
    """``cls`` after record.HOT instances: its __init__ compiled."""
    cold = cls.__init__
    for _ in range(record_module.HOT):
        cls(*args)
    assert cls.__init__ is not cold
    return cls


def test_a_class_made_often_keeps_its_behaviour_once_compiled():
    @record
    class Hot:
        x: int
        y: int = 0
        tags: tuple = ()
        items: list = field(default_factory=list)

    wrong = [((), {}), ((1, 2, (), [], 5), {}), ((1,), {"x": 2}), ((), {"x": 1, "z": 2}),
             ((), {"y": 1, "tags": ()})]
    cold = [Hot(1), Hot(1, 2), Hot(x=1, tags=("a",)), Hot(1, items=[3])]
    cold_errors = []
    for args, kwargs in wrong:
        with pytest.raises(TypeError) as caught:
            Hot(*args, **kwargs)
        cold_errors.append(str(caught.value))
    _made_often(Hot, 1)
    hot = [Hot(1), Hot(1, 2), Hot(x=1, tags=("a",)), Hot(1, items=[3])]
    assert hot == cold and [vars(h) for h in hot] == [vars(c) for c in cold]
    assert Hot(1).items is not Hot(1).items   # a fresh list each time, still
    for (args, kwargs), before in zip(wrong, cold_errors, strict=True):
        with pytest.raises(TypeError) as caught:
            Hot(*args, **kwargs)
        assert str(caught.value) == before
    assert cold_errors[1].endswith(".Hot.__init__() takes from 2 to 5 positional arguments "
                                   "but 6 were given")
    assert cold_errors[-1].endswith(".Hot.__init__() missing 1 required positional argument: 'x'")
    with pytest.raises(FrozenInstanceError):
        Hot(1).x = 2


def test_post_init_and_subclasses_once_compiled():
    @record
    class Base:
        n: int

        def __post_init__(self):
            if self.n < 0:
                raise ValueError("negative")

    @record
    class Child(Base):
        label: str = ""

    class Plain(Base):   # not a record: inherits Base's __init__
        pass

    _made_often(Base, 1)
    _made_often(Child, 1)
    with pytest.raises(ValueError):
        Base(-1)
    with pytest.raises(ValueError):
        Child(-1, "x")
    assert Child(2, "b").label == "b" and Plain(3).n == 3 and type(Plain(3)) is Plain


def test_fields_named_like_the_compiled_functions_own_names_stay_uncompiled():
    @record
    class Odd:
        self_: int
        _hidden: int = 0

    for _ in range(record_module.HOT + 1):
        Odd(1)
    assert Odd(1, 2)._hidden == 2   # still the closure, and still right


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
