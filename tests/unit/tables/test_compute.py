"""checker.tables.compute answers exactly what pyarrow.compute answers, for each function the
checker calls, on arrays, chunked arrays, scalars, nulls, NaN, dictionary and empty arrays; and
the checker calls pyarrow.compute's functions only through it."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as real
import pytest
from helpers import REPO

from checker.tables import compute as shim

INTS = pa.array([3, None, 1, 3, -2], pa.int64())
FLOATS = pa.array([0.5, None, math.nan, -1.5, math.inf, 2.0], pa.float64())
TEXTS = pa.array(["a", None, "B", "a", "cc"])
BOOLS = pa.array([True, None, False, True])
OTHER_BOOLS = pa.array([None, True, False, False])
CHUNKED = pa.chunked_array([[3, None], [], [1, 3, -2]], pa.int64())
CHUNKED_TEXTS = pa.chunked_array([["a", None], ["B", "a", "cc"]])
CHUNKED_BOOLS = pa.chunked_array([[True, None], [False, True]])
DICTIONARY = TEXTS.dictionary_encode()
EMPTY = pa.array([], pa.int64())
EMPTY_FLOATS = pa.array([], pa.float64())
BATCH = pa.record_batch({"n": INTS, "s": TEXTS})
TABLE = pa.Table.from_batches([BATCH, BATCH])

_ONE_ARRAY = ("unique", "value_counts", "drop_null", "is_valid", "is_null", "sum", "min_max", "any", "all")
_NUMBERS = ("abs", "floor", "is_finite", "is_nan")
_COMPARISONS = ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal")

CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    *[(name, (values,), {}) for name in _ONE_ARRAY
      for values in (INTS, FLOATS, CHUNKED, EMPTY, EMPTY_FLOATS)],
    *[(name, (values,), {}) for name in ("unique", "value_counts", "drop_null", "is_valid", "is_null")
      for values in (TEXTS, DICTIONARY, CHUNKED_TEXTS, pa.scalar(None, pa.int64()))],
    ("drop_null", (BATCH,), {}), ("drop_null", (TABLE,), {}),
    *[("is_null", (values,), {"nan_is_null": flag}) for values in (FLOATS, INTS, EMPTY_FLOATS)
      for flag in (True, False)],
    *[(name, (values,), {}) for name in _NUMBERS for values in (FLOATS, INTS, EMPTY, pa.scalar(-2.5))],
    *[(name, (values,), options) for name in ("sum", "min_max", "any", "all")
      for values in (FLOATS, EMPTY, BOOLS, CHUNKED_BOOLS)
      for options in ({"skip_nulls": False}, {"min_count": 0}, {"skip_nulls": False, "min_count": 3})],
    *[(name, (values,), {}) for name in ("any", "all", "sum") for values in (BOOLS, CHUNKED_BOOLS)],
    *[(name, (left, right), {}) for name in _COMPARISONS for left, right in [
        (INTS, 1), (INTS, pa.scalar(1, pa.int32())), (INTS, INTS[::-1]), (FLOATS, 0.5), (FLOATS, math.nan),
        (CHUNKED, 3), (TEXTS, "a"), (DICTIONARY, "a"), (EMPTY, 0),
        (pa.scalar(2), pa.scalar(None, pa.int64()))]],
    *[(name, (left, right), {}) for name in ("and_", "or_") for left, right in [
        (BOOLS, OTHER_BOOLS), (BOOLS, True), (BOOLS, pa.scalar(None, pa.bool_())), (CHUNKED_BOOLS, False)]],
    *[("invert", (values,), {}) for values in (BOOLS, CHUNKED_BOOLS, pa.scalar(True))],
    *[("indices_nonzero", (values,), {}) for values in (BOOLS, pa.array([], pa.bool_()), INTS)],
    ("if_else", (BOOLS, INTS[:4], pa.scalar(None, pa.int64())), {}),
    ("if_else", (BOOLS, "yes", TEXTS[:4]), {}),
    ("if_else", (CHUNKED_BOOLS, pa.scalar(1.5), FLOATS[:4]), {}),
    *[("utf8_lower", (values,), {}) for values in (TEXTS, CHUNKED_TEXTS, DICTIONARY, pa.scalar("ÄB"))],
    *[(name, (values,), {"value_set": value_set}) for name in ("is_in", "index_in") for values, value_set in [
        (TEXTS, pa.array(["a", "cc"])), (TEXTS, pa.array(["a", None])), (DICTIONARY, pa.array(["B"])),
        (CHUNKED_TEXTS, pa.array(["cc"])), (INTS, pa.array([3, 7])), (EMPTY, pa.array([1])),
        (FLOATS, pa.array([math.nan, 2.0])), (TEXTS, pa.chunked_array([["a"], ["B"]]))]],
    *[(name, (TEXTS, pa.array(["a", None])), {"skip_nulls": True}) for name in ("is_in", "index_in")],
    *[("match_substring_regex", (values, pattern), options)
      for values in (TEXTS, CHUNKED_TEXTS, DICTIONARY, pa.array([], pa.string()), pa.scalar("ab"))
      for pattern, options in [("^a$", {}), ("^(?:b|cc)$", {"ignore_case": True}), ("^$", {})]],
    *[("take", (data, indices), {}) for data in (INTS, TEXTS, DICTIONARY, CHUNKED, BATCH, TABLE)
      for indices in (pa.array([4, 0, None, 0]), pa.array([], pa.int64()), pa.chunked_array([[1], [0, 2]]),
                      np.array([2, 1], np.int64))],
    ("take", (INTS, pa.array([0, 9])), {}),
    *[("filter", (data, mask), options) for data in (INTS, TEXTS, DICTIONARY, BATCH)
      for mask in (pa.array([True, None, False, True, True]), pa.array([False] * 5))
      for options in ({}, {"null_selection_behavior": "emit_null"})],
    ("filter", (CHUNKED, pa.chunked_array([[True, False], [True, None, True]])), {}),
    *[("fill_null", (values, fill), {}) for values, fill in [
        (INTS, 0), (INTS, pa.scalar(7, pa.int32())), (INTS, INTS[::-1]), (FLOATS, 0.0), (BOOLS, False),
        (BOOLS, pa.scalar(False)), (CHUNKED, 9), (TEXTS, "?"), (EMPTY, 0), (pa.scalar(None, pa.int64()), 5)]],
    *[("cast", (values, target), {}) for values, target in [
        (INTS, pa.float64()), (INTS, pa.string()), (INTS, "int32"), (CHUNKED, pa.float64()),
        (pa.array(["1", None, "3"]), pa.int64()), (pa.array(["1", "x"]), pa.int64()),
        (pa.array([1.5]), pa.int64()), (pa.array([2**40]), pa.int32()), (FLOATS, pa.int64()),
        (DICTIONARY, pa.dictionary(pa.int32(), pa.string())), (DICTIONARY, pa.string()),
        (pa.array(["2020-01-01 10:00:00.123456789"]), pa.timestamp("us")), (EMPTY, pa.string()),
        (pa.scalar(3), pa.float64()), (pa.array([0, 1, None]), pa.bool_())]],
    *[("cast", (values, target), {"safe": False}) for values, target in [
        (pa.array([1.5, -2.7, None]), pa.int64()), (pa.array([2**40]), pa.int32()),
        (pa.array(["2020-01-01 10:00:00.123456789"]), pa.timestamp("us"))]],
    ("cast", (INTS, pa.float64()), {"safe": True}),
]


def _answer(function: Any, args: tuple[Any, ...], options: dict[str, Any]) -> Any:
    try:
        return function(*args, **options)
    except Exception as error:  # the same error, or the same answer
        return type(error)


def _same(found: Any, expected: Any) -> bool:
    if type(found) is not type(expected):
        return False
    if isinstance(found, type):
        return True
    if hasattr(found, "schema"):
        return found.equals(expected) and found.schema == expected.schema
    # str() shows nulls, NaN and chunk boundaries, which Array.equals (NaN never equal) would not
    return found.type == expected.type and str(found) == str(expected)


@pytest.mark.parametrize(("name", "args", "options"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_function_answers_what_pyarrow_compute_answers(name: str, args: tuple[Any, ...],
                                                            options: dict[str, Any]) -> None:
    found = _answer(getattr(shim, name), args, options)
    expected = _answer(getattr(real, name), args, options)
    assert _same(found, expected), (found, expected)


def test_value_set_may_be_passed_by_position_as_pyarrow_compute_allows() -> None:
    assert shim.is_in(TEXTS, pa.array(["a"])).equals(real.is_in(TEXTS, value_set=pa.array(["a"])))


def test_cast_refuses_options_with_a_target_type_as_pyarrow_compute_does() -> None:
    with pytest.raises(ValueError, match="Must either pass"):
        shim.cast(INTS, pa.float64(), options=real.CastOptions.safe(pa.float64()))
    options = real.CastOptions.unsafe(pa.int64())
    assert shim.cast(pa.array([1.5]), options=options).equals(real.cast(pa.array([1.5]), options=options))


def test_the_comparison_detects_a_different_answer() -> None:
    assert not _same(shim.cast(INTS, pa.float64()), real.cast(INTS, pa.int32()))
    assert not _same(shim.fill_null(FLOATS, 0.0), FLOATS)
    assert not _same(pa.chunked_array([[1, 2]]), pa.chunked_array([[1], [2]]))
    assert not _same(ValueError, pa.array([1]))


def _attributes_of_pc(tree: ast.AST) -> set[str]:
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "pc"}


def _imports_pyarrow_compute(tree: ast.AST) -> bool:
    return any((isinstance(node, ast.Import) and any(a.name == "pyarrow.compute" for a in node.names))
               or (isinstance(node, ast.ImportFrom) and node.module in ("pyarrow.compute", "pyarrow")
                   and any(a.name == "compute" for a in node.names))
               for node in ast.walk(tree))


def _modules() -> dict[str, ast.AST]:
    return {str(path.relative_to(REPO)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "checker").rglob("*.py"))}


def test_the_checker_imports_pyarrow_compute_nowhere_and_calls_only_what_the_shim_has() -> None:
    modules = _modules()
    assert sorted(name for name, tree in modules.items() if _imports_pyarrow_compute(tree)) == []
    used = set().union(*(_attributes_of_pc(tree) for tree in modules.values()))
    assert sorted(name for name in used if not callable(getattr(shim, name, None))) == []
    assert {"take", "cast", "is_in"} <= used


def test_the_meta_checks_find_an_import_and_a_missing_function() -> None:
    for line in ("import pyarrow.compute as pc", "from pyarrow import compute", "import pyarrow.compute"):
        assert _imports_pyarrow_compute(ast.parse(f"def f():\n    {line}\n"))
    assert not _imports_pyarrow_compute(ast.parse("from checker.tables import compute as pc\n"))
    assert _attributes_of_pc(ast.parse("pc.list_flatten(x)\n")) == {"list_flatten"}
    assert not hasattr(shim, "list_flatten")


def test_importing_the_shim_imports_no_pyarrow() -> None:
    code = ("import sys, checker.tables.compute\n"
            "print(sorted(m for m in sys.modules if m.startswith('pyarrow')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.stdout.strip() == "[]", done.stderr
