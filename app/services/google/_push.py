"""users.watch push notifications: authenticate, de-duplicate, fetch the user, apply."""

from __future__ import annotations

from typing import Literal

import httpx
import msgspec
import structlog

from app.db import Pool
from app.errors import (
    GroupNotFound,
    InvalidRequest,
    ProviderUnavailable,
    Unauthenticated,
    UserNotFound,
)
from app.services import directory as directory_service
from app.services.google._runtime import (
    Runtime,
    load_client,
)
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()

PUSH_RETRY = adapter.RetryPolicy(max_attempts=3, max_retry_after=5.0)  # Google redelivers on 5xx


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
