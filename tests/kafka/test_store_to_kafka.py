"""End to end: changes applied through the directory store arrive in Kafka exactly as stored."""

from __future__ import annotations

import asyncio
from collections import Counter

import msgspec

from app.changes import MembershipRemove, Ref, UserRemove
from app.events import Event
from app.settings import Settings
from tests.conftest import make_tenant
from tests.factories import add_members, apply, group_upsert, make_directory, user_upsert
from tests.kafka.conftest import consume, kafka_settings
from tests.kafka.test_relay import assert_in_order_per_directory, has_ids, of_tenant, stored_events
from tests.kafka_broker import TansuBroker


async def churn(pool, tenant_id: str, directory_id: str, rounds: int) -> None:
    for n in range(rounds):
        await apply(pool, tenant_id, directory_id, user_upsert(f"u{n}a"), user_upsert(f"u{n}b"))
        await apply(pool, tenant_id, directory_id, group_upsert(f"g{n}"))
        await apply(pool, tenant_id, directory_id, add_members(f"ext-g{n}", f"ext-u{n}a", f"ext-u{n}b"))
        await apply(pool, tenant_id, directory_id, user_upsert(f"u{n}a", state="inactive"))
        await apply(
            pool,
            tenant_id,
            directory_id,
            MembershipRemove(group=Ref(external_id=f"ext-g{n}"), users=(Ref(external_id=f"ext-u{n}b"),)),
        )
        await apply(pool, tenant_id, directory_id, UserRemove(user=Ref(external_id=f"ext-u{n}b")))


async def test_store_events_reach_kafka_once_in_order_byte_identical(
    pool, settings: Settings, kafka_broker: TansuBroker, topic: str, relays
) -> None:
    tenant = await make_tenant(pool)
    directories = [(await make_directory(pool, tenant.id, name=f"D{i}"))[0].id for i in range(3)]
    relay = await relays(kafka_settings(settings, kafka_broker.bootstrap_servers, topic))
    # Writers to several directories commit concurrently while the relay is running.
    await asyncio.gather(*(churn(pool, tenant.id, directory_id, rounds=4) for directory_id in directories))

    stored = await stored_events(pool, tenant.id)
    types = Counter(row["type"] for row in stored)
    assert {"user.created", "user.updated", "group.created", "group.user_added", "user.deleted"} <= set(types)
    messages = of_tenant(
        await consume(kafka_broker.bootstrap_servers, [topic], has_ids({r["id"] for r in stored}, tenant.id)),
        tenant.id,
    )
    assert relay.failures == 0
    assert len(messages) == len(stored)  # once each
    last = Counter(row["directory_id"] for row in stored)
    assert_in_order_per_directory(messages, dict(last))
    by_id = {m.event_id: m for m in messages}
    decoder = msgspec.json.Decoder(Event)
    for row in stored:
        message = by_id[row["id"]]
        assert message.value == row["body"].encode()
        event = decoder.decode(message.value)
        assert event.id == row["id"]
        assert message.key == event.directory_id.encode()
        assert message.headers["sequence"] == str(event.sequence).encode()
        assert message.headers["event_type"] == row["type"].encode()
