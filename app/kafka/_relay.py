"""The Kafka firehose relay: every committed event, in order per directory, at least once.

It runs as a task in each worker; a session-level advisory lock on its own Postgres connection
makes one of them active and the others standbys. The active relay reads events after its cursor
(the same late-commit-safe order as the tenant-wide Events API), publishes them, and advances the
cursor in one UPDATE only after the broker acknowledged the whole wave. Any failure (broker gone,
Postgres gone) tears the session down and starts over from the stored cursor after a backoff, so
events are resent rather than lost; consumers deduplicate by the ``event_id`` header.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any, Literal

import asyncpg
import structlog

from app.db import Connection
from app.kafka._publisher import Publisher
from app.settings import KafkaSettings, Settings
from app.store import kafka_relay as store

log = structlog.get_logger()

CHANNEL = "dirsync_events"
RelayState = Literal["stopped", "connecting", "standby", "active"]


class KafkaRelay:
    def __init__(
        self,
        settings: Settings,
        *,
        name: str = "default",
        standby_interval: float = 2.0,
        max_backoff: float = 30.0,
        unsettled_interval: float = 0.05,
    ) -> None:
        assert settings.database.url and settings.kafka.bootstrap_servers
        self.database_url = settings.database.url
        self.kafka: KafkaSettings = settings.kafka
        self.name = name
        self.standby_interval = standby_interval
        self.max_backoff = max_backoff
        self.unsettled_interval = unsettled_interval
        self.state: RelayState = "stopped"
        self.relayed = 0  # events acknowledged by the broker since start()
        self.failures = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.state = "connecting"
        self._task = asyncio.create_task(self._run(), name=f"kafka-relay-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.state = "stopped"

    async def _run(self) -> None:
        attempt = 0
        while True:
            relayed_before = self.relayed
            try:
                await self._session()
            except Exception as exc:  # any failure: start over from the stored cursor
                self.failures += 1
                log.warning("kafka_relay_failed", error=repr(exc), attempt=attempt)
            self.state = "connecting"
            attempt = 0 if self.relayed > relayed_before else attempt + 1
            delay = min(self.max_backoff, 0.2 * 2**attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto

    async def _session(self) -> None:
        """One connection's life: wait for the lock, then relay until something fails."""
        conn: Connection = await asyncpg.connect(self.database_url)
        publisher: Publisher | None = None
        try:
            while not await store.try_lock(conn):
                self.state = "standby"
                await asyncio.sleep(self.standby_interval)
            await conn.add_listener(CHANNEL, self._on_notify)
            cursor = await store.get_cursor(conn, self.name)
            publisher = Publisher(self.kafka)
            await publisher.start()
            self.state = "active"
            log.info("kafka_relay_active", cursor=(cursor.tx_id, cursor.position))
            await self._relay(conn, publisher, cursor)
        finally:
            if publisher is not None:
                await publisher.close()
            # Closing the connection releases the advisory lock for a standby.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), timeout=5)

    async def _relay(self, conn: Connection, publisher: Publisher, cursor: store.Cursor) -> None:
        limit = self.kafka.batch_events
        pending: list[store.RelayEvent] = []
        while True:
            self._wake.clear()
            if not pending:
                pending = await store.list_after(conn, cursor, limit)
            if not pending:
                unsettled = await store.has_unsettled(conn, cursor)
                await self._sleep(self.unsettled_interval if unsettled else self.kafka.poll_interval_seconds)
                continue
            # While the broker acknowledges this wave, read the next one (read-ahead never moves the
            # cursor; only acknowledged events do).
            wave = asyncio.ensure_future(publisher.publish(pending))
            try:
                ahead = (
                    await store.list_after(conn, pending[-1].cursor, limit) if len(pending) >= limit else []
                )
            except BaseException:
                wave.cancel()
                with contextlib.suppress(BaseException):
                    await wave
                raise
            count = await wave
            cursor = pending[count - 1].cursor
            await store.advance_cursor(conn, self.name, cursor, count)
            self.relayed += count
            pending = pending[count:] + ahead

    async def _sleep(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    def _on_notify(self, *_args: Any) -> None:
        self._wake.set()


async def start_relay(settings: Settings) -> KafkaRelay | None:
    """Start the relay when ``DIRSYNC_KAFKA_BOOTSTRAP_SERVERS`` is set (the worker calls this)."""
    if not settings.kafka.bootstrap_servers:
        return None
    relay = KafkaRelay(settings)
    await relay.start()
    return relay
