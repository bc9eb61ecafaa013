from __future__ import annotations

import httpx
import msgspec
from litestar import get

from tests.api.test_auth import assert_problem
from tests.conftest import LiveServer, TenantFixture
from tests.factories import make_directory


async def test_unknown_route_is_404_problem(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/no-such-thing")
    body = assert_problem(response, 404, "not-found")
    assert body["instance"] == "/v1/no-such-thing"


async def test_wrong_method_is_405_problem(http: httpx.AsyncClient) -> None:
    assert_problem(await http.delete("/healthz"), 405, "method-not-allowed")


async def test_malformed_json_is_400_problem_and_changes_nothing(
    http: httpx.AsyncClient, tenant: TenantFixture, pool
) -> None:
    response = await http.post(
        "/v1/api_keys", content=b'{"name": ', headers={**tenant.headers, "content-type": "application/json"}
    )
    body = assert_problem(response, 400, "bad-request")
    assert body["detail"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM api_keys WHERE tenant_id = $1", tenant.id) == 1


async def test_validation_error_names_the_field(http: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await http.post("/v1/api_keys", json={"name": 42}, headers=tenant.headers)
    body = assert_problem(response, 400, "validation-error")
    assert body["errors"][0]["field"] == "name"
    assert "str" in body["errors"][0]["message"]

    response = await http.post("/v1/api_keys", json={"name": "x" * 201}, headers=tenant.headers)
    body = assert_problem(response, 400, "validation-error")
    assert "name" in body["detail"]


async def test_unknown_field_is_rejected(http: httpx.AsyncClient, operator_headers) -> None:
    response = await http.post("/admin/tenants", json={"name": "x", "plan": "gold"}, headers=operator_headers)
    body = assert_problem(response, 400, "validation-error")
    assert "plan" in body["detail"]


async def test_query_parameter_out_of_range(http: httpx.AsyncClient, operator_headers) -> None:
    response = await http.get("/admin/tenants?limit=0", headers=operator_headers)
    body = assert_problem(response, 400, "validation-error")
    assert "limit" in body["detail"]


async def test_oversized_body_is_413_problem(settings) -> None:
    small = msgspec.structs.replace(
        settings, http=msgspec.structs.replace(settings.http, max_body_bytes=2048)
    )
    server = LiveServer(small)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            response = await client.post(
                "/admin/tenants",
                json={"name": "x" * 5000},
                headers={"Authorization": "Bearer test-operator-token"},
            )
    finally:
        await server.stop()
    assert_problem(response, 413, "payload-too-large")


async def test_crash_is_500_problem_without_internals(settings) -> None:
    @get("/boom", sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("secret internal detail at /srv/app.py line 12")

    server = LiveServer(settings, extra_route_handlers=[boom])
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            response = await client.get("/boom")
    finally:
        await server.stop()
    body = assert_problem(response, 500, "internal")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]


async def test_request_id_is_honoured_and_echoed(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz", headers={"X-Request-ID": "req-abc.123"})
    assert response.headers["x-request-id"] == "req-abc.123"


async def test_request_id_is_generated_when_absent_or_unsafe(http: httpx.AsyncClient) -> None:
    first = await http.get("/healthz")
    second = await http.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(first.headers["x-request-id"]) == 26
    assert second.headers["x-request-id"] != "bad id\twith spaces"
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_problem_carries_the_request_id(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/tenant", headers={"X-Request-ID": "trace-77"})
    assert response.json()["request_id"] == "trace-77"
    not_found = await http.get("/nope", headers={"X-Request-ID": "trace-78"})
    assert not_found.headers["x-request-id"] == "trace-78"
    assert not_found.json()["request_id"] == "trace-78"


async def test_nul_in_text_is_a_validation_error(http: httpx.AsyncClient, operator_headers) -> None:
    response = await http.post("/admin/tenants", json={"name": "bad\u0000name"}, headers=operator_headers)
    body = assert_problem(response, 400, "validation-error")
    assert body["errors"][0]["field"] == "name"


async def test_options_lists_every_method_of_the_path(http: httpx.AsyncClient) -> None:
    response = await http.options("/v1/api_keys")
    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}


async def test_value_postgres_cannot_store_is_400_and_changes_nothing(
    http: httpx.AsyncClient, tenant: TenantFixture, pool
) -> None:
    response = await http.post(
        "/v1/directories",
        json={"name": "Acme", "provider": "scim", "settings": {"note": "nul\u0000inside"}},
        headers=tenant.headers,
    )
    assert_problem(response, 400, "invalid-value")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM directories WHERE tenant_id = $1", tenant.id) == 0


async def test_a_rest_path_with_a_trailing_slash_is_404(
    http: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # Without this, /v1/directories/ (an empty directory id) answered with the directory list.
    body = assert_problem(await http.get("/v1/directories/", headers=tenant.headers), 404, "not-found")
    assert "trailing slash" in body["detail"]
    assert (await http.get("/v1/directories", headers=tenant.headers)).status_code == 200


async def test_scim_paths_accept_a_trailing_slash(
    http: httpx.AsyncClient, pool, tenant: TenantFixture
) -> None:
    directory, token = await make_directory(pool, tenant.id)
    response = await http.get(f"/scim/v2/{directory.id}/Users/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.json()["totalResults"] == 0
