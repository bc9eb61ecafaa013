"""Waking streams: the commit listener, the sweep, and ``kick`` (make one stream's job run).

Every stream has ONE deterministic job id, so enqueuing it twice is harmless. When the job
already exists a kick either leaves a flag the job checks before it ends (the job then drains
once more), or, if the job is in its last moments (it checked the flag and found none), waits
for it to be gone and enqueues a fresh one. The flag check at the end of a run and the kick's
decision are Lua scripts, so the two cannot interleave and no wake-up is lost between them.

A worker that enqueues a stream's job starts it itself at once (``start``), so a committed event
never waits for the queue poll. The periodic sweep re-enqueues every stream with pending events,
so a flushed Redis or a lost notification delays delivery by at most one sweep interval and
loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
import msgspec
import structlog
from arq.connections import ArqRedis
from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms

from app.db import Pool, connect
from app.delivery.endpoint_cache import ENDPOINTS_CHANNEL, EndpointCache
from app.store import delivery as delivery_store
from app.store.delivery_queries import NOTIFY_CHANNEL

log = structlog.get_logger()
SEND_JOB = "delivery_send"
# How long a kick waits for a job in its last moments to be gone before leaving it to the sweep.
_CLOSING_WAIT = 2.0
_CLOSING_TTL_MS = 2000

# Kicks for many streams in one round trip. KEYS: the queue, then per stream its job, result,
# again flag, closing marker and in-progress keys. ARGV: now (ms), job expiry (ms), then per
# stream its job id and serialized job. Per stream:
# 3: no job existed: one is queued now (what arq's enqueue_job does).
# 0: the job is ending without looking again: enqueue a new one once it is gone.
# 1: the flag is set and the job is running: it drains once more before it ends.
# 2: the flag is set and the job is waiting in the queue (pulled forward to now if deferred).
_KICK_MANY = """
local out = {}
for n = 1, (#KEYS - 1) / 5 do
    local k, a = 2 + (n - 1) * 5, 3 + (n - 1) * 2
    if redis.call('EXISTS', KEYS[k]) == 0 and redis.call('EXISTS', KEYS[k + 1]) == 0 then
        redis.call('PSETEX', KEYS[k], ARGV[2], ARGV[a + 1])
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[a])
        out[n] = 3
    elseif redis.call('EXISTS', KEYS[k + 3]) == 1 then
        out[n] = 0
    else
        redis.call('SET', KEYS[k + 2], '1', 'EX', 3600)
        if redis.call('EXISTS', KEYS[k + 4]) == 1 then
            out[n] = 1
        else
            redis.call('ZADD', KEYS[1], 'XX', 'LT', ARGV[1], ARGV[a])
            out[n] = 2
        end
    end
