from __future__ import annotations

from tests.factories import add_members, apply, group_upsert, user_upsert


async def test_api_smoke(http, pool, tenant) -> None:
    r = await http.post(
        "/v1/directories",
        json={"name": "Acme", "provider": "okta", "credentials": {"token": "x"}},
        headers=tenant.headers,
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["scim_token"].startswith("dst_")
    await apply(
        pool,
        tenant.id,
        d["id"],
        user_upsert("alice"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-alice"),
    )
    r = await http.get("/v1/events", params={"directory_id": d["id"], "limit": 2}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert [e["sequence"] for e in page["data"]] == [1, 2]
    r = await http.get(
        "/v1/events", params={"directory_id": d["id"], "after": page["next_cursor"]}, headers=tenant.headers
    )
    assert [e["sequence"] for e in r.json()["data"]] == [3]
    r = await http.get("/v1/events", headers=tenant.headers)
    assert len(r.json()["data"]) == 3, r.text
    r = await http.get(f"/v1/directories/{d['id']}/users", headers=tenant.headers)
    assert r.json()["data"][0]["groups"][0]["name"] == "eng"
    doc = (await http.get("/docs/openapi.json")).json()
    op = doc["paths"]["/v1/events"]["get"]["responses"]["200"]
    print(op)
    assert "user.created" in str(doc["components"]["schemas"])
