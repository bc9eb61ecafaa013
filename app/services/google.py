"""Google Workspace directories: initial sync, reconcile, push channels and push notifications.

The adapter (``providers.google``) talks to Google and produces ChangeBatches; this service applies
them through ``app.services.directory.apply_changes``, one transaction per Directory API page, and
keeps the directory's sync progress and channels in ``app.store.google``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

import httpx
import msgspec
import structlog

from app.changes import ChangeBatch
from app.db import Connection, Pool
from app.errors import (
    DirectoryNotFound,
    DirsyncError,
    GroupNotFound,
    InvalidRequest,
    ProviderUnavailable,
    Unauthenticated,
    UserNotFound,
)
from app.ids import new_id
from app.security import new_token
from app.services import directory as directory_service
from app.settings import Settings
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()
_T = TypeVar("_T")

# Process-wide: access tokens stay valid across jobs and requests of one process.
TOKENS = adapter.TokenCache()
SYNC_FAILURE_BACKOFF = (60, 120, 300, 600, 1800, 3600)  # seconds before the n-th retry of a failed sync
RENEW_BEFORE = timedelta(hours=1)  # renew a channel when less than this is left
PUSH_RETRY = adapter.RetryPolicy(max_attempts=3, max_retry_after=5.0)  # Google redelivers on 5xx
ERROR_TEXT_LIMIT = 500
# Refresh planner statistics while a large pass is still growing the tables (see the store).
ANALYZE_AFTER_PAGES = frozenset({2, 8, 32, 128, 512})


class GoogleDirectorySettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A Google directory's ``settings`` (non-secret; the key lives in its encrypted credentials)."""

    api_base_url: str = adapter.DEFAULT_API_BASE_URL
    token_uri: str | None = None  # default: the key's token_uri
    users_reconcile_minutes: Annotated[int, msgspec.Meta(ge=5)] = 60
    groups_reconcile_minutes: Annotated[int, msgspec.Meta(ge=5)] = 15
    push: bool = True
    channel_ttl_hours: Annotated[float, msgspec.Meta(gt=1, le=24 * 7)] = 6.0


def parse_settings(raw: dict[str, Any]) -> GoogleDirectorySettings:
    try:
        return msgspec.convert(raw, GoogleDirectorySettings, strict=False)
    except msgspec.ValidationError as exc:
        raise adapter.GoogleConfigError(f"invalid Google directory settings: {exc}") from None


class Runtime(msgspec.Struct, kw_only=True):
    """What a Google call needs besides the directory: an HTTP client, the token cache, retry rules."""

    http: httpx.AsyncClient
    keys: list[tuple[str, bytes]]  # DIRSYNC_CRYPTO_KEYS, to decrypt the directory's credentials
    tokens: adapter.TokenCache = msgspec.field(default_factory=lambda: TOKENS)
    retry: adapter.RetryPolicy = msgspec.field(default_factory=adapter.RetryPolicy)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@asynccontextmanager
async def open_runtime(settings: Settings, **options: Any) -> AsyncIterator[Runtime]:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0), limits=limits) as http:
        yield Runtime(http=http, keys=settings.encryption_keys(), **options)


class SyncStatus(msgspec.Struct, kw_only=True):
    """The REST view of a Google directory's sync progress."""

    directory_id: str
    phase: Literal["pending", "users", "groups", "idle", "failed"]
    kind: Literal["initial", "reconcile"] | None
    counts: dict[str, int]
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    initial_completed_at: datetime | None
    users_synced_at: datetime | None
    groups_synced_at: datetime | None
    live_channels: int


async def load_client(
    conn: Connection, runtime: Runtime, tenant_id: str, directory_id: str
) -> adapter.DirectoryClient:
    directory = await google_store.get_directory(conn, tenant_id, directory_id)
    if directory is None:
        raise DirectoryNotFound(f"no Google directory {directory_id}")
    settings = parse_settings(directory.settings)
    raw = await directory_service.get_credentials(conn, tenant_id, directory_id, keys=runtime.keys)
    creds = adapter.parse_credentials(raw)
    return adapter.DirectoryClient(
        runtime.http,
        creds,
        tokens=runtime.tokens,
        api_base_url=settings.api_base_url,
        token_uri=settings.token_uri,
        retry=runtime.retry,
        sleep=runtime.sleep,
    )


async def get_status(conn: Connection, tenant_id: str, directory_id: str) -> SyncStatus:
    if await google_store.get_directory(conn, tenant_id, directory_id) is None:
        raise DirectoryNotFound(f"no Google directory {directory_id}")
    state = await google_store.get_sync_state(conn, tenant_id, directory_id)
    channels = await google_store.list_live_channels(conn, tenant_id, directory_id)
    if state is None:
        return SyncStatus(
            directory_id=directory_id,
            phase="pending",
            kind=None,
            counts={},
            started_at=None,
            finished_at=None,
            last_error=None,
            last_error_at=None,
            consecutive_failures=0,
            next_attempt_at=None,
            initial_completed_at=None,
            users_synced_at=None,
            groups_synced_at=None,
            live_channels=len(channels),
        )
    fields = msgspec.structs.asdict(state)
    fields.pop("tenant_id")
    fields.pop("updated_at")
    return msgspec.convert({**fields, "live_channels": len(channels)}, SyncStatus)


# --- sync -------------------------------------------------------------------------------------


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


# --- channels ---------------------------------------------------------------------------------


def push_address(settings: Settings, directory_id: str) -> str:
    return f"{settings.base_url()}/hooks/google/{directory_id}"


