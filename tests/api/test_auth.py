from __future__ import annotations

import hmac

import httpx
import pytest

from app import security
from app.errors import Unauthenticated
from app.services import tenant as tenant_service
from tests.conftest import TenantFixture, eventually


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:dirsync:problem:{slug}"
    assert body["title"]
    return body


async def test_api_key_lifecycle_through_the_admin_api(http: httpx.AsyncClient, operator_headers) -> None:
    created = await http.post("/admin/tenants", json={"name": "Initech"}, headers=operator_headers)
    assert created.status_code == 201, created.text
    body = created.json()
    tenant_id, first_key = body["tenant"]["id"], body["api_key"]["secret"]
    assert tenant_id.startswith("ten_") and first_key.startswith("dsk_")
    assert len(first_key) >= 4 + 43  # 256 bits, base64url

    me = await http.get("/v1/tenant", headers={"Authorization": f"Bearer {first_key}"})
    assert me.status_code == 200 and me.json()["id"] == tenant_id

    second = await http.post(
        f"/admin/tenants/{tenant_id}/api_keys", json={"name": "ci"}, headers=operator_headers
    )
    assert second.status_code == 201
    second_key = second.json()["secret"]
    listed = await http.get(f"/admin/tenants/{tenant_id}/api_keys", headers=operator_headers)
    keys = listed.json()["data"]
    assert [k["name"] for k in keys] == ["default", "ci"]
    assert all("secret" not in k for k in keys), "secrets are shown once, never listed"

    revoked = await http.delete(
        f"/admin/tenants/{tenant_id}/api_keys/{second.json()['id']}", headers=operator_headers
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    denied = await http.get("/v1/tenant", headers={"Authorization": f"Bearer {second_key}"})
    assert_problem(denied, 401, "unauthenticated")
    still = await http.get("/v1/tenant", headers={"Authorization": f"Bearer {first_key}"})
    assert still.status_code == 200


async def test_tenant_manages_its_own_keys(http: httpx.AsyncClient, tenant: TenantFixture) -> None:
    created = await http.post("/v1/api_keys", json={"name": "deploy"}, headers=tenant.headers)
    assert created.status_code == 201
    new_key = created.json()["secret"]
    assert (await http.get("/v1/tenant", headers={"Authorization": f"Bearer {new_key}"})).status_code == 200
    revoke = await http.delete(f"/v1/api_keys/{created.json()['id']}", headers=tenant.headers)
    assert revoke.status_code == 200
    assert (await http.get("/v1/tenant", headers={"Authorization": f"Bearer {new_key}"})).status_code == 401


async def test_keys_are_stored_hashed(pool, tenant: TenantFixture) -> None:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT key_hash, prefix FROM api_keys WHERE tenant_id = $1", tenant.id)
    assert len(rows) == 1
    assert bytes(rows[0]["key_hash"]) == security.hash_token(tenant.api_key)
    assert tenant.api_key.encode() not in bytes(rows[0]["key_hash"])
    assert tenant.api_key.startswith(rows[0]["prefix"]) and len(rows[0]["prefix"]) < 12


async def test_another_tenants_key_cannot_be_revoked(
    http: httpx.AsyncClient, pool, tenant: TenantFixture
) -> None:
    from tests.conftest import make_tenant

    other = await make_tenant(pool, "other")
    async with pool.acquire() as conn:
        other_key_id = await conn.fetchval("SELECT id FROM api_keys WHERE tenant_id = $1", other.id)
    response = await http.delete(f"/v1/api_keys/{other_key_id}", headers=tenant.headers)
    assert_problem(response, 404, "api-key-not-found")
    assert (await http.get("/v1/tenant", headers=other.headers)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Basic abc", "Bearer", "Bearer dsk_not-a-real-key", "Bearer sk_live_wrongprefix", "dsk_nobearer"],
)
async def test_bad_credentials_get_401_problem(http: httpx.AsyncClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await http.get("/v1/tenant", headers=headers)
    body = assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "dsk_not-a-real-key" not in body.get("detail", "")


async def test_admin_api_needs_the_operator_token(http: httpx.AsyncClient, tenant: TenantFixture) -> None:
    assert_problem(await http.get("/admin/tenants"), 401, "unauthenticated")
    assert_problem(await http.get("/admin/tenants", headers=tenant.headers), 401, "unauthenticated")


async def test_authentication_compares_in_constant_time(pool, tenant: TenantFixture, monkeypatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    async with pool.acquire() as conn:
        assert await tenant_service.authenticate(conn, tenant.api_key) == tenant.id
        with pytest.raises(Unauthenticated):
            await tenant_service.authenticate(conn, tenant.api_key[:-2] + "xx")
    assert calls and calls[0][0] == security.hash_token(tenant.api_key)


async def test_failed_authentication_returns_the_pooled_connection(
    http: httpx.AsyncClient, live_server
) -> None:
    pool = live_server.server.config.app.state.pool
    for _ in range(pool.get_max_size() + 2):
        response = await http.get("/v1/tenant", headers={"Authorization": "Bearer dsk_unknown"})
        assert response.status_code == 401
    # The middleware releases right after the response is sent; wait for it, with a deadline.
    await eventually(lambda: pool.get_idle_size() == pool.get_size())
