"""skops and ONNX models, loaded by the probe in a user venv that has skops and onnxruntime
(a second cached venv: the example's requirements plus skops, skl2onnx and onnxruntime)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run_check
from pipeline_project import make_project, tree_hash
from user_env import user_venv

pytestmark = pytest.mark.slow

FORMATS_EXTRA = ("skops>=0.9", "skl2onnx>=1.16", "onnxruntime>=1.16")

TRAIN = """
    import sys
    from pathlib import Path
    import numpy as np, pandas as pd, skops.io
    from skl2onnx import to_onnx
    from sklearn.tree import DecisionTreeClassifier

    frame = pd.read_parquet(sys.argv[1])
    out = Path(sys.argv[2])
    features = frame[["alcohol", "ph"]]
    model = DecisionTreeClassifier(random_state=0).fit(features, frame["cultivar"])
    skops.io.dump(model, out / "model.skops")
    onx = to_onnx(model, features.to_numpy(dtype=np.float32)[:1], options={id(model): {"zipmap": False}})
    (out / "model.onnx").write_bytes(onx.SerializeToString())
"""


@pytest.mark.parametrize("model_file", ["model.skops", "model.onnx"])
def test_skops_and_onnx_models_load_and_learn_the_pattern(tmp_path: Path, model_file: str) -> None:
    config = make_project(tmp_path / "p", f"""
        contract: wine
        rows: 200
        patterns:
          - when: {{alcohol: {{gt: 12.5}}}}
            set: {{cultivar: 1}}
          - when: {{alcohol: {{le: 12.5}}}}
            set: {{cultivar: 0}}
        command: python train.py {{data}} {{out}}
        model:
          path: "{{out}}/{model_file}"
          output: {{type: int, allowed: [0, 1]}}
          expect:
            - {{input: {{alcohol: 14.0}}, output: 1}}
            - {{input: {{alcohol: 11.0}}, output: 0}}
    """, {"train.py": TRAIN})
    env = dict(os.environ)
    env["PATH"] = f"{user_venv('user-venv-formats', FORMATS_EXTRA) / 'bin'}{os.pathsep}{env['PATH']}"
    before = tree_hash(config.parent)
    results = {r.id: r for r in run_check(config, "pipeline", environ=env, out_dir=tmp_path / "o")}
    assert tree_hash(config.parent) == before
    for check_id in ("pipeline.run", "pipeline.model_load", "pipeline.predict", "pipeline.expect"):
        assert results[check_id].status.value == "pass", results[check_id].to_dict()
    fmt = model_file.split(".")[1]
    assert f"({fmt})" in results["pipeline.model_load"].summary
    assert "probe" not in results["pipeline.model_load"].summary
