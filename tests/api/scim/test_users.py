"""SCIM Users over HTTP: the RFC's and Okta's/Entra's published requests, replayed."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from tests.api.scim.conftest import Scim, assert_error, create_user
from tests.scim import fixtures

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def subset(actual: Any, expected: Any, ignore: tuple[str, ...] = ("id", "meta")) -> None:
    """Every attribute the source shows is in our response, with the same value."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            if key in ignore:
                continue
            assert key in actual, (key, actual)
            subset(actual[key], value, ())
    else:
        assert actual == expected, (actual, expected)


async def test_okta_create_matches_the_published_response(scim: Scim) -> None:
    case = fixtures.load("okta/user_create")
    response = await scim.post("/Users", case["request"]["body"])
    assert response.status_code == 201, response.text
    user = response.json()
    expected = dict(case["response"]["body"])
    expected.pop("groups")  # ours lists the (no) groups it has, empty lists are omitted
    subset(user, expected)
    assert "password" not in user
    assert user["id"].startswith("du_")
    meta = user["meta"]
    assert meta["resourceType"] == "User"
    assert meta["location"].endswith(f"/scim/v2/{scim.directory_id}/Users/{user['id']}")
    assert meta["version"] == response.headers["etag"]
    assert response.headers["location"] == meta["location"]
    assert meta["created"].endswith("Z")
    assert await scim.event_types() == ["user.created"]


async def test_okta_lookup_before_and_after_create(scim: Scim) -> None:
    case = fixtures.load("okta/user_lookup")
    empty = await scim.get(case["request"]["path"])
    assert empty.status_code == 200
    assert empty.json() == case["response"]["body"]
    await scim.post("/Users", fixtures.body("okta/user_create"))
    found = (await scim.get(case["request"]["path"])).json()
    assert (found["totalResults"], found["itemsPerPage"], found["startIndex"]) == (1, 1, 1)
    assert found["Resources"][0]["userName"] == "test.user@okta.local"


async def test_duplicate_user_name_is_a_uniqueness_conflict(scim: Scim) -> None:
    case = fixtures.load("okta/user_conflict")
    assert (await scim.post("/Users", case["request"]["body"])).status_code == 201
    assert_error(await scim.post("/Users", case["request"]["body"]), 409, "uniqueness")
    shouting = {**case["request"]["body"], "userName": "TEST.USER@OKTA.LOCAL", "externalId": "other"}
    assert_error(await scim.post("/Users", shouting), 409, "uniqueness")
    other = {**case["request"]["body"], "userName": "someone.else", "externalId": "00ujl29u0le5T6Aj10h7"}
    assert_error(await scim.post("/Users", other), 409, "uniqueness")
    assert await scim.event_types() == ["user.created"]


