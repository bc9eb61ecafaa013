"""Group commit for delivered attempts: many streams' attempt rows in one statement.

Every stream running in this process hands its delivered attempt to ``record`` and waits for
it to be written before it sends its next event, so order and "the cursor moves only after
the 2xx is logged" hold exactly as with one statement per delivery. While one batch is being
written the next one fills up, so under load one round trip to Postgres carries tens or
hundreds of rows, and with little traffic each row is written at once, alone.
"""

from __future__ import annotations

import asyncio
import contextlib

from app.db import Pool
from app.delivery.waiters import fail
from app.ids import new_ids
from app.store import delivery as delivery_store
from app.store.delivery import Delivered

MAX_BATCH = 500


class DeliveryRecorder:
    def __init__(self, pool: Pool, lease_seconds: float) -> None:
        self.pool = pool
        self.lease_seconds = lease_seconds
        self._rows: list[Delivered] = []
        self._waiters: list[asyncio.Future[bool]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, row: Delivered) -> bool:
        """Log the delivered attempt and move its stream on; False if the lease was lost."""
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._rows.append(row)
        self._waiters.append(waiter)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await waiter

    async def aclose(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer

    def _next_batch(self) -> tuple[list[Delivered], list[asyncio.Future[bool]]]:
        rows, waiters = self._rows[:MAX_BATCH], self._waiters[:MAX_BATCH]
        del self._rows[:MAX_BATCH], self._waiters[:MAX_BATCH]
        return rows, waiters

    async def _write_all(self) -> None:
        try:
            while self._rows:
                rows, waiters = self._next_batch()
                try:
                    # One connection for the whole burst: each batch that filled up meanwhile is
                    # written on it without going back to the pool.
                    async with self.pool.acquire() as conn:
                        while True:
                            written = await delivery_store.record_deliveries(
                                conn, rows, new_ids("att", len(rows)), self.lease_seconds
                            )
                            for waiter, ok in zip(waiters, written, strict=True):
                                if not waiter.done():
                                    waiter.set_result(ok)
                            if not self._rows:
                                break
                            rows, waiters = self._next_batch()
                except Exception as exc:
                    # The batch in hand fails as its own write would have (each job retries); the
                    # next one gets a fresh connection.
                    fail(waiters, exc)
                except BaseException:
                    fail(waiters, None)
                    raise
        except BaseException:
            fail(self._waiters, None)
            self._rows.clear()
            self._waiters.clear()
            raise
        finally:
            self._writer = None