end
return out
"""
# KEYS: again flag, closing marker. ARGV: closing TTL (ms). 1: look again; 0: the run ends.
_END_OF_RUN = """
if redis.call('DEL', KEYS[1]) == 1 then return 1 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return 0
"""

Starter = Callable[[list[str]], Awaitable[None]]
# Wakes a stream whose run is in progress in this process; False if there is none.
Nudge = Callable[[str, str, str], bool]


def job_id(tenant_id: str, endpoint_id: str, stream_id: str) -> str:
    return f"{SEND_JOB}:{tenant_id}:{endpoint_id}:{stream_id}"


def again_key(tenant_id: str, endpoint_id: str, stream_id: str) -> str:
    return f"dirsync:delivery:again:{tenant_id}:{endpoint_id}:{stream_id}"


_CLOSING_PREFIX = "dirsync:delivery:closing:"
# How a stream job's id maps to its closing marker: swap the first prefix for the second. The
# worker's start script applies it as it marks the job running (``begin_run`` in one step with
# the start, no round trip of its own).
CLOSING_MARKER_OF_JOB = (f"{SEND_JOB}:", _CLOSING_PREFIX)


def closing_key(tenant_id: str, endpoint_id: str, stream_id: str) -> str:
    return f"{_CLOSING_PREFIX}{tenant_id}:{endpoint_id}:{stream_id}"


async def kick(
    redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str, *, defer_until: datetime | None = None
) -> bool:
    """Make sure the stream's job runs (now, or at ``defer_until``).

    True when the job is waiting in the queue to start (a worker may start it at once); False when
    it is running and will look again before it ends, or could not be queued (the sweep will).
    """
    if defer_until is None:
        return (await kick_all(redis, tenant_id, [endpoint_id], stream_id))[0]
    job = await redis.enqueue_job(
        SEND_JOB,
        tenant_id,
        endpoint_id,
        stream_id,
        _job_id=job_id(tenant_id, endpoint_id, stream_id),
        _defer_until=defer_until,
    )
    return job is not None  # else a job exists; it gets to the stream no later than asked


async def kick_all(redis: ArqRedis, tenant_id: str, endpoint_ids: list[str], stream_id: str) -> list[bool]:
    """``kick`` (now) for the stream ``stream_id`` of each endpoint, in one Redis round trip.

    A commit wakes one stream per endpoint; kicking them one by one cost each an arq enqueue
    (WATCH, EXISTS, MULTI/EXEC) and a script. Streams whose job is in its last moments are
    tried again, as ``kick`` does, until their job is gone.
    """
    answers: dict[str, bool] = {}
    pending = list(endpoint_ids)
    deadline = time.monotonic() + _CLOSING_WAIT
    script = redis.register_script(_KICK_MANY)
    while pending:
        now = timestamp_ms()
        keys: list[str] = [default_queue_name]
        args: list[Any] = [now, redis.expires_extra_ms]
        for endpoint_id in pending:
            the_id = job_id(tenant_id, endpoint_id, stream_id)
            keys += [
                job_key_prefix + the_id,
                result_key_prefix + the_id,
                again_key(tenant_id, endpoint_id, stream_id),
                closing_key(tenant_id, endpoint_id, stream_id),
                in_progress_key_prefix + the_id,
            ]
            job = (tenant_id, endpoint_id, stream_id)
            args += [the_id, serialize_job(SEND_JOB, job, {}, None, now, serializer=redis.job_serializer)]
        states = await script(keys, args)
        ending = [e for e, state in zip(pending, states, strict=True) if state == 0]
        answers.update((e, state in (2, 3)) for e, state in zip(pending, states, strict=True) if state != 0)
        pending = ending
        if pending and time.monotonic() > deadline:
            log.warning("delivery_kick_gave_up", tenant_id=tenant_id, endpoints=len(pending))
            answers.update((e, False) for e in pending)
            break
        if pending:
            await asyncio.sleep(0.002)  # their jobs are about to be removed from Redis
    return [answers[e] for e in endpoint_ids]


async def begin_run(redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str) -> None:
    """A run starts: kicks from now on are seen by it, none needs to wait for a predecessor.

    A job started by ``DirsyncWorker`` has had this done by the start script already.
    """
    await redis.delete(closing_key(tenant_id, endpoint_id, stream_id))


async def ask_again(redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str) -> None:
    """Make the stream's running job drain once more before it ends (as a kick does)."""
    await redis.set(again_key(tenant_id, endpoint_id, stream_id), "1", ex=3600)


async def end_of_run(redis: ArqRedis, tenant_id: str, endpoint_id: str, stream_id: str) -> bool:
    """True if a kick arrived during the run (drain again); else the run may end."""
    keys = [again_key(tenant_id, endpoint_id, stream_id), closing_key(tenant_id, endpoint_id, stream_id)]
    return bool(await redis.register_script(_END_OF_RUN)(keys, [_CLOSING_TTL_MS]) == 1)


def arq_starter(worker: Any) -> Starter:
    """Start queued jobs in this arq worker now instead of at its next queue poll."""

    async def start(job_ids: list[str]) -> None:
        main = worker.main_task
        if not worker.allow_pick_jobs or main is None or main.done() or main.cancelling():
            return  # shutting down: nothing new may start here; the jobs stay queued
        if worker.job_counter + len(job_ids) <= worker.max_jobs:
            await worker.start_queued(job_ids)
        # Else every slot is busy: the queue poll starts them as slots free up.

    return start


