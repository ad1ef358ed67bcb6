#!/usr/bin/env bash
# The composite action's one step: pull, build or use the checker image and run it on the
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

# The image: the `image` input, else the prebuilt image of this action's version from
# `image-registry`, else one built from the action's Dockerfile (checker/container/container.sh,
# shared with `mlsmoke run --docker`).
container="${MLSMOKE_ACTION_PATH}/checker/container/container.sh"
export MLSMOKE_BUILD_CONTEXT="${MLSMOKE_ACTION_PATH}"
image="$(bash "$container" image)"

. "${MLSMOKE_ACTION_PATH}/action/args.sh"

exec bash "$container" run "$image" "${args[@]}"
