"""Strings that match a regular expression, for synthetic data.

Walks the pattern as Python's own `re` parser sees it and builds all `n` strings at once with
numpy: every node of the parse tree (literals, classes, ranges, `.`, repeats, alternation,
groups) becomes a padded UTF-8 byte matrix, one row per string, with a mask of the bytes in
use. Anchors emit nothing; every string is then checked with RE2 (the engine the data check
uses) and the few that fail are drawn again, so what is returned always matches. A pattern RE2
rejects, or whose nested repeats would take unbounded time or memory to draw, is an
UnsupportedPatternError.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from checker.contracts.regex import PatternError, compile_pattern
from checker.errors import InputError

if TYPE_CHECKING:  # typeshed knows the parser by its old, deprecated names
    import sre_constants
    import sre_parse
else:
    import re._constants as sre_constants
    import re._parser as sre_parse

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

MAX_REPEAT = 8
REDRAWS = 30
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_PRINTABLE = _LOWER + _LOWER.upper() + "0123456789"
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: "0123456789",
    sre_constants.CATEGORY_WORD: _PRINTABLE + "_",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_DIGIT: _LOWER + "_-.",
    sre_constants.CATEGORY_NOT_WORD: "-. !",
    sre_constants.CATEGORY_NOT_SPACE: _PRINTABLE + "-_.",
}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_REPEATS |= {getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}
_GROUPS = {sre_constants.SUBPATTERN, getattr(sre_constants, "ATOMIC_GROUP", sre_constants.SUBPATTERN)}
_EMPTY = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}


class UnsupportedPatternError(InputError, ValueError):
    """The pattern uses a construct this sampler cannot generate, or it matches nothing."""


def sample_strings(pattern: str, n: int, rng: np.random.Generator) -> pa.Array:
    """`n` strings (a pyarrow string array) that each fully match `pattern`."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc

    try:
        compile_pattern(pattern)
        parsed = sre_parse.parse(pattern)
    except (PatternError, re.error) as exc:
        raise UnsupportedPatternError(f"{pattern!r} is not a valid regular expression: {exc}") from None
    _check_size(pattern, parsed, n)
    emitter = _Emitter(rng, ignorecase=bool(parsed.state.flags & re.IGNORECASE))
    values = emitter.strings(parsed, n)
    failing = _not_matching(values, pattern)
    for _ in range(REDRAWS):
        if len(failing) == 0:
            return values
        redrawn = emitter.strings(parsed, len(failing))
        still_failing = _not_matching(redrawn, pattern)
        positions = np.full(n, -1, dtype=np.int64)
        positions[failing] = np.arange(len(failing))
        values = pc.if_else(pa.array(positions >= 0), redrawn.take(pa.array(np.maximum(positions, 0))),
                            values)
        failing = failing[still_failing]
    raise UnsupportedPatternError(f"cannot generate strings matching {pattern!r} "
                             "(the anchors or flags it uses are not generated)")


def _not_matching(values: pa.Array, pattern: str) -> np.ndarray:
    """Rows that do not fully match, judged by RE2 (the engine the data check uses)."""
    import numpy as np
    import pyarrow as pa

    from checker.tables import compute as pc

    try:
        matched = pc.match_substring_regex(values, f"^(?:{pattern})$").to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # pyarrow's RE2 build refuses what google-re2 accepted
        compiled = compile_pattern(pattern)
        matched = np.array([compiled.fullmatch(text) is not None for text in values.to_pylist()], bool)
    return np.flatnonzero(~matched)


MAX_PIECES = 20_000  # byte matrices built for one draw: bounds the time
MAX_WIDTH = 10_000  # bytes in one generated string
MAX_BYTES = 256 * 2**20  # bytes in one draw of n strings: bounds the memory


def _check_size(pattern: str, parsed: Any, n: int) -> None:
    """UnsupportedPatternError when drawing `n` strings would take unbounded time or memory (nested
    repeats multiply: `((a*)*)*` unrolls each level MAX_REPEAT times)."""
    pieces, width = _size(parsed)
    if pieces > MAX_PIECES or width > MAX_WIDTH or width * n > MAX_BYTES:
        raise UnsupportedPatternError(
            f"cannot generate strings matching {pattern!r}: its repeats nest too deep or too long "
            f"(up to {width:,} bytes per string, {pieces:,} parts); use fewer nested repeats")


def _size(items: Any) -> tuple[int, int]:
    """(byte matrices the emitter builds, widest string in bytes) for a parse tree."""
    pieces = width = 0
    for op, arg in items:
        found = _node_size(op, arg)
        pieces, width = pieces + found[0], width + found[1]
        if pieces > MAX_PIECES:
            break
    return pieces, width


def _node_size(op: Any, arg: Any) -> tuple[int, int]:
    if op in _REPEATS:
        low, high, body = arg
        count = low + MAX_REPEAT if high is sre_constants.MAXREPEAT else min(high, low + MAX_REPEAT)
        pieces, width = _size(body)
        return count * max(pieces, 1), count * width
    if op in _GROUPS:
        return _size(arg[-1])
    if op is sre_constants.BRANCH:
        sizes = [_size(branch) for branch in arg[1]]
        return sum(p for p, _ in sizes) + 1, max((w for _, w in sizes), default=0)
    if op in _EMPTY:
        return 0, 0
    return 1, 4  # one character: at most 4 bytes of UTF-8


