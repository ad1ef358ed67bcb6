"""`serve` against the real Docker engine: build, run with the host network, wait, check,
and always stop and remove the container, with its logs in the evidence when something fails."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from docker_engine import BASE_IMAGE, docker_client
from helpers import REPO, by_id, run_check, write_config
from real_servers import free_port

from checker.results.model import CheckResult, Status

pytestmark = pytest.mark.docker

EXAMPLES = REPO / "examples"
WINE_CONTRACT = EXAMPLES / "wine-quality" / "contracts" / "wine.yml"


@pytest.fixture(scope="module")
def engine():
    return docker_client()


@pytest.fixture()
def no_leftovers(engine) -> Iterator[None]:
    """Every container mlsmoke starts during the test is gone afterwards (and the images the
    test built are removed, so temporary build folders do not pile up tags)."""
    before = {c.id for c in engine.containers.list(all=True, filters={"label": "mlsmoke=serve"})}
    images = set(_serve_tags(engine))
    yield
    after = {c.id for c in engine.containers.list(all=True, filters={"label": "mlsmoke=serve"})}
    for tag in set(_serve_tags(engine)) - images:
        engine.images.remove(tag)
    assert after <= before, "mlsmoke left a serve container behind"


def _serve_tags(engine) -> list[str]:
    return [tag for image in engine.images.list(name="mlsmoke-serve") for tag in image.tags]


def statuses(results: list[CheckResult]) -> dict[str, Status]:
    return {r.id: r.status for r in results}


def serve_config(tmp_path: Path, serve: dict, **endpoint: object) -> Path:
    # A copy inside the project: config paths never leave it (README "Limits").
    (tmp_path / "contracts").mkdir(exist_ok=True)
    shutil.copy(WINE_CONTRACT, tmp_path / "contracts" / "wine.yml")
    body = {"version": 1, "contracts": {"wine": {"file": "contracts/wine.yml"}}, "endpoint": {
        "serve": serve, "contract": "wine", "rows": 4, "requests": 10, "concurrency": 2,
        "health": {"timeout": "20s"}, **endpoint}}
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def app_config(tmp_path: Path, instructions: str, **serve: object) -> Path:
    """A config serving a one-off image: the base image plus these Dockerfile instructions."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n" + instructions)
    return serve_config(tmp_path, {"build": "app", "build_args": {"BASE_IMAGE": BASE_IMAGE},
                                   "port": free_port(), **serve})


@pytest.mark.usefixtures("no_leftovers")
def test_the_wine_example_is_built_served_and_passes(tmp_path: Path) -> None:
    environ = {"BASE_IMAGE": BASE_IMAGE, "SERVE_PORT": str(free_port())}
    results = run_check(EXAMPLES / "wine-quality" / "mlsmoke.yml", "endpoint", environ=environ,
                        out_dir=tmp_path / "out")  # the report files stay out of examples/
    assert statuses(results) == {check: Status.PASS for check in (
        "endpoint.serve", "endpoint.health", "endpoint.predict", "endpoint.latency",
        "endpoint.malformed", "endpoint.errors")}, [r.to_dict() for r in results]
    serve = by_id(results, "endpoint.serve")
    assert serve.subject == "wine-model" and "is up at http://127.0.0.1:" in serve.summary
    assert by_id(results, "endpoint.latency").metrics["requests"] == 50


@pytest.mark.usefixtures("no_leftovers")
def test_the_broken_example_500s_on_malformed_input(tmp_path: Path) -> None:
    environ = {"BASE_IMAGE": BASE_IMAGE, "SERVE_PORT": str(free_port())}
    results = run_check(EXAMPLES / "broken" / "mlsmoke.yml", "endpoint", environ=environ,
                        out_dir=tmp_path / "out")  # the report files stay out of examples/
    assert statuses(results) == {"endpoint.serve": Status.PASS, "endpoint.health": Status.PASS,
                                 "endpoint.predict": Status.PASS, "endpoint.latency": Status.PASS,
                                 "endpoint.malformed": Status.FAIL, "endpoint.errors": Status.PASS}
    malformed = by_id(results, "endpoint.malformed")
    assert malformed.summary == (
        "6 of 6 probes: wrong content type: HTTP 200: the malformed input was not rejected with a 4xx; "
        "missing column, wrong type, empty body, invalid JSON, empty row list: HTTP 500: a server error "
        "instead of a 4xx")
    assert "Traceback (most recent call last)" in malformed.evidence["probes"][0]["response"]
    assert "container_logs" in malformed.evidence


@pytest.mark.usefixtures("no_leftovers")
def test_a_container_that_exits_fails_serve_with_its_logs(tmp_path: Path) -> None:
    crash = "print('loading model'); raise SystemExit('model.joblib not found')"
    config = app_config(tmp_path, f'CMD ["python", "-c", "{crash}"]\n', ready_timeout="20s")
    results = run_check(config, "endpoint")
    serve = by_id(results, "endpoint.serve")
    assert serve.status is Status.FAIL
    assert "the container exited with code 1" in serve.summary
    assert "model.joblib not found" in serve.evidence["logs"]
    assert all(r.status is Status.SKIP for r in results if r.id != "endpoint.serve")


@pytest.mark.usefixtures("engine", "no_leftovers")
def test_a_container_that_never_listens_fails_within_ready_timeout(tmp_path: Path) -> None:
    config = app_config(tmp_path, (
        "CMD [\"python\", \"-c\", \\\n"
        "     \"import time; print('warming up forever', flush=True); time.sleep(600)\"]\n"),
        ready_timeout="3s")
    started = time.monotonic()
    results = run_check(config, "endpoint")
    assert time.monotonic() - started < 30
    serve = by_id(results, "endpoint.serve")
    assert serve.status is Status.FAIL
    assert "did not accept connections within 3s" in serve.summary
    assert "warming up forever" in serve.evidence["logs"]


@pytest.mark.usefixtures("no_leftovers")
def test_an_existing_image_is_used_without_building(tmp_path: Path, engine) -> None:
    engine.images.build(path=str(EXAMPLES / "broken" / "serving"), tag="mlsmoke-test-broken:1",
                        buildargs={"BASE_IMAGE": BASE_IMAGE}, network_mode="host", rm=True)
    try:
        port = free_port()
        config = serve_config(tmp_path, {"image": "mlsmoke-test-broken:1", "port": port},
                              requests=0)
        results = run_check(config, "endpoint")
        assert by_id(results, "endpoint.serve").status is Status.PASS
        assert by_id(results, "endpoint.predict").status is Status.PASS
        assert "using local image mlsmoke-test-broken:1" in by_id(results, "endpoint.serve").evidence["steps"]
    finally:
        engine.images.remove("mlsmoke-test-broken:1")


@pytest.mark.usefixtures("no_leftovers")
def test_a_port_already_in_use_is_refused(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = serve_config(tmp_path, {"image": BASE_IMAGE, "port": port})
        serve = by_id(run_check(config, "endpoint"), "endpoint.serve")
    assert serve.status is Status.FAIL
    assert f"port {port} is already in use" in serve.summary


@pytest.mark.usefixtures("no_leftovers")
def test_a_failing_build_fails_serve_with_the_build_log(tmp_path: Path) -> None:
    failing = "print('installing'); raise SystemExit('requirements.txt: no such file')"
    config = app_config(tmp_path, f'RUN python -c "{failing}"\n')
    results = run_check(config, "endpoint")
    serve = by_id(results, "endpoint.serve")
    assert serve.status is Status.FAIL
    assert serve.summary.startswith("docker build of app failed")
    assert "requirements.txt: no such file" in serve.evidence["logs"]
    assert by_id(results, "endpoint.health").summary == "skipped: the service did not start"


@pytest.mark.usefixtures("no_leftovers")
def test_a_build_that_outlasts_the_deadline_is_stopped(tmp_path: Path) -> None:
    config = app_config(tmp_path, "RUN for i in $(seq 60); do echo step $i; sleep 1; done\n")
    body = yaml.safe_load(config.read_text())
    body["endpoint"]["deadline"] = "12s"
    config.write_text(yaml.safe_dump(body, sort_keys=False))
    started = time.monotonic()
    results = run_check(config, "endpoint")
    assert time.monotonic() - started < 12 + 8
    serve = by_id(results, "endpoint.serve")
    assert serve.status is Status.FAIL
    assert "was stopped by the endpoint deadline" in serve.summary, serve.summary
    assert by_id(results, "endpoint.health").summary == "skipped: the service did not start"
