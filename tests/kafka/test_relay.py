from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import defaultdict

import asyncpg
import pytest

from app.embedded import free_port
from app.settings import Settings
from tests.conftest import eventually, make_tenant
from tests.kafka.conftest import Message, consume, dedupe, kafka_settings
from tests.kafka.seed import append_events, append_tenant_signal, make_directory
from tests.kafka_broker import TansuBroker, TCPProxy


async def stored_events(pool: asyncpg.Pool, tenant_id: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        """
        SELECT id, type, directory_id, sequence, body,
               (extract(epoch FROM recorded_at) * 1000)::bigint AS timestamp_ms
        FROM events WHERE tenant_id = $1 ORDER BY tx_id, position
        """,
        tenant_id,
    )


def of_tenant(messages: list[Message], tenant_id: str) -> list[Message]:
    return [m for m in messages if m.headers["tenant_id"] == tenant_id.encode()]


def has_ids(ids: set[str], tenant_id: str):
    return lambda messages: ids <= {m.event_id for m in of_tenant(messages, tenant_id)}


def assert_in_order_per_directory(messages: list[Message], expected: dict[str, int]) -> None:
    """After dedup by event id, each directory's sequences are exactly 1..n in order."""
    sequences: dict[str, list[int]] = defaultdict(list)
    for message in dedupe(messages):
        if "directory_id" in message.headers:
            sequences[message.headers["directory_id"].decode()].append(int(message.headers["sequence"]))
    for directory_id, last in expected.items():
        assert sequences[directory_id] == list(range(1, last + 1)), directory_id


async def interleaved(pool: asyncpg.Pool, tenant_id: str, directories: list[str], rounds: int, size: int):
    ids: list[str] = []
    async with pool.acquire() as conn:
        for _ in range(rounds):
            for directory_id in directories:
                ids += await append_events(conn, tenant_id, directory_id, size)
    return ids


