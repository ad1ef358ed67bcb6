"""Untrusted text that cannot change how the text around it reads: bidi controls and
invisible characters are shown as `<U+XXXX>`, so a reviewer sees that something was there.
The report (render/escape.py), the terminal (run/progress.py) and annotations use it;
`one_line` is the form for a line of a log or a short status text."""

from __future__ import annotations

import functools
import re

# Format characters (Unicode category Cf: bidi controls that make text display reversed,
# zero-width and other invisible characters) and invisible fillers. They are shown as
# `<U+202E>`, so a reviewer sees that something was there; tests check the class against
# unicodedata. None is ASCII: the class is compiled for the first text that is not.
_INVISIBLE = (
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")


def visible(text: object) -> str:
    """`text` with bidi controls and invisible characters shown as `<U+XXXX>`."""
    plain = str(text)
    if plain.isascii():
        return plain
    return _invisible().sub(lambda m: f"<U+{ord(m.group(0)):04X}>", plain)


@functools.cache
def _invisible() -> re.Pattern[str]:
    return re.compile(_INVISIBLE)


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # ESC starts terminal escape sequences


def one_line(text: object) -> str:
    """`text` as one physical line: line breaks become spaces, control characters (ESC …,
    which could drive a terminal) are dropped, invisible ones shown. On GitHub Actions a line
    starting with `::` is a workflow command, so untrusted text must never start a line."""
    return visible(_CONTROLS.sub("", _LINE_BREAKS.sub(" ", str(text))))
