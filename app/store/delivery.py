"""Delivery state: streams (ordered lanes with a cursor), the attempt log, pending work.

The sweep's functions work across tenants and say so ("Unscoped by design"); every other
statement filters by tenant_id.
"""

from __future__ import annotations

import bisect
import time
from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection
from app.ids import id_floor

# Latency histogram bucket upper bounds in milliseconds (the last bucket is +Inf).
LATENCY_BUCKETS_MS: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class StreamRow(msgspec.Struct, kw_only=True):
    tenant_id: str
    endpoint_id: str
    id: str
    kind: str
    directory_id: str | None
    cursor: int
    cursor_tx: int | None
    range_to: int | None
    failed_since: datetime | None
    event_id: str | None
    done: bool
    attempts: int
    next_attempt_at: datetime | None


class EventRow(msgspec.Struct, kw_only=True):
    id: str
    type: str
    directory_id: str | None
    sequence: int | None
    body: str
    recorded_at: datetime
    tx_id: int
    position: int


class AttemptRow(msgspec.Struct, kw_only=True):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    directory_id: str | None
    sequence: int | None
    attempt: int
    created_at: datetime
    status: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str | None
    request_headers: dict[str, str]
    replay: bool
    test: bool
    outcome: str


async def ensure_directory_streams(conn: Connection, tenant_id: str, directory_id: str) -> list[str]:
    """Create missing streams of enabled endpoints that want this directory; their endpoint ids.

    A new stream starts after the events recorded before its endpoint existed, so a new endpoint
    receives what happens from its creation on.
    """
    records = await conn.fetch(
        """
        WITH wanted AS (
            SELECT ep.tenant_id, ep.id, ep.created_at FROM webhook_endpoints ep
            WHERE ep.tenant_id = $1 AND ep.enabled
              AND (ep.directory_ids IS NULL OR $2 = ANY (ep.directory_ids))
        ), created AS (
            INSERT INTO webhook_streams (tenant_id, endpoint_id, id, kind, directory_id, cursor)
            SELECT ep.tenant_id, ep.id, $2, 'directory', $2, coalesce((SELECT max(ev.sequence) FROM events ev
              WHERE ev.tenant_id = ep.tenant_id AND ev.directory_id = $2
                AND ev.recorded_at < ep.created_at), 0) FROM wanted ep
            -- Only missing streams: the starting point scans the directory's events, and this
            -- runs on every commit.
            WHERE NOT EXISTS (SELECT 1 FROM webhook_streams s
                              WHERE s.tenant_id = ep.tenant_id AND s.endpoint_id = ep.id AND s.id = $2)
            ON CONFLICT DO NOTHING
        )
        SELECT id FROM wanted
        """,
        tenant_id,
        directory_id,
    )
    return [r["id"] for r in records]


async def ensure_tenant_streams(conn: Connection, tenant_id: str, event_type: str) -> list[str]:
    """Streams of the tenant-level signals, for enabled endpoints that subscribed to the type."""
    records = await conn.fetch(
        """
        WITH wanted AS (
            SELECT ep.tenant_id, ep.id, ep.created_at FROM webhook_endpoints ep
            WHERE ep.tenant_id = $1 AND ep.enabled AND $2 = ANY (ep.event_types)
        ), created AS (
            INSERT INTO webhook_streams (tenant_id, endpoint_id, id, kind, cursor, cursor_tx)
            SELECT ep.tenant_id, ep.id, 'tenant', 'tenant', 0,
                   coalesce((SELECT max(ev.tx_id) FROM events ev
                             WHERE ev.tenant_id = ep.tenant_id AND ev.directory_id IS NULL
                               AND ev.recorded_at < ep.created_at), '0'::xid8)
            FROM wanted ep
            WHERE NOT EXISTS (SELECT 1 FROM webhook_streams s
                              WHERE s.tenant_id = ep.tenant_id AND s.endpoint_id = ep.id AND s.id = 'tenant')
            ON CONFLICT DO NOTHING
        )
        SELECT id FROM wanted
        """,
        tenant_id,
        event_type,
    )
    return [r["id"] for r in records]


