from __future__ import annotations

import re

import httpx

from app.settings import Settings
from tests.conftest import LiveServer, eventually, make_tenant
from tests.kafka.conftest import kafka_settings
from tests.kafka.seed import append_events, make_directory
from tests.kafka_broker import TansuBroker


def gauge(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} missing from /metrics"
    return float(match.group(1))


async def test_relay_lag_is_exposed_at_metrics(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    config = kafka_settings(settings, kafka_broker.bootstrap_servers, topic)
    tenant = await make_tenant(pool)
    async with pool.acquire() as conn:
        directory_id = await make_directory(conn, tenant.id)
        await append_events(conn, tenant.id, directory_id, 25)
    server = LiveServer(config)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:

            async def scrape() -> str:
                response = await client.get("/metrics")
                assert response.status_code == 200
                return response.text

            # No relay has run under the default cursor yet: everything is behind.
            text = await scrape()
            assert gauge(text, "dirsync_kafka_relay_lag_events") >= 25
            assert gauge(text, "dirsync_kafka_relay_lag_seconds") > 0

            await relays(config, name="default")

            async def caught_up() -> bool:
                text = await scrape()
                return gauge(text, "dirsync_kafka_relay_lag_events") == 0

            await eventually(caught_up, timeout=30)
            text = await scrape()
            assert gauge(text, "dirsync_kafka_relay_lag_seconds") == 0
            assert gauge(text, "dirsync_kafka_relay_relayed_events") >= 25
            assert gauge(text, "dirsync_kafka_relay_cursor_updated_timestamp_seconds") > 0
    finally:
        await server.stop()


async def test_metrics_has_no_relay_lag_without_kafka(http: httpx.AsyncClient) -> None:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert "dirsync_kafka_relay" not in response.text
