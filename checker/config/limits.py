"""The limits on input mlsmoke reads whole, and the readers that enforce them.

A pull request controls mlsmoke.yml, its contract files, JSON Schema files and, in the
fork-safe `publish` recipe, results.json: none of them may make the gate use unbounded memory
or recurse until Python gives up. The numbers are documented in the README ("Limits").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker.errors import InputError

MiB = 1024 * 1024
MAX_YAML_BYTES = 1 * MiB  # mlsmoke.yml and each contract file
MAX_YAML_NODES = 100_000  # values the document expands to, aliases counted each time used
MAX_YAML_DEPTH = 64  # nested mappings and lists
MAX_SCHEMA_BYTES = 1 * MiB  # each endpoint.response.schema file
MAX_RESULTS_BYTES = 32 * MiB  # results.json read by `mlsmoke report` and `mlsmoke publish`
MAX_BASELINE_BYTES = 8 * MiB  # the baseline file of known failures
MAX_JSON_DEPTH = 100  # nested objects and arrays in results.json and JSON Schema files


class LimitExceededError(InputError, ValueError):
    """An input is larger or deeper than mlsmoke reads; the message says which limit."""


def read_capped(path: Path, limit: int) -> bytes:
    """The content of `path`, refusing one larger than `limit` bytes without reading it all.
    OSError (missing, unreadable) propagates."""
    with path.open("rb") as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise too_large(limit)
    return content


def too_large(limit: int) -> LimitExceededError:
    size = f"{limit // MiB} MiB" if limit % MiB == 0 else f"{limit:,} bytes"
    return LimitExceededError(f"larger than {size}, the most mlsmoke reads of this kind of file")


def loads_json_bounded(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing a document nested deeper than `max_depth`. ValueError when it
    is not JSON; LimitExceededError (a ValueError) when it is too deep."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise LimitExceededError(f"nested deeper than {max_depth} levels") from None
    if json_depth(document) > max_depth:
        raise LimitExceededError(f"nested deeper than {max_depth} levels")
    return document


def json_depth(document: Any) -> int:
    """How many objects and arrays deep `document` is (a scalar is 0), without recursing."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest

