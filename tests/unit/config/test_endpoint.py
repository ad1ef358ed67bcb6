"""The endpoint section's validators: the first configs a new user writes load, credentials in
a URL and line breaks in header values are refused at config time (naming file, line and key,
never echoing the value)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import write_config
from real_servers import CONTRACT

from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

PASSWORD = "hunter2-very-secret"


def _config(tmp_path: Path, endpoint: dict[str, object], contracts: bool = False) -> Path:
    body: dict[str, object] = {"version": 1, "endpoint": endpoint}
    if contracts:
        body["contracts"] = CONTRACT
    return write_config(tmp_path, yaml.safe_dump(body, sort_keys=False))


def _one_problem(path: Path, environ: dict[str, str] | None = None) -> ConfigProblem:
    with pytest.raises(ConfigError) as info:
        load_config(path, environ or {})
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.mark.parametrize("endpoint", [
    {"url": "http://127.0.0.1:8080"},
    {"url": "http://127.0.0.1:8080", "contract": "wine"},
    {"url": "http://127.0.0.1:8080", "contract": "wine", "protocol": "tfserving", "model": "wine"},
    {"url": "http://127.0.0.1:8080", "contract": "wine", "latency": None},
], ids=["url only", "url and contract", "url and protocol", "empty latency"])
def test_the_first_endpoint_configs_load_with_an_empty_latency_budget(tmp_path: Path,
                                                                      endpoint: dict[str, object]) -> None:
    entry = load_config(_config(tmp_path, endpoint, contracts=True), {}).config.endpoint[0]
    assert entry.latency.limits == {}


def test_a_latency_budget_keeps_only_the_limits_given(tmp_path: Path) -> None:
    path = _config(tmp_path, {"url": "http://127.0.0.1:8080", "latency": {"p95_ms": 250}})
    assert load_config(path, {}).config.endpoint[0].latency.limits == {"p95_ms": 250}


@pytest.mark.parametrize("url", [f"http://user:{PASSWORD}@127.0.0.1:8080", f"https://{PASSWORD}@h.example/api"])
def test_credentials_in_the_url_are_refused_without_echoing_them(tmp_path: Path, url: str) -> None:
    path = _config(tmp_path, {"url": url})
    problem = _one_problem(path)
    assert (problem.file, problem.line, problem.key) == (str(path), 3, "endpoint.url")
    assert "must not carry credentials" in problem.message and "Authorization" in problem.message
    assert PASSWORD not in str(problem)


def test_credentials_arriving_through_a_variable_are_refused_and_secret(tmp_path: Path) -> None:
    path = _config(tmp_path, {"url": "${STAGING_URL}"})
    problem = _one_problem(path, {"STAGING_URL": f"http://ci:{PASSWORD}@127.0.0.1:9"})
    assert problem.key == "endpoint.url" and PASSWORD not in str(problem)


def test_a_url_without_credentials_is_not_a_secret(tmp_path: Path) -> None:
    loaded = load_config(_config(tmp_path, {"url": "http://127.0.0.1:8080/api?x=1"}), {})
    assert loaded.config.endpoint[0].url == "http://127.0.0.1:8080/api?x=1"
    assert loaded.secrets == frozenset()


def test_url_credentials_are_secrets_in_every_form() -> None:
    from checker.config.http_fields import url_credentials

    found = url_credentials("http://ci%40corp:p%2Fw0rd-long@host:1/x")
    assert {"ci%40corp:p%2Fw0rd-long", "ci@corp:p/w0rd-long", "p/w0rd-long", "p%2Fw0rd-long",
            "Y2lAY29ycDpwL3cwcmQtbG9uZw=="} <= found
    assert url_credentials("http://host:1/a@b") == set()  # an @ in the path is not userinfo
    assert url_credentials("not a url user:pw@x") == set()


@pytest.mark.parametrize("value", ["Bearer abc\r\nX-Injected: 1", "abc\ndef", "abc\rdef", "a\x00b"])
def test_a_header_value_with_a_line_break_is_refused_naming_the_header(tmp_path: Path, value: str) -> None:
    path = _config(tmp_path, {"url": "http://127.0.0.1:8080", "headers": {"X-Api-Key": value}})
    problem = _one_problem(path)
    assert (problem.line, problem.key) == (5, "endpoint.headers.X-Api-Key")
    assert "line break" in problem.message
    assert value not in str(problem) and "abc" not in str(problem)


def test_a_line_break_arriving_through_a_variable_is_refused(tmp_path: Path) -> None:
    headers = {"Authorization": "Bearer ${TOKEN}"}
    path = _config(tmp_path, {"url": "http://127.0.0.1:8080", "headers": headers})
    problem = _one_problem(path, {"TOKEN": f"{PASSWORD}\r\nX-Evil: 1"})
    assert problem.key == "endpoint.headers.Authorization" and PASSWORD not in str(problem)


@pytest.mark.parametrize("name", ["X Api Key", "X-Key:", ""])
def test_a_malformed_header_name_is_refused(tmp_path: Path, name: str) -> None:
    path = _config(tmp_path, {"url": "http://127.0.0.1:8080", "headers": {name: "v"}})
    problem = _one_problem(path)
    assert problem.key.startswith("endpoint.headers") and "header name" in problem.message


def test_ordinary_headers_load_and_are_secrets(tmp_path: Path) -> None:
    headers = {"Authorization": "Bearer ${TOKEN}", "X-Request-Source": "mlsmoke ci; v=1"}
    loaded = load_config(_config(tmp_path, {"url": "http://127.0.0.1:8080", "headers": headers}),
                         {"TOKEN": PASSWORD})
    assert loaded.config.endpoint[0].headers == {"Authorization": f"Bearer {PASSWORD}",
                                                 "X-Request-Source": "mlsmoke ci; v=1"}
    assert PASSWORD in loaded.secrets


def test_a_basic_header_registers_its_decoded_credential_as_secret(tmp_path: Path) -> None:
    import base64

    token = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Trace": "plain"}
    loaded = load_config(_config(tmp_path, {"url": "http://127.0.0.1:8080", "headers": headers}), {})
    assert {f"Basic {token}", token, f"alice:{PASSWORD}", PASSWORD} <= loaded.secrets


def test_credential_forms_of_values_that_are_not_credentials() -> None:
    from checker.config.http_fields import credential_forms

    assert credential_forms("plain") == set()
    assert credential_forms("mlsmoke ci; v=1") == set()
    assert credential_forms("Bearer abc.def") == {"abc.def"}
    assert credential_forms("Basic not-base64!") == {"not-base64!"}


def test_malformed_allow_takes_probe_ids(tmp_path: Path) -> None:
    allow = ["empty_rows", "wrong_type"]
    path = _config(tmp_path, {"url": "http://127.0.0.1:8080", "malformed": {"allow": allow}})
    assert load_config(path, {}).config.endpoint[0].malformed.allow == allow  # type: ignore[union-attr]


def test_a_malformed_allow_entry_that_is_not_a_probe_id_is_refused(tmp_path: Path) -> None:
    problem = _one_problem(_config(tmp_path, {"url": "http://127.0.0.1:8080",
                                              "malformed": {"allow": ["empty_rows", "empty row list"]}}))
    assert (problem.line, problem.key) == (7, "endpoint.malformed.allow[1]")
    assert "'empty_rows'" in problem.message and "'too_many_rows'" in problem.message


def test_allowing_too_many_rows_needs_max_rows(tmp_path: Path) -> None:
    problem = _one_problem(_config(tmp_path, {"url": "http://127.0.0.1:8080",
                                              "malformed": {"allow": ["too_many_rows"]}}))
    assert problem.key == "endpoint.malformed"
    assert "only when max_rows is set" in problem.message
