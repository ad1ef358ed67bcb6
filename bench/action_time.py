"""How long a pull request waits for mlsmoke: under act, on examples/wine-quality (data and
pipeline families), the time from the job's start to the sticky comment in the fake GitHub API.

    python bench/action_time.py [--only a,b,c]

  (a) build: the prebuilt image cannot be pulled, the action builds it from the Dockerfile with
      no layer cache (a fresh LABEL after FROM makes every layer new)
  (b) pull, cold: the image (a) built, pushed to a local registry (../shared/tools/registry.sh)
      and removed here, so its layers travel again (the base image's stay, as on any machine
      that has it)
  (c) warm: the image of this version is already on the engine
  (d) runner: python, cold (no checker environment in the cache: pip installs it) and warm (the
      one (d) cold made); the job's Python is the tests' cached user environment, on PATH the way
      actions/setup-python puts it there

Prints a Markdown table with the machine's load average. Every image and tag it makes has a
name of its own and is removed at the end; nothing else on the engine is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from e2e.action_files import base_image, commit_all, copy_action  # noqa: E402
from integration.fake_github import FakeGithub  # noqa: E402

from checker import __version__  # noqa: E402

TOKEN = "ghs_benchToken0123456789abcdefXYZ"
PR = 7
ACT_TIMEOUT_S = 1800
WORKFLOW = """\
name: smoke
on: pull_request
jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - name: Check out (a copy; this machine has no network)
        env:
          SOURCE: ${{ env.BENCH_SOURCE }}
        run: cp -a "$SOURCE/." "$GITHUB_WORKSPACE/"
      - name: Set up Python (runner python only, as actions/setup-python does)
        if: env.BENCH_PYTHON_BIN != ''
        env:
          PYTHON_BIN: ${{ env.BENCH_PYTHON_BIN }}
        run: echo "$PYTHON_BIN" >> "$GITHUB_PATH"
      - uses: ./
        with:
          runner: ${{ env.BENCH_RUNNER }}
          checks: data,pipeline
          working-directory: project
          image-registry: ${{ env.BENCH_REGISTRY }}
          base-image: ${{ env.BENCH_BASE_IMAGE }}
