"""Full passes over a Google directory: initial sync and reconcile, one transaction per page."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import msgspec
import structlog

from app.changes import ChangeBatch
from app.db import Pool
from app.errors import DirsyncError
from app.services import directory as directory_service
from app.services.google._runtime import (
    GoogleDirectorySettings,
    Runtime,
    load_client,
)
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()

_T = TypeVar("_T")
SYNC_FAILURE_BACKOFF = (60, 120, 300, 600, 1800, 3600)  # seconds before the n-th retry of a failed sync
ERROR_TEXT_LIMIT = 500
# Refresh planner statistics while a large pass is still growing the tables (see the store).
ANALYZE_AFTER_PAGES = frozenset({2, 8, 32, 128, 512})


class SyncResult(msgspec.Struct, kw_only=True):
    ok: bool
    counts: dict[str, int]
    error: str | None = None


class _Counts:
    def __init__(self) -> None:
        self.values = {
            "users_seen": 0,
            "users_removed": 0,
            "groups_seen": 0,
            "groups_removed": 0,
            "pages": 0,
            "events": 0,
            "retries": 0,
        }

        self.phase_pages: dict[str, int] = {}  # pages applied per phase (users, groups)

    def add(self, key: str, amount: int) -> None:
        self.values[key] += amount


async def _apply(
    pool: Pool, tenant_id: str, directory_id: str, batch: ChangeBatch, counts: _Counts, phase: str
) -> None:
    """One page, one transaction: the page's changes and the progress that counts them commit together."""
    async with pool.acquire() as conn, conn.transaction():
        result = await directory_service.apply_changes(conn, tenant_id, directory_id, batch)
        counts.add("events", len(result.events))
        counts.add("pages", 1)
        await google_store.update_sync_progress(
            conn, tenant_id, directory_id, phase=phase, counts=counts.values
        )
    counts.phase_pages[phase] = counts.phase_pages.get(phase, 0) + 1
    if counts.phase_pages[phase] in ANALYZE_AFTER_PAGES:
        async with pool.acquire() as conn:
            await google_store.analyze_directory_tables(conn)


async def run_sync(
    pool: Pool,
    runtime: Runtime,
    tenant_id: str,
    directory_id: str,
    *,
    users: bool = True,
    groups: bool = True,
) -> SyncResult:
    """A full pass over users and/or groups; the store's diff makes an unchanged pass emit nothing.

    Never raises for Google or store errors: they are recorded on the sync state (``failed``, with a
    backoff before the next attempt) and the pages already applied stay applied.
    """
    counts = _Counts()
    async with pool.acquire() as conn:
        client = await load_client(conn, runtime, tenant_id, directory_id)
        state = await google_store.get_sync_state(conn, tenant_id, directory_id)
        kind = "reconcile" if state is not None and state.initial_completed_at else "initial"
        await google_store.start_sync(
            conn, tenant_id, directory_id, kind=kind, phase="users" if users else "groups"
        )
    structlog.contextvars.bind_contextvars(directory_id=directory_id)
    log.info("google_sync_started", kind=kind, users=users, groups=groups)
    try:
        if users:
            await _sync_users(pool, client, tenant_id, directory_id, counts)
        if groups:
            await _sync_groups(pool, client, tenant_id, directory_id, counts)
    except (adapter.GoogleError, DirsyncError, httpx.HTTPError, msgspec.DecodeError) as exc:
        counts.values["retries"] = client.retries
        return await _record_failure(pool, tenant_id, directory_id, state, exc, counts)
    counts.values["retries"] = client.retries
    async with pool.acquire() as conn:
        await google_store.finish_sync(
            conn, tenant_id, directory_id, users=users, groups=groups, counts=counts.values
        )
    log.info("google_sync_finished", **counts.values)
    return SyncResult(ok=True, counts=counts.values)


