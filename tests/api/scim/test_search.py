"""POST /Users/.search and /Groups/.search (RFC 7644 §3.4.3), and /Me and /Bulk answering 501."""

from __future__ import annotations

from tests.api.scim.conftest import SCIM_JSON, Scim, assert_error, create_user
from tests.scim import fixtures

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


async def test_rfc_search_request_answers_a_list_response(scim: Scim) -> None:
    await create_user(scim, "jsmith", displayName="Smith, John", title="CTO")
    await create_user(scim, "asmith", displayName="smith, Ann")
    await create_user(scim, "bjensen", displayName="Babs Jensen")
    case = fixtures.load("rfc7644/search_request")
    response = await scim.post(case["request"]["path"], case["request"]["body"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    page = response.json()
    assert page["schemas"] == [LIST]
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (2, 1, 2)
    for user in page["Resources"]:
        # attributes: only those asked for, plus id and schemas (RFC 7644 §3.9)
        assert user.keys() == {"schemas", "id", "userName", "displayName"}
    assert {u["userName"] for u in page["Resources"]} == {"jsmith", "asmith"}


async def test_search_pages_sorts_and_excludes_like_the_get_list(scim: Scim) -> None:
    for name in ("carol", "alice", "bob", "dave"):
        await create_user(scim, name)
    body = {"schemas": [SEARCH], "sortBy": "userName", "startIndex": 2, "count": 2}
    page = (await scim.post("/Users/.search", body)).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (4, 2, 2)
    assert [u["userName"] for u in page["Resources"]] == ["bob", "carol"]
    descending = {"schemas": [SEARCH], "sortBy": "userName", "sortOrder": "descending", "count": 1}
    assert (await scim.post("/Users/.search", descending)).json()["Resources"][0]["userName"] == "dave"
    # startIndex below 1 is 1; count 0 returns only totalResults (RFC 7644 §3.4.2.4)
    zero = (await scim.post("/Users/.search", {"schemas": [SEARCH], "startIndex": 0, "count": 0})).json()
    assert (zero["totalResults"], zero["startIndex"], zero["itemsPerPage"]) == (4, 1, 0)
    assert zero["Resources"] == []
    excluded = {"schemas": [SEARCH], "excludedAttributes": ["meta", "groups"], "count": 1}
    user = (await scim.post("/Users/.search", excluded)).json()["Resources"][0]
    assert "meta" not in user and "groups" not in user and "userName" in user
    # member names are case-insensitive; an empty body lists everything
    upper = (await scim.post("/Users/.search", {"FILTER": 'userName eq "bob"'})).json()
    assert [u["userName"] for u in upper["Resources"]] == ["bob"]
    assert (await scim.post("/Users/.search", {})).json()["totalResults"] == 4


async def test_search_groups(scim: Scim) -> None:
    ann = await create_user(scim, "ann")
    for name in ("Engineering", "Sales"):
        created = await scim.post(
            "/Groups",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": name,
                "members": [{"value": ann["id"]}],
            },
        )
        assert created.status_code == 201, created.text
    body = {"schemas": [SEARCH], "filter": 'displayName eq "sales"', "attributes": ["displayName"]}
    page = (await scim.post("/Groups/.search", body)).json()
    assert page["totalResults"] == 1
    assert page["Resources"][0].keys() == {"schemas", "id", "displayName"}
    with_members = {"schemas": [SEARCH], "filter": 'displayName eq "Engineering"'}
    found = (await scim.post("/Groups/.search", with_members)).json()["Resources"][0]
    assert [m["value"] for m in found["members"]] == [ann["id"]]


async def test_bad_search_requests_are_scim_errors(scim: Scim) -> None:
    assert_error(await scim.post("/Users/.search", {"filter": 'userName zz "x"'}), 400, "invalidFilter")
    assert_error(
        await scim.post("/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}),
        400,
        "invalidSyntax",
    )
    assert_error(await scim.post("/Users/.search", {"count": "ten"}), 400, "invalidValue")
    assert_error(await scim.post("/Users/.search", {"attributes": [1]}), 400, "invalidValue")
    assert_error(await scim.post("/Groups/.search", {"sortOrder": "up"}), 400, "invalidValue")
    assert_error(await scim.post("/Users/.search", ["not", "an", "object"]), 400)


async def test_me_and_bulk_answer_501(scim: Scim) -> None:
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        assert_error(await scim.request(method, "/Me", {} if method != "GET" else None), 501)
    bulk = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []}
    assert_error(await scim.post("/Bulk", bulk), 501)
    # the token is still required first
    scim.token = "dst_wrong"
    assert_error(await scim.get("/Me"), 401)


async def test_root_search_and_unknown_paths_answer_in_scim_form(scim: Scim) -> None:
    assert_error(await scim.post("/.search", {"schemas": [SEARCH]}), 501)
    # no route and no such method are decided before the SCIM router, and still answer in SCIM form
    assert_error(await scim.get("/Nope"), 404)
    assert_error(await scim.request("PUT", "/Users/.search", {}), 405)
    assert_error(await scim.post("/Users/du_x", {}), 405)
