"""Hostile and impossible configs: each is an exit 2 naming file, line and key, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_config
from samples import MINIMAL_CONFIG, representative_report

from checker.checks.endpoint import answers
from checker.cli import main
from checker.config import limits
from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

LAUGHS = "version: 1\n" + "".join(
    f"{name}: &{name} [{','.join([f'*{prev}'] * 9) if prev else ','.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True))


def problems_of(path: Path) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    return caught.value.problems


def only_problem(path: Path) -> ConfigProblem:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--config", str(path)])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


# -- bounded memory and depth -------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit(tmp_path):
    path = write_config(tmp_path, LAUGHS)
    assert len(LAUGHS) < 400
    problem = only_problem(path)
    assert (problem.file, problem.line) == (str(path), 7)  # `g:`: 9**7 values
    assert f"expands to more than {limits.MAX_YAML_NODES:,} values" in problem.message
    assert validate(path)[0] == 2


def test_aliases_within_the_limit_still_work(tmp_path):
    path = write_config(tmp_path, """
        version: 1
        contracts:
          wine:
            columns:
              pH: &score {type: float, min: 0, max: 14}
              acidity: *score
              quality: {<<: *score, max: 10}
        """)
    contract = load_config(path, {}).config.contract("wine")
    assert contract.columns["acidity"] == contract.columns["pH"]
    assert contract.columns["quality"].max == 10


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = write_config(tmp_path, "version: 1\nreport: &r {title: x, more: [*r]}\n")
    problem = only_problem(path)
    assert problem.line == 2 and "inside its own anchor" in problem.message


@pytest.mark.parametrize("nested", ["[" * 20_000 + "]" * 20_000, "{a: " * 20_000 + "1" + "}" * 20_000,
                                    "".join(f"\n{'  ' * (i + 1)}k:" for i in range(200)) + " 1"])
def test_yaml_nested_too_deep_is_refused_with_its_line(tmp_path, nested):
    path = write_config(tmp_path, "version: 1\nreport:\n  title: x\nx: " + nested + "\n")
    problem = only_problem(path)
    assert problem.line is not None and problem.line >= 4
    assert f"nested deeper than {limits.MAX_YAML_DEPTH} levels" in problem.message
    code, output = validate(path)
    assert code == 2 and f"{path}:{problem.line}" in output


@pytest.mark.parametrize(("text", "line"), [("\x00", 1), ("version: 1\nreport: {title: \"a\x07\"}\n", 2)])
def test_a_character_yaml_refuses_is_a_config_error_with_its_line(tmp_path, text, line):
    path = tmp_path / "mlsmoke.yml"
    path.write_text(text, encoding="utf-8")
    problem = only_problem(path)
    assert problem.line == line and "invalid YAML: character #x" in problem.message
    assert validate(path)[0] == 2


@pytest.mark.parametrize("escape", ["\\UFFFFFFFF", "\\U00110000"])
def test_an_escape_beyond_unicode_is_a_config_error_with_its_line(tmp_path, escape):
    # PyYAML's scanner calls chr() on a \U escape unchecked: it was a crash (exit 3)
    path = tmp_path / "mlsmoke.yml"
    path.write_text(f'version: 1\nreport:\n  title: "ok {escape}"\n', encoding="utf-8")
    problem = only_problem(path)
    assert problem.line == 3 and "invalid YAML: found an escape code beyond Unicode" in problem.message
    assert validate(path)[0] == 2


def test_the_highest_unicode_escape_still_reads(tmp_path):
    path = write_config(tmp_path, 'version: 1\nreport:\n  title: "ok \\U0010FFFF \\U0001F600"\n')
    assert load_config(path, {}).config.report.title == "ok \U0010FFFF \U0001F600"
    assert validate(path)[0] == 0


def test_nesting_up_to_the_limit_is_a_plain_validation_problem(tmp_path):
    deep = "[" * (limits.MAX_YAML_DEPTH - 1) + "]" * (limits.MAX_YAML_DEPTH - 1)
    problem = only_problem(write_config(tmp_path, f"version: 1\nx: {deep}\n"))
    assert (problem.line, problem.key, problem.message) == (2, "x", "unknown key 'x'")


def test_a_config_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 1024)
    monkeypatch.setattr("checker.config.yamlmap.MAX_YAML_BYTES", 1024)
    path = write_config(tmp_path, MINIMAL_CONFIG + "#" * 2000 + "\n")
    problem = only_problem(path)
    assert problem.file == str(path) and "larger than 1,024 bytes" in problem.message
    assert validate(path)[0] == 2
    assert validate(write_config(tmp_path, MINIMAL_CONFIG))[0] == 0


def test_a_contract_file_over_the_size_limit_is_reported_where_the_config_names_it(tmp_path):
    (tmp_path / "big.yml").write_text("columns: {x: {type: int}}\n" + "#" * limits.MAX_YAML_BYTES)
    path = write_config(tmp_path, "version: 1\ncontracts:\n  big: {file: big.yml}\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (3, "contracts.big.file")
    assert "big.yml: larger than 1 MiB" in problem.message


def _nested_results(depth: int) -> dict[str, object]:
    data = representative_report().to_dict()
    value: object = "bottom"
    for _ in range(depth):
        value = {"deeper": value}
    data["checks"][0]["evidence"] = {"answer": value}
    return data


@pytest.mark.parametrize("fmt", ["markdown", "junit", "json"])
def test_report_on_deeply_nested_results_exits_2_and_renders_within_the_limit(tmp_path, fmt):
    hostile = tmp_path / "hostile.json"
    hostile.write_text("[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(main, ["report", str(hostile), "--format", fmt])
    assert result.exit_code == 2 and "nested deeper than 100 levels" in result.output
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps(_nested_results(limits.MAX_JSON_DEPTH - 5)))
    result = CliRunner().invoke(main, ["report", str(nested), "--format", fmt])
    assert result.exit_code == 0, result.output


def test_report_on_results_over_the_size_limit_exits_2(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RESULTS_BYTES", 4096)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(representative_report().to_dict()) + " " * 5000)
    result = CliRunner().invoke(main, ["report", str(path)])
    assert result.exit_code == 2 and "larger than 4,096 bytes" in result.output


def test_a_json_schema_too_deep_or_too_large_is_refused(tmp_path, monkeypatch):
    deep = tmp_path / "deep.json"
    deep.write_text('{"items": ' * 5000 + "{}" + "}" * 5000)
    with pytest.raises(ValueError, match=r"response\.schema deep\.json is nested deeper than 100"):
        answers.load_schema(deep)
    monkeypatch.setattr(limits, "MAX_SCHEMA_BYTES", 64)
    large = tmp_path / "large.json"
    large.write_text('{"type": "object", "description": "' + "x" * 100 + '"}')
    with pytest.raises(ValueError, match=r"response\.schema large\.json is larger than 64 bytes"):
        answers.load_schema(large)
    (tmp_path / "ok.json").write_text('{"type": "object"}')
    assert answers.load_schema(tmp_path / "ok.json") == {"type": "object"}


# -- rules that can never pass ------------------------------------------------------------------

CONTRACT = "version: 1\ncontracts:\n  t:\n    columns:\n      x: {type: int}\n"


def with_rule(rule: str) -> str:
    """CONTRACT with a table rule (`rows: …`) or a column (`y: …`) on line 6."""
    return CONTRACT + ("    " if rule.startswith("rows:") else "      ") + rule + "\n"


@pytest.mark.parametrize(("rule", "key", "message"), [
    ("rows: {min: 10, max: 5}", "contracts.t.rows", "min (10) is greater than max (5): no value can pass"),
    ("y: {type: float, min: .nan}", "contracts.t.columns.y.min", "min must be a finite number"),
    ("y: {type: float, max: .inf}", "contracts.t.columns.y.max", "max must be a finite number"),
    ("y: {type: int, min: -1.0e+45}", "contracts.t.columns.y.min",
     "min -1e+45 is outside what an int column holds (64-bit integers)"),
    ("y: {type: int, max: 9.3e+18}", "contracts.t.columns.y.max", "outside what an int column"),
    ("y: {type: int, max: 1e45}", "contracts.t.columns.y.max",
     "got the text '1e45': in YAML a number with an exponent needs a dot and a sign"),
    ("y: {type: float, min: 3, max: 1}", "contracts.t.columns.y", "min (3) is greater than max (1)"),
    ("y: {type: int, allowed: [1, \"a\"]}", "contracts.t.columns.y.allowed",
     "allowed[1]: 'a' is not an int"),
    ("y: {type: bool, allowed: [1]}", "contracts.t.columns.y.allowed", "allowed[0]: 1 is not a bool"),
    ("y: {type: int, allowed: [1, 1.0e+40]}", "contracts.t.columns.y.allowed",
     "allowed[1] 1e+40 is outside"),
    ("y: {type: float, allowed: [.nan]}", "contracts.t.columns.y.allowed", "nan is not a float"),
    ("y: {type: datetime, allowed: [2024-01-01, soon]}", "contracts.t.columns.y.allowed",
     "allowed[1]: 'soon' is not a datetime"),
    ("y: {type: string, allowed: [a, null]}", "contracts.t.columns.y.allowed",
     "null is not a value (use nullable: true)"),
])
def test_a_contract_rule_that_can_never_pass_is_a_config_error(tmp_path, rule, key, message):
    path = write_config(tmp_path, with_rule(rule))
    problem = only_problem(path)
    assert (problem.file, problem.line, problem.key) == (str(path), 6, key)
    assert message in problem.message
    code, output = validate(path)
    assert code == 2 and f"{path}:6: {key}: " in output


@pytest.mark.parametrize("rule", [
    "rows: {min: 5, max: 5}",
    "y: {type: float, min: -1.0e+300, max: 1.0e+300}",
    "y: {type: int, min: -9223372036854775808, max: 9223372036854775807}",
    "y: {type: int, min: 0.5, allowed: [1, 2.0]}",
    "y: {type: string, allowed: [1, b]}",  # YAML numbers stand for their text
    "y: {type: datetime, allowed: [2024-01-01, \"2024-02-01T10:00:00Z\"]}",
])
def test_rules_that_can_pass_are_valid(tmp_path, rule):
    assert validate(write_config(tmp_path, with_rule(rule)))[0] == 0


@pytest.mark.parametrize(("section", "line", "key", "message"), [
    ("  model: {path: m, output: {type: int, allowed: [1, a]}}", 9, "pipeline.model.output",
     "allowed[1]: 'a' is not an int"),
    ("  model: {path: m, output: {min: 1, max: 0}}", 9, "pipeline.model.output",
     "min (1.0) is greater than max"),
    ("  artifacts: [{path: m.json, json: {acc: {min: 1, max: 0.5}}}]", 9, "pipeline.artifacts[0].json.acc",
     "min (1.0) is greater than max (0.5)"),
    ("  timeout: .inf", 9, "pipeline.timeout", "finite number"),
])
def test_pipeline_rules_that_can_never_pass_are_config_errors(tmp_path, section, line, key, message):
    path = write_config(tmp_path, CONTRACT + "pipeline:\n  contract: t\n  command: x\n" + section + "\n")
    problem = only_problem(path)
    assert (problem.line, problem.key) == (line, key) and message in problem.message


# -- suggestions --------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "key", "suggested"), [
    ("data:\n  - {contract: t, files: x.csv, File: y}", "data[0].File", "files"),
    ("data:\n  - {contract: t, file: x.csv}", "data[0].file", "files"),
    ("data:\n  - {contract: t, files: x.csv, contracts: y}", "data[0].contracts", "contract"),
    ("drift:\n  - {contract: t, reference: a, current: b, psi-max: 1}", "drift[0].psi-max", "psi_max"),
    ("endpoint: {url: 'http://x', helth: {}}", "endpoint.helth", "health"),
    ("endpoint: {url: 'http://x', latency: {p95: 1}}", "endpoint.latency.p95", "p95_ms"),
    ("pipeline: {contract: t, command: x, model: {path: m, outptu: {}}}", "pipeline.model.outptu", "output"),
])
def test_an_unknown_key_suggests_the_nearest_key_of_its_own_section(tmp_path, entry, key, suggested):
    path = write_config(tmp_path, CONTRACT + entry + "\n")
    unknown = [p for p in problems_of(path) if p.key == key]
    assert len(unknown) == 1
    assert unknown[0].line == (7 if "\n" in entry else 6)
    assert unknown[0].message.endswith(f"(did you mean {suggested!r}?)")


def test_a_key_of_another_section_is_never_suggested(tmp_path):
    path = write_config(tmp_path, CONTRACT + "data:\n  - {contract: t, files: x.csv, reference: y}\n")
    [problem] = problems_of(path)
    assert problem.message == "unknown key 'reference'"
    assert "did you mean" not in problems_of(write_config(tmp_path, CONTRACT + "zebra: 1\n"))[0].message


# -- same result locally and in CI --------------------------------------------------------------

PIPELINE = CONTRACT + "pipeline:\n  contract: t\n  command: python train.py\n"


def test_validate_warns_that_a_pipeline_without_setup_runs_on_whatever_python_is_here(tmp_path):
    path = write_config(tmp_path, PIPELINE)
    code, output = validate(path)
    assert code == 0
    assert f"warning: {path}:6: pipeline: no setup, so the pipeline runs on whatever `python3`" in output
    assert "in the action's image it has only numpy, pandas, pyarrow, scikit-learn and joblib" in output


@pytest.mark.parametrize("extra", ["  setup: pip install -r requirements.txt\n",
                                   "  python: .venv/bin/python\n"])
def test_validate_does_not_warn_when_the_pipeline_sets_up_or_names_its_environment(tmp_path, extra):
    code, output = validate(write_config(tmp_path, PIPELINE + extra))
    assert code == 0 and "warning" not in output


def test_publish_refuses_deeply_nested_results_before_any_github_call(tmp_path):
    hostile = tmp_path / "results.json"
    hostile.write_text('{"a": ' * 50_000 + "1" + "}" * 50_000)
    result = CliRunner().invoke(main, ["publish", str(hostile), "--out", str(tmp_path / "out")],
                                env={"GITHUB_ACTIONS": "true", "GITHUB_API_URL": "http://127.0.0.1:9"})
    assert result.exit_code == 2, result.output
    assert f"{hostile} is not an mlsmoke results file: nested deeper than 100 levels" in result.output


ENDPOINT = CONTRACT + "endpoint:\n  url: http://127.0.0.1:8080/invocations\n  contract: t\n"


@pytest.mark.parametrize("matched", ["baseline", "compare"])
def test_validate_warns_that_an_unnamed_endpoint_is_matched_by_its_url(tmp_path, matched):
    path = write_config(tmp_path, ENDPOINT + ("compare: {}\n" if matched == "compare" else ""))
    if matched == "baseline":
        (tmp_path / ".mlsmoke").mkdir()
        (tmp_path / ".mlsmoke" / "baseline.json").write_text("{}")
    code, output = validate(path)
    assert code == 0
    assert f"warning: {path}:7: endpoint: no name, so its results are matched with " in output
    assert "Give it a `name:`" in output


@pytest.mark.parametrize("body", [ENDPOINT, ENDPOINT + "  name: staging\ncompare: {}\n"])
def test_no_warning_without_a_baseline_or_comparison_or_with_a_name(tmp_path, body):
    code, output = validate(write_config(tmp_path, body))
    assert code == 0
    assert "no name" not in output
