"""One OpenBLAS thread for mlsmoke's own numpy.

numpy's OpenBLAS starts a thread per core the moment numpy is imported, and pyarrow imports
numpy whenever it is installed. On two cores that is about 70 ms of CPU spent as a run starts,
competing with the run's own start-up, for linear algebra mlsmoke never does (a 1,000-row
Parquet run took ~10 ms less wall time and ~90 ms less CPU with one thread, timed in turn).
OpenBLAS reads OPENBLAS_NUM_THREADS once, as numpy loads it, so the CLI asks for one thread
before anything imports numpy, unless the user set a number or numpy is already loaded.

The environment the checks read, and pass on to the user's commands (a pipeline's training
run), is the one mlsmoke was started with: `started_environ()` leaves out what was set here.
"""

from __future__ import annotations

import os
import sys

VARIABLE = "OPENBLAS_NUM_THREADS"
_set_here: dict[str, str] = {}  # what one_blas_thread put in os.environ, while it is still there


def one_blas_thread() -> None:
    """Ask OpenBLAS for one thread, unless the user chose or numpy is already loaded."""
    _set_here.clear()  # a command run again in the same process starts from its own environment
    if VARIABLE not in os.environ and "numpy" not in sys.modules:
        os.environ[VARIABLE] = _set_here[VARIABLE] = "1"


def started_environ() -> dict[str, str]:
    """The process environment without what `one_blas_thread` set (a value changed since is
    someone else's and stays)."""
    return {name: value for name, value in os.environ.items() if _set_here.get(name) != value}
