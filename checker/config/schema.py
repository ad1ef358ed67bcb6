"""The declarative schema of mlsmoke.yml (pydantic models), one class per section.

Validation errors carry a `loc` path that `checker.config.load` maps back to YAML lines.
Cross-references (a contract name used by a section) are checked in `Config`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from checker.config.http_fields import HeaderName, HeaderValue, http_url
from checker.contracts.model import ColumnType, Contract, OrderedBounds, StrictModel, allowed_of_type

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(value: Any) -> float:
    """'120s', '2m', '500ms', '1.5h' or a bare number of seconds → seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 2m or 500ms")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"expected a duration such as 30s, 2m or 500ms, got {value!r}")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be greater than zero")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]
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
ModelFormat = Literal["joblib", "pickle", "skops", "onnx"]
DataFormat = Literal["parquet", "csv", "jsonl"]
Network = Literal["host", "publish"]
ProtocolName = Literal["mlflow", "tfserving", "kserve-v2", "json"]
Tensors = Literal["matrix", "columns"]


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


class OutputSpec(OrderedBounds):
    """What each prediction must look like."""

    type: ColumnType = ColumnType.FLOAT
    min: float | None = None
    max: float | None = None
    allowed: list[Any] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _allowed_of_type(self) -> OutputSpec:
        allowed_of_type(self.allowed or [], self.type)
        return self


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


class Serve(StrictModel):
    build: str | None = None
    image: str | None = None
    dockerfile: str | None = None
    build_args: dict[str, str] = Field(default_factory=dict)
    port: int = Field(gt=0, lt=65536)
    network: Network = "host"
    env: dict[str, str] = Field(default_factory=dict)
    ready_timeout: Duration = 60.0

    @model_validator(mode="after")
    def _build_or_image(self) -> Serve:
        if (self.build is None) == (self.image is None):
            raise ValueError("serve needs exactly one of build (a folder with a Dockerfile) or image")
        return self


class Health(StrictModel):
    path: str = "/health"
    timeout: Duration = 60.0


class Predict(StrictModel):
    path: str | None = None


class Latency(StrictModel):
    """The latency budget; every limit is optional, and an entry without `latency:` has none."""

    p50_ms: float | None = Field(default=None, gt=0)
    p95_ms: float | None = Field(default=None, gt=0)
    max_ms: float | None = Field(default=None, gt=0)

    @property
    def limits(self) -> dict[str, float]:
        """The limits that are set, by metric name (p50_ms, p95_ms, max_ms)."""
        return {name: limit for name in ("p50_ms", "p95_ms", "max_ms")
                if (limit := getattr(self, name)) is not None}


class ResponseSpec(StrictModel):
    output: OutputSpec | None = None
    schema_: str | None = Field(default=None, alias="schema")


class Malformed(StrictModel):
    max_rows: int | None = Field(default=None, gt=0)


def _malformed(value: Any) -> Any:
    if value is True:
        return {}
    if value is False or value is None:
        return None
    return value


class JsonProtocol(StrictModel):
    """The `json` protocol: a body template and where the predictions are in the answer."""

    body: Any = Field(default_factory=lambda: {"rows": "{rows}"})
    predictions: str = "$.predictions"


class Endpoint(StrictModel):
    name: str | None = None
    url: str | None = None
    serve: Serve | None = None
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    protocol: ProtocolName = "mlflow"
    model: str | None = None
    tensors: Tensors = "matrix"
    json_: JsonProtocol | None = Field(default=None, alias="json")
    health: Health | None = None
    predict: Predict | None = None
    contract: str | None = None
    rows: int = Field(default=5, gt=0, le=10_000)
    seed: int = 0
    requests: int = Field(default=50, ge=0, le=100_000)
    concurrency: int = Field(default=4, gt=0, le=256)
    request_timeout: Duration = 10.0
    deadline: Duration = 300.0
    latency: Annotated[Latency, BeforeValidator(lambda v: {} if v is None else v)] = Field(
        default_factory=Latency)
    response: ResponseSpec | None = None
    malformed: Annotated[Malformed | None, BeforeValidator(_malformed)] = None
    error_rate_max: float = Field(default=0.0, ge=0, le=1)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)

    @model_validator(mode="after")
    def _target(self) -> Endpoint:
        if self.url is None and self.serve is None:
            raise ValueError("an endpoint needs url (or --staging-url) or serve")
        if self.protocol == "kserve-v2" and not self.model and self.contract:
            raise ValueError("protocol kserve-v2 needs model (the name in /v2/models/{model})")
        return self

    @property
    def health_only(self) -> bool:
        """An ancillary service (feature store, catalog): only its health is checked."""
        return self.contract is None


class ReportSettings(StrictModel):
    title: str = "ML smoke checks"
    fail_on: FailOn = "error"


class Config(StrictModel):
    version: Literal[1]
    contracts: dict[str, ContractEntry] = Field(default_factory=dict)
    data: list[DataEntry] = Field(default_factory=list)
    compatibility: Compatibility | None = None
    drift: list[DriftEntry] = Field(default_factory=list)
    pipeline: Pipeline | None = None
    endpoint: Annotated[list[Endpoint], BeforeValidator(lambda v: [v] if isinstance(v, dict) else v)] = (
        Field(default_factory=list)
    )
    report: ReportSettings = Field(default_factory=ReportSettings)

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
