"""Which values are secret, and the one redactor that hides them (and every credential
shape) wherever they turn up: what a run must never write, print or publish.

It replaces with `***`:
- known secret values (configured header values and `${VAR}`s, values of environment
  variables named like secrets, the GitHub token) and their encoded forms: base64 (also
  inside a longer base64 blob such as `basic base64(x-access-token:TOKEN)`), URL-encoded
  and JSON-escaped;
- well-known token shapes (GitHub, GitLab, Slack, OpenAI-style, Hugging Face, AWS access
  key ids, Google API keys, JWTs, private key blocks) and the secret path of webhook URLs;
- URL userinfo, token-like query values and `Authorization:` / `Bearer` credentials.

The config decides what is secret; the runner applies the redactor once per result, before
progress shows it and before the report is built. A clipped value (results/clip.py) knows
how to be cut again: it is redacted whole, then cut.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Any
from urllib.parse import quote, quote_plus

from checker.record import record

PLACEHOLDER = "***"
MIN_SECRET_CHARS = 4  # a configured secret; shorter values would garble every report
MIN_ENV_SECRET = 8  # an environment value, only known by its variable's name
# Values a secret-named variable often holds that are settings, not secrets.
_SETTING_WORDS = frozenset({"true", "false", "yes", "no", "none", "null", "enabled", "disabled",
                            "required", "optional", "password", "token"})

# Name parts (split at `_`, `-`, `.` and camelCase) that make a variable's value a secret.
_SECRET_PARTS = frozenset({
    "TOKEN", "TOKENS", "SECRET", "SECRETS", "PASS", "PASSWORD", "PASSWORDS", "PASSWD",
    "PASSPHRASE", "PWD", "KEY", "KEYS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "CREDS", "AUTH",
    "AUTHORIZATION", "WEBHOOK", "WEBHOOKS", "DSN", "PAT", "COOKIE", "PRIVATE", "SIGNATURE", "SAS",
})
# …or that end a part (GITHUBTOKEN, DBPASSWORD, SLACKWEBHOOK).
_SECRET_SUFFIXES = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "APIKEY", "ACCESSKEY", "CREDENTIALS",
                    "CREDENTIAL", "WEBHOOK")
# The shell's working directories: paths, not passwords (MYSQL_PWD or DB_PWD still are).
_NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD"})

_TOKEN_SHAPES = re.compile("|".join((
    r"\bgh[pousr]_[A-Za-z0-9]{30,}",  # GitHub classic, OAuth, server, refresh
    r"\bgithub_pat_[A-Za-z0-9_]{30,}",
    r"\bglpat-[A-Za-z0-9_-]{20,}",  # GitLab
    r"\bx(?:ox[abposer]|app)-[A-Za-z0-9-]{10,}",  # Slack bot, user, app tokens
    r"(?<![\w-])sk-[A-Za-z0-9_-]{32,}",  # OpenAI-style (sk-…, sk-proj-…)
    r"\bhf_[A-Za-z0-9]{30,}",  # Hugging Face
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",  # AWS access key ids
    r"\bAIza[0-9A-Za-z_-]{35}",  # Google API keys
    r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
    r"(?s:-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$))",
)))
# The shapes that hold a literal, in the order they apply: (pattern, flags, replacement, what
# every match holds). Each is compiled on the first text that holds its literal and runs only
# on such texts: most texts hold none, so most runs compile none of them. An ignore-case
# literal is looked for in the ASCII text lowercased (non-ASCII text always runs the shape:
# `ı` matches `i` ignoring case, and lowercases to itself).
_LITERAL_SHAPES: tuple[tuple[str, int, str, str], ...] = (
    # Webhook URLs whose path is the secret: the host stays, the path goes.
    (r"(https?://(?:hooks\.slack\.com|[\w.-]+\.webhook\.office\.com)/"
     r"|https?://[^\s/\"'<>]+/(?:[^\s\"'<>?#]*/)?(?:hooks|webhooks?|webhookb2)/)[^\s\"'<>]+",
     re.IGNORECASE, rf"\1{PLACEHOLDER}", "://"),
    # Credentials that show up in exception messages, git errors and program output.
    (r"(?<=://)[^\s/@:'\"<>]*:[^\s/@'\"<>]*@", 0, f"{PLACEHOLDER}@", "://"),
    (r"([?&](?:[\w.-]*[_.-])?(?:token|secret|password|passwd|apikey|key|sig|signature|auth|"
     r"credentials?)=)[^&\s#'\"<>]+", re.IGNORECASE, rf"\1{PLACEHOLDER}", "="),
    (r"(\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:(?:basic|bearer|token|digest)\s+)?+)"
     r"(?!\*\*\*)[^\s\"',;}]+", re.IGNORECASE, rf"\1{PLACEHOLDER}", "authorization"),
    (r"(\bbearer\s+)[A-Za-z0-9._~+/-]{16,}=*", re.IGNORECASE, rf"\1{PLACEHOLDER}", "bearer"),
)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")
# Fast paths of Redactor.text (tests/unit/config/test_secrets_fast.py proves them against the
# full pass): every shape above without `:` or `=` is at least 12 characters long (the base64
# run), and text made of number characters can hold no shape but a base64 run.
_SHORTEST_SHAPE = 12
_NUMBER = re.compile(r"[0-9.eE+-]*")
# A run redacts the same few texts thousands of times (column names, rules, subjects: 331
# distinct texts in 17,413 for 50 files), so each short one is redacted once and remembered.
_MEMO_CHARS = 256
_MEMO_ENTRIES = 4096
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _may_hold(text: str, literal: str, *, ignore_case: bool) -> bool:
    """Whether a shape holding `literal` could match in `text` (False only when it cannot)."""
    if not ignore_case:
        return literal in text
    return not text.isascii() or literal in text.lower()


@functools.cache
def _literal_shape(shape: int) -> re.Pattern[str]:
    pattern, flags, _, _ = _LITERAL_SHAPES[shape]
    return re.compile(pattern, flags)


def looks_secret(name: str) -> bool:
    """Whether a variable or key named `name` holds a secret (DB_PASS, OPENAI_KEY, apiKey,
    X-Api-Key, SLACK_WEBHOOK_URL, SENTRY_DSN; not KEYBOARD, PATH, the shell's PWD)."""
    if name.upper() in _NOT_SECRET_NAMES:
        return False
    parts = re.split(r"[^A-Z0-9]+", _CAMEL.sub("_", name).upper())
    return any(p in _SECRET_PARTS or p.endswith(_SECRET_SUFFIXES) for p in parts if p)


def environ_secrets(environ: Mapping[str, str]) -> frozenset[str]:
    """Values of environment variables named like secrets: the user's processes inherit them
    and may print them. Short values and setting words (`true`, `disabled`) are left alone:
    redacting them would garble every report."""
    return frozenset(value for name, value in environ.items()
                     if looks_secret(name) and len(value) >= MIN_ENV_SECRET
                     and value.strip().lower() not in _SETTING_WORDS)


def encoded_forms(secret: str) -> set[str]:
    """`secret` as it appears when a program base64-, URL- or JSON-encodes it."""
    raw = secret.encode("utf-8")
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        forms |= {encoded, encoded.rstrip("=")}
    forms |= {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


def _needle(form: str) -> str:
    """A form as a pattern; percent escapes match in either case (`%2F`, `%2f`)."""
    return re.sub(r"%([0-9A-F])([0-9A-F])",
                  lambda m: "%" + "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in m.groups()),
                  re.escape(form))


@record
class Redactor:
    """Redacts `secrets` (and their encodings) and every credential shape, in any value."""

    secrets: frozenset[str] = frozenset()
    _known: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _raw: tuple[bytes, ...] = field(default=(), init=False, repr=False, compare=False)
    _memo: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = {s for s in self.secrets if len(s) >= MIN_SECRET_CHARS}
        forms = set().union(*(encoded_forms(s) for s in values)) if values else set()
        longest_first = sorted(forms, key=lambda f: (-len(f), f))
        known = re.compile("|".join(map(_needle, longest_first))) if forms else None
        object.__setattr__(self, "_known", known)
        object.__setattr__(self, "_raw", tuple(s.encode("utf-8") for s in values))

    def __call__(self, value: Any) -> Any:
        """`value` with every secret replaced; clipped values redacted whole, then cut."""
        redone = getattr(value, "redone", None)  # a clipped value: redacted whole, then cut
        if redone is not None:
            return redone(self)
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self(k): self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        return value

    def text(self, text: str) -> str:
        done = self._memo.get(text)
        if done is None:
            done = self._redacted(text)
            if len(text) <= _MEMO_CHARS and len(self._memo) < _MEMO_ENTRIES:
                self._memo[text] = done
        return done

    def _redacted(self, text: str) -> str:
        if len(text) < _SHORTEST_SHAPE and ":" not in text and "=" not in text:
            return self._known_only(text)  # no credential shape is this short
        if _NUMBER.fullmatch(text):  # digits, sign, point, exponent: of the shapes, only a base64 run
            return self._known_only(self._blobs(text))
        return self._every_shape(text)

    def _known_only(self, text: str) -> str:
        return text if self._known is None else self._known.sub(PLACEHOLDER, text)

    def _blobs(self, text: str) -> str:
        return _BASE64_RUN.sub(lambda m: PLACEHOLDER if self._hides_secret(m.group(0)) else m.group(0), text)

    def _every_shape(self, text: str) -> str:
        # Blobs first: replacing a secret's own base64 form inside a longer blob would leave
        # the rest of the blob (`x-access-token:` …) undecodable.
        text = self._known_only(self._blobs(text))
        text = _TOKEN_SHAPES.sub(PLACEHOLDER, text)
        for shape, (_, flags, replacement, literal) in enumerate(_LITERAL_SHAPES):
            if _may_hold(text, literal, ignore_case=bool(flags & re.IGNORECASE)):
                text = _literal_shape(shape).sub(replacement, text)
        return text

    def _hides_secret(self, run: str) -> bool:
        """Whether a base64-looking run decodes (at any alignment) to text holding a known
        secret or a token shape."""
        normal = run.rstrip("=").replace("-", "+").replace("_", "/")
        for start in range(4):
            chunk = normal[start:]
            chunk = chunk[:-1] if len(chunk) % 4 == 1 else chunk + "=" * (-len(chunk) % 4)
            try:
                decoded = base64.b64decode(chunk, validate=True)
            except (binascii.Error, ValueError):
                continue
            if any(secret in decoded for secret in self._raw):
                return True
            if _TOKEN_SHAPES.search(decoded.decode("latin-1")):
                return True
        return False


def redact(value: Any, secrets: Iterable[str]) -> Any:
    """`value` with `secrets` and every credential shape replaced."""
    return Redactor(frozenset(secrets))(value)
