"""data.compatibility: the contracts on the PR against the same contracts on the base ref."""
