from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner
from helpers import REPO, write_config
from helpers import cli_in_process as cli
from samples import MINIMAL_CONFIG, representative_report

from checker import __version__
from checker.cli import main
from checker.render.markdown import render_markdown

NO_GITHUB = {"GITHUB_ACTIONS": "false"}
GOOD = MINIMAL_CONFIG + "report: {title: CLI test}\n"
# Four problems, on lines 5, 6, 8 and 10.
BAD = (MINIMAL_CONFIG.replace("type: float", "type: flot").replace("{type: int}", "{type: int, rol: target}")
       + "pipeline:\n  contract: wines\n  command: python train.py\n  timeout: soon\n")
HEAVY = ("pandas", "pyarrow", "sklearn", "scipy", "requests", "docker", "numpy", "jinja2")


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(representative_report().to_dict()), encoding="utf-8")
    return path


def test_validate_good_config_exits_0(tmp_path):
    write_config(tmp_path, GOOD)
    done = cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mlsmoke.yml: valid (1 contract)"


def test_validate_names_the_compare_and_checks_sections_and_no_zero_contracts(tmp_path):
    write_config(tmp_path, """
        version: 1
        endpoint: {url: "http://127.0.0.1:9/"}
        compare:
        checks:
          - {id: endpoint.health, severity: warn}
        """)
    done = cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mlsmoke.yml: valid (endpoint, compare, checks: 1 rule)"
    write_config(tmp_path, "version: 1\n")
    assert cli("validate", cwd=tmp_path).stdout.strip() == "mlsmoke.yml: valid (nothing to check)"


def test_validate_lists_unset_variables_but_passes(tmp_path):
    write_config(tmp_path, GOOD.replace("CLI test", "'${MLSMOKE_TEST_UNSET_TITLE}'"))
    done = cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "not set here: MLSMOKE_TEST_UNSET_TITLE" in done.stdout


def test_validate_bad_config_exits_2_listing_every_problem_with_file_and_line(tmp_path):
    path = write_config(tmp_path, BAD, name="smoke.yml")
    done = cli("validate", "--config", str(path), cwd=tmp_path)
    assert done.returncode == 2
    assert "the configuration has 4 problems" in done.stderr
    lines = [line.strip() for line in done.stderr.splitlines()[1:]]
    assert lines[0].startswith(f"{path}:5: contracts.wine.columns.pH.type:")
    assert lines[1].startswith(f"{path}:6: contracts.wine.columns.quality.rol: unknown key 'rol'")
    assert "did you mean 'role'?" in lines[1]
    assert lines[2].startswith(f"{path}:8: pipeline.contract: no contract named 'wines'")
    assert lines[3].startswith(f"{path}:10: pipeline.timeout:")
    assert "Traceback" not in done.stderr


def test_validate_missing_config_exits_2(tmp_path):
    done = cli("validate", "--config", "nope.yml", cwd=tmp_path)
    assert done.returncode == 2
    assert "nope.yml: file not found" in done.stderr


