"""SQL of the optimistic apply (``app.services._optimistic``).

``read`` takes one snapshot, without a lock, of what a single-user upsert needs. ``write`` sends
one simple-query message: BEGIN; ``dirsync_apply_user`` (migration 0009), which advances the
directory's sequence only if the directory row is still the version that was read (same ``xmin``,
same ``last_sequence``) and then writes the user, the events and the source id, or aborts;
COMMIT; the NOTIFY. The values travel as one JSON document, dollar-quoted: the simple-query
protocol, which is what lets four statements share one round trip, takes no parameters.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec

from app.db import Connection
from app.store.directory import DirectoryRow
from app.store.user import USER_SELECT, UserRow

_encode = msgspec.json.Encoder().encode


class Snapshot(msgspec.Struct, kw_only=True):
    directory: DirectoryRow
    row_version: str  # the directory row's xmin when read
    user: UserRow | None
    source_applied: bool


class EventRecord(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    sequence: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    body: str


async def read(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    by: str | None,
    key: str | None,
    source_id: str | None,
) -> Snapshot | None:
    """The directory, the user addressed by ``by`` = ``key`` and whether ``source_id`` was
    applied, all from one snapshot; None when the directory does not exist."""
    assert by in (None, "id", "external_id")
    user_sql = (
        f"(SELECT row_to_json(x) FROM ({USER_SELECT} "
        f"WHERE u.tenant_id = d.tenant_id AND u.directory_id = d.id AND u.{by} = $3) x)"
        if by is not None
        else "NULL::json"
    )
    row = await conn.fetchrow(
        f"""
        SELECT d.id, d.tenant_id, d.name, d.provider, d.state, d.settings, d.role_mappings,
               d.attribute_mappings, d.last_sequence, d.created_at, d.updated_at,
               d.xmin::text AS row_version, {user_sql} AS user_row,
               $4::text IS NOT NULL AND EXISTS (
                   SELECT 1 FROM applied_sources s
                   WHERE s.tenant_id = d.tenant_id AND s.directory_id = d.id AND s.source_id = $4
               ) AS source_applied
        FROM directories d WHERE d.tenant_id = $1 AND d.id = $2
        """,
        tenant_id,
        directory_id,
        key,
        source_id,
    )
    if row is None:
        return None
    values = dict(row)
    user_row = values.pop("user_row")
    row_version = values.pop("row_version")
    source_applied = values.pop("source_applied")
    user: UserRow | None = None
    if user_row is not None:
        user = msgspec.convert(user_row, UserRow)
        # row_to_json renders timestamps in the session's time zone; stored rows read as UTC.
        user.created_at = user.created_at.astimezone(UTC)
        user.updated_at = user.updated_at.astimezone(UTC)
    return Snapshot(
        directory=msgspec.convert(values, DirectoryRow),
        row_version=row_version,
        user=user,
        source_applied=source_applied,
    )


def quote(text: str) -> str:
    """A dollar-quoted SQL literal whose tag cannot occur in ``text`` (nor can a NUL)."""
    if "\x00" in text:
        raise ValueError("a NUL cannot be sent in a query")
    while True:
        tag = f"$q{secrets.token_hex(6)}$"
        if tag not in text:
            return f"{tag}{text}{tag}"


async def write(
    conn: Connection,
    snapshot: Snapshot,
    *,
    source_id: str | None,
    insert: dict[str, Any] | None,
    update: dict[str, Any] | None,
    events: list[EventRecord],
    notify_payload: str,
) -> bool:
    """Commit the planned writes if the directory is unchanged since ``snapshot``; False (and
    nothing written) when it changed or a write failed: the caller applies under the lock."""
    directory = snapshot.directory
    document = _encode(
        {
            "tenant_id": directory.tenant_id,
            "directory_id": directory.id,
            "row_version": snapshot.row_version,
            "expected_sequence": directory.last_sequence,
            "last_sequence": events[-1].sequence,
            "source_id": source_id,
            "insert": insert,
            "update": update,
            "events": events,
        }
    ).decode()
    try:
        await conn.execute(
            f"BEGIN; SELECT dirsync_apply_user({quote(document)}::jsonb); COMMIT; "
            f"SELECT pg_notify('dirsync_events', {quote(notify_payload)})"
        )
    except asyncpg.PostgresError:
        if conn.is_in_transaction():  # failed before COMMIT: nothing was written
            await conn.execute("ROLLBACK")
            return False
        return True  # committed; only the NOTIFY failed, and listeners re-read on their own
    return True
