"""The rows the model is probed with: fresh synthetic rows (the contract and patterns with
the next seed, so the model has not seen them) and the `expect` inputs completed from the
contract. Only feature columns: target, id and ignore columns are never given to a model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.config.schema import ModelSpec, Pipeline
from checker.contracts.model import Contract

if TYPE_CHECKING:
    import pyarrow as pa


def fresh_rows(contract: Contract, pipeline: Pipeline, model: ModelSpec) -> pa.Table:
    from checker.synth.rows import synthesize

    return synthesize(contract, model.rows, pipeline.seed + 1, pipeline.patterns,
                      columns=list(contract.features))


def expect_rows(contract: Contract, pipeline: Pipeline, model: ModelSpec) -> dict[str, pa.Table]:
    """{"expect": rows} (or nothing): each input's other features filled deterministically
    from the contract with the pipeline's seed; non-feature keys in an input are dropped."""
    from checker.synth.rows import complete_rows

    if not model.expect:
        return {}
    return {"expect": complete_rows(contract, [e.input for e in model.expect], pipeline.seed,
                                    columns=list(contract.features))}
