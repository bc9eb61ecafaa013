"""Seed directories and events straight into Postgres (bulk SQL), with real envelope bodies.

Used by the relay tests for volume and by bench/kafka_relay.py; the end-to-end test goes through
the directory store instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from app.db import Connection
from app.events import (
    DirectoryUser,
    FailedDelivery,
    UserCreated,
    WebhookEndpointEventFailed,
    WebhookEndpointSummary,
)
from app.ids import new_id

_encode = msgspec.json.Encoder().encode


async def make_directory(conn: Connection, tenant_id: str, name: str = "Seeded") -> str:
    directory_id = new_id("dir")
    await conn.execute(
        "INSERT INTO directories (tenant_id, id, name, provider) VALUES ($1, $2, $3, 'scim')",
        tenant_id,
        directory_id,
        name,
    )
    return directory_id


def user_created_body(directory_id: str, sequence: int, now: datetime) -> tuple[str, bytes]:
    event_id = new_id("evt")
    user = DirectoryUser(
        id=new_id("du"),
        directory_id=directory_id,
        external_id=f"ext-{sequence}",
        username=f"user{sequence}@example.com",
        emails=(),
        first_name="User",
        last_name=str(sequence),
        display_name=None,
        state="active",
        job_title="Engineer",
        department="R&D",
        employee_number=str(sequence),
        manager_external_id=None,
        groups=(),
        roles=(),
        custom_attributes={},
        raw_attributes={"title": "Engineer"},
        created_at=now,
        updated_at=now,
    )
    event = UserCreated(
        id=event_id,
        directory_id=directory_id,
        sequence=sequence,
        occurred_at=now,
        recorded_at=now,
        provider="scim",
        data=user,
    )
    return event_id, _encode(event)


async def append_events(conn: Connection, tenant_id: str, directory_id: str, count: int) -> list[str]:
    """Append ``count`` user.created events after the directory's last sequence, in one transaction."""
    now = datetime.now(UTC)
    async with conn.transaction():
        last = await conn.fetchval(
            """
            UPDATE directories SET last_sequence = last_sequence + $3
            WHERE tenant_id = $1 AND id = $2 RETURNING last_sequence - $3
            """,
            tenant_id,
            directory_id,
            count,
        )
        records = []
        ids = []
        for sequence in range(last + 1, last + count + 1):
            event_id, body = user_created_body(directory_id, sequence, now)
            ids.append(event_id)
            records.append((tenant_id, event_id, directory_id, sequence, "user.created", now, body.decode()))
        await conn.copy_records_to_table(
            "events",
            records=records,
            columns=["tenant_id", "id", "directory_id", "sequence", "type", "occurred_at", "body"],
        )
        await conn.execute("SELECT pg_notify('dirsync_events', $1)", tenant_id)
    return ids


async def append_tenant_signal(conn: Connection, tenant_id: str) -> str:
    """A tenant-level event (no directory, no sequence)."""
    now = datetime.now(UTC)
    endpoint = WebhookEndpointSummary(id=new_id("we"), url="https://example.com/hook", enabled=True)
    event = WebhookEndpointEventFailed(
        id=new_id("evt"),
        occurred_at=now,
        recorded_at=now,
        data=FailedDelivery(
            endpoint=endpoint,
            event_id=new_id("evt"),
            directory_id=None,
            sequence=None,
            attempts=8,
            last_status=500,
            last_error=None,
        ),
    )
    await conn.execute(
        """
        INSERT INTO events (tenant_id, id, type, occurred_at, body) VALUES ($1, $2, $3, $4, $5);
        """,
        tenant_id,
        event.id,
        "webhook_endpoint.event_failed",
        now,
        _encode(event).decode(),
    )
    await conn.execute("SELECT pg_notify('dirsync_events', $1)", tenant_id)
    return event.id
