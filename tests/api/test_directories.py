from __future__ import annotations

import json

import pytest

from tests.conftest import make_tenant
from tests.factories import add_members, apply, group_upsert, make_directory, user_upsert


async def test_directory_crud(http, tenant, settings) -> None:
    created = await http.post(
        "/v1/directories",
        json={
            "name": "Acme",
            "provider": "okta",
            "credentials": {"api_token": "x"},
            "role_mappings": {"eng": "dev"},
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["scim_token"].startswith("dst_")
    assert body["scim_base_url"] == f"{settings.base_url()}/scim/v2/{body['id']}"
    assert "credentials" not in body
    directory_id = body["id"]

    read = await http.get(f"/v1/directories/{directory_id}", headers=tenant.headers)
    assert read.status_code == 200 and "scim_token" not in read.json()

    patched = await http.patch(
        f"/v1/directories/{directory_id}", json={"name": "Acme EU"}, headers=tenant.headers
    )
    assert patched.json()["name"] == "Acme EU" and patched.json()["role_mappings"] == {"eng": "dev"}

    listed = await http.get("/v1/directories", params={"limit": 1}, headers=tenant.headers)
    assert listed.json()["data"][0]["id"] == directory_id and listed.json()["next_cursor"] is None

    rotated = await http.post(f"/v1/directories/{directory_id}/scim_token/rotate", headers=tenant.headers)
    assert rotated.status_code == 200 and rotated.json()["scim_token"] != body["scim_token"]

    deleted = await http.delete(f"/v1/directories/{directory_id}", headers=tenant.headers)
    assert deleted.status_code == 200 and deleted.json()["state"] == "deleting"
    events = await http.get("/v1/events", params={"directory_id": directory_id}, headers=tenant.headers)
    assert [e["type"] for e in events.json()["data"]] == ["directory.deleted"]
    refused = await http.patch(f"/v1/directories/{directory_id}", json={"name": "x"}, headers=tenant.headers)
    assert refused.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "provider": "ldap"},
        {"name": "", "provider": "scim"},
        {"name": "x", "provider": "scim", "surprise": 1},
    ],
)
async def test_bad_directory_input(http, tenant, body) -> None:
    response = await http.post("/v1/directories", json=body, headers=tenant.headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await http.get("/v1/directories", headers=tenant.headers)).json()["data"] == []


async def test_users_groups_and_members(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id, role_mappings={"eng": "developer"})
    await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("alice"),
        user_upsert("bob", state="inactive"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-alice"),
    )
    base = f"/v1/directories/{directory.id}"
    users = (await http.get(f"{base}/users", headers=tenant.headers)).json()
    assert {u["username"] for u in users["data"]} == {"alice", "bob"}
    inactive = (await http.get(f"{base}/users", params={"state": "inactive"}, headers=tenant.headers)).json()
    assert [u["username"] for u in inactive["data"]] == ["bob"]
    by_email = await http.get(f"{base}/users", params={"email": "ALICE@example.com"}, headers=tenant.headers)
    alice = by_email.json()["data"][0]
    assert alice["roles"] == ["developer"]
    group_id = alice["groups"][0]["id"]
    in_group = await http.get(f"{base}/users", params={"group": group_id}, headers=tenant.headers)
    assert [u["username"] for u in in_group.json()["data"]] == ["alice"]
    one = await http.get(f"{base}/users/{alice['id']}", headers=tenant.headers)
    assert one.json()["groups"] == [{"id": group_id, "name": "eng"}]
    groups = (await http.get(f"{base}/groups", headers=tenant.headers)).json()
    assert [g["name"] for g in groups["data"]] == ["eng"]
    assert (await http.get(f"{base}/groups/{group_id}", headers=tenant.headers)).json()["name"] == "eng"
    members = (await http.get(f"{base}/groups/{group_id}/members", headers=tenant.headers)).json()
    assert [u["username"] for u in members["data"]] == ["alice"]
    page = (await http.get(f"{base}/users", params={"limit": 1}, headers=tenant.headers)).json()
    rest = (
        await http.get(f"{base}/users", params={"cursor": page["next_cursor"]}, headers=tenant.headers)
    ).json()
    assert len(page["data"]) == 1 and len(rest["data"]) == 1 and rest["next_cursor"] is None
    bad = await http.get(f"{base}/users", params={"state": "asleep"}, headers=tenant.headers)
    assert bad.status_code == 400
    too_many = await http.get(f"{base}/users", params={"limit": 501}, headers=tenant.headers)
    assert too_many.status_code == 400


async def test_every_route_404s_for_another_tenant(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    result = await apply(
        pool, tenant.id, directory.id, user_upsert("a"), group_upsert("g"), add_members("ext-g", "ext-a")
    )
    user_id = json.loads(result.events[0].body)["data"]["id"]
    group_id = json.loads(result.events[1].body)["data"]["id"]
    assert user_id.startswith("du_") and group_id.startswith("dg_")
    other = await make_tenant(pool, "other")
    base = f"/v1/directories/{directory.id}"
    requests = [
        ("GET", base, None),
        ("PATCH", base, {"name": "x"}),
        ("DELETE", base, None),
        ("POST", f"{base}/scim_token/rotate", None),
        ("GET", f"{base}/users", None),
        ("GET", f"{base}/users/{user_id}", None),
        ("GET", f"{base}/groups", None),
        ("GET", f"{base}/groups/{group_id}", None),
        ("GET", f"{base}/groups/{group_id}/members", None),
        ("GET", f"/v1/events?directory_id={directory.id}", None),
        ("GET", f"/v1/events/{result.events[0].id}", None),
    ]
    for method, url, body in requests:
        response = await http.request(method, url, json=body, headers=other.headers)
        assert response.status_code == 404, (method, url, response.text)
    # The owner still sees everything unchanged.
    assert (await http.get(base, headers=tenant.headers)).json()["state"] == "active"
    assert (await http.get(f"/v1/events/{result.events[0].id}", headers=tenant.headers)).status_code == 200
