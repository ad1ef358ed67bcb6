"""Records: dataclasses that cost next to nothing to declare.

`dataclasses.dataclass` writes and compiles Python source for every class as it is declared:
an `__init__` and, for a frozen class, a `__setattr__` and a `__delattr__`. That is about half a
millisecond a class, and a small data-only run imports 76 records: about 37 ms of the checker's
import, more than half of what mlsmoke added to its dependencies' import time. `record` lets
`dataclasses` collect the fields, so `fields`, `replace`, `asdict` and `is_dataclass` work as
they always do, and compiles nothing then:

- `__init__` fills the fields from a plan read once from the class's field list for the first
  instances (`COMPILE_AFTER`); a class made more often than that gets the plan written as the
  same `__init__` source `dataclasses` writes, compiled then. A small run makes most of its
  records a few times each and compiles a handful; a big one pays the plan's `fill` a few
  times a class.
- equality, hashing, `repr` and the frozen guard are closures over the class's field names,
  with what `dataclasses` gives them: `==` between instances of the same class compares the
  fields, a frozen record with `eq` hashes them, a mutable one with `eq` is unhashable, and
  assigning to or deleting a frozen record's field raises `FrozenInstanceError`.

`InitVar` (refused), `order`, `slots` and `unsafe_hash` are not offered: no record needs them.
Where a record differs from a dataclass:
- `__dataclass_params__` is what `dataclasses` was asked for (no methods, not frozen), so a
  record and a stdlib dataclass do not inherit from each other: subclass a record with a record
  (`dataclasses` refuses a frozen dataclass over one; `record` refuses either over the other's
  frozenness as dataclasses would, from `__record_frozen__`);
- its `__init__` shows no parameter list (`inspect.signature` gives `*args, **kwargs` until it
  is compiled, then the parameters without annotations);
- one without a docstring has its name as `__doc__`.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_C = TypeVar("_C", bound=type)
_FROZEN = "__record_frozen__"  # on each record class: whether it is frozen, which its subclasses match
COMPILE_AFTER = 8  # instances a class makes through the generic __init__ before its own is compiled


class _Factory:
    """The default of an `__init__` parameter whose field has a `default_factory`."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(*, frozen: bool = True, eq: bool = True, repr: bool = True) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: _C | None = None, /, *, frozen: bool = True, eq: bool = True,
           repr: bool = True) -> _C | Callable[[_C], _C]:
    """Declare a record: `@record` (frozen, compared and hashed by its fields, with a repr),
    `@record(eq=False, repr=False)`, `@record(frozen=False)`; fields as for a dataclass."""

    def declare(cls: _C) -> _C:
        return _declare(cls, frozen=frozen, eq=eq, show=repr)

    return declare if cls is None else declare(cls)


def _declare(cls: _C, *, frozen: bool, eq: bool, show: bool) -> _C:
    _check_frozen(cls, frozen)
    if cls.__doc__ is None:  # else dataclasses would build one from the signature
        cls.__doc__ = cls.__name__
    explicit_hash = _explicit_hash(cls)  # before `__eq__` is added
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # fields only: writes no method
    _check_no_init_var(cls)
    type.__setattr__(cls, _FROZEN, frozen)
    fields = dataclasses.fields(cls)
    _check_defaults(cls, fields)
    _add(cls, "__init__", _first_init(cls, frozen))
    if show:
        _add(cls, "__repr__", _repr([f.name for f in fields if f.repr]))
    if eq:
        _add(cls, "__eq__", _eq(_getter(f.name for f in fields if f.compare)))
        if not explicit_hash:
            hashed = (f.name for f in fields if (f.compare if f.hash is None else f.hash))
            type.__setattr__(cls, "__hash__", _hash(_getter(hashed)) if frozen else None)
    if frozen:
        names = frozenset(f.name for f in fields)
        for name, method in (("__setattr__", _frozen_setattr(cls, names)),
                             ("__delattr__", _frozen_delattr(cls, names))):
            if name in cls.__dict__:
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
            type.__setattr__(cls, name, method)
    return cls


def _check_frozen(cls: type, frozen: bool) -> None:
    """As dataclasses: a frozen record's bases are frozen, a mutable record's are not."""
    for base in cls.__mro__[1:]:
        base_frozen = base.__dict__.get(_FROZEN)
        if base_frozen is not None and base_frozen != frozen:
            kind = ("frozen", "non-frozen") if frozen else ("non-frozen", "frozen")
            raise TypeError(f"cannot inherit {kind[0]} dataclass from a {kind[1]} one")


def _check_no_init_var(cls: type) -> None:
    """An `InitVar` is refused: `__init__` would take no argument for it."""
    fields: dict[str, dataclasses.Field[Any]] = getattr(cls, "__dataclass_fields__")  # noqa: B009
    for name, f in fields.items():
        if repr(getattr(f, "_field_type", None)) == "_FIELD_INITVAR":
            raise TypeError(f"{cls.__name__}.{name}: a record takes no InitVar")


