from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import write_config
from samples import MINIMAL_CONFIG, SPEC_EXAMPLE
from shared_tools import shared_path

from checker.config.load import load_config
from checker.errors import ConfigError, ConfigProblem

ENV = {"STAGING_URL": "http://127.0.0.1:9", "STAGING_TOKEN": "s3cret-token"}


def _problems(path: Path, environ: dict[str, str] | None = None, **kwargs: object) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as info:
        load_config(path, environ if environ is not None else {}, **kwargs)  # type: ignore[arg-type]
    return info.value.problems


def _one(path: Path, **kwargs: object) -> ConfigProblem:
    problems = _problems(path, **kwargs)  # type: ignore[arg-type]
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_spec_example_is_what_this_test_holds():
    spec = shared_path("SPEC.md")
    example = re.search(r"```yaml\n(version: 1.*?)```", spec.read_text(encoding="utf-8"), re.S)
    assert example is not None
    assert example.group(1).strip() == SPEC_EXAMPLE.strip()


def test_spec_full_example_validates(tmp_path):
    loaded = load_config(write_config(tmp_path, SPEC_EXAMPLE), ENV)
    config = loaded.config
    assert config.contract("wine").columns["quality"].role.value == "target"
    assert config.pipeline is not None and config.pipeline.timeout == 120.0
    assert config.endpoint[0].url == "http://127.0.0.1:9"
    assert config.endpoint[0].malformed is not None
    assert config.report.fail_on == "error"
    assert loaded.location("pipeline", "timeout").line == 40
    assert loaded.location("contracts", "wine", "columns", "pH").line == 6


def test_secrets_are_collected_from_headers_and_secret_looking_variables(tmp_path):
    loaded = load_config(write_config(tmp_path, SPEC_EXAMPLE), ENV)
    assert "s3cret-token" in loaded.secrets
    assert "Bearer s3cret-token" in loaded.secrets
    assert "http://127.0.0.1:9" not in loaded.secrets


def test_values_under_secret_looking_keys_are_secrets(tmp_path):
    config = (MINIMAL_CONFIG + "pipeline:\n  contract: wine\n  command: x\n"
              "  env: {HF_TOKEN: '${HF}', DB_PASSWORD: literal-pass, MODEL_DIR: /models}\n")
    loaded = load_config(write_config(tmp_path, config), {**ENV, "HF": "hf_abcdef"})
    assert {"hf_abcdef", "literal-pass"} <= loaded.secrets
    assert "/models" not in loaded.secrets


def test_wrong_type_names_file_line_and_key(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "pipeline: {contract: wine, command: x, rows: many}\n")
    problem = _one(path)
    assert (problem.file, problem.line, problem.key) == (str(path), 7, "pipeline.rows")
    assert "integer" in problem.message and "'many'" in problem.message
    assert str(problem).startswith(f"{path}:7: pipeline.rows:")


def test_unknown_column_type(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG.replace("{type: int}", "{type: integer}"))
    problem = _one(path)
    assert (problem.line, problem.key) == (6, "contracts.wine.columns.quality.type")
    assert "'int'" in problem.message and "'integer'" in problem.message


def test_unknown_key_suggests_the_close_one(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG.replace("{type: int}", "{type: int, nulable: true}"))
    problem = _one(path)
    assert (problem.line, problem.key) == (6, "contracts.wine.columns.quality.nulable")
    assert "unknown key 'nulable'" in problem.message
    assert "did you mean 'nullable'?" in problem.message


def test_bad_duration(tmp_path):
    pipeline = "pipeline:\n  contract: wine\n  command: x\n  timeout: soon\n"
    path = write_config(tmp_path, MINIMAL_CONFIG + pipeline)
    problem = _one(path)
    assert (problem.line, problem.key) == (10, "pipeline.timeout")
    assert "duration" in problem.message and "soon" in problem.message


def test_missing_contract_and_column_not_in_contract(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + """
data:
  - contract: wines
    files: data/*.csv
pipeline:
  contract: wine
  command: python train.py
  patterns:
    - when: {alcohol: {gt: 12}}
      set: {quality: 8}
""")
    problems = _problems(path)
    by_key = {p.key: p for p in problems}
    assert set(by_key) == {"data[0].contract", "pipeline.patterns[0].when.alcohol"}
    assert by_key["data[0].contract"].line == 9
    assert "no contract named 'wines' (defined: wine)" in by_key["data[0].contract"].message
    assert by_key["pipeline.patterns[0].when.alcohol"].line == 15
    assert "column 'alcohol' is not in contract 'wine'" in by_key["pipeline.patterns[0].when.alcohol"].message


