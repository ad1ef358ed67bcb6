"""Redactor.text's fast paths (short text, number text) give what the full pass gives, and the
full pass, which runs a shape holding a literal only on a text that may hold it, gives what
running every shape gives."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.config import secrets
from checker.config.secrets import PLACEHOLDER, Redactor

SECRET = "s3cr3t-123"
REDACTORS = [Redactor(), Redactor(frozenset({SECRET, "4242"}))]
_SHAPE_CHARS = "ghpsk_-xoAIKzJyeE0123456789.+=:/?&@ bearBEGINauthorization*"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_SHAPE_CHARS, max_size=14), st.sampled_from(REDACTORS))
def test_short_text_is_redacted_as_the_full_pass_redacts_it(text, redactor):
    assert redactor.text(text) == redactor._every_shape(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789.eE+-", max_size=40), st.sampled_from(REDACTORS))
def test_number_text_is_redacted_as_the_full_pass_redacts_it(text, redactor):
    assert redactor.text(text) == redactor._every_shape(text)


@pytest.mark.parametrize("text", ["x://:@", "?key=a", "4242", "1.4242e+5"])
def test_short_credentials_and_known_secrets_are_still_found(text):
    redacted = REDACTORS[1].text(text)
    assert redacted != text and "***" in redacted


def test_a_secret_hidden_in_a_number_like_base64_run_is_still_found():
    blob = base64.b64encode(b"\x00" + SECRET.encode()).decode()
    assert "***" in REDACTORS[1].text(blob)
    assert REDACTORS[0].text("12345678901234.5") == "12345678901234.5"


def test_a_text_redacted_again_comes_from_the_memo_and_reads_the_same() -> None:
    redactor = Redactor(frozenset({SECRET}))
    texts = [f"token {SECRET} in row {i % 3}" for i in range(9)] + ["ghp_" + "a" * 36, "plain"]
    first = [redactor.text(t) for t in texts]
    assert first == [redactor._redacted(t) for t in texts]
    assert len(redactor._memo) == 5  # three rows, the token, "plain"
    assert [redactor.text(t) for t in texts] == first
    assert SECRET not in "".join(first) and "ghp_" not in "".join(first)


def test_the_memo_is_bounded_and_skips_long_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.config import secrets

    monkeypatch.setattr(secrets, "_MEMO_ENTRIES", 10)
    redactor = Redactor(frozenset({SECRET}))
    long = f"{'x' * secrets._MEMO_CHARS} {SECRET}"
    assert redactor.text(long).endswith(" ***") and long not in redactor._memo
    for i in range(50):
        assert redactor.text(f"{SECRET}{i}") == f"***{i}"
    assert len(redactor._memo) == 10
    assert Redactor(frozenset({SECRET})) == redactor  # the memo is no part of what a redactor is


def _every_shape_run(redactor: Redactor, text: str) -> str:
    """The full pass with every shape run on every text, each compiled here."""
    text = redactor._known_only(redactor._blobs(text))
    text = secrets._TOKEN_SHAPES.sub(PLACEHOLDER, text)
    for pattern, flags, replacement, _ in secrets._LITERAL_SHAPES:
        text = re.compile(pattern, flags).sub(replacement, text)
    return text


_PIECES = ["https://", "http://", "hooks.slack.com/", "/webhooks/", "://u:p@", "@", ":", "=", "?",
           "&token=", "?SIG=", "authorization", "Authorization: ", "AUTHORİZATİON", "authorızation",
           "proxy-authorization=", "bearer ", "Bearer ", "BEARER\t", "beaRer", "ı", "İ", "ſ", "K",
           "abcdefghijklmnop", "QUJDREVGR0hJSktM==", "ghp_" + "a" * 36, " ", "\n", "'", '"', "x"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), st.sampled_from(REDACTORS))
def test_the_full_pass_redacts_as_running_every_shape_does(text, redactor):
    assert redactor._every_shape(text) == _every_shape_run(redactor, text)


@pytest.mark.parametrize(("text", "redacted"), [
    ("AUTHORİZATİON: abcdefgh", "AUTHORİZATİON: ***"),  # non-ASCII: the shape runs
    ("authorızation: abcdefgh", "authorızation: ***"),  # `ı` matches `i` ignoring case
    ("Bearer abcdefghijklmnopq", "Bearer ***"),
    ("see https://hooks.slack.com/services/T0/B0/x", "see https://hooks.slack.com/***"),
])
def test_literal_shapes_are_found_however_they_are_cased(text, redacted):
    assert REDACTORS[0]._every_shape(text) == redacted


def test_a_text_without_their_literals_compiles_none_of_the_literal_shapes():
    secrets._literal_shape.cache_clear()
    redactor = Redactor()
    plain = "f7: 126.65 outside [0.0, 100.0] (row 359)"
    assert redactor.text(plain) == plain
    assert secrets._literal_shape.cache_info().currsize == 0
    assert redactor.text("GET https://api/x?token=abcdefgh failed") == "GET https://api/x?token=*** failed"
    assert secrets._literal_shape.cache_info().currsize == 3  # the webhook URL, userinfo, query shapes