class CommitListener:
    """LISTEN on 'dirsync_events' and kick the streams a commit concerns, at once."""

    def __init__(
        self,
        pool: Pool,
        redis: ArqRedis,
        database_url: str,
        start: Starter | None = None,
        nudge: Nudge | None = None,
        cache: EndpointCache | None = None,
    ) -> None:
        self.pool = pool
        self.redis = redis
        self.database_url = database_url
        self.start_jobs = start
        self.nudge = nudge
        self.cache = cache or EndpointCache()
        self._conn: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: set[tuple[str, str | None, str | None]] = set()
        self._dirty: set[tuple[str, str | None, str | None]] = set()
        self._closed = False

    async def start(self) -> None:
        self._conn = await connect(self.database_url)
        await self._conn.add_listener(ENDPOINTS_CHANNEL, self._on_endpoint_changed)
        await self._conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
        self._conn.add_termination_listener(self._on_terminated)
        # Listening now: from here on every endpoint change reaches the cache.
        self.cache.reset(live=True)

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
        self.cache.reset(live=False)  # changes are not heard until the listener is back
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

    def _on_endpoint_changed(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        tenant_id, _, endpoint_id = payload.partition(" ")
        self.cache.changed(tenant_id, endpoint_id)

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
        if self._woken_here(key):
            return
        self._running.add(key)
        self._spawn(self._wake(key))

    def _woken_here(self, key: tuple[str, str | None, str | None]) -> bool:
        """Under steady traffic every stream of the directory runs in this process and the
        endpoints it wakes are cached: wake them in memory, with no task and no round trip."""
        tenant_id, directory_id, _ = key
        if directory_id is None or self.nudge is None:
            return False
        endpoints = self.cache.cached_directory_endpoints(tenant_id, directory_id)
        if endpoints is None:
            return False
        # Every stream, not up to the first one running elsewhere; the task that then handles
        # the commit nudges these once more, which is harmless.
        woken = [self.nudge(tenant_id, endpoint_id, directory_id) for endpoint_id in endpoints]
        return all(woken)

    async def _wake(self, key: tuple[str, str | None, str | None]) -> None:
        tenant_id, directory_id, event_type = key
        try:
            while True:
                self._dirty.discard(key)
                endpoints, stream_id = await self._endpoints(tenant_id, directory_id, event_type)
                await self._kick_all(tenant_id, endpoints, stream_id)
                if key not in self._dirty:
                    return
        except Exception:
            log.exception("delivery_wake_failed", tenant_id=tenant_id, directory_id=directory_id)
        finally:
            self._running.discard(key)

    async def _endpoints(
        self, tenant_id: str, directory_id: str | None, event_type: str | None
    ) -> tuple[list[str], str]:
        """The endpoints a commit wakes and their stream id; from the cache when it has them."""
        if directory_id is not None:
            cached = self.cache.cached_directory_endpoints(tenant_id, directory_id)
            if cached is not None:
                return cached, directory_id
        async with self.pool.acquire() as conn:
            if directory_id is not None:
                return await self.cache.directory_endpoints(conn, tenant_id, directory_id), directory_id
            return await delivery_store.ensure_tenant_streams(conn, tenant_id, event_type or ""), "tenant"

    async def _kick_all(self, tenant_id: str, endpoints: list[str], stream_id: str) -> None:
        if self.nudge is not None:
            # Streams running here are woken in process; the others through their jobs.
            endpoints = [e for e in endpoints if not self.nudge(tenant_id, e, stream_id)]
        queued = await kick_all(self.redis, tenant_id, endpoints, stream_id) if endpoints else []
        waiting = [job_id(tenant_id, e, stream_id) for e, q in zip(endpoints, queued, strict=True) if q]
        if waiting and self.start_jobs is not None:
            await self.start_jobs(waiting)


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