def test_run_with_a_bad_config_exits_2(tmp_path):
    write_config(tmp_path, BAD)
    done = cli("run", "--no-publish", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 2
    assert "mlsmoke.yml:5: contracts.wine.columns.pH.type" in done.stderr
    assert not (tmp_path / "mlsmoke-out").exists()


def test_run_with_an_unset_variable_exits_2(tmp_path):
    write_config(tmp_path, GOOD.replace("CLI test", "'${MLSMOKE_TEST_UNSET_TITLE}'"))
    done = cli("run", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 2
    assert "environment variable MLSMOKE_TEST_UNSET_TITLE is not set" in done.stderr


def test_run_only_nonsense_exits_2(tmp_path):
    write_config(tmp_path, GOOD)
    done = cli("run", "--only", "data,nonsense", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 2
    assert "unknown check family nonsense" in done.stderr


def test_run_staging_url_without_scheme_exits_2(tmp_path):
    config = write_config(tmp_path, MINIMAL_CONFIG)
    done = cli("run", "--config", str(config), "--staging-url", "localhost:8080", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "--staging-url must be an http:// or https:// URL" in done.stderr


def test_run_bad_fail_on_exits_2(tmp_path):
    write_config(tmp_path, GOOD)
    done = cli("run", "--fail-on", "sometimes", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 2


def test_run_writes_results_report_and_junit(tmp_path):
    write_config(tmp_path, GOOD)
    done = cli("run", "--only", "pipeline", "--out", "out", cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["status"] == "pass" and results["title"] == "CLI test"
    # nothing was checked: a warning (fail closed), which fails the run only with fail_on: warning
    assert [c["id"] for c in results["checks"]] == ["pipeline.plan", "run.nothing_checked"]
    assert results["checks"][0]["status"] == "skip"
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("<!-- mlsmoke:CLI test -->\n## ✅ CLI test: passed")
    junit = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    assert junit.get("tests") == "2" and junit.get("skipped") == "1"
    assert "mlsmoke: PASS" in done.stderr


@pytest.mark.parametrize("fmt", ["markdown", "junit", "json"])
def test_report_rerenders_results(results_file, fmt):
    done = cli("report", str(results_file), "--format", fmt)
    assert done.returncode == 0, done.stderr
    report = representative_report()
    if fmt == "markdown":
        assert done.stdout == render_markdown(report)
    elif fmt == "junit":
        assert ET.fromstring(done.stdout).get("tests") == "10"
    else:
        assert json.loads(done.stdout) == report.to_dict()


def test_report_defaults_to_markdown(results_file):
    done = cli("report", str(results_file))
    assert done.returncode == 0
    assert done.stdout.startswith("<!-- mlsmoke:ML smoke checks -->")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"schema_version": 1}', '{"schema_version": 9}',
                                     '{"schema_version": 1, "status": "pass", "checks": [7]}',
                                     '{"schema_version": 1, "status": "great"}',
                                     '{"schema_version": 1, "status": "pass", "checks": [{"id": "a.b", '
                                     '"status": "pass", "metrics": [1]}]}'])
def test_report_on_a_corrupt_results_file_exits_2(tmp_path, content):
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    done = cli("report", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"mlsmoke: {path} is not")
    assert "Traceback" not in done.stderr


def test_report_missing_file_and_unknown_format_exit_2(results_file, tmp_path):
    assert cli("report", str(tmp_path / "nope.json")).returncode == 2
    assert cli("report", str(results_file), "--format", "html").returncode == 2


@pytest.mark.parametrize(("message", "shown", "hidden"), [
    ("renderer exploded", "RuntimeError: renderer exploded", None),
    ("cannot reach https://bot:s3cretpw@example.com/x?token=abc123",
     "https://***@example.com/x?token=***", ("s3cretpw", "abc123")),
])
def test_a_crash_inside_mlsmoke_exits_3_says_it_is_a_bug_and_hides_url_credentials(
        results_file, monkeypatch, message, shown, hidden):
    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError(message)

    monkeypatch.setattr("checker.render.markdown.render_markdown", broken)
    result = CliRunner().invoke(main, ["report", str(results_file)])
    assert result.exit_code == 3
    assert shown in result.output
    assert "this is a bug in mlsmoke" in result.output
    assert not any(secret in result.output for secret in hidden or ())


def test_version():
    done = cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"mlsmoke, version {__version__}"


@pytest.mark.parametrize("args", [["--help"]] + [[name, "--help"] for name in main.every_command()])
def test_help_imports_nothing_heavy(args):
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['mlsmoke', *{args!r}]\n"
        "try:\n    runpy.run_module('checker', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_run_redacts_secret_looking_environment_values_that_the_pipeline_prints(tmp_path):
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: float, min: 0, max: 1}}}
        pipeline:
          contract: t
          rows: 5
          command: echo "key=$MY_API_KEY token=$GITHUB_TOKEN flag=$SHORT_TOKEN"; exit 1
        """)
    env = {"MY_API_KEY": "supersecretvalue123", "GITHUB_TOKEN": "ghs_abcdefgh12345", "SHORT_TOKEN": "yes"}
    done = cli("run", "--config", str(config), "--out", str(tmp_path / "out"), cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir())
    assert "key=*** token= flag=yes" in written  # the job token is not passed to the pipeline at all
    assert "supersecretvalue123" not in written + done.stdout + done.stderr
    assert "ghs_abcdefgh12345" not in written + done.stdout + done.stderr


TWO_MODELS = MINIMAL_CONFIG + """endpoint:
  - {name: a, url: "http://127.0.0.1:9/a", contract: CONTRACT, health: {timeout: 1s}}
  - {name: b, url: "http://127.0.0.1:9/b", contract: CONTRACT, health: {timeout: 1s}}
"""  # a short health timeout: nothing listens on port 9, and waiting 60 s proves nothing more


def test_run_staging_url_with_nowhere_to_go_exits_2(tmp_path):
    contract = next(iter(yaml.safe_load(MINIMAL_CONFIG)["contracts"]))
    config = write_config(tmp_path, TWO_MODELS.replace("CONTRACT", contract))
    done = cli("run", "--config", str(config), "--staging-url", "http://127.0.0.1:9", cwd=tmp_path,
               env=NO_GITHUB)
    assert done.returncode == 2, done.stderr
    assert "--staging-url needs one model endpoint to replace" in done.stderr
    assert "url: ${STAGING_URL}" in done.stderr


def test_run_staging_url_fills_the_entry_that_asks_for_it(tmp_path):
    contract = next(iter(yaml.safe_load(MINIMAL_CONFIG)["contracts"]))
    text = TWO_MODELS.replace("CONTRACT", contract).replace('"http://127.0.0.1:9/b"', '"${STAGING_URL}"')
    config = write_config(tmp_path, text)
    done = cli("run", "--config", str(config), "--staging-url", "http://127.0.0.1:9", "--only",
               "endpoint", "--out", str(tmp_path / "out"), cwd=tmp_path, env=NO_GITHUB)
    assert done.returncode == 1, done.stderr  # nothing listens on port 9: a failed check, not a usage error
    assert "--staging-url" not in done.stderr


def test_init_post_deploy_writes_the_post_deploy_workflow(tmp_path):
    result = cli("init", "--post-deploy", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / '.github/workflows/mlsmoke-post-deploy.yml'}\n"
    refused = cli("init", "--post-deploy", "--data", "data/*.csv", cwd=tmp_path)
    assert refused.returncode == 2 and "--data infers the starter mlsmoke.yml" in refused.stderr


def test_every_command_in_commands_py_is_one_of_the_groups_later_commands():
    """A command written in commands.py but not named in `LATER` would never be found."""
    import click

    from checker import commands

    written = {name for name, value in vars(commands).items() if isinstance(value, click.Command)}
    assert written == set(type(main).LATER)
    assert set(main.every_command()) == written | {"run"}