async def test_concurrent_duplicate_creates_leave_one_user(scim: Scim) -> None:
    body = {"userName": "race@example.com"}
    responses = await asyncio.gather(*(scim.post("/Users", body) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    assert (await scim.get('/Users?filter=userName eq "race@example.com"')).json()["totalResults"] == 1


async def test_get_not_found_and_conditional_get(scim: Scim) -> None:
    assert_error(await scim.get("/Users/du_missing"), 404)
    user = await create_user(scim, "cond")
    etag = user["meta"]["version"]
    fresh = await scim.get(f"/Users/{user['id']}", headers={"If-None-Match": etag})
    assert fresh.status_code == 304
    changed = await scim.get(f"/Users/{user['id']}", headers={"If-None-Match": 'W/"999"'})
    assert changed.status_code == 200
    assert changed.json()["userName"] == "cond"


async def test_okta_put_with_preconditions(scim: Scim) -> None:
    created = (await scim.post("/Users", fixtures.body("okta/user_create"))).json()
    body = dict(fixtures.body("okta/user_put"))
    body["id"] = created["id"]
    stale = await scim.put(f"/Users/{created['id']}", body, headers={"If-Match": 'W/"0"'})
    assert_error(stale, 412)
    response = await scim.put(
        f"/Users/{created['id']}", body, headers={"If-Match": created["meta"]["version"]}
    )
    assert response.status_code == 200, response.text
    user = response.json()
    assert user["name"] == {"givenName": "Another", "middleName": "Excited", "familyName": "User"}
    assert user["meta"]["version"] != created["meta"]["version"]
    assert "locale" not in user  # PUT replaces: attributes left out are cleared
    assert_error(await scim.put(f"/Users/{created['id']}", {**body, "id": "du_other"}), 400, "mutability")
    events = await scim.events()
    assert [e["type"] for e in events] == ["user.created", "user.updated"]
    # The same PUT again changes nothing: no event, same version.
    again = await scim.put(f"/Users/{created['id']}", body)
    assert again.json()["meta"]["version"] == user["meta"]["version"]
    assert len(await scim.events()) == 2


async def test_okta_deactivation_emits_one_update_and_a_repeat_emits_none(scim: Scim) -> None:
    created = (await scim.post("/Users", fixtures.body("okta/user_create"))).json()
    patch = fixtures.body("okta/user_deactivate")
    response = await scim.patch(f"/Users/{created['id']}", patch)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    events = await scim.events()
    assert [e["type"] for e in events] == ["user.created", "user.updated"]
    assert events[1]["data"]["state"] == "inactive"
    assert events[1]["previous_attributes"] == {"state": "active"}
    assert (await scim.patch(f"/Users/{created['id']}", patch)).status_code == 200
    assert len(await scim.events()) == 2


async def test_delete_emits_user_deleted(scim: Scim) -> None:
    user = await create_user(scim, "gone")
    assert_error(await scim.delete(f"/Users/{user['id']}", headers={"If-Match": 'W/"42"'}), 412)
    response = await scim.delete(f"/Users/{user['id']}")
    assert response.status_code == 204
    assert_error(await scim.get(f"/Users/{user['id']}"), 404)
    assert_error(await scim.delete(f"/Users/{user['id']}"), 404)
    assert await scim.event_types() == ["user.created", "user.deleted"]


async def test_entra_user_lifecycle(scim: Scim) -> None:
    created = await scim.post("/Users?aadOptscim062020", fixtures.body("entra/user_create"))
    assert created.status_code == 201, created.text
    user = created.json()
    subset(user, fixtures.load("entra/user_create")["response"]["body"], ("id", "meta", "schemas"))
    assert user["roles"] == []
    path = f"/Users/{user['id']}"

    query = fixtures.load("entra/user_query")["request"]["path"]
    listed = (await scim.get(query)).json()
    assert [r["id"] for r in listed["Resources"]] == [user["id"]]
    probe = await scim.get(fixtures.load("entra/user_query_zero")["request"]["path"])
    assert probe.status_code == 200
    assert probe.json()["totalResults"] == 0 and probe.json()["Resources"] == []

    patched = (await scim.patch(path, fixtures.body("entra/user_patch_multi_valued"))).json()
    assert patched["emails"] == [{"value": "updatedEmail@microsoft.com", "type": "work", "primary": True}]
    assert patched["name"]["familyName"] == "updatedFamilyName"
    renamed = (await scim.patch(path, fixtures.body("entra/user_patch_single_valued"))).json()
    assert renamed["userName"] == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"

    multiple = (
        await scim.patch(path + "?aadOptscim062020", fixtures.body("entra/replace_multiple_with_flag"))
    ).json()
    assert multiple["displayName"] == "Bjfe"
    assert multiple["name"]["givenName"] == "Kkom"
    assert multiple[ENTERPRISE]["employeeNumber"] == "Aklq"
    legacy = (await scim.patch(path, fixtures.body("entra/replace_multiple_without_flag"))).json()
    assert (legacy["externalId"], legacy[ENTERPRISE]["employeeNumber"]) == ("Eqpj", "Eqpj")
    nick = (await scim.patch(path, fixtures.body("entra/add_single_value_without_flag"))).json()
    assert nick["nickName"] == "Babs"

    disabled = (await scim.patch(path, fixtures.body("entra/disable_user_without_flag"))).json()
    assert disabled["active"] is False
    types = await scim.event_types()
    assert types.count("user.updated") == 6
    assert (await scim.patch(path, fixtures.body("entra/user_disable"))).status_code == 200
    assert len(await scim.event_types()) == len(types)  # already disabled: no event

    manager = {
        "Operations": [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "mgr-7"},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Finance"},
        ]
    }
    with_manager = (await scim.patch(path, manager)).json()
    assert with_manager[ENTERPRISE]["manager"] == {"value": "mgr-7"}
    assert with_manager[ENTERPRISE]["department"] == "Finance"
    events = await scim.events()
    assert events[-1]["data"]["manager_external_id"] == "mgr-7"
    assert events[-1]["data"]["department"] == "Finance"

    assert (await scim.delete(path)).status_code == 204
    assert (await scim.event_types())[-1] == "user.deleted"


async def test_unknown_attributes_and_extensions_round_trip(scim: Scim) -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE, "urn:example:ext:1.0:User"],
        "userName": "bjensen",
        "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
        "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "primary": True}],
        ENTERPRISE: {
            "costCenter": "4130",
            "department": "Tours",
            "manager": {"value": "m1", "displayName": "John"},
        },
        "urn:example:ext:1.0:User": {"badge": 42},
        "title": "Tour Guide",
    }
    user = await create_user(scim, **{k: v for k, v in body.items() if k != "userName"}, user_name="bjensen")
    fetched = (await scim.get(f"/Users/{user['id']}")).json()
    for key in ("phoneNumbers", "addresses", ENTERPRISE, "urn:example:ext:1.0:User", "title"):
        assert fetched[key] == body[key], key
    assert set(fetched["schemas"]) == set(body["schemas"])
    patched = await scim.patch(f"/Users/{user['id']}", fixtures.body("rfc7644/patch_replace_street"))
    assert patched.json()["addresses"][0]["streetAddress"] == "1010 Broadway Ave"
    events = await scim.events()
    assert events[-1]["data"]["raw_attributes"]["addresses"][0]["streetAddress"] == "1010 Broadway Ave"