async def ensure_all_streams(conn: Connection) -> None:
    """Streams for every enabled endpoint x directory with events. Unscoped by design: the sweep."""
    await conn.execute(
        """
        INSERT INTO webhook_streams (tenant_id, endpoint_id, id, kind, directory_id, cursor)
        SELECT ep.tenant_id, ep.id, d.id, 'directory', d.id,
               coalesce((SELECT max(ev.sequence) FROM events ev
                         WHERE ev.tenant_id = ep.tenant_id AND ev.directory_id = d.id
                           AND ev.recorded_at < ep.created_at), 0)
        FROM webhook_endpoints ep
        JOIN directories d ON d.tenant_id = ep.tenant_id
        WHERE ep.enabled AND d.last_sequence > 0
          AND (ep.directory_ids IS NULL OR d.id = ANY (ep.directory_ids))
          AND NOT EXISTS (SELECT 1 FROM webhook_streams s
                          WHERE s.tenant_id = ep.tenant_id AND s.endpoint_id = ep.id AND s.id = d.id)
        ON CONFLICT DO NOTHING
        """
    )


async def pending_streams(conn: Connection) -> list[tuple[str, str, str, datetime | None]]:
    """(tenant_id, endpoint_id, stream_id, next_attempt_at) with work to do.

    Unscoped by design: the sweep looks at every tenant. A stream under an unexpired lease is
    left out: a run holds it, and the stream is looked at again once that run releases it (or
    its worker died and the lease ran out).
    """
    records = await conn.fetch(
        """
        SELECT s.tenant_id, s.endpoint_id, s.id, s.next_attempt_at
        FROM webhook_streams s
        JOIN webhook_endpoints ep ON ep.tenant_id = s.tenant_id AND ep.id = s.endpoint_id
        LEFT JOIN directories d ON d.tenant_id = s.tenant_id AND d.id = s.directory_id
        WHERE ep.enabled AND (s.lease_until IS NULL OR s.lease_until < now()) AND (
            (s.kind = 'directory' AND d.last_sequence > s.cursor)
            OR (s.kind = 'replay' AND NOT s.done)
            OR (s.kind = 'tenant' AND EXISTS (
                SELECT 1 FROM events ev WHERE ev.tenant_id = s.tenant_id AND ev.directory_id IS NULL
                  AND ev.tx_id > coalesce(s.cursor_tx, '0'::xid8)))
        )
        """
    )
    return [(r["tenant_id"], r["endpoint_id"], r["id"], r["next_attempt_at"]) for r in records]


async def streams_of_endpoint(conn: Connection, tenant_id: str, endpoint_id: str) -> list[str]:
    records = await conn.fetch(
        "SELECT id FROM webhook_streams WHERE tenant_id = $1 AND endpoint_id = $2 AND NOT done",
        tenant_id,
        endpoint_id,
    )
    return [r["id"] for r in records]


async def claim_stream(
    conn: Connection, tenant_id: str, endpoint_id: str, stream_id: str, *, token: str, lease_seconds: float
) -> StreamRow | None:
    """Lease the stream to one job; None if another job holds an unexpired lease."""
    record = await conn.fetchrow(
        """
        UPDATE webhook_streams SET lease_token = $4, lease_until = now() + make_interval(secs => $5)
        WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3
          AND (lease_until IS NULL OR lease_until < now() OR lease_token = $4)
        RETURNING tenant_id, endpoint_id, id, kind, directory_id, cursor,
                  cursor_tx::text::bigint AS cursor_tx, range_to, failed_since, event_id, done,
                  attempts, next_attempt_at
        """,
        tenant_id,
        endpoint_id,
        stream_id,
        token,
        lease_seconds,
    )
    return None if record is None else msgspec.convert(dict(record), StreamRow)


async def release_stream(
    conn: Connection, tenant_id: str, endpoint_id: str, stream_id: str, token: str
) -> None:
    await conn.execute(
        """
        UPDATE webhook_streams SET lease_token = NULL, lease_until = NULL
        WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3 AND lease_token = $4
        """,
        tenant_id,
        endpoint_id,
        stream_id,
        token,
    )


async def next_events(conn: Connection, stream: StreamRow, limit: int) -> list[EventRow]:
    """The events after the stream's cursor, in delivery order."""
    if stream.kind == "tenant":
        # Only transactions older than every running one: a late commit is never skipped.
        records = await conn.fetch(
            """
            SELECT id, type, directory_id, sequence, body, recorded_at, tx_id::text::bigint AS tx_id, position
            FROM events
            WHERE tenant_id = $1 AND directory_id IS NULL
              AND (tx_id, position) > ($2::text::xid8, $3)
              AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx_id, position LIMIT $4
            """,
            stream.tenant_id,
            str(stream.cursor_tx or 0),
            stream.cursor,
            limit,
        )
    elif stream.event_id is not None:
        records = await conn.fetch(
            """
            SELECT id, type, directory_id, sequence, body, recorded_at, tx_id::text::bigint AS tx_id, position
            FROM events WHERE tenant_id = $1 AND id = $2 AND NOT $3
            """,
            stream.tenant_id,
            stream.event_id,
            stream.done,
        )
    else:
        records = await conn.fetch(
            """
            SELECT id, type, directory_id, sequence, body, recorded_at, tx_id::text::bigint AS tx_id, position
            FROM events ev
            WHERE ev.tenant_id = $1 AND ev.directory_id = $2 AND ev.sequence > $3
              AND ($4::bigint IS NULL OR ev.sequence <= $4)
              AND ($5::timestamptz IS NULL OR EXISTS (
                  SELECT 1 FROM delivery_attempts a
                  WHERE a.tenant_id = ev.tenant_id AND a.endpoint_id = $6 AND a.event_id = ev.id
                    AND a.outcome = 'given_up' AND a.created_at >= $5))
            ORDER BY ev.sequence LIMIT $7
            """,
            stream.tenant_id,
            stream.directory_id,
            stream.cursor,
            stream.range_to,
            stream.failed_since,
            stream.endpoint_id,
            limit,
        )
    return [msgspec.convert(dict(r), EventRow) for r in records]


