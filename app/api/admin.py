"""Operator API: tenants and their API keys, protected by the operator token."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.api.deps import Conn, SettingsDep, bearer_token
from app.api.schemas import ApiKey, ApiKeyCreate, ApiKeyWithSecret, Page, Tenant, TenantCreate, TenantCreated
from app.errors import TenantNotFound, Unauthenticated
from app.services import tenant as tenant_service
from app.store import tenant as tenant_store


async def require_operator(request: Request[Any, Any, Any], app_settings: SettingsDep) -> None:
    expected = app_settings.operator_token
    token = bearer_token(request)
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthenticated("the admin API needs the operator token (DIRSYNC_OPERATOR_TOKEN)")


class AdminTenantController(Controller):
    path = "/admin/tenants"
    tags = ["admin"]
    security = [{"operatorToken": []}]
    dependencies = {"_operator": Provide(require_operator)}

    @post("/", summary="Create a tenant and its first API key", operation_id="admin_create_tenant")
    async def create(
        self, conn: Conn, data: JSONBody[TenantCreate], _operator: NamedDependency[None]
    ) -> TenantCreated:
        tenant, key = await tenant_service.create_tenant(conn, data.name)
        return TenantCreated(
            tenant=Tenant.from_row(tenant),
            api_key=ApiKeyWithSecret.from_new(key),
        )

    @get("/", summary="List tenants", operation_id="admin_list_tenants")
    async def list(
        self,
        conn: Conn,
        _operator: NamedDependency[None],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> Page[Tenant]:
        rows = await tenant_store.list_tenants(conn, after=cursor, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(data=[Tenant.from_row(r) for r in rows], next_cursor=rows[-1].id if more else None)

    @get("/{tenant_id:str}", summary="Read a tenant", operation_id="admin_get_tenant")
    async def read(self, conn: Conn, tenant_id: FromPath[str], _operator: NamedDependency[None]) -> Tenant:
        row = await tenant_store.get_tenant(conn, tenant_id)
        if row is None:
            raise TenantNotFound(f"no tenant {tenant_id}")
        return Tenant.from_row(row)

    @post("/{tenant_id:str}/api_keys", summary="Create an API key", operation_id="admin_create_api_key")
    async def create_key(
        self,
        conn: Conn,
        tenant_id: FromPath[str],
        data: JSONBody[ApiKeyCreate],
        _operator: NamedDependency[None],
    ) -> ApiKeyWithSecret:
        key = await tenant_service.create_api_key(conn, tenant_id, data.name)
        return ApiKeyWithSecret.from_new(key)

    @get("/{tenant_id:str}/api_keys", summary="List API keys", operation_id="admin_list_api_keys")
    async def list_keys(
        self, conn: Conn, tenant_id: FromPath[str], _operator: NamedDependency[None]
    ) -> Page[ApiKey]:
        rows = await tenant_service.list_api_keys(conn, tenant_id)
        return Page(data=[ApiKey.from_row(r) for r in rows])

    @delete(
        "/{tenant_id:str}/api_keys/{key_id:str}",
        summary="Revoke an API key",
        operation_id="admin_revoke_api_key",
        status_code=200,
    )
    async def revoke_key(
        self, conn: Conn, tenant_id: FromPath[str], key_id: FromPath[str], _operator: NamedDependency[None]
    ) -> ApiKey:
        return ApiKey.from_row(await tenant_service.revoke_api_key(conn, tenant_id, key_id))
