"""Reports for render tests: one with every status and family, one carrying hostile text."""

from __future__ import annotations

import yaml

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

# The full example of SPEC §2, kept here so the tests run without the spec checked out
# (tests/unit/test_config.py checks it against SPEC.md when that is beside the checkout).
SPEC_EXAMPLE = """
version: 1
contracts:                     # named data contracts, used by every family
  wine:
    columns:
      fixed_acidity: {type: float, min: 3.0, max: 16.0}
      pH:            {type: float, min: 0, max: 14}
      alcohol:       {type: float, min: 0, max: 20}
      color:         {type: string, allowed: [red, white]}
      wine_id:       {type: int, unique: true}
      harvested:     {type: datetime, nullable: true}
      quality:       {type: int, min: 0, max: 10, role: target}
    rows: {min: 100}
    extra_columns: error       # error | warn | allow
  # or load one from a file:  reviews: {file: contracts/reviews.yml}

data:                          # data-contract checks on files in the repo
  - contract: wine
    files: data/*.parquet      # glob(s); CSV, Parquet, JSON Lines (by extension)
compatibility:                 # diff contracts against the base branch
  base_ref: origin/main        # default: the PR's base branch when run on a PR
drift:                         # optional: reference vs current distribution
  - contract: wine
    reference: data/train.parquet
    current: data/latest.parquet
    psi_max: 0.2
    ks_pvalue_min: 0.01

pipeline:
  contract: wine
  rows: 200
  seed: 7
  patterns:                    # controlled, known relationships in the synthetic data
    - when: {alcohol: {gt: 12}}
      set: {quality: 8}
    - when: {alcohol: {le: 12}}
      set: {quality: 4}
  python: python3              # the user's interpreter (default: python3 on PATH)
  setup: pip install -r requirements.txt      # runs once, in the user's environment
  command: python train.py --data {data} --out {out}
  timeout: 120s
  artifacts:
    - {path: "{out}/model.joblib", min_bytes: 100}
    - {path: "{out}/metrics.json", json: {accuracy: {min: 0.5}}}
  model:
    path: "{out}/model.joblib"               # joblib | pickle | skops, by extension or `format`
    output: {type: int, allowed: [4, 8]}     # or {type: float, min: 0, max: 1}
    expect:                                  # the known pattern must be learned
      - {input: {alcohol: 14.0}, output: 8}
      - {input: {alcohol: 10.0}, output: 4}
    deterministic: true                      # two runs, identical predictions

endpoint:
  url: ${STAGING_URL}          # a deployed service, or start one locally:
  # serve: {build: ./serving, port: 8080, env: {MODEL: /models/m.joblib}, ready_timeout: 60s}
  # serve: {image: registry/model:sha, port: 8080}
  headers: {Authorization: "Bearer ${STAGING_TOKEN}"}
  protocol: mlflow             # mlflow | tfserving | kserve-v2 | json (custom template)
  model: wine                  # model name, for kserve-v2 (/v2/models/{model}/…) and tfserving
  health: {path: /health, timeout: 60s}
  predict: {path: /invocations}
  contract: wine               # request rows are generated from it
  requests: 50
  concurrency: 4
  latency: {p50_ms: 100, p95_ms: 300}
  response:
    output: {type: float, min: 0, max: 1}
    schema: schemas/response.json            # optional JSON Schema for the whole body
  malformed: true              # probe bad inputs; each must get a 4xx

report:
  title: ML smoke checks
  fail_on: error               # error | warning
"""

# The wine contract of that example: the one every test that needs a realistic contract uses.
WINE = yaml.safe_load(SPEC_EXAMPLE)["contracts"]["wine"]

INJECTION = "</details><img src=x onerror=alert(1)> @someone"
BACKTICKS = "``` ```` `x` | a | b || ` | ~~~ \\| end"
# Markdown that builds links, images, emphasis, math or references where it is left as it is.
MARKUP = ("[x](https://evil.example) ![i](https://evil.example/i.png) <https://evil.example> "
          "www.evil.example https://evil.example a@evil.example **b** _e_ ~~d~~ $x$ &lt;b&gt; __init__")


def representative_report(scratch: str = "/tmp/pytest-of-ci/pytest-7/test_x0") -> Report:
    """Every status in every family, with metrics, evidence, locations and a latency check.
    `scratch` stands for a temporary folder that the snapshot normalisation hides."""
    checks = [
        CheckResult(id="data.readable", status=Status.PASS, subject="wine: data/wine.csv",
                    summary="178 rows, 15 columns", duration_s=0.0123),
        CheckResult(id="data.ranges", status=Status.FAIL, subject="wine: data/wine.csv",
                    summary="4 rows outside their range in pH, alcohol",
                    details="pH must be within [0, 14]\nalcohol must be within [0, 20]",
                    metrics={"violations": 4, "by_column": {"pH": 3, "alcohol": 1},
                             "failing_rows": {"file": "failing-rows/wine__data_wine.csv.csv", "rows": 4,
                                              "total": 4}},
                    evidence={"examples": [{"row": 17, "line": 19, "column": "pH", "value": 15.2,
                                            "rule": "outside [0, 14]"},
                                           {"row": 40, "line": 42, "column": "alcohol", "value": 21.5,
                                            "rule": "outside [0, 20]"}]},
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
                     "runner": "Linux X64", "config": "mlsmoke.yml", "artifact": "mlsmoke-results"},
        title="ML smoke checks", fail_on="error", mlsmoke_version="0.1.0",
    )


