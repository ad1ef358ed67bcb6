"""The `pipeline:` section of mlsmoke.yml (checker.shape models), imported only when a config has one
(`checker.config.lazy_section`)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Literal

from checker.config.field_types import Duration, ModelFormat, OutputSpec
from checker.config.http_fields import url_credentials
from checker.contracts.model import OrderedBounds, StrictModel
from checker.shape import Field, ValidationInfo, field_validator

Comparison = Literal["eq", "ne", "gt", "ge", "lt", "le", "in"]
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
