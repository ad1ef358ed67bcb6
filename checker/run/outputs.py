"""The files a run leaves (results.json, report.md, junit.xml) and the formats `mlsmoke report`
prints: one writer for `run`, `publish` and `report`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from checker.config.secrets import Redactor
from checker.errors import UsageError
from checker.github.rendered import Rendered
from checker.results.model import Report

Format = Literal["markdown", "junit", "json"]
FILES: dict[str, Format] = {"results.json": "json", "report.md": "markdown", "junit.xml": "junit"}


def render(report: Report, fmt: Format) -> str:
    """The report as results.json, report.md or junit.xml text."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, default=str) + "\n"
    if fmt == "junit":
        from checker.render.junit import render_junit

        return render_junit(report)
    from checker.render.markdown import render_markdown

    return render_markdown(report)


def write_outputs(report: Report, out_dir: Path, redactor: Redactor | None = None) -> Rendered:
    """Write the three files to `out_dir`, and the failing rows the results carry to
    `out_dir/failing-rows/` (through `redactor`); returns the Markdown, ready to publish."""
    from checker.results.failing_rows import write_failing_rows

    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {name: render(report, fmt) for name, fmt in FILES.items()}
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    carried = [r.failing_rows for r in report.checks if r.failing_rows is not None]
    write_failing_rows(carried, out_dir, redactor or Redactor())
    return rendered(report, texts["report.md"])


def rendered(report: Report, markdown: str) -> Rendered:
    """`markdown` (the rendered report) with what the publisher needs to shorten and find it."""
    from checker.render.markdown import marker, shorten_markdown

    return Rendered(markdown, marker(report.title), lambda limit: shorten_markdown(report, limit))


def read_results(path: Path) -> Report:
    """A results.json written by `mlsmoke run`; a UsageError if it is not one."""
    from checker.config.limits import MAX_RESULTS_BYTES
    from checker.results.schema import problems

    # it may come from an untrusted run (the fork-safe publish recipe): bounded
    data = read_json_file(path, MAX_RESULTS_BYTES, "an mlsmoke results file")
    found = problems(data)
    if found:
        raise UsageError(f"{path} is not an mlsmoke results file: " + "; ".join(found[:5]))
    return Report.from_dict(data)


def read_json_file(path: Path, limit: int, kind: str) -> Any:
    """The JSON document in `path`, read with the size and depth limits; a UsageError naming
    the file when it is missing, too large or deep, or not JSON."""
    from checker.config.limits import LimitExceededError, loads_json_bounded, read_capped

    try:
        return loads_json_bounded(read_capped(path, limit))
    except LimitExceededError as exc:
        raise UsageError(f"{path} is not {kind}: {exc}") from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
