"""Waking streams: the commit listener, the sweep, and ``kick`` (enqueue one stream's job).

Every stream has ONE deterministic job id, so enqueuing it twice is harmless. When the job
already exists (running, queued or deferred for a retry) a kick pulls a queued or deferred job
forward to now and leaves a flag the running job checks before it ends; a second kick shortly
after covers the moment between that check and the job's removal from Redis. The periodic sweep
re-enqueues every stream with pending events, so a flushed Redis or a lost notification delays
delivery by at most one sweep interval and loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from typing import Any

import asyncpg
import msgspec
import structlog
from arq.connections import ArqRedis
from arq.constants import default_queue_name

from app.db import Pool, connect
from app.store import delivery as delivery_store
from app.store.delivery_queries import NOTIFY_CHANNEL

log = structlog.get_logger()
SEND_JOB = "delivery_send"
_RECHECK_DELAY = 0.05


def job_id(tenant_id: str, endpoint_id: str, stream_id: str) -> str:
    return f"{SEND_JOB}:{tenant_id}:{endpoint_id}:{stream_id}"


def again_key(tenant_id: str, endpoint_id: str, stream_id: str) -> str:
    return f"dirsync:delivery:again:{tenant_id}:{endpoint_id}:{stream_id}"


async def kick(
    redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str, *, defer_until: datetime | None = None
) -> bool:
    """Make sure the stream's job runs (now, or at ``defer_until``); True if a new job was queued."""
    the_id = job_id(tenant_id, endpoint_id, stream_id)
    job = await redis.enqueue_job(
        SEND_JOB, tenant_id, endpoint_id, stream_id, _job_id=the_id, _defer_until=defer_until
    )
    if job is not None:
        return True
    if defer_until is None:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.set(again_key(tenant_id, endpoint_id, stream_id), b"1", ex=3600)
            pipe.zadd(default_queue_name, {the_id: int(time.time() * 1000)}, xx=True)
            await pipe.execute()
    return False


async def take_again_flag(redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str) -> bool:
    return bool(await redis.getdel(again_key(tenant_id, endpoint_id, stream_id)))


class CommitListener:
    """LISTEN on 'dirsync_events' and kick the streams a commit concerns, at once."""

    def __init__(self, pool: Pool, redis: ArqRedis, database_url: str) -> None:
        self.pool = pool
        self.redis = redis
        self.database_url = database_url
        self._conn: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[tuple[str, str | None, str | None]] = set()
        self._dirty: set[tuple[str, str | None, str | None]] = set()
        self._closed = False

    async def start(self) -> None:
        self._conn = await connect(self.database_url)
        await self._conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
        self._conn.add_termination_listener(self._on_terminated)

    async def stop(self) -> None:
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        # Wait for them, so none is left holding a Redis connection when the pool closes.
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()

    def _on_terminated(self, _conn: object) -> None:
        if not self._closed:
            log.warning("delivery_listener_lost")
            self._spawn(self._reconnect())

    async def _reconnect(self) -> None:
        while not self._closed:
            try:
                await self.start()
                return
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(1)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            message = msgspec.json.decode(payload)
            key = (str(message["tenant_id"]), message.get("directory_id"), message.get("type"))
        except (msgspec.DecodeError, KeyError, TypeError):
            log.warning("delivery_bad_notification")
            return
        if key in self._running:
            self._dirty.add(key)  # coalesce a burst of commits into one more pass
            return
        self._running.add(key)
        self._spawn(self._wake(key))

    async def _wake(self, key: tuple[str, str | None, str | None]) -> None:
        tenant_id, directory_id, event_type = key
        try:
            while True:
                self._dirty.discard(key)
                async with self.pool.acquire() as conn:
                    if directory_id is not None:
                        endpoints = await delivery_store.ensure_directory_streams(
                            conn, tenant_id, directory_id
                        )
                        stream_id = directory_id
                    else:
                        endpoints = await delivery_store.ensure_tenant_streams(
                            conn, tenant_id, event_type or ""
                        )
                        stream_id = "tenant"
                refused = [e for e in endpoints if not await kick(self.redis, tenant_id, e, stream_id)]
                if refused:
                    self._spawn(self._recheck(tenant_id, refused, stream_id))
                if key not in self._dirty:
                    return
        except Exception:
            log.exception("delivery_wake_failed", tenant_id=tenant_id, directory_id=directory_id)
        finally:
            self._running.discard(key)

    async def _recheck(self, tenant_id: str, endpoints: list[str], stream_id: str) -> None:
        await asyncio.sleep(_RECHECK_DELAY)
        for endpoint_id in endpoints:
            await kick(self.redis, tenant_id, endpoint_id, stream_id)


async def sweep(pool: Pool, redis: ArqRedis) -> int:
    """Enqueue every stream with pending work (all tenants); returns how many were queued anew."""
    async with pool.acquire() as conn:
        await delivery_store.ensure_all_streams(conn)
        pending = await delivery_store.pending_streams(conn)
    queued = 0
    now = datetime.now().astimezone()
    for tenant_id, endpoint_id, stream_id, next_attempt_at in pending:
        defer = next_attempt_at if next_attempt_at is not None and next_attempt_at > now else None
        the_id = job_id(tenant_id, endpoint_id, stream_id)
        job = await redis.enqueue_job(
            SEND_JOB, tenant_id, endpoint_id, stream_id, _job_id=the_id, _defer_until=defer
        )
        queued += job is not None
    return queued
