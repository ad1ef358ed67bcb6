"""Load a model and call its predict(), inside the USER's Python environment.

mlsmoke runs this file with the user's interpreter (`pipeline.python`), never importing it:
it uses the standard library plus whatever the user's environment has (pandas, numpy,
joblib, skops, onnxruntime), so the user's library versions never meet mlsmoke's.

    python probe.py REQUEST.json RESPONSE.json

The request names the feature columns (contract order) with their types, and one or more
models (file, format, batches of rows as lists in column order): several models share one
interpreter start and one import of the user's libraries. The response is written to a file,
not stdout, so whatever a model prints while loading cannot corrupt it.

How the model's input is built: the contract's feature columns only (target, id and ignore
columns are never given), in contract order, as a pandas DataFrame with dtypes from the
contract when pandas is importable, else as a list of row lists. A model that remembers the
columns it was fitted on (scikit-learn's `feature_names_in_`) gets them in its own order; if
its set differs from the contract's features, predict fails naming the difference.
"""

import json
import os
import sys
import traceback

EXTENSIONS = {".joblib": "joblib", ".jbl": "joblib", ".pkl": "pickle", ".pickle": "pickle",
              ".skops": "skops", ".onnx": "onnx"}


def main(argv):
    request_path, response_path = argv[1], argv[2]
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    sys.path.insert(0, os.getcwd())  # the user's own modules (custom transformers) import
    response = {"python": sys.version.split()[0], "executable": sys.executable,
                "models": [probe_model(entry, request["columns"], request["types"])
                           for entry in request["models"]]}
    with open(response_path, "w", encoding="utf-8") as handle:
        json.dump(response, handle, default=str)
    return 0


def probe_model(entry, columns, types):
    model, loaded = load(entry["path"], entry.get("format"))
    if model is None:
        return {"load": loaded}
    scores = bool(entry.get("scores"))
    batches = {name: predict(model, columns, types, rows, scores) for name, rows in entry["batches"].items()}
    return {"load": loaded, "batches": batches}


def model_format(path, declared):
    if declared:
        return declared
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def load(path, declared):
    fmt = model_format(path, declared)
    if fmt is None:
        return None, {"ok": False, "kind": "unknown_format",
                      "error": "cannot tell the model format from the file name "
                               + os.path.basename(path) + ": set model.format "
                               "(joblib, pickle, skops or onnx)"}
    try:
        model = LOADERS[fmt](path)
    except ImportError as exc:
        return None, {"ok": False, "kind": "missing_module", "format": fmt,
                      "module": getattr(exc, "name", None) or "", "error": last_line(exc),
                      "traceback": traceback.format_exc()}
    except BaseException as exc:  # unpickling runs arbitrary code: anything can come out
        return None, {"ok": False, "kind": "unreadable", "format": fmt, "error": last_line(exc),
                      "traceback": traceback.format_exc()}
    if fmt != "onnx" and not callable(getattr(model, "predict", None)):
        return None, {"ok": False, "kind": "no_predict", "format": fmt,
                      "error": "the loaded object (" + type_name(model) + ") has no predict() method"}
    model_type = "onnxruntime.InferenceSession" if fmt == "onnx" else type_name(model)
    return model, {"ok": True, "format": fmt, "model_type": model_type,
                   "feature_names": feature_names(model)}


def load_joblib(path):
    import joblib

    return joblib.load(path)


def load_pickle(path):
    import pickle

    with open(path, "rb") as handle:
        return pickle.load(handle)


def load_skops(path):
    import skops.io

    # the user's own model in the user's own environment: its types are trusted
    return skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))


