"""Column patterns are RE2 regular expressions: matching takes time linear in the text, so no
value can make a check hang. A pattern RE2 cannot compile (lookarounds, backreferences,
possessive repeats, repeats over 1000) is a config error, reported by `validate`.

pyarrow's `match_substring_regex` (the data check's vectorized path) is RE2 as well; this
module is the same engine for the Python side (synthesis, config values).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from checker.errors import InputError

if TYPE_CHECKING:
    import re2


class PatternError(InputError, ValueError):
    """RE2 cannot compile the pattern; the message says why."""


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re2._Regexp:
    """The compiled pattern, or PatternError with RE2's reason."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "rejected"
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise PatternError(f"RE2 cannot use this pattern ({text}); patterns are RE2 syntax: "
                           "no lookarounds, backreferences or possessive repeats") from None


def fullmatch(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None
