"""YAML with line numbers: parse once, keep where every key and item stands.

`LineIndex.line(path)` answers the 1-based line of the deepest part of `path` that exists
in the document, so a validation error at ('pipeline', 'timeout') points at `timeout:`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from checker.config.limits import MAX_YAML_BYTES, LimitExceededError, read_capped, too_large
from checker.config.yamlbounds import BoundedLoader, check_bounds
from checker.errors import ConfigError, ConfigProblem
from checker.record import record

PathKey = tuple[Any, ...]
LIBYAML: bool = getattr(yaml, "__with_libyaml__", False)  # PyYAML built with libyaml (its wheels are)


@record
class LineIndex:
    """The line of each key and item of a YAML file, and which nodes are mappings and which lists."""

    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)
    kinds: dict[PathKey, str] = field(default_factory=dict)

    def resolve(self, path: Sequence[Any]) -> tuple[PathKey, int | None]:
        """The longest prefix of `path` found in the document (skipping the error's
        union tags and the index of a single mapping given where a list is allowed)."""
        found: PathKey = ()
        for part in path:
            candidate = (*found, part)
            if candidate in self.lines:
                found = candidate
            elif part == 0 and self.kinds.get(found) == "map":
                continue  # `endpoint: {...}` validated as a one-item list
        return found, self.lines.get(found, 1 if found == () else None)

    def line(self, path: Sequence[Any]) -> int | None:
        return self.resolve(path)[1]


def load_yaml(path: Path, display: str) -> tuple[Any, LineIndex]:
    """Parse a YAML file into plain data and its line index. Syntax errors and duplicate
    keys become ConfigError naming the file and line."""
    try:
        text = read_capped(path, MAX_YAML_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(ConfigProblem(display, None, "", "file not found")) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(ConfigProblem(display, None, "", f"not UTF-8 text: {exc}")) from None
    except LimitExceededError as exc:
        raise ConfigError(ConfigProblem(display, None, "", str(exc))) from None
    except OSError as exc:
        raise ConfigError(ConfigProblem(display, None, "", f"cannot read: {exc.strerror}")) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[Any, LineIndex]:
    """Parse YAML text (a file's content, or a file as it was at another git revision). Text
    larger, deeper or expanding to more values than the limits allow is refused first."""
    if len(text) > MAX_YAML_BYTES:
        raise ConfigError(ConfigProblem(display, None, "", str(too_large(MAX_YAML_BYTES))))
    try:
        node = _composed(text, display)
    except yaml.composer.ComposerError:
        # Checked whole first (what the bounded composer finds at its first problem, unless
        # that is a composer's: then a later syntax or bounds problem is the one to report).
        try:
            check_bounds(text, display)
            node = _composed(text, display)
        except yaml.YAMLError as exc:
            raise ConfigError(_syntax_problem(exc, text, display)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_syntax_problem(exc, text, display)) from None
    return _indexed(node, text, display)


def _composed(text: str, display: str) -> yaml.Node | None:
    """The document's node tree, composed while its size and depth are tallied (one parse):
    by libyaml where it can, else by PyYAML's own parser, which finds and words every problem."""
    composed, node = _composed_by_libyaml(text, display)
    if composed:
        return node
    loader = BoundedLoader(text, display)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _composed_by_libyaml(text: str, display: str) -> tuple[bool, yaml.Node | None]:
    """(True, the node tree) composed by libyaml, the C parser PyYAML's wheels carry: its
    events tallied first (check_bounds), then composed, both passes together about 6x faster
    than PyYAML's Python parser composes and tallies in one (1.1 ms against 7 ms for the
    bench's 28-rule config). The tree is the same, line for line: only the style of a plain
    scalar or block collection reads `''`/False instead of None, which nothing here uses.
    (False, None) where libyaml is missing or finds any problem (a syntax error, a bound, text
    UTF-8 cannot hold): PyYAML's parser then reads the text, so a problem is found and worded
    as it always was."""
    if not LIBYAML:
        return False, None
    try:
        check_bounds(text, display, yaml.CSafeLoader)
        loader = yaml.CSafeLoader(text)
        try:
            return True, loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, ConfigError, UnicodeError):
        return False, None


def _indexed(node: yaml.Node | None, text: str, display: str) -> tuple[Any, LineIndex]:
    index = LineIndex(display)
    if node is None:
        return None, index
    problems: list[ConfigProblem] = []
    _walk(node, (), index, problems)  # indexed before it is built: merge keys (`<<`) rewrite the node
    try:
        data = yaml.SafeLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        raise ConfigError(_syntax_problem(exc, text, display)) from None
    if problems:
        raise ConfigError(problems)
    return data, index


def _syntax_problem(exc: yaml.YAMLError, text: str, display: str) -> ConfigProblem:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow; no mark
        line = text.count("\n", 0, exc.position) + 1
        return ConfigProblem(display, line, "", f"invalid YAML: character #x{exc.character:04x} "
                                                "is not allowed (YAML files are printable text)")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return ConfigProblem(display, None, "", f"invalid YAML: {exc}")
    mark = exc.problem_mark or exc.context_mark
    return ConfigProblem(display, mark.line + 1 if mark else None, "",
                         f"invalid YAML: {exc.problem or exc.context}")


def _walk(node: yaml.Node, path: PathKey, index: LineIndex, problems: list[ConfigProblem]) -> None:
    index.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        index.kinds[path] = "map"
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: building the document refuses it (unhashable)
            key = key_node.value
            if key in seen:
                problems.append(ConfigProblem(index.file, key_node.start_mark.line + 1,
                                              dotted((*path, key)), "duplicate key"))
            seen.add(key)
            key_path = (*path, key)
            index.lines[key_path] = key_node.start_mark.line + 1
            _walk(value_node, key_path, index, problems)
    elif isinstance(node, yaml.SequenceNode):
        index.kinds[path] = "seq"
        for i, item in enumerate(node.value):
            item_path = (*path, i)
            index.lines[item_path] = item.start_mark.line + 1
            _walk(item, item_path, index, problems)


def dotted(path: Sequence[Any]) -> str:
    """('data', 0, 'files') → 'data[0].files'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
