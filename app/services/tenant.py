"""Tenants and API keys: create, list, revoke, authenticate."""

from __future__ import annotations

import msgspec

from app import ids, security
from app.db import Connection
from app.errors import ApiKeyNotFound, TenantNotFound, Unauthenticated
from app.store import tenant as store
from app.store.tenant import ApiKeyRow, TenantRow

API_KEY_PREFIX = "dsk"


class NewApiKey(msgspec.Struct, kw_only=True):
    key: ApiKeyRow
    secret: str


async def create_tenant(conn: Connection, name: str) -> tuple[TenantRow, NewApiKey]:
    """Create a tenant with a first API key; the key's secret is returned once and never stored."""
    async with conn.transaction():
        tenant = await store.insert_tenant(conn, tenant_id=ids.new_id("ten"), name=name)
        key = await _insert_key(conn, tenant.id, "default")
    return tenant, key


async def _insert_key(conn: Connection, tenant_id: str, name: str) -> NewApiKey:
    secret = security.new_token(API_KEY_PREFIX)
    row = await store.insert_api_key(
        conn,
        tenant_id,
        key_id=ids.new_id("key"),
        name=name,
        prefix=security.display_prefix(secret),
        key_hash=security.hash_token(secret),
    )
    return NewApiKey(key=row, secret=secret)


async def create_api_key(conn: Connection, tenant_id: str, name: str) -> NewApiKey:
    if await store.get_tenant(conn, tenant_id) is None:
        raise TenantNotFound(f"no tenant {tenant_id}")
    return await _insert_key(conn, tenant_id, name)


async def list_api_keys(conn: Connection, tenant_id: str) -> list[ApiKeyRow]:
    if await store.get_tenant(conn, tenant_id) is None:
        raise TenantNotFound(f"no tenant {tenant_id}")
    return await store.list_api_keys(conn, tenant_id)


async def revoke_api_key(conn: Connection, tenant_id: str, key_id: str) -> ApiKeyRow:
    row = await store.revoke_api_key(conn, tenant_id, key_id)
    if row is None:
        raise ApiKeyNotFound(f"no API key {key_id}")
    return row


async def authenticate(conn: Connection, token: str) -> str:
    """Resolve a bearer API key to its tenant id, or raise Unauthenticated."""
    if not token.startswith(API_KEY_PREFIX + "_"):
        raise Unauthenticated("expected an API key of the form dsk_...")
    found = await store.get_api_key_by_hash(conn, security.hash_token(token))
    # The lookup is by hash; the final comparison is constant-time so timing says nothing about the key.
    if found is None or not security.token_matches(token, found[1]):
        raise Unauthenticated("unknown or revoked API key")
    return found[0]
