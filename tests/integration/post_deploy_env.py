"""A post-deploy project and its `deployment_status` event, shared by the integration tests
and the act test: an endpoint smoke whose URL comes from the deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from real_servers import CONTRACT

DEPLOYMENT_ID = 4242
DEPLOYED_SHA = "d" * 40
ENVIRONMENT = "staging"
LOG_URL = "https://github.com/acme/wine/actions/runs/42"


def endpoint_project(folder: Path) -> Path:
    """A project whose only check is an endpoint smoke at ${STAGING_URL}, with a response
    contract (a prediction between 0 and 1) a faulty deployment breaks."""
    config = {
        "version": 1, "contracts": CONTRACT,
        "endpoint": [{"name": "wine", "url": "${STAGING_URL}", "protocol": "mlflow", "contract": "wine",
                      "rows": 4, "requests": 5, "concurrency": 1, "request_timeout": "3s",
                      "health": {"path": "/health", "timeout": "5s"},
                      "response": {"output": {"type": "float", "min": 0, "max": 1}}}],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mlsmoke.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


def deployment_status_event(state: str = "success", *, environment_url: str | None = None,
                            target_url: str | None = None, **status: Any) -> dict[str, Any]:
    """What a workflow `on: deployment_status` sees (the fields mlsmoke reads, and a few more)."""
    deployment_status = {"id": 1, "state": state, "environment": ENVIRONMENT,
                         "description": "Deployed by the deploy job", **status}
    if environment_url is not None:
        deployment_status["environment_url"] = environment_url
    if target_url is not None:
        deployment_status["target_url"] = target_url
    return {"action": "created", "deployment_status": deployment_status,
            "deployment": {"id": DEPLOYMENT_ID, "sha": DEPLOYED_SHA, "ref": "main",
                           "environment": ENVIRONMENT, "task": "deploy"}}
