"""Signing secrets are sealed at rest (AES-256-GCM) and re-sealed when the key rotates."""

from __future__ import annotations

import base64
import os

import pytest

from app.errors import SigningSecretUnavailable
from app.services import webhook_secrets
from app.store import webhook_endpoint as endpoint_store
from tests.delivery.factories import append_events, make_directory
from tests.delivery.receiver import wait_for
from tests.factories import KEYS


def new_key(key_id: str) -> tuple[str, bytes]:
    return key_id, os.urandom(32)


async def stored(pool, tenant_id: str, endpoint_id: str):
    async with pool.acquire() as conn:
        return await conn.fetchrow(
            "SELECT secret, previous_secret, secrets_sealed, secrets_key_id FROM webhook_endpoints"
            " WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            endpoint_id,
        )


async def test_the_secret_is_not_readable_in_the_row(pool, tenant, http, receivers, endpoints) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    secret = receiver.secrets[0]
    row = await stored(pool, tenant.id, endpoint["id"])
    assert row["secret"] is None and row["previous_secret"] is None
    assert row["secrets_key_id"] == KEYS[0][0]
    raw = secret.removeprefix("whsec_").encode()
    assert raw not in row["secrets_sealed"] and base64.b64decode(raw) not in row["secrets_sealed"]
    # Reveal, rotation and signing still work from the sealed row.
    ping = await http.post(f"/v1/webhook_endpoints/{endpoint['id']}/test", headers=tenant.headers)
    assert ping.json()["status"] == 204 and receiver.unverified == []
    rotated = await http.post(f"/v1/webhook_endpoints/{endpoint['id']}/secret/rotate", headers=tenant.headers)
    new_secret = rotated.json()["secret"]
    assert new_secret != secret
    revealed = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}/secret", headers=tenant.headers)
    assert revealed.json()["secret"] == new_secret
    row = await stored(pool, tenant.id, endpoint["id"])
    assert row["secret"] is None and row["previous_secret"] is None
    receiver.secrets = [secret, new_secret]  # the overlap: each must verify on its own
    ping = await http.post(f"/v1/webhook_endpoints/{endpoint['id']}/test", headers=tenant.headers)
    assert len(receiver.received) == 2 and receiver.unverified == []
    # The attempt log keeps neither signature, and shows that two were sent.
    assert ping.json()["request_headers"]["webhook-signature"] == "v1,[redacted] v1,[redacted]"


async def test_key_rotation_reseals_and_plaintext_rows_are_sealed(
    pool, tenant, http, receivers, endpoints
) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    secret = receiver.secrets[0]
    # A row from before sealing existed: plaintext columns only.
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE webhook_endpoints SET secret = 'whsec_bGVnYWN5bGVnYWN5bGVnYWN5', secrets_sealed = NULL,"
            " secrets_key_id = NULL WHERE tenant_id = $1 AND id = $2",
            tenant.id,
            endpoint["id"],
        )
    assert await webhook_secrets.seal_plaintext_secrets(pool, KEYS) >= 1
    row = await stored(pool, tenant.id, endpoint["id"])
    assert row["secret"] is None and row["secrets_key_id"] == KEYS[0][0]
    revealed = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}/secret", headers=tenant.headers)
    assert revealed.json()["secret"] == "whsec_bGVnYWN5bGVnYWN5bGVnYWN5" != secret

    rotated_keys = [new_key("k2"), *KEYS]
    async with pool.acquire() as conn:
        assert await webhook_secrets.reencrypt_secrets(conn, tenant.id, keys=rotated_keys) == 1
        assert await webhook_secrets.reencrypt_secrets(conn, tenant.id, keys=rotated_keys) == 0
        row = await endpoint_store.get_endpoint(conn, tenant.id, endpoint["id"])
    assert row is not None and row.secrets_key_id == "k2"
    # Only the new key is needed now; the old one no longer opens it.
    opened = webhook_secrets.open_secrets(row, rotated_keys[:1])
    assert opened.secret == "whsec_bGVnYWN5bGVnYWN5bGVnYWN5"
    with pytest.raises(SigningSecretUnavailable):
        webhook_secrets.open_secrets(row, KEYS)
    # A pass with a key set that cannot open it (another server's keys) skips it, and fails nothing.
    async with pool.acquire() as conn:
        assert await webhook_secrets.reencrypt_secrets(conn, tenant.id, keys=KEYS) == 0
        assert await webhook_secrets.reencrypt_secrets(conn, tenant.id, keys=rotated_keys[::-1]) == 1
        row = await endpoint_store.get_endpoint(conn, tenant.id, endpoint["id"])
    assert row is not None and row.secrets_key_id == KEYS[0][0]  # back under the shared test key


