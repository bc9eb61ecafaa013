"""Group read: the next events of many directory streams in one statement, shared by cursor."""

from __future__ import annotations

import asyncio

import pytest

from app.delivery.reader import EventReader
from tests.conftest import make_tenant
from tests.delivery.factories import append_events_sql, make_directory
from tests.delivery.test_recorder import CountingPool


async def test_reads_of_concurrent_streams_go_out_in_one_statement(pool, tenant) -> None:
    first = await make_directory(pool, tenant.id)
    second = await make_directory(pool, tenant.id)
    first_events = await append_events_sql(pool, tenant.id, first, 5)
    second_events = await append_events_sql(pool, tenant.id, second, 2)
    intruder = await make_tenant(pool)  # another tenant naming this tenant's directory
    counting = CountingPool(pool)
    reader = EventReader(counting, limit=3)  # type: ignore[arg-type]

    answers = await asyncio.gather(
        reader.read(tenant.id, first, 0),
        reader.read(tenant.id, first, 0),  # the same cursor: one answer for both
        reader.read(tenant.id, first, 3),
        reader.read(tenant.id, second, 0),
        reader.read(tenant.id, second, 2),
        reader.read(intruder.id, first, 0),
    )

    assert counting.acquired == 1
    ids = [[(e.id, e.sequence) for e in events] for events in answers]
    assert (
        ids
        == [
            first_events[:3],  # up to the limit, in sequence order
            first_events[:3],
            first_events[3:],
            second_events,
            [],  # drained
            [],  # tenants never see each other's events
        ]
    )
    assert answers[0] is answers[1]


async def test_a_cancelled_reader_does_not_cancel_another_waiting_for_the_same_events(pool, tenant) -> None:
    directory_id = await make_directory(pool, tenant.id)
    events = await append_events_sql(pool, tenant.id, directory_id, 2)
    reader = EventReader(pool, limit=10)
    gone = asyncio.create_task(reader.read(tenant.id, directory_id, 0))
    staying = asyncio.create_task(reader.read(tenant.id, directory_id, 0))
    await asyncio.sleep(0)  # both are waiting for the same read

    gone.cancel()

    assert [(e.id, e.sequence) for e in await staying] == events
    with pytest.raises(asyncio.CancelledError):
        await gone


async def test_a_read_failure_reaches_every_waiting_stream_and_the_next_read_still_runs(pool, tenant) -> None:
    directory_id = await make_directory(pool, tenant.id)
    events = await append_events_sql(pool, tenant.id, directory_id, 1)
    reader = EventReader(pool, limit=10)

    results = await asyncio.gather(
        reader.read(tenant.id, directory_id, "not a cursor"),  # type: ignore[arg-type]
        reader.read(tenant.id, directory_id, 0),
        return_exceptions=True,
    )

    assert all(isinstance(result, Exception) for result in results)  # one statement, both fail
    assert [(e.id, e.sequence) for e in await reader.read(tenant.id, directory_id, 0)] == events