async def next_directory_events(
    conn: Connection, reads: list[tuple[str, str, int]], limit: int
) -> list[list[EventRow]]:
    """``next_events`` for many plain directory streams in one statement.

    ``reads`` are (tenant_id, directory_id, cursor); the answer has, for each, up to ``limit``
    events after the cursor, in sequence order.
    """
    columns = list(zip(*reads, strict=True)) if reads else [(), (), ()]
    records = await conn.fetch(
        """
        SELECT q.n, ev.id, ev.type, ev.directory_id, ev.sequence, ev.body, ev.recorded_at,
               ev.tx_id::text::bigint AS tx_id, ev.position
        FROM unnest($1::text[], $2::text[], $3::bigint[])
             WITH ORDINALITY AS q(tenant_id, directory_id, cursor, n)
        CROSS JOIN LATERAL (
            SELECT * FROM events e
            WHERE e.tenant_id = q.tenant_id AND e.directory_id = q.directory_id AND e.sequence > q.cursor
            ORDER BY e.sequence LIMIT $4
        ) ev
        ORDER BY q.n, ev.sequence
        """,
        *columns,
        limit,
    )
    out: list[list[EventRow]] = [[] for _ in reads]
    for r in records:
        out[r[0] - 1].append(
            EventRow(
                id=r[1],
                type=r[2],
                directory_id=r[3],
                sequence=r[4],
                body=r[5],
                recorded_at=r[6],
                tx_id=r[7],
                position=r[8],
            )
        )
    return out


def _cursor_after(stream: StreamRow, event: EventRow) -> tuple[int, int | None]:
    if stream.kind == "tenant":
        return event.position, event.tx_id
    if stream.event_id is not None:
        return 1, None
    assert event.sequence is not None
    return event.sequence, None


async def skip_to(
    conn: Connection, stream: StreamRow, event: EventRow, token: str, lease_seconds: float
) -> bool:
    """Move the cursor past an event the endpoint does not subscribe to."""
    cursor, cursor_tx = _cursor_after(stream, event)
    status = await conn.execute(
        """
        UPDATE webhook_streams SET cursor = $5, cursor_tx = $6::text::xid8, attempts = 0,
               next_attempt_at = NULL, lease_until = now() + make_interval(secs => $7)
        WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3 AND lease_token = $4
        """,
        stream.tenant_id,
        stream.endpoint_id,
        stream.id,
        token,
        cursor,
        None if cursor_tx is None else str(cursor_tx),
        lease_seconds,
    )
    return status.endswith(" 1")


