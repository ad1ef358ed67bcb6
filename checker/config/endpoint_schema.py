"""The schema of the `endpoint:` section of mlsmoke.yml (checker.shape models): the service to
check, how it is started, and what its answers must look like."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from checker.config.field_types import Duration, ModelFormat, OutputSpec
from checker.config.http_fields import HeaderName, HeaderValue, http_url
from checker.config.metrics_schema import Metrics, metrics_setting
from checker.contracts.model import StrictModel
from checker.shape import BeforeValidator, Field, field_validator, model_validator

Network = Literal["host", "publish"]
ProtocolName = Literal["mlflow", "tfserving", "kserve-v2", "json"]
Tensors = Literal["matrix", "columns"]
# The stable ids of endpoint.malformed's probes (README: "Probe ids"); new probes are only added.
ProbeId = Literal["missing_column", "wrong_type", "empty_body", "invalid_json", "wrong_content_type",
                  "empty_rows", "too_many_rows"]


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
    allow: list[ProbeId] = Field(default_factory=list)  # probes whose misbehaviour only warns

    @model_validator(mode="after")
    def _allow_runs(self) -> Malformed:
        if "too_many_rows" in self.allow and self.max_rows is None:
            raise ValueError("allow names too_many_rows, a probe that runs only when max_rows is set")
        return self


def _malformed(value: Any) -> Any:
    if value is True:
        return {}
    if value is False or value is None:
        return None
    return value




class Parity(StrictModel):
    """endpoint.parity: the served predictions against an offline model's, on the same rows."""

    model: str = Field(min_length=1)  # PIPELINE_MODEL, or a model file in the project
    format: ModelFormat | None = None
    tolerance: float = Field(default=1e-6, ge=0)
    rows: int = Field(default=100, gt=0, le=10_000)
    python: str | None = None  # default: pipeline.python, else python3
    timeout: Duration = 120.0  # loading the offline model and predicting


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
    metrics: Annotated[Metrics | None, BeforeValidator(metrics_setting)] = None
    parity: Parity | None = None

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
        if self.parity and not self.contract:
            raise ValueError("parity needs contract (the rows sent to the endpoint and the offline model)")
        return self

    @property
    def health_only(self) -> bool:
        """An ancillary service (feature store, catalog): only its health is checked."""
        return self.contract is None
