"""Load mlsmoke.yml: parse with line numbers, expand ${VAR}, resolve contract files, validate.

Every problem is collected and raised together as one ConfigError, each naming file, line
and key, so the user fixes the file once. `load_config` never reads os.environ: the caller
passes the environment mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from checker.config.expand import Expander
from checker.config.location import Location
from checker.config.path_keys import path_problems
from checker.config.paths import literal_problem, project_root
from checker.config.references import contract_columns, cross_references
from checker.config.schema import Config, ContractFile
from checker.config.secrets import redact
from checker.config.validation import validate
from checker.config.yamlmap import LineIndex, PathKey, dotted, load_yaml, parse_yaml
from checker.contracts.model import Contract
from checker.errors import ConfigError, ConfigProblem
from checker.record import record

# Reads a contract file named relative to the config folder → (data, line index); ConfigError if it cannot.
YamlReader = Callable[[str], tuple[Any, LineIndex]]


@record
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
    expander = Expander(environ, index, problems, allow_unset)
    data = expander.expand(raw)
    unset, secrets = expander.unset, expander.secrets

    contract_indexes: dict[str, tuple[LineIndex, PathKey]] = {}
    file_columns: dict[str, list[str]] = {}
    config = validate(Config, data, index, problems)
    root = project_root(path)
    problems += path_problems(config, root, index) if config is not None else []
    # Contract files are read even when the rest of the config is invalid: their problems are
    # listed too, and references to their columns are checked against what they hold.
    file_contracts = _load_file_contracts(data, lambda file: load_yaml(_contract_path(root, file), file),
                                          index, contract_indexes, problems)
    file_columns.update({name: list(c.columns) for name, c in file_contracts.items() if c is not None})
    if config is not None:
        config = _resolve_contract_files(config, file_contracts)
    problems += cross_references(data, contract_columns(data, file_columns), index)
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
            ref = validate(ContractFile, body, index, problems, ("contracts", name))
            contract = _load_contract_file(name, ref.file, read, {}, problems) if ref else None
        else:
            contract = validate(Contract, body, index, problems, ("contracts", name))
            contract = contract.model_copy(update={"name": name}) if contract else None
        if contract is None:
            invalid[str(name)] = problems
        else:
            loaded[str(name)] = contract
    return loaded, invalid


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
    contract = validate(Contract, raw, index, problems, prefix)
    return contract.model_copy(update={"name": name, "source": file}) if contract else None


