"""Delivery test data. Directories and events come from the real store (``apply_changes``);
``append_events_sql`` writes events the way the store does (next sequences under the directory
row lock, the exact JSON body, ``pg_notify``) for the benchmark, without the diffing cost."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from app.db import Pool
from app.events import DirectoryUser, UserCreated
from app.ids import new_id
from tests import factories


async def make_directory(pool: Pool, tenant_id: str, name: str = "Acme Corp") -> str:
    """A committed directory made by the real store; returns its id."""
    directory, _token = await factories.make_directory(pool, tenant_id, name=name)
    return directory.id


def user_created(directory_id: str, sequence: int, event_id: str, now: datetime) -> bytes:
    user_id = new_id("du")
    event = UserCreated(
        id=event_id,
        directory_id=directory_id,
        sequence=sequence,
        occurred_at=now,
        recorded_at=now,
        provider="scim",
        data=DirectoryUser(
            id=user_id,
            directory_id=directory_id,
            external_id=f"ext-{sequence}",
            username=f"user{sequence}@example.com",
            emails=(),
            first_name="Ada",
            last_name=f"Number{sequence}",
            display_name=None,
            state="active",
            job_title=None,
            department=None,
            employee_number=None,
            manager_external_id=None,
            groups=(),
            roles=(),
            custom_attributes={},
            raw_attributes={},
            created_at=now,
            updated_at=now,
        ),
    )
    return msgspec.json.encode(event)


async def append_events(
    pool: Pool, tenant_id: str, directory_id: str, count: int = 1
) -> list[tuple[str, int]]:
    """Create ``count`` users in one ``apply_changes`` batch (one commit, ``count`` user.created
    events); returns [(event id, sequence)]."""
    changes = [factories.user_upsert(f"u{new_id('x')[2:].lower()}") for _ in range(count)]
    result = await factories.apply(pool, tenant_id, directory_id, *changes)
    assert len(result.events) == count
    return [(event.id, event.sequence) for event in result.events]  # type: ignore[misc]


async def append_events_sql(
    pool: Pool, tenant_id: str, directory_id: str, count: int = 1
) -> list[tuple[str, int]]:
    """Append ``count`` user.created events in one transaction; returns [(event id, sequence)]."""
    async with pool.acquire() as conn, conn.transaction():
        last = await conn.fetchval(
            "SELECT last_sequence FROM directories WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            tenant_id,
            directory_id,
        )
        now = datetime.now(UTC)
        rows = []
        for sequence in range(last + 1, last + count + 1):
            event_id = new_id("evt")
            rows.append(
                (
                    tenant_id,
                    event_id,
                    directory_id,
                    sequence,
                    "user.created",
                    now,
                    now,
                    user_created(directory_id, sequence, event_id, now).decode(),
                )
            )
        await conn.executemany(
            """
            INSERT INTO events (tenant_id, id, directory_id, sequence, type, occurred_at, recorded_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            rows,
        )
        await conn.execute(
            "UPDATE directories SET last_sequence = $3 WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            directory_id,
            last + count,
        )
        payload = msgspec.json.encode(
            {"tenant_id": tenant_id, "directory_id": directory_id, "sequence": last + count}
        )
        await conn.execute("SELECT pg_notify('dirsync_events', $1)", payload.decode())
    return [(r[1], r[3]) for r in rows]
