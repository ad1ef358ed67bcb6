"""Wall-clock deadlines: the run's (`--deadline`, `deadlines.run`) and each family's.

The session creates the run's Deadline and the RunContext carries it; a family narrows it
to its own (`within`). Long loops (batches of a data file, a subprocess wait) call `check`,
which raises DeadlineExceededError saying what was happening and how far it got; the engine turns
that into a failed check and skips the subject's remaining checks with the reason, and the
runner skips the groups left once the run's deadline has passed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from checker.errors import DeadlineExceededError
from checker.record import record

Item = TypeVar("Item")
Doing = Callable[[], str]


def seconds_text(seconds: float) -> str:
    """120.0 → '2m', 0.2 → '0.2s', 5400.0 → '1.5h'."""
    for unit, size in (("h", 3600.0), ("m", 60.0)):
        if seconds >= size and (seconds / size) * 10 == int((seconds / size) * 10):
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


@record(eq=False)
class Deadline:
    """Once `at` (time.monotonic) passes, the work it bounds stops; `reason` says whose it was."""

    at: float = math.inf
    reason: str = ""

    @classmethod
    def after(cls, seconds: float | None, whose: str) -> Deadline:
        """`whose` deadline, `seconds` from now (None: no deadline)."""
        if seconds is None:
            return cls()
        return cls(time.monotonic() + seconds, f"{whose} ({seconds_text(seconds)}) passed")

    def within(self, seconds: float | None, whose: str) -> Deadline:
        """The sooner of this deadline and `whose`, `seconds` from now."""
        other = Deadline.after(seconds, whose)
        return other if other.at < self.at else self

    @property
    def whose(self) -> str:
        """'the run's deadline (10m)': the reason without 'passed'."""
        return self.reason.removesuffix(" passed")

    def left(self) -> float:
        return self.at - time.monotonic()

    @property
    def passed(self) -> bool:
        return time.monotonic() > self.at

    def check(self, doing: Doing) -> None:
        """Raise DeadlineExceededError when the deadline has passed; `doing()` says what was
        happening (called only then)."""
        if self.passed:
            raise DeadlineExceededError(self.reason, doing())

    def each(self, items: Iterable[Item], doing: Doing) -> Iterator[Item]:
        """`items`, checking the deadline before each one."""
        for item in items:
            self.check(doing)
            yield item


NO_DEADLINE = Deadline()