async def test_list_paging_sorting_and_projection(scim: Scim) -> None:
    for name in ("carol", "alice", "bob", "dave"):
        await create_user(
            scim, name, name={"givenName": name.upper()}, emails=[{"value": f"{name}@x.test", "type": "work"}]
        )
    page = (await scim.get("/Users?sortBy=userName&startIndex=2&count=2")).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (4, 2, 2)
    assert [u["userName"] for u in page["Resources"]] == ["bob", "carol"]
    desc = (await scim.get("/Users?sortBy=name.givenName&sortOrder=descending&count=1")).json()
    assert desc["Resources"][0]["userName"] == "dave"
    beyond = (await scim.get("/Users?startIndex=10")).json()
    assert (beyond["totalResults"], beyond["Resources"]) == (4, [])
    zero = (await scim.get("/Users?count=0")).json()
    assert (zero["totalResults"], zero["itemsPerPage"]) == (4, 0)
    # RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0
    low = (await scim.get("/Users?sortBy=userName&startIndex=-5&count=1")).json()
    assert (low["startIndex"], [u["userName"] for u in low["Resources"]]) == (1, ["alice"])
    negative = (await scim.get("/Users?count=-3")).json()
    assert (negative["totalResults"], negative["itemsPerPage"], negative["Resources"]) == (4, 0, [])
    only = (
        await scim.get("/Users?attributes=userName,name.givenName&filter=" + quote('userName eq "bob"'))
    ).json()
    assert only["Resources"][0].keys() == {"schemas", "id", "userName", "name"}
    assert only["Resources"][0]["name"] == {"givenName": "BOB"}
    without = (await scim.get("/Users?excludedAttributes=emails,meta,groups&count=1")).json()
    assert "emails" not in without["Resources"][0] and "meta" not in without["Resources"][0]
    assert "id" in without["Resources"][0]


