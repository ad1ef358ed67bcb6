"""Protocol adapters: how each serving protocol wants rows and where it puts predictions.

- `mlflow`: POST /invocations `{"dataframe_split": {"columns", "data"}}` → `{"predictions": [...]}`
- `tfserving` (KServe v1): POST /v1/models/{model}:predict `{"instances": [...]}` →
  `{"predictions": [...]}`; rows as lists in contract order, or objects with `tensors: columns`
- `kserve-v2` (Open Inference Protocol): POST /v2/models/{model}/infer `{"inputs": [tensors]}` →
  `{"outputs": [...]}`; one 2-D tensor of the feature columns (`tensors: matrix`, default) or
  one tensor per column (`tensors: columns`). The server's and the model's readiness and the
  model's metadata must answer before endpoint.health passes; the metadata is not consulted for
  the inputs: MLServer's scikit-learn runtime lists none.
- `json`: the user's body template (`"{rows}"`, `"{matrix}"`, `"{columns}"` placeholders) and a
  JSONPath-like pointer (`$.result.scores`, `$.items[*].label`) to the predictions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from checker.config.endpoint_schema import Endpoint, JsonProtocol, ProtocolName
from checker.contracts.model import ColumnType
from checker.errors import InputError
from checker.record import record

Row = dict[str, Any]


class ShapeError(InputError, ValueError):
    """The answer does not have the protocol's shape."""


@record
class Protocol:
    endpoint: Endpoint
    features: dict[str, ColumnType]  # the request's columns in contract order, with their types

    @property
    def columns(self) -> list[str]:
        return list(self.features)

    @property
    def name(self) -> ProtocolName:
        return self.endpoint.protocol

    def predict_path(self) -> str:
        if self.endpoint.predict and self.endpoint.predict.path:
            return self.endpoint.predict.path
        model = self.endpoint.model or "model"
        return {"mlflow": "/invocations", "tfserving": f"/v1/models/{model}:predict",
                "kserve-v2": f"/v2/models/{model}/infer", "json": "/predict"}[self.name]

    def health_paths(self) -> list[str]:
        """Every path that must answer 2xx in one round: the server's, then the model's own."""
        return [self.server_health_path(), *self.model_readiness_paths()]

    def health_path_given(self) -> bool:
        """Whether the config names the server's health path (`health.path`)."""
        return self.endpoint.health is not None and "path" in self.endpoint.health.model_fields_set

    def server_health_path(self) -> str:
        if self.endpoint.health is not None and self.health_path_given():
            return self.endpoint.health.path
        if self.name == "kserve-v2":
            return "/v2/health/ready"
        if self.name == "tfserving" and self.endpoint.model:
            return f"/v1/models/{self.endpoint.model}"
        return "/health"

    def model_readiness_paths(self) -> list[str]:
        """kserve-v2: the model's readiness and its metadata, whatever `health.path` says; a
        server is "ready" with no model loaded (MLServer's /v2/health/ready does so)."""
        model = self.endpoint.model
        if self.name != "kserve-v2" or not model:
            return []
        return [f"/v2/models/{model}/ready", f"/v2/models/{model}"]

    def body(self, rows: Sequence[Row]) -> Any:
        """The request body for these rows (rows may lack or mistype columns: probes use that)."""
        columns = _columns_of(rows, self.columns)
        matrix = [[row.get(c) for c in columns] for row in rows]
        if self.name == "mlflow":
            return {"dataframe_split": {"columns": columns, "data": matrix}}
        if self.name == "tfserving":
            if self.endpoint.tensors == "columns":
                return {"instances": [{c: row.get(c) for c in columns} for row in rows]}
            return {"instances": matrix}
        if self.name == "kserve-v2":
            return {"inputs": self._tensors(columns, matrix)}
        return fill_template(self.endpoint.json_ or JsonProtocol(), rows, columns, matrix)

    def _tensors(self, columns: list[str], matrix: list[list[Any]]) -> list[dict[str, Any]]:
        if self.endpoint.tensors == "columns":
            return [{"name": c, "shape": [len(matrix)], "datatype": self._datatype([c]),
                     "data": [r[i] for r in matrix]} for i, c in enumerate(columns)]
        flat = [v for row in matrix for v in row]
        return [{"name": "input-0", "shape": [len(matrix), len(columns)],
                 "datatype": self._datatype(columns), "data": flat}]

    def _datatype(self, columns: list[str]) -> str:
        """The tensor type the contract declares (a probe's mistyped value keeps it)."""
        types = {self.features[c] for c in columns if c in self.features}
        if types == {ColumnType.BOOL}:
            return "BOOL"
        if types == {ColumnType.INT}:
            return "INT64"
        if types and all(t.numeric for t in types):
            return "FP64"
        return "BYTES"

    def predictions(self, answer: Any) -> list[Any]:
        """The list of predictions in a parsed answer; ShapeError says what is wrong."""
        if self.name in ("mlflow", "tfserving"):
            if not isinstance(answer, dict) or not isinstance(answer.get("predictions"), list):
                raise ShapeError(f"expected an object with a `predictions` list ({self.name} protocol), "
                                 f"got {_kind(answer)}")
            predictions: list[Any] = answer["predictions"]
            return predictions
        if self.name == "kserve-v2":
            return _v2_predictions(answer)
        pointer = (self.endpoint.json_ or JsonProtocol()).predictions
        found = resolve_pointer(answer, pointer)
        if not isinstance(found, list):
            raise ShapeError(f"{pointer} should be a list of predictions, got {_kind(found)}")
        return found


