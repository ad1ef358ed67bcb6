"""Settings for the native libraries mlsmoke's own process loads, made before they load.

- One OpenBLAS thread. numpy's OpenBLAS starts a thread per core the moment numpy is
  imported, and pyarrow imports numpy whenever it is installed. On two cores that is about
  70 ms of CPU spent as a run starts, competing with the run's own start-up, for linear
  algebra mlsmoke never does (a 1,000-row Parquet run took ~10 ms less wall time and ~90 ms
  less CPU with one thread, timed in turn). OpenBLAS reads OPENBLAS_NUM_THREADS once, as
  numpy loads it.
- mimalloc (pyarrow's default memory pool) commits its arenas as they are used. By default
  (MIMALLOC_ARENA_EAGER_COMMIT=2) it commits its first 1 GiB arena at once on Linux and asks
  for transparent huge pages on all of it (madvise MADV_HUGEPAGE). Where the kernel compacts
  memory for such a request when it is touched (THP `defrag` set to `madvise`, Ubuntu's
  default and GitHub's runners'), the first Parquet read waited for that 5-10 ms in one run
  of four or five (0.85 ms otherwise; 0.5 ms committing as used), and every 2 MiB page
  counted whole in the peak RSS: about 30 MiB more at 10M rows, for no shorter wall time
  (0.62 s either way; measured here in turn, 2026-12-04, pyarrow 26; pyarrow 20's mimalloc
  asks for no huge pages, and the setting changes nothing there). mimalloc reads the variable
  once, as `import pyarrow` loads libarrow.

Each is set before anything loads its library, unless the user set it or the library is
already loaded. The environment the checks read, and pass on to the user's commands (a
pipeline's training run), is the one mlsmoke was started with: `started_environ()` leaves out
what was set here.
"""

from __future__ import annotations

import os
import sys

# variable → (the value set, the module whose import loads the library that reads it)
SETTINGS = {"OPENBLAS_NUM_THREADS": ("1", "numpy"), "MIMALLOC_ARENA_EAGER_COMMIT": ("0", "pyarrow")}
_set_here: dict[str, str] = {}  # what native_settings put in os.environ, while it is still there


def native_settings() -> None:
    """Set each variable the user did not, whose library is not loaded yet."""
    _set_here.clear()  # a command run again in the same process starts from its own environment
    for variable, (value, loader) in SETTINGS.items():
        if variable not in os.environ and loader not in sys.modules:
            os.environ[variable] = _set_here[variable] = value


def started_environ() -> dict[str, str]:
    """The process environment without what `native_settings` set (a value changed since is
    someone else's and stays)."""
    return {name: value for name, value in os.environ.items() if _set_here.get(name) != value}
