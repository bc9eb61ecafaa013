from __future__ import annotations

import asyncio
from typing import Any

from arq.connections import ArqRedis
from arq.constants import default_queue_name, in_progress_key_prefix
from arq.jobs import Job
from arq.worker import func

from app.worker import make_worker


async def test_worker_runs_jobs_against_postgres(settings, redis) -> None:
    queue = ArqRedis(connection_pool=redis.connection_pool)
    job = await queue.enqueue_job("system_ping", "hello", _job_id="ping-1")
    assert job is not None
    # Deterministic job ids: enqueuing the same job again is a no-op.
    assert await queue.enqueue_job("system_ping", "hello", _job_id="ping-1") is None
    worker = make_worker(settings, burst=True, poll_delay=0.01, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    # The ping, plus cron jobs that run at startup (directory purge).
    assert worker.jobs_complete >= 1
    assert await job.result(timeout=5) == "pong:hello"


async def echo(_ctx: dict[str, Any], value: str) -> str:
    return value


async def test_a_batch_of_jobs_starts_only_those_due_and_running_nowhere_else(settings, redis) -> None:
    queue = ArqRedis(connection_pool=redis.connection_pool)
    for job_id, defer in (("due-1", None), ("later", 60), ("elsewhere", None), ("due-2", None)):
        await queue.enqueue_job("echo", job_id, _job_id=job_id, _defer_by=defer)
    await queue.set(in_progress_key_prefix + "elsewhere", b"1")  # another worker runs it
    worker = make_worker(
        settings,
        functions=[func(echo, name="echo")],
        cron_jobs=None,
        on_startup=None,
        on_shutdown=None,
        redis_pool=queue,
        handle_signals=False,
    )
    slots = worker.sem._value  # the free job slots

    await worker.start_jobs([b"due-1", b"later", b"elsewhere", b"gone", b"due-2"])

    assert sorted(worker.tasks) == ["due-1", "due-2"]
    assert worker.job_counter == 2
    await asyncio.gather(*worker.tasks.values())
    assert [await Job(j, queue).result(timeout=5) for j in ("due-1", "due-2")] == ["due-1", "due-2"]
    assert worker.job_counter == 0
    assert worker.sem._value == slots  # every slot came back
    # The jobs not started are untouched: still queued, not marked as running here.
    assert await queue.exists(in_progress_key_prefix + "later") == 0
    assert await queue.zscore(default_queue_name, "later") is not None
