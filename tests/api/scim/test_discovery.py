"""Discovery endpoints, authentication and the wire format of errors."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.scim.conftest import SCIM_JSON, Scim, assert_error, create_user
from tests.factories import make_directory

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


async def test_service_provider_config_tells_the_truth(scim: Scim) -> None:
    response = await scim.get("/ServiceProviderConfig")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCIM_JSON)
    config = response.json()
    assert config["patch"] == {"supported": True}
    assert config["bulk"]["supported"] is False
    assert config["filter"]["supported"] is True
    assert config["filter"]["maxResults"] >= 100
    assert config["sort"] == {"supported": True}
    assert config["etag"] == {"supported": True}
    assert config["changePassword"] == {"supported": False}
    assert {s["type"] for s in config["authenticationSchemes"]} == {"oauthbearertoken", "httpbasic"}


async def test_resource_types_and_schemas(scim: Scim) -> None:
    types = (await scim.get("/ResourceTypes")).json()
    assert types["totalResults"] == 2
    user = next(t for t in types["Resources"] if t["id"] == "User")
    assert user["endpoint"] == "/Users"
    assert user["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    assert (await scim.get("/ResourceTypes/Group")).json()["schema"].endswith(":Group")
    schemas = (await scim.get("/Schemas")).json()
    ids = {s["id"] for s in schemas["Resources"]}
    assert ids == {
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        ENTERPRISE,
    }
    user_schema = (await scim.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).json()
    user_name = next(a for a in user_schema["attributes"] if a["name"] == "userName")
    assert (user_name["uniqueness"], user_name["caseExact"], user_name["required"]) == ("server", False, True)
    assert_error(await scim.get("/Schemas/urn:nope"), 404)


async def test_authentication(scim: Scim, http: httpx.AsyncClient, pool: Any, tenant: Any) -> None:
    path = f"/scim/v2/{scim.directory_id}/Users"
    body = assert_error(await http.get(path), 401)
    assert "detail" in body
    assert_error(await http.get(path, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(await http.get(path, headers={"Authorization": "Token abc"}), 401)
    assert_error(await http.get(path, headers={"Authorization": "Basic !!!"}), 401)
    # Basic with the token as password works (some IdPs only offer Basic).
    assert (await http.get(path, headers=scim.basic())).status_code == 200
    # The tenant's API key is not a SCIM token.
    assert_error(await http.get(path, headers=tenant.headers), 401)
    # Another directory's token never works, not even for the same tenant.
    other, other_token = await make_directory(pool, tenant.id, name="Other")
    assert_error(await http.get(path, headers={"Authorization": f"Bearer {other_token}"}), 401)
    assert (
        await http.get(f"/scim/v2/{other.id}/Users", headers={"Authorization": f"Bearer {other_token}"})
    ).status_code == 200
    assert_error(await http.get("/scim/v2/dir_nope/Users", headers=scim.headers()), 401)


async def test_application_json_accepted_and_unknown_query_parameters_ignored(
    scim: Scim, http: httpx.AsyncClient
) -> None:
    response = await http.post(
        f"/scim/v2/{scim.directory_id}/Users?aadOptscim062020",
        json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "plain-json"},
        headers={"Authorization": f"Bearer {scim.token}"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    listed = await scim.get("/Users?aadOptscim062020&filter=userName+eq+%22plain-json%22&whatever=1")
    assert listed.json()["totalResults"] == 1


async def test_bad_bodies_and_parameters_are_scim_errors(scim: Scim, http: httpx.AsyncClient) -> None:
    response = await http.post(
        f"/scim/v2/{scim.directory_id}/Users", content=b"{not json", headers=scim.headers()
    )
    assert_error(response, 400)
    assert_error(await scim.post("/Users", ["a list"]), 400)
    assert_error(await scim.post("/Users", {"name": {"givenName": "x"}}), 400, "invalidValue")
    assert_error(await scim.get("/Users?startIndex=abc"), 400)
    assert_error(await scim.get("/Users?sortOrder=sideways"), 400, "invalidValue")
    assert_error(await scim.get("/Users?sortBy=nonsense"), 400, "invalidValue")
    user = await create_user(scim, "patchme")
    assert_error(
        await scim.patch(f"/Users/{user['id']}", {"Operations": [{"op": "jump"}]}), 400, "invalidSyntax"
    )


async def test_values_postgres_cannot_store_are_invalid_value(scim: Scim) -> None:
    assert_error(await scim.post("/Users", {"userName": "nul\u0000byte"}), 400, "invalidValue")
