"""Where something in the project is: a line of mlsmoke.yml, of a contract file, of a data file.

The config knows these lines; results carry them to the report and the annotations.
"""

from __future__ import annotations

from typing import Any

from checker.record import record


@record
class Location:
    """Where a result points: a line in mlsmoke.yml, a contract file, or a data file."""

    file: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}
