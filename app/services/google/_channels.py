"""users.watch channels: create, renew before expiry, stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import structlog

from app.db import Pool
from app.errors import DirsyncError
from app.ids import new_id
from app.security import new_token
from app.services.google._runtime import (
    Runtime,
    load_client,
    parse_settings,
)
from app.settings import Settings
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()

RENEW_BEFORE = timedelta(hours=1)  # renew a channel when less than this is left


def push_address(settings: Settings, directory_id: str) -> str:
    return f"{settings.base_url()}/hooks/google/{directory_id}"


async def ensure_channels(
    pool: Pool, runtime: Runtime, settings: Settings, tenant_id: str, directory_id: str
) -> list[str]:
    """One live users.watch channel per event; renew those expiring within RENEW_BEFORE.

    The new channel is created before the old one is stopped, so no change falls in between
    (a change seen on both is harmless: the store's diff turns the second into nothing). One
    upkeep per directory runs at a time; a second one waits, then finds the channels fresh.
    """
    async with pool.acquire() as lock, lock.transaction():
        await google_store.lock_channel_upkeep(lock, tenant_id, directory_id)
        return await _ensure_channels(pool, runtime, settings, tenant_id, directory_id)


async def _ensure_channels(
    pool: Pool, runtime: Runtime, settings: Settings, tenant_id: str, directory_id: str
) -> list[str]:
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
