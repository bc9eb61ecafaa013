from __future__ import annotations

import gc
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from app.kafka import KafkaRelay
from app.settings import Settings
from tests.conftest import eventually
from tests.kafka_broker import TansuBroker


@pytest.fixture(autouse=True)
def no_unclosed_resources() -> Iterator[None]:
    """Fail the Kafka test that leaves a client, a connection or a socket unclosed.

    Caught in a reference cycle, such an object warns (ResourceWarning) only when the garbage
    collector next runs, in some unrelated test of the same worker; collecting here blames the test
    that leaked it.
    """
    yield
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not unclosed, f"left unclosed by this test: {unclosed}"


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[TansuBroker]:
    broker = TansuBroker()
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def topic() -> str:
    return f"test.{uuid.uuid4().hex[:12]}"


def kafka_settings(settings: Settings, bootstrap: str, topic: str, **kafka: Any) -> Settings:
    """The session settings with the Kafka group filled in (small batches so tests see many waves)."""
    import msgspec

    values = msgspec.to_builtins(settings)
    values["kafka"] = {
        "bootstrap_servers": bootstrap,
        "topic": topic,
        "partitions": 3,
        "batch_events": 100,
        "poll_interval_seconds": 1.0,
        "request_timeout_ms": 5000,
        **kafka,
    }
    return msgspec.convert(values, Settings)


@pytest.fixture
async def relays() -> AsyncIterator[Callable[..., Any]]:
    """Start relays that are always stopped at the end of the test (so the lock is released)."""
    started: list[KafkaRelay] = []

    async def start(settings: Settings, **options: Any) -> KafkaRelay:
        options.setdefault("name", f"test-{uuid.uuid4().hex[:8]}")
        options.setdefault("max_backoff", 0.5)
        relay = KafkaRelay(settings, **options)
        await relay.start()
        started.append(relay)
        return relay

    yield start
    for relay in started:
        await relay.stop()


class Message:
    def __init__(self, record: Any) -> None:
        self.topic: str = record.topic
        self.partition: int = record.partition
        self.key: bytes = record.key
        self.value: bytes = record.value
        self.timestamp: int = record.timestamp
        self.headers: dict[str, bytes] = dict(record.headers)

    @property
    def event_id(self) -> str:
        return self.headers["event_id"].decode()


async def consume(bootstrap: str, topics: list[str], until: Callable[[list[Message]], bool]) -> list[Message]:
    """Read the topics from the beginning until ``until(messages)`` holds (fails at a deadline)."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    messages: list[Message] = []
    try:
        await consumer.start()

        async def caught_up() -> bool:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                messages.extend(Message(r) for r in records)
            return until(messages)

        await eventually(caught_up, timeout=30)
    finally:
        await consumer.stop()
    return messages


def dedupe(messages: list[Message]) -> list[Message]:
    """What a consumer does with at-least-once delivery: keep the first copy of each event id."""
    seen: set[str] = set()
    unique = []
    for message in messages:
        if message.event_id not in seen:
            seen.add(message.event_id)
            unique.append(message)
    return unique
