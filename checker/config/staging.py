"""`--staging-url`: which endpoint entry it replaces, decided once when the config is loaded."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from checker.config.load import LoadedConfig
from checker.errors import UsageError

if TYPE_CHECKING:
    from checker.config.endpoint_schema import Endpoint


def with_staging_url(loaded: LoadedConfig, staging_url: str, source: str = "--staging-url") -> LoadedConfig:
    """The config with `staging_url` as the url of the single model entry (or of the only
    entry). Without such an entry, one must already name it: `url: ${STAGING_URL}` (the
    session sets that variable from the option when it is unset). Else a UsageError that
    names where the URL came from (`source`)."""
    entries = loaded.config.endpoint
    staged = _staged_index(entries)
    if staged is None:
        if any(e.url == staging_url for e in entries):
            return loaded
        models = sum(not e.health_only for e in entries)
        raise UsageError(f"{source} needs one model endpoint to replace, but mlsmoke.yml has "
                         f"{models or 'no'} endpoint entr{'y' if models == 1 else 'ies'} with a contract; "
                         "write `url: ${STAGING_URL}` in the entry it is for")
    endpoint = list(entries)
    endpoint[staged] = entries[staged].model_copy(update={"url": staging_url})
    return replace(loaded, config=loaded.config.model_copy(update={"endpoint": endpoint}))


def _staged_index(entries: list[Endpoint]) -> int | None:
    models = [i for i, e in enumerate(entries) if not e.health_only]
    if len(models) == 1:
        return models[0]
    return 0 if len(entries) == 1 else None
