"""Tenant-level signals by webhook, /metrics figures, and the directory purge gate."""

from __future__ import annotations

from app.delivery import directory_events_delivered
from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import wait_for


async def test_signals_reach_endpoints_that_subscribe(pool, tenant, workers, receivers, endpoints) -> None:
    broken, watcher = await receivers(), await receivers()
    broken.behaviour = lambda _r: (500, {}, b"")
    broken_endpoint = await endpoints(tenant, broken)
    await endpoints(
        tenant, watcher, event_types=["webhook_endpoint.event_failed", "webhook_endpoint.disabled"]
    )
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    events = await append_events(pool, tenant.id, directory_id, 1)
    await wait_for(lambda: len(watcher.delivered()) >= 1, what="event_failed signal")
    signal = watcher.delivered()[0].payload
    assert signal["type"] == "webhook_endpoint.event_failed"
    assert signal["data"]["event_id"] == events[0][0]
    assert signal["data"]["endpoint"]["id"] == broken_endpoint["id"]
    assert signal["data"]["attempts"] == 4
    assert watcher.unverified == []
    # The watcher subscribed to signals only: it never got the directory event itself.
    assert all(r.payload["type"].startswith("webhook_endpoint.") for r in watcher.received)


async def test_metrics_report_deliveries_failures_and_lag(
    pool, tenant, workers, receivers, endpoints, http
) -> None:
    good, bad = await receivers(), await receivers()
    bad.behaviour = lambda _r: (500, {}, b"")
    good_endpoint = await endpoints(tenant, good)
    bad_endpoint = await endpoints(tenant, bad)
    await workers.start(retry_schedule=[60])
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 3)
    await wait_for(lambda: len(good.delivered()) >= 3 and len(bad.received) >= 1, what="attempts")
    labels_good = f'endpoint_id="{good_endpoint["id"]}",tenant_id="{tenant.id}"'
    labels_bad = f'endpoint_id="{bad_endpoint["id"]}",tenant_id="{tenant.id}"'
    wanted = [
        f"dirsync_webhook_failures_total{{{labels_bad}}} 1.0",
        f"dirsync_webhook_deliveries_total{{{labels_good}}} 3.0",
        f"dirsync_webhook_latency_seconds_count{{{labels_good}}} 3.0",
        f"dirsync_webhook_stream_lag_seconds{{{labels_good}}} 0.0",
    ]
    text = ""
    for _ in range(200):  # the worker records an attempt just after the receiver answers
        text = (await http.get("/metrics")).text
        if all(line in text for line in wanted):
            break
    assert all(line in text for line in wanted), [line for line in wanted if line not in text]
    lag_line = next(
        line
        for line in text.splitlines()
        if line.startswith("dirsync_webhook_stream_lag_seconds") and bad_endpoint["id"] in line
    )
    assert float(lag_line.rsplit(" ", 1)[1]) > 0


async def test_directory_events_delivered_gate(pool, tenant, workers, receivers, endpoints) -> None:
    receiver = await receivers()
    await endpoints(tenant, receiver)
    directory_id = await make_directory(pool, tenant.id)
    async with pool.acquire() as conn:
        assert await directory_events_delivered(conn, tenant.id, directory_id)
    await append_events(pool, tenant.id, directory_id, 3)
    async with pool.acquire() as conn:
        assert not await directory_events_delivered(conn, tenant.id, directory_id)
    await workers.start()
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="deliveries")
    delivered = False
    for _ in range(200):
        async with pool.acquire() as conn:
            delivered = await directory_events_delivered(conn, tenant.id, directory_id)
        if delivered:
            break
    assert delivered