async def record_attempt(
    conn: Connection,
    stream: StreamRow,
    event: EventRow,
    *,
    token: str,
    attempt_id: str,
    attempt: int,
    outcome: str,
    status: int | None,
    latency_ms: float,
    error: str | None,
    response_excerpt: str | None,
    request_headers: dict[str, str],
    next_attempt_at: datetime | None,
    lease_seconds: float,
) -> bool:
    """Log the attempt and move the stream on (delivered, given up) or schedule the retry.

    False when the lease was lost (another job owns the stream now): nothing is written.
    """
    advance = outcome != "retrying"
    cursor, cursor_tx = _cursor_after(stream, event) if advance else (stream.cursor, stream.cursor_tx)
    bucket = bisect.bisect_left(LATENCY_BUCKETS_MS, latency_ms) + 1
    record = await conn.fetchrow(
        """
        WITH moved AS (
            UPDATE webhook_streams SET
                cursor = $5, cursor_tx = $6::text::xid8,
                attempts = CASE WHEN $7 THEN 0 ELSE $8 END,
                next_attempt_at = $9,
                last_error = $10,
                done = done OR ($7 AND kind = 'replay' AND event_id IS NOT NULL),
                lease_until = now() + make_interval(secs => $11),
                delivered_total = delivered_total + ($12 = 'delivered')::int,
                failed_total = failed_total + ($12 <> 'delivered')::int,
                given_up_total = given_up_total + ($12 = 'given_up')::int,
                latency_sum_ms = latency_sum_ms + $13,
                latency_buckets[$14] = latency_buckets[$14] + 1
            WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3 AND lease_token = $4
            RETURNING kind
        )
        INSERT INTO delivery_attempts
            (tenant_id, id, endpoint_id, event_id, event_type, directory_id, sequence, stream_id,
             attempt, status, latency_ms, error, response_excerpt, request_headers, replay, outcome)
        SELECT $1, $15, $2, $16, $17, $18, $19, $3, $8, $20, $13, $10, $21, $22, kind = 'replay', $12
        FROM moved
        RETURNING id
        """,
        stream.tenant_id,
        stream.endpoint_id,
        stream.id,
        token,
        cursor,
        None if cursor_tx is None else str(cursor_tx),
        advance,
        attempt,
        next_attempt_at,
        error,
        lease_seconds,
        outcome,
        latency_ms,
        bucket,
        attempt_id,
        event.id,
        event.type,
        event.directory_id,
        event.sequence,
        status,
        response_excerpt,
        request_headers,
    )
    return record is not None


async def finish_replay_if_drained(conn: Connection, stream: StreamRow, token: str) -> None:
    await conn.execute(
        """
        UPDATE webhook_streams SET done = true
        WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3 AND lease_token = $4 AND kind = 'replay'
        """,
        stream.tenant_id,
        stream.endpoint_id,
        stream.id,
        token,
    )


async def insert_test_attempt(
    conn: Connection,
    tenant_id: str,
    *,
    attempt_id: str,
    endpoint_id: str,
    event_id: str,
    status: int | None,
    latency_ms: float,
    error: str | None,
    response_excerpt: str | None,
    request_headers: dict[str, str],
) -> AttemptRow:
    record = await conn.fetchrow(
        """
        INSERT INTO delivery_attempts
            (tenant_id, id, endpoint_id, event_id, event_type, attempt, status, latency_ms, error,
             response_excerpt, request_headers, test, outcome)
        VALUES ($1, $2, $3, $4, 'ping', 1, $5, $6, $7, $8, $9, true,
                CASE WHEN $5 BETWEEN 200 AND 299 THEN 'delivered' ELSE 'given_up' END)
        RETURNING id, endpoint_id, event_id, event_type, directory_id, sequence, attempt, created_at, status,
    latency_ms, error, response_excerpt, request_headers, replay, test, outcome
        """,
        tenant_id,
        attempt_id,
        endpoint_id,
        event_id,
        status,
        latency_ms,
        error,
        response_excerpt,
        request_headers,
    )
    return msgspec.convert(dict(record), AttemptRow)  # type: ignore[arg-type]


async def list_attempts(
    conn: Connection,
    tenant_id: str,
    endpoint_id: str,
    *,
    event_id: str | None,
    before: str | None,
    limit: int,
) -> list[AttemptRow]:
    """Newest first."""
    records = await conn.fetch(
        """
        SELECT id, endpoint_id, event_id, event_type, directory_id, sequence, attempt, created_at, status,
    latency_ms, error, response_excerpt, request_headers, replay, test, outcome FROM delivery_attempts
        WHERE tenant_id = $1 AND endpoint_id = $2
          AND ($3::text IS NULL OR event_id = $3)
          AND ($4::text IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5
        """,
        tenant_id,
        endpoint_id,
        event_id,
        before,
        limit,
    )
    return [msgspec.convert(dict(r), AttemptRow) for r in records]


async def delete_old_attempts(conn: Connection, *, older_than_days: int, limit: int = 10_000) -> int:
    """Retention: up to ``limit`` attempts older than the cutoff. Unscoped by design (maintenance
    across all tenants), but each endpoint's attempts are found through its own key range: attempt
    ids are ULIDs, so every id created before the cutoff sorts below ``att_<cutoff time>``."""
    cutoff_ms = int((time.time() - older_than_days * 86400) * 1000)
    status = await conn.execute(
        """
        DELETE FROM delivery_attempts WHERE ctid = ANY (ARRAY(
            SELECT old.ctid FROM webhook_endpoints ep
            CROSS JOIN LATERAL (
                SELECT a.ctid FROM delivery_attempts a
                WHERE a.tenant_id = ep.tenant_id AND a.endpoint_id = ep.id AND a.id < $1
                LIMIT $2
            ) AS old
            LIMIT $2))
        """,
        id_floor("att", cutoff_ms),
        limit,
    )
    return int(status.rsplit(" ", 1)[1])