async def test_every_event_relayed_once_in_order_with_headers_and_exact_body(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    tenant = await make_tenant(pool)
    async with pool.acquire() as conn:
        directories = [await make_directory(conn, tenant.id) for _ in range(3)]
        signal_id = await append_tenant_signal(conn, tenant.id)
    await interleaved(pool, tenant.id, directories, rounds=5, size=30)
    relay = await relays(kafka_settings(settings, kafka_broker.bootstrap_servers, topic))

    stored = await stored_events(pool, tenant.id)
    assert len(stored) == 3 * 150 + 1
    messages = of_tenant(
        await consume(kafka_broker.bootstrap_servers, [topic], has_ids({r["id"] for r in stored}, tenant.id)),
        tenant.id,
    )
    # Exactly once in a run without failures, in order per directory.
    assert len(messages) == len(stored)
    assert relay.failures == 0
    assert_in_order_per_directory(messages, dict.fromkeys(directories, 150))
    by_id = {m.event_id: m for m in messages}
    for row in stored:
        message = by_id[row["id"]]
        assert message.value == row["body"].encode()  # byte for byte the webhook envelope
        assert message.timestamp == row["timestamp_ms"]
        assert message.headers["event_type"] == row["type"].encode()
        assert message.headers["tenant_id"] == tenant.id.encode()
        assert message.headers["content-type"] == b"application/json"
        if row["directory_id"] is None:
            assert message.key == tenant.id.encode()
            assert "sequence" not in message.headers
        else:
            assert message.key == row["directory_id"].encode()
            assert message.headers["directory_id"] == row["directory_id"].encode()
            assert message.headers["sequence"] == str(row["sequence"]).encode()
    assert by_id[signal_id].headers["event_type"] == b"webhook_endpoint.event_failed"
    # One directory lives in one partition.
    partitions = defaultdict(set)
    for message in messages:
        partitions[message.key].add(message.partition)
    assert all(len(p) == 1 for p in partitions.values())


async def test_new_commits_are_relayed_promptly_through_listen(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    tenant = await make_tenant(pool)
    # The fallback poll is long: only the commit notification can wake the relay in time.
    relay = await relays(
        kafka_settings(settings, kafka_broker.bootstrap_servers, topic, poll_interval_seconds=60)
    )
    async with pool.acquire() as conn:
        directory_id = await make_directory(conn, tenant.id)
        await eventually(lambda: relay.state == "active")
        await eventually(lambda: relay._wake.is_set() is False)
        await asyncio.sleep(0)
        before = relay.relayed
        ids = await append_events(conn, tenant.id, directory_id, 5)
    await eventually(lambda: relay.relayed >= before + 5, timeout=5)
    messages = await consume(kafka_broker.bootstrap_servers, [topic], has_ids(set(ids), tenant.id))
    assert_in_order_per_directory(of_tenant(messages, tenant.id), {directory_id: 5})


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    size = await reader.readexactly(4)
    return size + await reader.readexactly(int.from_bytes(size, "big"))


async def test_stopped_while_connecting_leaves_no_connection_open(
    settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    """aiokafka loses its bootstrap connection if start() is cancelled while it waits for metadata.

    The relay must let the start finish instead; the autouse leak guard fails this test otherwise.
    """
    metadata_requested, hung_up = asyncio.Event(), asyncio.Event()

    async def handshake_only(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The first exchange (ApiVersions) goes to the broker; the next request (metadata) gets no answer.
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", kafka_broker.port)
        upstream_writer.write(await read_frame(reader))
        writer.write(await read_frame(upstream_reader))
        upstream_writer.close()
        await read_frame(reader)
        metadata_requested.set()
        await reader.read()  # until the client hangs up
        writer.close()
        hung_up.set()

    server = await asyncio.start_server(handshake_only, "127.0.0.1", 0)
    try:
        bootstrap = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
        relay = await relays(kafka_settings(settings, bootstrap, topic, request_timeout_ms=1000))
        await asyncio.wait_for(metadata_requested.wait(), 10)
        await relay.stop()
        await asyncio.wait_for(hung_up.wait(), 5)
    finally:
        server.close()


async def cursor_relayed(pool: asyncpg.Pool, name: str) -> int:
    return await pool.fetchval("SELECT relayed FROM kafka_relay_cursors WHERE name = $1", name) or 0


@pytest.mark.slow
async def test_crash_mid_stream_resumes_from_cursor_nothing_missing_nothing_reordered(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    tenant = await make_tenant(pool)
    async with pool.acquire() as conn:
        directories = [await make_directory(conn, tenant.id) for _ in range(3)]
    await interleaved(pool, tenant.id, directories, rounds=8, size=50)
    name = "crash-test"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")},
        "DIRSYNC_DATABASE_URL": settings.database.url,
        "DIRSYNC_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers,
        "DIRSYNC_KAFKA_TOPIC": topic,
        "DIRSYNC_KAFKA_PARTITIONS": "3",
        "DIRSYNC_KAFKA_BATCH_EVENTS": "40",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.kafka.relay_process", name],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        async def progressed() -> bool:
            return await cursor_relayed(pool, name) >= 200

        await eventually(progressed, timeout=30)
    finally:
        process.send_signal(signal.SIGKILL)  # a crash: no cleanup, possibly mid-wave
        process.wait(5)
    at_crash = await cursor_relayed(pool, name)
    assert at_crash < (await pool.fetchval("SELECT count(*) FROM events"))
    more = await interleaved(pool, tenant.id, directories, rounds=1, size=20)

    relay = await relays(kafka_settings(settings, kafka_broker.bootstrap_servers, topic), name=name)
    stored = await stored_events(pool, tenant.id)
    assert set(more) <= {r["id"] for r in stored}
    messages = of_tenant(
        await consume(kafka_broker.bootstrap_servers, [topic], has_ids({r["id"] for r in stored}, tenant.id)),
        tenant.id,
    )
    assert relay.state == "active"
    assert {m.event_id for m in messages} == {r["id"] for r in stored}
    assert_in_order_per_directory(messages, dict.fromkeys(directories, 420))


@pytest.mark.slow
async def test_broker_stopped_and_restarted_mid_stream(pool, settings: Settings, topic: str, relays) -> None:
    broker = TansuBroker()  # its own instance: this test kills it
    broker.start()
    try:
        tenant = await make_tenant(pool)
        async with pool.acquire() as conn:
            directory_id = await make_directory(conn, tenant.id)
            first = await append_events(conn, tenant.id, directory_id, 150)
        relay = await relays(
            kafka_settings(settings, broker.bootstrap_servers, topic, request_timeout_ms=2000)
        )
        before = await consume(broker.bootstrap_servers, [topic], has_ids(set(first), tenant.id))

        broker.stop()
        async with pool.acquire() as conn:
            during = await append_events(conn, tenant.id, directory_id, 150)
            signal_id = await append_tenant_signal(conn, tenant.id)
        await eventually(lambda: relay.failures >= 2, timeout=30)
        # Nothing after the outage counts as relayed: the cursor stays before those events.
        assert relay.relayed <= len(await pool.fetch("SELECT 1 FROM events")) - 151

        broker.start()  # same port, empty memory: the relay recreates the topic and resends
        wanted = {*during, signal_id}
        after = await consume(broker.bootstrap_servers, [topic], has_ids(wanted, tenant.id))
        assert relay.state == "active"
        assert_in_order_per_directory(
            of_tenant(before, tenant.id) + of_tenant(after, tenant.id), {directory_id: 300}
        )
    finally:
        broker.stop()


async def test_topic_per_tenant(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    tenants = [await make_tenant(pool), await make_tenant(pool)]
    expected: dict[str, set[str]] = {}
    async with pool.acquire() as conn:
        for tenant in tenants:
            directory_id = await make_directory(conn, tenant.id)
            expected[tenant.id] = {
                *await append_events(conn, tenant.id, directory_id, 20),
                await append_tenant_signal(conn, tenant.id),
            }
    await relays(kafka_settings(settings, kafka_broker.bootstrap_servers, topic, topic_per_tenant=True))
    for tenant in tenants:
        tenant_topic = f"{topic}.{tenant.id}"
        messages = await consume(
            kafka_broker.bootstrap_servers, [tenant_topic], has_ids(expected[tenant.id], tenant.id)
        )
        assert {m.topic for m in messages} == {tenant_topic}
        assert {m.event_id for m in messages} == expected[tenant.id]  # only this tenant's events


async def test_second_relay_waits_as_standby_until_the_first_stops(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    config = kafka_settings(settings, kafka_broker.bootstrap_servers, topic)
    first = await relays(config, name="shared")
    await eventually(lambda: first.state == "active")
    second = await relays(config, name="shared", standby_interval=0.1)
    await eventually(lambda: second.state == "standby")
    tenant = await make_tenant(pool)
    async with pool.acquire() as conn:
        directory_id = await make_directory(conn, tenant.id)
        ids = await append_events(conn, tenant.id, directory_id, 10)
    await consume(kafka_broker.bootstrap_servers, [topic], has_ids(set(ids), tenant.id))
    assert second.state == "standby" and second.relayed == 0

    await first.stop()
    await eventually(lambda: second.state == "active")
    async with pool.acquire() as conn:
        ids += await append_events(conn, tenant.id, directory_id, 10)
    messages = await consume(kafka_broker.bootstrap_servers, [topic], has_ids(set(ids), tenant.id))
    assert_in_order_per_directory(of_tenant(messages, tenant.id), {directory_id: 20})


@pytest.mark.slow
async def test_broker_unreachable_mid_wave_then_back_nothing_lost_nothing_reordered(
    pool, settings: Settings, topic: str, relays
) -> None:
    """The network to the broker drops while waves are in flight; the broker keeps its data."""
    proxy_port = free_port()
    broker = TansuBroker(advertised_port=proxy_port)
    broker.start()
    proxy = TCPProxy(broker.port, proxy_port)
    await proxy.start()
    try:
        tenant = await make_tenant(pool)
        async with pool.acquire() as conn:
            directories = [await make_directory(conn, tenant.id) for _ in range(3)]
        await interleaved(pool, tenant.id, directories, rounds=10, size=100)
        config = kafka_settings(settings, broker.bootstrap_servers, topic, request_timeout_ms=2000)
        relay = await relays(config)
        await eventually(lambda: relay.relayed >= 600, timeout=30)
        await proxy.stop()  # mid-stream: produce requests in flight are cut
        assert relay.relayed < 3000, "the backlog was drained before the cut; the test proves nothing"
        await interleaved(pool, tenant.id, directories, rounds=1, size=50)
        await eventually(lambda: relay.failures >= 1, timeout=30)
        await proxy.start()

        stored = await stored_events(pool, tenant.id)
        messages = of_tenant(
            await consume(broker.bootstrap_servers, [topic], has_ids({r["id"] for r in stored}, tenant.id)),
            tenant.id,
        )
        assert {m.event_id for m in messages} == {r["id"] for r in stored}
        assert_in_order_per_directory(messages, dict.fromkeys(directories, 1050))
    finally:
        await proxy.stop()
        broker.stop()
