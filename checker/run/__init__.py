"""The run spine: the session that drives one `mlsmoke run`, the runner and its context."""