def load_onnx(path):
    import onnxruntime

    return OnnxModel(onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"]))


LOADERS = {"joblib": load_joblib, "pickle": load_pickle, "skops": load_skops, "onnx": load_onnx}


class OnnxModel:
    """predict() over an ONNX session: one 2-D float tensor of the features, or one [n, 1]
    tensor per column when the graph's inputs are named after the columns."""

    def __init__(self, session):
        self.session = session

    def predict_rows(self, columns, rows):
        import numpy

        inputs = self.session.get_inputs()
        if len(inputs) == 1:
            feed = {inputs[0].name: numpy.asarray(rows, dtype=numpy.float32)}
        else:
            by_name = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
            feed = {item.name: onnx_column(by_name[item.name], item.type) for item in inputs}
        return self.session.run(None, feed)[0]


def onnx_column(values, onnx_type):
    import numpy

    dtype = {"tensor(float)": numpy.float32, "tensor(double)": numpy.float64,
             "tensor(int64)": numpy.int64, "tensor(string)": object}.get(onnx_type, numpy.float32)
    return numpy.asarray(values, dtype=dtype).reshape(-1, 1)


def feature_names(model):
    names = getattr(model, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else None


def predict(model, columns, types, rows, scores=False):
    """predict()'s values; with `scores`, also predict_proba's and decision_function's where the
    model has them (endpoint.parity compares served scores with them)."""
    frame = None
    try:
        if isinstance(model, OnnxModel):
            raw = model.predict_rows(columns, rows)
        else:
            frame, problem = input_frame(model, columns, types, rows)
            if problem:
                return {"ok": False, "kind": "columns", "error": problem}
            raw = model.predict(frame)
    except BaseException as exc:
        return {"ok": False, "kind": "raised", "error": last_line(exc),
                "traceback": traceback.format_exc()}
    values = as_values(raw)
    if scores and frame is not None:
        values["scores"] = model_scores(model, frame)
    return values


def model_scores(model, frame):
    found = {}
    for method in ("predict_proba", "decision_function"):
        function = getattr(model, method, None)  # a Pipeline hides those its last step lacks
        if not callable(function):
            continue
        try:
            found[method] = as_values(function(frame))
        except BaseException as exc:
            found[method] = {"ok": False, "error": last_line(exc)}
    return found


def input_frame(model, columns, types, rows):
    """(the model's input, None) or (None, why the columns do not fit)."""
    wanted = feature_names(model)
    if wanted is not None and set(wanted) != set(columns):
        missing = [c for c in wanted if c not in columns]
        extra = [c for c in columns if c not in wanted]
        return None, ("the model was fitted on columns the contract's features do not match"
                      + (": it expects " + ", ".join(missing) + " (not feature columns)" if missing else "")
                      + (": it was not fitted on " + ", ".join(extra) if extra else ""))
    try:
        import pandas
    except ImportError:
        if wanted is not None:
            rows = [[row[columns.index(name)] for name in wanted] for row in rows]
        return rows, None
    frame = pandas.DataFrame(rows, columns=columns)
    for name in columns:
        frame[name] = typed_column(pandas, frame[name], types[name])
    return (frame[wanted] if wanted is not None else frame), None


def typed_column(pandas, series, column_type):
    has_nulls = bool(series.isna().any())
    if column_type == "int":
        return series.astype("float64" if has_nulls else "int64")
    if column_type == "float":
        return series.astype("float64")
    if column_type == "bool":
        return series if has_nulls else series.astype("bool")
    if column_type == "datetime":
        return pandas.to_datetime(series)
    return series.astype("object")


def as_values(raw):
    """Predictions as JSON-able values, one entry per row when the output allows it."""
    shape = list(getattr(raw, "shape", ()) or [])
    raw_type = type_name(raw)
    if hasattr(raw, "tolist"):
        raw = raw.tolist()
    values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    if len(shape) == 2 and shape[1] == 1:
        values = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in values]
    return {"ok": True, "values": [plain(v) for v in values], "shape": shape or [len(values)],
            "type": raw_type}


def plain(value):
    if hasattr(value, "item") and not isinstance(value, (list, tuple)):
        try:
            return value.item()
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def type_name(value):
    kind = type(value)
    return kind.__module__ + "." + kind.__qualname__


def last_line(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


if __name__ == "__main__":
    sys.exit(main(sys.argv))
