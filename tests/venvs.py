"""Third-party servers for the tests, each in its OWN cached virtual environment.

Created once under ${MLSMOKE_TEST_CACHE:-~/.cache/mlsmoke-tests} and reused; a file lock keeps
parallel test processes from building the same one twice, and a marker written last means a
half-built environment (an interrupted install) is rebuilt rather than trusted.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Pinned so a new release upstream cannot break the suite overnight.
VENV_PACKAGES: dict[str, tuple[str, ...]] = {
    "mlflow": ("mlflow==3.17.2", "scikit-learn", "pandas"),
    "mlserver": ("mlserver==1.7.1", "mlserver-sklearn==1.7.1", "scikit-learn", "joblib"),
}


def cache_dir() -> Path:
    return Path(os.environ.get("MLSMOKE_TEST_CACHE") or Path.home() / ".cache" / "mlsmoke-tests")


def ensure_venv(name: str, timeout: float = 1800) -> Path:
    """The venv folder for `name`, created (and its packages installed) on first use."""
    packages = VENV_PACKAGES[name]
    return cached_venv(f"venv-{name}", packages, key="\n".join(packages), stamp=".mlsmoke-complete",
                       timeout=timeout)


def cached_venv(folder: str, pip_args: tuple[str, ...], *, key: str, stamp: str = ".mlsmoke-complete",
                timeout: float = 1800) -> Path:
    """A virtual environment under the cache dir with `pip install pip_args`, built once and
    reused while the stamp file (written last) holds `key`; rebuilt when the key changes or a
    build was interrupted. A lock file keeps parallel test processes from building it twice."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / folder
    marker = venv / stamp
    with (root / f".{folder}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file() and marker.read_text().strip() == key.strip():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *pip_args],
                       check=True, timeout=timeout)
        (venv / ".mlsmoke-setup-seconds").write_text(f"{time.monotonic() - started:.0f}\n")
        marker.write_text(key.strip() + "\n")
    return venv


def venv_env(venv: Path) -> dict[str, str]:
    """An environment whose PATH starts with the venv's bin (mlflow execs `uvicorn` by name)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    return env


if __name__ == "__main__":  # warm the cache: python3 tests/venvs.py mlflow mlserver
    for venv_name in sys.argv[1:] or list(VENV_PACKAGES):
        began = time.monotonic()
        print(venv_name, ensure_venv(venv_name), f"{time.monotonic() - began:.0f}s", flush=True)
