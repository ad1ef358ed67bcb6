"""The schema of an endpoint entry's `metrics:` (endpoint.metrics): where the service's
Prometheus exposition is, the series it must have, and the counters that must move."""

from __future__ import annotations

import re
from typing import Annotated, Any

from checker.config.http_fields import HeaderName, HeaderValue, http_url
from checker.contracts.model import StrictModel
from checker.shape import AfterValidator, Field, field_validator, model_validator

_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _series(value: str) -> str:
    if not _METRIC_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a Prometheus metric name (letters, digits, _ and :), "
                         "e.g. model_infer_request_success_total")
    return value


Series = Annotated[str, AfterValidator(_series)]


class Metrics(StrictModel):
    """`url` or `path` (default /metrics on the endpoint's url); what must be there and move."""

    url: str | None = None
    path: str | None = None
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    require: list[Series] = Field(default_factory=list)
    requests: Series | None = None
    errors: Series | None = None
    labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else http_url(value)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(f"a metrics path starts with / (got {value[:60]!r}); a full URL goes in url")
        return value

    @field_validator("labels", mode="before")
    @classmethod
    def _label_values(cls, value: Any) -> Any:
        """A number in YAML (`version: 1`) is the label's text; a name is a Prometheus label name."""
        if not isinstance(value, dict):
            return value
        for name in value:
            if not isinstance(name, str) or not _LABEL_NAME.fullmatch(name):
                raise ValueError(f"{str(name)[:60]!r} is not a Prometheus label name")
        return {k: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                for k, v in value.items()}

    @model_validator(mode="after")
    def _one_place(self) -> Metrics:
        if self.url is not None and self.path is not None:
            raise ValueError("metrics takes url (another host or port) or path (on the endpoint's url), "
                             "not both")
        if self.labels and self.requests is None and self.errors is None:
            raise ValueError("labels filters the requests and errors series: set one of them")
        return self


def metrics_setting(value: Any) -> Any:
    """`metrics: true` is every default (scrape /metrics, require that it parses)."""
    if value is True:
        return {}
    if value is False:
        return None
    return value
