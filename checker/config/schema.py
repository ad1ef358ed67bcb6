"""The declarative schema of mlsmoke.yml (pydantic models), one class per section.

Validation errors carry a `loc` path that `checker.config.load` maps back to YAML lines.
Cross-references (a contract name used by a section) are checked in `Config`. The endpoint
section is in `checker.config.endpoint_schema`, field types two sections share in
`checker.config.field_types`.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationInfo, field_validator

from checker.config.field_types import Duration, ModelFormat, OutputSpec
from checker.config.http_fields import url_credentials
from checker.config.lazy_section import LazySection
from checker.contracts.model import Contract, OrderedBounds, StrictModel

if TYPE_CHECKING:
    from checker.config.compare_schema import CompareSettings
    from checker.config.endpoint_schema import Endpoint

    Endpoints = list[Endpoint]
    CompareSection = CompareSettings | None
else:  # built only when a config has the section (checker.config.lazy_section)
    Endpoints = Annotated[Any, LazySection("checker.config.endpoint_schema", "Endpoint", lambda m: list[m])]
    CompareSection = Annotated[Any, LazySection("checker.config.compare_schema", "CompareSettings",
                                                lambda m: m | None)]

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


Comparison = Literal["eq", "ne", "gt", "ge", "lt", "le", "in"]
FailOn = Literal["error", "warning"]
DataFormat = Literal["parquet", "csv", "jsonl"]


class Pattern(StrictModel):
    """`when` every condition holds, `set` these columns: a relationship planted in synthetic data."""

    when: dict[str, dict[Comparison, Any]] = Field(default_factory=dict)
    set: dict[str, Any] = Field(min_length=1)


class Bounds(OrderedBounds):
    min: float | None = None
    max: float | None = None


class Artifact(StrictModel):
    path: str
    min_bytes: int | None = Field(default=None, ge=0)
    json_: dict[str, Bounds] | None = Field(default=None, alias="json")


class Expectation(StrictModel):
    input: dict[str, Any] = Field(min_length=1)
    output: Any
    tolerance: float = Field(default=1e-6, ge=0)


class ModelSpec(StrictModel):
    path: str
    format: ModelFormat | None = None
    output: OutputSpec | None = None
    expect: list[Expectation] = Field(default_factory=list)
    deterministic: bool = False
    tolerance: float = Field(default=1e-6, ge=0)
    rows: int = Field(default=50, gt=0, le=10_000)  # fresh synthetic rows for pipeline.predict
    timeout: Duration = 120.0  # loading and probing the model, per probe run


class Registry(StrictModel):
    """pipeline.registry: the trained model logged, registered, aliased and loaded back (MLflow)."""

    tracking_uri: str = Field(min_length=1)
    name: str = Field(min_length=1, pattern=r"^[^/@:]+$")  # the registered model
    alias: str = Field(default="candidate", pattern=r"^[A-Za-z0-9_-]+$")
    flavor: Literal["sklearn"] = "sklearn"
    tolerance: float = Field(default=1e-6, ge=0)
    timeout: Duration = 300.0  # the whole round trip, in the user's interpreter

    @field_validator("tracking_uri")
    @classmethod
    def _no_credentials(cls, value: str) -> str:
        if url_credentials(value):
            raise ValueError("must not carry credentials (user:password@host): MLflow takes them from "
                             "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN "
                             "in the environment (the URI is not shown)")
        return value

    @field_validator("alias")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.lower() == "latest" or (value[:1] in "vV" and value[1:].isdigit()):
            raise ValueError(f"{value!r} is reserved by MLflow (latest, v<number>); choose another alias")
        return value


class Pipeline(StrictModel):
    contract: str
    rows: int = Field(default=200, gt=0, le=1_000_000)
    seed: int = 0
    patterns: list[Pattern] = Field(default_factory=list)
    python: str = "python3"
    setup: str | None = None
    setup_timeout: Duration = 600.0
    command: str
    timeout: Duration = 300.0
    data_path: str | None = None
    data_format: DataFormat | None = None
    deadline: Duration | None = None  # the whole family; default: the sum of its step budgets
    env: dict[str, str] = Field(default_factory=dict)
    artifacts: list[Artifact] = Field(default_factory=list)
    model: ModelSpec | None = None
    registry: Registry | None = None

    @field_validator("registry")
    @classmethod
    def _registry_has_a_model(cls, value: Registry | None, info: ValidationInfo) -> Registry | None:
        # a field validator (model is declared before it), so the error points at `registry:`
        if value is not None and info.data.get("model") is None:
            raise ValueError("registry needs model (the model file the pipeline writes, to register)")
        return value

    @field_validator("data_path")
    @classmethod
    def _inside_project(cls, value: str | None) -> str | None:
        if value is None:
            return value
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or not path.name or value.endswith("/"):
            raise ValueError("data_path must be a file path relative to the project folder, "
                             "without '..' (the synthetic file is written in a scratch copy)")
        return value


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
    pipeline: Pipeline | None = None
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
