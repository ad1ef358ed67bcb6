"""pipeline.synthesize, pipeline.setup and pipeline.run on real projects in the real user venv."""

from __future__ import annotations

import time
from pathlib import Path

from helpers import run_check
from pipeline_project import make_project, rules_project, run_pipeline, statuses
from user_env import user_venv

DOWNSTREAM = ("pipeline.artifacts", "pipeline.metrics", "pipeline.model_load", "pipeline.predict",
              "pipeline.expect", "pipeline.deterministic")


def test_a_healthy_pipeline_passes_every_step(tmp_path: Path) -> None:
    results = run_pipeline(rules_project(tmp_path / "p", "rules.Threshold('alcohol', 12.5)",
                                         "setup: python -c \"print('setting up')\"\n"), tmp_path / "o")
    assert statuses(results)["pipeline.synthesize"] == "pass"
    assert results["pipeline.synthesize"].metrics["seed"] == 3
    assert "seed 3" in results["pipeline.synthesize"].summary
    assert results["pipeline.setup"].status.value == "pass"
    assert results["pipeline.setup"].subject == "python -c \"print('setting up')\""  # its command
    run = results["pipeline.run"]
    assert run.status.value == "pass", run.to_dict()
    assert run.metrics["exit_code"] == 0 and run.metrics["wall_s"] > 0
    assert run.metrics["peak_rss_mb"] > 1


def test_impossible_contract_fails_synthesize_and_skips_the_rest(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: tiny
        rows: 50
        command: python -c "print('never runs')"
    """)
    tiny = "  tiny:\n    columns:\n      id: {type: int, min: 0, max: 5, unique: true}\n"
    config.write_text(config.read_text().replace("contracts:\n", "contracts:\n" + tiny))
    results = run_pipeline(config, tmp_path / "o")
    synth = results["pipeline.synthesize"]
    assert synth.status.value == "fail"
    assert "50 unique integers" in synth.summary
    assert all(r.status.value == "skip" for i, r in results.items() if i != "pipeline.synthesize")
    assert "pipeline.synthesize failed" in results["pipeline.run"].summary
    # no setup configured: its skip still names what it belongs to, the pipeline's command
    command = "python -c \"print('never runs')\""
    assert results["pipeline.setup"].subject == results["pipeline.run"].subject == command


def test_failing_setup_fails_and_blocks_the_run(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", "rules.Threshold('alcohol', 12.5)",
                           "setup: python -c \"import sys; sys.exit('cannot install, no wheel for foo')\"\n")
    results = run_pipeline(config, tmp_path / "o")
    setup = results["pipeline.setup"]
    assert setup.status.value == "fail"
    assert "cannot install, no wheel for foo" in setup.summary
    assert results["pipeline.run"].status.value == "skip"
    assert "pipeline.setup failed" in results["pipeline.run"].summary


def test_a_crash_fails_run_with_the_error_in_the_evidence(tmp_path: Path) -> None:
    config = rules_project(tmp_path / "p", "rules.Threshold('alcohol', 12.5)",
                           **{"train.py": "print('loading data')\nraise RuntimeError('boom in training')\n"})
    results = run_pipeline(config, tmp_path / "o")
    run = results["pipeline.run"]
    assert run.status.value == "fail"
    assert run.summary == "exited with status 1: RuntimeError: boom in training"
    assert "Traceback" in run.evidence["stderr (last lines)"]
    assert "loading data" in run.evidence["stdout (last lines)"]
    assert run.location is not None and run.location.line is not None
    assert all(results[i].status.value == "skip" for i in DOWNSTREAM)


def test_command_not_found_is_a_clear_failure(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: wine
        command: no-such-trainer --data {data}
    """)
    results = run_pipeline(config, tmp_path / "o")
    run = results["pipeline.run"]
    assert run.status.value == "fail"
    assert run.summary.startswith("command not found:")
    assert "no-such-trainer" in run.summary


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


