"""Records (checker/record.py) behave as the dataclasses they replace, whether their `__init__`
is still the generic one or already compiled, and declaring one compiles nothing: its
`__init__` is compiled once the class has made `COMPILE_AFTER` instances, once."""

from __future__ import annotations

import ast
import copy
import dataclasses
import pickle
from dataclasses import FrozenInstanceError, field
from typing import Any, ClassVar

import pytest
from helpers import REPO

import checker.record as record_module
from checker.record import record


def _pair(body: dict[str, Any], annotations: dict[str, Any], **options: Any) -> tuple[type, type]:
    """The same class declared by dataclasses and by record, with the same options."""
    def declare(name: str) -> type:
        return type(name, (), {"__annotations__": dict(annotations), "__module__": __name__,
                               **{key: _fresh(value) for key, value in body.items()}})

    stdlib = dataclasses.dataclass(declare("Point"), **options)
    ours = record(**{k: v for k, v in options.items() if k != "frozen"},
                  frozen=options.get("frozen", False))(declare("Point"))
    return stdlib, ours


@pytest.fixture(params=["generic init", "compiled init"])
def tier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test that takes it runs with every record's generic __init__, then with each
    compiled at its first instance."""
    monkeypatch.setattr(record_module, "COMPILE_AFTER", 10**9 if request.param == "generic init" else 0)


def _fresh(value: Any) -> Any:
    """A field of its own for each class (dataclasses writes its name and type into it)."""
    if not isinstance(value, dataclasses.Field):
        return value
    return field(default=value.default, default_factory=value.default_factory, init=value.init,
                 repr=value.repr, hash=value.hash, compare=value.compare, kw_only=value.kw_only)


SHAPES = {
    "plain": ({}, {"x": "int", "y": "int"}, (1, 2), {}),
    "defaults": ({"y": 5}, {"x": "int", "y": "int"}, (1,), {}),
    "factory": ({"tags": field(default_factory=list)}, {"x": "int", "tags": "list[str]"}, (1,), {}),
    "outside init": ({"seen": field(default=0, init=False), "made": field(default_factory=dict, init=False)},
                     {"x": "int", "seen": "int", "made": "dict[str, int]"}, (1,), {}),
    "keyword only": ({"flag": field(default=False, kw_only=True), "name": field(kw_only=True)},
                     {"x": "int", "flag": "bool", "name": "str"}, (1,), {"name": "n"}),
    "hidden from repr and ==": ({"note": field(default="", repr=False, compare=False)},
                                {"x": "int", "note": "str"}, (1,), {"note": "hi"}),
    "class variable": ({"limit": 3}, {"x": "int", "limit": ClassVar[int]}, (1,), {}),
    "no field": ({}, {}, (), {}),
}
def _outcome(call: Any) -> Any:
    """What a call returns, or the type of what it raises."""
    try:
        return call()
    except Exception as exc:
        return type(exc)


OPTIONS = [{"frozen": True}, {"frozen": False}, {"frozen": True, "eq": False, "repr": False},
           {"frozen": False, "eq": False, "repr": False}, {"frozen": True, "eq": False}]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.usefixtures("tier")
def test_a_record_behaves_as_the_dataclass_it_replaces(shape: str, options: dict[str, Any]) -> None:
    body, annotations, args, kwargs = SHAPES[shape]
    stdlib, ours = _pair(body, annotations, **options)
    a, b = stdlib(*args, **kwargs), ours(*args, **kwargs)
    assert dataclasses.is_dataclass(ours)
    assert [f.name for f in dataclasses.fields(b)] == [f.name for f in dataclasses.fields(a)]
    assert dataclasses.asdict(b) == dataclasses.asdict(a)
    assert (repr(b) == repr(a)) if options.get("repr", True) else repr(b).startswith("<")
    twin_a, twin_b = stdlib(*args, **kwargs), ours(*args, **kwargs)
    assert (b == twin_b) == (a == twin_a)
    assert (b != twin_b) == (a != twin_a)
    assert (ours.__hash__ is None) == (stdlib.__hash__ is None)
    if options.get("eq", True):
        assert _outcome(lambda: hash(b) == hash(twin_b)) == _outcome(lambda: hash(a) == hash(twin_a))
    assert dataclasses.asdict(dataclasses.replace(b)) == dataclasses.asdict(dataclasses.replace(a))
    assert b.__match_args__ == a.__match_args__  # type: ignore[attr-defined]


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.usefixtures("tier")
def test_init_takes_what_the_dataclass_takes_and_refuses_what_it_refuses(frozen: bool) -> None:
    _, Point = _pair({"y": 5, "tags": field(default_factory=list)},
                     {"x": "int", "y": "int", "tags": "list[str]"}, frozen=frozen)
    assert (Point(1).y, Point(1, 2).y, Point(x=1, y=3).y) == (5, 2, 3)
    assert Point(1).tags is not Point(1).tags  # a fresh list each time, as a factory gives
    assert Point(1, 2, ["a"]).tags == ["a"]
    for bad_args, bad_kwargs, said in [((), {}, "missing 1 required"), ((1, 2, [], 4), {}, "4 positional"),
                                       ((1,), {"z": 1}, "unexpected keyword argument 'z'"),
                                       ((1,), {"x": 2}, "multiple values for argument 'x'")]:
        with pytest.raises(TypeError, match=said):
            Point(*bad_args, **bad_kwargs)


def test_a_frozen_record_refuses_assignment_and_deletion_and_a_mutable_one_takes_them() -> None:
    @record
    class Frozen:
        x: int

    @record(frozen=False)
    class Mutable:
        x: int

    frozen, mutable = Frozen(1), Mutable(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        frozen.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'y'"):
        frozen.y = 2  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'x'"):
        del frozen.x  # type: ignore[misc]
    mutable.x = 2
    assert mutable.x == 2
    del mutable.x
    assert not hasattr(mutable, "x")


@pytest.mark.usefixtures("tier")
def test_a_mutable_records_init_assigns_through_its_own_setattr() -> None:
    @record(frozen=False)
    class Logged:
        x: int
        y: int = 2

        def __setattr__(self, name: str, value: Any) -> None:
            object.__setattr__(self, "seen", [*getattr(self, "seen", []), name])
            object.__setattr__(self, name, value)

    assert [Logged(1).seen for _ in range(12)] == [["x", "y"]] * 12  # type: ignore[attr-defined]


@pytest.mark.usefixtures("tier")
def test_post_init_runs_last_and_may_set_a_frozen_records_derived_field() -> None:
    @record
    class Span:
        start: int
        stop: int
        size: int = field(init=False)

        def __post_init__(self) -> None:
            if self.stop < self.start:
                raise ValueError("backwards")
            object.__setattr__(self, "size", self.stop - self.start)

    assert Span(2, 5).size == 3
    with pytest.raises(ValueError, match="backwards"):
        Span(5, 2)


def test_equality_needs_the_same_class_and_the_same_compared_fields() -> None:
    @record
    class A:
        x: int
        note: str = field(default="", compare=False)

    @record
    class B:
        x: int

    assert A(1, "a") == A(1, "b")
    assert hash(A(1, "a")) == hash(A(1, "b"))
    assert A(1) != A(2)
    assert A(1) != B(1)
    assert {A(1), A(1), A(2)} == {A(1), A(2)}


def test_hashing_follows_dataclasses() -> None:
    @record(frozen=False)
    class Mutable:
        x: int

    @record(eq=False)
    class Identity:
        x: int

    @record(frozen=False)
    class Explicit:
        x: int

        def __hash__(self) -> int:
            return 7

    with pytest.raises(TypeError, match="unhashable"):
        hash(Mutable(1))
    one = Identity(1)
    assert one == one
    assert one != Identity(1)
    assert hash(one) == object.__hash__(one)
    assert hash(Explicit(1)) == 7


def test_a_method_the_class_writes_is_kept() -> None:
    @record
    class Shown:
        x: int

        def __repr__(self) -> str:
            return "mine"

        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    assert repr(Shown(1)) == "mine"
    assert Shown(1) == Shown(2)


def test_a_class_that_sets_hash_to_none_stays_unhashable() -> None:
    @record
    class Unhashable:
        x: int
        __hash__ = None  # type: ignore[assignment]

    @dataclasses.dataclass(frozen=True)
    class Stdlib:
        x: int
        __hash__ = None  # type: ignore[assignment]

    with pytest.raises(TypeError, match="unhashable"):
        hash(Stdlib(1))
    with pytest.raises(TypeError, match="unhashable"):
        hash(Unhashable(1))


def test_a_record_that_holds_itself_shows_as_dataclasses_show_it() -> None:
    @record(frozen=False)
    class Node:
        name: str
        parent: Any = None

    node = Node("a")
    node.parent = node
    assert repr(node).endswith("Node(name='a', parent=...)")


@pytest.mark.usefixtures("tier")
def test_a_field_named_self_is_taken_by_keyword() -> None:
    @record
    class Odd:
        self: int  # type: ignore[misc]

    assert Odd(self=1).self == 1
    assert [Odd(self=n).self for n in range(12)] == list(range(12))


def test_an_init_var_is_refused() -> None:
    with pytest.raises(TypeError, match="takes no InitVar"):
        @record
        class WithInitVar:
            x: int
            seed: dataclasses.InitVar[int]


def test_a_frozen_record_cannot_write_its_own_setattr() -> None:
    with pytest.raises(TypeError, match="cannot overwrite attribute __setattr__"):
        @record
        class Guarded:
            x: int

            def __setattr__(self, name: str, value: Any) -> None:
                pass


@pytest.mark.usefixtures("tier")
def test_a_subclass_adds_fields_after_its_bases_and_keeps_their_frozenness() -> None:
    @record
    class Base:
        x: int
        y: int = 0

    @record
    class Child(Base):
        z: int = 9

    child = Child(1, 2, 3)
    assert (child.x, child.y, child.z) == (1, 2, 3)
    assert repr(child).endswith("<locals>.Child(x=1, y=2, z=3)")
    assert child != Base(1, 2)
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
        @record(frozen=False)
        class Thawed(Base):
            pass

    @record(frozen=False)
    class Loose:
        x: int

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):
        @record
        class Hard(Loose):
            pass


@pytest.mark.usefixtures("tier")
def test_a_plain_subclass_of_a_frozen_record_may_set_its_own_attributes() -> None:
    @record
    class Base:
        x: int

    class Plain(Base):
        pass

    plain = Plain(1)
    plain.extra = 2  # type: ignore[attr-defined]
    assert plain.extra == 2  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError):
        plain.x = 3  # type: ignore[misc]


@pytest.mark.usefixtures("tier")
def test_a_field_without_a_default_after_one_with_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument 'x'"):
        @record
        class Bad:
            x: int = 0
            y: int  # type: ignore[misc]

    @record
    class Fine:  # a keyword-only field may come after a default
        x: int = 0
        y: int = field(kw_only=True)

    assert Fine(y=1).y == 1


@pytest.mark.usefixtures("tier")
def test_a_record_pickles_and_copies() -> None:
    for value in (_Pickled(1, ["a"]), _Mutable(2)):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
        assert copy.copy(value) == value


@record
class _Pickled:
    x: int
    tags: list[str] = field(default_factory=list)


@record(frozen=False)
class _Mutable:
    x: int


def test_declaring_compiles_nothing_and_init_is_compiled_once_after_the_first_instances(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = record_module._InitPlan.compiled

    def counted(plan: Any) -> Any:
        compiled.append(plan.qualname.rsplit(".", 2)[-2])
        return real(plan)

    monkeypatch.setattr(record_module._InitPlan, "compiled", counted)

    @record
    class Lazy:
        x: int

    assert compiled == []
    made = [Lazy(n) for n in range(record_module.COMPILE_AFTER)]
    assert [one.x for one in made] == list(range(record_module.COMPILE_AFTER))
    assert compiled == []
    assert [Lazy(n).x for n in range(3)] == [0, 1, 2]
    assert compiled == ["Lazy"]


def _decorators(tree: ast.AST) -> list[str]:
    """The dataclasses decorators in a module (`@dataclass`, `@dataclass(...)`,
    `@dataclasses.dataclass`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = ast.unparse(target)
                if name in ("dataclass", "dataclasses.dataclass"):
                    found.append(f"{node.name}: @{ast.unparse(decorator)}")
    return found


def test_the_checker_declares_records_not_dataclasses() -> None:
    found = {f"{path.relative_to(REPO)}: {hit}" for path in sorted((REPO / "checker").rglob("*.py"))
             for hit in _decorators(ast.parse(path.read_text(encoding="utf-8")))}
    assert sorted(found) == []


def test_the_check_sees_a_dataclass() -> None:
    source = ("import dataclasses\nfrom dataclasses import dataclass\n@dataclass\nclass A: pass\n"
              "@dataclass(frozen=True)\nclass B: pass\n@dataclasses.dataclass\nclass C: pass\n"
              "@record\nclass D: pass\n")
    assert _decorators(ast.parse(source)) == ["A: @dataclass", "B: @dataclass(frozen=True)",
                                              "C: @dataclasses.dataclass"]
