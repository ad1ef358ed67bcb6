"""`mlsmoke run --docker`: the CI run on this machine. The action's own script, container.sh,
chooses the image (the prebuilt one of this version, as the action pulls it) and runs it on the
working directory with the action's mounts, user, environment and network; only the choice of
image differs, through `--image` or MLSMOKE_IMAGE / MLSMOKE_IMAGE_REGISTRY."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

from checker import __version__
from checker.errors import UsageError

# The owner of the published image ghcr.io/mlsmoke/mlsmoke:VERSION (the project's repository).
IMAGE_OWNER = "mlsmoke"


def run_in_container(args: Sequence[str], image: str | None, config: str,
                     environ: Mapping[str, str]) -> int:
    """Run `mlsmoke ARGS` in the checker image as the action does; the checker's exit code."""
    if shutil.which("docker") is None:
        raise UsageError("`mlsmoke run --docker` needs the docker command (and an engine); none is on PATH")
    env = {"MLSMOKE_IMAGE_OWNER": IMAGE_OWNER, **environ, "MLSMOKE_VERSION": __version__,
           "MLSMOKE_CONFIG": config}
    if image:
        env["MLSMOKE_IMAGE"] = image
    context = _source_checkout()
    if context is not None:
        env.setdefault("MLSMOKE_BUILD_CONTEXT", str(context))
    with resources.as_file(resources.files("checker.container") / "container.sh") as script:
        chosen = subprocess.run(["bash", str(script), "image"], env=env, stdout=subprocess.PIPE, text=True)
        if chosen.returncode != 0:
            return chosen.returncode
        return subprocess.run(["bash", str(script), "run", chosen.stdout.strip(), *args], env=env).returncode


def _source_checkout() -> Path | None:
    """The repository mlsmoke runs from, when it is one (it holds the Dockerfile to build)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "Dockerfile").is_file() and (root / "checker").is_dir() else None
