"""A deliberately careless scoring server: it trusts its input, so malformed requests crash
the handler and the crash (a 500 with the Python traceback) goes straight back to the caller.
mlsmoke's endpoint.malformed must catch this."""

from __future__ import annotations

import json
import os
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def score(body: dict) -> list[int]:
    split = body["dataframe_split"]
    rows = [dict(zip(split["columns"], values)) for values in split["data"]]
    total = sum(float(row["alcohol"]) for row in rows)  # crashes on a missing or mistyped column
    mean = total / len(rows)  # and on an empty batch
    return [2 if float(row["alcohol"]) > mean else 0 for row in rows]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.reply(200 if self.path == "/health" else 404, "application/json", b'{"status": "ok"}')

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            answer = json.dumps({"predictions": score(json.loads(raw))}).encode()
            self.reply(200, "application/json", answer)
        except Exception:
            self.reply(500, "text/plain", traceback.format_exc().encode())

    def reply(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