async def insert_replay_streams(
    conn: Connection, tenant_id: str, endpoint_id: str, lanes: list[dict[str, Any]]
) -> None:
    await conn.executemany(
        """
        INSERT INTO webhook_streams
            (tenant_id, endpoint_id, id, kind, directory_id, cursor, range_to, failed_since, event_id)
        VALUES ($1, $2, $3, 'replay', $4, $5, $6, $7, $8)
        """,
        [
            (
                tenant_id,
                endpoint_id,
                lane["id"],
                lane.get("directory_id"),
                lane.get("cursor", 0),
                lane.get("range_to"),
                lane.get("failed_since"),
                lane.get("event_id"),
            )
            for lane in lanes
        ],
    )


async def reset_streams(conn: Connection, tenant_id: str, endpoint_id: str) -> None:
    """Re-enabled endpoint: retry each head event now, with a fresh attempt count."""
    await conn.execute(
        """
        UPDATE webhook_streams SET attempts = 0, next_attempt_at = NULL
        WHERE tenant_id = $1 AND endpoint_id = $2
        """,
        tenant_id,
        endpoint_id,
    )


class Delivered(msgspec.Struct, kw_only=True, frozen=True):
    """One delivered attempt (2xx), written by ``record_deliveries`` with others in one statement."""

    stream: StreamRow
    event: EventRow
    token: str
    attempt: int
    status: int
    latency_ms: float
    response_excerpt: str | None
    request_headers: str  # JSON, signatures redacted


async def record_deliveries(
    conn: Connection, rows: list[Delivered], attempt_ids: list[str], lease_seconds: float
) -> list[bool]:
    """``record_attempt`` for many delivered attempts of different streams in one statement.

    The same effect per row: the attempt is logged and its stream's cursor moves on, only while
    the row's lease token still holds the stream. Returns, per row, whether it was written. At most
    one row per stream: a second one would see the first one's update only after the statement.
    """
    values = []
    for row, attempt_id in zip(rows, attempt_ids, strict=True):
        stream, event = row.stream, row.event
        cursor, cursor_tx = _cursor_after(stream, event)
        values.append(
            (
                stream.tenant_id,
                stream.endpoint_id,
                stream.id,
                row.token,
                cursor,
                None if cursor_tx is None else str(cursor_tx),
                row.attempt,
                row.latency_ms,
                bisect.bisect_left(LATENCY_BUCKETS_MS, row.latency_ms) + 1,
                attempt_id,
                event.id,
                event.type,
                event.directory_id,
                event.sequence,
                row.status,
                row.response_excerpt,
                row.request_headers,
            )
        )
    records = await conn.fetch(
        """
        WITH input AS (SELECT * FROM unnest($1::delivered_attempt[]) AS i),
        moved AS (
            UPDATE webhook_streams s SET
                cursor = i.cursor, cursor_tx = i.cursor_tx::xid8, attempts = 0,
                next_attempt_at = NULL, last_error = NULL,
                done = s.done OR (s.kind = 'replay' AND s.event_id IS NOT NULL),
                lease_until = now() + make_interval(secs => $2),
                delivered_total = s.delivered_total + 1,
                latency_sum_ms = s.latency_sum_ms + i.latency_ms,
                latency_buckets[i.bucket] = s.latency_buckets[i.bucket] + 1
            FROM input i
            WHERE s.tenant_id = i.tenant_id AND s.endpoint_id = i.endpoint_id AND s.id = i.stream_id
              AND s.lease_token = i.token
            RETURNING s.tenant_id, s.endpoint_id, s.id, s.kind
        )
        INSERT INTO delivery_attempts
            (tenant_id, id, endpoint_id, event_id, event_type, directory_id, sequence, stream_id,
             attempt, status, latency_ms, error, response_excerpt, request_headers, replay, outcome)
        SELECT i.tenant_id, i.attempt_id, i.endpoint_id, i.event_id, i.event_type, i.directory_id,
               i.sequence, i.stream_id, i.attempt, i.status, i.latency_ms, NULL, i.response_excerpt,
               i.request_headers::jsonb, m.kind = 'replay', 'delivered'
        FROM input i
        JOIN moved m ON m.tenant_id = i.tenant_id AND m.endpoint_id = i.endpoint_id AND m.id = i.stream_id
        RETURNING id
        """,
        values,
        lease_seconds,
    )
    written = {r["id"] for r in records}
    return [attempt_id in written for attempt_id in attempt_ids]
