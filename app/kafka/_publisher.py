"""Publishing relay batches with aiokafka: connection options, topics and one record batch per partition.

Ordering without the idempotent producer: a wave puts each partition's messages into ONE record
batch, which the broker appends atomically, and the next wave starts only after every batch of
this one is acknowledged. So a partition never holds a later event of a wave whose earlier event
failed; a failed wave is resent whole (duplicates, never gaps or reordering after dedup by id).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any, TypeVar

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code
from aiokafka.helpers import create_ssl_context
from aiokafka.partitioner import DefaultPartitioner

from app.settings import KafkaSettings
from app.store.kafka_relay import RelayEvent

log = structlog.get_logger()

CLIENT_ID = "dirsync-relay"
# How long closing a client, or finishing a start the relay was cancelled in, may hold up shutdown.
SHUTDOWN_TIMEOUT = 10.0

T = TypeVar("T")


def connection_options(kafka: KafkaSettings) -> dict[str, Any]:
    """Options shared by the producer, the admin client (and a consumer): servers, TLS, SASL."""
    assert kafka.bootstrap_servers
    options: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in kafka.bootstrap_servers.split(",") if s.strip()],
        "security_protocol": kafka.security_protocol,
        "request_timeout_ms": kafka.request_timeout_ms,
    }
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(
            cafile=kafka.ssl_cafile, certfile=kafka.ssl_certfile, keyfile=kafka.ssl_keyfile
        )
    if kafka.security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = kafka.sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password
    return options


def producer_options(kafka: KafkaSettings) -> dict[str, Any]:
    return {
        **connection_options(kafka),
        "client_id": CLIENT_ID,
        "acks": "all",
        "enable_idempotence": kafka.enable_idempotence,
        "max_batch_size": kafka.max_batch_bytes,
        "max_request_size": max(kafka.max_batch_bytes + 65536, 1048576),
    }


def topic_for(kafka: KafkaSettings, tenant_id: str) -> str:
    return f"{kafka.topic}.{tenant_id}" if kafka.topic_per_tenant else kafka.topic


def message_key(event: RelayEvent) -> bytes:
    """The directory id keeps a directory's events in one partition; tenant signals key by tenant."""
    return (event.directory_id or event.tenant_id).encode()


def message_headers(event: RelayEvent) -> list[tuple[str, bytes]]:
    headers = [
        ("event_id", event.id.encode()),
        ("event_type", event.type.encode()),
        ("tenant_id", event.tenant_id.encode()),
    ]
    if event.directory_id is not None:
        headers.append(("directory_id", event.directory_id.encode()))
        headers.append(("sequence", str(event.sequence).encode()))
    headers.append(("content-type", b"application/json"))
    return headers


async def run_to_end(step: Awaitable[T]) -> T:
    """Run an aiokafka client's start or stop to its end even if the caller is cancelled meanwhile.

    Cancelled halfway, a start leaks its bootstrap connection (aiokafka keeps it in a local that
    stop() never sees) and a stop skips closing the client's connections; either socket then warns
    as unclosed whenever the garbage collector finds it. So a cancellation (the relay stopping)
    waits up to ``SHUTDOWN_TIMEOUT`` for the step to finish before it goes on.
    """
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, SHUTDOWN_TIMEOUT)
        raise


class Publisher:
    """A started producer (and admin client) for one relay session."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self.kafka = kafka
        self.producer = AIOKafkaProducer(**producer_options(kafka))
        self._partitioner = DefaultPartitioner()
        self._partitions: dict[str, list[int]] = {}
        # (topic, key) -> partition: murmur2 is pure Python and keys (directories) repeat a lot.
        self._partition_of: dict[tuple[str, bytes], int] = {}
        # Last sequence published per directory in this session: the store allocates sequences
        # under the directory row lock taken first in its transaction, so transaction order is
        # sequence order; a regression would mean that contract broke, and is reported loudly.
        self._last_sequence: dict[str, int] = {}

    async def start(self) -> None:
        await run_to_end(self.producer.start())

    async def close(self) -> None:
        # A wave is always settled before close, so there is nothing to flush; bound it anyway so a
        # vanished broker cannot hold up worker shutdown.
        try:
            await run_to_end(asyncio.wait_for(self.producer.stop(), timeout=SHUTDOWN_TIMEOUT))
        except (TimeoutError, KafkaError) as exc:
            log.warning("kafka_producer_close_failed", error=repr(exc))

    async def ensure_topic(self, topic: str) -> list[int]:
        partitions = self._partitions.get(topic)
        if partitions is None:
            if self.kafka.create_topics:
                await create_topic(self.kafka, topic)
            partitions = sorted(await self.producer.partitions_for(topic))
            self._partitions[topic] = partitions
        return partitions

    async def publish(self, events: list[RelayEvent]) -> int:
        """Publish a prefix of ``events`` as one wave; return how many were acknowledged.

        Raises on any failure: nothing of the wave counts as delivered then.
        """
        batches: dict[tuple[str, int], Any] = {}
        count = 0
        for event in events:
            topic = topic_for(self.kafka, event.tenant_id)
            key = message_key(event)
            partition = self._partition_of.get((topic, key))
            if partition is None:
                partitions = await self.ensure_topic(topic)
                partition = self._partitioner(key, partitions, partitions)
                if len(self._partition_of) > 100_000:
                    self._partition_of.clear()
                self._partition_of[(topic, key)] = partition
            batch = batches.get((topic, partition))
            if batch is None:
                batch = batches[(topic, partition)] = self.producer.create_batch()
            appended = batch.append(
                timestamp=event.timestamp_ms, key=key, value=event.body, headers=message_headers(event)
            )
            if appended is None:
                break  # this partition's batch is full (a first record always fits): end the wave here
            count += 1
            if event.directory_id is not None and event.sequence is not None:
                previous = self._last_sequence.get(event.directory_id, 0)
                if event.sequence <= previous:
                    log.error(
                        "kafka_relay_sequence_regression",
                        directory_id=event.directory_id,
                        sequence=event.sequence,
                        previous=previous,
                    )
                self._last_sequence[event.directory_id] = event.sequence
        futures = [
            await self.producer.send_batch(batch, topic, partition=partition)
            for (topic, partition), batch in batches.items()
        ]
        results = await asyncio.gather(*futures, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return count


async def create_topic(kafka: KafkaSettings, topic: str) -> None:
    """Create the topic with the configured partitions and replication; an existing one is fine."""
    admin = AIOKafkaAdminClient(**connection_options(kafka), client_id=CLIENT_ID)
    try:
        await run_to_end(admin.start())
        response = await admin.create_topics([NewTopic(topic, kafka.partitions, kafka.replication_factor)])
    finally:
        await run_to_end(admin.close())
    for name, code, message in (t[:3] for t in response.topic_errors):
        error = for_code(code)
        if code == 0 or error is TopicAlreadyExistsError:
            continue
        raise error(f"creating topic {name}: {message}")
    log.info("kafka_topic_ready", topic=topic, partitions=kafka.partitions)