def _columns_of(rows: Sequence[Row], default: Sequence[str]) -> list[str]:
    """The contract's feature columns, minus any the rows leave out (the missing-column probe)."""
    if not rows:
        return list(default)
    return [c for c in default if all(c in row for row in rows)]


def _v2_predictions(answer: Any) -> list[Any]:
    outputs = answer.get("outputs") if isinstance(answer, dict) else None
    if not isinstance(outputs, list) or not outputs or not isinstance(outputs[0], dict):
        raise ShapeError("expected an object with a non-empty `outputs` list (kserve-v2), "
                         f"got {_kind(answer)}")
    tensor = outputs[0]
    shape, data = tensor.get("shape"), tensor.get("data")
    if not isinstance(shape, list) or not shape or not all(isinstance(d, int) for d in shape):
        raise ShapeError(f"output tensor {tensor.get('name')!r} has no valid `shape`")
    if not isinstance(data, list):
        raise ShapeError(f"output tensor {tensor.get('name')!r} has no `data` list")
    flat = _flatten(data)
    size = 1
    for dim in shape:
        size *= dim
    if len(flat) != size:
        raise ShapeError(f"output tensor {tensor.get('name')!r} has {len(flat)} values but shape {shape}")
    width = size // shape[0] if shape[0] else 1
    if width == 1:
        return flat
    return [flat[i:i + width] for i in range(0, len(flat), width)]


def _flatten(data: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in data:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def fill_template(template: JsonProtocol, rows: Sequence[Row], columns: list[str],
                  matrix: list[list[Any]]) -> Any:
    values = {"{rows}": [dict(r) for r in rows], "{matrix}": matrix, "{columns}": columns}

    def fill(node: Any) -> Any:
        if isinstance(node, str) and node in values:
            return values[node]
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        return node

    return fill(template.body)


_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+|\*)\]|\[['\"]([^'\"]+)['\"]\]")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """`$.a.b[0]`, `$.items[*].score`, `$['odd key']`: a small JSONPath subset."""
    if not pointer.startswith("$"):
        raise ShapeError(f"a predictions pointer starts with $ (got {pointer!r})")
    steps = pointer[1:]
    position = 0
    current: Any = document
    many = False
    while position < len(steps):
        match = _STEP.match(steps, position)
        if not match:
            raise ShapeError(f"cannot read pointer {pointer!r} at {steps[position:]!r}")
        key, index, quoted = match.groups()
        if index == "*":
            if not isinstance(current, list):
                raise ShapeError(f"{pointer}: [*] needs a list, got {_kind(current)}")
            many = True
        elif many:
            current = [_step(item, key or quoted, index, pointer) for item in current]
        else:
            current = _step(current, key or quoted, index, pointer)
        position = match.end()
    return current


def _step(node: Any, key: str | None, index: str | None, pointer: str) -> Any:
    if key is not None:
        if not isinstance(node, dict) or key not in node:
            raise ShapeError(f"{pointer}: no key {key!r} in {_kind(node)}")
        return node[key]
    position = int(index or 0)
    if not isinstance(node, list) or position >= len(node):
        raise ShapeError(f"{pointer}: no item [{position}] in {_kind(node)}")
    return node[position]


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:5])
        return f"an object with keys [{keys}]"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"{type(value).__name__} {str(value)[:60]!r}"
