"""How much the endpoint latency driver (checker.checks.endpoint.load) costs, next to wrk.

A trivial keep-alive HTTP server (asyncio, its own process, a fixed JSON answer after an
optional delay) is measured twice at the same concurrency: by mlsmoke's driver and by wrk.
At delay 0 the comparison shows the driver's ceiling (requests/s, i.e. its per-request
overhead); with a small server delay it shows whether its percentiles match wrk's.

    python3 bench/endpoint_driver.py [--requests 3000] [--concurrency 4] [--delays 0,5,20]

Prints a Markdown table for bench/RESULTS.md. Needs `wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.checks.endpoint.load import LoadPlan, Post, drive

BODY = json.dumps({"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1.0, 2.0, 3.0]] * 5}}).encode()
ANSWER = b'{"predictions": [0.5, 0.5, 0.5, 0.5, 0.5]}'
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = [==[%s]==]
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency.max,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


class TrivialServer(asyncio.Protocol):
    delay_s = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            self._answer()

    def _answer(self) -> None:
        response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(ANSWER)).encode() + b"\r\n\r\n" + ANSWER)
        if self.delay_s:
            asyncio.get_running_loop().call_later(self.delay_s, self.transport.write, response)
        else:
            self.transport.write(response)


def serve(port: int, delay_ms: float) -> None:
    TrivialServer.delay_s = delay_ms / 1000

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(TrivialServer, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(delay_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), str(delay_ms)])
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}/invocations"
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the trivial server did not start")


def measure_driver(url: str, requests: int, concurrency: int) -> dict[str, float]:
    drive(Post(url, BODY), LoadPlan(min(200, requests), concurrency, timeout=5))  # warm-up
    cpu = time.process_time()
    result = drive(Post(url, BODY), LoadPlan(requests, concurrency, timeout=5))
    cpu = time.process_time() - cpu
    stats = result.percentiles()
    return {"requests": len(result.samples), "rps": result.requests_per_s, "p50": stats["p50_ms"],
            "p95": stats["p95_ms"], "max": stats["max_ms"], "failed": len(result.failures),
            "cpu_us_per_request": cpu / len(result.samples) * 1e6}


def measure_wrk(url: str, concurrency: int, seconds: int) -> dict[str, float] | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % BODY.decode())
    try:
        done = subprocess.run([wrk, f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{seconds}s",
                               "-s", script.name, url], capture_output=True, text=True, timeout=seconds + 30)
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    count, duration_us, p50, p95, worst, errors = line.split()[1:]
    return {"requests": int(count), "rps": int(count) / (int(duration_us) / 1e6), "p50": float(p50) / 1000,
            "p95": float(p95) / 1000, "max": float(worst) / 1000, "failed": int(errors)}


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "–"


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(delay: float, args: argparse.Namespace) -> tuple[dict[str, float], dict[str, float] | None]:
    """Driver and wrk in alternating rounds on one server; the median of each figure."""
    proc, url = start_server(delay)
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    try:
        for _ in range(args.rounds):
            ours.append(measure_driver(url, args.requests, args.concurrency))
            wrk = measure_wrk(url, args.concurrency, args.wrk_seconds)
            if wrk is not None:
                theirs.append(wrk)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return median_of(ours), (median_of(theirs) if theirs else None)


def row(delay: float, tool: str, m: dict[str, float], cpu: str = "", ratios: str = "| |") -> str:
    return (f"| {delay:g} ms | {tool} | {m['requests']:.0f} | {m['rps']:.0f} | {m['p50']:.2f} "
            f"| {m['p95']:.2f} | {m['max']:.2f} | {cpu} {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--delays", default="0,5,20", help="server delays to measure, in ms")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are shown")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DELAY_MS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(int(args.serve[0]), float(args.serve[1]))
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, concurrency {args.concurrency}, "
          f"{args.requests} driver requests vs wrk for {args.wrk_seconds}s, median of {args.rounds} "
          f"alternating rounds, body {len(BODY)} bytes\n")
    print("| server delay | tool | requests | req/s | p50 ms | p95 ms | max ms | driver CPU µs/req "
          "| p50 ratio | p95 ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for delay in (float(d) for d in args.delays.split(",")):
        ours, theirs = measure(delay, args)
        ratios = (f"| {ratio(ours['p50'], theirs['p50'])} | {ratio(ours['p95'], theirs['p95'])} |"
                  if theirs else "| – | – |")
        print(row(delay, "mlsmoke", ours, f"{ours['cpu_us_per_request']:.0f}", ratios))
        print(row(delay, "wrk", theirs) if theirs else
              f"| {delay:g} ms | wrk | not installed (apt-get install wrk) | | | | | | | |")


if __name__ == "__main__":
    main()
