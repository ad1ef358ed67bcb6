"""The endpoint family's machinery: a bounded HTTP client, the latency driver, the Docker
`serve` lifecycle, health polling and malformed-input probes. The checks themselves are
assembled in `checker.checks.endpoint.family`."""
