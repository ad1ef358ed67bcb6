"""The redactor: known secrets and their encodings, secret-named environment values, token
shapes, webhook URLs; clipped values redacted whole before they are cut."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from checker.checks.pipeline.process import TAIL_MARGIN, tail
from checker.config.secrets import Redactor, environ_secrets, looks_secret
from checker.results.clip import WINDOW_MARGIN, clip_head, clip_tail, truncate
from checker.results.model import CheckResult, Status, redact_result

SECRET = "s3cr3t/Va=lue+42"
REDACT = Redactor(frozenset({SECRET}))


@pytest.mark.parametrize("name", [
    "DB_PASS", "OPENAI_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "MYSQL_PWD", "SENTRY_DSN",
    "SLACK_WEBHOOK_URL", "BASIC_AUTH", "GOOGLE_CREDENTIALS", "apiKey", "X-Api-Key", "HF_TOKEN",
    "GITHUBTOKEN", "DBPASSWORD", "INPUT_GITHUB-TOKEN", "PASS_FOR_DB",
])
def test_secret_names_are_recognised_by_their_parts(name):
    assert looks_secret(name)


@pytest.mark.parametrize("name", [
    "KEYBOARD", "PATH", "PWD", "OLDPWD", "HOME", "TOKENIZERS_PARALLELISM", "GIT_AUTHOR_NAME",
    "COMPASS_HEADING", "BYPASS_CACHE", "MONKEY", "PASSTHROUGH",
])
def test_names_that_only_contain_a_secret_word_are_not_secrets(name):
    assert not looks_secret(name)


def test_environment_values_of_secret_named_variables_are_secrets_but_not_settings_or_paths():
    environ = {"DB_PASS": "hunter2hunter2", "OPENAI_KEY": "key-value-1234", "AUTH_MODE": "disabled",
               "SHORT_TOKEN": "yes", "PWD": "/home/runner/work/repo", "USER_NAME": "someone-long"}
    assert environ_secrets(environ) == {"hunter2hunter2", "key-value-1234"}


def test_a_secret_is_replaced_with_its_base64_url_and_json_encoded_forms():
    raw = SECRET.encode()
    text = " | ".join([SECRET, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
                       quote(SECRET, safe=""), quote(SECRET, safe="").replace("%2F", "%2f"),
                       json.dumps(SECRET)[1:-1]])
    assert REDACT.text(text) == " | ".join(["***"] * 6)


def test_a_secret_inside_a_longer_base64_blob_is_found_at_any_alignment():
    for prefix in ("x-access-token:", "user:", "ab:"):
        blob = base64.b64encode(f"{prefix}{SECRET}".encode()).decode()
        assert REDACT.text(f"extraheader = AUTHORIZATION: basic {blob}") == (
            "extraheader = AUTHORIZATION: basic ***")
        assert REDACT.text(f"dump {blob} end") == "dump *** end"


def test_base64_of_text_without_a_secret_is_kept():
    blob = base64.b64encode(b"x-access-token:not-the-one").decode()
    assert REDACT.text(f"dump {blob} end") == f"dump {blob} end"
    assert Redactor().text(SECRET) == SECRET  # an unknown value is not a secret


@pytest.mark.parametrize("token", [
    "ghp_" + "a1B2" * 9, "gho_" + "Z9y8" * 9, "ghs_" + "0aZ1" * 9, "github_pat_11ABCDEFG0" + "x1" * 20,
    "xoxb-1234567890-abcdefABCDEF", "xoxp-1234-5678-abcdef0123", "sk-" + "A1b2C3d4" * 5,
    "sk-proj-" + "Q7w8E9r0" * 5, "AKIAIOSFODNN7EXAMPLE", "hf_" + "AbCd1234" * 5,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
])
def test_well_known_token_shapes_are_redacted_without_being_configured(token):
    assert Redactor().text(f"before {token} after") == "before *** after"


@pytest.mark.parametrize("text", [
    "scikit-learn and sk-learn", "ghp_short", "risk-assessment-for-the-quarterly-model-review-x",
    "AKIA is a prefix", "eyJ.not.jwt", "basic statistics over 12345678 rows",
    "https://example.com/api/v1/predict?page=2",
])
def test_text_that_only_resembles_a_token_is_kept(text):
    assert Redactor().text(text) == text


@pytest.mark.parametrize(("url", "shown"), [
    ("https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX", "https://hooks.slack.com/***"),
    ("https://discord.com/api/webhooks/123/abcSECRET", "https://discord.com/api/webhooks/***"),
    ("https://ci.example.org/hooks/deploy-9f8e7d", "https://ci.example.org/hooks/***"),
    ("https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y",
     "https://acme.webhook.office.com/***"),
])
def test_webhook_urls_lose_their_secret_path(url, shown):
    assert Redactor().text(f"posting to {url} failed") == f"posting to {shown} failed"


def test_authorization_and_bearer_credentials_are_redacted():
    assert Redactor().text('{"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz"}') == (
        '{"Authorization": "Bearer ***"}')
    assert Redactor().text("curl -H 'authorization: token abc123'") == "curl -H 'authorization: token ***'"


def test_truncation_is_redone_after_redaction_so_no_half_secret_remains():
    text = "x" * 95 + SECRET + "y" * 100
    clipped = truncate({"body": text}, max_chars=100)
    assert SECRET[:5] in json.dumps(clipped)  # what the check sees: the cut went through it
    evidence = {"found": clipped, "log": clip_tail("z" + SECRET, 5)}
    result = redact_result(CheckResult(id="endpoint.predict", status=Status.FAIL, summary="s",
                                       evidence=evidence), REDACT)
    assert result.evidence["found"] == {"body": "x" * 95 + "***yy… [98 more characters]"}
    assert result.evidence["log"] == "z***"  # short enough once redacted: no cut
    assert SECRET[:5] not in json.dumps(result.to_dict()) and SECRET[-5:] not in json.dumps(result.to_dict())


def test_nested_clipped_values_are_redacted_from_the_inside_out():
    inner = truncate("a" * 10 + SECRET, max_chars=13)
    outer = truncate([inner, "b"], max_items=1)
    assert REDACT(outer) == ["a" * 10 + "***", "… 1 more items"]


def test_process_tail_keeps_the_whole_window_for_the_redactor(tmp_path):
    log = tmp_path / "out.log"
    log.write_text("\n".join(f"line {i}" for i in range(40)) + f"\nlast {SECRET}\n", encoding="utf-8")
    shown = tail(log, lines=1, max_chars=12)
    assert shown == SECRET[-12:]  # the cut alone would keep the secret's end
    assert REDACT(shown) == "last ***"


def test_process_tail_drops_the_start_of_a_window_that_begins_inside_the_file(tmp_path):
    log = tmp_path / "out.log"
    log.write_text(SECRET * 2000 + "\n" + "z" * 100, encoding="utf-8")
    window = 3000 * 2 + TAIL_MARGIN * 4
    assert (log.stat().st_size - window) % len(SECRET)  # the window starts inside a secret
    clean = REDACT(tail(log, lines=30, max_chars=3000))
    # Redacted, the window is shorter than 3000 characters: without the dropped margin the
    # secret's end at its start would be shown.
    assert not any(SECRET[i:i + 4] in clean for i in range(len(SECRET) - 3))
    assert clean.startswith("***") and clean.endswith("***\n" + "z" * 100)


class _CountingRedactor(Redactor):
    """REDACT, remembering how many characters it was given."""

    seen: int = 0

    def text(self, text: str) -> str:
        object.__setattr__(self, "seen", self.seen + len(text))
        return super().text(text)


def test_a_long_value_is_redacted_in_a_window_around_its_cut_not_whole():
    counting = _CountingRedactor(frozenset({SECRET}))
    body = "x" * 95 + SECRET + "y" * (2 << 20)  # a 2 MiB answer with a secret across the cut
    shown = counting(truncate({"body": body}, max_chars=100))["body"]
    assert shown.startswith("x" * 95 + "***yy") and SECRET[:5] not in shown
    assert shown.endswith(f"… [{len(body) - len(SECRET) + 3 - 100} more characters]")
    assert counting.seen < 100 + WINDOW_MARGIN + 100  # the window, not 2 MiB
    assert counting(clip_tail("y" * (2 << 20) + SECRET + "z", 5)) == "…y***z"
    assert counting(clip_head(SECRET + "y" * (2 << 20), 5)) == "***yy…"


def test_a_window_that_redaction_shrinks_a_lot_is_redacted_whole():
    # 1000 secrets before the cut shrink the window far below its margin, so the secret that the
    # window's end cuts in half would move into the shown part: the whole text is redacted.
    packed = SECRET * 1000
    max_chars = len(packed) + 40
    window_end = max_chars + WINDOW_MARGIN
    body = packed + "q" * (window_end - 8 - len(packed)) + SECRET + "w" * 10
    shown = REDACT(truncate(body, max_chars=max_chars))
    assert SECRET[:8] not in shown and shown.count("***") == 1001


def test_configured_secrets_shorter_than_four_characters_are_not_redacted():
    text = "got 401 for token hunter22 (ab)"
    assert Redactor(frozenset({"hunter22", "ab", ""})).text(text) == "got 401 for token *** (ab)"
    assert Redactor(frozenset({"ab"})).text(text) == text
