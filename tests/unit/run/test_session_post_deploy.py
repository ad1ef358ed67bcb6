"""The run session on a `deployment_status` event: a live deployment's URL is the staging URL
(as `--staging-url` is) and the report is titled for its environment; a deployment that is not
live checks nothing and exits 0; a hostile event is a usage error before anything runs."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import write_config

from checker.errors import ExitCode, UsageError
from checker.github.deployment import Deployment, NotLive
from checker.run import session
from checker.run.progress import Progress
from unit.run.test_session import CONTRACT

SHA = "e" * 40
CONFIG = CONTRACT + """
    data:
      - {contract: t, files: a.csv}
    endpoint:
      - {name: model, url: "${STAGING_URL}", contract: t}
    """


def deploy_settings(tmp_path: Path, state: str = "success", *, staging_url: str | None = None,
                    only: str | None = None, **status: Any) -> session.RunSettings:
    event = {"deployment_status": {"state": state, "environment": "qa", **status},
             "deployment": {"id": 7, "sha": SHA}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    (tmp_path / "a.csv").write_text("a\n1\n", encoding="utf-8")
    options = session.RunOptions(config_path=str(write_config(tmp_path, CONFIG)), staging_url=staging_url,
                                 only=only, out_dir=str(tmp_path / "out"), publish=False)
    environ = {"GITHUB_EVENT_NAME": "deployment_status", "GITHUB_EVENT_PATH": str(path),
               "GITHUB_SHA": "f" * 40}
    return session.RunSettings.read(options, environ)


def test_a_live_deployments_url_is_the_staging_url(tmp_path: Path) -> None:
    run = deploy_settings(tmp_path, environment_url="https://qa.example/")
    assert run.options.staging_url == "https://qa.example/" and run.environ["STAGING_URL"] == "https://qa.example/"
    assert run.github.sha == SHA  # the deployed commit, whatever GITHUB_SHA says
    assert [e.url for e in session.load(run).config.endpoint] == ["https://qa.example/"]
    assert isinstance(run.deployment, Deployment)


def test_an_explicit_staging_url_wins_over_the_deployments(tmp_path: Path) -> None:
    run = deploy_settings(tmp_path, staging_url="http://127.0.0.1:8000", environment_url="https://qa.example/")
    assert run.environ["STAGING_URL"] == "http://127.0.0.1:8000"


def test_the_report_is_titled_for_the_environment(tmp_path: Path) -> None:
    log = io.StringIO()
    outcome = session.run(deploy_settings(tmp_path, target_url="http://127.0.0.1:9", only="data"),
                          Progress(log, live=False))
    assert outcome.report is not None and outcome.report.title == "post-deploy smoke: qa"
    assert json.loads((tmp_path / "out" / "results.json").read_text())["title"] == "post-deploy smoke: qa"
    note = "mlsmoke: post-deploy smoke of deployment 7 to qa (commit eeeeeee), at its target_url"
    assert note in log.getvalue()


def test_a_deployment_that_is_not_live_checks_nothing(tmp_path: Path) -> None:
    run = deploy_settings(tmp_path, "failure", environment_url="https://qa.example/")
    assert run.deployment == NotLive("failure", "qa") and run.options.staging_url is None
    log = io.StringIO()
    outcome = session.run(run, Progress(log, live=False))
    assert (outcome.report, outcome.exit_code) == (None, ExitCode.PASS)
    assert log.getvalue() == ("mlsmoke: the deployment to qa is 'failure', not 'success': nothing to check "
                              "(post-deploy smoke runs once it is live)\n")
    assert not (tmp_path / "out").exists()


def test_a_hostile_deployment_url_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="environment_url carries credentials"):
        deploy_settings(tmp_path, environment_url="https://u:p4ssw0rd@qa.example/")


def test_a_config_with_no_entry_for_the_deployments_url_says_where_it_came_from(tmp_path: Path) -> None:
    run = deploy_settings(tmp_path, environment_url="https://qa.example/")
    config = write_config(tmp_path, CONTRACT + "endpoint:\n      - {name: a, url: 'http://127.0.0.1:9/a'}\n"
                          "      - {name: b, url: 'http://127.0.0.1:9/b'}\n")
    run = replace(run, options=replace(run.options, config_path=str(config)))
    with pytest.raises(UsageError, match=r"the deployment's environment_url \(the staging URL\) needs one "
                                         "model endpoint to replace"):
        session.load(run)
