"""A baseline of known endpoint failures against a real HTTP server: a misbehaving malformed
probe baselined is green; a new fault on top (a wrong prediction count) is still red."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from fake_model_server import Behavior, serving
from helpers import cli_in_process, write_config
from real_servers import CONTRACT, FEATURES


def config(tmp_path: Path, url: str, named: bool = True) -> Path:
    # named: an unnamed endpoint's subject is its URL, and this server's port changes
    endpoint = {**({"name": "model"} if named else {}), "url": url, "protocol": "mlflow",
                "contract": "wine", "rows": 4, "requests": 4,
                "request_timeout": "2s", "health": {"path": "/health", "timeout": "3s"},
                "malformed": {"max_rows": 10}}
    body = {"version": 1, "contracts": CONTRACT, "endpoint": endpoint}
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def checks(tmp_path: Path) -> dict[str, dict]:
    data = json.loads((tmp_path / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["checks"]}


def test_a_baselined_malformed_probe_is_green_and_a_new_fault_is_red(tmp_path: Path) -> None:
    faulty = Behavior(columns=FEATURES, max_rows=10, traceback_on_bad_input=True)
    with serving(faulty) as url:
        config(tmp_path, url)
        assert cli_in_process("run", "--no-publish", cwd=tmp_path).returncode == 1
        assert cli_in_process("baseline", cwd=tmp_path).returncode == 0
        entries = json.loads((tmp_path / ".mlsmoke" / "baseline.json").read_text())["entries"]
        assert [e["check"] for e in entries] == ["endpoint.malformed"]
        assert entries[0]["fingerprint"]["probes"]  # the probes that got a 500, by name
        done = cli_in_process("run", "--no-publish", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert checks(tmp_path)["endpoint.malformed"]["baseline"] == "known"
    worse = Behavior(columns=FEATURES, max_rows=10, traceback_on_bad_input=True, drop_predictions=1)
    with serving(worse) as url:
        config(tmp_path, url)
        done = cli_in_process("run", "--no-publish", cwd=tmp_path)
        assert done.returncode == 1
        found = checks(tmp_path)
        assert found["endpoint.predict"]["baseline"] == "new"
        assert found["endpoint.malformed"]["baseline"] == "known"


def test_an_unnamed_endpoint_is_matched_by_its_url(tmp_path: Path) -> None:
    faulty = Behavior(columns=FEATURES, max_rows=10, traceback_on_bad_input=True)
    with serving(faulty) as url:
        config(tmp_path, url, named=False)
        cli_in_process("baseline", cwd=tmp_path)
    with serving(faulty) as url:  # another port: another subject
        config(tmp_path, url, named=False)
        done = cli_in_process("run", "--no-publish", cwd=tmp_path)
        assert done.returncode == 1
        assert checks(tmp_path)["endpoint.malformed"]["baseline"] == "new"


def nothing_checked(tmp_path: Path) -> list[dict]:
    data = json.loads((tmp_path / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
    return [c for c in data["checks"] if c["id"] == "run.nothing_checked"]


def test_a_baselined_health_failure_warns_that_the_endpoint_went_unchecked(tmp_path: Path) -> None:
    with serving(Behavior(columns=FEATURES, unhealthy=True)) as url:
        config(tmp_path, url)
        assert cli_in_process("baseline", cwd=tmp_path).returncode == 0
        done = cli_in_process("run", "--no-publish", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # known: it does not gate …
    assert checks(tmp_path)["endpoint.health"]["baseline"] == "known"
    [warning] = nothing_checked(tmp_path)  # … but a green run that checked nothing says so
    assert warning["status"] == "warn" and warning["subject"] == "endpoint"
    assert "nothing was checked in endpoint beyond known failures" in warning["summary"]
    assert "skipped behind endpoint.health [model]" in warning["summary"]


def test_a_baselined_probe_beside_passing_checks_warns_of_nothing(tmp_path: Path) -> None:
    faulty = Behavior(columns=FEATURES, max_rows=10, traceback_on_bad_input=True)
    with serving(faulty) as url:
        config(tmp_path, url)
        cli_in_process("baseline", cwd=tmp_path)
        assert cli_in_process("run", "--no-publish", cwd=tmp_path).returncode == 0
    assert checks(tmp_path)["endpoint.malformed"]["baseline"] == "known"
    assert nothing_checked(tmp_path) == []
