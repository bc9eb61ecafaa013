"""The Kafka relay's reads of the event log and its cursor (docs/kafka.md).

The relay is the one reader that follows every tenant at once, so these queries are unscoped by
design. It reads in ``(tx_id, position)`` order and only rows whose transaction is older than every
transaction still running (see migrations/0002), so a transaction that commits late is never
skipped by a cursor that has moved on.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.db import Connection

# pg_try_advisory_lock key: one active relay per database. "dsKafka1" as a big-endian int64.
RELAY_LOCK_KEY = 0x64734B61666B6131


class Cursor(msgspec.Struct, frozen=True, order=True):
    tx_id: int
    position: int


class RelayEvent(msgspec.Struct, kw_only=True, frozen=True):
    tenant_id: str
    id: str
    directory_id: str | None
    sequence: int | None
    type: str
    body: bytes
    timestamp_ms: int
    tx_id: int
    position: int

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.tx_id, self.position)


class RelayLag(msgspec.Struct, kw_only=True, frozen=True):
    events: int
    oldest_age_seconds: float
    cursor_updated_at: datetime | None
    relayed: int


async def try_lock(conn: Connection) -> bool:
    """Take the session-level relay lock if free. Unscoped by design: one relay per database."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY))


async def get_cursor(conn: Connection, name: str) -> Cursor:
    """Unscoped by design: the relay's own cursor row (created if missing)."""
    row = await conn.fetchrow(
        """
        INSERT INTO kafka_relay_cursors (name) VALUES ($1)
        ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
        RETURNING tx_id::text::bigint AS tx_id, position
        """,
        name,
    )
    assert row is not None
    return Cursor(row["tx_id"], row["position"])


async def list_after(conn: Connection, cursor: Cursor, limit: int) -> list[RelayEvent]:
    """Committed events of every tenant after the cursor. Unscoped by design: the firehose."""
    rows = await conn.fetch(
        """
        SELECT tenant_id, id, directory_id, sequence, type, convert_to(body, 'UTF8') AS body,
               (extract(epoch FROM recorded_at) * 1000)::bigint AS timestamp_ms,
               tx_id::text::bigint AS tx_id, position
        FROM events
        WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
          AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, position
        LIMIT $3
        """,
        str(cursor.tx_id),
        cursor.position,
        limit,
    )
    return [RelayEvent(**dict(row)) for row in rows]


async def has_unsettled(conn: Connection, cursor: Cursor) -> bool:
    """Whether committed events after the cursor wait behind a still-running older transaction.

    Unscoped by design: the firehose.
    """
    return bool(
        await conn.fetchval(
            """
            SELECT EXISTS (
                SELECT 1 FROM events
                WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
                  AND tx_id >= pg_snapshot_xmin(pg_current_snapshot())
            )
            """,
            str(cursor.tx_id),
            cursor.position,
        )
    )


async def advance_cursor(conn: Connection, name: str, cursor: Cursor, relayed: int) -> None:
    """Unscoped by design: the relay's own cursor row."""
    await conn.execute(
        """
        UPDATE kafka_relay_cursors
        SET tx_id = $2::text::xid8, position = $3, relayed = relayed + $4, updated_at = now()
        WHERE name = $1
        """,
        name,
        str(cursor.tx_id),
        cursor.position,
        relayed,
    )


async def get_lag(conn: Connection, name: str) -> RelayLag:
    """Events not yet acknowledged by the broker and the age of the oldest. Unscoped by design."""
    row = await conn.fetchrow(
        """
        WITH c AS (
            SELECT tx_id, position, updated_at, relayed FROM kafka_relay_cursors WHERE name = $1
            UNION ALL SELECT '0'::xid8, 0, NULL, 0
            LIMIT 1
        ), behind AS (
            SELECT e.recorded_at FROM events e, c
            WHERE (e.tx_id, e.position) > (c.tx_id, c.position)
        )
        SELECT (SELECT count(*) FROM behind) AS events,
               coalesce(extract(epoch FROM now() - (SELECT min(recorded_at) FROM behind)), 0)::float8
                   AS oldest_age_seconds,
               (SELECT updated_at FROM c) AS cursor_updated_at,
               (SELECT relayed FROM c) AS relayed
        """,
        name,
    )
    assert row is not None
    return RelayLag(**dict(row))
