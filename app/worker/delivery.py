"""Delivery jobs: ``delivery_send`` (one stream) and the ``delivery_sweep`` cron."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import structlog
from arq import Retry, cron, func

from app.delivery.engine import DeliveryEngine
from app.delivery.wake import (
    CLOSING_MARKER_OF_JOB,
    CommitListener,
    arq_starter,
    ask_again,
    begin_run,
    end_of_run,
    sweep,
)
from app.services.webhook_secrets import seal_plaintext_secrets
from app.store import delivery as delivery_store

log = structlog.get_logger()


async def delivery_send(ctx: dict[str, Any], tenant_id: str, endpoint_id: str, stream_id: str) -> int:
    """Send the stream's pending events in order; re-queue itself for retries and fairness."""
    structlog.contextvars.bind_contextvars(
        job_id=ctx.get("job_id"), job_try=ctx.get("job_try"), tenant_id=tenant_id, endpoint_id=endpoint_id
    )
    engine: DeliveryEngine = ctx["delivery"]
    if not ctx.get("delivery_begun_at_start"):
        await begin_run(ctx["redis"], tenant_id, endpoint_id, stream_id)
    delivered = 0
    while True:
        outcome = await engine.run_stream(tenant_id, endpoint_id, stream_id)
        delivered += outcome.delivered
        if outcome.held_elsewhere:
            # Its holder may have read the stream before our wake-up's commit: make it look again.
            await ask_again(ctx["redis"], tenant_id, endpoint_id, stream_id)
        if outcome.retry_in is not None:
            raise Retry(defer=timedelta(seconds=max(outcome.retry_in, 0.001)))
        # A commit that arrived during this run left a flag: look once more.
        if not await end_of_run(ctx["redis"], tenant_id, endpoint_id, stream_id):
            return delivered


async def delivery_sweep(ctx: dict[str, Any]) -> int:
    """Re-enqueue every stream with pending events (Redis flushed, notification lost, worker killed)."""
    settings = ctx["settings"].delivery
    now = time.monotonic()
    if now - ctx.get("delivery_last_sweep", 0.0) < settings.sweep_interval - 0.5:
        return 0
    ctx["delivery_last_sweep"] = now
    queued = await sweep(ctx["pool"], ctx["redis"])
    async with ctx["pool"].acquire() as conn:
        removed = await delivery_store.delete_old_attempts(
            conn, older_than_days=settings.attempt_retention_days
        )
    if queued or removed:
        log.info("delivery_sweep", queued=queued, attempts_removed=removed)
    return queued


async def delivery_startup(ctx: dict[str, Any]) -> None:
    settings = ctx["settings"]
    keys = settings.encryption_keys()
    await seal_plaintext_secrets(ctx["pool"], keys)
    engine = ctx["delivery"] = DeliveryEngine(ctx["pool"], settings.delivery, keys=keys, redis=ctx["redis"])
    # Jobs a commit queues are started in this process at once, not at the next queue poll.
    worker = ctx.get("arq_worker")
    if worker is not None:
        engine.saturated = lambda: bool(worker.job_counter >= worker.max_jobs)
        # Lingering jobs keep a quarter of the slots free for streams that are not running yet.
        engine.room_to_linger = lambda: bool(worker.job_counter < worker.max_jobs * 3 // 4)
        if hasattr(worker, "clear_on_start"):
            # Its start script begins each stream's run as it marks the job running: one Redis
            # round trip less per run (200 of them when 200 idle streams wake at once).
            worker.clear_on_start = CLOSING_MARKER_OF_JOB
            ctx["delivery_begun_at_start"] = True
    start = arq_starter(worker) if worker is not None else None
    listener = CommitListener(
        ctx["pool"], ctx["redis"], settings.database.url, start, engine.nudge, engine.endpoints
    )
    await listener.start()
    ctx["delivery_listener"] = listener


async def delivery_shutdown(ctx: dict[str, Any]) -> None:
    listener: CommitListener | None = ctx.pop("delivery_listener", None)
    if listener is not None:
        await listener.stop()
    engine: DeliveryEngine | None = ctx.pop("delivery", None)
    if engine is not None:
        await engine.aclose()


SEND_FUNCTION = func(delivery_send, name="delivery_send", keep_result=0, max_tries=1_000_000_000)
# Every second; the job itself keeps to settings.delivery.sweep_interval.
SWEEP_CRON = cron(
    delivery_sweep, name="delivery_sweep", second=set(range(60)), run_at_startup=True, keep_result=0
)
