"""Step 1 of the data flow: load mlsmoke.yml with line numbers, validate it, expand ${VAR}."""
