"""Validators of the endpoint section's HTTP fields: a URL without credentials in it, and
header names and values that cannot break the request's header block. Their messages never
echo the value: it may be a secret."""

from __future__ import annotations

import functools
import re
from typing import Annotated

from checker.shape import AfterValidator

__all__ = ["HeaderName", "HeaderValue", "credential_forms", "header_name", "header_value", "http_url",
           "url_credentials"]


def http_url(value: str) -> str:
    """An http(s) URL with a host and no credentials in it; `${VAR}` left unexpanded (by
    `mlsmoke validate`) passes."""
    if "${" not in value and not re.match(r"https?://[^/?#\s]+", value, re.IGNORECASE):
        from checker.config.secrets import redact

        raise ValueError(f"must be an http:// or https:// URL with a host, got {redact(value, set())!r}")
    if url_credentials(value):
        raise ValueError("must not carry credentials (user:password@host): mlsmoke never sends them "
                         "in place of the configured headers; give them as a header instead, e.g. "
                         "headers: {Authorization: \"Basic ${BASIC_AUTH}\"} with BASIC_AUTH the "
                         "base64 of user:password (the URL is not shown)")
    return value


def url_credentials(value: str) -> set[str]:
    """The secret forms of a URL's `user:password@` (as written, decoded, and base64 as a Basic
    header carries it); empty when the URL has none."""
    import base64
    from urllib.parse import unquote, urlsplit

    if "://" not in value or not re.match(r"[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        return set()
    netloc = urlsplit(value).netloc
    userinfo, at, _ = netloc.rpartition("@")
    if not at:
        return set()
    user, _, password = userinfo.partition(":")
    decoded = f"{unquote(user)}:{unquote(password)}"
    found = {userinfo, decoded, base64.b64encode(decoded.encode()).decode()}
    found |= {p for p in (password, unquote(password)) if p}
    return found


def credential_forms(value: str) -> set[str]:
    """The parts of an `Authorization`-style value a server may echo on their own: the token
    after the scheme, and for `Basic` the decoded `user:password` and its password."""
    import base64
    import binascii

    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if not token or scheme.lower() not in _AUTH_SCHEMES:
        return set()
    found = {token}
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(token, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return found
        found |= {decoded, decoded.partition(":")[2]} - {""}
    return found


_AUTH_SCHEMES = ("basic", "bearer", "token", "apikey")


def header_name(name: str) -> str:
    if not _header_name().fullmatch(name):
        raise ValueError("a header name is letters, digits and !#$%&'*+-.^_`|~ only "
                         "(no spaces, colons or line breaks)")
    return name


def header_value(value: str) -> str:
    """A value that cannot end its header line and start another (request smuggling)."""
    if re.search(r"[\r\n\x00]", value):
        raise ValueError("a header value must not hold a line break (CR or LF) or NUL: it would end "
                         "the header and start another; it is never sent (the value is not shown)")
    return value


@functools.cache
def _header_name() -> re.Pattern[str]:
    """Compiled on first use: only a config with endpoint headers has header names."""
    return re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


HeaderName = Annotated[str, AfterValidator(header_name)]
HeaderValue = Annotated[str, AfterValidator(header_value)]
