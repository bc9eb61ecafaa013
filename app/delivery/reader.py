"""Group read: the next events of many directory streams in one statement.

Every commit to a directory wakes one stream per endpoint, and each of them reads the events
after its cursor. Those cursors are mostly the same, so the reads of all running streams are
gathered while the previous read is in flight, one statement answers them all, and streams
asking for the same directory from the same cursor share one answer. With ten endpoints a
commit costs one read instead of ten; with one endpoint and little traffic each read goes out
at once, alone, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools

from app.db import Pool
from app.delivery.waiters import fail
from app.store import delivery as delivery_store
from app.store.delivery import EventRow

MAX_READS = 500
_Key = tuple[str, str, int]  # tenant_id, directory_id, cursor


class EventReader:
    def __init__(self, pool: Pool, limit: int) -> None:
        self.pool = pool
        self.limit = limit
        self._waiting: dict[_Key, list[asyncio.Future[list[EventRow]]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def read(self, tenant_id: str, directory_id: str, cursor: int) -> list[EventRow]:
        """Up to ``limit`` events of the directory after ``cursor``, in sequence order.

        The rows may be shared with other streams' reads: they must not be changed.
        """
        waiter: asyncio.Future[list[EventRow]] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault((tenant_id, directory_id, cursor), []).append(waiter)
        if self._task is None:
            self._task = asyncio.create_task(self._read_all())
        return await waiter

    async def aclose(self) -> None:
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task

    def _next_reads(self) -> tuple[list[_Key], list[list[asyncio.Future[list[EventRow]]]]]:
        keys = list(itertools.islice(self._waiting, MAX_READS))
        return keys, [self._waiting.pop(key) for key in keys]

    async def _read_all(self) -> None:
        try:
            while self._waiting:
                keys, groups = self._next_reads()
                try:
                    # One connection for the whole burst, as the recorder does.
                    async with self.pool.acquire() as conn:
                        while True:
                            answers = await delivery_store.next_directory_events(conn, keys, self.limit)
                            for group, events in zip(groups, answers, strict=True):
                                for waiter in group:
                                    if not waiter.done():
                                        waiter.set_result(events)
                            if not self._waiting:
                                break
                            keys, groups = self._next_reads()
                except Exception as exc:
                    # The reads in hand fail as their own reads would have (their jobs retry).
                    fail(itertools.chain.from_iterable(groups), exc)
                except BaseException:
                    fail(itertools.chain.from_iterable(groups), None)
                    raise
        except BaseException:
            fail(itertools.chain.from_iterable(self._waiting.values()), None)
            self._waiting.clear()
            raise
        finally:
            self._task = None
