"""Every mlsmoke.yml snippet of the README validates: each ```yaml block whose keys are
mlsmoke.yml sections replaces those sections of the wine-quality example, and `mlsmoke
validate` accepts the result (a user copies these verbatim). Its baseline file and results.json
examples read as such files too."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers import REPO

from checker.cli import main
from checker.results.schema import problems
from checker.run.baseline import read_entries

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE = REPO / "examples" / "wine-quality"
SECTIONS = {"version", "contracts", "data", "compatibility", "drift", "pipeline", "endpoint",
            "report", "checks", "baseline", "compare", "deadlines", "limits"}
# an endpoint entry's keys shown alone (the `json` protocol): put into an endpoint of their own
ENTRY = {"url": "http://127.0.0.1:9/", "contract": "wine"}


def _snippets() -> list[tuple[int, dict[str, Any]]]:
    found = []
    for match in re.finditer(r"^```ya?ml\n(.*?)^```", README, re.S | re.M):
        line = README.count("\n", 0, match.start()) + 1
        text = match.group(1)
        indented = text.startswith(" ")
        loaded = yaml.safe_load(re.sub(r"^  ", "", text, flags=re.M) if indented else text)
        if not isinstance(loaded, dict):
            continue
        if indented and "protocol" in loaded:
            found.append((line, {"endpoint": {**ENTRY, **loaded}}))
        elif set(loaded) <= SECTIONS:
            found.append((line, loaded))
    return found


SNIPPETS = _snippets()


def test_the_readme_has_config_snippets() -> None:
    sections = {key for _, snippet in SNIPPETS for key in snippet}
    assert {"drift", "pipeline", "endpoint", "checks", "compare"} <= sections


@pytest.mark.parametrize(("line", "snippet"), SNIPPETS, ids=[f"README.md:{n}" for n, _ in SNIPPETS])
def test_a_readme_snippet_validates(tmp_path: Path, line: int, snippet: dict[str, Any]) -> None:
    project = tmp_path / "wine"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".venv", "mlsmoke-out"))
    config = yaml.safe_load((project / "mlsmoke.yml").read_text(encoding="utf-8"))
    (project / "mlsmoke.yml").write_text(yaml.safe_dump({**config, **snippet}, sort_keys=False),
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--config", str(project / "mlsmoke.yml")])
    assert result.exit_code == 0, f"README.md line {line}: {result.output}"


def _json_examples() -> dict[str, str]:
    found = re.findall(r"^```json\n(.*?)^```", README, re.S | re.M)
    return {next(iter(json.loads(text))): text for text in found}


def test_the_readme_baseline_example_is_a_baseline_file(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(_json_examples()["version"], encoding="utf-8")
    assert [e.check for e in read_entries(path)] == ["data.ranges"]


def test_the_readme_results_example_is_a_results_file() -> None:
    assert problems(json.loads(_json_examples()["schema_version"])) == []
