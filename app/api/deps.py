"""Request dependencies: a pooled connection, the authenticated tenant, settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import structlog
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from app.db import Connection, Pool
from app.errors import Unauthenticated
from app.services import tenant as tenant_service
from app.settings import Settings

# Handlers name these parameters `conn`, `tenant_id` and `settings`; the aliases mark them as injected.
Conn = NamedDependency[Connection]
TenantId = NamedDependency[str]
SettingsDep = NamedDependency[Settings]


async def provide_conn(state: State) -> AsyncGenerator[Connection, None]:
    pool: Pool = state.pool
    async with pool.acquire() as conn:
        yield conn


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def bearer_token(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("missing Authorization header; send 'Authorization: Bearer dsk_...'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("expected 'Authorization: Bearer <token>'")
    return token.strip()


async def provide_tenant_id(request: Request[Any, Any, Any], state: State) -> str:
    """Authenticate the API key and bind the tenant to the log context."""
    token = bearer_token(request)
    pool: Pool = state.pool
    async with pool.acquire() as conn:
        tenant_id = await tenant_service.authenticate(conn, token)
    structlog.contextvars.bind_contextvars(tenant_id=tenant_id)
    return tenant_id