def test_duplicate_key(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "report: {title: a}\nreport: {title: b}\n")
    problem = _one(path)
    assert (problem.line, problem.key, problem.message) == (8, "report", "duplicate key")


def test_invalid_yaml(tmp_path):
    path = write_config(tmp_path, "version: 1\ncontracts:\n  wine: {columns: [\n")
    problem = _one(path)
    assert problem.file == str(path) and problem.line == 4
    assert problem.message.startswith("invalid YAML")


@pytest.mark.parametrize("key", ["[a, b]", "{a: 1}", "? - a\n"])
def test_a_list_or_mapping_as_a_key_is_invalid_yaml_not_a_crash(tmp_path, key):
    path = write_config(tmp_path, f"version: 1\n{key}: 1\n")
    problem = _one(path)
    assert (problem.line, problem.message) == (2, "invalid YAML: found unhashable key")


def test_missing_file_is_a_config_error(tmp_path):
    problem = _one(tmp_path / "nope.yml")
    assert problem.message == "file not found"


def test_every_problem_is_reported_at_once_in_line_order(tmp_path):
    path = write_config(tmp_path, """
version: 2
contracts:
  wine:
    columns:
      pH: {type: flot}
pipeline: {contract: wine, command: x, timeout: -3s, seeed: 1}
""")
    problems = _problems(path)
    assert [p.key for p in problems] == ["version", "contracts.wine.columns.pH.type",
                                         "pipeline.timeout", "pipeline.seeed"]
    assert [p.line for p in problems] == [1, 5, 6, 6]
    assert "did you mean 'seed'?" in problems[-1].message


def test_contract_file_errors_point_into_the_contract_file(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "reviews.yml").write_text(
        "columns:\n  stars: {type: int, min: 1, max: 5}\n  text: {type: strng}\n", encoding="utf-8")
    path = write_config(tmp_path, "version: 1\ncontracts:\n  reviews: {file: contracts/reviews.yml}\n")
    problem = _one(path)
    assert (problem.file, problem.line, problem.key) == ("contracts/reviews.yml", 3, "columns.text.type")


def test_contract_file_locations_point_into_the_file(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "reviews.yml").write_text(
        "columns:\n  stars: {type: int, min: 1, max: 5}\n  text: {type: string}\n", encoding="utf-8")
    path = write_config(tmp_path, """
version: 1
contracts:
  reviews: {file: contracts/reviews.yml}
data:
  - {contract: reviews, files: x.csv}
""")
    loaded = load_config(path, {})
    assert list(loaded.config.contract("reviews").columns) == ["stars", "text"]
    location = loaded.location("contracts", "reviews", "columns", "text")
    assert (location.file, location.line) == ("contracts/reviews.yml", 3)


def test_missing_contract_file_points_at_the_key_that_names_it(tmp_path):
    path = write_config(tmp_path, "version: 1\ncontracts:\n  reviews: {file: contracts/nope.yml}\n")
    problem = _one(path)
    assert (problem.file, problem.line, problem.key) == (str(path), 3, "contracts.reviews.file")
    assert problem.message == "contracts/nope.yml: file not found"


def test_variables_expand_from_the_given_environment(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "report: {title: '${TITLE} on ${BRANCH:-main}'}\n")
    loaded = load_config(path, {"TITLE": "Smoke"})
    assert loaded.config.report.title == "Smoke on main"


def test_unset_variable_is_an_error_naming_its_place(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "report: {title: '${TITLE}'}\n")
    problem = _one(path)
    assert (problem.line, problem.key) == (7, "report.title")
    assert problem.message == "environment variable TITLE is not set"


def test_unset_variable_is_listed_in_validate_mode(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "report: {title: '${TITLE} ${OTHER}'}\n")
    loaded = load_config(path, {}, allow_unset=True)
    assert loaded.unset_variables == ("TITLE", "OTHER")


def test_double_dollar_escapes_a_variable(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "report: {title: 'costs $${PRICE}'}\n")
    loaded = load_config(path, {})
    assert loaded.config.report.title == "costs ${PRICE}"


def test_endpoint_list_needs_names(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + """
endpoint:
  - url: http://127.0.0.1:1
  - url: http://127.0.0.1:2
""")
    problem = _one(path)
    assert (problem.line, problem.key) == (8, "endpoint")
    assert "every entry needs a name" in problem.message


