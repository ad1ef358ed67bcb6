"""Bounding evidence without cutting a secret in half.

A check bounds what it records (`truncate`, `clip_tail`), but the cut it sees is only a
preview: the value keeps its whole text and the way to cut it. The run's boundary (the
runner, with config/secrets.py's redactor) redacts the whole text first and cuts afterwards,
so a secret that straddles a limit is replaced whole instead of leaving its prefix or suffix behind. A check
cannot forget this: the only way to bound a value is to make one of these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.record import record

Cut = Callable[[Any], Any]
Clean = Callable[[Any], Any]
# How far past a cut the redactor looks: a secret (in any encoding it is redacted in) that starts
# before the cut ends within this many characters after it. The redactor then reads a window of
# the limit plus this margin, not the whole value: a 1 MiB response costs what its excerpt does.
WINDOW_MARGIN = 8192


class _Clipped:
    """Shows its cut form, still holds `full` (the value before the cut) and `cut`."""

    full: Any
    cut: Cut

    def redone(self, clean: Clean) -> Any:
        """The final form: `clean` (the redactor) on the value, then the cut. A cut that knows
        its window (`redo`) cleans only what can reach the cut form."""
        redo = getattr(self.cut, "redo", None)
        if redo is not None:
            return redo(self.full, clean)
        return self.cut(clean(self.full))


class ClippedText(_Clipped, str):
    pass


class ClippedList(_Clipped, list[Any]):
    pass


class ClippedMapping(_Clipped, dict[str, Any]):
    pass


_KINDS: dict[type[Any], type[Any]] = {str: ClippedText, list: ClippedList, dict: ClippedMapping}


def deferred(full: Any, cut: Cut) -> Any:
    """`cut(full)` as a value that remembers `full` and `cut`, for the boundary to redo."""
    shown = cut(full)
    kind = _KINDS.get(type(shown))
    if kind is None:
        return shown
    clipped = kind(shown)
    clipped.full, clipped.cut = full, cut
    return clipped


def deferred_text(full: str, cut: Callable[[str], str]) -> str:
    """`deferred` for text: always a string."""
    clipped = ClippedText(cut(full))
    clipped.full, clipped.cut = full, cut
    return clipped


def truncate(value: Any, *, max_chars: int = 2000, max_items: int = 20) -> Any:
    """Bound evidence so a report never carries a whole response or data file."""
    if isinstance(value, bytes):  # decoded first, so the redactor sees text
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str) and len(value) <= max_chars:
        return value
    if not isinstance(value, (str, bytes, Mapping, list, tuple)):
        return value
    return deferred(value, Truncation(max_chars, max_items))


def _same(value: Any) -> Any:
    return value


def _window(text: str, max_chars: int, clean: Clean, *, from_end: bool = False) -> tuple[str, int]:
    """`clean` over the part of `text` that can reach its first (or, `from_end`, last)
    `max_chars` characters: those characters, and how many characters of the cleaned text lie
    beyond them (outside the window, counted as they are). When redaction shrinks the window by
    more than half its margin, a secret cut at the window's edge could move into view, so the
    whole text is cleaned instead."""
    span = max_chars + WINDOW_MARGIN
    window = text[-span:] if from_end else text[:span]
    cleaned: str = clean(window)
    if len(window) < len(text) and len(window) - len(cleaned) > WINDOW_MARGIN // 2:
        window, cleaned = text, clean(text)
    left_out = len(cleaned) + len(text) - len(window) - max_chars
    if from_end:
        return (cleaned[-max_chars:] if max_chars else ""), left_out
    return cleaned[:max_chars], left_out


@record(eq=False, repr=False)
class Truncation:
    """Strings to `max_chars` (saying how many characters were left out), containers to
    `max_items` entries, recursively."""

    max_chars: int = 2000
    max_items: int = 20

    def __call__(self, value: Any) -> Any:
        return self.redo(value, _same)

    def redo(self, value: Any, clean: Clean) -> Any:
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str):
            if len(value) <= self.max_chars:
                return clean(value)
            shown, left_out = _window(value, self.max_chars, clean)
            return shown + f"… [{left_out} more characters]" if left_out > 0 else shown
        if isinstance(value, Mapping):
            items = list(value.items())
            out = {str(clean(str(k))): self.redo(v, clean) for k, v in items[:self.max_items]}
            if len(items) > self.max_items:
                out["…"] = f"{len(items) - self.max_items} more entries"
            return out
        if isinstance(value, (list, tuple)):
            out_list = [self.redo(v, clean) for v in value[:self.max_items]]
            if len(value) > self.max_items:
                out_list.append(f"… {len(value) - self.max_items} more items")
            return out_list
        return clean(value)


@record(eq=False, repr=False)
class _EndCut:
    """The `max_chars` characters at one end of a text, `mark` where it was cut."""

    max_chars: int
    mark: str = "…"

    def __call__(self, text: str) -> str:
        return self.redo(text, _same)

    def redo(self, text: str, clean: Clean) -> str:
        if len(text) <= self.max_chars:
            return str(clean(text))
        shown, left_out = self._window(text, clean)
        return self._marked(shown) if left_out > 0 else shown

    def _window(self, text: str, clean: Clean) -> tuple[str, int]:
        raise NotImplementedError

    def _marked(self, shown: str) -> str:
        raise NotImplementedError


class HeadCut(_EndCut):
    """The first `max_chars` characters, `mark` after them when cut."""

    def _window(self, text: str, clean: Clean) -> tuple[str, int]:
        return _window(text, self.max_chars, clean)

    def _marked(self, shown: str) -> str:
        return shown + self.mark


class TailCut(_EndCut):
    """The last `max_chars` characters, `mark` before them when cut."""

    def _window(self, text: str, clean: Clean) -> tuple[str, int]:
        return _window(text, self.max_chars, clean, from_end=True)

    def _marked(self, shown: str) -> str:
        return self.mark + shown


def clip_head(text: str, max_chars: int, mark: str = "…") -> str:
    """The first `max_chars` characters of `text`, `mark` after them when cut."""
    return deferred_text(text, HeadCut(max_chars, mark))


def clip_tail(text: str, max_chars: int, mark: str = "…") -> str:
    """The last `max_chars` characters of `text`, `mark` before them when cut."""
    return deferred_text(text, TailCut(max_chars, mark))
