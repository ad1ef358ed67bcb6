"""Bounding evidence without cutting a secret in half.

A check bounds what it records (`truncate`, `clip_tail`), but the cut it sees is only a
preview: the value keeps its whole text and the way to cut it. The run's boundary (the
runner, with config/secrets.py's redactor) redacts the whole text first and cuts afterwards,
so a secret that straddles a limit is replaced whole instead of leaving its prefix or suffix behind. A check
cannot forget this: the only way to bound a value is to make one of these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

Cut = Callable[[Any], Any]


class _Clipped:
    """Shows its cut form, still holds `full` (the value before the cut) and `cut`."""

    full: Any
    cut: Cut

    def redone(self, clean: Callable[[Any], Any]) -> Any:
        """The final form: `clean` (the redactor) on the whole value, then the cut."""
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
    return deferred(value, partial(cut_to, max_chars=max_chars, max_items=max_items))


def cut_to(value: Any, *, max_chars: int = 2000, max_items: int = 20) -> Any:
    """`truncate`'s cut, done now: strings to `max_chars`, containers to `max_items`."""
    if isinstance(value, str):
        if len(value) <= max_chars:
            return value
        return value[:max_chars] + f"… [{len(value) - max_chars} more characters]"
    if isinstance(value, bytes):
        return cut_to(value.decode("utf-8", errors="replace"), max_chars=max_chars)
    if isinstance(value, Mapping):
        items = list(value.items())
        out = {str(k): cut_to(v, max_chars=max_chars, max_items=max_items) for k, v in items[:max_items]}
        if len(items) > max_items:
            out["…"] = f"{len(items) - max_items} more entries"
        return out
    if isinstance(value, (list, tuple)):
        out_list = [cut_to(v, max_chars=max_chars, max_items=max_items) for v in value[:max_items]]
        if len(value) > max_items:
            out_list.append(f"… {len(value) - max_items} more items")
        return out_list
    return value


def clip_head(text: str, max_chars: int, mark: str = "…") -> str:
    """The first `max_chars` characters of `text`, `mark` after them when cut."""
    return deferred_text(text, partial(_head, max_chars=max_chars, mark=mark))


def clip_tail(text: str, max_chars: int, mark: str = "…") -> str:
    """The last `max_chars` characters of `text`, `mark` before them when cut."""
    return deferred_text(text, partial(_tail, max_chars=max_chars, mark=mark))


def _head(text: str, *, max_chars: int, mark: str) -> str:
    return text if len(text) <= max_chars else text[:max_chars] + mark


def _tail(text: str, *, max_chars: int, mark: str) -> str:
    return text if len(text) <= max_chars else mark + text[-max_chars:]
