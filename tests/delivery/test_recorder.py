"""Group commit of delivered attempts: many streams in one statement, each still lease-checked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec

from app.delivery.recorder import DeliveryRecorder
from app.store import delivery as delivery_store
from app.store.delivery import Delivered, StreamRow
from tests.delivery.factories import append_events_sql, make_directory


class CountingPool:
    """The pool, counting how many connections were taken (one per statement here)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.acquired = 0

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        self.acquired += 1
        async with self.pool.acquire() as conn:
            yield conn


async def claimed_streams(pool, tenant_id: str, directory_id: str) -> list[tuple[StreamRow, str]]:
    async with pool.acquire() as conn:
        endpoint_ids = await delivery_store.ensure_directory_streams(conn, tenant_id, directory_id)
        claimed = []
        for endpoint_id in sorted(endpoint_ids):
            token = f"token-{endpoint_id}"
            stream = await delivery_store.claim_stream(
                conn, tenant_id, endpoint_id, directory_id, token=token, lease_seconds=60
            )
            assert stream is not None
            claimed.append((stream, token))
        return claimed


def delivered(stream: StreamRow, event: delivery_store.EventRow, token: str) -> Delivered:
    return Delivered(
        stream=stream,
        event=event,
        token=token,
        attempt=1,
        status=204,
        latency_ms=3.5,
        response_excerpt="",
        request_headers=msgspec.json.encode({"webhook-id": event.id}).decode(),
    )


async def test_deliveries_of_concurrent_streams_are_written_in_one_statement(
    pool, tenant, receivers, endpoints
) -> None:
    for _ in range(3):
        await endpoints(tenant, await receivers())
    directory_id = await make_directory(pool, tenant.id)
    await append_events_sql(pool, tenant.id, directory_id, 2)
    claimed = await claimed_streams(pool, tenant.id, directory_id)
    assert len(claimed) == 3
    async with pool.acquire() as conn:
        heads = [(await delivery_store.next_events(conn, stream, 1))[0] for stream, _ in claimed]
    # One stream's lease was taken over by another run: its row must not be written.
    lost_stream, _ = claimed[1]
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE webhook_streams SET lease_token = 'someone-else'"
            " WHERE tenant_id = $1 AND endpoint_id = $2",
            tenant.id,
            lost_stream.endpoint_id,
        )
    counting = CountingPool(pool)
    recorder = DeliveryRecorder(counting, lease_seconds=60)  # type: ignore[arg-type]

    written = await asyncio.gather(
        *(
            recorder.record(delivered(stream, event, token))
            for (stream, token), event in zip(claimed, heads, strict=True)
        )
    )

    assert written == [True, False, True]
    assert counting.acquired == 1  # three streams, one round trip
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT s.endpoint_id, s.cursor, s.delivered_total, s.latency_buckets[1] AS fast,
                   (SELECT count(*) FROM delivery_attempts a
                    WHERE a.tenant_id = s.tenant_id AND a.endpoint_id = s.endpoint_id
                      AND a.outcome = 'delivered' AND a.status = 204 AND a.attempt = 1
                      AND a.request_headers ? 'webhook-id') AS attempts
            FROM webhook_streams s WHERE s.tenant_id = $1 ORDER BY s.endpoint_id
            """,
            tenant.id,
        )
    assert [(r["cursor"], r["delivered_total"], r["fast"], r["attempts"]) for r in rows] == [
        (1, 1, 1, 1),
        (0, 0, 0, 0),  # the lost lease: no attempt row, cursor where it was
        (1, 1, 1, 1),
    ]


async def test_a_write_failure_reaches_every_waiting_stream_and_the_next_batch_still_runs(
    pool, tenant, receivers, endpoints
) -> None:
    await endpoints(tenant, await receivers())
    directory_id = await make_directory(pool, tenant.id)
    await append_events_sql(pool, tenant.id, directory_id, 1)
    [(stream, token)] = await claimed_streams(pool, tenant.id, directory_id)
    async with pool.acquire() as conn:
        [event] = await delivery_store.next_events(conn, stream, 1)
    recorder = DeliveryRecorder(pool, lease_seconds=60)
    bad = delivered(stream, event, token)
    bad = Delivered(**{**{f: getattr(bad, f) for f in bad.__struct_fields__}, "request_headers": "not json"})

    results = await asyncio.gather(recorder.record(bad), return_exceptions=True)

    assert isinstance(results[0], Exception)
    assert await recorder.record(delivered(stream, event, token)) is True
    async with pool.acquire() as conn:
        count = await conn.fetchval("SELECT count(*) FROM delivery_attempts WHERE tenant_id = $1", tenant.id)
    assert count == 1
