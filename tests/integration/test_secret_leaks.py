"""Canary secrets planted in secret-named environment variables, the config (a header from
${VAR}), URLs, the GitHub token and pipeline output (plain, base64, URL-encoded, as Basic
credentials, cut by the tail's limit) never reach results.json, report.md, junit.xml, the job
summary, the step outputs, the PR comment, stdout or stderr. A variable whose name is not
secret is the failing twin: its value is shown, so the outputs do carry the pipeline's text."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import yaml
from fake_model_server import Behavior, serving
from helpers import cli
from integration.actions_env import PR, TOKEN, github_env
from integration.fake_github import FakeGithub
from real_servers import CONTRACT, FEATURES

ENV_SECRETS = {"DB_PASS": "canary-db-pass-7Hq2xL", "OPENAI_KEY": "canary-openai-key-9Zx4",
               "SERVICE_TOKEN": "canary-service-token-3Kp8"}
VISIBLE = "canary-visible-name-5Wd1"  # in MODEL_NAME: not a secret name
SHAPES = ["sk-" + "Cn4ryK3y" * 5, "xoxb-1234567890-canaryslackbot",
          "https://hooks.slack.com/services/T0CANARY/B0CANARY/canaryhooksecret", "AKIACANARY0123456789",
          "ghp_" + "Cn4ry0" * 6]
URL_SECRETS = {"canary-url-pass-4Rt6": "https://etl:{}@db.internal/x",
               "canary-url-token-6Yu7": "https://api.internal/v1?access_token={}&page=2"}
STRADDLED = ENV_SECRETS["DB_PASS"]  # the last stdout line: the tail's 4000-character cut falls inside it

TRAIN = '''\
import base64, os, sys
from urllib.parse import quote

def forms(value):
    raw = value.encode()
    basic = base64.b64encode(b"x-access-token:" + raw).decode()
    return [value, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
            quote(value, safe=""), "AUTHORIZATION: basic " + basic, "blob " + basic]

secrets = [os.environ["DB_PASS"], os.environ["OPENAI_KEY"], os.environ["SERVICE_TOKEN"], {token!r}]
for value in secrets:
    print(" ".join(forms(value)), file=sys.stderr)
print(" ".join({shapes!r}), file=sys.stderr)
print(" ".join({urls!r}), file=sys.stderr)
print("model", os.environ["MODEL_NAME"], file=sys.stderr)
print(os.environ["DB_PASS"] + "x" * 3990)
sys.exit(1)
'''


def _project(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    urls = [shape.format(secret) for secret, shape in URL_SECRETS.items()]
    (folder / "train.py").write_text(TRAIN.format(token=TOKEN, shapes=SHAPES, urls=urls), encoding="utf-8")
    config = {
        "version": 1, "contracts": CONTRACT,
        "pipeline": {"contract": "wine", "rows": 5, "command": "python train.py"},
        "endpoint": {"url": url, "protocol": "mlflow", "contract": "wine", "rows": 4, "requests": 4,
                     "headers": {"Authorization": "Bearer ${SERVICE_TOKEN}"}, "request_timeout": "2s",
                     "health": {"path": "/health", "timeout": "3s"},
                     "latency": {"p50_ms": 5000, "p95_ms": 5000}},
        "report": {"title": "Smoke ${MODEL_NAME}"},
    }
    (folder / "mlsmoke.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


def _leak_forms(secret: str) -> list[str]:
    raw = secret.encode()
    encoded = [base64.b64encode(raw), base64.urlsafe_b64encode(raw),
               base64.b64encode(b"x-access-token:" + raw)]
    return [secret, quote(secret, safe=""), *(e.decode().rstrip("=") for e in encoded)]


def _everything_written(tmp_path: Path, folder: Path, done, fake: FakeGithub) -> dict[str, str]:
    out = folder / "mlsmoke-out"
    written = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}
    written["summary"] = (tmp_path / "summary.md").read_text(encoding="utf-8")
    written["outputs"] = (tmp_path / "output.txt").read_text(encoding="utf-8")
    written["comment"] = json.dumps([c["body"] for c in fake.ours(PR)])
    # The job log hides a secret only after `::add-mask::` names it: those lines are the exception.
    log = done.stdout.splitlines()
    written["stdout"] = "\n".join(line for line in log if not line.startswith("::add-mask::"))
    written["stderr"] = done.stderr
    return written


def test_no_canary_nor_its_encodings_reaches_any_output(tmp_path: Path, fake: FakeGithub) -> None:
    behavior = Behavior(columns=FEATURES, max_rows=10, echo_auth=True)  # reflects the Authorization header
    with serving(behavior) as url:
        folder = _project(tmp_path / "project", url)
        env = {**github_env(tmp_path, fake), **ENV_SECRETS, "MODEL_NAME": VISIBLE}
        done = cli("run", cwd=folder, env=env, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(h.get("Authorization") == f"Bearer {ENV_SECRETS['SERVICE_TOKEN']}"
               for h in behavior.received_headers)
    written = _everything_written(tmp_path, folder, done, fake)
    assert {"results.json", "report.md", "junit.xml"} <= set(written)
    results = written["results.json"]
    assert VISIBLE in results and VISIBLE in written["report.md"] and VISIBLE in written["junit.xml"]
    assert 'auth_seen\\": \\"***' in results  # the reflected header is in the evidence, redacted
    canaries = [*ENV_SECRETS.values(), TOKEN, *SHAPES, *URL_SECRETS]
    leaks = [(name, form) for name, text in written.items()
             for secret in canaries for form in _leak_forms(secret) if form in text]
    assert leaks == []
    assert not [name for name, text in written.items() if STRADDLED[-8:] in text]  # no half secret either


def test_the_twin_a_value_under_a_plain_name_is_shown(tmp_path: Path, fake: FakeGithub) -> None:
    with serving(Behavior(columns=FEATURES, max_rows=10)) as url:
        folder = _project(tmp_path / "project", url)
        plain = {name.replace("DB_PASS", "DB_NAME_FOR").replace("OPENAI_KEY", "OPENAI_MODEL"): value
                 for name, value in ENV_SECRETS.items()}
        train = (folder / "train.py").read_text(encoding="utf-8")
        (folder / "train.py").write_text(train.replace('"DB_PASS"', '"DB_NAME_FOR"')
                                         .replace('"OPENAI_KEY"', '"OPENAI_MODEL"'), encoding="utf-8")
        done = cli("run", "--only", "pipeline", cwd=folder, env={**github_env(tmp_path, fake), **plain,
                                                                 "MODEL_NAME": VISIBLE}, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    results = (folder / "mlsmoke-out" / "results.json").read_text(encoding="utf-8")
    assert ENV_SECRETS["OPENAI_KEY"] in results
    assert base64.b64encode(ENV_SECRETS["OPENAI_KEY"].encode()).decode() in results
    assert ENV_SECRETS["DB_PASS"][-8:] in results  # what the tail kept of the last line
