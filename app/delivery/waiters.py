"""The streams waiting on a grouped read (``reader``) or write (``recorder``), answered together."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any


def fail(waiters: Iterable[asyncio.Future[Any]], error: Exception | None) -> None:
    """Fail every waiter still waiting with ``error`` (each stream's job then retries), or cancel
    it when there is none (the batch task itself was cancelled)."""
    for waiter in waiters:
        if waiter.done():
            continue
        if error is None:
            waiter.cancel()
        else:
            waiter.set_exception(error)
