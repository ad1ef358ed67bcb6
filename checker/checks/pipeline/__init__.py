"""The pipeline family: scratch space, processes, model probing, verdicts."""
