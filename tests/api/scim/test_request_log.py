"""The SCIM request log: what the IdP sent, redacted, readable through the REST API."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.api.scim.conftest import Scim
from tests.conftest import make_tenant
from tests.scim import fixtures


async def test_requests_are_logged_with_secrets_redacted(scim: Scim, http: httpx.AsyncClient) -> None:
    created = await scim.post("/Users?aadOptscim062020", fixtures.body("okta/user_create"))
    user_id = created.json()["id"]
    await scim.patch(
        f"/Users/{user_id}", {"Operations": [{"op": "replace", "path": "password", "value": "hunter2"}]}
    )
    await http.get(f"/scim/v2/{scim.directory_id}/Users", headers={"Authorization": "Bearer wrong-token"})
    await scim.get("/Users?filter=userName+zz+1")
    entries = await wait_for_entries(http, scim, 4)
    assert [(e["method"], e["status"]) for e in entries] == [
        ("GET", 400),
        ("GET", 401),
        ("PATCH", 200),
        ("POST", 201),
    ]
    post = entries[-1]
    assert post["path"] == f"/scim/v2/{scim.directory_id}/Users"
    assert post["query"] == "aadOptscim062020"
    assert post["request_body"]["password"] == "[REDACTED]"
    assert post["request_body"]["userName"] == "test.user@okta.local"
    assert post["response_body"]["id"] == user_id
    assert post["latency_ms"] > 0
    patch = entries[-2]
    assert patch["request_body"]["Operations"][0]["value"] == "[REDACTED]"
    everything = str(entries)
    assert "hunter2" not in everything and "1mz050nq" not in everything
    assert scim.token not in everything and "wrong-token" not in everything
    assert entries[0]["response_body"]["scimType"] == "invalidFilter"


async def test_log_paging_and_tenant_scoping(scim: Scim, http: httpx.AsyncClient, pool: Any) -> None:
    for _ in range(5):
        await scim.get("/ServiceProviderConfig")
    await wait_for_entries(http, scim, 5)
    url = f"/v1/directories/{scim.directory_id}/scim_requests"
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await http.get(url, params=params, headers=scim.tenant.headers)).json()
        seen += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    other = await make_tenant(pool, "other")
    assert (await http.get(url, headers=other.headers)).status_code == 404
    assert (await http.get(url)).status_code == 401


async def test_prune_job_removes_old_entries(scim: Scim, pool: Any, settings: Any) -> None:
    from app.worker.scim import scim_prune_request_log

    await scim.get("/ServiceProviderConfig")
    await wait_for_entries(scim.http, scim, 1)
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE scim_request_log SET created_at = now() - interval '1 year' WHERE tenant_id = $1",
            scim.tenant.id,
        )
    deleted = await scim_prune_request_log({"pool": pool, "settings": settings})
    assert deleted >= 1
    page = (
        await scim.http.get(f"/v1/directories/{scim.directory_id}/scim_requests", headers=scim.tenant.headers)
    ).json()
    assert page["data"] == []


async def wait_for_entries(http: httpx.AsyncClient, scim: Scim, count: int) -> list[dict[str, Any]]:
    """The log is written just after the response is sent: wait for it, with a deadline."""
    url = f"/v1/directories/{scim.directory_id}/scim_requests"
    deadline = time.monotonic() + 10
    while True:
        entries: list[dict[str, Any]] = (await http.get(url, headers=scim.tenant.headers)).json()["data"]
        if len(entries) >= count or time.monotonic() > deadline:
            return entries
        await asyncio.sleep(0.02)


async def test_a_deleted_directorys_log_is_gone(scim: Scim, http: httpx.AsyncClient) -> None:
    # Found by the stateful fuzzing: the log answered 200 after its directory was deleted.
    url = f"/v1/directories/{scim.directory_id}/scim_requests"
    assert (await http.get(url, headers=scim.tenant.headers)).status_code == 200
    deleted = await http.delete(f"/v1/directories/{scim.directory_id}", headers=scim.tenant.headers)
    assert deleted.status_code in (200, 202, 204), deleted.text
    response = await http.get(url, headers=scim.tenant.headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