SLOW = '''
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
with open(os.environ["PIDS_FILE"], "w") as handle:
    handle.write(f"{os.getpid()} {child.pid}")
print("training forever", flush=True)
time.sleep(300)
'''


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pids_file = tmp_path / "pids"
    config = make_project(tmp_path / "p", f"""
        contract: wine
        command: python slow.py
        timeout: 2s
        env: {{PIDS_FILE: "{pids_file}"}}
    """, {"slow.py": SLOW})
    started = time.monotonic()
    results = run_pipeline(config, tmp_path / "o")
    assert time.monotonic() - started < 30
    run = results["pipeline.run"]
    assert run.status.value == "fail"
    assert "timed out" in run.summary and "2s timeout" in run.summary
    assert "process group was killed" in run.summary
    assert "training forever" in run.evidence["stdout (last lines)"]
    pids = [int(p) for p in pids_file.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "the script or its child survived the timeout"


def test_family_deadline_bounds_the_run(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: wine
        command: python -c "import time; time.sleep(60)"
        timeout: 60s
        deadline: 2s
    """)
    started = time.monotonic()
    results = run_pipeline(config, tmp_path / "o")
    assert time.monotonic() - started < 20
    assert "deadline" in results["pipeline.run"].summary


HARD_CODED = '''
import csv, json, os
rows = list(csv.DictReader(open("data/train.csv")))
os.makedirs("models", exist_ok=True)
json.dump({"rows": len(rows), "columns": sorted(rows[0])}, open("models/metrics.json", "w"))
'''


def test_data_path_puts_the_data_where_a_hard_coded_script_reads_it(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: wine
        rows: 40
        data_path: data/train.csv
        command: python train.py
        artifacts:
          - {path: models/metrics.json, json: {rows: {min: 40, max: 40}}}
    """, {"train.py": HARD_CODED, "data/train.csv": "wine_id,alcohol\n1,12.0\n"})
    results = run_pipeline(config, tmp_path / "o")
    assert results["pipeline.synthesize"].metrics["format"] == "csv"
    assert results["pipeline.run"].status.value == "pass", results["pipeline.run"].to_dict()
    assert results["pipeline.artifacts"].status.value == "pass"
    assert results["pipeline.metrics"].status.value == "pass", results["pipeline.metrics"].to_dict()
    assert (tmp_path / "p" / "data" / "train.csv").read_text() == "wine_id,alcohol\n1,12.0\n"


def test_without_data_path_a_hard_coded_script_fails_run(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: wine
        command: python train.py
    """, {"train.py": HARD_CODED})
    results = run_pipeline(config, tmp_path / "o")
    assert results["pipeline.run"].status.value == "fail"
    assert "FileNotFoundError" in results["pipeline.run"].summary


def test_a_pattern_setting_a_wrong_type_fails_synthesize_with_the_cause(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", """
        contract: wine
        patterns:
          - {when: {alcohol: {gt: 12}}, set: {cultivar: high}}
        command: python -c "print('never runs')"
    """)
    synth = run_pipeline(config, tmp_path / "o")["pipeline.synthesize"]
    assert synth.status.value == "fail"
    assert "cannot synthesize data" in synth.summary and "'high'" in synth.summary


def test_python_given_as_a_path_is_used_for_commands_and_probe(tmp_path: Path) -> None:
    venv_python = user_venv() / "bin" / "python"
    config = rules_project(tmp_path / "p", "rules.Threshold('alcohol', 12.5)",
                           f"python: {venv_python}\n")
    config.write_text(config.read_text().replace(
        "command: python train.py", "command: python -c \"import sys; sys.exit(0 if "
        "sys.prefix.endswith('user-venv') else 3)\" && {python} train.py"))
    results = {r.id: r for r in run_check(config, "pipeline", out_dir=tmp_path / "o")}  # PATH untouched
    assert results["pipeline.run"].status.value == "pass", results["pipeline.run"].to_dict()
    assert results["pipeline.model_load"].status.value == "pass", results["pipeline.model_load"].to_dict()
