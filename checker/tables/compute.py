"""The pyarrow.compute functions the checker calls, with pyarrow.compute's names, arguments and
results, each a call of `pyarrow._compute.call_function` with the options object
pyarrow.compute would build. `import pyarrow.compute` builds a Python wrapper and a docstring for
every compute function (about 58 ms, paid by every run); pyarrow._compute, where call_function
and the *Options classes live, costs about 6 ms and is imported on the first call only.

Use `from checker.tables import compute as pc`, and `pc.take(batch, rows)` rather than
`batch.take(rows)`: pyarrow's own methods (take, filter, cast, unique, value_counts, fill_null,
is_null, ...) import pyarrow.compute on their first call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _call(name: str, args: list[Any], options: Any = None) -> Any:
    from pyarrow._compute import call_function

    return call_function(name, args, options)


def _options(name: str) -> Any:
    import pyarrow._compute

    return getattr(pyarrow._compute, name)


def _without_options(name: str) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        return _call(name, list(args))

    function.__name__ = function.__qualname__ = name
    return function


abs = _without_options("abs")  # unchecked, as pyarrow.compute.abs
and_ = _without_options("and")
drop_null = _without_options("drop_null")
equal = _without_options("equal")
floor = _without_options("floor")
greater = _without_options("greater")
greater_equal = _without_options("greater_equal")  # synth/patterns.py: getattr(pc, name)
if_else = _without_options("if_else")
indices_nonzero = _without_options("indices_nonzero")
invert = _without_options("invert")
is_finite = _without_options("is_finite")
is_nan = _without_options("is_nan")
is_valid = _without_options("is_valid")
less = _without_options("less")
less_equal = _without_options("less_equal")
not_equal = _without_options("not_equal")
or_ = _without_options("or")
unique = _without_options("unique")
utf8_lower = _without_options("utf8_lower")
value_counts = _without_options("value_counts")


def cast(arr: Any, target_type: Any = None, safe: bool | None = None, options: Any = None) -> Any:
    """Safe unless `safe=False`, as pyarrow.compute.cast."""
    if options is None:
        from pyarrow.lib import ensure_type

        target = ensure_type(target_type)
        cast_options = _options("CastOptions")
        options = cast_options.unsafe(target) if safe is False else cast_options.safe(target)
    elif safe is not None or target_type is not None:
        raise ValueError("Must either pass values for 'target_type' and 'safe' or pass a value for 'options'")
    return _call("cast", [arr], options)


def fill_null(values: Any, fill_value: Any) -> Any:
    """A Python or differently typed fill value becomes a scalar of the values' type first."""
    import pyarrow as pa

    if not isinstance(fill_value, pa.Array | pa.ChunkedArray | pa.Scalar):
        fill_value = pa.scalar(fill_value, type=values.type)
    elif values.type != fill_value.type:
        fill_value = pa.scalar(fill_value.as_py(), type=values.type)
    return _call("coalesce", [values, fill_value])


def take(data: Any, indices: Any, *, boundscheck: bool = True) -> Any:
    return _call("take", [data, indices], _options("TakeOptions")(boundscheck=boundscheck))


def filter(values: Any, selection_filter: Any, null_selection_behavior: str = "drop") -> Any:
    return _call("filter", [values, selection_filter], _options("FilterOptions")(null_selection_behavior))


def is_null(values: Any, *, nan_is_null: bool = False) -> Any:
    return _call("is_null", [values], _options("NullOptions")(nan_is_null=nan_is_null))


def is_in(values: Any, value_set: Any, *, skip_nulls: bool = False) -> Any:
    return _call("is_in", [values], _options("SetLookupOptions")(value_set, skip_nulls=skip_nulls))


def index_in(values: Any, value_set: Any, *, skip_nulls: bool = False) -> Any:
    return _call("index_in", [values], _options("SetLookupOptions")(value_set, skip_nulls=skip_nulls))


def match_substring_regex(strings: Any, pattern: str, *, ignore_case: bool = False) -> Any:
    options = _options("MatchSubstringOptions")(pattern, ignore_case=ignore_case)
    return _call("match_substring_regex", [strings], options)


def _aggregate(name: str) -> Callable[..., Any]:
    def function(array: Any, *, skip_nulls: bool = True, min_count: int = 1) -> Any:
        options = _options("ScalarAggregateOptions")(skip_nulls=skip_nulls, min_count=min_count)
        return _call(name, [array], options)

    function.__name__ = function.__qualname__ = name
    return function


all = _aggregate("all")
any = _aggregate("any")
min_max = _aggregate("min_max")
sum = _aggregate("sum")
