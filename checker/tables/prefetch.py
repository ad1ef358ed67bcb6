"""Read ahead on a thread: while the caller checks one record batch, the next ones are read.
pyarrow decodes and parses without holding the GIL, so reading and checking overlap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def prefetch(batches: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Read the next batches on a thread while the caller works on this one: pyarrow decodes
    without the GIL, so reading and checking overlap. An error is raised where it happened."""
    import queue
    import threading

    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                ready.put(("batch", batch))
            ready.put(("done", None))
        except BaseException as exc:  # handed to the consumer, raised there
            ready.put(("error", exc))

    worker = threading.Thread(target=produce, name="mlsmoke-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = ready.get()
            if kind == "done":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                ready.get_nowait()
            except queue.Empty:
                worker.join(0.01)
