"""The pieces of the pipeline checks: scratch space, processes, model probing, verdicts."""
