"""Nothing lost: a flushed Redis, a worker killed mid-request and cut Postgres connections still
deliver every event in order."""

from __future__ import annotations

import asyncio

from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import wait_for


def first_receipts(receiver, directory_id: str) -> list[int]:
    seen: list[int] = []
    for received in receiver.delivered():
        if received.payload["directory_id"] == directory_id and received.sequence not in seen:
            seen.append(received.sequence)
    return seen


async def test_redis_flushed_mid_stream_loses_nothing(
    pool, tenant, workers, receivers, endpoints, redis
) -> None:
    receiver = await receivers()
    hold, flushed = receiver.hold(5)  # Redis is flushed while this request is in flight
    await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 10)
    await asyncio.wait_for(hold.wait(), 10)
    await redis.flushdb()  # every job, retry and in-progress marker is gone
    flushed.set()
    await append_events(pool, tenant.id, directory_id, 5)
    await wait_for(
        lambda: len(first_receipts(receiver, directory_id)) >= 15, timeout=20, what="all 15 events"
    )
    assert first_receipts(receiver, directory_id) == list(range(1, 16))
    assert receiver.unverified == []


async def test_worker_killed_mid_delivery_loses_nothing(
    pool, tenant, workers, receivers, endpoints, redis
) -> None:
    receiver = await receivers()
    in_flight, killed = receiver.hold(3)  # the dead worker never reads this answer
    await endpoints(tenant, receiver)
    worker = await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 6)
    await asyncio.wait_for(in_flight.wait(), 10)
    await workers.stop(worker)  # cancelled in the middle of the request for event 3
    await redis.flushdb()  # and its queue is gone too
    killed.set()
    await append_events(pool, tenant.id, directory_id, 2)
    await workers.start()
    await wait_for(lambda: len(first_receipts(receiver, directory_id)) >= 8, timeout=20, what="all 8 events")
    assert first_receipts(receiver, directory_id) == list(range(1, 9))
    # Event 3 may arrive twice, with the same webhook-id; nothing arrives out of order.
    sequences = [r.sequence for r in receiver.received if r.payload["directory_id"] == directory_id]
    assert sequences == sorted(sequences)
    ids_of_3 = {r.event_id for r in receiver.received if r.sequence == 3}
    assert len(ids_of_3) == 1
    assert receiver.unverified == []


async def test_postgres_connections_dropped_mid_delivery_lose_nothing(
    pool, tenant, workers, receivers, endpoints
) -> None:
    """What a Postgres restart looks like from the worker: every connection it has (its pool and
    its LISTEN connection) is cut while a request is in flight."""
    receiver = await receivers()
    in_flight, cut = receiver.hold(4)  # the delivery of event 4 will be recorded on a dead connection
    await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 6)
    await asyncio.wait_for(in_flight.wait(), 10)
    async with pool.acquire() as conn:
        # This xdist worker's own database: only this test process's connections are in it.
        gone = await conn.fetchval(
            "SELECT array_agg(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert len(gone) >= 2  # at least the worker's pool and its listener
        await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", gone)

        async def ended() -> bool:
            still = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY ($1)", gone)
            return bool(still == 0)

        await wait_for(ended, what="the cut connections' server processes to end")
    cut.set()
    # Commits after the cut reach the worker through its new LISTEN connection or the sweep.
    await append_events(pool, tenant.id, directory_id, 3)
    await wait_for(lambda: len(first_receipts(receiver, directory_id)) >= 9, timeout=20, what="all 9 events")
    assert first_receipts(receiver, directory_id) == list(range(1, 10))
    sequences = [r.sequence for r in receiver.received if r.payload["directory_id"] == directory_id]
    assert sequences == sorted(sequences)  # event 4 may come twice, never out of order
    assert receiver.unverified == []