"""


@dataclass
class Bench:
    root: Path
    registry: str
    owner: str = field(default_factory=lambda: f"bench{uuid.uuid4().hex[:8]}")
    made: list[str] = field(default_factory=list)  # images to remove at the end

    @property
    def image(self) -> str:
        return f"{self.registry}/{self.owner}/mlsmoke:{__version__}"


@dataclass(frozen=True)
class Timing:
    scenario: str
    seconds: float
    how: str
    load: str


def scratch_repository(bench: Bench, name: str, nonce: str | None) -> Path:
    source = bench.root / name / "source"
    copy_action(source)
    if nonce:  # no layer of this Dockerfile is in any cache
        dockerfile = source / "Dockerfile"
        lines = dockerfile.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith("FROM ")) + 1
        lines.insert(at, f"LABEL org.mlsmoke.bench.nonce={nonce}\n")
        dockerfile.write_text("".join(lines), encoding="utf-8")
    shutil.copytree(REPO / "examples" / "wine-quality", source / "project",
                    ignore=shutil.ignore_patterns(".venv", "mlsmoke-out", "__pycache__"))
    (source / ".github" / "workflows").mkdir(parents=True)
    (source / ".github" / "workflows" / "smoke.yml").write_text(WORKFLOW, encoding="utf-8")
    commit_all(source, "fix", "bench")
    return source


def time_to_comment(bench: Bench, name: str, registry: str, nonce: str | None = None,
                    **more_env: str) -> tuple[float, str]:
    """Seconds from the job's first step to the sticky comment, and the action's image log line."""
    source = scratch_repository(bench, name, nonce)
    event = bench.root / name / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": PR, "head": {"sha": "c" * 40, "ref": "fix"},
                                                  "base": {"ref": "main"}}, "number": PR}), encoding="utf-8")
    fake = FakeGithub(TOKEN, repository=f"{bench.owner}/wine")
    with fake.running():
        env = {"GITHUB_API_URL": fake.url, "GITHUB_REPOSITORY": fake.repository,
               "GITHUB_REPOSITORY_OWNER": bench.owner, "BENCH_SOURCE": str(source),
               "BENCH_REGISTRY": registry, "BENCH_BASE_IMAGE": base_image(), "BENCH_RUNNER": "docker",
               "BENCH_PYTHON_BIN": "", **more_env}
        command = ["act", "pull_request", "-W", ".github/workflows/smoke.yml", "-e", str(event),
                   "-P", "ubuntu-latest=-self-hosted", "--action-offline-mode",
                   "--action-cache-path", str(bench.root / name / "act-cache"),
                   *(part for k, v in env.items() for part in ("--env", f"{k}={v}")), "-s", "GITHUB_TOKEN"]
        return _watch(command, source, fake)


def _watch(command: list[str], source: Path, fake: FakeGithub) -> tuple[float, str]:
    process = subprocess.Popen(command, cwd=source, env={**os.environ, "GITHUB_TOKEN": TOKEN},
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    started: list[float] = []
    commented: list[float] = []

    def poll() -> None:
        while process.poll() is None and not commented:
            if fake.ours(PR):
                commented.append(time.perf_counter())
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    log: list[str] = []
    deadline = time.perf_counter() + ACT_TIMEOUT_S
    assert process.stdout is not None
    for line in process.stdout:
        log.append(line)
        if not started and "⭐ Run " in line:
            started.append(time.perf_counter())
        if time.perf_counter() > deadline:
            process.kill()
    process.wait(timeout=60)
    watcher.join(timeout=5)
    text = "".join(log)
    if process.returncode != 0 or not (started and commented):
        raise SystemExit(f"the run failed (exit {process.returncode}):\n{text[-4000:]}")
    image_lines = [line.split("| ", 1)[-1].strip() for line in log if "mlsmoke: " in line
                   and any(word in line for word in ("pulled", "built", "already", "using", "ready in"))]
    how = image_lines[0] if image_lines else "?"
    return commented[0] - started[0], how


def build_cold(bench: Bench) -> tuple[float, str]:
    closed = f"127.0.0.1:{_free_port()}"
    seconds, how = time_to_comment(bench, "a", closed, nonce=uuid.uuid4().hex)
    built = how.split("built ", 1)[1].split(" in ", 1)[0]
    bench.made.append(built)
    subprocess.run(["docker", "tag", built, bench.image], check=True)
    subprocess.run(["docker", "push", "--quiet", bench.image], check=True, capture_output=True, timeout=900)
    return seconds, how


def pull_cold(bench: Bench) -> tuple[float, str]:
    # (a)'s image and every layer only it has leave the engine; the registry keeps them
    subprocess.run(["docker", "rmi", bench.image, *bench.made], capture_output=True, timeout=300)
    bench.made.clear()
    seconds, how = time_to_comment(bench, "b", bench.registry)
    bench.made.append(bench.image)
    return seconds, how


def warm(bench: Bench) -> tuple[float, str]:
    return time_to_comment(bench, "c", bench.registry)


def python_runner(bench: Bench, name: str) -> tuple[float, str]:
    from user_env import user_venv

    return time_to_comment(bench, name, bench.registry, BENCH_RUNNER="python",
                           BENCH_PYTHON_BIN=str(user_venv() / "bin"),
                           MLSMOKE_CACHE_DIR=str(bench.root / "runner-python-cache"))


def python_cold(bench: Bench) -> tuple[float, str]:
    return python_runner(bench, "d-cold")


def python_warm(bench: Bench) -> tuple[float, str]:
    return python_runner(bench, "d-warm")


SCENARIOS: dict[str, tuple[str, Callable[[Bench], tuple[float, str]]]] = {
    "a": ("(a) build from the Dockerfile, cold", build_cold),
    "b": ("(b) prebuilt image pulled from the local registry, cold", pull_cold),
    "c": ("(c) warm engine (the version's image is here)", warm),
    "d": ("(d) runner: python, cold (pip installs the checker)", python_cold),
    "e": ("(d) runner: python, warm (its cached environment)", python_warm),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help="scenarios to run, in order (b needs a, e needs d)")
    chosen = parser.parse_args().only.split(",")
    registry_sh = next(p / "shared" / "tools" / "registry.sh" for p in REPO.parents
                       if (p / "shared" / "tools" / "registry.sh").exists())
    port = _free_port()
    up = subprocess.run(["bash", str(registry_sh), "up", str(port)], capture_output=True, text=True,
                        timeout=180)
    if up.returncode != 0:
        raise SystemExit(up.stderr)
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="mlsmoke-bench-") as scratch:
        bench = Bench(Path(scratch), f"127.0.0.1:{port}")
        try:
            for key in chosen:
                title, scenario = SCENARIOS[key]
                seconds, how = scenario(bench)
                timings.append(Timing(title, seconds, how, _load()))
                print(f"{title}: {seconds:.1f} s ({how})", file=sys.stderr)
        finally:
            subprocess.run(["docker", "rmi", *bench.made], capture_output=True, timeout=300)
            subprocess.run(["bash", str(registry_sh), "down", str(port)], capture_output=True, timeout=60)
            shutil.rmtree(f"/tmp/mlsmoke-tools/registry/{port}", ignore_errors=True)
    print("| scenario | job start → sticky comment | the action's image line | load average (1, 5, 15 min) |")
    print("|---|---:|---|---|")
    for t in timings:
        print(f"| {t.scenario} | {t.seconds:.1f} s | `{t.how}` | {t.load} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
