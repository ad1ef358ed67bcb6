"""Redactor.text's fast paths (short text, number text) give what the full pass gives."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.config.secrets import Redactor

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
