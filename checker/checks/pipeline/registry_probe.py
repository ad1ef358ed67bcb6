"""Round-trip the trained model through an MLflow model registry, inside the USER's Python.

mlsmoke runs this file with the user's interpreter (`pipeline.python`), never importing it:
MLflow is the user's dependency, at the user's version. Standard library plus the user's
mlflow, and probe.py (its sibling) for loading the model file and building its input.

    python registry_probe.py REQUEST.json RESPONSE.json

Steps, each named in the response as `step` while it runs, so a failure says where it stopped:
load the model file; log it to the tracking server in a new run (cloudpickle: MLflow's default,
skops, refuses a RandomForest's tree type, and the user's file is a pickle anyway); register a
new version; point the alias at it; load `models:/<name>@<alias>` back; predict on the rows.
The tracking server's credentials come from the environment (MLFLOW_TRACKING_TOKEN, …), read
by MLflow itself; this script never writes them anywhere.
"""

import json
import os
import sys
import traceback

try:
    import probe  # the sibling script (this file's folder is sys.path[0]), imported before the project's
except ImportError:  # imported as part of the checker package (tools, tests), not run
    from checker.checks.pipeline import probe

FLAVORS = {"sklearn": "mlflow.sklearn"}


class Response(dict):  # type: ignore[type-arg]  # any Python the user has
    """The answer so far, saved at every step: a process stopped on its timeout still says
    which step it was in."""

    def __init__(self, path):
        super().__init__(python=sys.version.split()[0], ok=False)
        self.path = path

    def step(self, name):
        self["step"] = name
        self.save()

    def save(self):
        partial = self.path + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(self, handle, default=str)
        os.replace(partial, self.path)


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    sys.path.insert(0, os.getcwd())  # the user's own modules (custom transformers) import
    response = Response(argv[2])
    try:
        round_trip(request, response)
        response["ok"] = True
    except ImportError as exc:
        response.update(kind="missing_module", module=getattr(exc, "name", None) or "",
                        error=probe.last_line(exc), traceback=traceback.format_exc())
    except BaseException as exc:  # MLflow and unpickling raise anything; the step says where
        response.update(kind="raised", error=probe.last_line(exc), traceback=traceback.format_exc())
    response.save()
    return 0


def round_trip(request, response):
    response.step("import")
    import importlib

    import mlflow
    from mlflow import MlflowClient

    flavor = importlib.import_module(FLAVORS[request["flavor"]])
    response["mlflow"] = getattr(mlflow, "__version__", "")
    response.step("load")
    model, loaded = probe.load(request["path"], request.get("format"))
    if model is None:
        raise RuntimeError("the model file does not load: " + str(loaded.get("error")))
    frame, problem = probe.input_frame(model, request["columns"], request["types"], request["rows"])
    if problem:
        raise RuntimeError(problem)
    mlflow.set_tracking_uri(request["tracking_uri"])
    response.step("log")
    model_uri = log_model(mlflow, flavor, model, frame, response)
    response.step("register")
    version = mlflow.register_model(model_uri, request["name"],
                                    await_registration_for=request["await_s"])
    response.update(version=str(version.version), source=getattr(version, "source", ""))
    response.step("alias")
    client = MlflowClient()
    client.set_registered_model_alias(request["name"], request["alias"], version.version)
    aliased = client.get_model_version_by_alias(request["name"], request["alias"])
    response.update(alias_version=str(aliased.version), alias_run_id=getattr(aliased, "run_id", ""))
    response.step("reload")
    uri = "models:/" + request["name"] + "@" + request["alias"]
    reloaded = mlflow.pyfunc.load_model(uri)
    response.step("predict")
    response["batch"] = probe.as_values(reloaded.predict(frame))
    response.step("done")


def log_model(mlflow, flavor, model, frame, response):
    from mlflow.models import infer_signature

    signature = infer_signature(frame, model.predict(frame))
    with mlflow.start_run() as run:
        response["run_id"] = run.info.run_id
        try:  # MLflow 3 names the logged model `name`; MLflow 2 took `artifact_path`
            info = flavor.log_model(model, name="model", signature=signature,
                                    serialization_format="cloudpickle")
        except TypeError:
            info = flavor.log_model(model, artifact_path="model", signature=signature,
                                    serialization_format="cloudpickle")
    response["model_uri"] = info.model_uri
    response["model_id"] = getattr(info, "model_id", None) or ""
    return info.model_uri


if __name__ == "__main__":
    sys.exit(main(sys.argv))
