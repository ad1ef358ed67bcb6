"""The README documents every input and output of action.yml (a meta-test: docs stay honest)."""

from __future__ import annotations

import re

import pytest
import yaml
from helpers import REPO


def action_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- section: action -->(.*?)(?=<!-- section: |\Z)", readme, re.S)
    assert match, "README.md has no action section"
    return match.group(1)


def documented(name: str, section: str) -> bool:
    return re.search(rf"^\|\s*`{re.escape(name)}`\s*\|", section, re.M) is not None


def test_every_input_is_in_the_readmes_inputs_table() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    section = action_section()
    missing = [name for name in action["inputs"] if not documented(name, section)]
    assert missing == []


def test_every_output_is_in_the_readmes_outputs_table() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    section = action_section()
    missing = [name for name in action["outputs"] if not documented(name, section)]
    assert missing == []


def test_the_readme_documents_no_input_the_action_lacks() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    section = action_section()
    rows = re.findall(r"^\|\s*`([a-z-]+)`\s*\|", section, re.M)
    assert set(rows) <= set(action["inputs"]) | set(action["outputs"])


@pytest.mark.parametrize("name", ["mlsmoke-pr.yml", "mlsmoke-publish.yml"])
def test_the_fork_safe_workflows_in_the_readme_are_the_examples(name: str) -> None:
    shown = rf"`\.github/workflows/{re.escape(name)}`:\n\n```yaml\n(.*?)```"
    match = re.search(shown, action_section(), re.S)
    assert match, f"README.md does not show {name}"
    example = REPO / "examples" / "wine-quality" / ".github" / "workflows" / name
    assert yaml.safe_load(match.group(1)) == yaml.safe_load(example.read_text(encoding="utf-8"))
