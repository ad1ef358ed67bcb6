"""The checker image: `container.sh` chooses and runs it for the action and for `mlsmoke run --docker`."""