async def test_invalid_filter_is_400_invalid_filter(scim: Scim) -> None:
    case = fixtures.load("rfc7644/error_invalid_filter")
    body = assert_error(await scim.get(case["request"]["path"]), 400, "invalidFilter")
    assert body["detail"]
    assert_error(
        await scim.get("/Users?filter=" + quote('meta.created gt "yesterday"')), 400, "invalidFilter"
    )
    assert_error(await scim.get("/Users?filter=" + quote('emails[type eq "work"')), 400, "invalidFilter")


async def test_filters_over_http(scim: Scim) -> None:
    await create_user(
        scim, "Ann@Example.com", emails=[{"value": "ann@example.com", "type": "work"}], title="CTO"
    )
    await create_user(
        scim, "bo@example.org", emails=[{"value": "bo@example.org", "type": "home"}], active=False
    )
    for text, expected in [
        ('USERNAME eq "ann@example.com"', ["Ann@Example.com"]),
        ('emails[type eq "work" and value co "@example.com"]', ["Ann@Example.com"]),
        ("title pr or active eq false", ["Ann@Example.com", "bo@example.org"]),
        ('not (userName sw "a")', ["bo@example.org"]),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName ew ".org"', ["bo@example.org"]),
    ]:
        found = (await scim.get("/Users?sortBy=userName&filter=" + quote(text))).json()
        assert [u["userName"] for u in found["Resources"]] == expected, text


async def test_rfc_error_examples(scim: Scim) -> None:
    """RFC 7644 §3.12's worked error bodies: same schemas, string status and scimType."""
    missing = fixtures.load("rfc7644/error_not_found")
    expected = missing["response"]["body"]
    body = assert_error(await scim.get(missing["request"]["path"]), missing["response"]["status"])
    assert (body["schemas"], body["status"], "scimType" in body) == (expected["schemas"], "404", False)
    assert "2819c223-7f76-453a-919d-413861904646" in body["detail"]

    case = fixtures.load("rfc7644/error_mutability")
    user = await create_user(scim, "bjensen")
    expected = case["response"]["body"]
    body = assert_error(
        await scim.put(f"/Users/{user['id']}", case["request"]["body"]),
        case["response"]["status"],
        expected["scimType"],
    )
    assert (body["schemas"], body["status"]) == (expected["schemas"], expected["status"])


async def test_write_responses_match_a_fresh_read(scim: Scim) -> None:
    """POST, PUT and PATCH answer the resource as stored (built without reading it back)."""
    created = await scim.post(
        "/Users",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "fresh",
            "name": {"givenName": "Fre", "familyName": "Sh", "middleName": "M"},
            "emails": [{"value": "f@x.test", "type": "work", "primary": True}],
            ENTERPRISE: {"department": "R&D", "costCenter": "7"},
            "nickName": "F",
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    path = f"/Users/{user['id']}"
    read = await scim.get(path)
    assert read.json() == user
    assert read.headers["etag"] == created.headers["etag"] == 'W/"1"'
    for method, body in [
        ("PATCH", {"Operations": [{"op": "replace", "path": "displayName", "value": "Fresh One"}]}),
        ("PATCH", {"Operations": [{"op": "replace", "value": {"active": False}}]}),
        ("PATCH", {"Operations": [{"op": "replace", "value": {"active": False}}]}),  # a no-op
        ("PUT", {"userName": "fresh", "externalId": "ext-fresh", "emails": []}),
    ]:
        written = await scim.request(method, path, body)
        assert written.status_code == 200, written.text
        again = await scim.get(path)
        assert written.json() == again.json(), method
        assert written.headers["etag"] == again.headers["etag"] == again.json()["meta"]["version"]
    assert again.json()["meta"]["version"] == 'W/"4"'
