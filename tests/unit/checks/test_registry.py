"""The registry is the one list of checks: the README documents every check id in it, no module
spells a check id of its own, every declared check has its function, and the report keeps the
registry's family order."""

from __future__ import annotations

import re

import pytest
from helpers import REPO, write_config

from checker.checks.data.rules import RULES
from checker.checks.registry import CHECK_ORDER, FAMILIES, GROUPS, checks_of
from checker.config.load import load_config
from checker.render.junit import render_junit
from checker.render.markdown import render_markdown
from checker.results.model import CheckResult, Report, Status
from checker.run import runner
from checker.run.context import RunContext

README = (REPO / "README.md").read_text(encoding="utf-8")
CHECK_ID = re.compile(rf"""["']((?:{"|".join(FAMILIES)})\.[a-z_]+)["']""")


@pytest.mark.parametrize("check_id", CHECK_ORDER)
def test_every_check_id_is_documented(check_id: str) -> None:
    assert f"`{check_id}`" in README, f"README.md does not document the check {check_id}"


def test_no_module_spells_a_check_id_outside_the_registry() -> None:
    """Families build results from the registry's constants, so every id they emit is in it."""
    spelled = {(path.relative_to(REPO).as_posix(), match)
               for path in (REPO / "checker").rglob("*.py") if path.name != "registry.py"
               for match in CHECK_ID.findall(path.read_text(encoding="utf-8"))}
    assert spelled == set()


def test_the_code_does_not_build_check_ids_from_strings() -> None:
    """The twin of the test above: an f-string id would slip past it."""
    built = {path.relative_to(REPO).as_posix()
             for path in (REPO / "checker").rglob("*.py") if path.name != "registry.py"
             if re.search(r'id=f["\']', path.read_text(encoding="utf-8"))}
    assert built == set()


def test_ids_are_unique_and_grouped_by_family_in_registry_order() -> None:
    assert len(set(CHECK_ORDER)) == len(CHECK_ORDER)
    families = [check_id.split(".")[0] for check_id in CHECK_ORDER]
    assert list(dict.fromkeys(families)) == list(FAMILIES) == [
        "data", "drift", "pipeline", "endpoint", "compare"]


@pytest.mark.parametrize("check", [c for g in GROUPS for c in g.checks], ids=lambda c: c.id)
def test_every_declared_check_has_its_function(check) -> None:
    assert callable(check.function())


def test_the_data_rules_are_the_registry_checks_between_columns_and_rows() -> None:
    ids = [c.id for c in checks_of("data")]
    assert ids[2:-1] == [f"data.{rule}" for rule in RULES]


def test_emitted_ids_are_in_the_registry(tmp_path) -> None:
    (tmp_path / "a.csv").write_text("a,b\n1,x\n2,\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t:
            rows: {min: 1}
            columns:
              a: {type: int, min: 0, unique: true}
              b: {type: string, nullable: false, allowed: [x], pattern: "x+"}
        data:
          - {contract: t, files: [a.csv, missing-*.csv]}
        drift:
          - {contract: t, reference: a.csv, current: a.csv}
        """)
    report = runner.run(RunContext(loaded=load_config(config, {}), out_dir=tmp_path / "out"), None)
    emitted = {c.id for c in report.checks} - {"data.compatibility"}  # a skip: no base ref here
    assert emitted <= set(CHECK_ORDER)
    assert {"data.readable", "data.rows", "data.unique", "drift.psi", "drift.ks"} <= emitted


def _ctx(tmp_path) -> RunContext:
    (tmp_path / "a.csv").write_text("a\n1\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {a: {type: int}}}
        data:
          - {contract: t, files: a.csv}
        """)
    return RunContext(loaded=load_config(config, {}), out_dir=tmp_path / "out")


def test_the_runner_lists_results_in_registry_family_order(tmp_path) -> None:
    """`--only drift,data` on a config without drift: the plan's drift skip comes after data."""
    report = runner.run(_ctx(tmp_path), frozenset({"drift", "data"}))
    families = [c.family for c in report.checks]
    assert families == sorted(families, key=FAMILIES.index)
    assert report.checks[-1].id == "drift.plan" and report.checks[0].id == "data.readable"


def test_renderers_keep_the_order_a_stored_report_has() -> None:
    checks = [CheckResult(id="endpoint.health", status=Status.PASS, summary="up"),
              CheckResult(id="data.rows", status=Status.PASS, summary="rows")]
    report = Report(status=Status.PASS, checks=checks, started_at="", duration_s=0.1)
    markdown = render_markdown(report)
    assert markdown.index("Endpoint") < markdown.index("Data contracts")
    junit = render_junit(report)
    assert junit.index('name="endpoint"') < junit.index('name="data"')


def test_prepare_imports_a_groups_libraries_and_its_entry_points_module(monkeypatch):
    import sys

    from checker.checks.registry import CheckGroup

    for name in ("colorsys", "netrc"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    group = CheckGroup("data", "data", "netrc:netrc", lambda _c: True, libraries=("colorsys",))
    group.prepare()
    assert {"colorsys", "netrc"} <= set(sys.modules)


def test_prepare_leaves_a_module_that_cannot_be_imported_for_the_groups_run_to_report():
    """The twin: nothing raises ahead of the checks; loading the group still fails as before,
    where the runner turns it into the group's skip (test_runner.py)."""
    from checker.checks.registry import CheckGroup

    group = CheckGroup("data", "data", "checker.checks.nowhere.family:run", lambda _c: True,
                       libraries=("no_such_library_here",))
    group.prepare()
    with pytest.raises(ModuleNotFoundError):
        group.load()
