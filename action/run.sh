#!/usr/bin/env bash
# The composite action's one step: build (or use) the checker image and run it on the
# workspace. Every input arrives as an MLSMOKE_* environment variable mapped in action.yml,
# never interpolated into this script. The exit code is the checker's.
set -euo pipefail

if [ -n "${GITHUB_TOKEN:-}" ]; then
  echo "::add-mask::${GITHUB_TOKEN}"
fi

case "${MLSMOKE_RUNNER:-docker}" in
  docker) ;;
  python) exec bash "${MLSMOKE_ACTION_PATH}/action/python.sh" ;;
  *) runner="${MLSMOKE_RUNNER//[^A-Za-z0-9_.-]/?}"  # shown, never able to start a workflow command
     echo "::error title=mlsmoke::runner must be docker or python, not '${runner}'"; exit 2 ;;
esac

image="${MLSMOKE_IMAGE:-}"
if [ -z "$image" ]; then
  image="mlsmoke-action:local"
  build=(docker build --network host --tag "$image")
  if [ -n "${MLSMOKE_BASE_IMAGE:-}" ]; then
    build+=(--build-arg "BASE_IMAGE=${MLSMOKE_BASE_IMAGE}")
  fi
  echo "::group::Build the mlsmoke image"
  "${build[@]}" "${MLSMOKE_ACTION_PATH}"
  echo "::endgroup::"
fi

. "${MLSMOKE_ACTION_PATH}/action/args.sh"

# Same paths inside and out: annotations, outputs and report paths stay valid on the runner.
workspace="${GITHUB_WORKSPACE:-$PWD}"
run=(docker run --rm --network host --user "$(id -u):$(id -g)"
     --volume "${workspace}:${workspace}" --workdir "$PWD")
case "$PWD/" in
  "${workspace}"/*) ;;
  *) run+=(--volume "${PWD}:${PWD}") ;;
esac
for file in "${GITHUB_EVENT_PATH:-}" "${GITHUB_STEP_SUMMARY:-}" "${GITHUB_OUTPUT:-}"; do
  if [ -n "$file" ] && [ -e "$file" ]; then run+=(--volume "${file}:${file}"); fi
done

# Values are passed by name (`--env NAME`), so none of them shows on a command line.
for name in $(compgen -e | grep -E '^(GITHUB_|RUNNER_)'); do run+=(--env "$name"); done
run+=(--env CI --env GITHUB_TOKEN --env MLSMOKE_COMMENT_AUTHOR)
if [ -f "$config" ]; then
  # the variables the config expands (${STAGING_TOKEN} …), from the step's environment
  for name in $(grep -oE '\$\{[A-Za-z_][A-Za-z0-9_]*' "$config" | cut -c3- | sort -u); do
    # the container's own PATH and HOME (its virtual environments) must not be replaced
    case "$name" in PATH|HOME|PWD|USER|HOSTNAME|VIRTUAL_ENV|PYTHONPATH|PYTHONHOME) continue ;; esac
    run+=(--env "$name")
  done
  # endpoint.serve starts the model's container next to ours, through the runner's engine
  if grep -qE '^[[:space:]]*(-[[:space:]]+)?serve:' "$config"; then
    socket=/var/run/docker.sock
    run+=(--volume "${socket}:${socket}" --group-add "$(stat -c %g "$socket")")
  fi
fi

exec "${run[@]}" "$image" "${args[@]}"
