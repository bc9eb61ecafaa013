"""The calling tenant and its own API keys (self-service)."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from app.api.deps import Conn, TenantId
from app.api.schemas import ApiKey, ApiKeyCreate, ApiKeyWithSecret, Page, Tenant
from app.errors import TenantNotFound
from app.services import tenant as tenant_service
from app.store import tenant as tenant_store


class TenantController(Controller):
    path = "/v1"
    tags = ["tenant"]

    @get("/tenant", summary="The tenant that owns the API key", operation_id="get_tenant")
    async def me(self, conn: Conn, tenant_id: TenantId) -> Tenant:
        row = await tenant_store.get_tenant(conn, tenant_id)
        if row is None:
            raise TenantNotFound(f"no tenant {tenant_id}")
        return Tenant.from_row(row)

    @get("/api_keys", summary="List API keys", operation_id="list_api_keys")
    async def list_keys(self, conn: Conn, tenant_id: TenantId) -> Page[ApiKey]:
        rows = await tenant_service.list_api_keys(conn, tenant_id)
        return Page(data=[ApiKey.from_row(r) for r in rows])

    @post("/api_keys", summary="Create an API key (its secret is shown once)", operation_id="create_api_key")
    async def create_key(
        self, conn: Conn, tenant_id: TenantId, data: JSONBody[ApiKeyCreate]
    ) -> ApiKeyWithSecret:
        return ApiKeyWithSecret.from_new(await tenant_service.create_api_key(conn, tenant_id, data.name))

    @delete(
        "/api_keys/{key_id:str}", summary="Revoke an API key", operation_id="revoke_api_key", status_code=200
    )
    async def revoke_key(self, conn: Conn, tenant_id: TenantId, key_id: FromPath[str]) -> ApiKey:
        return ApiKey.from_row(await tenant_service.revoke_api_key(conn, tenant_id, key_id))
