"""Waking streams: a committed event starts its stream at once, never waiting for a poll or the sweep."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix
from arq.jobs import Job
from arq.utils import timestamp_ms

from app.delivery.endpoint_cache import EndpointCache
from app.delivery.wake import CommitListener, again_key, begin_run, end_of_run, job_id, kick, kick_all
from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import wait_for

# Neither the queue poll nor the sweep can deliver anything within these tests' deadlines.
NO_POLLING = {"poll_delay": 30.0, "sweep_interval": 60}


@pytest.fixture
async def arq_redis(redis_url: str, redis) -> AsyncIterator[ArqRedis]:
    client = ArqRedis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_commit_starts_its_stream_without_waiting_for_a_poll(
    pool, tenant, workers, receivers, endpoints
) -> None:
    receiver = await receivers()
    await endpoints(tenant, receiver)
    await workers.start(**NO_POLLING)
    directory_id = await make_directory(pool, tenant.id)
    for expected in range(1, 6):
        committed = time.monotonic()
        await append_events(pool, tenant.id, directory_id, 1)
        await wait_for(lambda n=expected: len(receiver.delivered()) >= n, timeout=5, what=f"event {expected}")
        # Far below the 30 s poll and 60 s sweep: only the commit's own wake-up can deliver it.
        assert receiver.delivered()[-1].at - committed < 5
    assert receiver.delivered_sequences() == [1, 2, 3, 4, 5]


async def test_an_event_committed_while_its_stream_job_runs_is_delivered_promptly(
    pool, tenant, workers, receivers, endpoints
) -> None:
    receiver = await receivers()
    in_flight, release = receiver.hold(1)
    await endpoints(tenant, receiver)
    await workers.start(**NO_POLLING)
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 1)
    await asyncio.wait_for(in_flight.wait(), 5)
    await append_events(pool, tenant.id, directory_id, 1)  # the stream's job is mid-request
    release.set()
    await wait_for(lambda: len(receiver.delivered()) >= 2, timeout=5, what="the second event")
    assert receiver.delivered_sequences() == [1, 2]


async def test_a_kick_during_a_run_makes_the_run_look_again(arq_redis: ArqRedis) -> None:
    ids = ("ten_a", "we_a", "dir_a")
    assert await kick(arq_redis, *ids) is True
    await arq_redis.set(in_progress_key_prefix + job_id(*ids), b"1")  # a worker runs it
    await begin_run(arq_redis, *ids)
    assert await kick(arq_redis, *ids) is False  # running: it is told to look again
    assert await end_of_run(arq_redis, *ids) is True
    assert await end_of_run(arq_redis, *ids) is False


async def test_a_kick_as_a_run_ends_queues_a_new_job_once_the_old_one_is_gone(arq_redis: ArqRedis) -> None:
    ids = ("ten_a", "we_a", "dir_a")
    the_id = job_id(*ids)
    await kick(arq_redis, *ids)
    await arq_redis.set(in_progress_key_prefix + the_id, b"1")
    await begin_run(arq_redis, *ids)
    assert await end_of_run(arq_redis, *ids) is False  # the run found nothing more and is ending
    kicking = asyncio.create_task(kick(arq_redis, *ids))  # a commit lands in that moment
    await asyncio.sleep(0.05)
    assert not kicking.done()  # a flag now would never be read: it waits for the job to go
    # What arq does when the job returns, in one transaction as arq does.
    async with arq_redis.pipeline(transaction=True) as finish:
        finish.delete(in_progress_key_prefix + the_id, job_key_prefix + the_id)
        finish.zrem(default_queue_name, the_id)
        await finish.execute()
    assert await asyncio.wait_for(kicking, 2) is True
    assert await arq_redis.exists(job_key_prefix + the_id)
    assert await arq_redis.zscore(default_queue_name, the_id) is not None


async def test_a_kick_pulls_a_deferred_job_forward_but_not_a_running_one(arq_redis: ArqRedis) -> None:
    ids = ("ten_a", "we_a", "dir_a")
    the_id = job_id(*ids)
    later = datetime.now(UTC) + timedelta(hours=1)
    assert await kick(arq_redis, *ids, defer_until=later) is True
    assert await kick(arq_redis, *ids) is True  # waiting in the queue: startable now
    # Now, read the way the kick reads it (arq rounds to the nearest millisecond, so plain
    # time.time() taken a moment later can still be below the score).
    assert (await arq_redis.zscore(default_queue_name, the_id) or 0) <= timestamp_ms()
    await arq_redis.zadd(default_queue_name, {the_id: 1000})
    await arq_redis.set(in_progress_key_prefix + the_id, b"1")
    assert await kick(arq_redis, *ids) is False
    # A running job's score is left alone: arq computes its retry time from it.
    assert await arq_redis.zscore(default_queue_name, the_id) == 1000
    assert await arq_redis.get(again_key(*ids)) == b"1"


async def test_one_kick_for_many_streams_acts_on_each_as_its_own_kick(arq_redis: ArqRedis) -> None:
    fresh, running, deferred = (("ten_a", endpoint, "dir_a") for endpoint in ("we_1", "we_2", "we_3"))
    assert await kick(arq_redis, *deferred, defer_until=datetime.now(UTC) + timedelta(hours=1)) is True
    assert await kick(arq_redis, *running) is True
    await arq_redis.set(in_progress_key_prefix + job_id(*running), b"1")  # a worker runs it

    answers = await kick_all(arq_redis, "ten_a", ["we_1", "we_2", "we_3"], "dir_a")

    assert answers == [True, False, True]
    info = await Job(job_id(*fresh), arq_redis).info()  # queued anew, as arq would have
    assert info is not None
    assert (info.function, info.args) == ("delivery_send", fresh)
    assert await arq_redis.get(again_key(*running)) == b"1"  # it looks again before it ends
    assert (await arq_redis.zscore(default_queue_name, job_id(*deferred)) or 0) <= timestamp_ms()


async def test_a_commit_whose_streams_all_run_here_is_handled_in_memory(
    pool, tenant, receivers, endpoints, arq_redis: ArqRedis
) -> None:
    receiver = await receivers()
    first, second = (await endpoints(tenant, receiver)), (await endpoints(tenant, receiver))
    directory_id = await make_directory(pool, tenant.id)
    cache = EndpointCache()
    cache.reset(live=True)  # as the listener does once it hears endpoint changes
    async with pool.acquire() as conn:  # a first commit made the cache know the directory's endpoints
        assert sorted(await cache.directory_endpoints(conn, tenant.id, directory_id)) == sorted(
            [first["id"], second["id"]]
        )
    running_here = {first["id"], second["id"]}
    nudged: list[str] = []

    def nudge(tenant_id: str, endpoint_id: str, stream_id: str) -> bool:
        assert (tenant_id, stream_id) == (tenant.id, directory_id)
        nudged.append(endpoint_id)
        return endpoint_id in running_here

    listener = CommitListener(pool, arq_redis, "postgresql://unused", nudge=nudge, cache=cache)
    commit = f'{{"tenant_id": "{tenant.id}", "directory_id": "{directory_id}"}}'
    listener._on_notify(None, 0, "dirsync_events", commit)
    # Both runs woken on the spot: no task, no Postgres, no Redis.
    assert sorted(nudged) == sorted(running_here)
    assert listener._tasks == set()
    assert await arq_redis.exists(job_key_prefix + job_id(tenant.id, first["id"], directory_id)) == 0

    # One run has ended: the commit goes the long way, and that stream's job is queued.
    running_here.discard(second["id"])
    nudged.clear()
    listener._on_notify(None, 0, "dirsync_events", commit)
    assert len(listener._tasks) == 1
    await asyncio.gather(*listener._tasks)
    assert await arq_redis.exists(job_key_prefix + job_id(tenant.id, second["id"], directory_id)) == 1
    assert await arq_redis.exists(job_key_prefix + job_id(tenant.id, first["id"], directory_id)) == 0


async def a_lingering_run(
    pool, tenant, workers, receivers, endpoints, *, linger: float
) -> tuple[Any, dict[str, Any], Any, str]:
    """One endpoint, one directory, event 1 delivered: the run now lingers for the next commit.

    Returns (receiver, endpoint, worker, directory_id).
    """
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    worker = await workers.start(**NO_POLLING, linger_seconds=linger, lease_seconds=30.0)
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 1)
    await wait_for(lambda: len(receiver.delivered()) >= 1, timeout=5, what="event 1")
    return receiver, endpoint, worker, directory_id


async def test_a_drained_stream_lingers_and_takes_the_next_commit_in_the_same_job(
    pool, tenant, workers, receivers, endpoints
) -> None:
    receiver, _, worker, directory_id = await a_lingering_run(
        pool, tenant, workers, receivers, endpoints, linger=2.0
    )
    assert worker.jobs_complete == 0  # drained, but still waiting for the next commit
    await append_events(pool, tenant.id, directory_id, 1)
    await wait_for(lambda: len(receiver.delivered()) >= 2, timeout=5, what="event 2")
    # The commit woke the lingering run in process: no second job ran or even finished.
    assert worker.jobs_complete == 0
    assert receiver.delivered_sequences() == [1, 2]
    # With nothing more to send the job ends after its linger, and the lease is released.
    await wait_for(lambda: worker.jobs_complete == 1, timeout=5, what="the job to end")
    async with pool.acquire() as conn:
        lease = await conn.fetchval(
            "SELECT lease_token FROM webhook_streams WHERE tenant_id = $1 AND id = $2",
            tenant.id,
            directory_id,
        )
    assert lease is None
    await append_events(pool, tenant.id, directory_id, 1)  # and a later commit starts a new job
    await wait_for(lambda: len(receiver.delivered()) >= 3, timeout=5, what="event 3")
    assert receiver.delivered_sequences() == [1, 2, 3]


async def test_an_endpoint_change_reaches_a_lingering_run_before_the_next_commit(
    pool, tenant, workers, receivers, endpoints, http
) -> None:
    receiver, endpoint, worker, directory_id = await a_lingering_run(
        pool, tenant, workers, receivers, endpoints, linger=5.0
    )
    assert worker.jobs_complete == 0  # the run is lingering with the endpoint it read
    rotated = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/secret/rotate",
        params={"overlap_seconds": 0},
        headers=tenant.headers,
    )
    receiver.secrets = [rotated.json()["secret"]]  # the old secret no longer verifies
    await append_events(pool, tenant.id, directory_id, 1)
    await wait_for(lambda: len(receiver.received) >= 2, timeout=5, what="event 2")
    assert worker.jobs_complete == 0  # the same run sent it...
    assert receiver.unverified == []  # ...signed with the new secret only
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1


async def test_a_job_for_a_deleted_endpoint_ends_at_once(tenant, workers, arq_redis) -> None:
    # Queued before its endpoint was deleted: the run finds neither stream nor endpoint.
    the_id = job_id(tenant.id, "we_gone", "dir_gone")
    await arq_redis.enqueue_job("delivery_send", tenant.id, "we_gone", "dir_gone", _job_id=the_id)
    worker = await workers.start(**NO_POLLING)
    await worker.start_jobs([the_id.encode()])
    await wait_for(lambda: worker.jobs_complete + worker.jobs_retried >= 1, timeout=5, what="the job")
    assert (worker.jobs_complete, worker.jobs_retried) == (1, 0)
    assert not await arq_redis.exists(again_key(tenant.id, "we_gone", "dir_gone"))


async def test_a_graceful_shutdown_releases_the_leases_of_lingering_runs(
    pool, tenant, workers, receivers, endpoints
) -> None:
    _, _, worker, directory_id = await a_lingering_run(
        pool, tenant, workers, receivers, endpoints, linger=5.0
    )

    async def lease() -> str | None:
        async with pool.acquire() as conn:
            return await conn.fetchval(
                "SELECT lease_token FROM webhook_streams WHERE tenant_id = $1 AND id = $2",
                tenant.id,
                directory_id,
            )

    assert await lease() is not None  # the run lingers, holding its stream
    entry = next(e for e in workers.running if e[0] is worker)
    workers.running.remove(entry)
    worker.handle_sig(signal.SIGTERM)  # what `dirsync worker` does on SIGTERM
    await worker.close()
    # Released at once: another worker can take the stream now, not after the 30 s lease.
    assert await lease() is None
