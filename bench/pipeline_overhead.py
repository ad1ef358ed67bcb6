"""What the pipeline family costs on top of the user's own work, on examples/wine-quality.

    python bench/pipeline_overhead.py [--repeat 3]

Runs the pipeline family (with `deterministic: true`: two trainings, two probes) in the cached
user venv the tests build, and splits its wall time into the user's time (setup + training
runs, as measured around their processes) and mlsmoke's overhead (scratch copies, synthesis,
process handling, probing the model in the user's interpreter). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from helpers import run_check  # noqa: E402
from user_env import user_venv  # noqa: E402

CONFIG = REPO / "examples" / "wine-quality" / "mlsmoke.yml"


def measure_once(env: dict[str, str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        results = {r.id: r for r in run_check(CONFIG, "pipeline", environ=env, out_dir=Path(out))}
        total = time.perf_counter() - started
    failed = [i for i, r in results.items() if r.status.value != "pass"]
    if failed:
        raise SystemExit(f"the example did not pass: {failed}")
    setup = results["pipeline.setup"].metrics["wall_s"]
    training = (results["pipeline.run"].metrics["wall_s"]
                + results["pipeline.deterministic"].metrics["rerun_wall_s"])
    return {
        "total_s": total,
        "user_setup_s": setup,
        "user_training_s": training,
        "overhead_s": total - setup - training,
        "synthesize_s": results["pipeline.synthesize"].duration_s,
        "probe_s": results["pipeline.model_load"].duration_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ)
    env["PATH"] = f"{user_venv() / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    measure_once(env)  # warm the page cache and the venv's bytecode
    runs = [measure_once(env) for _ in range(args.repeat)]
    print(f"| measure (median of {args.repeat}, s) | value |")
    print("|---|---|")
    for key in runs[0]:
        print(f"| {key} | {statistics.median(r[key] for r in runs):.2f} |")
    ratio = statistics.median(r["overhead_s"] / r["total_s"] for r in runs)
    print(f"| overhead share of total | {ratio:.0%} |")


if __name__ == "__main__":
    main()
