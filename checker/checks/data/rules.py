"""The column rules of a contract, evaluated on one record batch at a time with pyarrow compute.

`ColumnRules` is what one contract column asks for (compiled once per file); `evaluate()` runs
the rules a batch needs and adds the offending rows to one `Tally` per rule. A rule's tally
counts rows violating it in any column (`violations`), rows per column (`by_column`) and keeps
the first few examples in row order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from checker.checks.data.blocks import Blocks, blocks
from checker.checks.data.coded import coded_missing, coded_rows, is_coded, per_entry
from checker.checks.data.tally import Tally
from checker.contracts.model import Column, ColumnType
from checker.contracts.regex import fullmatch
from checker.record import record
from checker.tables.arrow_values import array_of, false, int64_array, scalar, to_numpy
from checker.tables.coerce import Coerced, coerce

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


RULES = ("types", "nulls", "ranges", "allowed", "pattern", "unique")


@record(eq=False, repr=False)
class ColumnRules:
    """The rules one contract column sets, ready to run on batches."""

    name: str
    column: Column

    @property
    def applies(self) -> frozenset[str]:
        col = self.column
        rules = {"types"}
        if not col.nullable:
            rules.add("nulls")
        if col.min is not None or col.max is not None:
            rules.add("ranges")
        if col.allowed is not None:
            rules.add("allowed")
        if col.pattern is not None:
            rules.add("pattern")
        if col.unique:
            rules.add("unique")
        return frozenset(rules)

    @cached_property
    def bounds(self) -> tuple[pa.Scalar | None, pa.Scalar | None]:
        return (_bound(self.column.min, self.column.type), _bound(self.column.max, self.column.type))

    @cached_property
    def allowed_values(self) -> pa.Array:
        import pyarrow as pa

        texts = array_of([_as_text(v) for v in self.column.allowed or []], pa.string())
        if self.column.type in (ColumnType.STRING, ColumnType.CATEGORY):
            return texts
        return coerce(texts, self.column.type).values

    @cached_property
    def anchored(self) -> str:
        return f"^(?:{self.column.pattern or ''})$"


def evaluate(batch: pa.RecordBatch, offset: int,
             columns: list[tuple[ColumnRules, frozenset[str]]], tallies: Mapping[str, Tally],
             uniques: Mapping[str, Any]) -> None:
    """Run each column's `rules` (a subset of RULES) on the batch and add what fails."""
    found = Found()
    for rules, asked in columns:
        check_column(batch.column(rules.name), rules, asked, found, uniques)
    found.record(tallies, offset, lambda: batch.select([rules.name for rules, _ in columns]))


def check_column(raw: pa.Array, rules: ColumnRules, asked: frozenset[str], found: Found,
                 uniques: Mapping[str, Any]) -> None:
    """Run one column's `asked` rules on its values `raw` (as read) into `found`; its unique
    values go to `uniques[name].add`."""
    coerced = coerce(raw, rules.column.type)
    values, name = coerced.values, rules.name
    if "types" in asked and coerced.bad is not None:
        found.add("types", name, rows_of(coerced.bad), raw)
    if is_coded(values):
        _coded_rules(raw, coerced, rules, asked, found)
    else:
        _plain_rules(raw, coerced, rules, asked, found)
    for rule in ("allowed", "pattern"):
        if rule in asked:
            found.add(rule, name, _CHECKS[rule](rules, values), values)
    if "unique" in asked:
        uniques[name].add(values)


def _plain_rules(raw: pa.Array, coerced: Coerced, rules: ColumnRules, asked: frozenset[str],
                 found: Found) -> None:
    """The nulls and ranges rules on values as stored (not dictionary-encoded)."""
    values, name = coerced.values, rules.name
    numbers = _blocks(values, rules, asked) if _needs_blocks(asked, raw, values) else None
    if "nulls" in asked and _may_miss(raw, values, numbers):
        found.add("nulls", name, _missing_rows(raw, coerced, numbers))
    if "ranges" in asked:
        found.add("ranges", name, _out_of_range(rules, values, numbers), values)


def _coded_rules(raw: pa.Array, coerced: Coerced, rules: ColumnRules, asked: frozenset[str],
                 found: Found) -> None:
    """The nulls and ranges rules on dictionary-encoded values, answered on the dictionary."""
    values, name = coerced.values, rules.name
    if "nulls" in asked:
        entries = rows_of(missing(raw.dictionary, Coerced(values.dictionary, None)))
        found.add("nulls", name, coded_missing(values, entries))
    if "ranges" in asked:
        dictionary = values.dictionary
        entries = _out_of_range(rules, dictionary, _blocks(dictionary, rules, asked))
        found.add("ranges", name, coded_rows(values, entries), values)


def _blocks(values: pa.Array, rules: ColumnRules, asked: frozenset[str]) -> Blocks | None:
    ranged = "ranges" in asked
    col = rules.column
    return blocks(values, low=ranged and col.min is not None, high=ranged and col.max is not None)


