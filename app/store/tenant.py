"""Tenants and their API keys."""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.db import Connection


class TenantRow(msgspec.Struct, kw_only=True):
    id: str
    name: str
    created_at: datetime


class ApiKeyRow(msgspec.Struct, kw_only=True):
    id: str
    tenant_id: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


async def insert_tenant(conn: Connection, *, tenant_id: str, name: str) -> TenantRow:
    """Unscoped by design: the tenants table is keyed by the tenant id itself."""
    row = await conn.fetchrow(
        """
        INSERT INTO tenants (id, name) VALUES ($1, $2)
        RETURNING id, name, created_at
        """,
        tenant_id,
        name,
    )
    assert row is not None
    return msgspec.convert(dict(row), TenantRow)


async def get_tenant(conn: Connection, tenant_id: str) -> TenantRow | None:
    """Unscoped by design: the tenants table is keyed by the tenant id itself."""
    row = await conn.fetchrow("SELECT id, name, created_at FROM tenants WHERE id = $1", tenant_id)
    return None if row is None else msgspec.convert(dict(row), TenantRow)


async def list_tenants(conn: Connection, *, after: str | None, limit: int) -> list[TenantRow]:
    """Unscoped by design: operator-only listing of all tenants."""
    rows = await conn.fetch(
        """
        SELECT id, name, created_at FROM tenants
        WHERE ($1::text IS NULL OR id > $1)
        ORDER BY id
        LIMIT $2
        """,
        after,
        limit,
    )
    return [msgspec.convert(dict(r), TenantRow) for r in rows]


async def insert_api_key(
    conn: Connection, tenant_id: str, *, key_id: str, name: str, prefix: str, key_hash: bytes
) -> ApiKeyRow:
    row = await conn.fetchrow(
        """
        INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
        RETURNING id, tenant_id, name, prefix, created_at, revoked_at
        """,
        tenant_id,
        key_id,
        name,
        prefix,
        key_hash,
    )
    assert row is not None
    return msgspec.convert(dict(row), ApiKeyRow)


async def list_api_keys(conn: Connection, tenant_id: str) -> list[ApiKeyRow]:
    rows = await conn.fetch(
        """
        SELECT id, tenant_id, name, prefix, created_at, revoked_at
        FROM api_keys WHERE tenant_id = $1 ORDER BY id
        """,
        tenant_id,
    )
    return [msgspec.convert(dict(r), ApiKeyRow) for r in rows]


async def revoke_api_key(conn: Connection, tenant_id: str, key_id: str) -> ApiKeyRow | None:
    row = await conn.fetchrow(
        """
        UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
        WHERE tenant_id = $1 AND id = $2
        RETURNING id, tenant_id, name, prefix, created_at, revoked_at
        """,
        tenant_id,
        key_id,
    )
    return None if row is None else msgspec.convert(dict(row), ApiKeyRow)


async def get_api_key_by_hash(conn: Connection, key_hash: bytes) -> tuple[str, bytes] | None:
    """(tenant_id, stored hash) of an unrevoked key. Unscoped by design: this resolves the tenant."""
    row = await conn.fetchrow(
        "SELECT tenant_id, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        key_hash,
    )
    return None if row is None else (row["tenant_id"], row["key_hash"])
