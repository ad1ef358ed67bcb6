"""Expand `${VAR}` in a parsed config, noting unset variables and the values that are secrets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from checker.config.http_fields import credential_forms, url_credentials
from checker.config.secrets import looks_secret
from checker.config.yamlmap import LineIndex, PathKey, dotted
from checker.errors import ConfigProblem
from checker.record import record

_VAR = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_SECRET_SECTIONS = ("headers",)


@record(frozen=False)
class Expander:
    """Expands `${VAR}` (and `${VAR:-default}`) in every string of a config, noting the
    variables that are unset and the values that are secrets."""

    environ: Mapping[str, str]
    index: LineIndex
    problems: list[ConfigProblem]
    allow_unset: bool
    unset: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)

    def expand(self, value: Any, path: PathKey = ()) -> Any:
        if isinstance(value, dict):
            return {k: self.expand(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.expand(v, (*path, i)) for i, v in enumerate(value)]
        if not isinstance(value, str):
            return value
        secret = (any(part in _SECRET_SECTIONS for part in path if isinstance(part, str))
                  or (bool(path) and isinstance(path[-1], str) and looks_secret(path[-1])))
        expanded = _VAR.sub(lambda match: self._substitute(match, path, secret), value)
        if secret and expanded:
            self.secrets.add(expanded)
            self.secrets.update(credential_forms(expanded))
        self.secrets.update(url_credentials(expanded))
        return expanded

    def _substitute(self, match: re.Match[str], path: PathKey, secret: bool) -> str:
        escaped, name, default = match.groups()
        if escaped:
            return match.group(0)[1:]
        if name in self.environ:
            if secret or looks_secret(name):
                self.secrets.add(self.environ[name])
            return self.environ[name]
        if default is not None:
            return default
        if name not in self.unset:
            self.unset.append(name)
        if not self.allow_unset:
            self.problems.append(ConfigProblem(self.index.file, self.index.line(path), dotted(path),
                                               f"environment variable {name} is not set"))
        return match.group(0)
