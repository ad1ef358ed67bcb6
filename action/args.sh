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
case "${MLSMOKE_COMMIT_STATUS:-}" in
  true) args+=(--commit-status) ;;
  false) args+=(--no-commit-status) ;;
  *) ;;  # the checker's default: a commit status only after a deploy
esac

