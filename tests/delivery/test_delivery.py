"""End-to-end delivery: real receivers, the in-process worker, every request verified."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import Received, assert_in_order, wait_for


async def test_events_are_delivered_in_order_and_signed(pool, tenant, workers, receivers, endpoints) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    for _ in range(5):
        await append_events(pool, tenant.id, directory_id, 3)
    await wait_for(lambda: len(receiver.delivered()) >= 15, what="15 deliveries")
    assert receiver.delivered_sequences() == list(range(1, 16))
    assert receiver.unverified == []
    first = receiver.delivered()[0]
    assert first.payload["type"] == "user.created"
    assert first.event_id == first.payload["id"]
    assert endpoint["id"].startswith("we_")
    async with pool.acquire() as conn:
        bodies = dict(
            await conn.fetch("SELECT id, body FROM events WHERE tenant_id = $1", tenant.id)  # type: ignore[arg-type]
        )
    assert all(r.body.decode() == bodies[r.event_id] for r in receiver.delivered())


async def test_order_holds_under_retries(pool, tenant, workers, receivers, endpoints) -> None:
    receiver = await receivers()
    tries: Counter[str] = Counter()

    def flaky(request: Received) -> tuple[int, dict[str, str], bytes]:
        tries[request.event_id] += 1
        # Every event fails twice (500, then a connection-level 503 with Retry-After) before it lands.
        if tries[request.event_id] == 1:
            return 500, {}, b"boom"
        if tries[request.event_id] == 2:
            return 503, {"retry-after": "0"}, b""
        return 200, {}, b"ok"

    receiver.behaviour = flaky
    await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    for _ in range(4):
        await append_events(pool, tenant.id, directory_id, 2)
    await wait_for(lambda: len(receiver.delivered()) >= 8, what="8 deliveries")
    assert_in_order(receiver, directory_id, list(range(1, 9)))
    assert all(count == 3 for count in tries.values())


async def test_a_failing_endpoint_does_not_delay_another(pool, tenant, workers, receivers, endpoints) -> None:
    stuck, healthy = await receivers(), await receivers()
    release = asyncio.Event()

    async def hang(_request: Received) -> tuple[int, dict[str, str], bytes]:
        await release.wait()
        return 500, {}, b""

    stuck.behaviour = hang
    stuck_endpoint = await endpoints(tenant, stuck)
    await endpoints(tenant, healthy)
    failing = await receivers()
    failing.behaviour = lambda _r: (500, {}, b"down")
    await endpoints(tenant, failing)
    await workers.start()
    first, second = await make_directory(pool, tenant.id), await make_directory(pool, tenant.id)
    for _ in range(3):
        await append_events(pool, tenant.id, first, 5)
        await append_events(pool, tenant.id, second, 5)
    await wait_for(lambda: len(healthy.delivered()) >= 30, timeout=10, what="healthy endpoint deliveries")
    assert_in_order(healthy, first, list(range(1, 16)))
    assert_in_order(healthy, second, list(range(1, 16)))
    # The stuck endpoint holds exactly one request per directory stream, nothing more.
    assert len(stuck.received) == 2
    release.set()
    await wait_for(lambda: len(stuck.answered) == 2, what="stuck requests answered")
    # Let the two runs record their attempt and re-queue before the worker stops.
    async with pool.acquire() as conn:
        for _ in range(500):
            recorded = await conn.fetchval(
                "SELECT count(*) FROM delivery_attempts WHERE tenant_id = $1 AND endpoint_id = $2",
                tenant.id,
                stuck_endpoint["id"],
            )
            if recorded >= 2:
                break


async def test_give_up_moves_on_and_tells_the_tenant(
    pool, tenant, workers, receivers, endpoints, http
) -> None:
    receiver = await receivers()
    receiver.behaviour = lambda r: (500, {}, b"no" * 1000) if r.sequence == 2 else (204, {}, b"")
    endpoint = await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    events = await append_events(pool, tenant.id, directory_id, 4)
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="3 deliveries")
    assert_in_order(receiver, directory_id, [1, 3, 4])
    failed_id = events[1][0]
    assert sum(r.event_id == failed_id for r in receiver.received) == 4  # first try + 3 retries

    async def all_attempts_logged() -> bool:
        # The receiver sees a request before the worker has written its attempt.
        async with pool.acquire() as conn:
            count = await conn.fetchval(
                "SELECT count(*) FROM delivery_attempts WHERE tenant_id = $1", tenant.id
            )
        return bool(count == 7)

    await wait_for(all_attempts_logged, what="7 attempts logged")

    attempts = await http.get(
        f"/v1/webhook_endpoints/{endpoint['id']}/attempts",
        params={"event_id": failed_id},
        headers=tenant.headers,
    )
    assert attempts.status_code == 200
    rows = attempts.json()["data"]
    assert [r["outcome"] for r in rows] == ["given_up", "retrying", "retrying", "retrying"]
    assert rows[0]["status"] == 500 and rows[0]["attempt"] == 4
    assert len(rows[0]["response_excerpt"]) <= 1024
    assert rows[0]["request_headers"]["webhook-id"] == failed_id
    assert "[redacted]" in rows[0]["request_headers"]["webhook-signature"]
    async with pool.acquire() as conn:
        signal = await conn.fetchrow(
            "SELECT type, body FROM events WHERE tenant_id = $1 AND directory_id IS NULL", tenant.id
        )
    assert signal["type"] == "webhook_endpoint.event_failed"
    assert f'"event_id":"{failed_id}"' in signal["body"]
    page = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}/attempts?limit=2", headers=tenant.headers)
    assert len(page.json()["data"]) == 2 and page.json()["next_cursor"]
    rest = await http.get(
        f"/v1/webhook_endpoints/{endpoint['id']}/attempts",
        params={"cursor": page.json()["next_cursor"]},
        headers=tenant.headers,
    )
    ids = [a["id"] for a in page.json()["data"] + rest.json()["data"]]
    assert len(ids) == len(set(ids)) == 7


async def test_auto_disable_and_resume_from_cursor(pool, tenant, workers, receivers, endpoints, http) -> None:
    receiver = await receivers()
    receiver.behaviour = lambda _r: (500, {}, b"")
    endpoint = await endpoints(tenant, receiver)
    await workers.start(retry_schedule=[0.05] * 50, disable_after=0.3)
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 3)

    async def disabled() -> bool:
        response = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers)
        return response.json()["enabled"] is False

    state = {"disabled": False}

    async def poll() -> None:
        while not state["disabled"]:
            state["disabled"] = await disabled()
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout=10)
    read = (await http.get(f"/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers)).json()
    assert read["disabled_reason"].startswith("failing since")
    async with pool.acquire() as conn:
        types = [
            r["type"]
            for r in await conn.fetch(
                "SELECT type FROM events WHERE tenant_id = $1 AND directory_id IS NULL", tenant.id
            )
        ]
    assert types == ["webhook_endpoint.disabled"]
    tried = len(receiver.received)
    assert tried >= 2 and {r.sequence for r in receiver.received} == {1}

    # Fixed, re-enabled: delivery resumes from the cursor, in order.
    receiver.behaviour = None
    response = await http.patch(
        f"/v1/webhook_endpoints/{endpoint['id']}", json={"enabled": True}, headers=tenant.headers
    )
    assert response.json()["enabled"] is True and response.json()["failing_since"] is None
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="delivery after re-enable")
    assert_in_order(receiver, directory_id, [1, 2, 3])


async def test_a_flood_on_one_stream_yields_to_a_waiting_stream_when_slots_are_full(
    pool, tenant, workers, receivers, endpoints
) -> None:
    receiver = await receivers()
    await endpoints(tenant, receiver)
    # One job slot: the flood's job holds it, so the other stream can only run if the flood yields.
    await workers.start(max_jobs=1, batch_size=5)
    flood = await make_directory(pool, tenant.id, "Flood Inc")
    quiet = await make_directory(pool, tenant.id, "Quiet Ltd")
    flooding, release = receiver.hold(1, flood)
    await append_events(pool, tenant.id, flood, 60)
    await asyncio.wait_for(flooding.wait(), 10)
    await append_events(pool, tenant.id, quiet, 1)  # queued behind the running flood
    release.set()
    await wait_for(lambda: len(receiver.delivered()) >= 61, what="61 deliveries")
    order = [r.payload["directory_id"] for r in receiver.delivered()]
    # The quiet stream ran after one batch of the flood (5 events), not after all 60.
    assert order.index(quiet) <= 10
    assert receiver.delivered_sequences(flood) == list(range(1, 61))
