"""Request dependencies: a pooled connection, the authenticated tenant, settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.types import ASGIApp, Receive, Scope, Send

from app.db import Connection, Pool

if TYPE_CHECKING:
    from asyncpg import Record
    from asyncpg.pool import PoolConnectionProxy
from app.errors import Unauthenticated
from app.services import tenant as tenant_service
from app.settings import Settings

# Handlers name these parameters `conn`, `tenant_id` and `app_settings`; the aliases mark them as injected.
Conn = NamedDependency[Connection]
TenantId = NamedDependency[str]
SettingsDep = NamedDependency[Settings]


_HOLDER_KEY = "db_connection"


class _ConnectionHolder:
    """One pooled connection per request, acquired on first use, released by the middleware."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.conn: PoolConnectionProxy[Record] | None = None

    async def get(self) -> Connection:
        if self.conn is None:
            self.conn = await self.pool.acquire()
        return self.conn

    async def release(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            await self.pool.release(conn)


def connection_middleware(app: ASGIApp) -> ASGIApp:
    """Release the request's connection however the request ends.

    A generator dependency is not cleaned up when a sibling dependency (authentication) raises,
    which leaked a pool connection on every 401; releasing here cannot be skipped.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        holder = _ConnectionHolder(scope["litestar_app"].state.pool)
        scope.setdefault("state", {})[_HOLDER_KEY] = holder
        try:
            await app(scope, receive, send)
        finally:
            await holder.release()

    return middleware


async def provide_conn(request: Request[Any, Any, Any]) -> Connection:
    holder: _ConnectionHolder = request.scope["state"][_HOLDER_KEY]
    return await holder.get()


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
