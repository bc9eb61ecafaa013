from __future__ import annotations

import asyncio
import time

from tests.factories import apply, make_directory, user_upsert


async def test_directory_paging_types_and_one_event(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    result = await apply(pool, tenant.id, directory.id, *(user_upsert(f"u{i}") for i in range(5)))
    await apply(pool, tenant.id, directory.id, user_upsert("u0", state="inactive"))
    params = {"directory_id": directory.id, "limit": 2}
    seen = []
    after = "0"
    while True:
        page = (
            await http.get("/v1/events", params={**params, "after": after}, headers=tenant.headers)
        ).json()
        seen += [e["sequence"] for e in page["data"]]
        after = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [1, 2, 3, 4, 5, 6]
    updated = await http.get(
        "/v1/events", params={"directory_id": directory.id, "types": "user.updated"}, headers=tenant.headers
    )
    assert [e["previous_attributes"] for e in updated.json()["data"]] == [{"state": "active"}]
    one = await http.get(f"/v1/events/{result.events[0].id}", headers=tenant.headers)
    assert one.content == result.events[0].body


async def test_bad_event_queries_are_problems(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    for params in (
        {"cursor": "garbage"},
        {"after": "5"},
        {"directory_id": directory.id, "after": "-1"},
        {"types": "user.exploded"},
        {"limit": 0},
        {"limit": 501},
        {"wait": 31},
    ):
        response = await http.get("/v1/events", params=params, headers=tenant.headers)
        assert response.status_code == 400, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    missing = await http.get("/v1/events", params={"directory_id": "dir_nope"}, headers=tenant.headers)
    assert missing.status_code == 404


async def test_tenant_stream_pages_with_cursor(http, pool, tenant) -> None:
    one, _ = await make_directory(pool, tenant.id, name="one")
    two, _ = await make_directory(pool, tenant.id, name="two")
    await apply(pool, tenant.id, one.id, user_upsert("a"))
    await apply(pool, tenant.id, two.id, user_upsert("b"), user_upsert("c"))
    deadline = time.monotonic() + 20
    ids: list[str] = []
    cursor = None
    while len(ids) < 3 and time.monotonic() < deadline:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await http.get("/v1/events", params=params, headers=tenant.headers)).json()
        ids += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
    assert len(ids) == 3 and len(set(ids)) == 3


async def test_long_poll_returns_when_an_event_commits(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    started = time.monotonic()
    poll = asyncio.ensure_future(
        http.get("/v1/events", params={"directory_id": directory.id, "wait": 20}, headers=tenant.headers)
    )
    done, _ = await asyncio.wait({poll}, timeout=0.3)
    assert not done  # nothing yet: the request is waiting
    await apply(pool, tenant.id, directory.id, user_upsert("late"))
    response = await asyncio.wait_for(poll, timeout=10)
    assert [e["type"] for e in response.json()["data"]] == ["user.created"]
    assert time.monotonic() - started < 10


async def test_long_poll_times_out_empty(http, pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    response = await http.get(
        "/v1/events", params={"directory_id": directory.id, "wait": 1}, headers=tenant.headers
    )
    assert response.json() == {"data": [], "next_cursor": "0", "has_more": False}


async def test_openapi_documents_the_event_union(http) -> None:
    doc = (await http.get("/docs/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    ref = doc["paths"]["/v1/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ]
    event_list = schemas[ref.rsplit("/", 1)[1]]
    items = event_list["properties"]["data"]["items"]
    assert items.get("discriminator", {}).get("propertyName") == "type" or "oneOf" in items, items
    assert "UserUpdated" in schemas and "GroupUserAdded" in schemas
