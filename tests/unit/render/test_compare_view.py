"""The "Compared with base" section and the headline's new failures, from results.json's
`compare` object: golden, escaped, and kept through results.json (the fork-safe publish path)."""

from __future__ import annotations

from dataclasses import replace

from samples import representative_report
from snapshots import assert_golden

from checker.checks.compare.deltas import summarize
from checker.render.markdown import render_markdown, shorten_markdown
from checker.results.compare import Base
from checker.results.model import CheckResult, Report, Status
from checker.results.schema import problems
from checker.run.compare import _report


def base_report() -> Report:
    """The base branch's run: data.readable failed there (fixed now), data.ranges passed (new
    now), drift.ks failed too (not new); the endpoint was faster, the model better."""
    head = representative_report()
    changed = {"data.readable": Status.FAIL, "data.ranges": Status.PASS}
    checks = [replace(c, status=changed.get(c.id, c.status)) for c in head.checks]
    checks = [replace(c, metrics={"p50_ms": 30.0, "p95_ms": 200.0, "max_ms": 250.0, "requests": 50})
              if c.id == "endpoint.latency" else c for c in checks]
    checks.append(CheckResult(id="pipeline.metrics", status=Status.PASS, subject="python train.py",
                              summary="", metrics={"numbers": {"accuracy": 0.91, "rmse": 0.3}}))
    checks = [replace(c, metrics={**c.metrics, "rows": 170}) if c.id == "data.readable" else c
              for c in checks]
    return replace(head, checks=checks, environment={"commit": "2222222",
                                                     "run_url": "https://github.com/acme/wine/actions/runs/41"})


def compared_report() -> Report:
    head = representative_report()
    checks = [replace(c, metrics={**c.metrics, "rows": 178}) if c.id == "data.readable" else c
              for c in head.checks]
    checks += [CheckResult(id="pipeline.metrics", status=Status.PASS, subject="python train.py", summary="",
                           metrics={"numbers": {"accuracy": 0.87, "rmse": 0.3}}),
               CheckResult(id="compare.latency", status=Status.FAIL, subject="http://127.0.0.1:8080",
                           summary="p95 +56% is above +25%: p50 30 → 41 ms (+37%), p95 200 → 312 ms (+56%)")]
    head = replace(head, checks=checks)
    base = Base("artifact mlsmoke-results (run 41)", base_report(), head_sha="2" * 40,
                link="https://github.com/acme/wine/actions/runs/41")
    return replace(head, compare=summarize(head.checks, base))


def test_golden_compared_report() -> None:
    text = render_markdown(compared_report())
    assert ("### Compared with base (`2222222`, [workflow run](https://github.com/acme/wine/actions/runs/41))"
            in text)
    assert "**New failures:** `data.ranges` (wine: data/wine.csv), `compare.latency` (http\\://127" in text
    assert "✅ `data.readable` (wine: data/wine.csv)" in text
    assert "200 → 312 ms ▲ +112 ms (+56%)" in text and "▼ -0.04" in text
    assert_golden("report-compared.md", text)


def test_the_headline_names_the_new_failures_before_the_counts() -> None:
    text = render_markdown(compared_report())
    headline = next(line for line in text.splitlines() if line.startswith("**New failures:**"))
    assert headline.index("`data.ranges`") < headline.index("passed")


def test_a_report_with_nothing_new_has_no_new_failures_in_its_headline() -> None:
    head = representative_report()
    text = render_markdown(replace(head, compare=summarize(head.checks, Base("b", head))))
    assert "**New failures:**" not in text and "No new failures." in text


def test_a_skipped_comparison_says_why() -> None:
    head = representative_report()
    text = render_markdown(replace(head, compare=summarize(head.checks, Base.missing(
        "artifact mlsmoke-results", "no unexpired artifact 'mlsmoke-results' from a run on 'main'"))))
    assert "### Not compared with base (artifact mlsmoke-results)" in text
    assert "Compared with base" not in text
    assert "⏭️ Not compared: no unexpired artifact 'mlsmoke-results' from a run on 'main'" in text


def test_a_report_without_a_comparison_has_no_section() -> None:
    assert "Compared with base" not in render_markdown(representative_report())


def test_hostile_base_text_is_inert() -> None:
    report = compared_report()
    compare = dict(report.compare or {})
    compare["base"] = {"source": "x", "commit": "<img src=x onerror=alert(1)>",
                       "run_url": "javascript:alert(1)"}
    compare["new"] = [{"id": "data.nulls", "subject": "@everyone [x](http://evil)", "status": "fail",
                       "summary": "| cell | <script>"}]
    text = render_markdown(replace(report, compare=compare))
    live = text.replace("\\<", "")  # `\<` is a literal `<`
    assert "<img" not in live and "<script>" not in live and "javascript:" not in text
    assert "@everyone" not in text and "](http://evil)" not in text.replace("\\](", "")


def test_the_comparison_survives_results_json_for_mlsmoke_publish() -> None:
    report = compared_report()
    data = report.to_dict()
    assert problems(data) == []
    again = _report(__import__("json").dumps(data).encode(), "results.json")
    assert again.compare == report.compare
    assert render_markdown(again) == render_markdown(report)


def test_a_malformed_compare_object_is_named() -> None:
    data = compared_report().to_dict()
    data["compare"]["deltas"]["latency"] = {"m": {"p95_ms": {"base": "fast"}}}
    assert any("compare.deltas.latency.m.p95_ms.base" in p for p in problems(data))


def test_the_shortened_report_keeps_the_new_failures_and_drops_the_deltas() -> None:
    text = shorten_markdown(compared_report(), 2500)
    assert len(text) <= 2500
    assert "**New failures:** `data.ranges`" in text


def test_the_psi_table_aligns_its_two_text_columns_left() -> None:
    head = replace(compared_report(), compare={"base": {"source": "base.json"}, "skipped": None,
                                               "new": [], "fixed": [],
                                               "deltas": {"psi": {"wine: a → b": {"alcohol": {"base": 0.1,
                                                                                             "head": 0.3}}}}})
    text = render_markdown(head)
    assert "| Drift (PSI) | Feature | Base | Head | Change |\n|---|---|---:|---:|---:|\n" in text


def test_a_new_failure_the_baseline_knows_is_marked_and_left_out_of_the_headline() -> None:
    # the PR breaks data.ranges against the base and records it in the baseline file: the run
    # passes, so the headline must not say "New failures: data.ranges" before "0 new failures"
    report = compared_report()
    known = [replace(c, baseline="known") if c.id == "data.ranges" else c for c in report.checks]
    text = render_markdown(replace(report, checks=known))
    headline = next(line for line in text.splitlines() if line.startswith("**New failures:**"))
    assert "`data.ranges`" not in headline and "`compare.latency`" in headline
    assert "- ❌ `data.ranges` (wine: data/wine.csv) (known, baselined): " in text


def test_a_latency_one_side_lacks_is_in_whole_ms_like_the_others() -> None:
    head = replace(compared_report(), compare={
        "base": {"source": "base.json"}, "skipped": None, "new": [], "fixed": [],
        "deltas": {"latency": {"svc": {"p50_ms": {"base": None, "head": 71.88},
                                       "p95_ms": {"base": 56.02, "head": None}}}}})
    assert "| svc | – → 72 ms | 56 → – ms |" in render_markdown(head)
