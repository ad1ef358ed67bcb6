"""Which values are secret, and `redact`, which hides them wherever they turn up.

The config decides what is secret (header values, values under secret-looking keys, the
values of secret-looking environment variables); every later step hides them with `redact`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MIN_ENV_SECRET = 8

# Credentials that are never configured as secrets but still show up in exception messages,
# git errors and program output: `scheme://user:password@host` and token-like query values.
_URL_USERINFO = re.compile(r"(?<=://)[^\s/@:'\"<>]*:[^\s/@'\"<>]*@")
_QUERY_SECRET = re.compile(
    r"([?&](?:[\w.-]*[_.-])?(?:token|secret|password|passwd|apikey|key|sig|signature|auth|"
    r"credentials?)=)[^&\s#'\"<>]+", re.IGNORECASE)


def looks_secret(name: str) -> bool:
    return bool(re.search(r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL", name, re.I))


def environ_secrets(environ: Mapping[str, str]) -> frozenset[str]:
    """Values of environment variables named like secrets (API_KEY, GITHUB_TOKEN, …): the
    user's processes inherit them and may print them, so reports redact them too. Short
    values (flags such as `true`) are left alone: redacting them would garble every report."""
    return frozenset(value for name, value in environ.items()
                     if looks_secret(name) and len(value) >= MIN_ENV_SECRET)


def redact(value: Any, secrets: set[str] | frozenset[str]) -> Any:
    """Replace each secret string (longest first) with *** anywhere inside `value`, and the
    password of any `scheme://user:password@` and token-like `?key=` query values."""
    if isinstance(value, str):
        for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
            value = value.replace(secret, "***")
        value = _URL_USERINFO.sub("***@", value)
        return _QUERY_SECRET.sub(r"\1***", value)
    if isinstance(value, Mapping):
        return {redact(k, secrets): redact(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, secrets) for v in value]
    return value
