"""Google Workspace: push channels, push de-duplication and sync progress (migration 0007)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection


class GoogleChannel(msgspec.Struct, kw_only=True):
    tenant_id: str
    id: str
    directory_id: str
    event: str
    resource_id: str
    token_hash: bytes
    expires_at: datetime
    created_at: datetime
    stopped_at: datetime | None


class SyncState(msgspec.Struct, kw_only=True):
    tenant_id: str
    directory_id: str
    phase: str
    kind: str | None
    counts: dict[str, Any]
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    initial_completed_at: datetime | None
    users_synced_at: datetime | None
    groups_synced_at: datetime | None
    updated_at: datetime


class GoogleDirectoryRow(msgspec.Struct, kw_only=True):
    tenant_id: str
    id: str
    state: str
    settings: dict[str, Any]


async def get_directory(conn: Connection, tenant_id: str, directory_id: str) -> GoogleDirectoryRow | None:
    row = await conn.fetchrow(
        """
        SELECT tenant_id, id, state, settings FROM directories
        WHERE tenant_id = $1 AND id = $2 AND provider = 'google'
        """,
        tenant_id,
        directory_id,
    )
    return None if row is None else msgspec.convert(dict(row), GoogleDirectoryRow)


async def lock_channel_upkeep(conn: Connection, tenant_id: str, directory_id: str) -> None:
    """Wait for, then hold until the caller's transaction ends, the directory's channel upkeep.

    The sync job makes channels before its users pass, and the tick queues a channels job of its
    own: run together, both saw no live channel and each made a full set. An advisory lock, not a
    row lock, so nothing else that writes the directory waits on it.
    """
    await conn.execute(
        """
        SELECT pg_advisory_xact_lock(hashtextextended('google_channels:' || tenant_id || ':' || id, 0))
        FROM directories WHERE tenant_id = $1 AND id = $2
        """,
        tenant_id,
        directory_id,
    )


async def list_directories(conn: Connection) -> list[GoogleDirectoryRow]:
    """Unscoped by design: the scheduler sweeps every tenant's Google directories."""
    rows = await conn.fetch(
        """
        SELECT tenant_id, id, state, settings FROM directories
        WHERE provider = 'google' ORDER BY tenant_id, id
        """
    )
    return [msgspec.convert(dict(r), GoogleDirectoryRow) for r in rows]


async def list_user_external_ids(
    conn: Connection, tenant_id: str, directory_id: str, *, unchanged_since: datetime | None = None
) -> list[str]:
    """External ids in the directory; with ``unchanged_since``, only rows not written after it."""
    rows = await conn.fetch(
        """
        SELECT external_id FROM directory_users
        WHERE tenant_id = $1 AND directory_id = $2 AND external_id IS NOT NULL
          AND ($3::timestamptz IS NULL OR updated_at < $3)
        """,
        tenant_id,
        directory_id,
        unchanged_since,
    )
    return [r["external_id"] for r in rows]


async def list_group_external_ids(
    conn: Connection, tenant_id: str, directory_id: str, *, unchanged_since: datetime | None = None
) -> list[str]:
    """External ids in the directory; with ``unchanged_since``, only rows not written after it."""
    rows = await conn.fetch(
        """
        SELECT external_id FROM directory_groups
        WHERE tenant_id = $1 AND directory_id = $2 AND external_id IS NOT NULL
          AND ($3::timestamptz IS NULL OR updated_at < $3)
        """,
        tenant_id,
        directory_id,
        unchanged_since,
    )
    return [r["external_id"] for r in rows]


# --- sync state ------------------------------------------------------------------------------


async def get_sync_state(conn: Connection, tenant_id: str, directory_id: str) -> SyncState | None:
    row = await conn.fetchrow(
        """
        SELECT tenant_id, directory_id, phase, kind, counts, started_at, finished_at, last_error,
               last_error_at,
               consecutive_failures, next_attempt_at, initial_completed_at, users_synced_at, groups_synced_at,
               updated_at
        FROM google_sync_state WHERE tenant_id = $1 AND directory_id = $2
        """,
        tenant_id,
        directory_id,
    )
    return None if row is None else msgspec.convert(dict(row), SyncState)


async def list_sync_states(conn: Connection) -> list[SyncState]:
    """Unscoped by design: the scheduler reads every Google directory's schedule."""
    rows = await conn.fetch(
        """
        SELECT tenant_id, directory_id, phase, kind, counts, started_at, finished_at, last_error,
               last_error_at,
               consecutive_failures, next_attempt_at, initial_completed_at, users_synced_at, groups_synced_at,
               updated_at
        FROM google_sync_state
        """
    )
    return [msgspec.convert(dict(r), SyncState) for r in rows]


async def start_sync(conn: Connection, tenant_id: str, directory_id: str, *, kind: str, phase: str) -> None:
    await conn.execute(
        """
        INSERT INTO google_sync_state (tenant_id, directory_id, phase, kind, counts, started_at)
        VALUES ($1, $2, $3, $4, '{}', now())
        ON CONFLICT (tenant_id, directory_id) DO UPDATE
        SET phase = $3, kind = $4, counts = '{}', started_at = now(), finished_at = NULL, updated_at = now()
        WHERE google_sync_state.tenant_id = $1
        """,
        tenant_id,
        directory_id,
        phase,
        kind,
    )


async def update_sync_progress(
    conn: Connection, tenant_id: str, directory_id: str, *, phase: str, counts: dict[str, int]
) -> None:
    await conn.execute(
        """
        UPDATE google_sync_state SET phase = $3, counts = $4, updated_at = now()
        WHERE tenant_id = $1 AND directory_id = $2
        """,
        tenant_id,
        directory_id,
        phase,
        counts,
    )


