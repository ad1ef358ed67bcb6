"""GitHub's own OpenAPI description (the subset in ../shared/reference/), used to validate every
request the fake GitHub server receives and every answer it gives."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
from shared_tools import shared_path

REFERENCE = "reference/github-rest-subset.openapi.json"  # in ../shared


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: Mapping[str, Any]
    params: Mapping[str, str]

    @property
    def operation_id(self) -> str:
        return str(self.spec["operationId"])


class OpenApiReference:
    def __init__(self, path: Path | None = None):
        path = path or shared_path(REFERENCE)
        self.document = json.loads(path.read_text(encoding="utf-8"))

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], str]]:
        routes = []
        for template in self.document["paths"]:
            pattern = re.sub(r"\{([^}]+)\}", r"(?P<\1>[^/]+)", template.replace("-", "_"))
            routes.append((re.compile(f"^{pattern}$"), template))
        return routes

    def match(self, method: str, path: str) -> Operation | None:
        for pattern, template in self._routes:
            found = pattern.match(path.replace("-", "_"))
            spec = self.document["paths"][template].get(method.lower())
            if found and spec:
                return Operation(method.upper(), template, spec, found.groupdict())
        return None

    def request_problems(self, operation: Operation, query: Mapping[str, list[str]],
                         body: Any) -> list[str]:
        problems = self._query_problems(operation, query)
        content = (operation.spec.get("requestBody") or {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return problems + ([f"{operation.operation_id} takes no body"] if body is not None else [])
        if body is None:
            return [*problems, f"{operation.operation_id} needs a JSON body"]
        return problems + self._schema_problems(schema, body, "request body")

    def response_problems(self, operation: Operation, status: int, body: Any) -> list[str]:
        response = operation.spec["responses"].get(str(status))
        if response is None:
            return [f"{operation.operation_id} does not document status {status}"]
        schema = self.resolve(response).get("content", {}).get("application/json", {}).get("schema")
        return self._schema_problems(schema, body, f"{status} response") if schema else []

    def _query_problems(self, operation: Operation, query: Mapping[str, list[str]]) -> list[str]:
        parameters = {p["name"]: p for p in map(self.resolve, operation.spec.get("parameters", []))
                      if p["in"] == "query"}
        problems = [f"unknown query parameter {name!r}" for name in query if name not in parameters]
        for name, values in query.items():
            kind = parameters.get(name, {}).get("schema", {}).get("type")
            if kind == "integer" and not all(v.isdigit() for v in values):
                problems.append(f"query parameter {name} must be an integer, got {values}")
        if "per_page" in query and query["per_page"][0].isdigit() and int(query["per_page"][0]) > 100:
            problems.append("per_page is at most 100")
        return problems

    def _schema_problems(self, schema: Mapping[str, Any], value: Any, what: str) -> list[str]:
        # $refs stay refs: they resolve against the converted components, so cycles are fine.
        root = {**self.for_jsonschema(schema), "components": self._components}
        validator = jsonschema.Draft202012Validator(root)
        return [f"{what}: {error.json_path}: {error.message}" for error in validator.iter_errors(value)]

    @cached_property
    def _components(self) -> Any:
        return self.for_jsonschema(self.document["components"])

    def resolve(self, node: Any) -> Any:
        while isinstance(node, Mapping) and "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def for_jsonschema(self, node: Any) -> Any:
        """OpenAPI 3.0 schema → JSON Schema: drop `example`, turn `nullable` into a null type."""
        if isinstance(node, list):
            return [self.for_jsonschema(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("nullable", "example", "examples"):
                continue
            if key in ("properties", "schemas", "patternProperties"):  # keys here are names
                out[key] = {name: self.for_jsonschema(sub) for name, sub in value.items()}
            else:
                out[key] = self.for_jsonschema(value)
        if node.get("nullable") is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
                if "enum" in out:
                    out["enum"] = [*out["enum"], None]
            else:
                out = {"anyOf": [copy.deepcopy(out), {"type": "null"}]}
        return out
