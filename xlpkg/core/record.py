"""Value classes declared like dataclasses, without their import-time cost.

Owns :func:`record` (the decorator every class on the check, score and report
paths uses instead of ``@dataclass(frozen=True)``), :func:`field` for default
factories, :func:`fields` and :func:`replace`.

Why not :mod:`dataclasses`: on CPython 3.11 it imports :mod:`inspect` (with ``ast``,
``dis`` and ``tokenize``, about 10 ms) and compiles six methods per class with
``exec`` (1–1.5 ms a class). The report path declares some sixty classes, so the
declarations alone cost more than a whole report's floor (issue 17). A record
builds the same behaviour from closures made once per class:

- ``__init__`` by position or keyword, with defaults and default factories, and the
  same ``TypeError`` for a missing, unexpected or repeated argument;
- ``__eq__`` and ``__hash__`` over the fields in declaration order (hash only
  when frozen, as a dataclass does), ``__repr__``, ``__match_args__``;
- frozen by default: assignment and deletion raise :class:`FrozenInstanceError`
  (``__post_init__`` may still use ``object.__setattr__``);
- fields of a record base class come first, as in a dataclass.

Instances keep their values in ``__dict__``, so pickling and copying work unchanged.

A class made more than :data:`HOT` times (a table row's cell, a finding) then gets a
compiled ``__init__`` (one ``exec``, as a dataclass has at import), which binds its
arguments at half the cost; its errors read the same before and after.
"""

from __future__ import annotations

from operator import attrgetter

__all__ = ["FrozenInstanceError", "field", "fields", "record", "replace"]

FIELDS = "__record_fields__"


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def field(*, default_factory):
    """A field whose default is made fresh for every instance (``list``, ``dict``)."""
    return _Factory(default_factory)


def fields(obj) -> tuple[str, ...]:
    """The field names of a record class or instance, in declaration order."""
    return getattr(obj, FIELDS)


def replace(obj, /, **changes):
    """A copy of ``obj`` with ``changes``; unknown names raise ``TypeError``."""
    values = {name: getattr(obj, name) for name in getattr(obj, FIELDS)}
    values.update(changes)
    return obj.__class__(**values)


def record(cls=None, /, *, frozen: bool = True):
    """Turn the annotated class attributes of ``cls`` into fields (see the module doc)."""
    def wrap(cls):
        return _build(cls, frozen)
    return wrap if cls is None else wrap(cls)


def _is_classvar(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _build(cls, frozen: bool):
    # the nearest record base holds every inherited field (its own bases' included)
    base = next((b for b in cls.__mro__[1:] if FIELDS in b.__dict__), None)
    names: list[str] = list(getattr(base, FIELDS, ()))
    defaults: dict[str, object] = dict(getattr(base, "__record_defaults__", {}))
    factories: dict[str, object] = dict(getattr(base, "__record_factories__", {}))
    # (not inspect.get_annotations: importing inspect is the cost this module avoids)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if _is_classvar(annotation):
            continue
        if name not in names:
            names.append(name)
        if name in cls.__dict__:
            value = cls.__dict__[name]
            if isinstance(value, _Factory):
                factories[name] = value.make
                delattr(cls, name)
            else:
                defaults[name] = value
        # a field redeclared without a default keeps no inherited default
        elif name in defaults or name in factories:
            defaults.pop(name, None)
            factories.pop(name, None)
    seen_default = None
    for name in names:
        if name in defaults or name in factories:
            seen_default = name
        elif seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument "
                            f"{seen_default!r}")
    order = tuple(names)
    setattr(cls, FIELDS, order)
    cls.__record_defaults__ = defaults
    cls.__record_factories__ = factories
    cls.__match_args__ = order
    cls.__init__ = _init(cls, order, defaults, factories, getattr(cls, "__post_init__", None))
    cls.__repr__ = _repr(cls.__qualname__, order)
    key = _key(order)
    cls.__eq__ = _eq(key)
    if frozen:
        cls.__hash__ = lambda self: hash(key(self))
        cls.__setattr__ = _refuse("cannot assign to field")
        cls.__delattr__ = _refuse("cannot delete field")
    else:
        cls.__hash__ = None   # mutable and comparable: unhashable, as a dataclass
    return cls


