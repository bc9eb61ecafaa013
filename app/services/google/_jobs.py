"""What the arq jobs run: the scheduler tick and the sync job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog

from app.db import Pool
from app.errors import DirsyncError
from app.services.google._channels import RENEW_BEFORE, ensure_channels
from app.services.google._runtime import (
    Runtime,
    parse_settings,
)
from app.services.google._sync import SyncResult, _Counts, _record_failure, run_sync, sync_due
from app.settings import Settings
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()


async def enqueue_sync(redis: Any, tenant_id: str, directory_id: str, *, full: bool = False) -> bool:
    """Queue ``google_sync``; the job id is per directory, so a sync is never queued twice."""
    job = await redis.enqueue_job(
        "google_sync", tenant_id, directory_id, full, _job_id=f"google_sync:{directory_id}"
    )
    return job is not None


async def tick(pool: Pool, redis: Any, now: datetime | None = None) -> dict[str, int]:
    """The scheduler: queue due syncs, channel renewals and stops; prune old push message ids."""
    now = now or datetime.now(UTC)
    queued = {"syncs": 0, "channels": 0, "stops": 0}
    async with pool.acquire() as conn:
        directories = await google_store.list_directories(conn)
        states = {(s.tenant_id, s.directory_id): s for s in await google_store.list_sync_states(conn)}
        channels = await google_store.list_all_live_channels(conn)
        await google_store.prune_push_messages(conn, now - timedelta(days=7))
    live: dict[tuple[str, str], list[google_store.GoogleChannel]] = {}
    for channel in channels:
        live.setdefault((channel.tenant_id, channel.directory_id), []).append(channel)
    active = set()
    for directory in directories:
        key = (directory.tenant_id, directory.id)
        if directory.state != "active":
            continue
        try:
            dir_settings = parse_settings(directory.settings)
        except adapter.GoogleConfigError:
            continue
        active.add(key)
        users, groups = sync_due(states.get(key), dir_settings, now)
        if (users or groups) and await enqueue_sync(redis, directory.tenant_id, directory.id):
            queued["syncs"] += 1
        if dir_settings.push:
            current = live.get(key, [])
            fresh = {c.event for c in current if c.expires_at - RENEW_BEFORE > now}
            if set(adapter.USER_EVENTS) - fresh:
                job = await redis.enqueue_job(
                    "google_channels",
                    directory.tenant_id,
                    directory.id,
                    _job_id=f"google_channels:{directory.id}",
                )
                queued["channels"] += job is not None
        elif live.get(key):
            active.discard(key)  # push turned off: stop what is live
    for key in live.keys() - active:
        job = await redis.enqueue_job("google_channels_stop", *key, _job_id=f"google_channels_stop:{key[1]}")
        queued["stops"] += job is not None
    return queued


async def sync_directory(
    pool: Pool, runtime: Runtime, settings: Settings, tenant_id: str, directory_id: str, *, full: bool = False
) -> SyncResult | None:
    """The ``google_sync`` job: the due passes (or all with ``full``), channels first.

    Channels are made before the users pass, so a change made while the pass runs arrives by push
    instead of waiting for the next reconcile.
    """
    async with pool.acquire() as conn:
        directory = await google_store.get_directory(conn, tenant_id, directory_id)
        state = await google_store.get_sync_state(conn, tenant_id, directory_id)
    if directory is None or directory.state != "active":
        return None
    try:
        dir_settings = parse_settings(directory.settings)
    except adapter.GoogleConfigError as exc:
        return await _record_failure(pool, tenant_id, directory_id, state, exc, _Counts())
    users, groups = (True, True) if full else sync_due(state, dir_settings, datetime.now(UTC))
    if not (users or groups):
        return None
    if dir_settings.push:
        try:
            await ensure_channels(pool, runtime, settings, tenant_id, directory_id)
        except (adapter.GoogleError, DirsyncError, httpx.HTTPError) as exc:
            log.warning("google_channels_failed", error=str(exc))
    return await run_sync(pool, runtime, tenant_id, directory_id, users=users, groups=groups)
