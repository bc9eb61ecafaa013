"""An endpoint's max_rate: requests never closer than 1 / max_rate apart, across worker processes."""

from __future__ import annotations

import itertools
import time

from redis.asyncio import Redis

from app.delivery.rate import RateLimits
from app.embedded import free_port
from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import wait_for


async def test_two_workers_share_one_schedule_per_endpoint(redis) -> None:
    # Two processes' limiters on the same Redis: their reservations interleave on one schedule.
    first, second = RateLimits(redis), RateLimits(redis)
    for limits in (first, second):  # connections open and the script loaded before timing
        await limits.reserve("ten_warm", "we_warm", 20, max_wait=0.0)
    # When each request may go, on our clock: Redis read its clock between ``before`` and
    # ``after``, so the slot lies within half the round trip of the midpoint.
    slots: list[tuple[float, float]] = []
    for n in range(10):
        limits = first if n % 2 else second
        before = time.monotonic()
        reserved, wait = await limits.reserve("ten_a", "we_a", 20, max_wait=2.0)
        after = time.monotonic()
        assert reserved
        slots.append(((before + after) / 2 + wait, (after - before) / 2))
    gaps = [(b - a, ea + eb) for (a, ea), (b, eb) in itertools.pairwise(slots)]
    assert all(abs(gap - 0.05) < 0.003 + error for gap, error in gaps), gaps  # one slot every 50 ms
    # A slot further away than the caller waits is not taken; the next caller gets it.
    reserved, wait = await first.reserve("ten_a", "we_a", 20, max_wait=0.1)
    assert not reserved and 0.4 < wait <= 0.5
    reserved, wait_next = await second.reserve("ten_a", "we_a", 20, max_wait=2.0)
    assert reserved and abs(wait_next - wait) < 0.01
    # Other endpoints and other tenants have schedules of their own.
    assert await first.reserve("ten_a", "we_b", 20, max_wait=0.0) == (True, 0.0)
    assert await first.reserve("ten_b", "we_a", 20, max_wait=0.0) == (True, 0.0)


async def test_without_redis_each_process_keeps_a_token_bucket() -> None:
    limits = RateLimits(None)
    waits = [(await limits.reserve("ten_a", "we_a", 10, max_wait=1.0))[1] for _ in range(12)]
    assert waits[:10] == [0.0] * 10  # a second's worth at once
    assert 0.09 < waits[10] < 0.11 and 0.19 < waits[11] < 0.21  # then one every 100 ms
    assert (await limits.reserve("ten_a", "we_a", 10, max_wait=0.1))[0] is False


async def test_an_unreachable_redis_falls_back_to_the_process_bucket() -> None:
    unreachable = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        limits = RateLimits(unreachable)
        # At 1/s: each failed connection attempt takes a few milliseconds, which refill a 5/s
        # bucket noticeably on a slow machine; a second's wait leaves room for them.
        waits = [(await limits.reserve("ten_a", "we_a", 1, max_wait=2.0))[1] for _ in range(2)]
    finally:
        await unreachable.aclose()
    assert waits[0] == 0.0 and 0.9 < waits[1] <= 1.0  # deliveries go on, paced per process


async def test_an_endpoint_with_max_rate_is_paced_across_its_streams(
    pool, tenant, workers, receivers, endpoints
) -> None:
    receiver = await receivers()
    await endpoints(tenant, receiver, max_rate=10)
    await workers.start()
    directories = [await make_directory(pool, tenant.id) for _ in range(3)]
    for directory_id in directories:  # three streams that would otherwise send at once
        await append_events(pool, tenant.id, directory_id, 4)
    await wait_for(lambda: len(receiver.delivered()) >= 12, timeout=10, what="12 deliveries")
    arrivals = sorted(r.at for r in receiver.received)
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) > 0.07, gaps  # 10/s: 100 ms apart, whichever stream sends
    for directory_id in directories:
        assert receiver.delivered_sequences(directory_id) == [1, 2, 3, 4]
    assert receiver.unverified == []
