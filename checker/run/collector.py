"""The cyclic garbage collector during start-up.

Start-up (importing the checker and its libraries, building the config models) makes hundreds of
thousands of objects and frees almost none, so every collection the collector runs then walks
them all for nothing. `paused()` switches it off for start-up, in two parts: the CLI's (the
session's modules, the settings) and the runner's, once the config is planned (the planned
groups' modules and the libraries their checks use, `CheckGroup.prepare`: pyarrow and numpy for
the data checks, imported there rather than inside the first check, make a 1,000-row Parquet run
10-20 ms shorter, timed in turn against the same install without it; the collector's share is
~4 ms, the rest we measured and have not explained). On leaving, what start-up made moves to the
permanent generation (`gc.freeze`: never walked again, not even when the process exits) and the
collector is on again, so the checks, which do make garbage, run with it as usual. A caller that
goes on in the same process after the command (the tests' in-process CLI) calls `gc.unfreeze()`
to make those objects collectable again.

`leaving()` does the same for what the run made, once its outputs are written: the run's
garbage is collected (finalizers run, as at any exit), then everything left is frozen. The
interpreter's exit collects several times while it tears the modules down, and each of those
walks would otherwise go over every object pyarrow, numpy, Jinja and the checks made: a
1,000-row run's exit takes ~15 ms instead of ~28 (the collection here costs ~3 ms). Nothing
is skipped that writes anything: stdout and stderr are flushed and atexit handlers
(temporary folders) run as before. (The `mlsmoke` program itself skips the teardown
altogether: quick_exit.py; this is the exit of everything else that runs the command.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The block runs with the collector off (left off if someone else turned it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.freeze()
            gc.enable()


def leaving() -> None:
    """Before the process exits: collect the run's garbage, then freeze what is left."""
    gc.collect()
    gc.freeze()
