"""row_sets answers what np.unique and np.isin answer, without importing numpy.ma."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import REPO

from checker.tables.row_sets import isin, sorted_distinct

_RNG = np.random.default_rng(7)
ARRAYS = [np.array([], np.int64), np.array([5], np.int64), np.array([3, 3, 3], np.int64),
          np.array([9, -2, 9, 0, -2, 2**62], np.int64), _RNG.integers(0, 50, 1000),
          _RNG.integers(-(2**62), 2**62, 5000), np.arange(10_000, dtype=np.int64)]


@pytest.mark.parametrize("values", ARRAYS)
def test_sorted_distinct_is_np_unique(values: np.ndarray) -> None:
    found = sorted_distinct(values)
    assert found.dtype == np.unique(values).dtype
    assert found.tolist() == np.unique(values).tolist()


@pytest.mark.parametrize("values", ARRAYS)
@pytest.mark.parametrize("members", ARRAYS)
def test_isin_is_np_isin(values: np.ndarray, members: np.ndarray) -> None:
    assert isin(values, members).tolist() == np.isin(values, members).tolist()


def test_neither_imports_numpy_ma_where_numpy_would() -> None:
    code = ("import sys, numpy as np\n"
            "from checker.tables.row_sets import isin, sorted_distinct\n"
            "rows, wanted = np.arange(100_000), np.arange(0, 10**9, 10**6)\n"
            "isin(rows, wanted), sorted_distinct(np.concatenate([wanted, wanted]))\n"
            "print('numpy.ma' in sys.modules, end=' ')\n"
            "np.isin(rows, wanted)\n"
            "print('numpy.ma' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    ours, numpys = done.stdout.split()
    assert ours == "False", done.stderr
    if numpys == "False":  # the twin needs a numpy whose isin imports numpy.ma (2.4 does)
        pytest.skip(f"numpy {np.__version__}'s isin does not import numpy.ma either")
    assert numpys == "True"