def test_top_level_must_be_a_mapping(tmp_path):
    problem = _one(write_config(tmp_path, "- just\n- a list\n"))
    assert problem.line == 1 and "mapping" in problem.message


def test_endpoint_names_must_be_unique(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + """
endpoint:
  - {name: model, url: http://127.0.0.1:1}
  - {name: model, url: http://127.0.0.1:2}
""")
    assert "endpoint names must be unique" in _one(path).message


@pytest.mark.parametrize("url", ["localhost:8080/x", "127.0.0.1:9", "ftp://u:pw@host/x", "/invocations"])
def test_an_endpoint_url_without_http_scheme_is_a_config_error(tmp_path, url):
    path = write_config(tmp_path, MINIMAL_CONFIG + f"endpoint: {{url: '{url}', contract: wine}}\n")
    problem = _one(path)
    assert problem.key == "endpoint.url" and problem.line is not None
    assert "http:// or https://" in problem.message and "pw@" not in problem.message


def test_an_unexpanded_variable_url_passes_validate(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "endpoint: {url: '${STAGING_URL}', contract: wine}\n")
    loaded = load_config(path, {}, allow_unset=True)
    assert loaded.unset_variables == ("STAGING_URL",)


def test_contract_file_problems_are_listed_with_the_other_problems(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "good.yml").write_text("columns:\n  a: {type: string}\n", encoding="utf-8")
    (tmp_path / "contracts" / "bad.yml").write_text("columns:\n  b: {type: strng}\n", encoding="utf-8")
    path = write_config(tmp_path, """
version: 1
contracts:
  good: {file: contracts/good.yml}
  bad: {file: contracts/bad.yml}
pipeline:
  contract: good
  command: x
  rows: many
  patterns: [{set: {a: x}}]
drift:
  - {contract: bad, reference: r.csv, current: c.csv, columns: [b]}
""")
    problems = _problems(path)
    assert sorted((p.file, p.key) for p in problems) == sorted([
        ("contracts/bad.yml", "columns.b.type"), (str(path), "pipeline.rows")])


def test_a_secret_in_the_wrong_place_is_not_echoed_in_the_problem(tmp_path):
    path = write_config(tmp_path, MINIMAL_CONFIG + "endpoint:\n  url: http://127.0.0.1:9\n"
                                                   "  request_timeout: '${API_TOKEN}'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path, {"API_TOKEN": "abcdef123456"})
    assert "abcdef123456" not in str(raised.value)
    assert "got '***'" in str(raised.value)


def test_a_wrong_shape_is_said_in_yaml_words(tmp_path):
    (tmp_path / "c.yml").write_text("- a\n- b\n", encoding="utf-8")
    path = write_config(tmp_path, "version: 1\ncontracts:\n  c: {file: c.yml}\n  d: [x]\n")
    messages = sorted(p.message for p in _problems(path))
    assert messages == ["expected a mapping (key: value lines), got a list"] * 2


DATA_OPTIONS = MINIMAL_CONFIG + "data:\n  - contract: wine\n    files: data/*.csv\n    {option}\n"


@pytest.mark.parametrize("option", ["csv: {delimiter: ';'}", 'csv: {delimiter: "\\t"}', "partitioning: hive"])
def test_data_read_options_are_accepted(tmp_path: Path, option: str) -> None:
    config = load_config(write_config(tmp_path, DATA_OPTIONS.replace("{option}", option)), {}).config
    assert config.data[0].csv is not None or config.data[0].partitioning == "hive"


@pytest.mark.parametrize(("option", "key"), [("csv: {delimiter: ';;'}", "delimiter"),
                                             ("partitioning: daily", "partitioning")])
def test_bad_data_read_options_are_config_errors(tmp_path: Path, option: str, key: str) -> None:
    problem = _one(write_config(tmp_path, DATA_OPTIONS.replace("{option}", option)))
    assert key in str(problem)
    assert problem.line == 10


def test_report_charts_is_on_by_default_and_takes_a_boolean(tmp_path):
    assert load_config(write_config(tmp_path, "version: 1\n"), {}).config.report.charts is True
    off = write_config(tmp_path, "version: 1\nreport: {charts: false}\n")
    assert load_config(off, {}).config.report.charts is False
    [problem] = _problems(write_config(tmp_path, "version: 1\nreport:\n  charts: sometimes\n"))
    assert (problem.key, problem.line) == ("report.charts", 3)