async def ensure_channels(
    pool: Pool, runtime: Runtime, settings: Settings, tenant_id: str, directory_id: str
) -> list[str]:
    """One live users.watch channel per event; renew those expiring within RENEW_BEFORE.

    The new channel is created before the old one is stopped, so no change falls in between
    (a change seen on both is harmless: the store's diff turns the second into nothing).
    """
    async with pool.acquire() as conn:
        directory = await google_store.get_directory(conn, tenant_id, directory_id)
        if directory is None or directory.state != "active":
            return []
        dir_settings = parse_settings(directory.settings)
        if not dir_settings.push:
            return []
        client = await load_client(conn, runtime, tenant_id, directory_id)
        live = await google_store.list_live_channels(conn, tenant_id, directory_id)
    now = datetime.now(UTC)
    created: list[str] = []
    for event in adapter.USER_EVENTS:
        current = [c for c in live if c.event == event]
        if any(c.expires_at - RENEW_BEFORE > now for c in current):
            continue
        channel_id, token = new_id("gch"), new_token("gct")
        expiration = now + timedelta(hours=dir_settings.channel_ttl_hours)
        channel = await client.watch_users(
            event=event,
            channel_id=channel_id,
            token=token,
            address=push_address(settings, directory_id),
            expiration_ms=int(expiration.timestamp() * 1000),
        )
        async with pool.acquire() as conn:
            await google_store.insert_channel(
                conn,
                tenant_id,
                channel_id=channel_id,
                directory_id=directory_id,
                event=event,
                resource_id=channel.resource_id or "",
                token_hash=adapter.hash_channel_token(token),
                expires_at=channel.expires_at() or expiration,
            )
        created.append(channel_id)
        for old in current:
            await _stop(pool, client, old)
    if created:
        log.info("google_channels_created", count=len(created))
    return created


async def _stop(
    pool: Pool, client: adapter.DirectoryClient | None, channel: google_store.GoogleChannel
) -> None:
    if client is not None and channel.expires_at > datetime.now(UTC):
        await client.stop_channel(channel.id, channel.resource_id)
    async with pool.acquire() as conn:
        await google_store.mark_channel_stopped(conn, channel.tenant_id, channel.id)


async def stop_channels(pool: Pool, runtime: Runtime, tenant_id: str, directory_id: str) -> int:
    """channels.stop every live channel of a directory (it was deleted, or push was turned off)."""
    async with pool.acquire() as conn:
        live = await google_store.list_live_channels(conn, tenant_id, directory_id)
        if not live:
            return 0
        try:
            client: adapter.DirectoryClient | None = await load_client(conn, runtime, tenant_id, directory_id)
        except (adapter.GoogleError, DirsyncError) as exc:
            # Without credentials we cannot call Google; the channels lapse at their expiry.
            log.warning("google_channels_stop_without_credentials", error=str(exc))
            client = None
    stopped = 0
    for channel in live:
        try:
            await _stop(pool, client, channel)
        except (adapter.GoogleError, httpx.HTTPError) as exc:
            # Left live: the next tick tries again, and once it has expired it is only marked.
            log.warning("google_channel_stop_failed", channel_id=channel.id, error=str(exc))
            continue
        stopped += 1
    log.info("google_channels_stopped", count=stopped)
    return stopped


# --- push ---------------------------------------------------------------------------------------


class PushOutcome(msgspec.Struct, kw_only=True):
    status: Literal["applied", "sync", "duplicate", "ignored"]
    events: int = 0


async def handle_push(
    pool: Pool, runtime: Runtime, directory_id: str, headers: dict[str, str], body: bytes
) -> PushOutcome:
    """Authenticate, de-duplicate and apply one users.watch notification.

    Raises InvalidRequest for a malformed notification, Unauthenticated for an unknown channel or a
    wrong token, ProviderUnavailable when the user cannot be fetched (Google redelivers on 5xx).
    """
    async with pool.acquire() as conn:
        # Authenticate before reading anything else: an unknown channel learns nothing more.
        channel = await google_store.get_channel_by_id(conn, headers.get("x-goog-channel-id", ""))
        if (
            channel is None
            or channel.directory_id != directory_id
            or not adapter.channel_token_matches(headers.get("x-goog-channel-token", ""), channel.token_hash)
        ):
            raise Unauthenticated("unknown channel or wrong X-Goog-Channel-Token")
        try:
            note = adapter.parse_notification(headers, body)
        except adapter.InvalidNotification as exc:
            raise InvalidRequest(str(exc)) from None
        tenant_id = channel.tenant_id
        structlog.contextvars.bind_contextvars(tenant_id=tenant_id, directory_id=directory_id)
        if note.is_sync:
            return PushOutcome(status="sync")
        directory = await google_store.get_directory(conn, tenant_id, directory_id)
        if channel.stopped_at is not None or directory is None or directory.state != "active":
            return PushOutcome(status="ignored")
        if await google_store.push_message_seen(conn, tenant_id, note.channel_id, note.message_number):
            return PushOutcome(status="duplicate")
        client = await load_client(conn, runtime, tenant_id, directory_id)
    client.retry = PUSH_RETRY
    try:
        batch = await adapter.changes_for_notification(client, note)
    except (adapter.GoogleError, httpx.HTTPError) as exc:
        log.warning("google_push_fetch_failed", error=str(exc))
        raise ProviderUnavailable("could not fetch the user from Google; retry later") from None
    async with pool.acquire() as conn, conn.transaction():
        if not await google_store.record_push_message(conn, tenant_id, note.channel_id, note.message_number):
            return PushOutcome(status="duplicate")
        try:
            result = await directory_service.apply_changes(conn, tenant_id, directory_id, batch)
        except (UserNotFound, GroupNotFound):
            return PushOutcome(status="ignored")  # removing a user we never had
    log.info("google_push_applied", state=note.resource_state, events=len(result.events))
    return PushOutcome(status="applied", events=len(result.events))


# --- jobs ---------------------------------------------------------------------------------------


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
