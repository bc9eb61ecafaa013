from __future__ import annotations

import asyncio
from typing import Any

from arq.connections import ArqRedis
from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix, result_key_prefix
from arq.jobs import Job
from arq.worker import func

from app.worker import make_worker
from tests.delivery.receiver import wait_for


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


def probe_worker(settings, queue, probe):
    return make_worker(
        settings,
        functions=[func(probe, name="probe")],
        cron_jobs=None,
        on_startup=None,
        on_shutdown=None,
        redis_pool=queue,
        handle_signals=False,
        poll_delay=3600,  # no poll: only start_queued can start a job
    )


async def test_a_job_queued_again_while_its_last_run_here_is_finishing_starts_after_it(
    settings, redis
) -> None:
    # The commit path: Redis already shows the job's last run ended (so a kick queued the job
    # again), but that run's task here has not returned yet. The job must not wait for a poll.
    queue = ArqRedis(connection_pool=redis.connection_pool)
    finishing = asyncio.Event()
    ran_after_it: list[bool] = []

    async def probe(_ctx: dict[str, Any]) -> None:
        ran_after_it.append(finishing.is_set())

    await queue.enqueue_job("probe", _job_id="stream-job")
    worker = probe_worker(settings, queue, probe)
    last_run = asyncio.create_task(finishing.wait())
    worker.tasks["stream-job"] = last_run  # type: ignore[assignment]

    await worker.start_queued(["stream-job"])
    assert worker.tasks["stream-job"] is last_run  # not yet: its last run's task is still here
    finishing.set()
    await wait_for(lambda: worker.tasks["stream-job"] is not last_run, what="the job to start")
    await worker.tasks["stream-job"]
    assert ran_after_it == [True]  # it ran, once the last run's task had ended
    assert worker.job_counter == 0
    # The poll's own path still skips a job whose task here is running.
    await queue.enqueue_job("probe", _job_id="busy")
    busy = asyncio.create_task(asyncio.Event().wait())
    worker.tasks["busy"] = busy  # type: ignore[assignment]
    await worker.start_jobs([b"busy"])
    assert worker.job_counter == 0 and worker.tasks["busy"] is busy
    busy.cancel()
    await asyncio.gather(busy, return_exceptions=True)


async def test_a_job_queued_while_its_run_outlives_a_redis_flush_is_left_to_the_sweep(
    settings, redis
) -> None:
    # Redis was flushed while the run went on, so a kick queued the job again. When that run
    # ends, arq's finish removes the job's keys: the new job must not start as "expired", which
    # would leave a result key that blocks every later kick and sweep for an hour.
    queue = ArqRedis(connection_pool=redis.connection_pool)
    ending = asyncio.Event()
    ran: list[str] = []

    async def probe(_ctx: dict[str, Any]) -> None:
        ran.append("probe")

    async def run_outliving_the_flush() -> None:
        await ending.wait()
        async with queue.pipeline(transaction=True) as finish:  # what arq's finish does
            finish.delete(job_key_prefix + "stream-job", in_progress_key_prefix + "stream-job")
            finish.zrem(default_queue_name, "stream-job")
            await finish.execute()

    await queue.enqueue_job("probe", _job_id="stream-job")
    worker = probe_worker(settings, queue, probe)
    old_run = asyncio.create_task(run_outliving_the_flush())
    worker.tasks["stream-job"] = old_run

    await worker.start_queued(["stream-job"])
    ending.set()
    await old_run

    def settled() -> bool:  # the start offered after the old run ended has been decided
        pending = getattr(worker, "_starting", set())
        return not pending and all(task.done() for task in worker.tasks.values())

    await wait_for(settled, what="the deferred start")
    assert ran == [] and worker.job_counter == 0 and worker.jobs_failed == 0
    assert await queue.exists(result_key_prefix + "stream-job") == 0  # the sweep may queue it


async def test_starting_a_stream_job_clears_its_closing_marker_in_the_same_step(settings, redis) -> None:
    # A delivery stream's run begins as its job is marked running: a kick from then on must not
    # take the previous run's closing marker for its own and wait for this job to end.
    queue = ArqRedis(connection_pool=redis.connection_pool)
    started_with: list[int] = []

    async def probe(_ctx: dict[str, Any]) -> None:
        started_with.append(await queue.exists("closing:ten_a:we_a:dir_a"))

    worker = probe_worker(settings, queue, probe)
    worker.clear_on_start = ("stream:", "closing:")
    for key in ("closing:ten_a:we_a:dir_a", "closing:other"):
        await queue.set(key, b"1")
    await queue.enqueue_job("probe", _job_id="stream:ten_a:we_a:dir_a")
    await queue.enqueue_job("probe", _job_id="other")

    await worker.start_queued(["stream:ten_a:we_a:dir_a", "other"])

    assert await queue.exists("closing:ten_a:we_a:dir_a") == 0  # gone before the job ran
    assert await queue.exists("closing:other") == 1  # a job without the prefix clears nothing
    await asyncio.gather(*worker.tasks.values())
    assert started_with == [0, 0]
