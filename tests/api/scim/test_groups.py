"""SCIM Groups over HTTP: membership in every shape Okta, Entra and the RFC send."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.api.scim.conftest import Scim, assert_error, create_user
from tests.scim import fixtures

OKTA_GROUP = "abf4dd94-a4c0-4f67-89c9-76b03340cb9b"
OKTA_USER = "23a35c27-23d3-4c03-b4c5-6443c09e7173"
OKTA_OTHER = "89bb1940-b905-4575-9e7f-6f887cfb368e"


def substitute(body: Any, ids: dict[str, str]) -> Any:
    """A fixture body with the source's ids replaced by the ids our server assigned."""
    text = json.dumps(body)
    for theirs, ours in ids.items():
        text = text.replace(theirs, ours)
    return json.loads(text)


async def members(scim: Scim, group_id: str) -> list[str]:
    group = (await scim.get(f"/Groups/{group_id}")).json()
    return sorted(m["value"] for m in group.get("members", []))


async def test_okta_group_push(scim: Scim) -> None:
    alice = await create_user(scim, "test.user@okta.local")
    bob = await create_user(scim, "other.user@okta.local")
    case = fixtures.load("okta/group_create")
    created = await scim.post("/Groups", case["request"]["body"])
    assert created.status_code == 201, created.text
    group = created.json()
    assert (group["displayName"], group["members"]) == ("Test SCIMv2", [])
    assert group["meta"]["resourceType"] == "Group"
    ids = {OKTA_GROUP: group["id"], OKTA_USER: alice["id"], OKTA_OTHER: bob["id"]}

    lookup = (await scim.get(fixtures.load("okta/group_lookup")["request"]["path"])).json()
    assert [g["id"] for g in lookup["Resources"]] == [group["id"]]

    rename = substitute(fixtures.body("okta/group_rename"), ids)
    rename["Operations"][0]["value"]["displayName"] = "Test SCIMv20"
    assert (await scim.patch(f"/Groups/{group['id']}", rename)).status_code == 204
    assert (await scim.get(f"/Groups/{group['id']}")).json()["displayName"] == "Test SCIMv20"

    replace = substitute(fixtures.body("okta/group_replace_members"), ids)
    assert (await scim.patch(f"/Groups/{group['id']}", replace)).status_code == 204
    assert await members(scim, group["id"]) == sorted([alice["id"], bob["id"]])

    # remove members[value eq "..."] and add a members array in one request
    membership = substitute(fixtures.body("okta/group_membership"), ids)
    assert (await scim.patch(f"/Groups/{group['id']}", membership)).status_code == 204
    assert await members(scim, group["id"]) == [alice["id"]]

    put = substitute(fixtures.body("okta/group_put"), ids)
    put["displayName"] = "Test SCIMv20"  # unchanged: the PUT only adds bob
    put["members"].append({"value": bob["id"]})
    response = await scim.put(f"/Groups/{group['id']}", put)
    assert response.status_code == 200, response.text
    assert sorted(m["value"] for m in response.json()["members"]) == sorted([alice["id"], bob["id"]])
    user_groups = (await scim.get(f"/Users/{bob['id']}")).json()["groups"]
    assert [g["value"] for g in user_groups] == [group["id"]]

    assert (await scim.delete(f"/Groups/{group['id']}")).status_code == 204
    assert_error(await scim.get(f"/Groups/{group['id']}"), 404)
    types = await scim.event_types()
    assert types[:8] == [
        "user.created",
        "user.created",
        "group.created",
        "group.updated",
        "group.user_added",
        "group.user_added",
        "group.user_removed",
        "group.user_added",
    ], types
    assert "group.deleted" in types[8:], types


async def test_entra_group_flow(scim: Scim) -> None:
    user = await create_user(scim, "entra.member")
    created = await scim.post("/Groups", fixtures.body("entra/group_create"))
    assert created.status_code == 201, created.text
    group = created.json()
    subset = fixtures.load("entra/group_create")["response"]["body"]
    assert (group["externalId"], group["displayName"], group["members"]) == (
        subset["externalId"],
        subset["displayName"],
        [],
    )
    got = (await scim.get(f"/Groups/{group['id']}?excludedAttributes=members")).json()
    assert "members" not in got and got["displayName"] == "displayName"
    query = (await scim.get(fixtures.load("entra/group_query")["request"]["path"])).json()
    assert [g["id"] for g in query["Resources"]] == [group["id"]]
    assert "members" not in query["Resources"][0]

    ids = {
        "fa2ce26709934589afc5": group["id"],
        "a99962b9f99d4c4fac67": group["id"],
        "f648f8d5ea4e4cd38e9c": user["id"],
    }
    rename = await scim.patch(
        f"/Groups/{group['id']}", substitute(fixtures.body("entra/group_patch_name"), ids)
    )
    assert rename.status_code == 204
    add = await scim.patch(
        f"/Groups/{group['id']}", substitute(fixtures.body("entra/group_add_members"), ids)
    )
    assert add.status_code == 204
    assert await members(scim, group["id"]) == [user["id"]]
    remove = await scim.patch(
        f"/Groups/{group['id']}", substitute(fixtures.body("entra/group_remove_members"), ids)
    )
    assert remove.status_code == 204
    assert await members(scim, group["id"]) == []
    # the flagged shape: members[value eq "..."]
    await scim.patch(f"/Groups/{group['id']}", substitute(fixtures.body("entra/group_add_members"), ids))
    flagged = substitute(
        fixtures.body("entra/remove_member_with_flag"), {"7f4bc1a3-285e-48ae-8202-5accb43efb0e": user["id"]}
    )
    assert (await scim.patch(f"/Groups/{group['id']}?aadOptscim062020", flagged)).status_code == 204
    assert await members(scim, group["id"]) == []
    # removing someone who is not a member (or not a user) is a no-op
    legacy = fixtures.body("entra/remove_member_without_flag")
    assert (await scim.patch(f"/Groups/{group['id']}", legacy)).status_code == 204
    assert (await scim.delete(f"/Groups/{group['id']}")).status_code == 204
    assert await scim.event_types() == [
        "user.created",
        "group.created",
        "group.updated",
        "group.user_added",
        "group.user_removed",
        "group.user_added",
        "group.user_removed",
        "group.deleted",
    ]


