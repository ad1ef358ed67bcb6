"""Strings generated from regular expressions always fully match them."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.contracts.regex import fullmatch as re2_fullmatch
from checker.synth.regex_sample import UnsupportedPatternError, sample_strings

SUPPORTED = [
    r"abc", r"[A-Z]{3}-\d{4}", r"(foo|bar)+_[a-z]*", r"^\w+@\w+\.(com|org)$", r"\bab\b",
    r"(?i)ab[^a-z]x", r"é[α-ω]{1,3}", r"[^\W\d]+", r"\S\D\W\s", r"x?y*z{0,2}",
    r"(?:ab|c(d|e)){2,3}", r"a.b", r"[^abc]{2}", r"\d+?", r"(?P<year>\d{4})-(0[1-9]|1[0-2])", r"",
    r"a{3}", r"[-+]?\d+(\.\d+)?", r"(?s)a.b",
]


@pytest.mark.parametrize("pattern", SUPPORTED)
def test_every_string_matches(pattern: str) -> None:
    values = sample_strings(pattern, 500, np.random.default_rng(1)).to_pylist()
    assert len(values) == 500
    assert all(re2_fullmatch(pattern, v) for v in values)


def test_strings_vary_and_repeat_bounded() -> None:
    values = sample_strings(r"[a-z]{2,}", 1000, np.random.default_rng(0)).to_pylist()
    assert len(set(values)) > 900
    assert max(map(len, values)) <= 2 + 8  # open repeats stop at MAX_REPEAT more
    assert {len(v) for v in values} == set(range(2, 11))


def test_alternatives_are_all_used() -> None:
    values = sample_strings(r"red|white|rose", 300, np.random.default_rng(0)).to_pylist()
    assert set(values) == {"red", "white", "rose"}


def test_same_generator_state_same_strings() -> None:
    first = sample_strings(r"\w{5}", 50, np.random.default_rng(7))
    assert first.equals(sample_strings(r"\w{5}", 50, np.random.default_rng(7)))
    assert not first.equals(sample_strings(r"\w{5}", 50, np.random.default_rng(8)))


def test_one_string() -> None:
    assert re.fullmatch(r"[a-c]{4}", str(sample_strings(r"[a-c]{4}", 1, np.random.default_rng(0))[0]))


@pytest.mark.parametrize(("pattern", "message"), [
    (r"(a)\1", "RE2 cannot use this pattern (invalid escape sequence: \\1)"),
    (r"(a)?(?(1)b|c)", "RE2 cannot use this pattern"),
    (r"[^\s\S]", "matches no character"),
    (r"(?=b)a", "RE2 cannot use this pattern (invalid perl operator: (?="),
    (r"(?x) a b # comment", "RE2 cannot use this pattern"),
    (r"((((((a*)*)*)*)*)*)*", "its repeats nest too deep"),
    (r"\w{1000}\w{1000}\w{1000}", "its repeats nest too deep"),
    (r"a\bb", "cannot generate strings matching"),
    (r"(", "not a valid regular expression"),
])
def test_unsupported_patterns_raise(pattern: str, message: str) -> None:
    with pytest.raises(UnsupportedPatternError, match=re.escape(message)):
        sample_strings(pattern, 20, np.random.default_rng(0))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([r"[a-z]", r"\d", r"(x|yz)", r"-", r"[A-F0-9]{2}", r"\w?", r"q{1,3}"]),
                min_size=1, max_size=6),
       st.integers(0, 2**32))
def test_random_compositions_match(parts: list[str], seed: int) -> None:
    pattern = "".join(parts)
    values = sample_strings(pattern, 50, np.random.default_rng(seed)).to_pylist()
    assert all(re2_fullmatch(pattern, v) for v in values)


def test_a_pattern_that_backtracks_in_python_is_drawn_and_checked_in_linear_time() -> None:
    """`(a+)+$` takes Python's `re` exponential time on a near miss; RE2 never backtracks."""
    import time

    started = time.monotonic()
    values = sample_strings(r"(a+)+b?", 2000, np.random.default_rng(0)).to_pylist()
    assert all(re2_fullmatch(r"(a+)+b?", v) for v in values)
    assert not re2_fullmatch(r"(a+)+$", "a" * 39 + "!")
    assert time.monotonic() - started < 5
