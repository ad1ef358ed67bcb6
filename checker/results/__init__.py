"""Results: Status, CheckResult, Report, redaction, and the results.json schema."""
