"""The JSON Schema of results.json (schema_version 1), for readers of the file.

`mlsmoke report` checks a results file against it before rendering, so a damaged or foreign
file is a clear usage error naming the bad field. Readers must accept fields they do not know:
within one schema_version fields are only ever added.
"""

from __future__ import annotations

from typing import Any

from checker.results.model import SCHEMA_VERSION

_STATUS = {"enum": ["pass", "fail", "warn", "skip", "error"]}
_COUNT = {"type": "integer", "minimum": 0}

CHECK: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "family": {"type": "string"},
        "subject": {"type": "string"},
        "status": _STATUS,
        "summary": {"type": "string"},
        "details": {"type": "string"},
        "metrics": {"type": ["object", "null"]},
        "evidence": {"type": ["object", "null"]},
        "location": {"oneOf": [
            {"type": "null"},
            {"type": "object", "required": ["file"],
             "properties": {"file": {"type": "string"}, "line": {"type": ["integer", "null"]}}},
        ]},
        "duration_s": {"type": "number", "minimum": 0},
        "policy": {"type": "object", "required": ["severity"],
                   "properties": {"severity": {"enum": ["warn", "off"]},
                                  "line": {"type": ["integer", "null"]},
                                  "was": _STATUS}},
        "baseline": {"enum": ["known", "new"]},
    },
}

_ENTRIES = {"type": "array", "items": {"type": "object", "required": ["check", "subject", "fingerprint"]}}
BASELINE: dict[str, Any] = {
    "type": "object",
    "required": ["file", "known", "new", "fixed", "stale"],
    "properties": {"file": {"type": "string"}, "known": _COUNT, "new": _COUNT,
                   "fixed": _ENTRIES, "stale": _ENTRIES},
}

_PAIR = {"type": "object", "properties": {"base": {"type": ["number", "null"]},
                                          "head": {"type": ["number", "null"]}}}
_CHANGED = {"type": "array", "items": {"type": "object", "required": ["id", "status"],
                                       "properties": {"id": {"type": "string"}, "subject": {"type": "string"},
                                                      "status": _STATUS, "summary": {"type": "string"}}}}
COMPARE: dict[str, Any] = {
    "type": "object",
    "required": ["base", "new", "fixed", "deltas"],
    "properties": {
        "base": {"type": "object", "properties": {"source": {"type": "string"},
                                                  "commit": {"type": ["string", "null"]},
                                                  "run_url": {"type": ["string", "null"]}}},
        "skipped": {"type": ["string", "null"]},
        "new": _CHANGED, "fixed": _CHANGED, "new_count": _COUNT, "fixed_count": _COUNT,
        "deltas": {"type": "object", "properties": {
            "latency": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"p50_ms": _PAIR, "p95_ms": _PAIR}}},
            "metrics": {"type": "object", "additionalProperties": _PAIR},
            "rows": {"type": "object", "additionalProperties": _PAIR},
            "psi": {"type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": _PAIR}},
        }},
    },
}

RESULTS: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "mlsmoke results.json",
    "type": "object",
    "required": ["schema_version", "status", "checks"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "mlsmoke_version": {"type": "string"},
        "title": {"type": "string"},
        "fail_on": {"enum": ["error", "warning"]},
        "status": {"enum": ["pass", "fail"]},
        "counts": {"type": "object", "properties": {s: _COUNT for s in _STATUS["enum"]}},
        "duration_s": {"type": "number", "minimum": 0},
        "started_at": {"type": "string"},
        "environment": {"type": ["object", "null"]},
        "charts": {"type": "boolean"},
        "checks": {"type": "array", "items": CHECK},
        "baseline": BASELINE,
        "compare": COMPARE,
    },
}


def problems(data: Any) -> list[str]:
    """Every way `data` is not a results.json, as 'where: what' lines (empty when it is one)."""
    if isinstance(data, dict) and data.get("schema_version") != SCHEMA_VERSION:
        return [f"schema_version is {data.get('schema_version')!r}, "
                f"this mlsmoke reads schema_version {SCHEMA_VERSION}"]
    return schema_problems(data, RESULTS)


def schema_problems(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every way `data` does not match `schema`, as 'where: what' lines, in document order."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        found.append(f"{where.lstrip('.') or 'the top level'}: {error.message}")
    return found