async def _prefetch(pages: AsyncIterator[_T], depth: int = 1) -> AsyncIterator[_T]:
    """Fetch the next page from Google while the current one is applied (at most ``depth`` ahead)."""
    queue: asyncio.Queue[tuple[bool, Any]] = asyncio.Queue(maxsize=depth)

    async def produce() -> None:
        try:
            async for page in pages:
                await queue.put((True, page))
        except Exception as exc:  # handed to the consumer, which raises it in its own task
            await queue.put((False, exc))
            return
        await queue.put((False, None))

    producer = asyncio.create_task(produce())
    try:
        while True:
            ok, item = await queue.get()
            if ok:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer


async def _sync_users(
    pool: Pool, client: adapter.DirectoryClient, tenant_id: str, directory_id: str, counts: _Counts
) -> None:
    started = datetime.now(UTC)
    seen: set[str] = set()
    async for batch, ids in _prefetch(adapter.iter_user_batches(client)):
        seen.update(ids)
        counts.add("users_seen", len(ids))
        await _apply(pool, tenant_id, directory_id, batch, counts, "users")
    # Only a complete listing may remove anyone: an error above leaves every stored user alone.
    # A user written since the pass began (a push added them after their page was listed) stays.
    async with pool.acquire() as conn:
        stored = await google_store.list_user_external_ids(
            conn, tenant_id, directory_id, unchanged_since=started
        )
    for batch in adapter.removal_batches("user", stored, seen):
        counts.add("users_removed", len(batch.changes))
        await _apply(pool, tenant_id, directory_id, batch, counts, "users")


async def _sync_groups(
    pool: Pool, client: adapter.DirectoryClient, tenant_id: str, directory_id: str, counts: _Counts
) -> None:
    async with pool.acquire() as conn:
        known_users = frozenset(await google_store.list_user_external_ids(conn, tenant_id, directory_id))
    started = datetime.now(UTC)
    seen: set[str] = set()
    async for batch, ids in _prefetch(adapter.iter_group_batches(client, known_users)):
        seen.update(ids)
        counts.add("groups_seen", len(ids))
        await _apply(pool, tenant_id, directory_id, batch, counts, "groups")
    async with pool.acquire() as conn:
        stored = await google_store.list_group_external_ids(
            conn, tenant_id, directory_id, unchanged_since=started
        )
    for batch in adapter.removal_batches("group", stored, seen):
        counts.add("groups_removed", len(batch.changes))
        await _apply(pool, tenant_id, directory_id, batch, counts, "groups")


async def _record_failure(
    pool: Pool,
    tenant_id: str,
    directory_id: str,
    state: google_store.SyncState | None,
    exc: Exception,
    counts: _Counts,
) -> SyncResult:
    failures = (state.consecutive_failures if state is not None else 0) + 1
    delay = SYNC_FAILURE_BACKOFF[min(failures, len(SYNC_FAILURE_BACKOFF)) - 1]
    message = f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
    async with pool.acquire() as conn:
        await google_store.fail_sync(
            conn,
            tenant_id,
            directory_id,
            error=message,
            next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            counts=counts.values,
        )
    log.warning("google_sync_failed", error=message, retry_in=delay)
    return SyncResult(ok=False, counts=counts.values, error=message)


def sync_due(
    state: google_store.SyncState | None, settings: GoogleDirectorySettings, now: datetime
) -> tuple[bool, bool]:
    """Which passes (users, groups) are due now; a failed sync waits for its backoff."""
    if state is None or state.initial_completed_at is None:
        due = state is None or state.next_attempt_at is None or state.next_attempt_at <= now
        return due, due
    if state.next_attempt_at is not None and state.next_attempt_at > now:
        return False, False
    users_every = timedelta(minutes=settings.users_reconcile_minutes)
    groups_every = timedelta(minutes=settings.groups_reconcile_minutes)
    users = state.users_synced_at is None or state.users_synced_at + users_every <= now
    groups = state.groups_synced_at is None or state.groups_synced_at + groups_every <= now
    return users, groups
