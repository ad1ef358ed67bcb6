"""Reports for render tests: one with every status and family, one carrying hostile text."""

from __future__ import annotations

from checker.results.model import CheckResult, Location, Report, Status

# The smallest useful mlsmoke.yml: one inline contract (lines 1–6 once written).
MINIMAL_CONFIG = """
version: 1
contracts:
  wine:
    columns:
      pH: {type: float, min: 0, max: 14}
      quality: {type: int}
"""
INJECTION = "</details><img src=x onerror=alert(1)> @someone"
BACKTICKS = "``` ```` `x` | a | b || ` | ~~~ \\| end"


def representative_report(scratch: str = "/tmp/pytest-of-ci/pytest-7/test_x0") -> Report:
    """Every status in every family, with metrics, evidence, locations and a latency check.
    `scratch` stands for a temporary folder that the snapshot normalisation hides."""
    checks = [
        CheckResult(id="data.readable", status=Status.PASS, subject="wine: data/wine.csv",
                    summary="178 rows, 15 columns", duration_s=0.0123),
        CheckResult(id="data.ranges", status=Status.FAIL, subject="wine: data/wine.csv",
                    summary="4 rows outside their range in pH, alcohol",
                    details="pH must be within [0, 14]\nalcohol must be within [0, 20]",
                    metrics={"violations": 4, "by_column": {"pH": 3, "alcohol": 1}},
                    evidence={"examples": [{"row": 17, "column": "pH", "value": 15.2},
                                           {"row": 40, "column": "alcohol", "value": 21.5}]},
                    location=Location("mlsmoke.yml", 9), duration_s=0.0456),
        CheckResult(id="data.nulls", status=Status.WARN, subject="wine: data/wine.csv",
                    summary="harvested has 2 nulls (allowed, but 40% of rows)",
                    metrics={"violations": 0, "null_fraction": 0.4}, duration_s=0.002),
        CheckResult(id="data.compatibility", status=Status.SKIP, subject="wine",
                    summary="no base ref to compare against (not a pull request)"),
        CheckResult(id="drift.psi", status=Status.PASS, subject="wine: alcohol",
                    summary="PSI 0.03 ≤ 0.2", metrics={"psi": 0.0312}, duration_s=0.31),
        CheckResult(id="drift.ks", status=Status.FAIL, subject="wine: pH",
                    summary="KS p-value 0.0004 < 0.01", metrics={"ks_pvalue": 0.0004},
                    duration_s=0.29),
        CheckResult(id="pipeline.run", status=Status.ERROR, subject="python train.py",
                    summary="the command timed out after 120 s",
                    details=f"The process group was killed.\nScratch folder: {scratch}",
                    evidence={"output_tail": f"epoch 1\nepoch 2\nwriting {scratch}/out/model.joblib"},
                    location=Location("mlsmoke.yml", 31), duration_s=120.4),
        CheckResult(id="pipeline.artifacts", status=Status.SKIP, subject="python train.py",
                    summary="the pipeline did not run"),
        CheckResult(id="endpoint.health", status=Status.PASS, subject="http://127.0.0.1:8080",
                    summary="healthy after 2 attempts", duration_s=1.52),
        CheckResult(id="endpoint.latency", status=Status.WARN, subject="http://127.0.0.1:8080",
                    summary="p95 312 ms over the 300 ms budget",
                    metrics={"p50_ms": 41.2, "p95_ms": 312.0, "max_ms": 402.7, "requests": 50},
                    duration_s=2.5),
    ]
    return Report(
        status=Status.FAIL, checks=checks, started_at="2026-11-23T10:00:00Z", duration_s=125.3,
        environment={"commit": "1111111", "ref": "refs/pull/7/merge",
                     "run_url": "https://github.com/acme/wine/actions/runs/42",
                     "runner": "Linux X64", "config": "mlsmoke.yml"},
        title="ML smoke checks", fail_on="error", mlsmoke_version="0.1.0",
    )


def hostile_report() -> Report:
    """Untrusted text in every field a check fills from data, endpoints or logs."""
    check = CheckResult(
        id="data.allowed", status=Status.FAIL, subject=f"wine: {INJECTION}",
        summary=f"value {INJECTION} not allowed | {BACKTICKS}",
        details=f"{INJECTION}\n- a list?\n# a heading?\n{BACKTICKS}\n\n    indented code?\n===",
        metrics={"violations": 1, "by_column": {INJECTION: 1}},
        evidence={"examples": [{"row": 3, "value": INJECTION}, {"row": 4, "value": BACKTICKS}]},
    )
    passing = CheckResult(id="data.rows", status=Status.PASS, subject=f"wine | {BACKTICKS}",
                          summary=INJECTION)
    return Report(status=Status.FAIL, checks=[check, passing], started_at="2026-11-23T10:00:00Z",
                  duration_s=1.0, title=f"Smoke --> {INJECTION}", mlsmoke_version="0.1.0",
                  environment={"commit": INJECTION, "run_url": "javascript:alert(1)"})