@record(eq=False, repr=False)
class Found:
    """What the rules found in one batch (or row group), column by column."""

    rows: dict[str, dict[str, np.ndarray]] = field(default_factory=lambda: {rule: {} for rule in RULES})
    # rule → column → the values at those rows, to quote
    shown: dict[str, dict[str, pa.Array]] = field(default_factory=lambda: {rule: {} for rule in RULES})

    def add(self, rule: str, name: str, rows: np.ndarray, shown: pa.Array | None = None) -> None:
        from checker.tables import compute as pc

        if len(rows):
            self.rows[rule][name] = rows
            if shown is not None:  # taken now: the column itself need not outlive this batch
                self.shown[rule][name] = pc.take(shown, int64_array(rows))

    def extend(self, other: Found) -> None:
        """Add what another column of the same rows found."""
        for rule in RULES:
            self.rows[rule].update(other.rows[rule])
            self.shown[rule].update(other.shown[rule])

    def record(self, tallies: Mapping[str, Tally], offset: int, whole: Callable[[], pa.RecordBatch]) -> None:
        """Add to each rule's tally; `whole()`: the rows' contract columns, asked for only when
        some failing row is kept whole."""
        failed = [rule for rule in RULES if self.rows[rule]]
        records = whole() if any(tallies[rule].kept < tallies[rule].cap for rule in failed) else None
        for rule in failed:
            tallies[rule].add(self.rows[rule], self.shown[rule], offset, records)


def rows_of(mask: pa.Array) -> np.ndarray:
    """The positions where a boolean mask is true (null: false), ascending."""
    import numpy as np

    from checker.tables import compute as pc

    return to_numpy(pc.indices_nonzero(mask)).astype(np.int64)


def _needs_blocks(asked: frozenset[str], raw: pa.Array, values: pa.Array) -> bool:
    import pyarrow as pa

    return "ranges" in asked or ("nulls" in asked and (raw.null_count > 0 or values.type == pa.float64()))


def _missing_rows(raw: pa.Array, coerced: Coerced, numbers: Blocks | None) -> np.ndarray:
    if numbers is not None and raw.type == coerced.values.type:  # as stored: validity and NaN blocks
        return numbers.missing()
    return rows_of(missing(raw, coerced))


def _may_miss(raw: pa.Array, values: pa.Array, numbers: Blocks | None) -> bool:
    """Whether a column may have a missing value here: a null, or a NaN in floats."""
    import pyarrow as pa

    if raw.null_count:
        return True
    if values.type != pa.float64():
        return False
    return numbers is None or numbers.has_nan


def missing(raw: pa.Array, coerced: Coerced) -> pa.Array:
    """Null as read, or NaN (a missing float, as pandas has it)."""
    import pyarrow as pa

    from checker.tables import compute as pc

    mask = pc.is_null(raw, nan_is_null=True)
    if coerced.values.type == pa.float64() and not pa.types.is_floating(raw.type):
        mask = pc.or_(mask, pc.fill_null(pc.is_nan(coerced.values), false()))
    return mask


def _out_of_range(rules: ColumnRules, values: pa.Array, numbers: Blocks | None) -> np.ndarray:
    from checker.tables import compute as pc

    if numbers is not None:
        return numbers.outside(rules.column.min, rules.column.max)
    if _within(rules, values):
        return _no_rows()
    low, high = rules.bounds
    mask = None
    if low is not None:
        mask = pc.less(values, low)
    if high is not None:
        above = pc.greater(values, high)
        mask = above if mask is None else pc.or_(mask, above)
    return rows_of(pc.fill_null(mask, false()))


def _within(rules: ColumnRules, values: pa.Array) -> bool:
    """Datetimes: whether their min and max (one cheap pass) prove every value in range."""
    import pyarrow as pa

    from checker.tables import compute as pc

    if not pa.types.is_timestamp(values.type):
        return False
    if values.null_count == len(values):
        return True
    found, col = pc.min_max(values), rules.column
    low, high = found["min"].as_py(), found["max"].as_py()
    return (col.min is None or low >= col.min) and (col.max is None or high <= col.max)


def _no_rows() -> np.ndarray:
    import numpy as np

    return np.empty(0, np.int64)


def _not_allowed(rules: ColumnRules, values: pa.Array) -> np.ndarray:
    from checker.tables import compute as pc

    def outside(plain: pa.Array) -> pa.Array:
        return pc.and_(pc.is_valid(plain), pc.invert(pc.is_in(plain, value_set=rules.allowed_values)))

    return per_value(values, outside)


def _no_match(rules: ColumnRules, values: pa.Array) -> np.ndarray:
    return per_value(values, lambda plain: _mismatches(rules, plain))


def _mismatches(rules: ColumnRules, values: pa.Array) -> pa.Array:
    import pyarrow as pa

    from checker.tables import compute as pc

    try:
        matches = pc.match_substring_regex(values, rules.anchored)
    except pa.ArrowInvalid:  # pyarrow's RE2 build refuses what google-re2 accepted: still RE2
        distinct = pc.unique(pc.drop_null(values))
        pattern = rules.column.pattern or ""
        failing = [text for text in distinct.to_pylist() if not fullmatch(pattern, text)]
        return pc.is_in(values, value_set=array_of(failing, pa.string()))
    return pc.fill_null(pc.invert(matches), false())


def per_value(values: pa.Array, rule: Callable[[pa.Array], pa.Array]) -> np.ndarray:
    """The rows a rule's mask fails; on a dictionary-encoded column the rule runs on the
    distinct values only, and only when one fails are the rows holding it looked up."""
    return per_entry(values, lambda plain: rows_of(rule(plain)))


_CHECKS = {"allowed": _not_allowed, "pattern": _no_match}


def _bound(value: Any, column_type: ColumnType) -> pa.Scalar | None:
    import pyarrow as pa

    if value is None:
        return None
    if column_type is ColumnType.DATETIME:
        return scalar(value, pa.timestamp("us"))
    return scalar(value, pa.int64() if isinstance(value, int) else pa.float64())


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