async def finish_sync(
    conn: Connection, tenant_id: str, directory_id: str, *, users: bool, groups: bool, counts: dict[str, int]
) -> None:
    await conn.execute(
        """
        UPDATE google_sync_state
        SET phase = 'idle', counts = $5, finished_at = now(), updated_at = now(),
            consecutive_failures = 0, next_attempt_at = NULL,
            initial_completed_at = CASE WHEN $3 AND $4 THEN coalesce(initial_completed_at, now())
                                        ELSE initial_completed_at END,
            users_synced_at = CASE WHEN $3 THEN now() ELSE users_synced_at END,
            groups_synced_at = CASE WHEN $4 THEN now() ELSE groups_synced_at END
        WHERE tenant_id = $1 AND directory_id = $2
        """,
        tenant_id,
        directory_id,
        users,
        groups,
        counts,
    )


async def fail_sync(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    error: str,
    next_attempt_at: datetime,
    counts: dict[str, int],
) -> None:
    await conn.execute(
        """
        INSERT INTO google_sync_state (tenant_id, directory_id, phase, counts, last_error, last_error_at,
                                       consecutive_failures, next_attempt_at)
        VALUES ($1, $2, 'failed', $5, $3, now(), 1, $4)
        ON CONFLICT (tenant_id, directory_id) DO UPDATE
        SET phase = 'failed', counts = $5, last_error = $3, last_error_at = now(), finished_at = now(),
            consecutive_failures = google_sync_state.consecutive_failures + 1,
            next_attempt_at = $4, updated_at = now()
        WHERE google_sync_state.tenant_id = $1
        """,
        tenant_id,
        directory_id,
        error,
        next_attempt_at,
        counts,
    )


# --- channels ---------------------------------------------------------------------------------


async def insert_channel(
    conn: Connection,
    tenant_id: str,
    *,
    channel_id: str,
    directory_id: str,
    event: str,
    resource_id: str,
    token_hash: bytes,
    expires_at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO google_channels (tenant_id, id, directory_id, event, resource_id, token_hash, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        tenant_id,
        channel_id,
        directory_id,
        event,
        resource_id,
        token_hash,
        expires_at,
    )


async def get_channel_by_id(conn: Connection, channel_id: str) -> GoogleChannel | None:
    """Unscoped by design: a push names only its channel; the channel row yields the tenant."""
    row = await conn.fetchrow(
        """
        SELECT tenant_id, id, directory_id, event, resource_id, token_hash, expires_at, created_at, stopped_at
        FROM google_channels WHERE id = $1
        """,
        channel_id,
    )
    return None if row is None else msgspec.convert(dict(row), GoogleChannel)


async def list_live_channels(conn: Connection, tenant_id: str, directory_id: str) -> list[GoogleChannel]:
    rows = await conn.fetch(
        """
        SELECT tenant_id, id, directory_id, event, resource_id, token_hash, expires_at, created_at, stopped_at
        FROM google_channels
        WHERE tenant_id = $1 AND directory_id = $2 AND stopped_at IS NULL
        ORDER BY expires_at
        """,
        tenant_id,
        directory_id,
    )
    return [msgspec.convert(dict(r), GoogleChannel) for r in rows]


async def list_all_live_channels(conn: Connection) -> list[GoogleChannel]:
    """Unscoped by design: the scheduler renews and stops channels across tenants."""
    rows = await conn.fetch(
        """
        SELECT tenant_id, id, directory_id, event, resource_id, token_hash, expires_at, created_at, stopped_at
        FROM google_channels WHERE stopped_at IS NULL
        """
    )
    return [msgspec.convert(dict(r), GoogleChannel) for r in rows]


async def mark_channel_stopped(conn: Connection, tenant_id: str, channel_id: str) -> None:
    await conn.execute(
        """
        UPDATE google_channels SET stopped_at = now()
        WHERE tenant_id = $1 AND id = $2 AND stopped_at IS NULL
        """,
        tenant_id,
        channel_id,
    )


# --- push de-duplication ------------------------------------------------------------------------


async def push_message_seen(conn: Connection, tenant_id: str, channel_id: str, message_number: int) -> bool:
    seen = await conn.fetchval(
        """
        SELECT EXISTS (SELECT 1 FROM google_push_messages
                       WHERE tenant_id = $1 AND channel_id = $2 AND message_number = $3)
        """,
        tenant_id,
        channel_id,
        message_number,
    )
    return bool(seen)


async def record_push_message(conn: Connection, tenant_id: str, channel_id: str, message_number: int) -> bool:
    """Record the message; False if it was already recorded (a redelivery)."""
    inserted = await conn.fetchval(
        """
        INSERT INTO google_push_messages (tenant_id, channel_id, message_number) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING
        RETURNING true
        """,
        tenant_id,
        channel_id,
        message_number,
    )
    return bool(inserted)


async def prune_push_messages(conn: Connection, before: datetime) -> int:
    """Unscoped by design: retention housekeeping across tenants."""
    result = await conn.execute("DELETE FROM google_push_messages WHERE received_at < $1", before)
    return int(result.split()[-1])


async def analyze_directory_tables(conn: Connection) -> None:
    """Unscoped by design: planner statistics are table-wide.

    A bulk load grows a directory's tables much faster than autovacuum re-analyzes them; with
    statistics that still say "empty", Postgres looks users up by external id through the wrong
    index and filters every row of the directory, which turns a 100,000-user sync quadratic.
    """
    await conn.execute("ANALYZE directory_users, directory_groups, directory_memberships")
