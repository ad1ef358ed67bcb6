"""The prediction request every model check shares (rows synthesized from the contract, the
protocol's body for them) and the tally of requests behind `endpoint.errors`."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from dataclasses import field
from typing import Any

from checker.checks.endpoint.http import Exchange
from checker.checks.endpoint.load import LoadResult
from checker.checks.endpoint.protocols import Protocol, Row
from checker.config.endpoint_schema import Endpoint
from checker.contracts.model import Contract
from checker.record import record


@record
class PredictRequest:
    protocol: Protocol
    contract: Contract
    seed: int
    rows: list[Row]
    body: bytes

    @classmethod
    def build(cls, contract: Contract, entry: Endpoint) -> PredictRequest:
        """ValueError when the contract has no feature columns or cannot be synthesized."""
        features = {name: column.type for name, column in contract.features.items()}
        if not features:
            raise ValueError(f"contract {contract.name!r} has no feature columns to send")
        protocol = Protocol(entry, features)
        rows = synthesize_rows(contract, list(features), entry.rows, entry.seed)
        return cls(protocol, contract, entry.seed, rows, encode(protocol.body(rows)))

    def make_rows(self, count: int) -> list[Row]:
        return synthesize_rows(self.contract, self.protocol.columns, count, self.seed)


def synthesize_rows(contract: Contract, columns: list[str], count: int, seed: int) -> list[Row]:
    from checker.synth.rows import synthesize

    table = synthesize(contract, count, seed, columns=columns)
    return [{k: _jsonable(v) for k, v in row.items()} for row in table.to_pylist()]


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


def encode(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


@record(frozen=False)
class Tally:
    """Outcomes of every prediction request sent during the run (probes excluded: they are
    meant to fail)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    answered: int = 0  # requests the server answered with an HTTP status, whatever it was
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def add(self, exchange: Exchange) -> None:
        answered = exchange.error is None and exchange.status is not None
        self._record(exchange.outcome(), not exchange.ok, answered)

    def add_load(self, result: LoadResult) -> None:
        for sample in result.samples:
            answered = sample.error is None and sample.status is not None
            ok = answered and sample.status is not None and 200 <= sample.status < 300
            self._record(sample.error or f"HTTP {sample.status}", not ok, answered)

    def _record(self, outcome: str, failed: bool, answered: bool) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            self.answered += answered
            if failed:
                self.errors += 1
                if len(self.examples) < 5:
                    self.examples.append(outcome)
