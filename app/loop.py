"""The event loop the worker and `dirsync dev` run on: uvloop where it is installed.

uvicorn already serves the API on uvloop ("auto"). The worker is the hot path of delivery, and
uvloop cuts the cost of its socket and scheduling work (docs/webhooks.md has the figures).
``DIRSYNC_EVENT_LOOP=asyncio`` runs on the standard loop instead, to compare or to debug.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

T = TypeVar("T")


def new_event_loop(choice: Literal["auto", "asyncio"] = "auto") -> asyncio.AbstractEventLoop:
    if choice == "auto":
        try:
            import uvloop
        except ImportError:  # pragma: no cover - a dependency wherever uvloop builds
            pass
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


# The youngest generation is collected after this many new container objects (Python's default is
# 700). A delivery allocates dozens (futures, coroutines, rows), so at the default the worker ran
# a collection every few deliveries.
GC_YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Garbage collection for a long-running process, called once start-up is done.

    Everything alive now (modules, classes, settings) is moved out of the collector's sight
    (``gc.freeze``), so the full collections that still happen no longer walk it. Young
    collections run less often. Measured in the delivery worker during bench/fanout's throughput
    phase: garbage collection took about 4 s of CPU per 63 s, including full collections of
    50 to 100 ms each; afterwards it hardly ran at all (most objects die by reference count
    before 50,000 of them pile up).
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def run(main: Coroutine[Any, Any, T], choice: Literal["auto", "asyncio"] = "auto") -> T:
    """``asyncio.run`` on the chosen loop, with the collector tuned for a long-running process."""
    tune_gc()
    with asyncio.Runner(loop_factory=lambda: new_event_loop(choice)) as runner:
        return runner.run(main)