LONG_RESPONSE = ('{"error": "bad | input\n`x` <script>alert(1)</script> @someone see https://evil.example '
                 + "padding " * 20 + '"}')


def evidence_report() -> Report:
    """A big project's report: a data family of twelve checks (ten passed, folded), and the
    evidence that reads as tables: a data check's examples, the malformed probes, a
    contract's changes, with untrusted text in their cells."""
    passed = [CheckResult(id="data.readable", status=Status.PASS, subject=f"shop: data/part-{i:02d}.csv",
                          summary="100 rows, 3 columns", duration_s=0.01) for i in range(10)]
    allowed = CheckResult(
        id="data.allowed", status=Status.FAIL, subject="shop: data/part-03.csv",
        summary="2 rows with values not allowed: plan (2)",
        details="plan: 2 rows (allowed: ['basic', 'pro'])",
        metrics={"violations": 2, "failing_rows": {"file": "failing-rows/shop__data_part-03.csv.csv",
                                                  "rows": 2, "total": 2}},
        evidence={"examples": [
            {"row": 3, "line": 5, "column": "plan", "value": "Pro", "rule": "not in [basic, pro]"},
            {"row": 7, "line": 9, "column": "plan", "value": "a | b\n`c` <b>x</b> @team_x [l](https://e)",
             "rule": "not in [basic, pro]"}]},
        location=Location("data/part-03.csv", 5), duration_s=0.02)
    nulls = CheckResult(id="data.nulls", status=Status.WARN, subject="shop: data/part-04.csv",
                        summary="note has 40% nulls", duration_s=0.01)
    changes = CheckResult(
        id="data.compatibility", status=Status.FAIL, subject="shop",
        summary="2 breaking changes since origin/main: plan: column removed; price: type narrowed",
        details="3 changes (2 breaking, 1 compatible): the table of changes lists them",
        evidence={"base_ref": "origin/main", "base_commit": "abcdef012345", "changes": [
            {"column": "plan", "change": "column removed", "base": "string", "head": None,
             "kind": "breaking"},
            {"column": "price", "change": "type narrowed", "base": "float", "head": "int",
             "kind": "breaking"},
            {"column": None, "change": "rows.min lowered", "base": 100, "head": 10, "kind": "compatible"}]})
    probes = CheckResult(
        id="endpoint.malformed", status=Status.FAIL, subject="http://127.0.0.1:8080",
        summary="1 of 3 probes: wrong type: answered 200",
        metrics={"probes": 3, "failed": 1, "warned": 0},
        evidence={"probes": [
            {"id": "empty_body", "probe": "empty body", "sent": "no bytes (application/json)", "status": 400,
             "verdict": "pass", "reason": "rejected with 400", "response": '{"error": "empty"}'},
            {"id": "wrong_type", "probe": "wrong type", "sent": "a string for pH (application/json)",
             "status": 200, "verdict": "fail", "reason": "answered 200", "response": LONG_RESPONSE},
            {"id": "not_json", "probe": "not JSON", "sent": "<html> (text/html)", "verdict": "pass",
             "reason": "connection closed"}]})
    return Report(status=Status.FAIL, checks=[*passed[:3], allowed, *passed[3:], nulls, changes, probes],
                  started_at="2026-11-23T10:00:00Z", duration_s=3.5, title="ML smoke checks",
                  environment={"commit": "2222222", "run_url": "https://github.com/acme/shop/actions/runs/7",
                               "artifact": "mlsmoke-results"},
                  mlsmoke_version="0.1.0")


def hostile_report() -> Report:
    """Untrusted text in every field a check fills from data, endpoints or logs."""
    check = CheckResult(
        id="data.allowed", status=Status.FAIL, subject=f"wine: {INJECTION}",
        summary=f"value {INJECTION} not allowed | {BACKTICKS}",
        details=f"{INJECTION}\n- a list?\n# a heading?\n{BACKTICKS}\n\n    indented code?\n===\n"
                f"[x]: https://evil.example\n{MARKUP}",
        metrics={"violations": 1, "by_column": {INJECTION: 1}},
        evidence={"examples": [{"row": 3, "value": INJECTION}, {"row": 4, "value": BACKTICKS},
                               {"row": 5, "value": MARKUP}]},
    )
    passing = CheckResult(id="data.rows", status=Status.PASS, subject=f"wine | {BACKTICKS}",
                          summary=INJECTION)
    return Report(status=Status.FAIL, checks=[check, passing], started_at="2026-11-23T10:00:00Z",
                  duration_s=1.0, title=f"Smoke --> {INJECTION}", mlsmoke_version="0.1.0",
                  environment={"commit": INJECTION, "run_url": "javascript:alert(1)"})
