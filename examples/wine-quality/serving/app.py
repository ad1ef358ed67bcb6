"""An MLflow-style scoring server for the wine model: GET /health, POST /invocations with
{"dataframe_split": {"columns": [...], "data": [[...]]}} or {"dataframe_records": [...]},
answering {"predictions": [cultivar, ...]}. Bad input gets a 4xx with a short message that
never echoes the submitted values. Standard library only."""

from __future__ import annotations

import json
import math
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = json.load(open(os.environ.get("MODEL_PATH", "model.json"), encoding="utf-8"))
FEATURES: list[str] = MODEL["features"]
MAX_ROWS = int(os.environ.get("MAX_ROWS", "1000"))
MAX_BYTES = 4 << 20


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def rows_of(body: object) -> list[dict]:
    if not isinstance(body, dict):
        raise BadRequest(400, "expected a JSON object with dataframe_split or dataframe_records")
    if "dataframe_split" in body:
        split = body["dataframe_split"]
        if not isinstance(split, dict) or not isinstance(split.get("columns"), list) \
                or not isinstance(split.get("data"), list):
            raise BadRequest(400, "dataframe_split needs a columns list and a data list")
        columns = split["columns"]
        if not all(isinstance(r, list) and len(r) == len(columns) for r in split["data"]):
            raise BadRequest(400, "every data row must have one value per column")
        return [dict(zip(columns, r)) for r in split["data"]]
    if isinstance(body.get("dataframe_records"), list):
        return body["dataframe_records"]
    raise BadRequest(400, "expected dataframe_split or dataframe_records")


def features_of(row: object, index: int) -> list[float]:
    if not isinstance(row, dict):
        raise BadRequest(400, f"row {index} is not an object")
    missing = [f for f in FEATURES if f not in row]
    if missing:
        raise BadRequest(400, f"missing columns: {', '.join(missing)}")
    values = []
    for name in FEATURES:
        value = row[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise BadRequest(400, f"column {name} must be a finite number (row {index})")
        values.append((value - MODEL["means"][name]) / MODEL["scales"][name])
    return values


def predict(values: list[float]) -> int:
    def distance(centroid: list[float]) -> float:
        return sum((a - b) ** 2 for a, b in zip(values, centroid))

    label = min(MODEL["centroids"], key=lambda k: distance(MODEL["centroids"][k]))
    return int(label)


def predictions_for(raw: bytes, content_type: str) -> list[int]:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise BadRequest(415, "send application/json")
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadRequest(400, "the body is not valid JSON") from None
    rows = rows_of(body)
    if not rows:
        raise BadRequest(400, "no rows to predict")
    if len(rows) > MAX_ROWS:
        raise BadRequest(413, f"at most {MAX_ROWS} rows per request")
    return [predict(features_of(row, i)) for i, row in enumerate(rows)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path in ("/health", "/ping"):
            return self.reply(200, {"status": "ok"})
        self.reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BYTES:
            self.close_connection = True
            return self.reply(413, {"error": "request body too large"})
        raw = self.rfile.read(length)
        if self.path != "/invocations":
            return self.reply(404, {"error": "not found"})
        try:
            self.reply(200, {"predictions": predictions_for(raw, self.headers.get("Content-Type", ""))})
        except BadRequest as exc:
            self.reply(exc.status, {"error": str(exc)})

    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print(f"serving the wine model on port {port}", flush=True)
    server.serve_forever()
