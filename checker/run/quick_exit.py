"""The end of the `mlsmoke run` program: what the interpreter's exit does that anyone can see,
without the teardown no one sees.

After a run, Python's exit spends ~6 ms (a 1,000-row run; more after larger ones) tearing the
modules down and freeing pyarrow's, numpy's and Jinja's objects one by one, and `leaving()`
spends ~4 ms before it making that cheaper; the operating system frees the memory anyway.
`quick_exit` does, in the interpreter's order, what has an effect outside the process: it
leaves the exit to the interpreter when a thread it would wait for (not a daemon) is still
running, runs the atexit handlers (temporary folders, `weakref.finalize`, logging), flushes
stdout and stderr, then ends the process with the exit code (`os._exit`). The run's outputs
are written and closed before (run/outputs.py). A stream that cannot be flushed takes the
usual exit too, which reports it as it always does. A run leaves no thread of its own
running: the data scan's pool is shut down and its read-ahead threads end with the file.

Only the program itself ends this way: `python -m checker` or the `mlsmoke` console script,
started as such (`is_the_program`). Called as a library, by the tests' CliRunner, by a script
that runs the module and goes on (`runpy`), or under a profiler or coverage (which write
their files after the program returns), the exit is the usual one.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from pathlib import Path
from typing import NoReturn

CONSOLE_SCRIPT = "mlsmoke"
MODULE = "checker.__main__"  # what `python -m checker` runs


def is_the_program() -> bool:
    """This process was started to run mlsmoke and nothing runs after it: the outermost frame
    is `python -m checker`'s (runpy's `_run_module_as_main`, which the interpreter calls) or
    the `mlsmoke` console script's, not another program that called it."""
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
    if frame.f_code.co_name == "_run_module_as_main" and frame.f_globals.get("__name__") == "runpy":
        return frame.f_locals.get("mod_name") == MODULE
    main = sys.modules.get("__main__")
    return (frame.f_code.co_name == "<module>" and main is not None and frame.f_globals is vars(main)
            and Path(frame.f_code.co_filename).name == CONSOLE_SCRIPT)


def quick_exit(code: int) -> NoReturn:
    """End the process with `code` after the atexit handlers and flushed stdout and stderr,
    without the interpreter's teardown (the usual exit when a thread is still running or a
    stream cannot be flushed)."""
    if _running_threads():
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: the usual exit reports it
        sys.exit(code)
    os._exit(code)


def _running_threads() -> bool:
    """A thread the interpreter's exit would wait for (not a daemon) is still running."""
    main = threading.main_thread()
    return any(thread is not main and not thread.daemon and thread.is_alive()
               for thread in threading.enumerate())
