from __future__ import annotations

from arq.connections import ArqRedis

from app.settings import Settings
from app.worker.settings import worker_settings
from tests.conftest import eventually
from tests.kafka.conftest import kafka_settings
from tests.kafka_broker import TansuBroker


async def test_worker_runs_the_relay_only_when_kafka_is_configured(
    settings: Settings, kafka_broker: TansuBroker, topic: str, redis
) -> None:
    # arq puts its Redis client in ctx before on_startup; the delivery listener needs it.
    queue = ArqRedis(connection_pool=redis.connection_pool)
    ctx: dict = {"redis": queue}
    options = worker_settings(settings)
    await options["on_startup"](ctx)
    assert ctx["kafka_relay"] is None
    await options["on_shutdown"](ctx)

    ctx = {"redis": queue}
    options = worker_settings(kafka_settings(settings, kafka_broker.bootstrap_servers, topic))
    await options["on_startup"](ctx)
    relay = ctx["kafka_relay"]
    try:
        await eventually(lambda: relay.state == "active", timeout=15)
    finally:
        await options["on_shutdown"](ctx)
    assert relay.state == "stopped"
