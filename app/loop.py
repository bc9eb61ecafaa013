"""The event loop the worker and `dirsync dev` run on: uvloop where it is installed.

uvicorn already serves the API on uvloop ("auto"). The worker is the hot path of delivery, and
uvloop cuts the cost of its socket and scheduling work (docs/webhooks.md has the figures).
``DIRSYNC_EVENT_LOOP=asyncio`` runs on the standard loop instead, to compare or to debug.
"""

from __future__ import annotations

import asyncio
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


def run(main: Coroutine[Any, Any, T], choice: Literal["auto", "asyncio"] = "auto") -> T:
    """``asyncio.run`` on the chosen loop."""
    with asyncio.Runner(loop_factory=lambda: new_event_loop(choice)) as runner:
        return runner.run(main)
