from __future__ import annotations

from arq.connections import ArqRedis

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
