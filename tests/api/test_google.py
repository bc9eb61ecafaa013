"""Google push notifications through the real receiver, and the sync status API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import msgspec
import pytest

from app.services import google as google_service
from app.settings import Settings
from tests.conftest import LiveServer, TenantFixture, make_tenant
from tests.google_sim import GoogleSimulator
from tests.google_sim.fixtures import events, google_directory, sim, user_rows

__all__ = ["sim"]


class Synced(msgspec.Struct):
    directory_id: str
    user_id: str


@pytest.fixture
async def synced(
    pool: asyncpg.Pool,
    tenant: TenantFixture,
    sim: GoogleSimulator,
    settings: Settings,
    live_server: LiveServer,
) -> AsyncIterator[Synced]:
    """A Google directory after its initial sync, with channels pointing at the live server."""
    sim.seed(4, groups=1, members_per_group=2)
    directory_id = await google_directory(pool, tenant.id, sim)
    push_settings = msgspec.structs.replace(settings, public_base_url=live_server.base_url)
    async with google_service.open_runtime(push_settings) as runtime:
        result = await google_service.sync_directory(pool, runtime, push_settings, tenant.id, directory_id)
    assert result is not None and result.ok
    yield Synced(directory_id=directory_id, user_id=next(iter(sim.users)))


async def test_push_driven_update(pool, tenant, sim: GoogleSimulator, synced: Synced) -> None:
    before = len(await events(pool, tenant.id, synced.directory_id))
    sim.update_user(
        synced.user_id, name={"givenName": "Renamed", "familyName": "Person", "fullName": "Renamed Person"}
    )
    [response] = await sim.notify("update", synced.user_id)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "applied", "events": 1}
    [event] = (await events(pool, tenant.id, synced.directory_id))[before:]
    assert event["type"] == "user.updated" and event["data"]["first_name"] == "Renamed"
    assert (await user_rows(pool, tenant.id, synced.directory_id))[synced.user_id]["first_name"] == "Renamed"


async def test_suspend_becomes_user_updated_to_suspended(
    pool, tenant, sim: GoogleSimulator, synced: Synced
) -> None:
    sim.update_user(synced.user_id, suspended=True, suspensionReason="ADMIN")
    [response] = await sim.notify("update", synced.user_id)
    assert response.status_code == 200
    event = (await events(pool, tenant.id, synced.directory_id))[-1]
    assert event["type"] == "user.updated"
    assert event["data"]["state"] == "suspended"
    assert event["previous_attributes"]["state"] == "active"


async def test_delete_becomes_user_deleted(pool, tenant, sim: GoogleSimulator, synced: Synced) -> None:
    sim.delete_user(synced.user_id)
    [response] = await sim.notify("delete", synced.user_id)
    assert response.status_code == 200 and response.json()["status"] == "applied"
    assert (await events(pool, tenant.id, synced.directory_id))[-1]["type"] == "user.deleted"
    assert synced.user_id not in await user_rows(pool, tenant.id, synced.directory_id)


async def test_added_user_arrives_by_push(pool, tenant, sim: GoogleSimulator, synced: Synced) -> None:
    from tests.google_sim._data import make_user

    user = sim.add_user(make_user(999))
    [response] = await sim.notify("add", user["id"])
    assert response.status_code == 200
    assert (await events(pool, tenant.id, synced.directory_id))[-1]["type"] == "user.created"


async def test_forged_channel_token_is_refused(pool, tenant, sim: GoogleSimulator, synced: Synced) -> None:
    before = len(await events(pool, tenant.id, synced.directory_id))
    sim.update_user(synced.user_id, suspended=True)
    [response] = await sim.notify("update", synced.user_id, token="gct_forged")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert len(await events(pool, tenant.id, synced.directory_id)) == before


async def test_a_channel_of_another_directory_is_refused(
    pool, tenant, sim: GoogleSimulator, synced: Synced, http: httpx.AsyncClient
) -> None:
    channel = sim.live_channels("update")[0]
    other = await make_tenant(pool, "other")
    other_directory = await google_directory(pool, other.id, sim)
    channel.address = channel.address.replace(synced.directory_id, other_directory)
    response = await sim.push(channel, "update", {"id": synced.user_id})
    assert response.status_code == 401


async def test_repeated_message_number_is_ignored(pool, tenant, sim: GoogleSimulator, synced: Synced) -> None:
    channel = sim.live_channels("update")[0]
    sim.update_user(synced.user_id, suspended=True)
    body = {"kind": "admin#directory#user", "id": synced.user_id}
    first = await sim.push(channel, "update", body, message_number=7)
    assert first.json() == {"status": "applied", "events": 1}
    before = len(await events(pool, tenant.id, synced.directory_id))
    sim.update_user(synced.user_id, suspended=False)
    again = await sim.push(channel, "update", body, message_number=7)
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "events": 0}
    assert len(await events(pool, tenant.id, synced.directory_id)) == before


async def test_sync_message_is_acknowledged_and_ignored(
    pool, tenant, sim: GoogleSimulator, synced: Synced
) -> None:
    before = len(await events(pool, tenant.id, synced.directory_id))
    channel = sim.live_channels("add")[0]
    response = await sim.push(channel, "sync", None, message_number=1)
    assert response.status_code == 200 and response.json()["status"] == "sync"
    assert len(await events(pool, tenant.id, synced.directory_id)) == before


async def test_google_unavailable_makes_google_redeliver(
    pool, tenant, sim: GoogleSimulator, synced: Synced
) -> None:
    sim.fail_next(10, status=503, retry_after="0", path="/admin/directory/v1/users/")
    [response] = await sim.notify("update", synced.user_id)
    assert response.status_code == 503
    sim.failures.clear()
    channel = sim.live_channels("update")[0]
    redelivered = await sim.push(
        channel, "update", {"id": synced.user_id}, message_number=channel.message_number
    )
    assert redelivered.json()["status"] == "applied"  # the failed delivery was not recorded as seen


async def test_sync_status_api(http: httpx.AsyncClient, tenant, synced: Synced, pool) -> None:
    response = await http.get(f"/v1/directories/{synced.directory_id}/sync", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phase"] == "idle" and body["kind"] == "initial" and body["live_channels"] == 5
    assert body["counts"]["users_seen"] == 4 and body["last_error"] is None
    other = await make_tenant(pool, "other")
    response = await http.get(f"/v1/directories/{synced.directory_id}/sync", headers=other.headers)
    assert response.status_code == 404
    response = await http.post(f"/v1/directories/{synced.directory_id}/sync", headers=tenant.headers)
    assert response.status_code == 202 and response.json()["phase"] == "idle"
