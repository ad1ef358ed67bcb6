"""The declarative schema of mlsmoke.yml (checker.shape models), one class per section.

Validation errors carry a `loc` path that `checker.config.load` maps back to YAML lines.
Cross-references (a contract name used by a section) are checked in `Config`. The endpoint
section is in `checker.config.endpoint_schema`, field types two sections share in
`checker.config.field_types`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Annotated, Any, Literal

from checker.config.field_types import Duration
from checker.config.lazy_section import LazySection
from checker.contracts.model import Contract, StrictModel
from checker.shape import BeforeValidator, Discriminator, Field, Tag, field_validator

if TYPE_CHECKING:
    from checker.config.compare_schema import CompareSettings
    from checker.config.endpoint_schema import Endpoint
    from checker.config.pipeline_schema import Artifact as Artifact
    from checker.config.pipeline_schema import Bounds as Bounds
    from checker.config.pipeline_schema import Comparison as Comparison
    from checker.config.pipeline_schema import DataFormat as DataFormat
    from checker.config.pipeline_schema import Expectation as Expectation
    from checker.config.pipeline_schema import ModelSpec as ModelSpec
    from checker.config.pipeline_schema import Pattern as Pattern
    from checker.config.pipeline_schema import Pipeline as Pipeline
    from checker.config.pipeline_schema import Registry as Registry

    Endpoints = list[Endpoint]
    PipelineSection = Pipeline | None
    CompareSection = CompareSettings | None
else:  # built only when a config has the section (checker.config.lazy_section)
    Endpoints = Annotated[Any, LazySection("checker.config.endpoint_schema", "Endpoint", lambda m: list[m])]
    PipelineSection = Annotated[Any, LazySection("checker.config.pipeline_schema", "Pipeline",
                                                 lambda m: m | None)]
    CompareSection = Annotated[Any, LazySection("checker.config.compare_schema", "CompareSettings",
                                                lambda m: m | None)]

# The pipeline section's models live in checker.config.pipeline_schema; importing them from here
# still works, and builds them then.
_PIPELINE_NAMES = frozenset({"Artifact", "Bounds", "Comparison", "DataFormat", "Expectation", "ModelSpec",
                             "Pattern", "Pipeline", "Registry"})


def __getattr__(name: str) -> Any:
    if name in _PIPELINE_NAMES:
        return getattr(importlib.import_module("checker.config.pipeline_schema"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

Globs = Annotated[list[str], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]


class ContractFile(StrictModel):
    file: str


def _contract_kind(value: Any) -> str:
    return "file" if isinstance(value, dict) and "file" in value else "inline"


ContractEntry = Annotated[
    Annotated[Contract, Tag("inline")] | Annotated[ContractFile, Tag("file")],
    Discriminator(_contract_kind),
]


class CsvFormat(StrictModel):
    """How the CSV files of a data entry are written."""

    delimiter: str = Field(default=",", min_length=1, max_length=1)


class DataEntry(StrictModel):
    contract: str
    files: Globs = Field(min_length=1)
    csv: CsvFormat | None = None
    partitioning: Literal["hive"] | None = None  # each matched folder is one Parquet table


class Compatibility(StrictModel):
    base_ref: str | None = None
    fetch: bool = True  # fetch the base ref once when a shallow checkout lacks it


class DriftEntry(StrictModel):
    contract: str
    reference: str
    current: str
    columns: list[str] | None = None
    psi_max: float = Field(default=0.2, gt=0)
    ks_pvalue_min: float = Field(default=0.01, ge=0, le=1)
    sample_max: int = Field(default=100_000, gt=0)
    bins: int = Field(default=10, ge=2, le=100)


FailOn = Literal["error", "warning"]


class Deadlines(StrictModel):
    """Wall-clock limits. pipeline and endpoint keep theirs in their own sections
    (`pipeline.deadline`, `endpoint.deadline`); each is also cut short by `run`."""

    run: Duration | None = None  # the whole run; --deadline overrides it
    data: Duration = 600.0
    drift: Duration = 600.0
    compatibility: Duration = 300.0


Severity = Literal["error", "warn", "off"]


class CheckRule(StrictModel):
    """One `checks:` rule: the checks whose id matches `id` (a glob), on the subjects matching
    `subject` (a glob; every subject when absent), are gated at `severity`. The last rule that
    matches a result wins; ids are checked against the registry by `checker.run.policy`."""

    id: str = Field(min_length=1)
    # bare `off` is YAML 1.1's false: it means "off" here
    severity: Annotated[Severity, BeforeValidator(lambda v: "off" if v is False else v)]
    subject: str | None = Field(default=None, min_length=1)


class ReportSettings(StrictModel):
    title: str = "ML smoke checks"
    fail_on: FailOn = "error"
    # failing rows kept per failing data check in --out/failing-rows/ (0: no such files)
    failing_rows_max: int = Field(default=1000, ge=0, le=100_000)
    charts: bool = True  # Mermaid charts in report.md, the job summary and the PR comment


class BaselineSettings(StrictModel):
    file: str = ".mlsmoke/baseline.json"  # relative to the project folder, and inside it


class Config(StrictModel):
    version: Literal[1]
    contracts: dict[str, ContractEntry] = Field(default_factory=dict)
    data: list[DataEntry] = Field(default_factory=list)
    compatibility: Compatibility | None = None
    drift: list[DriftEntry] = Field(default_factory=list)
    pipeline: PipelineSection = None
    endpoint: Annotated[Endpoints, BeforeValidator(lambda v: [v] if isinstance(v, dict) else v)] = (
        Field(default_factory=list)
    )
    report: ReportSettings = Field(default_factory=ReportSettings)
    checks: list[CheckRule] = Field(default_factory=list)
    deadlines: Deadlines = Field(default_factory=Deadlines)
    baseline: BaselineSettings = Field(default_factory=BaselineSettings)
    # `compare:` with nothing under it turns the comparison on with the defaults
    compare: Annotated[CompareSection, BeforeValidator(lambda v: {} if v is None else v)] = None

    @field_validator("endpoint")
    @classmethod
    def _endpoint_names(cls, endpoints: list[Endpoint]) -> list[Endpoint]:
        # A field validator (not a model one), so the error points at `endpoint:`.
        if len(endpoints) > 1:
            names = [e.name for e in endpoints]
            if None in names:
                raise ValueError("when endpoint is a list, every entry needs a name")
            if len(set(names)) != len(names):
                raise ValueError("endpoint names must be unique")
        return endpoints

    def contract(self, name: str) -> Contract:
        contract = self.contracts[name]
        assert isinstance(contract, Contract), "contract files are resolved by the loader"
        return contract
