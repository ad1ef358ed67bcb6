"""Cross-references in a raw config: every contract named exists and every column named is in
its contract."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.config.yamlmap import LineIndex, PathKey, dotted
from checker.errors import ConfigProblem


def cross_references(data: Any, columns: Mapping[str, list[str] | None],
                      index: LineIndex) -> list[ConfigProblem]:
    """Every contract named exists and every column named is in its contract. Works on the
    raw (expanded) data, so these problems are listed even when the schema found others."""
    problems: list[ConfigProblem] = []
    for path, name, named_columns in _references(data):
        if name not in columns:
            defined = ", ".join(sorted(columns)) or "none"
            problems.append(ConfigProblem(index.file, index.line(path), dotted(path),
                                          f"no contract named {name!r} (defined: {defined})"))
            continue
        known = columns[name]
        for column_path, column in named_columns:
            if known is not None and column not in known:
                problems.append(ConfigProblem(
                    index.file, index.line(column_path), dotted(column_path),
                    f"column {column!r} is not in contract {name!r}" + _close(column, known)))
    return problems


def _references(data: Any) -> list[tuple[PathKey, str, list[tuple[PathKey, str]]]]:
    """(path of the contract name, the name, [(path, column) named against it])."""
    refs: list[tuple[PathKey, str, list[tuple[PathKey, str]]]] = []
    for section in ("data", "drift"):
        for i, entry in enumerate(_as_list(data.get(section))):
            if isinstance(entry, dict) and isinstance(entry.get("contract"), str):
                cols = [((section, i, "columns", j), c)
                        for j, c in enumerate(_as_list(entry.get("columns"))) if isinstance(c, str)]
                refs.append(((section, i, "contract"), entry["contract"], cols))
    pipeline = data.get("pipeline")
    if isinstance(pipeline, dict) and isinstance(pipeline.get("contract"), str):
        refs.append((("pipeline", "contract"), pipeline["contract"], _pipeline_columns(pipeline)))
    endpoints = data.get("endpoint")
    for i, entry in enumerate([endpoints] if isinstance(endpoints, dict) else _as_list(endpoints)):
        if isinstance(entry, dict) and isinstance(entry.get("contract"), str):
            path = ("endpoint", "contract") if isinstance(endpoints, dict) else ("endpoint", i, "contract")
            refs.append((path, entry["contract"], []))
    return refs


def _pipeline_columns(pipeline: dict[str, Any]) -> list[tuple[PathKey, str]]:
    named: list[tuple[PathKey, str]] = []
    for i, pattern in enumerate(_as_list(pipeline.get("patterns"))):
        for part in ("when", "set"):
            body = pattern.get(part) if isinstance(pattern, dict) else None
            if isinstance(body, dict):
                named += [(("pipeline", "patterns", i, part, c), c) for c in body]
    model = pipeline.get("model")
    for i, expect in enumerate(_as_list(model.get("expect")) if isinstance(model, dict) else []):
        if isinstance(expect, dict) and isinstance(expect.get("input"), dict):
            named += [(("pipeline", "model", "expect", i, "input", c), c) for c in expect["input"]]
    return named


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def contract_columns(data: Any, file_columns: Mapping[str, list[str]]) -> dict[str, list[str] | None]:
    """Column names of every contract, inline or from a file; None for a contract file that
    could not be loaded (its own problems are listed; its columns are not guessed)."""
    columns: dict[str, list[str] | None] = dict(file_columns)
    contracts = data.get("contracts")
    for name, body in (contracts.items() if isinstance(contracts, dict) else []):
        if isinstance(body, dict) and isinstance(body.get("columns"), dict):
            columns[name] = [str(c) for c in body["columns"]]
        elif isinstance(body, dict) and "file" in body:
            columns.setdefault(name, None)
        else:
            columns.setdefault(name, [])
    return columns


def _close(name: str, options: list[str]) -> str:
    import difflib  # only to suggest a name in a message

    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
