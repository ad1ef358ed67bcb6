"""The README documents every command, option and exit code of the CLI, and every field of
results.json (a meta-test, so the docs cannot fall behind the code)."""

from __future__ import annotations

import re

import click
import pytest
from helpers import REPO
from samples import representative_report

from checker.cli import main
from checker.errors import ExitCode

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    match = re.search(rf"<!-- section: {name} -->\n(.*?)(?=<!-- section: |\Z)", README, re.S)
    assert match, f"README.md has no section {name}"
    return match.group(1)


def _options() -> list[tuple[str, str]]:
    found = [("", opt) for param in main.params if isinstance(param, click.Option)
             for opt in param.opts + param.secondary_opts]
    for name, command in main.every_command().items():
        for param in command.params:
            if isinstance(param, click.Option):
                found += [(name, opt) for opt in param.opts + param.secondary_opts]
    return found


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_cli_option_is_documented(command, option):
    cli = _section("cli")
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", cli), (
        f"README.md's CLI reference does not mention {option} of `mlsmoke {command}`".rstrip())


@pytest.mark.parametrize("command", sorted(main.every_command()))
def test_every_command_and_its_arguments_are_documented(command):
    cli = _section("cli")
    assert f"mlsmoke {command}" in cli
    assert f"### `mlsmoke {command}`" in cli
    for param in main.every_command()[command].params:
        if isinstance(param, click.Argument):
            assert param.name.upper() in cli, f"argument {param.name} of mlsmoke {command}"


def test_every_choice_is_documented():
    cli = _section("cli")
    for command in main.every_command().values():
        for param in command.params:
            if isinstance(param.type, click.Choice):
                for choice in param.type.choices:
                    assert choice in cli, f"{choice} of {param.name}"


def test_exit_codes_are_documented():
    table = _section("cli").split("### Exit codes", 1)[1]
    for code in ExitCode:
        assert re.search(rf"^\| {code.value} \| \S", table, re.M), f"exit code {code.value}"


def test_every_results_json_field_is_documented():
    report = _section("report")
    data = representative_report().to_dict()
    for key in data:
        assert re.search(rf"`{key}(?:\[\])?`", report), key
    for key in data["checks"][0]:
        assert re.search(rf"`(?:checks\[\]\.)?{key}`", report), f"checks[].{key}"
    for key in data["environment"]:
        assert f"`{key}`" in report, f"environment.{key}"
