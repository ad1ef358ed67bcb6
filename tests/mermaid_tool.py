"""The real Mermaid renderer (../shared/tools/mermaid.sh: mermaid-cli in headless Chromium) as a
test helper. It is slow (about 1 s to start the browser, 0.4 s a block), so a test hands it every
file at once. Skips, or fails in CI (tests/shared_tools.py), when the tool is not there or
cannot install itself."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared_tools import missing, shared_path

_FAILURE = re.compile(r"^(?P<file>.+): mermaid block (?P<block>\d+) \(line (?P<line>\d+)\): (?P<message>.*)$")


@dataclass(frozen=True)
class Rendered:
    returncode: int
    output: str  # stdout: one entry per block that failed
    log: str  # stderr: the summary line

    def failures(self) -> list[tuple[str, int]]:
        """(file, block number) of each block Mermaid could not render."""
        return [(m["file"], int(m["block"])) for m in map(_FAILURE.match, self.output.splitlines()) if m]


def render_mermaid(*files: Path, svg_dir: Path | None = None) -> Rendered:
    """Every ```mermaid block of `files`, rendered in one browser; SVGs to `svg_dir` if given."""
    tool = shared_path("tools/mermaid.sh")
    out = ["--out", str(svg_dir), "--no-png"] if svg_dir is not None else []
    try:
        done = subprocess.run(["bash", str(tool), *out, *map(str, files)], capture_output=True, text=True,
                              timeout=900)
    except subprocess.TimeoutExpired:
        missing("mermaid.sh did not finish within 900 s")
    if done.returncode == 2:
        missing(f"mermaid.sh cannot run here: {done.stderr.strip()[-500:]}")
    return Rendered(done.returncode, done.stdout, done.stderr)
