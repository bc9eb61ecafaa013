"""Rotation overlap, test pings and replays, verified by an independent Standard Webhooks verifier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import assert_in_order, wait_for


async def test_rotation_signs_with_both_secrets_during_overlap(
    pool, tenant, workers, receivers, endpoints, http
) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    old = receiver.secrets[0]
    rotated = await http.post(f"/v1/webhook_endpoints/{endpoint['id']}/secret/rotate", headers=tenant.headers)
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    expires = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
    receiver.secrets = [old, new]  # the receiver checks each secret on its own
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 2)
    await wait_for(lambda: len(receiver.delivered()) >= 2, what="deliveries during overlap")
    assert receiver.unverified == []
    assert all(len(r.headers["webhook-signature"].split(" ")) == 2 for r in receiver.delivered())

    # Overlap over: only the newest secret signs.
    again = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/secret/rotate",
        params={"overlap_seconds": 0},
        headers=tenant.headers,
    )
    newest = again.json()["secret"]
    receiver.secrets = [newest]
    await append_events(pool, tenant.id, directory_id, 1)
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="delivery after overlap")
    last = receiver.delivered()[-1]
    assert receiver.unverified == []
    assert len(last.headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(last.body, last.headers)


async def test_test_ping_is_signed_and_logged(tenant, receivers, endpoints, http) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    response = await http.post(f"/v1/webhook_endpoints/{endpoint['id']}/test", headers=tenant.headers)
    assert response.status_code == 200, response.text
    attempt = response.json()
    assert attempt["status"] == 204 and attempt["outcome"] == "delivered" and attempt["test"] is True
    assert len(receiver.received) == 1 and receiver.unverified == []
    assert receiver.received[0].payload["type"] == "ping"
    assert receiver.received[0].event_id == attempt["event_id"]


async def test_replay_a_range_in_order_with_original_ids(
    pool, tenant, workers, receivers, endpoints, http
) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    events = await append_events(pool, tenant.id, directory_id, 10)
    await wait_for(lambda: len(receiver.delivered()) >= 10, what="first delivery")
    originals = {r.event_id: r.body for r in receiver.delivered()}

    response = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay",
        json={"kind": "range", "directory_id": directory_id, "from_sequence": 3, "to_sequence": 7},
        headers=tenant.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["data"][0]["directory_id"] == directory_id
    await wait_for(lambda: len(receiver.delivered()) >= 15, what="replayed range")
    replayed = receiver.delivered()[10:]
    assert [r.sequence for r in replayed] == [3, 4, 5, 6, 7]
    assert [r.event_id for r in replayed] == [e[0] for e in events[2:7]]
    assert all(r.body == originals[r.event_id] for r in replayed)
    assert receiver.unverified == []

    async def attempts_of_event_5() -> list[bool]:
        # The receiver sees a request before the worker has written its attempt.
        attempts = await http.get(
            f"/v1/webhook_endpoints/{endpoint['id']}/attempts",
            params={"event_id": events[4][0]},
            headers=tenant.headers,
        )
        return [a["replay"] for a in attempts.json()["data"]]

    async def both_logged() -> bool:
        return len(await attempts_of_event_5()) >= 2

    await wait_for(both_logged, what="the replayed attempt logged")
    assert await attempts_of_event_5() == [True, False]

    # One event, and by time across directories.
    other = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, other, 2)
    await wait_for(lambda: len(receiver.delivered()) >= 17, what="second directory")
    one = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay",
        json={"kind": "event", "event_id": events[0][0]},
        headers=tenant.headers,
    )
    assert one.status_code == 202
    await wait_for(lambda: len(receiver.delivered()) >= 18, what="one-event replay")
    assert receiver.delivered()[-1].event_id == events[0][0]
    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    by_time = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay",
        json={"kind": "time", "since": since},
        headers=tenant.headers,
    )
    assert len(by_time.json()["data"]) == 2
    await wait_for(lambda: len(receiver.delivered()) >= 30, what="time-range replay")
    assert_in_order_slice = [
        r.sequence for r in receiver.delivered()[18:] if r.payload["directory_id"] == directory_id
    ]
    assert assert_in_order_slice == list(range(1, 11))
    assert [r.sequence for r in receiver.delivered()[18:] if r.payload["directory_id"] == other] == [1, 2]


async def test_recover_everything_given_up_since(pool, tenant, workers, receivers, endpoints, http) -> None:
    receiver = await receivers()
    receiver.behaviour = lambda r: (500, {}, b"") if r.sequence in (2, 4) else (200, {}, b"")
    endpoint = await endpoints(tenant, receiver)
    await workers.start()
    directory_id = await make_directory(pool, tenant.id)
    started = datetime.now(UTC) - timedelta(seconds=1)
    events = await append_events(pool, tenant.id, directory_id, 5)
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="deliveries around the failures")
    assert_in_order(receiver, directory_id, [1, 3, 5])
    receiver.behaviour = None
    response = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay",
        json={"kind": "failed", "since": started.isoformat()},
        headers=tenant.headers,
    )
    assert response.status_code == 202
    await wait_for(lambda: len(receiver.delivered()) >= 5, what="recovered events")
    assert [r.event_id for r in receiver.delivered()[3:]] == [events[1][0], events[3][0]]


async def test_replay_needs_a_selection(tenant, receivers, endpoints, http) -> None:
    endpoint = await endpoints(tenant, await receivers())
    response = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay", json={}, headers=tenant.headers
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("validation-error")
    missing = await http.post(
        f"/v1/webhook_endpoints/{endpoint['id']}/replay",
        json={"kind": "event", "event_id": "evt_nope"},
        headers=tenant.headers,
    )
    assert missing.status_code == 404, missing.text
