#!/bin/sh
# `make demo`: mlsmoke on the example project. The endpoint family builds the example's scoring
# server on BASE_IMAGE (default python:3.11-slim), so it runs only when a Docker engine answers
# and has that image or can pull it; otherwise the demo says how to proceed and runs the rest.
# Usage: demo.sh PYTHON EXAMPLE_FOLDER
set -eu
python="$1"
example="$2"
image="${BASE_IMAGE:-python:3.11-slim}"
only=""
if ! docker info >/dev/null 2>&1; then
  echo "demo: no Docker engine answers, so the endpoint family is left out"
  only="--only data,drift,pipeline"
elif ! docker image inspect "$image" >/dev/null 2>&1 \
    && ! docker pull --quiet "$image" >/dev/null 2>&1; then
  echo "demo: the scoring server's base image $image is not on this Docker engine and cannot be pulled,"
  echo "demo: so the endpoint family is left out and the other families run."
  echo "demo: to include it, set BASE_IMAGE to a Python image the engine has (see \`docker images\`):"
  echo "demo:   BASE_IMAGE=registry.example/python:3.11-slim make demo"
  only="--only data,drift,pipeline"
fi
cd "$example"
PATH="$PWD/.venv/bin:$PATH"
export PATH
# shellcheck disable=SC2086 # $only is two words or none
exec "$python" -m checker run $only
