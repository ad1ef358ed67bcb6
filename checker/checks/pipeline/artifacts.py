"""What the pipeline left behind: artifact files (exist, `min_bytes`) and JSON metrics
(`json: {key: {min, max}}`, dotted keys reach into nested objects)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from checker.checks.pipeline.scratch import Scratch
from checker.config.paths import PathRefusedError
from checker.config.schema import Artifact, Bounds
from checker.record import record


@record
class ArtifactState:
    template: str
    path: Path
    size: int | None  # None: missing, or refused
    refused: str | None = None  # why it is not read: it leads out of the scratch space

    @property
    def display(self) -> str:
        return self.template


def inspect(artifacts: list[Artifact], paths: list[Path], scratch: Scratch) -> list[ArtifactState]:
    return [_state(a, p, scratch) for a, p in zip(artifacts, paths, strict=True)]


def _state(artifact: Artifact, path: Path, scratch: Scratch) -> ArtifactState:
    try:
        scratch.inside(path)
    except PathRefusedError as exc:
        return ArtifactState(artifact.path, path, None, str(exc))
    return ArtifactState(artifact.path, path, path.stat().st_size if path.is_file() else None)


def artifact_problems(artifacts: list[Artifact], states: list[ArtifactState]) -> list[str]:
    problems = []
    for artifact, state in zip(artifacts, states, strict=True):
        if state.refused:
            problems.append(f"{state.display}: refused, not read: {state.refused}")
        elif state.size is None:
            what = "a folder, not a file" if state.path.is_dir() else "missing"
            problems.append(f"{state.display}: {what}")
        elif artifact.min_bytes is not None and state.size < artifact.min_bytes:
            problems.append(f"{state.display}: {state.size} bytes, expected at least {artifact.min_bytes}")
    return problems


@record
class MetricFinding:
    file: str
    key: str
    value: Any
    problem: str | None


def check_metrics(template: str, path: Path, bounds: Mapping[str, Bounds]) -> list[MetricFinding]:
    """One finding per configured key; a file that is not a JSON object is one finding."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [MetricFinding(template, "", None, f"not readable as JSON: {exc}")]
    return [_check_key(template, document, key, rule) for key, rule in bounds.items()]


def _check_key(template: str, document: Any, key: str, rule: Bounds) -> MetricFinding:
    found, value = lookup(document, key)
    if not found:
        return MetricFinding(template, key, None, "key not found")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return MetricFinding(template, key, value, f"not a number ({type(value).__name__})")
    if value != value:  # NaN
        return MetricFinding(template, key, value, "NaN")
    if rule.min is not None and value < rule.min:
        return MetricFinding(template, key, value, f"{value} is below the minimum {rule.min}")
    if rule.max is not None and value > rule.max:
        return MetricFinding(template, key, value, f"{value} is above the maximum {rule.max}")
    return MetricFinding(template, key, value, None)


def lookup(document: Any, dotted_key: str) -> tuple[bool, Any]:
    """`a.b.c` into nested objects; a key that itself contains dots is found first."""
    if isinstance(document, Mapping) and dotted_key in document:
        return True, document[dotted_key]
    head, _, rest = dotted_key.partition(".")
    if rest and isinstance(document, Mapping) and head in document:
        return lookup(document[head], rest)
    if rest and isinstance(document, list) and head.isdigit() and int(head) < len(document):
        return lookup(document[int(head)], rest)
    return False, None


MAX_NUMBERS = 500  # numbers kept from the metrics files, for the comparison with the base branch


def numbers_in(states: list[ArtifactState], artifacts: list[Artifact]) -> dict[str, float]:
    """Every finite number in the JSON metrics files (those with `json:` bounds), by dotted key,
    the first file's first: what compare.metrics and the report's deltas compare."""
    found: dict[str, float] = {}
    for artifact, state in zip(artifacts, states, strict=True):
        if artifact.json_ is None or state.size is None:
            continue
        try:
            document = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        for key, value in _leaves(document, ""):
            if len(found) >= MAX_NUMBERS:
                return found
            found.setdefault(key, value)
    return found


def _leaves(node: Any, prefix: str, depth: int = 0) -> Iterator[tuple[str, float]]:
    if isinstance(node, bool) or depth > 20:
        return
    if isinstance(node, (int, float)) and node == node and abs(node) != float("inf"):
        yield prefix, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node[:MAX_NUMBERS]):
            yield from _leaves(value, f"{prefix}.{index}" if prefix else str(index), depth + 1)
