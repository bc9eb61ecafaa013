"""WorkerSettings for arq, built from our Settings (never from import-time globals)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import structlog
from arq.connections import RedisSettings
from arq.cron import cron
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


class DirsyncWorker(Worker):
    """arq's Worker, minus a Redis round trip per running job per queue poll.

    A job stays in the queue while it runs, so every poll lists every running job, and arq checks
    each one against Redis (WATCH, EXISTS, ZSCORE, UNWATCH) before skipping it. A delivery stream's
    job lingers for the next commit, so hundreds run at once: the jobs this process is running
    are skipped here without asking Redis.
    """

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        running = self.tasks
        fresh = [j for j in job_ids if (task := running.get(j.decode())) is None or task.done()]
        if fresh:
            await super().start_jobs(fresh)

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


def make_worker(settings: Settings, **overrides: Any) -> Worker:
    options = worker_settings(settings)
    if overrides.get("burst"):
        options["cron_jobs"] = None  # a burst drains the queue; crons would keep refilling it
    options.update(overrides)
    worker = DirsyncWorker(**options)
    worker.ctx["arq_worker"] = worker  # the delivery listener starts the jobs it queues
    return worker
