"""The per-endpoint in-flight limit: never more than its size, first come first served."""

from __future__ import annotations

import asyncio

import pytest

from app.delivery.engine import _Slots


async def test_slots_never_exceed_their_size_and_pass_on_in_arrival_order() -> None:
    slots = _Slots(2)
    assert slots.take_now() and slots.take_now()
    assert not slots.take_now()
    order: list[str] = []

    async def wait(name: str) -> None:
        assert await slots.take(timeout=5)
        order.append(name)

    first = asyncio.create_task(wait("first"))
    await asyncio.sleep(0)
    second = asyncio.create_task(wait("second"))
    await asyncio.sleep(0)
    assert not slots.take_now()  # waiters are ahead of a newcomer
    slots.give_back()
    await first
    assert order == ["first"]
    slots.give_back()
    await second
    assert order == ["first", "second"]
    slots.give_back()
    slots.give_back()
    assert slots.free == 2 and not slots.waiters


async def test_a_wait_that_times_out_takes_nothing() -> None:
    slots = _Slots(1)
    assert slots.take_now()
    assert await slots.take(timeout=0.01) is False
    assert not slots.waiters
    slots.give_back()
    assert slots.free == 1


async def test_a_waiter_cancelled_after_being_handed_a_slot_passes_it_on() -> None:
    slots = _Slots(1)
    assert slots.take_now()
    waiting = asyncio.create_task(slots.take(timeout=5))
    await asyncio.sleep(0)
    slots.give_back()  # handed to the waiter...
    waiting.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert slots.free == 1
