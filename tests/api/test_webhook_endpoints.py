"""The webhook endpoints API: CRUD, secrets, validation, tenant isolation."""

from __future__ import annotations

from tests.conftest import make_tenant


async def test_crud(tenant, http) -> None:
    created = await http.post(
        "/v1/webhook_endpoints",
        json={
            "url": "http://127.0.0.1:9/hook",
            "description": "billing",
            "event_types": ["user.created", "user.updated"],
            "max_rate": 5,
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["id"].startswith("we_")
    assert endpoint["enabled"] is True and endpoint["directory_ids"] is None
    assert "secret" not in endpoint

    read = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers)
    assert read.json() == endpoint

    patched = await http.patch(
        f"/v1/webhook_endpoints/{endpoint['id']}",
        json={"description": "billing v2", "directory_ids": ["dir_a"], "max_rate": None, "enabled": False},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["description"] == "billing v2" and body["directory_ids"] == ["dir_a"]
    assert body["max_rate"] is None and body["event_types"] == ["user.created", "user.updated"]
    assert body["enabled"] is False and body["disabled_reason"] == "disabled by the tenant"

    secret = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}/secret", headers=tenant.headers)
    assert secret.json()["secret"].startswith("whsec_")

    listed = await http.get("/v1/webhook_endpoints", headers=tenant.headers)
    assert [e["id"] for e in listed.json()["data"]] == [endpoint["id"]]
    assert listed.json()["next_cursor"] is None

    deleted = await http.delete(f"/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    gone = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}", headers=tenant.headers)
    assert gone.status_code == 404
    assert gone.json()["type"].endswith("webhook-endpoint-not-found")


async def test_list_pages(tenant, http) -> None:
    ids = []
    for n in range(3):
        response = await http.post(
            "/v1/webhook_endpoints", json={"url": f"http://127.0.0.1:9/{n}"}, headers=tenant.headers
        )
        ids.append(response.json()["id"])
    first = await http.get("/v1/webhook_endpoints?limit=2", headers=tenant.headers)
    assert len(first.json()["data"]) == 2
    second = await http.get(
        "/v1/webhook_endpoints",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=tenant.headers,
    )
    assert [e["id"] for e in first.json()["data"] + second.json()["data"]] == sorted(ids)
    assert second.json()["next_cursor"] is None


async def test_tenants_cannot_see_each_others_endpoints(pool, tenant, http) -> None:
    other = await make_tenant(pool, "other")
    created = await http.post(
        "/v1/webhook_endpoints", json={"url": "http://127.0.0.1:9/x"}, headers=tenant.headers
    )
    endpoint_id = created.json()["id"]
    for method, path in [
        ("GET", ""),
        ("GET", "/secret"),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/secret/rotate"),
        ("POST", "/test"),
        ("GET", "/attempts"),
    ]:
        response = await http.request(
            method,
            f"/v1/webhook_endpoints/{endpoint_id}{path}",
            json={} if method == "PATCH" else None,
            headers=other.headers,
        )
        assert response.status_code == 404, (method, path)
    assert (await http.get("/v1/webhook_endpoints", headers=other.headers)).json()["data"] == []


async def test_invalid_bodies_are_problem_details(tenant, http) -> None:
    for body in (
        {"url": "http://127.0.0.1:9/x", "event_types": ["user.exploded"]},
        {"url": "http://127.0.0.1:9/x", "max_rate": 0},
        {"url": "http://127.0.0.1:9/x", "surprise": 1},
        {},
    ):
        response = await http.post("/v1/webhook_endpoints", json=body, headers=tenant.headers)
        assert response.status_code == 400, body
        assert response.headers["content-type"].startswith("application/problem+json")
    unauthenticated = await http.get("/v1/webhook_endpoints")
    assert unauthenticated.status_code == 401
