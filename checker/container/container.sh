#!/usr/bin/env bash
# How the mlsmoke checker image is chosen and run: the one definition shared by the action
# (action/run.sh) and `mlsmoke run --docker` (checker/container/local.py), so that a local run
# gets the same image, mounts, user, environment and network as the CI run.
#
#   container.sh image             print the image to run (progress goes to stderr)
#   container.sh run IMAGE ARG...  run `mlsmoke ARG...` in IMAGE on the working directory;
#                                  the exit code is the checker's
#
# Settings come from the environment: MLSMOKE_IMAGE (a given image wins), MLSMOKE_IMAGE_REGISTRY
# (default ghcr.io), MLSMOKE_IMAGE_OWNER (default: the action's owner), MLSMOKE_VERSION (default:
# checker/__init__.py beside this file), MLSMOKE_BUILD_CONTEXT (the folder holding the Dockerfile,
# built when the pull fails), MLSMOKE_BASE_IMAGE, MLSMOKE_CONFIG (default mlsmoke.yml).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "mlsmoke: $*" >&2; }
now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }  # bash < 5
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f s", end - start }'; }
group() { if [ "${GITHUB_ACTIONS:-}" = "true" ]; then echo "::group::$*" >&2; fi; }
endgroup() { if [ "${GITHUB_ACTIONS:-}" = "true" ]; then echo "::endgroup::" >&2; fi; }

version() {
  if [ -n "${MLSMOKE_VERSION:-}" ]; then echo "$MLSMOKE_VERSION"; return; fi
  sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$here/../__init__.py"
}

# The owner whose image matches this action: given, or from the action's checkout path
# (.../_actions/OWNER/REPO/REF; github.action_repository is empty in composite actions), or the
# repository's owner when the action runs from its own repository (`uses: ./`).
owner() {
  local found="${MLSMOKE_IMAGE_OWNER:-}" path="${MLSMOKE_ACTION_PATH:-}"
  if [ -z "$found" ] && [[ "$path" == */_actions/*/*/* ]]; then
    found="${path#*/_actions/}"
    found="${found%%/*}"
  fi
  if [ -z "$found" ]; then
    found="${GITHUB_REPOSITORY_OWNER:-${GITHUB_REPOSITORY%%/*}}"
  fi
  echo "$found" | tr '[:upper:]' '[:lower:]'
}

if ! command -v sha256sum >/dev/null 2>&1; then sha256sum() { shasum -a 256 "$@"; }; fi  # macOS

# What the image is built from (the files the Dockerfile copies, and the base), as a short hash:
# a fallback image built before from the same sources is used again instead of rebuilt.
sources_hash() {
  (cd "$1" && find Dockerfile pyproject.toml README.md container-image checker -type f ! -name '*.pyc' -print0 \
     | LC_ALL=C sort -z | xargs -0 sha256sum; echo "base=${MLSMOKE_BASE_IMAGE:-}") | sha256sum | cut -c1-12
}

build() {  # build VERSION REASON: the fallback when the prebuilt image cannot be pulled; prints the tag
  local context="${MLSMOKE_BUILD_CONTEXT:-}" start tag
  if [ -z "$context" ] || [ ! -f "$context/Dockerfile" ]; then
    log "no checker image: $2, and there is no Dockerfile to build one from; pass an image (--image)"
    exit 2
  fi
  tag="mlsmoke-action:$1-$(sources_hash "$context")"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    log "$2; using $tag, built here before from the same Dockerfile and sources"
    echo "$tag"
    return
  fi
  local command=(docker build --network host --tag "$tag")
  if [ -n "${MLSMOKE_BASE_IMAGE:-}" ]; then command+=(--build-arg "BASE_IMAGE=${MLSMOKE_BASE_IMAGE}"); fi
  log "$2; building the checker image from the Dockerfile instead (base ${MLSMOKE_BASE_IMAGE:-its default})"
  start=$(now)
  group "Build the mlsmoke image"
  "${command[@]}" "$context" >&2
  endgroup
  log "built $tag in $(since "$start")"
  echo "$tag"
}

select_image() {
  if [ -n "${MLSMOKE_IMAGE:-}" ]; then
    log "using the given image ${MLSMOKE_IMAGE}"
    echo "$MLSMOKE_IMAGE"
    return
  fi
  local registry="${MLSMOKE_IMAGE_REGISTRY:-ghcr.io}" the_version owner_name ref start output
  the_version="$(version)"
  owner_name="$(owner)"
  ref="${registry%/}/${owner_name}/mlsmoke:${the_version}"
  # a version's image never changes: one on this machine already is the right one
  if docker image inspect "$ref" >/dev/null 2>&1; then
    log "using $ref (already on this machine)"
    echo "$ref"
    return
  fi
  start=$(now)
  if [ -n "$owner_name" ] && output=$(timeout 600 docker pull --quiet "$ref" 2>&1); then
    log "pulled $ref in $(since "$start")"
    echo "$ref"
    return
  fi
  local reason="could not pull $ref"
  if [ -z "$owner_name" ]; then reason="no image owner is known"; fi
  output="$(echo "${output:-}" | tail -n 1 | cut -c1-200)"
  if [ -n "$output" ]; then reason="$reason ($output)"; fi
  build "$the_version" "$reason"
}

run_checker() {
  local image="$1" config="${MLSMOKE_CONFIG:-mlsmoke.yml}" workspace start code=0
  shift
  # Same paths inside and out: annotations, outputs and report paths stay valid on the runner.
  workspace="${GITHUB_WORKSPACE:-$(git rev-parse --show-toplevel 2>/dev/null || echo "$PWD")}"
  local run=(docker run --rm --network host --user "$(id -u):$(id -g)"
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
  run+=(--env CI --env GITHUB_TOKEN --env MLSMOKE_COMMENT_AUTHOR --env MLSMOKE_ARTIFACT_NAME)
  if [ -f "$config" ]; then
    # the variables the config expands (${STAGING_TOKEN} …), from the step's environment
    for name in $(grep -oE '\$\{[A-Za-z_][A-Za-z0-9_]*' "$config" | cut -c3- | sort -u); do
      # the container's own PATH and HOME (its virtual environments) must not be replaced
      case "$name" in PATH|HOME|PWD|USER|HOSTNAME|VIRTUAL_ENV|PYTHONPATH|PYTHONHOME) continue ;; esac
      run+=(--env "$name")
    done
    # endpoint.serve starts the model's container next to ours, through the runner's engine
    if grep -qE '^[[:space:]]*(-[[:space:]]+)?serve:' "$config"; then
      local socket=/var/run/docker.sock
      run+=(--volume "${socket}:${socket}" --group-add "$(stat -c %g "$socket")")
    fi
  fi

  start=$(now)
  "${run[@]}" "$image" "$@" || code=$?
  log "checking took $(since "$start")"
  return "$code"
}

case "${1:-}" in
  image) select_image ;;
  run) shift; run_checker "$@" ;;
  *) echo "usage: container.sh image | run IMAGE ARG..." >&2; exit 2 ;;
esac
