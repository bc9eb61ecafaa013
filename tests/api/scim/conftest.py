"""SCIM test helpers: a directory with its token, a client speaking application/scim+json."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.conftest import TenantFixture
from tests.factories import make_directory

SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Scim:
    """A SCIM client for one directory, over the live server."""

    def __init__(self, http: httpx.AsyncClient, tenant: TenantFixture, directory_id: str, token: str) -> None:
        self.http = http
        self.tenant = tenant
        self.directory_id = directory_id
        self.token = token
        self.base = f"/scim/v2/{directory_id}"

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": SCIM_JSON, **(extra or {})}

    async def request(
        self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        content = None if body is None else json.dumps(body).encode()
        return await self.http.request(
            method, self.base + path, content=content, headers=self.headers(headers)
        )

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any, **kw: Any) -> httpx.Response:
        return await self.request("POST", path, body, **kw)

    async def put(self, path: str, body: Any, **kw: Any) -> httpx.Response:
        return await self.request("PUT", path, body, **kw)

    async def patch(self, path: str, body: Any, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", path, body, **kw)

    async def delete(self, path: str, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", path, **kw)

    def basic(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"okta:{self.token}".encode()).decode()}

    async def events(self) -> list[dict[str, Any]]:
        """Every event of the directory, in sequence order (Events API)."""
        found: list[dict[str, Any]] = []
        after = "0"
        while True:
            page = await self.http.get(
                "/v1/events",
                params={"directory_id": self.directory_id, "after": after, "limit": 500},
                headers=self.tenant.headers,
            )
            assert page.status_code == 200, page.text
            data = page.json()
            found += data["data"]
            after = data["next_cursor"]
            if not data.get("has_more"):
                return found

    async def event_types(self) -> list[str]:
        return [e["type"] for e in await self.events()]


def assert_error(response: httpx.Response, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON), response.headers
    body: dict[str, Any] = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


@pytest.fixture
async def scim(http: httpx.AsyncClient, pool: Any, tenant: TenantFixture) -> Scim:
    directory, token = await make_directory(pool, tenant.id)
    return Scim(http, tenant, directory.id, token)


async def create_user(scim: Scim, user_name: str, **attributes: Any) -> dict[str, Any]:
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name, **attributes}
    response = await scim.post("/Users", body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
