# Sourced by run.sh and python.sh: the checker's command line from the MLSMOKE_* inputs, in
# the array `args`, and the config path in `config`. Inputs are values here, never code.
config="${MLSMOKE_CONFIG:-mlsmoke.yml}"
if [ -n "${MLSMOKE_RESULTS:-}" ]; then
  args=(publish "${MLSMOKE_RESULTS}")
else
  args=(run --config "$config")
  if [ -n "${MLSMOKE_FAIL_ON:-}" ]; then args+=(--fail-on "${MLSMOKE_FAIL_ON}"); fi
  if [ -n "${MLSMOKE_DEADLINE:-}" ]; then args+=(--deadline "${MLSMOKE_DEADLINE}"); fi
  if [ -n "${MLSMOKE_CHECKS:-}" ]; then args+=(--only "${MLSMOKE_CHECKS}"); fi
  if [ -n "${MLSMOKE_STAGING_URL:-}" ]; then args+=(--staging-url "${MLSMOKE_STAGING_URL}"); fi
fi
if [ "${MLSMOKE_COMMENT:-true}" = "true" ]; then args+=(--comment); else args+=(--no-comment); fi
if [ "${MLSMOKE_COMMIT_STATUS:-false}" = "true" ]; then
  args+=(--commit-status)
else
  args+=(--no-commit-status)
fi