class _Bytes:
    """`n` strings as a padded UTF-8 byte matrix and the mask of the bytes in use."""

    def __init__(self, data: np.ndarray, used: np.ndarray) -> None:
        self.data, self.used = data, used

    @staticmethod
    def join(parts: list[_Bytes], n: int) -> _Bytes:
        import numpy as np

        if not parts:
            return _Bytes(np.zeros((n, 0), np.uint8), np.zeros((n, 0), bool))
        if len(parts) == 1:
            return parts[0]
        return _Bytes(np.hstack([p.data for p in parts]), np.hstack([p.used for p in parts]))

    def to_arrow(self) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        lengths = self.used.sum(axis=1)
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(self.data[self.used]))]
        return pa.Array.from_buffers(pa.large_string(), len(lengths), buffers).cast(pa.string())


def _table(choices: list[str]) -> _Bytes:
    """One row per choice: its UTF-8 bytes, padded."""
    import numpy as np

    encoded = [c.encode("utf-8") for c in choices]
    width = max(len(e) for e in encoded)
    data = np.zeros((len(encoded), width), np.uint8)
    used = np.zeros((len(encoded), width), bool)
    for row, raw in enumerate(encoded):
        data[row, :len(raw)] = np.frombuffer(raw, np.uint8)
        used[row, :len(raw)] = True
    return _Bytes(data, used)


class _Emitter:
    """Builds `n` strings at once for a parse tree, drawing from one random generator."""

    def __init__(self, rng: np.random.Generator, *, ignorecase: bool) -> None:
        self.rng = rng
        self.ignorecase = ignorecase

    def strings(self, items: Any, n: int) -> pa.Array:
        return self.emit(items, n).to_arrow()

    def emit(self, items: Any, n: int) -> _Bytes:
        parts: list[_Bytes] = []
        literal = ""
        for op, arg in items:
            if op is sre_constants.LITERAL:
                literal += chr(arg)
                continue
            if literal:
                parts.append(self._constant(literal, n))
                literal = ""
            parts.append(self._emit_one(op, arg, n))
        if literal:
            parts.append(self._constant(literal, n))
        return _Bytes.join(parts, n)

    def _emit_one(self, op: Any, arg: Any, n: int) -> _Bytes:
        if op is sre_constants.NOT_LITERAL:
            return self._choose([c for c in _PRINTABLE if ord(c) != arg], n)
        if op is sre_constants.ANY:
            return self._choose(_PRINTABLE, n)
        if op is sre_constants.IN:
            return self._choose(_class_choices(arg, self.ignorecase), n)
        if op in _REPEATS:
            return self._repeat(*arg, n=n)
        if op in _GROUPS:
            return self.emit(arg[-1], n)
        if op is sre_constants.BRANCH:
            return self._branch(arg[1], n)
        if op in _EMPTY:
            return _Bytes.join([], n)
        raise UnsupportedPatternError(f"the regular expression construct {str(op).lower()} is not generated")

    def _repeat(self, low: int, high: Any, body: Any, *, n: int) -> _Bytes:
        high = low + MAX_REPEAT if high is sre_constants.MAXREPEAT else min(high, low + MAX_REPEAT)
        counts = self.rng.integers(low, high, n, endpoint=True)
        parts = []
        for k in range(high):
            piece = self.emit(body, n)
            if k >= low:
                piece = _Bytes(piece.data, piece.used & (counts > k)[:, None])
            parts.append(piece)
        return _Bytes.join(parts, n)

    def _branch(self, branches: list[Any], n: int) -> _Bytes:
        import numpy as np

        picks = self.rng.integers(0, len(branches), n)
        emitted = [self.emit(branch, n) for branch in branches]
        width = max(e.data.shape[1] for e in emitted)
        data = np.zeros((n, width), np.uint8)
        used = np.zeros((n, width), bool)
        for index, part in enumerate(emitted):
            rows = (picks == index)[:, None]
            part_width = part.data.shape[1]
            data[:, :part_width] = np.where(rows, part.data, data[:, :part_width])
            used[:, :part_width] = np.where(rows, part.used, used[:, :part_width])
        return _Bytes(data, used)

    def _choose(self, choices: Any, n: int) -> _Bytes:
        choices = list(choices)
        if not choices:
            raise UnsupportedPatternError("a character class that matches no character")
        table = _table(choices)
        picks = self.rng.integers(0, len(choices), n)
        return _Bytes(table.data[picks], table.used[picks])

    @staticmethod
    def _constant(text: str, n: int) -> _Bytes:
        import numpy as np

        table = _table([text])
        return _Bytes(np.broadcast_to(table.data, (n, table.data.shape[1])),
                      np.broadcast_to(table.used, (n, table.used.shape[1])))


def _class_choices(items: Any, ignorecase: bool) -> list[str]:
    if items and items[0][0] is sre_constants.NEGATE:
        return [c for c in _PRINTABLE + "-_. " if not _class_has(items[1:], c)
                and not (ignorecase and _class_has(items[1:], c.swapcase()))]
    choices: list[str] = []
    for op, arg in items:
        if op is sre_constants.LITERAL:
            choices.append(chr(arg))
        elif op is sre_constants.RANGE:
            choices.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 1000) + 1))
        elif op is sre_constants.CATEGORY:
            choices.extend(_CATEGORIES.get(arg, ""))
    return choices


def _class_has(items: Any, char: str) -> bool:
    code = ord(char)
    for op, arg in items:
        if op is sre_constants.LITERAL and arg == code:
            return True
        if op is sre_constants.RANGE and arg[0] <= code <= arg[1]:
            return True
        if op is sre_constants.CATEGORY and re.fullmatch(_CATEGORY_REGEX.get(arg, "(?!)"), char):
            return True
    return False


_CATEGORY_REGEX = {
    sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W",
    sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
}
