"""dirsync driven from the outside only: the generated Python client (openapi/clients) for the
REST API and plain HTTP for SCIM, as a tenant and a customer's IdP would. Webhooks arrive at a
real receiver that verifies every request with the independent `standardwebhooks` package."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "openapi" / "clients"))

from dirsync_client import AuthenticatedClient
from dirsync_client.api.directories import create_directory, list_directory_users
from dirsync_client.api.events import list_events
from dirsync_client.api.webhooks import (
    create_webhook_endpoint,
    get_webhook_secret,
    replay_webhook_events,
)
from dirsync_client.models import (
    DirectoryCreate,
    DirectoryCreateProvider,
    DirectoryWithToken,
    EventList,
    ReplayQueued,
    ReplayRange,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointSecret,
)

from tests.conftest import LiveServer, TenantFixture, eventually

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


async def test_tenant_journey_through_the_generated_client(
    live_server: LiveServer, tenant: TenantFixture, workers, receivers
) -> None:
    await workers.start()
    receiver = await receivers()
    client = AuthenticatedClient(base_url=live_server.base_url, token=tenant.api_key)
    async with client:
        # A webhook endpoint, and its secret for the receiver to verify with.
        endpoint = await create_webhook_endpoint.asyncio(
            client=client, body=WebhookEndpointCreate(url=receiver.url)
        )
        assert isinstance(endpoint, WebhookEndpoint)
        secret = await get_webhook_secret.asyncio(endpoint.id, client=client)
        assert isinstance(secret, WebhookEndpointSecret) and secret.secret.startswith("whsec_")
        receiver.secrets = [secret.secret]

        # A directory, whose SCIM URL and token go to the customer's IdP.
        directory = await create_directory.asyncio(
            client=client, body=DirectoryCreate(name="Acme", provider=DirectoryCreateProvider.OKTA)
        )
        assert isinstance(directory, DirectoryWithToken)

        # The IdP pushes users and a group over plain SCIM.
        scim = {"Authorization": f"Bearer {directory.scim_token}", "Content-Type": SCIM}
        # The test server listens on a random port, not DIRSYNC_PUBLIC_BASE_URL: keep only the path.
        scim_base = live_server.base_url + httpx.URL(directory.scim_base_url).path
        async with httpx.AsyncClient(base_url=scim_base, headers=scim) as idp:
            user_ids = []
            for name in ("ada", "grace", "alan"):
                created = await idp.post(
                    "/Users",
                    json={
                        "schemas": [USER_SCHEMA],
                        "userName": f"{name}@acme.test",
                        "name": {"givenName": name.title(), "familyName": "Test"},
                        "emails": [{"value": f"{name}@acme.test", "type": "work", "primary": True}],
                        "active": True,
                    },
                )
                assert created.status_code == 201, created.text
                user_ids.append(created.json()["id"])
            group = await idp.post(
                "/Groups",
                json={
                    "schemas": [GROUP_SCHEMA],
                    "displayName": "Engineering",
                    "members": [{"value": user_ids[0]}],
                },
            )
            assert group.status_code == 201, group.text
            deactivated = await idp.patch(
                f"/Users/{user_ids[2]}",
                json={
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{"op": "replace", "value": {"active": False}}],
                },
            )
            assert deactivated.status_code == 200, deactivated.text

        # 3 user.created, group.created, group.user_added, user.updated: delivered signed, in order.
        await eventually(lambda: len(receiver.received) >= 6, timeout=30)
        assert not receiver.unverified
        delivered = [r.payload for r in receiver.received]
        assert [e["sequence"] for e in delivered] == [1, 2, 3, 4, 5, 6]
        assert [e["type"] for e in delivered] == [
            "user.created",
            "user.created",
            "user.created",
            "group.created",
            "group.user_added",
            "user.updated",
        ]
        assert delivered[-1]["previous_attributes"] == {"state": "active"}

        # The REST API through the client: users, then the Events API page by page.
        users = await list_directory_users.asyncio(directory.id, client=client)
        assert {u.username for u in users.data} == {"ada@acme.test", "grace@acme.test", "alan@acme.test"}
        paged: list[str] = []
        after = "0"
        while True:
            page = await list_events.asyncio(client=client, directory_id=directory.id, after=after, limit=4)
            assert isinstance(page, EventList)
            if not page.data:
                break  # a directory's stream always hands back a cursor to follow; an empty page ends it
            paged += [e.id for e in page.data]
            assert page.next_cursor
            after = page.next_cursor
        assert paged == [r.event_id for r in receiver.received[:6]]

        # Replay a range: the same ids and bodies again, in order.
        before = len(receiver.received)
        queued = await replay_webhook_events.asyncio(
            endpoint.id,
            client=client,
            body=ReplayRange(directory_id=directory.id, from_sequence=2, to_sequence=5, kind="range"),
        )
        assert isinstance(queued, ReplayQueued)
        await eventually(lambda: len(receiver.received) >= before + 4, timeout=30)
        replayed = receiver.received[before : before + 4]
        assert [r.event_id for r in replayed] == paged[1:5]
        assert [r.body for r in replayed] == [r.body for r in receiver.received[1:5]]
        assert not receiver.unverified
