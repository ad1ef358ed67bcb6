"""Refuse YAML that would take unbounded memory or recursion before anything is built from
its expansion.

The parser's events measure how deep the document nests and how many values it expands to,
counting an alias as the whole of what its anchor holds each time it is used: 350 bytes of
nested aliases ("billion laughs") expand to billions of values, and every later step (line
index, `${VAR}` expansion, validation) walks the expansion. `BoundedLoader` tallies the events
as its composer consumes them (one parse; the node tree it builds meanwhile is no larger than
the text, aliases being shared nodes, and no deeper than the bound); `check_bounds` tallies a
whole text without composing it.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

import yaml

from checker.config.limits import MAX_YAML_DEPTH, MAX_YAML_NODES
from checker.errors import ConfigError, ConfigProblem
from checker.record import record


@record(frozen=False)
class _Tally:
    """The values one YAML document expands to, counted as its events arrive."""

    display: str
    total: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # anchor → values it expands to
    open: list[tuple[str | None, int]] = field(default_factory=list)  # (anchor, values so far)

    def add(self, count: int, event: yaml.Event) -> None:
        """`count` more values in the document, inside the innermost open collection."""
        self.count(count, event)
        self.credit(count)

    def count(self, count: int, event: yaml.Event) -> None:
        self.total += count
        if self.total > MAX_YAML_NODES:
            self.refuse(event, f"the document expands to more than {MAX_YAML_NODES:,} values "
                               "(an alias counts as everything its anchor holds, each time it is used)")

    def credit(self, count: int) -> None:
        if self.open:
            anchor, so_far = self.open[-1]
            self.open[-1] = (anchor, so_far + count)

    def refuse(self, event: yaml.Event, message: str) -> None:
        line = event.start_mark.line + 1 if event.start_mark else None
        raise ConfigError(ConfigProblem(self.display, line, "", message))


def check_bounds(text: str, display: str, loader: type[Any] | None = None) -> None:
    """ConfigError (with the line) if the YAML nests deeper than MAX_YAML_DEPTH or expands to
    more than MAX_YAML_NODES values. yaml.MarkedYAMLError for a syntax error. The events come
    from `loader`'s parser: PyYAML's own (`CheckedLoader`) unless another is given."""
    tally = _Tally(display)
    for event in yaml.parse(text, Loader=loader or CheckedLoader):
        observe(tally, event)


class CheckedLoader(yaml.SafeLoader):
    """A SafeLoader whose scanner reports a double-quoted `\\U` escape beyond Unicode as the
    syntax error it is: PyYAML's scanner calls chr() on it unchecked (ValueError, or
    OverflowError past a C int), which would escape as a crash."""

    def scan_flow_scalar_non_spaces(self, double: bool, start_mark: yaml.Mark) -> list[str]:
        try:
            chunks: list[str] = super().scan_flow_scalar_non_spaces(double, start_mark)
        except (ValueError, OverflowError):
            raise yaml.scanner.ScannerError("while scanning a double-quoted scalar", start_mark,
                                            "found an escape code beyond Unicode (\\U above 0010FFFF)",
                                            self.get_mark()) from None
        return chunks


class BoundedLoader(CheckedLoader):
    """A SafeLoader whose composer refuses the document (ConfigError) at the event that
    breaks a bound, as `check_bounds` does: the events are tallied in the order they are
    consumed, which is the order they are parsed, so the first problem is the same one."""

    def __init__(self, text: str, display: str) -> None:
        super().__init__(text)
        self.tally = _Tally(display)

    def get_event(self) -> yaml.Event:
        event: yaml.Event = super().get_event()  # type: ignore[no-untyped-call]
        observe(self.tally, event)
        return event


def observe(tally: _Tally, event: yaml.Event) -> None:
    if isinstance(event, yaml.CollectionStartEvent):
        _start(tally, event)
    elif isinstance(event, yaml.CollectionEndEvent):
        anchor, count = tally.open.pop()
        if anchor is not None:
            tally.sizes[anchor] = count
        tally.credit(count)  # its values are in the total already
    elif isinstance(event, yaml.ScalarEvent):
        if event.anchor is not None:
            tally.sizes[event.anchor] = 1
        tally.add(1, event)
    elif isinstance(event, yaml.AliasEvent):
        _alias(tally, event)


def _start(tally: _Tally, event: yaml.CollectionStartEvent) -> None:
    if len(tally.open) >= MAX_YAML_DEPTH:
        tally.refuse(event, f"nested deeper than {MAX_YAML_DEPTH} levels")
    tally.count(1, event)  # its parent is credited when it closes
    tally.open.append((event.anchor, 1))


def _alias(tally: _Tally, event: yaml.AliasEvent) -> None:
    anchor = event.anchor
    if anchor is not None and any(anchor == open_anchor for open_anchor, _ in tally.open):
        tally.refuse(event, f"alias *{anchor} is inside its own anchor (a structure that contains itself)")
    # An undefined alias counts 1 here; the composer reports it with its line.
    tally.add(tally.sizes.get(anchor or "", 1), event)
