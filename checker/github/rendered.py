"""The rendered report as the publisher takes it: a small record of its own, so a run that does
not publish never imports the GitHub client."""

from __future__ import annotations

from collections.abc import Callable

from checker.record import record


@record(eq=False, repr=False)
class Rendered:
    """The Markdown report, rendered by the caller."""

    markdown: str
    marker: str  # the hidden first line that finds our sticky comment
    shorten: Callable[[int], str]  # the most complete report in at most that many characters

    def fit(self, limit: int) -> str:
        """The report, shortened by the renderer (failures first, passes counted) when too long."""
        return self.markdown if len(self.markdown) <= limit else self.shorten(limit)