async def test_a_sealed_blob_copied_to_another_endpoint_does_not_open(
    pool, tenant, receivers, endpoints
) -> None:
    first = await endpoints(tenant, await receivers())
    second = await endpoints(tenant, await receivers())
    async with pool.acquire() as conn:
        await conn.execute(
            """
            UPDATE webhook_endpoints SET secrets_sealed = (
                SELECT secrets_sealed FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2
            ) WHERE tenant_id = $1 AND id = $3
            """,
            tenant.id,
            first["id"],
            second["id"],
        )
        row = await endpoint_store.get_endpoint(conn, tenant.id, second["id"])
    assert row is not None
    with pytest.raises(SigningSecretUnavailable):
        webhook_secrets.open_secrets(row, KEYS)


async def test_a_secret_that_no_longer_opens_holds_delivery_until_the_tenant_rotates(
    pool, tenant, http, workers, receivers, endpoints
) -> None:
    receiver = await receivers()
    endpoint = await endpoints(tenant, receiver)
    path = f"/v1/webhook_endpoints/{endpoint['id']}"
    # The operator dropped the key this endpoint's secret was sealed with.
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE webhook_endpoints SET secrets_key_id = 'retired' WHERE tenant_id = $1 AND id = $2",
            tenant.id,
            endpoint["id"],
        )
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 3)
    await workers.start()

    async def held() -> bool:
        return (await http.get(path, headers=tenant.headers)).json()["last_error"] is not None

    await wait_for(held, what="the endpoint to show why its deliveries are held")
    shown = (await http.get(path, headers=tenant.headers)).json()
    assert "sealed with a key this deployment no longer has" in shown["last_error"]
    assert "retired" not in shown["last_error"]  # the operator's key id is not the tenant's business
    # Held, not failed: nothing sent, no attempt spent, no failure clock, still enabled.
    assert shown["enabled"] is True and shown["failing_since"] is None
    assert receiver.received == []
    attempts = await http.get(f"{path}/attempts", headers=tenant.headers)
    assert attempts.json()["data"] == []
    async with pool.acquire() as conn:
        stream = await conn.fetchrow(
            "SELECT cursor, attempts FROM webhook_streams WHERE tenant_id = $1 AND endpoint_id = $2",
            tenant.id,
            endpoint["id"],
        )
    assert stream is not None and (stream["cursor"], stream["attempts"]) == (0, 0)
    # What needs the secret answers a problem that says so.
    for response in (
        await http.get(f"{path}/secret", headers=tenant.headers),
        await http.post(f"{path}/test", headers=tenant.headers),
    ):
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("signing-secret-unavailable")

    # The tenant's way out: a rotation takes over at once (there is no old secret to overlap with)
    # and the held stream resumes from its cursor now, not at its next look.
    rotated = await http.post(f"{path}/secret/rotate", headers=tenant.headers)
    assert rotated.status_code == 200 and rotated.json()["previous_secret_expires_at"] is None
    receiver.secrets = [rotated.json()["secret"]]
    await wait_for(lambda: len(receiver.delivered()) >= 3, what="3 deliveries after the rotation")
    assert receiver.delivered_sequences() == [1, 2, 3] and receiver.unverified == []
    assert all(" " not in r.headers["webhook-signature"] for r in receiver.received)

    async def cleared() -> bool:
        return (await http.get(path, headers=tenant.headers)).json()["last_error"] is None

    await wait_for(cleared, what="the hold to clear with the first delivery")
