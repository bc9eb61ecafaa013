"""WorkerSettings for arq, built from our Settings (never from import-time globals)."""

from __future__ import annotations

import asyncio
import functools
import signal
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


# KEYS: the queue. ARGV: now (ms), in-progress TTL (ms), in-progress key prefix, then a job id
# prefix and a key prefix (both may be empty), then job ids... arq's per-job check (not running
# anywhere, still queued, due), and the mark that it runs here, for every job at once. A started
# job whose id has the job id prefix also has its key (that prefix swapped for the key prefix)
# deleted: a delivery stream's closing marker. Returns [job id, score, ...] of the jobs this
# worker is to run.
_START_JOBS = """
local started = {}
local job_prefix, key_prefix = ARGV[4], ARGV[5]
for i = 6, #ARGV do
    local in_progress = ARGV[3] .. ARGV[i]
    if redis.call('EXISTS', in_progress) == 0 then
        local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
        if score and tonumber(score) <= tonumber(ARGV[1]) then
            redis.call('PSETEX', in_progress, ARGV[2], '1')
            if job_prefix ~= '' and string.sub(ARGV[i], 1, #job_prefix) == job_prefix then
                redis.call('DEL', key_prefix .. string.sub(ARGV[i], #job_prefix + 1))
            end
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starting: set[asyncio.Task[None]] = set()  # starts waiting for a task here to end
        # (job id prefix, key prefix): a started job with that id prefix has the matching key
        # deleted as it is marked running (set by the delivery start-up: the closing markers).
        self.clear_on_start = ("", "")

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's poll: the jobs this process is running are skipped without asking Redis."""
        running = self.tasks
        fresh = [j for j in map(bytes.decode, job_ids) if (task := running.get(j)) is None or task.done()]
        await self._start(fresh)

    async def start_queued(self, job_ids: list[str]) -> None:
        """Jobs a commit has just queued (or pulled forward), started now rather than at the poll.

        Such a job may share its id with a task here that has not ended: a run that is finishing
        (Redis already shows it ended, which is why the kick could queue the job again), or one
        still running after Redis was flushed. The poll's shortcut would skip the job as running
        here, leaving it to the next poll. Instead it is offered to the start script again as
        soon as that task has ended: by then a finished run has left the new job alone, and a
        run that outlived a flush has removed it (its finish deletes the job's keys), in which
        case it is not started and the sweep queues the stream again.
        """
        running = self.tasks
        ending = [j for j in job_ids if (task := running.get(j)) is not None and not task.done()]
        for job_id in ending:
            running[job_id].add_done_callback(functools.partial(self._start_after, job_id=job_id))
        await self._start([j for j in job_ids if j not in ending])

    def _start_after(self, ended: asyncio.Task[None], job_id: str) -> None:
        if not ended.cancelled() and (error := ended.exception()) is not None:
            # The poll would have raised it (arq's t.result()); a new task may replace it there.
            log.error("job_task_failed", job_id=job_id, error=repr(error))
        if not self.allow_pick_jobs:
            return  # shutting down: nothing new starts here
        starting = self.loop.create_task(self._start([job_id]))
        self._starting.add(starting)
        starting.add_done_callback(self._started)

    def _started(self, starting: asyncio.Task[None]) -> None:
        self._starting.discard(starting)
        if not starting.cancelled() and (error := starting.exception()) is not None:
            # Not started here (Redis unreachable, say): the poll or the sweep starts it later.
            log.warning("job_start_failed", error=repr(error))

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
                [
                    timestamp_ms(),
                    int(self.in_progress_timeout_s * 1000),
                    in_progress_key_prefix,
                    *self.clear_on_start,
                    *taken,
                ],
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
            task = self.loop.create_task(self.run_job(job_id, int(float(score))))
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


def make_worker(settings: Settings, **overrides: Any) -> Worker:
    options = worker_settings(settings)
    if overrides.get("burst"):
        options["cron_jobs"] = None  # a burst drains the queue; crons would keep refilling it
    options.update(overrides)
    worker = DirsyncWorker(**options)
    worker.ctx["arq_worker"] = worker  # the delivery listener starts the jobs it queues
    return worker