async def test_members_are_honoured_on_post_and_put(scim: Scim) -> None:
    a = await create_user(scim, "a")
    b = await create_user(scim, "b")
    created = await scim.post(
        "/Groups", {"displayName": "With members", "members": [{"value": a["id"]}, {"value": b["id"]}]}
    )
    assert created.status_code == 201, created.text
    assert sorted(m["value"] for m in created.json()["members"]) == sorted([a["id"], b["id"]])
    put = await scim.put(
        f"/Groups/{created.json()['id']}", {"displayName": "With members", "members": [{"value": b["id"]}]}
    )
    assert [m["value"] for m in put.json()["members"]] == [b["id"]]
    assert_error(
        await scim.post("/Groups", {"displayName": "Ghosts", "members": [{"value": "du_nobody"}]}),
        400,
        "invalidValue",
    )
    assert_error(await scim.post("/Groups", {"members": []}), 400, "invalidValue")
    group_id = created.json()["id"]
    body = await scim.patch(
        f"/Groups/{group_id}?attributes=displayName", {"Operations": [{"op": "remove", "path": "members"}]}
    )
    assert body.status_code == 200
    assert body.json().keys() == {"schemas", "id", "displayName"}
    assert await members(scim, group_id) == []


async def test_rfc_member_patches(scim: Scim) -> None:
    babs = await create_user(scim, "babs")
    james = await create_user(scim, "james")
    group = (await scim.post("/Groups", {"displayName": "Tour Guides"})).json()
    ids = {
        "acbf3ae7-8463-4692-b4fd-9b4da3f908ce": group["id"],
        "2819c223-7f76-453a-919d-413861904646": babs["id"],
        "08e1d05d-121c-4561-8b96-473d93df9210": james["id"],
    }
    path = f"/Groups/{group['id']}"
    for name, expected in [
        ("rfc7644/patch_add_member", [babs["id"]]),
        ("rfc7644/patch_remove_all_then_add_members", sorted([babs["id"], james["id"]])),
        ("rfc7644/patch_replace_members", sorted([babs["id"], james["id"]])),
        ("rfc7644/patch_remove_member", [james["id"]]),
        ("rfc7644/patch_remove_all_members", []),
    ]:
        response = await scim.patch(path, substitute(fixtures.body(name), ids))
        assert response.status_code == 204, (name, response.text)
        assert await members(scim, group["id"]) == expected, name


async def test_group_filters_and_if_match(scim: Scim) -> None:
    user = await create_user(scim, "filter.member")
    group = (
        await scim.post(
            "/Groups", {"displayName": "Engineering", "externalId": "eng", "members": [{"value": user["id"]}]}
        )
    ).json()
    await scim.post("/Groups", {"displayName": "Sales"})
    by_member = (await scim.get(f'/Groups?filter=members.value eq "{user["id"]}"')).json()
    assert [g["displayName"] for g in by_member["Resources"]] == ["Engineering"]
    by_name = (await scim.get('/Groups?filter=displayName sw "ENG"&sortBy=displayName')).json()
    assert [g["id"] for g in by_name["Resources"]] == [group["id"]]
    assert_error(await scim.post("/Groups", {"displayName": "Dupe", "externalId": "eng"}), 409, "uniqueness")
    stale = await scim.patch(
        f"/Groups/{group['id']}",
        {"Operations": [{"op": "replace", "path": "displayName", "value": "x"}]},
        headers={"If-Match": 'W/"0"'},
    )
    assert_error(stale, 412)


async def test_thousand_member_patch_is_one_batch(scim: Scim, pool: Any) -> None:
    async with pool.acquire() as conn:
        user_ids = await seed_users(conn, scim, 1000)
    group = (await scim.post("/Groups", {"displayName": "Everyone"})).json()
    before = len(await scim.events())
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": u} for u in user_ids]}],
    }
    started = time.perf_counter()
    response = await scim.patch(f"/Groups/{group['id']}", body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 204, response.text
    events = (await scim.events())[before:]
    assert len(events) == 1000 and {e["type"] for e in events} == {"group.user_added"}
    # one transaction: one contiguous run of sequence numbers
    assert [e["sequence"] for e in events] == list(range(events[0]["sequence"], events[0]["sequence"] + 1000))
    assert elapsed < 5, elapsed  # the benchmark measures the real figure
    remove = {
        "Operations": [{"op": "remove", "path": "members", "value": [{"value": u} for u in user_ids[:500]]}]
    }
    assert (await scim.patch(f"/Groups/{group['id']}", remove)).status_code == 204
    assert len(await members(scim, group["id"])) == 500


async def seed_users(conn: Any, scim: Scim, count: int) -> list[str]:
    """Users created through the store in one batch (faster than 1,000 POSTs)."""
    from app.changes import ChangeBatch, UserUpsert
    from app.ids import new_id
    from app.services.directory import apply_changes

    ids = [new_id("du") for _ in range(count)]
    batch = ChangeBatch(
        changes=tuple(UserUpsert(id=i, username=f"bulk{n}@example.com") for n, i in enumerate(ids))
    )
    await apply_changes(conn, scim.tenant.id, scim.directory_id, batch)
    return ids