def _check_defaults(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    """As dataclasses: a positional parameter without a default never follows one with."""
    defaulted = None
    for f in fields:
        if not f.init or f.kw_only:
            continue
        if _has_default(f):
            defaulted = f.name
        elif defaulted is not None:
            raise TypeError(f"{cls.__name__}: non-default argument {f.name!r} follows default "
                            f"argument {defaulted!r}")


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _add(cls: type, name: str, method: Any) -> None:
    if name not in cls.__dict__:  # a method the class writes itself is kept, as dataclasses keeps it
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        type.__setattr__(cls, name, method)


def _explicit_hash(cls: type) -> bool:
    own = cls.__dict__.get("__hash__", dataclasses.MISSING)
    return not (own is dataclasses.MISSING or (own is None and "__eq__" in cls.__dict__))


def _getter(names: Any) -> Callable[[Any], tuple[Any, ...]]:
    """The values of `names` of an instance, as a tuple."""
    names = tuple(names)
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda instance: (one(instance),)
    return attrgetter(*names)


def _first_init(cls: type, frozen: bool) -> Callable[..., None]:
    """The `__init__` a record starts with: its plan fills the first `COMPILE_AFTER` instances,
    then the plan's compiled `__init__` takes its place on the class."""
    plan: _InitPlan | None = None
    made = 0

    def __init__(self: Any, /, *args: Any, **kwargs: Any) -> None:
        nonlocal plan, made
        made += 1
        if plan is None:
            plan = _InitPlan(cls, frozen)
        if made > COMPILE_AFTER:
            init = plan.compiled()
            type.__setattr__(cls, "__init__", init)
            init(self, *args, **kwargs)
            return
        plan.fill(self, args, kwargs)

    return __init__


class _InitPlan:
    """What a record's `__init__` does, read once from its field list: the parameters in field
    order (keyword-only ones after a `*`), then every field set in order from its argument,
    default or factory (a field outside `__init__` with a plain default keeps the class
    attribute, as in dataclasses), then `__post_init__`. `fill` does it from the plan, binding
    the arguments as Python would (the same TypeErrors for a missing, unexpected or doubled
    one); `compiled` writes it as the source dataclasses writes."""

    def __init__(self, cls: type, frozen: bool) -> None:
        missing = dataclasses.MISSING
        fields = [f for f in dataclasses.fields(cls) if f.init or f.default_factory is not missing]
        self.qualname = f"{cls.__qualname__}.__init__"
        self.positional = tuple(f.name for f in fields if f.init and not f.kw_only)
        self.keyword = tuple(f.name for f in fields if f.init and f.kw_only)
        self.parameters = frozenset(f.name for f in fields if f.init)
        self.required = tuple(f.name for f in fields if f.init and not _has_default(f))
        self.steps = tuple((f.name, f.default, None if f.default_factory is missing else f.default_factory)
                           for f in fields)
        self.frozen = frozen
        self.put: Callable[[Any, str, Any], None] = object.__setattr__ if frozen else setattr
        self.post_init = hasattr(cls, "__post_init__")

    def fill(self, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        given = self._bind(args, kwargs)
        for name, default, factory in self.steps:
            if name in given:
                self.put(instance, name, given[name])
            elif factory is not None:
                self.put(instance, name, factory())
            else:
                self.put(instance, name, default)
        if self.post_init:
            instance.__post_init__()

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if len(args) > len(self.positional):
            raise TypeError(f"{self.qualname}() takes {len(self.positional) + 1} positional arguments "
                            f"but {len(args) + 1} were given")
        given = dict(zip(self.positional, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.parameters:
                raise TypeError(f"{self.qualname}() got an unexpected keyword argument {name!r}")
            if name in given:
                raise TypeError(f"{self.qualname}() got multiple values for argument {name!r}")
            given[name] = value
        missing = [name for name in self.required if name not in given]
        if missing:
            raise TypeError(f"{self.qualname}() missing {len(missing)} required argument"
                            f"{'s' if len(missing) > 1 else ''}: {', '.join(map(repr, missing))}")
        return given

    def compiled(self) -> Callable[..., None]:
        """The plan as the `__init__` source dataclasses would write, compiled."""
        namespace: dict[str, Any] = {"_record_factory": _FACTORY, "_record_setattr": object.__setattr__}
        defaults: dict[str, str] = {}
        body: list[str] = []
        for name, default, factory in self.steps:
            if factory is not None:
                namespace[f"_record_make_{name}"] = factory
                value = f"_record_make_{name}()"
                if name in self.parameters:
                    defaults[name] = "=_record_factory"
                    value = f"{value} if {name} is _record_factory else {name}"
            else:
                if default is not dataclasses.MISSING:
                    namespace[f"_record_default_{name}"] = default
                    defaults[name] = f"=_record_default_{name}"
                value = name
            body.append(f"_record_setattr(_record_self, {name!r}, {value})" if self.frozen
                        else f"_record_self.{name} = {value}")
        if self.post_init:
            body.append("_record_self.__post_init__()")
        keyword = ["*", *self.keyword] if self.keyword else []
        parameters = ", ".join(f"{name}{defaults.get(name, '')}" if name != "*" else name
                               for name in ["_record_self", *self.positional, *keyword])
        source = f"def __init__({parameters}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
        exec(source, namespace)  # the source is built above from the class's own field names
        init: Callable[..., None] = namespace["__init__"]
        init.__qualname__ = self.qualname
        return init


def _repr(names: list[str]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    return __repr__


def _eq(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, object], Any]:
    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _frozen_setattr(owner: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    return __setattr__


def _frozen_delattr(owner: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    return __delattr__
