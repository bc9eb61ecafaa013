"""Delivery read models: tenant signals, replay ranges, the purge gate and metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection

NOTIFY_CHANNEL = "dirsync_events"


async def insert_tenant_event(
    conn: Connection, tenant_id: str, *, event_id: str, event_type: str, occurred_at: datetime, body: bytes
) -> None:
    """Append a tenant-level signal (no directory, no sequence) and wake its listeners on commit."""
    payload = msgspec.json.encode({"tenant_id": tenant_id, "directory_id": None, "type": event_type})
    await conn.execute(
        """
        WITH appended AS (
            INSERT INTO events (tenant_id, id, type, occurred_at, recorded_at, body)
            VALUES ($1, $2, $3, $4, $4, $5)
            RETURNING tenant_id
        )
        SELECT pg_notify($6, $7) FROM appended WHERE tenant_id = $1
        """,
        tenant_id,
        event_id,
        event_type,
        occurred_at,
        body.decode(),
        NOTIFY_CHANNEL,
        payload.decode(),
    )


async def get_event_position(
    conn: Connection, tenant_id: str, event_id: str
) -> tuple[str | None, int | None] | None:
    """(directory_id, sequence) of an event, None if it does not exist."""
    record = await conn.fetchrow(
        "SELECT directory_id, sequence FROM events WHERE tenant_id = $1 AND id = $2", tenant_id, event_id
    )
    return None if record is None else (record["directory_id"], record["sequence"])


async def sequence_ranges_by_time(
    conn: Connection, tenant_id: str, *, directory_ids: list[str] | None, since: datetime, until: datetime
) -> list[tuple[str, int, int]]:
    """(directory_id, first sequence, last sequence) of the events recorded in [since, until]."""
    records = await conn.fetch(
        """
        SELECT directory_id, min(sequence) AS first, max(sequence) AS last FROM events
        WHERE tenant_id = $1 AND directory_id IS NOT NULL
          AND ($2::text[] IS NULL OR directory_id = ANY ($2))
          AND recorded_at >= $3 AND recorded_at <= $4
        GROUP BY directory_id ORDER BY directory_id
        """,
        tenant_id,
        directory_ids,
        since,
        until,
    )
    return [(r["directory_id"], r["first"], r["last"]) for r in records]


async def given_up_since(
    conn: Connection, tenant_id: str, endpoint_id: str, since: datetime
) -> tuple[list[str], list[str]]:
    """(directories with events given up since then, ids of given-up tenant-level signals)."""
    records = await conn.fetch(
        """
        SELECT DISTINCT directory_id, CASE WHEN directory_id IS NULL THEN event_id END AS event_id
        FROM delivery_attempts
        WHERE tenant_id = $1 AND endpoint_id = $2 AND outcome = 'given_up' AND NOT test
          AND created_at >= $3
        """,
        tenant_id,
        endpoint_id,
        since,
    )
    directories = sorted({r["directory_id"] for r in records if r["directory_id"] is not None})
    signals = sorted({r["event_id"] for r in records if r["event_id"] is not None})
    return directories, signals


async def directory_events_delivered(conn: Connection, tenant_id: str, directory_id: str) -> bool:
    """True when every enabled endpoint that wants the directory is at or past its last sequence.

    A disabled endpoint does not hold the directory back (it can be replayed from the Events API
    history while that lasts). An endpoint without a stream yet counts from where its stream
    would start.
    """
    lagging = await conn.fetchval(
        """
        SELECT count(*) FROM webhook_endpoints ep
        JOIN directories d ON d.tenant_id = ep.tenant_id AND d.id = $2
        LEFT JOIN webhook_streams s
            ON s.tenant_id = ep.tenant_id AND s.endpoint_id = ep.id AND s.id = d.id
        WHERE ep.tenant_id = $1 AND ep.enabled
          AND (ep.directory_ids IS NULL OR d.id = ANY (ep.directory_ids))
          AND coalesce(s.cursor,
                       (SELECT max(ev.sequence) FROM events ev
                        WHERE ev.tenant_id = ep.tenant_id AND ev.directory_id = d.id
                          AND ev.recorded_at < ep.created_at), 0) < d.last_sequence
        """,
        tenant_id,
        directory_id,
    )
    return int(lagging or 0) == 0


class EndpointStats(msgspec.Struct, kw_only=True):
    tenant_id: str
    endpoint_id: str
    enabled: bool
    delivered_total: int
    failed_total: int
    given_up_total: int
    latency_sum_ms: float
    latency_buckets: list[int]
    lag_seconds: float


async def endpoint_stats(conn: Connection) -> list[EndpointStats]:
    """Per-endpoint delivery counters and stream lag. Unscoped by design: /metrics covers all tenants."""
    records = await conn.fetch(
        """
        SELECT ep.tenant_id, ep.id AS endpoint_id, ep.enabled,
               coalesce(sum(s.delivered_total), 0)::bigint AS delivered_total,
               coalesce(sum(s.failed_total), 0)::bigint AS failed_total,
               coalesce(sum(s.given_up_total), 0)::bigint AS given_up_total,
               coalesce(sum(s.latency_sum_ms), 0)::float8 AS latency_sum_ms,
               (SELECT coalesce(array_agg(b ORDER BY i), '{}') FROM (
                   SELECT i, sum(s2.latency_buckets[i])::bigint AS b
                   FROM webhook_streams s2, generate_series(1, 12) AS i
                   WHERE s2.tenant_id = ep.tenant_id AND s2.endpoint_id = ep.id
                   GROUP BY i) AS per_bucket) AS latency_buckets,
               coalesce(extract(epoch FROM now() - min(
                   (SELECT ev.recorded_at FROM events ev
                    WHERE ev.tenant_id = s.tenant_id AND ev.directory_id = s.directory_id
                      AND ev.sequence = s.cursor + 1)
               ) FILTER (WHERE s.kind = 'directory')), 0)::float8 AS lag_seconds
        FROM webhook_endpoints ep
        LEFT JOIN webhook_streams s ON s.tenant_id = ep.tenant_id AND s.endpoint_id = ep.id
        GROUP BY ep.tenant_id, ep.id, ep.enabled
        """
    )
    return [_stats(dict(r)) for r in records]


def _stats(row: dict[str, Any]) -> EndpointStats:
    row["latency_buckets"] = [int(b) for b in row["latency_buckets"] or []] or [0] * 12
    return msgspec.convert(row, EndpointStats)


async def last_sequence(conn: Connection, tenant_id: str, directory_id: str) -> int:
    value = await conn.fetchval(
        "SELECT max(sequence) FROM events WHERE tenant_id = $1 AND directory_id = $2", tenant_id, directory_id
    )
    return int(value or 0)
