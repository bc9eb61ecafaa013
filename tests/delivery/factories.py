"""Directory and event rows written with SQL, the way the store writes them (until tests can
use ``apply_changes`` for everything): events get the directory's next sequences under its row
lock, the exact JSON body, and a ``pg_notify`` on commit."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from app.db import Pool
from app.events import DirectoryUser, UserCreated
from app.ids import new_id


async def make_directory(pool: Pool, tenant_id: str, name: str = "Acme Corp") -> str:
    directory_id = new_id("dir")
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO directories (tenant_id, id, name, provider) VALUES ($1, $2, $3, 'scim')",
            tenant_id,
            directory_id,
            name,
        )
    return directory_id


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
