"""Load mlsmoke.yml: parse with line numbers, expand ${VAR}, resolve contract files, validate.

Every problem is collected and raised together as one ConfigError, each naming file, line
and key, so the user fixes the file once. `load_config` never reads os.environ: the caller
passes the environment mapping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from checker.config.http_fields import credential_forms, url_credentials
from checker.config.location import Location
from checker.config.path_keys import path_problems
from checker.config.paths import literal_problem, project_root
from checker.config.schema import Config, ContractFile
from checker.config.secrets import looks_secret, redact
from checker.config.suggest import suggestion
from checker.config.yamlmap import LineIndex, PathKey, dotted, load_yaml, parse_yaml
from checker.contracts.model import Contract
from checker.errors import ConfigError, ConfigProblem

_VAR = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_SECRET_SECTIONS = ("headers",)

# Reads a contract file named relative to the config folder → (data, line index); ConfigError if it cannot.
YamlReader = Callable[[str], tuple[Any, LineIndex]]


@dataclass(frozen=True)
class LoadedConfig:
    """A validated config with what is needed to point back into the files."""

    config: Config
    path: Path
    display: str
    index: LineIndex
    contract_indexes: Mapping[str, tuple[LineIndex, PathKey]] = field(default_factory=dict)
    unset_variables: tuple[str, ...] = ()
    secrets: frozenset[str] = frozenset()

    @property
    def root(self) -> Path:
        """Paths in the config are relative to the folder that holds it, and stay inside it."""
        return project_root(self.path)

    def location(self, *path: Any) -> Location:
        """Location of a key path; paths under a file contract point into that file."""
        if len(path) >= 2 and path[0] == "contracts" and path[1] in self.contract_indexes:
            index, prefix = self.contract_indexes[path[1]]
            return Location(index.file, index.line((*prefix, *path[2:])))
        return Location(self.display, self.index.line(path))


def load_config(
    path: str | Path,
    environ: Mapping[str, str],
    *,
    allow_unset: bool = False,
    display: str | None = None,
) -> LoadedConfig:
    """Read, expand and validate a config file. Raises ConfigError with every problem found."""
    path = Path(path)
    display = display or str(path)
    raw, index = load_yaml(path, display)
    if not isinstance(raw, dict):
        raise ConfigError(ConfigProblem(display, 1, "", "expected a mapping with `version: 1`"))
    problems: list[ConfigProblem] = []
    expander = _Expander(environ, index, problems, allow_unset)
    data = expander.expand(raw)
    unset, secrets = expander.unset, expander.secrets

    contract_indexes: dict[str, tuple[LineIndex, PathKey]] = {}
    file_columns: dict[str, list[str]] = {}
    config = _validate(Config, data, index, problems)
    root = project_root(path)
    problems += path_problems(config, root, index) if config is not None else []
    # Contract files are read even when the rest of the config is invalid: their problems are
    # listed too, and references to their columns are checked against what they hold.
    file_contracts = _load_file_contracts(data, lambda file: load_yaml(_contract_path(root, file), file),
                                          index, contract_indexes, problems)
    file_columns.update({name: list(c.columns) for name, c in file_contracts.items() if c is not None})
    if config is not None:
        config = _resolve_contract_files(config, file_contracts)
    problems += _cross_references(data, _contract_columns(data, file_columns), index)
    if problems:  # a secret given in the wrong place must not be echoed back in the message
        problems = [replace(p, message=redact(p.message, secrets)) for p in problems]
        raise ConfigError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    assert config is not None
    return LoadedConfig(config, path, display, index, contract_indexes, tuple(unset),
                        frozenset(secrets))


def _contract_path(root: Path, file: str) -> Path:
    """A contract file inside the project; ConfigError (reported at `file:`) if it leads out."""
    problem = literal_problem(root, file)
    if problem is not None:
        raise ConfigError(ConfigProblem(file, None, "", problem.removeprefix(f"{file} ")))
    return root / file


def load_contracts_text(text: str, display: str, read: YamlReader
                        ) -> tuple[dict[str, Contract], dict[str, list[ConfigProblem]]]:
    """The contracts of a config given as text, contract files read through `read` (e.g. from
    another git revision). Only `contracts` is validated, one contract at a time, and `${VAR}`
    is left as written: the rest of an older config may not match this schema or environment.
    Returns the valid contracts and, per invalid one, its problems; ConfigError if the YAML
    itself cannot be parsed."""
    raw, index = parse_yaml(text, display)
    entries = raw.get("contracts") if isinstance(raw, dict) else None
    loaded: dict[str, Contract] = {}
    invalid: dict[str, list[ConfigProblem]] = {}
    for name, body in (entries.items() if isinstance(entries, dict) else []):
        problems: list[ConfigProblem] = []
        contract: Contract | None
        if isinstance(body, dict) and "file" in body:
            ref = _validate(ContractFile, body, index, problems, ("contracts", name))
            contract = _load_contract_file(name, ref.file, read, {}, problems) if ref else None
        else:
            contract = _validate(Contract, body, index, problems, ("contracts", name))
            contract = contract.model_copy(update={"name": name}) if contract else None
        if contract is None:
            invalid[str(name)] = problems
        else:
            loaded[str(name)] = contract
    return loaded, invalid


@dataclass
class _Expander:
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


def _validate(model: type[BaseModel], data: Any, index: LineIndex,
              problems: list[ConfigProblem], prefix: PathKey = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(error, index, prefix, model) for error in exc.errors()]
        return None


def _problem(error: Any, index: LineIndex, prefix: PathKey, model: type[BaseModel]) -> ConfigProblem:
    loc = (*prefix, *error["loc"])
    found, line = index.resolve(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}" + suggestion(model, error["loc"])
        return ConfigProblem(index.file, line, dotted(found), message)
    if kind == "missing":
        message = f"missing required key {loc[-1]!r}"
        return ConfigProblem(index.file, line, dotted(found), message)
    given = error.get("input")
    if kind in _SHAPE_MESSAGES:  # pydantic's words ("instance of Contract") mean nothing to a user
        return ConfigProblem(index.file, line, dotted(found),
                             f"{_SHAPE_MESSAGES[kind]}, got {_yaml_kind(given)}")
    message = error["msg"].removeprefix("Value error, ")
    if kind not in ("value_error", "assertion_error") and isinstance(given, (str, int, float)):
        message += f" (got {given!r})"
    return ConfigProblem(index.file, line, dotted(found), message)


_SHAPE_MESSAGES = {"model_type": "expected a mapping (key: value lines)",
                   "dict_type": "expected a mapping (key: value lines)",
                   "model_attributes_type": "expected a mapping (key: value lines)",
                   "list_type": "expected a list (- item lines)"}


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value) if isinstance(value, (str, int, float, bool)) else "a value"


def _load_file_contracts(data: Any, read: YamlReader, index: LineIndex,
                         indexes: dict[str, tuple[LineIndex, PathKey]],
                         problems: list[ConfigProblem]) -> dict[str, Contract | None]:
    """Every `{file: PATH}` contract of the raw config, loaded (None where it has problems)."""
    entries = data.get("contracts")
    loaded: dict[str, Contract | None] = {}
    for name, body in (entries.items() if isinstance(entries, dict) else []):
        if not (isinstance(body, dict) and isinstance(body.get("file"), str)):
            continue
        found: list[ConfigProblem] = []
        loaded[name] = _load_contract_file(name, body["file"], read, indexes, found)
        problems += [_at_reference(p, index, ("contracts", name, "file")) for p in found]
    return loaded


def _resolve_contract_files(config: Config, loaded: Mapping[str, Contract | None]) -> Config | None:
    """The config with each file contract replaced by its loaded contract; None if one failed."""
    resolved: dict[str, Contract] = {}
    for name, entry in config.contracts.items():
        contract = (loaded.get(name) if isinstance(entry, ContractFile)
                    else entry.model_copy(update={"name": name}))
        if contract is None:
            return None
        resolved[name] = contract
    return config.model_copy(update={"contracts": resolved})


def _at_reference(problem: ConfigProblem, index: LineIndex, path: PathKey) -> ConfigProblem:
    """A contract file that cannot be read at all (no line in it) is reported where the config
    names it, so the user sees which key to fix."""
    if problem.line is not None:
        return problem
    return ConfigProblem(index.file, index.line(path), dotted(path), f"{problem.file}: {problem.message}")


def _load_contract_file(name: str, file: str, read: YamlReader, indexes: dict[str, tuple[LineIndex, PathKey]],
                        problems: list[ConfigProblem]) -> Contract | None:
    try:
        raw, index = read(file)
    except ConfigError as exc:
        problems += exc.problems
        return None
    prefix: PathKey = ()
    if isinstance(raw, dict) and "columns" not in raw and name in raw:
        raw, prefix = raw[name], (name,)  # a file holding `name: {columns: ...}`
    indexes[name] = (index, prefix)
    contract = _validate(Contract, raw, index, problems, prefix)
    return contract.model_copy(update={"name": name, "source": file}) if contract else None


def _cross_references(data: Any, columns: Mapping[str, list[str] | None],
                      index: LineIndex) -> list[ConfigProblem]:
    """Every contract named exists and every column named is in its contract. Works on the
    raw (expanded) data, so these problems are listed even when the schema found others."""
    problems: list[ConfigProblem] = []
    for path, name, named_columns in _references(data):
        if name not in columns:
            defined = ", ".join(sorted(columns)) or "none"
            problems.append(ConfigProblem(index.file, index.line(path), dotted(path),
                                          f"no contract named {name!r} (defined: {defined})"))
            continue
        known = columns[name]
        for column_path, column in named_columns:
            if known is not None and column not in known:
                problems.append(ConfigProblem(
                    index.file, index.line(column_path), dotted(column_path),
                    f"column {column!r} is not in contract {name!r}" + _close(column, known)))
    return problems


def _references(data: Any) -> list[tuple[PathKey, str, list[tuple[PathKey, str]]]]:
    """(path of the contract name, the name, [(path, column) named against it])."""
    refs: list[tuple[PathKey, str, list[tuple[PathKey, str]]]] = []
    for section in ("data", "drift"):
        for i, entry in enumerate(_as_list(data.get(section))):
            if isinstance(entry, dict) and isinstance(entry.get("contract"), str):
                cols = [((section, i, "columns", j), c)
                        for j, c in enumerate(_as_list(entry.get("columns"))) if isinstance(c, str)]
                refs.append(((section, i, "contract"), entry["contract"], cols))
    pipeline = data.get("pipeline")
    if isinstance(pipeline, dict) and isinstance(pipeline.get("contract"), str):
        refs.append((("pipeline", "contract"), pipeline["contract"], _pipeline_columns(pipeline)))
    endpoints = data.get("endpoint")
    for i, entry in enumerate([endpoints] if isinstance(endpoints, dict) else _as_list(endpoints)):
        if isinstance(entry, dict) and isinstance(entry.get("contract"), str):
            path = ("endpoint", "contract") if isinstance(endpoints, dict) else ("endpoint", i, "contract")
            refs.append((path, entry["contract"], []))
    return refs


def _pipeline_columns(pipeline: dict[str, Any]) -> list[tuple[PathKey, str]]:
    named: list[tuple[PathKey, str]] = []
    for i, pattern in enumerate(_as_list(pipeline.get("patterns"))):
        for part in ("when", "set"):
            body = pattern.get(part) if isinstance(pattern, dict) else None
            if isinstance(body, dict):
                named += [(("pipeline", "patterns", i, part, c), c) for c in body]
    model = pipeline.get("model")
    for i, expect in enumerate(_as_list(model.get("expect")) if isinstance(model, dict) else []):
        if isinstance(expect, dict) and isinstance(expect.get("input"), dict):
            named += [(("pipeline", "model", "expect", i, "input", c), c) for c in expect["input"]]
    return named


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _contract_columns(data: Any, file_columns: Mapping[str, list[str]]) -> dict[str, list[str] | None]:
    """Column names of every contract, inline or from a file; None for a contract file that
    could not be loaded (its own problems are listed; its columns are not guessed)."""
    columns: dict[str, list[str] | None] = dict(file_columns)
    contracts = data.get("contracts")
    for name, body in (contracts.items() if isinstance(contracts, dict) else []):
        if isinstance(body, dict) and isinstance(body.get("columns"), dict):
            columns[name] = [str(c) for c in body["columns"]]
        elif isinstance(body, dict) and "file" in body:
            columns.setdefault(name, None)
        else:
            columns.setdefault(name, [])
    return columns


def _close(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
