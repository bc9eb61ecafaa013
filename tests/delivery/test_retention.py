"""Attempt log retention: attempts older than the cutoff go, newer ones stay."""

from __future__ import annotations

import time

from app.ids import id_floor, new_id
from app.store import delivery as delivery_store


async def insert_attempt(pool, tenant_id: str, endpoint_id: str, attempt_id: str) -> None:
    async with pool.acquire() as conn:
        await conn.execute(
            """
            INSERT INTO delivery_attempts
                (tenant_id, id, endpoint_id, event_id, event_type, attempt, latency_ms, outcome)
            VALUES ($1, $2, $3, 'evt_x', 'user.created', 1, 1.0, 'delivered')
            """,
            tenant_id,
            attempt_id,
            endpoint_id,
        )


async def test_attempts_older_than_the_retention_are_deleted(pool, tenant, receivers, endpoints) -> None:
    endpoint = await endpoints(tenant, await receivers())
    day_ms = 86_400_000
    now_ms = int(time.time() * 1000)
    # Ids carry their creation time: one from 31 days ago, one from 29 days ago, one from now.
    old = id_floor("att", now_ms - 31 * day_ms)[:-1] + "1"
    recent = id_floor("att", now_ms - 29 * day_ms)[:-1] + "1"
    fresh = new_id("att")
    for attempt_id in (old, recent, fresh):
        await insert_attempt(pool, tenant.id, endpoint["id"], attempt_id)

    async with pool.acquire() as conn:
        removed = await delivery_store.delete_old_attempts(conn, older_than_days=30)
        left = await conn.fetch(
            "SELECT id FROM delivery_attempts WHERE tenant_id = $1 ORDER BY id", tenant.id
        )

    assert removed >= 1
    assert [r["id"] for r in left] == [recent, fresh]


async def test_deleting_an_endpoint_deletes_its_attempts(pool, tenant, receivers, endpoints, http) -> None:
    kept = await endpoints(tenant, await receivers())
    deleted = await endpoints(tenant, await receivers())
    for endpoint in (kept, deleted):
        await insert_attempt(pool, tenant.id, endpoint["id"], new_id("att"))

    response = await http.delete(f"/v1/webhook_endpoints/{deleted['id']}", headers=tenant.headers)

    assert response.status_code == 204
    async with pool.acquire() as conn:
        left = await conn.fetch("SELECT endpoint_id FROM delivery_attempts WHERE tenant_id = $1", tenant.id)
    assert [r["endpoint_id"] for r in left] == [kept["id"]]
