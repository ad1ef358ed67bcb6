"""Fuzz the config: whatever mlsmoke.yml holds, `validate` and `run --only data` end with exit
0, 1 or 2 (never 3, never a traceback) within a time bound, and an alias bomb within a memory bound.

Deterministic (derandomized, bounded examples) so a failure reproduces on the next run.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from helpers import REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.cli import main

FUZZ = settings(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SECONDS_PER_EXAMPLE = 10.0
BASE: dict[str, Any] = {
    "version": 1,
    "contracts": {"t": {"columns": {"id": {"type": "int", "unique": True, "min": 0, "max": 100},
                                    "name": {"type": "string", "allowed": ["a", "b"]},
                                    "score": {"type": "float", "nullable": True}},
                        "rows": {"min": 1, "max": 10}}},
    "data": [{"contract": "t", "files": "data/*.csv"}],
    "report": {"title": "fuzz", "fail_on": "error"},
}
CSV = "id,name,score\n1,a,0.5\n2,b,\n"

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["int", "float", "string", "data/*.csv", "../../etc/*", "/etc/passwd", "${HOME}",
                     "${UNSET_FUZZ_VAR}", "1e45", ".nan", "[", "*x", "(a+)+$", "", "t"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
keys = st.one_of(st.sampled_from(["type", "min", "max", "allowed", "files", "file", "contract", "rows",
                                  "columns", "nullable", "pattern", "unique", "setup", "zebra", "Files"]),
                 st.text(max_size=10))


def _slots(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a key or list item in the document."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield (*path, key)
        yield from _slots(child, (*path, key))


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def mutated_configs(draw: st.DrawFn) -> str:
    """A valid config with a few keys replaced, deleted or added, dumped as YAML."""
    document = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_slots(document)) or [()]))
        if not path:
            break
        parent = _parent(document, path)
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(keys)] = draw(values)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@st.composite
def hostile_texts(draw: st.DrawFn) -> str:
    """Shapes no dump produces: deep nesting, aliases (bombs among them), merge keys, tags."""
    depth = draw(st.integers(1, 3000))
    width = draw(st.integers(1, 12))
    levels = draw(st.integers(1, 12))
    anchors = "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * width)}]\n"
                      for i in range(levels))
    return draw(st.sampled_from([
        "version: 1\nx: " + "[" * depth + "]" * depth + "\n",
        "version: 1\nreport: " + "{a: " * depth + "1" + "}" * depth + "\n",
        f"version: 1\nx:\n{anchors}",
        "version: 1\ncontracts:\n  t:\n    columns:\n      id: &c {type: int}\n"
        "      b: {<<: *c, <<: *c}\ndata: [{contract: t, files: *c}]\n",
        "version: 1\nreport: &r {title: *r}\n",
        "version: 1\ncontracts: !!python/object:os.system {}\n",
        "version: 1\n--- \nversion: 1\n",
        "version: !!binary aGVsbG8=\n",
    ]))


raw_bytes = st.one_of(st.binary(max_size=300),
                      st.builds(lambda head, tail: yaml.safe_dump(BASE).encode()[:head] + tail,
                                st.integers(0, 400), st.binary(max_size=40)))


def _project(text: str | bytes) -> tempfile.TemporaryDirectory[str]:
    folder = tempfile.TemporaryDirectory(prefix="mlsmoke-fuzz-")
    root = Path(folder.name)
    (root / "data").mkdir()
    (root / "data" / "x.csv").write_text(CSV, encoding="utf-8")
    config = root / "mlsmoke.yml"
    config.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def _invoke(root: Path, *args: str) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, [*args, "--config", str(root / "mlsmoke.yml")],
                                env={"GITHUB_ACTIONS": "false", "HOME": str(root)})
    elapsed = time.monotonic() - started
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert elapsed < SECONDS_PER_EXAMPLE, f"{args[0]} took {elapsed:.1f}s"


def _check(text: str | bytes, run: bool) -> None:
    with _project(text) as folder:
        root = Path(folder)
        _invoke(root, "validate")
        if run:
            _invoke(root, "run", "--only", "data", "--no-publish", "--out", str(root / "out"))


@settings(FUZZ, max_examples=60)
@given(mutated_configs())
def test_validate_survives_mutated_configs(text: str) -> None:
    _check(text, run=False)


@settings(FUZZ, max_examples=12)
@given(mutated_configs())
def test_run_only_data_survives_mutated_configs(text: str) -> None:
    _check(text, run=True)


@settings(FUZZ, max_examples=25)
@given(hostile_texts())
def test_validate_and_run_survive_hostile_yaml(text: str) -> None:
    _check(text, run=True)


@settings(FUZZ, max_examples=40)
@given(raw_bytes)
@example(b"\x00")  # found by this test: a character YAML refuses was a crash
@example(b"version: 1\nreport: {title: \"\x1b\"}\n")
def test_validate_survives_raw_bytes(content: bytes) -> None:
    _check(content, run=False)


MEMORY_PROBE = textwrap.dedent("""
    import resource, sys
    from click.testing import CliRunner
    from checker.cli import main
    import yaml, checker.config.load, checker.config.schema  # the baseline holds what every run imports
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    codes = [CliRunner().invoke(main, [*command.split(), "--config", path]).exit_code
             for path in sys.argv[1:] for command in ("validate", "run --only data --no-publish --out out")]
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, *codes)
""")


def test_alias_bombs_stay_within_a_memory_bound(tmp_path: Path) -> None:
    laughs = "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                     for p, n in zip(["", *"abcdefgh"], "abcdefghi", strict=True))
    merges = "".join(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 8) if i else '{k: v}'}], x{i}: 1}}\n"
                     for i in range(12))
    wide = "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n"
    paths = []
    for name, body in (("laughs", laughs), ("merges", merges), ("wide", wide)):
        path = tmp_path / f"{name}.yml"
        path.write_text("version: 1\n" + body, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, *paths], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(REPO), "GITHUB_ACTIONS": "false"})
    assert done.returncode == 0, done.stderr
    growth_kib, *codes = (int(word) for word in done.stdout.split())
    assert codes == [2] * 6
    assert growth_kib < 150 * 1024, f"peak RSS grew by {growth_kib // 1024} MiB"
