"""`mlsmoke init`: a commented starter mlsmoke.yml and a GitHub workflow that runs the action;
`mlsmoke init --post-deploy`: the workflow that smoke-tests each deployment once it is live.

The config's first contract is inferred from `--data` (a glob) or from the first CSV, Parquet
or JSON Lines file under `data/`; without data it is a commented template. Existing files are
never overwritten unless `force` is given.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from checker.config.globs import find
from checker.errors import UsageError
from checker.tables.reader import TableReadError, table_format

CONFIG = Path("mlsmoke.yml")
WORKFLOW = Path(".github/workflows/mlsmoke.yml")
POST_DEPLOY_WORKFLOW = Path(".github/workflows/mlsmoke-post-deploy.yml")
DATA_FOLDER = "data"


def write_starter(folder: Path, *, force: bool, data_glob: str | None) -> list[Path]:
    """Write the starter files into `folder`; return their paths. UsageError when one exists
    (and `force` is not given) or when `data_glob` matches no data file."""
    targets = [folder / CONFIG, folder / WORKFLOW]
    _refuse_existing(folder, targets, force)
    config_text = render_config(folder, data_glob)
    targets[0].write_text(config_text, encoding="utf-8")
    _write_workflow(targets[1], "workflow.yml")
    return targets


def write_post_deploy(folder: Path, *, force: bool) -> list[Path]:
    """Write the post-deploy workflow into `folder` (the config is the project's own);
    UsageError when it exists and `force` is not given."""
    target = folder / POST_DEPLOY_WORKFLOW
    _refuse_existing(folder, [target], force)
    _write_workflow(target, "post-deploy.yml")
    return [target]


def _refuse_existing(folder: Path, targets: list[Path], force: bool) -> None:
    existing = [str(path.relative_to(folder)) for path in targets if path.exists()]
    if existing and not force:
        raise UsageError(f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''}: "
                         "use --force to overwrite")


def _write_workflow(target: Path, template: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_template(template), encoding="utf-8")


def render_config(folder: Path, data_glob: str | None) -> str:
    """The starter mlsmoke.yml text, with a contract inferred from the data found."""
    import jinja2

    from checker.contracts.infer import contracts_yaml, infer_contract

    files, spec = _data_files(folder, data_glob)
    context: dict[str, object] = {"contracts": None, "name": None}
    if files:
        name = _contract_name(files[0])
        contract = infer_contract(files)
        context = {
            "contracts": contracts_yaml({name: contract}).rstrip("\n"),
            "name": name,
            "files": spec,
            "source": ", ".join(str(f.relative_to(folder)) for f in files[:3])
                      + (f" and {len(files) - 3} more" if len(files) > 3 else ""),
        }
    environment = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                     autoescape=False, undefined=jinja2.StrictUndefined)
    return environment.from_string(_template("mlsmoke.yml.j2")).render(**context)


def _data_files(folder: Path, data_glob: str | None) -> tuple[list[Path], str | None]:
    """The data files to infer from, and how the config names them."""
    if data_glob is not None:
        matches = find(folder, data_glob)
        if matches.refused:
            raise UsageError(f"--data {data_glob}: the data must be inside {folder} "
                             f"({matches.refused[0].reason})")
        files = [path for path in matches.files if _is_table(path)]
        if not files:
            raise UsageError(f"--data {data_glob}: no CSV, Parquet or JSON Lines file matches")
        return files, data_glob
    found = sorted(path for path in (folder / DATA_FOLDER).rglob("*")
                   if path.is_file() and _is_table(path) and path.suffix.lower() != ".json")
    if not found:
        return [], None
    return [found[0]], found[0].relative_to(folder).as_posix()


def _is_table(path: Path) -> bool:
    try:
        table_format(path)
    except TableReadError:
        return False
    return True


def _contract_name(path: Path) -> str:
    stem = path.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_") or "data"


def _template(name: str) -> str:
    return (resources.files("checker.init") / "templates" / name).read_text(encoding="utf-8")