def _key(order):
    if len(order) == 1:
        get = attrgetter(order[0])
        return lambda self: (get(self),)
    if not order:
        return lambda self: ()
    return attrgetter(*order)


HOT = 200   # instances of one class after which its __init__ is compiled (see _compiled)


class _Missing:
    """The default of a factory field in a compiled ``__init__``: make one."""

    __slots__ = ()


_MISSING = _Missing()


def _init(cls, order, defaults, factories, post_init):
    qualname = cls.__qualname__
    count, known = len(order), frozenset(order)
    # the plain defaults copied in one go; factories and errors only when the count is off
    plain = {name: defaults[name] for name in order if name in defaults}
    calls = 0

    def __init__(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == HOT and cls.__dict__.get("__init__") is __init__:
            cls.__init__ = _compiled(cls, order, defaults, factories, post_init) or __init__
        if len(args) > count:
            raise TypeError(_too_many(qualname, count, len(plain) + len(factories), len(args)))
        values = plain.copy()
        if args:
            values.update(zip(order, args))
        if kwargs:
            if not known.issuperset(kwargs):
                unknown = next(k for k in kwargs if k not in known)
                raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument "
                                f"{unknown!r}")
            if args and not kwargs.keys().isdisjoint(order[:len(args)]):
                twice = next(k for k in order[:len(args)] if k in kwargs)
                raise TypeError(f"{qualname}.__init__() got multiple values for argument "
                                f"{twice!r}")
            values.update(kwargs)
        if len(values) < count:
            if args:
                given = set(order[:len(args)]).union(kwargs)
            else:
                given = kwargs.keys()
            for name, make in factories.items():
                if name not in given:
                    values[name] = make()
            if len(values) < count:
                raise TypeError(_missing(qualname, [n for n in order if n not in values]))
        self.__dict__.update(values)
        if post_init is not None:
            post_init(self)

    return __init__


# The messages are Python's own for a function's arguments, so that a class reads the
# same before and after its __init__ is compiled.
def _too_many(qualname: str, count: int, optional: int, given: int) -> str:
    low, high = count - optional + 1, count + 1   # self counts, as Python counts it
    takes = f"from {low} to {high}" if optional else f"{high}"
    return (f"{qualname}.__init__() takes {takes} positional arguments but {given + 1} "
            f"were given")


def _missing(qualname: str, names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = " and ".join(quoted)
    else:
        listed = ", ".join(quoted[:-1]) + ", and " + quoted[-1]
    plural = "s" if len(names) > 1 else ""
    return f"{qualname}.__init__() missing {len(names)} required positional argument{plural}: {listed}"


def _compiled(cls, order, defaults, factories, post_init):
    """A plain ``__init__`` with the fields as parameters, for a class made often.

    The closure's ``*args, **kwargs`` handling costs about 2 µs an instance; a
    compiled function lets the interpreter bind the arguments (a quarter of that).
    Compiling one costs ~0.1 ms, so it is done only for a class past :data:`HOT`
    instances — a 5,500-row report makes some sixty thousand — and never at import.
    ``None`` when a field's name could clash with the function's own names.
    """
    if any(not n.isidentifier() or n.startswith("_") or n == "self" for n in order):
        return None
    env: dict[str, object] = {"_MISSING": _MISSING, "_post": post_init}
    params, body = [], []
    for i, name in enumerate(order):
        if name in factories:
            env[f"_f{i}"] = factories[name]
            params.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING:\n        {name} = _f{i}()\n")
        elif name in defaults:
            env[f"_d{i}"] = defaults[name]
            params.append(f"{name}=_d{i}")
        else:
            params.append(name)
    # stored in the closure's order: plain defaults first, then the rest
    stored = [n for n in order if n in defaults] + [n for n in order if n not in defaults]
    body.append("    _d = self.__dict__\n")   # stores, not update(): a third quicker
    body.extend(f"    _d[{n!r}] = {n}\n" for n in stored)
    if post_init is not None:
        body.append("    _post(self)\n")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(body)
    exec(source, env)   # noqa: S102 - our own source, built from the class's field names
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(qualname, order):
    def __repr__(self):
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in order)
        return f"{qualname}({inner})"
    return __repr__


def _eq(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _refuse(what):
    def refuse(self, name, *value):
        raise FrozenInstanceError(f"{what} {name!r}")
    return refuse
