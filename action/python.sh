#!/usr/bin/env bash
# `runner: python`, the Docker-free mode: install the checker with pip into a virtual
# environment cached by version (and by the action's own sources, so a changed checkout never
# runs a stale install), using the job's Python, and run it on the working directory. The
# pipeline's `python3` is then the job's own Python (actions/setup-python's, when present).
# The checker's dependencies are the checker image's versions (container-image/constraints.txt)
# wherever those install on that Python, so both runners check with the same libraries.
set -euo pipefail

action="${MLSMOKE_ACTION_PATH}"
. "${action}/action/args.sh"

python="${MLSMOKE_PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
if [ -z "$python" ]; then
  echo "::error title=mlsmoke::runner: python needs a Python 3.11+ on PATH (add actions/setup-python)"
  exit 2
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
  echo "::error title=mlsmoke::runner: python needs Python 3.11 or newer; ${python} is" \
       "$("$python" --version 2>&1 | head -n 1) (set python-version in actions/setup-python)"
  exit 2
fi

# The cache key: the checker's version, the Python's version, and a digest of the sources.
key="$("$python" - "$action" <<'PY'
import hashlib, pathlib, sys
root = pathlib.Path(sys.argv[1])
version = next(line.split('"')[1] for line in (root / "checker" / "__init__.py").read_text().splitlines()
               if line.startswith("__version__"))
digest = hashlib.sha256()
for path in sorted([root / "pyproject.toml", root / "container-image" / "constraints.txt",
                    *(root / "checker").rglob("*")]):
    if path.is_file() and "__pycache__" not in path.parts:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
print(f"{version}-py{sys.version_info[0]}.{sys.version_info[1]}-{digest.hexdigest()[:12]}")
PY
)"
cache="${MLSMOKE_CACHE_DIR:-${RUNNER_TOOL_CACHE:-${HOME}/.cache}/mlsmoke}"
venv="${cache}/venv-${key}"
venv_bin() { if [ -d "${venv}/Scripts" ]; then echo "${venv}/Scripts"; else echo "${venv}/bin"; fi; }  # Windows

started=$SECONDS
install() {
  echo "::group::Install mlsmoke ${key%%-*} into ${venv}"
  rm -rf "$venv"  # a half-made one, from a job that was killed
  "$python" -m venv "$venv"
  pip=("$(venv_bin)/python" -m pip install --quiet --disable-pip-version-check)
  if "${pip[@]}" --constraint "${action}/container-image/constraints.txt" "$action"; then
    echo "mlsmoke: the checker's libraries are the checker image's versions"
  else
    # a Python newer than the image's libraries have releases for
    echo "mlsmoke: the checker image's versions do not install on $("$python" --version 2>&1);" \
         "installing the newest that the checker allows (pyproject.toml)"
    "${pip[@]}" "$action"
  fi
  touch "${venv}/.complete"
  echo "::endgroup::"
}
if [ -f "${venv}/.complete" ]; then
  echo "mlsmoke: using the cached checker environment ${venv}"
else
  # One installer at a time per runner (mkdir is atomic); a lock older than the wait, left by
  # a killed job, is taken over.
  mkdir -p "$cache"
  lock="${venv}.lock"
  waited=0
  until mkdir "$lock" 2>/dev/null; do
    if [ "$waited" -ge 300 ]; then
      echo "mlsmoke: taking over ${lock}, held for ${waited} s"
      rm -rf "$lock"
      continue
    fi
    sleep 2
    waited=$((waited + 2))
  done
  trap 'rm -rf "$lock"' EXIT
  if [ -f "${venv}/.complete" ]; then
    echo "mlsmoke: another job installed ${venv}; using it"
  else
    install
  fi
  rm -rf "$lock"
  trap - EXIT
fi
echo "mlsmoke: checker ready in $((SECONDS - started)) s (runner: python, $("$python" --version 2>&1))"

# The environments of other versions or sources that no job used for a week go: a self-hosted
# runner's tool cache would otherwise keep one per version and checkout for good. One being
# installed (its lock is there) stays.
touch "${venv}/.used"
for dir in "${cache}"/venv-*; do
  case "$dir" in "$venv"|*.lock) continue ;; esac
  [ -d "$dir" ] && [ ! -d "${dir}.lock" ] || continue
  marker="${dir}/.used"
  [ -f "$marker" ] || marker="${dir}/.complete"
  [ -f "$marker" ] || marker="$dir"
  if [ -n "$(find "$marker" -maxdepth 0 -mtime +"${MLSMOKE_CACHE_DAYS:-7}" 2>/dev/null)" ]; then
    rm -rf "$dir" && echo "mlsmoke: removed ${dir}, unused for more than ${MLSMOKE_CACHE_DAYS:-7} days"
  fi
done

export MLSMOKE_RUNNER=python
checking=$SECONDS
status=0
"$(venv_bin)/mlsmoke" "${args[@]}" || status=$?
echo "mlsmoke: checks took $((SECONDS - checking)) s"
exit "$status"
