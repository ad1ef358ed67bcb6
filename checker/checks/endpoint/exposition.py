"""A service's Prometheus exposition: fetched through the endpoint's bounded HTTP client (one
wall-clock budget, at most MAX_SCRAPE bytes), parsed with `prometheus_client`'s text parser, and
read by series name.

A series is named as on the /metrics page or as the parser names its family: `foo_total` and
`foo` are the same counter (the parser strips `_total`). A counter's or histogram's `_created`
sample is a timestamp, never a count, and is left out. A histogram or summary named by its
family counts its `_count`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from checker.checks.endpoint.http import Exchange, HttpClient, public_url
from checker.record import record

MAX_SCRAPE = 4 << 20  # parsing runs at about 1 MB/s: a few seconds at most
ACCEPT = "text/plain; version=0.0.4, */*; q=0.1"  # the Prometheus text format, not OpenMetrics
_COUNTED = ("counter", "histogram", "gaugehistogram", "summary")  # the types with `_created`
_NOT_PROMETHEUS = ("text/html", "application/json", "application/xml")


@record
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]
    value: float


@record
class Scrape:
    """One scrape: its samples, or why there are none (`error`)."""

    url: str  # public: without credentials or query values
    samples: tuple[Sample, ...] = ()
    families: Mapping[str, str] | None = None  # family name → type
    error: str | None = None

    def matching(self, series: str, labels: Mapping[str, str] | None = None) -> list[Sample]:
        """The samples of `series` (whose labels include `labels`)."""
        families = self.families or {}
        names = {series, f"{series}_total"}
        if families.get(series) in ("histogram", "gaugehistogram", "summary"):
            names.add(f"{series}_count")
        wanted = set((labels or {}).items())
        return [s for s in self.samples if s.name in names and wanted <= set(s.labels)]

    def total(self, series: str, labels: Mapping[str, str] | None = None) -> float:
        """The sum over every label set of `series`; 0 when it is absent (a labelled counter
        appears only once it has counted something)."""
        return sum((s.value for s in self.matching(series, labels)), 0.0)


def scrape(client: HttpClient, url: str) -> Scrape:
    """GET `url` and parse it; a failed scrape says why in one sentence."""
    answer = client.request("GET", url, content_type=None)
    shown = public_url(url)
    problem = _unusable(answer)
    if problem:
        return Scrape(shown, error=f"GET {shown}: {problem}")
    try:
        samples, families = parse(answer.text)
    except ValueError as exc:
        return Scrape(shown, error=f"GET {shown}: not Prometheus text ({_first_line(str(exc))})")
    if not samples:
        return Scrape(shown, error=f"GET {shown}: no series on the page (it is empty or only comments)")
    return Scrape(shown, samples, families)


def _unusable(answer: Exchange) -> str | None:
    if answer.truncated:
        return f"the page is larger than {MAX_SCRAPE} bytes; mlsmoke read only the start"
    if answer.error:
        return answer.error
    if not answer.ok:
        return f"answered HTTP {answer.status}, expected 200"
    media = answer.content_type.split(";", 1)[0].strip().lower()
    if media in _NOT_PROMETHEUS or media.endswith("+json"):
        return f"not Prometheus text (content type {media!r})"
    return None


def parse(text: str) -> tuple[tuple[Sample, ...], dict[str, str]]:
    """Every finite sample but `_created` timestamps, and the families' types; ValueError when
    the text is not the Prometheus exposition format."""
    from prometheus_client.parser import text_string_to_metric_families

    found = [(family.name, family.type, family.samples) for family in text_string_to_metric_families(text)]
    families = {name: kind for name, kind, _ in found}
    counted = {name for name, kind in families.items() if kind in _COUNTED}
    samples = tuple(Sample(s.name, tuple(sorted(s.labels.items())), float(s.value))
                    for _, _, family_samples in found for s in family_samples
                    if math.isfinite(s.value) and not _is_created(s.name, counted))
    return samples, families


def _is_created(name: str, counted: set[str]) -> bool:
    """`foo_created` of a counter `foo` (the parser files it as a family of its own)."""
    return name.endswith("_created") and name.removesuffix("_created") in counted


def _first_line(text: str) -> str:
    line = text.splitlines()[0] if text else "unreadable"
    return line if len(line) <= 200 else line[:200] + "…"
