"""The event log: appending a directory's events, and the two read orders.

- Per directory: by ``sequence``. Sequences are allocated under the directory row lock, so a
  higher sequence never becomes visible before a lower one.
- Tenant-wide: by ``(tx_id, position)``, returning only rows whose transaction is older than every
  transaction still running (``tx_id < pg_snapshot_xmin(pg_current_snapshot())``). A transaction
  that commits late has a tx_id at or above that horizon, so a reader never moves past it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.db import Connection


class EventRow(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    type: str
    directory_id: str | None
    sequence: int | None
    body: str


class StreamRow(msgspec.Struct, kw_only=True, frozen=True):
    body: str
    tx_id: int
    position: int


async def append_directory_events(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    ids: list[str],
    types: list[str],
    sequences: list[int],
    bodies: list[str],
    occurred_at: list[datetime],
    recorded_at: datetime,
    notify_payload: str | None,
) -> None:
    """One statement: advance the directory's allocator, insert every event and, when a payload
    is given, notify listeners (delivered by Postgres on commit).

    The caller holds the directory row lock (``lock_for_apply``), so ``last_sequence`` is ours.
    """
    await conn.execute(
        """
        WITH seq AS (
            UPDATE directories SET last_sequence = last_sequence + cardinality($4::text[])
            WHERE tenant_id = $1 AND id = $2
            RETURNING last_sequence
        ), ins AS (
            INSERT INTO events (tenant_id, id, directory_id, sequence, type, occurred_at, recorded_at, body)
            SELECT $1, e.id, $2, e.sequence, e.type, e.occurred_at, $3, e.body
            FROM unnest($4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::text[])
                 AS e(id, sequence, type, occurred_at, body)
        )
        SELECT pg_notify('dirsync_events', $9) FROM seq WHERE $9::text IS NOT NULL
        """,
        tenant_id,
        directory_id,
        recorded_at,
        ids,
        sequences,
        types,
        occurred_at,
        bodies,
        notify_payload,
    )


async def begin(conn: Connection) -> None:
    await conn.execute("BEGIN")


async def rollback(conn: Connection) -> None:
    await conn.execute("ROLLBACK")


# Savepoints by hand: apply_changes may run in a transaction it opened with a plain BEGIN, inside
# which asyncpg refuses ``conn.transaction()``.
async def savepoint(conn: Connection, name: str) -> None:
    await conn.execute(f"SAVEPOINT {name}")


async def release_savepoint(conn: Connection, name: str) -> None:
    await conn.execute(f"RELEASE SAVEPOINT {name}")


async def rollback_to_savepoint(conn: Connection, name: str) -> None:
    await conn.execute(f"ROLLBACK TO SAVEPOINT {name}")


def _literal(text: str) -> str:
    # standard_conforming_strings is on (the default since 9.1): doubling quotes is the escape.
    return "'" + text.replace("'", "''") + "'"


async def commit_and_notify(conn: Connection, payload: str | None) -> None:
    """COMMIT, then NOTIFY in a second implicit transaction of the same simple query: one round
    trip, and the NOTIFY lock is never held across the data transaction's WAL flush."""
    if payload is None:
        await conn.execute("COMMIT")
        return
    # Simple-query protocol (no parameters) is what allows two statements in one message; the
    # payload is our own JSON of ids and a number, quoted as a literal all the same.
    await conn.execute(f"COMMIT; SELECT pg_notify('dirsync_events', {_literal(payload)})")


async def notify(conn: Connection, tenant_id: str, payload: str) -> None:
    """Wake listeners outside a transaction (see ``apply_changes`` for why)."""
    await conn.execute(
        "SELECT pg_notify('dirsync_events', $2) WHERE $1::text IS NOT NULL", tenant_id, payload
    )


async def get(conn: Connection, tenant_id: str, event_id: str) -> EventRow | None:
    row = await conn.fetchrow(
        "SELECT id, type, directory_id, sequence, body FROM events WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        event_id,
    )
    return None if row is None else EventRow(**dict(row))


async def list_directory_bodies(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    after: int,
    limit: int,
    types: list[str] | None,
) -> list[tuple[str, int]]:
    """(body, sequence) after a sequence, in sequence order."""
    rows = await conn.fetch(
        """
        SELECT body, sequence FROM events
        WHERE tenant_id = $1 AND directory_id = $2 AND sequence > $3
          AND ($5::text[] IS NULL OR type = ANY($5::text[]))
        ORDER BY sequence LIMIT $4
        """,
        tenant_id,
        directory_id,
        after,
        limit,
        types,
    )
    return [(r[0], r[1]) for r in rows]


async def list_directory_events(
    conn: Connection, tenant_id: str, directory_id: str, *, after: int, limit: int
) -> list[EventRow]:
    rows = await conn.fetch(
        """
        SELECT id, type, directory_id, sequence, body FROM events
        WHERE tenant_id = $1 AND directory_id = $2 AND sequence > $3
        ORDER BY sequence LIMIT $4
        """,
        tenant_id,
        directory_id,
        after,
        limit,
    )
    return [EventRow(**dict(r)) for r in rows]


async def list_tenant_bodies(
    conn: Connection,
    tenant_id: str,
    *,
    after: tuple[int, int] | None,
    limit: int,
    types: list[str] | None,
) -> list[StreamRow]:
    """The tenant-wide stream after a (tx_id, position) cursor; see the module docstring."""
    tx_after, position_after = after if after is not None else (0, 0)
    rows = await conn.fetch(
        """
        SELECT body, tx_id::text::bigint AS tx_id, position FROM events
        WHERE tenant_id = $1
          AND (tx_id, position) > ($2::text::xid8, $3::bigint)
          AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($5::text[] IS NULL OR type = ANY($5::text[]))
        ORDER BY tx_id, position LIMIT $4
        """,
        tenant_id,
        str(tx_after),
        position_after,
        limit,
        types,
    )
    return [StreamRow(body=r[0], tx_id=r[1], position=r[2]) for r in rows]
