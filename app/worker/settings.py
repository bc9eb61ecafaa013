"""WorkerSettings for arq, built from our Settings (never from import-time globals)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any

import structlog
from arq.connections import RedisSettings
from arq.constants import in_progress_key_prefix
from arq.cron import cron
from arq.utils import timestamp_ms
from arq.worker import Worker, func

from app.db import create_pool
from app.kafka import start_relay
from app.settings import Settings, SettingsError
from app.worker.delivery import SEND_FUNCTION, SWEEP_CRON, delivery_shutdown, delivery_startup
from app.worker.directory import directory_purge
from app.worker.google import google_channels, google_channels_stop, google_sync, google_tick
from app.worker.scim import scim_prune_request_log

log = structlog.get_logger()


async def system_ping(ctx: dict[str, Any], value: str) -> str:
    """A no-op job used by health checks and tests to prove the worker runs jobs."""
    async with ctx["pool"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    return f"pong:{value}"


# Later areas append their jobs and cron jobs here.
FUNCTIONS: list[Any] = [
    system_ping,
    directory_purge,
    func(google_sync, timeout=3600),
    google_channels,
    google_channels_stop,
    scim_prune_request_log,
    SEND_FUNCTION,
]
CRON_JOBS: list[Any] = [
    cron(directory_purge, minute=set(range(0, 60, 5)), run_at_startup=True),
    cron(google_tick, second=0, unique=True),
    cron(scim_prune_request_log, minute=17, unique=True),
    SWEEP_CRON,
]
# Async hooks run with ctx after the pool is created / before it is closed.
STARTUP_HOOKS: list[Any] = [delivery_startup]
SHUTDOWN_HOOKS: list[Any] = [delivery_shutdown]


def worker_settings(settings: Settings) -> dict[str, Any]:
    if not settings.database.url:
        raise SettingsError("DIRSYNC_DATABASE_URL is required (or run `dirsync dev`)")
    if not settings.redis.url:
        raise SettingsError("DIRSYNC_REDIS_URL is required (or run `dirsync dev`)")

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        ctx["pool"] = await create_pool(settings)
        for hook in STARTUP_HOOKS:
            await hook(ctx)
        ctx["kafka_relay"] = await start_relay(settings)  # None unless Kafka is configured
        log.info("worker_started")

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        relay = ctx.get("kafka_relay")
        if relay is not None:
            await relay.stop()
        for hook in SHUTDOWN_HOOKS:
            await hook(ctx)
        pool = ctx.get("pool")
        if pool is not None:
            await pool.close()
        log.info("worker_stopped")

    return {
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS or None,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis.url),
        "max_jobs": settings.worker.max_jobs,
        # How often the queue is polled. A stream woken by a commit does not wait for it (the
        # worker that hears the commit starts the job itself); retries and requeues do.
        "poll_delay": 0.05,
        "keep_result": 60,
        "job_timeout": 300,
    }


# KEYS: the queue. ARGV: now (ms), in-progress TTL (ms), in-progress key prefix, job ids...
# arq's per-job check (not running anywhere, still queued, due), and the mark that it runs here,
# for every job at once. Returns [job id, score, ...] of the jobs this worker is to run.
_START_JOBS = """
local started = {}
for i = 4, #ARGV do
    local in_progress = ARGV[3] .. ARGV[i]
    if redis.call('EXISTS', in_progress) == 0 then
        local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
        if score and tonumber(score) <= tonumber(ARGV[1]) then
            redis.call('PSETEX', in_progress, ARGV[2], '1')
            started[#started + 1] = ARGV[i]
            started[#started + 1] = score
        end
    end
end
return started
"""


class DirsyncWorker(Worker):
    """arq's Worker, starting jobs with one Redis round trip per batch instead of four per job.

    A job stays in the queue while it runs, so every poll lists every running job, and arq checks
    each one against Redis (WATCH, EXISTS, ZSCORE, UNWATCH) before skipping it: the jobs this
    process is running are skipped here without asking Redis. The others are checked and marked
    as running by one Lua script (atomic, as arq's WATCH/MULTI is per job). When 200 idle streams
    wake at once, their jobs used to start one after the other, 800 sequential round trips.
    """

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's poll: the jobs this process is running are skipped without asking Redis."""
        running = self.tasks
        fresh = [j for j in map(bytes.decode, job_ids) if (task := running.get(j)) is None or task.done()]
        await self._start(fresh)

    async def start_queued(self, job_ids: list[str]) -> None:
        """Jobs a commit has just queued (or pulled forward), started now rather than at the poll.

        Such a job may share its id with a run in this process whose task is still finishing:
        Redis already shows that run ended (that is why the kick could queue the job again), but
        its task has not returned yet. The poll's shortcut would skip the job as running here,
        and it would wait for the next poll; it starts as soon as that task has ended instead.
        """
        await self._start(job_ids)

    async def _start(self, job_ids: list[str]) -> None:
        taken: list[str] = []
        for job_id in job_ids:  # a slot for each, as arq takes them
            await self.sem.acquire()
            if self.job_counter >= self.max_jobs:
                self.sem.release()
                break
            self.job_counter += 1
            taken.append(job_id)
        if not taken:
            return
        try:
            answer = await self.pool.register_script(_START_JOBS)(
                [self.queue_name],
                [timestamp_ms(), int(self.in_progress_timeout_s * 1000), in_progress_key_prefix, *taken],
            )
        except BaseException:
            for _ in taken:
                self._release_sem_dec_counter_on_complete()
            raise
        scores = {job_id.decode(): score for job_id, score in zip(answer[::2], answer[1::2], strict=True)}
        for job_id in taken:
            score = scores.get(job_id)
            if score is None:  # running elsewhere, finished, or deferred by another worker
                self._release_sem_dec_counter_on_complete()
                continue
            run = self.run_job(job_id, int(float(score)))
            previous = self.tasks.get(job_id)
            if previous is not None and not previous.done():
                run = _after(previous, run)
            task = self.loop.create_task(run)
            task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
            self.tasks[job_id] = task

    async def close(self) -> None:
        """arq's close, except that a job task cancelled before it ever ran does not abort it.

        arq gathers the job tasks without ``return_exceptions``: one task that a shutdown
        cancelled before its first step (start_jobs was still starting a batch) raised
        CancelledError here, and the shutdown hooks (the commit listener, the pool) never ran.
        """
        if not self._handle_signals:
            self.handle_sig(signal.SIGUSR1)
        if not self._pool:
            return
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        await self.pool.delete(self.health_check_key)
        if self.on_shutdown:
            await self.on_shutdown(self.ctx)
        await self.pool.close(close_connection_pool=True)
        self._pool = None


async def _after(previous: asyncio.Task[None], run: Coroutine[Any, Any, None]) -> None:
    """``run`` (a job's next run) once ``previous`` (its finishing task here) has ended."""
    try:
        await asyncio.wait({previous})
    except BaseException:
        run.close()  # cancelled while waiting: the run never starts
        raise
    if not previous.cancelled() and (error := previous.exception()) is not None:
        # The poll would have raised it (arq's t.result()); it is no longer in ``tasks``.
        log.error("job_task_failed", error=repr(error))
    await run


def make_worker(settings: Settings, **overrides: Any) -> Worker:
    options = worker_settings(settings)
    if overrides.get("burst"):
        options["cron_jobs"] = None  # a burst drains the queue; crons would keep refilling it
    options.update(overrides)
    worker = DirsyncWorker(**options)
    worker.ctx["arq_worker"] = worker  # the delivery listener starts the jobs it queues
    return worker
