"""Directories: rows, the per-apply row lock and sequence allocation, SCIM token hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection

_COLUMNS = """
    id, tenant_id, name, provider, state, settings, role_mappings, attribute_mappings,
    last_sequence, created_at, updated_at
"""


class DirectoryRow(msgspec.Struct, kw_only=True):
    id: str
    tenant_id: str
    name: str
    provider: str
    state: str
    settings: dict[str, Any]
    role_mappings: dict[str, str]
    attribute_mappings: dict[str, str]
    last_sequence: int
    created_at: datetime
    updated_at: datetime


class TokenRow(msgspec.Struct, kw_only=True):
    tenant_id: str
    id: str
    provider: str
    state: str
    scim_token_hash: bytes | None
    previous_scim_token_hash: bytes | None
    previous_scim_token_expires_at: datetime | None


class CredentialsRow(msgspec.Struct, kw_only=True):
    credentials: bytes | None
    credentials_key_id: str | None


def _row(record: Any) -> DirectoryRow:
    return msgspec.convert(dict(record), DirectoryRow)


async def insert(
    conn: Connection,
    tenant_id: str,
    *,
    directory_id: str,
    name: str,
    provider: str,
    settings: dict[str, Any],
    role_mappings: dict[str, str],
    attribute_mappings: dict[str, str],
    token_hash: bytes,
    token_prefix: str,
) -> DirectoryRow:
    row = await conn.fetchrow(
        f"""
        INSERT INTO directories (tenant_id, id, name, provider, settings, role_mappings,
                                 attribute_mappings, scim_token_hash, scim_token_prefix)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING {_COLUMNS}
        """,
        tenant_id,
        directory_id,
        name,
        provider,
        settings,
        role_mappings,
        attribute_mappings,
        token_hash,
        token_prefix,
    )
    return _row(row)


async def get(conn: Connection, tenant_id: str, directory_id: str) -> DirectoryRow | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM directories WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        directory_id,
    )
    return None if row is None else _row(row)


async def lock_for_apply(conn: Connection, tenant_id: str, directory_id: str) -> DirectoryRow | None:
    """Lock the row for the rest of the transaction: writers of one directory queue here, so
    sequence order is commit order. NO KEY UPDATE lets FK checks of child inserts proceed."""
    row = await conn.fetchrow(
        f"""
        SELECT {_COLUMNS} FROM directories WHERE tenant_id = $1 AND id = $2
        FOR NO KEY UPDATE
        """,
        tenant_id,
        directory_id,
    )
    return None if row is None else _row(row)


async def list_page(conn: Connection, tenant_id: str, *, after: str | None, limit: int) -> list[DirectoryRow]:
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM directories
        WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) AND state IN ('active', 'inactive')
        ORDER BY id LIMIT $3
        """,
        tenant_id,
        after,
        limit,
    )
    return [_row(r) for r in rows]


async def update(conn: Connection, tenant_id: str, directory_id: str, **fields: Any) -> DirectoryRow | None:
    allowed = ("name", "settings", "role_mappings", "attribute_mappings", "state")
    sets = [f"{name} = ${i}" for i, name in enumerate((n for n in allowed if n in fields), start=3)]
    values = [fields[n] for n in allowed if n in fields]
    row = await conn.fetchrow(
        f"""
        UPDATE directories SET {", ".join([*sets, "updated_at = now()"])}
        WHERE tenant_id = $1 AND id = $2
        RETURNING {_COLUMNS}
        """,
        tenant_id,
        directory_id,
        *values,
    )
    return None if row is None else _row(row)


async def set_state(conn: Connection, tenant_id: str, directory_id: str, state: str) -> None:
    await conn.execute(
        """
        UPDATE directories
        SET state = $3, updated_at = now(),
            deleted_at = CASE WHEN $3 = 'deleted' THEN now() ELSE deleted_at END
        WHERE tenant_id = $1 AND id = $2
        """,
        tenant_id,
        directory_id,
        state,
    )


async def get_token_row(conn: Connection, directory_id: str) -> TokenRow | None:
    """Unscoped by design: SCIM requests name only the directory; this resolves its tenant."""
    row = await conn.fetchrow(
        """
        SELECT tenant_id, id, provider, state, scim_token_hash, previous_scim_token_hash,
               previous_scim_token_expires_at
        FROM directories WHERE id = $1
        """,
        directory_id,
    )
    return None if row is None else msgspec.convert(dict(row), TokenRow)


async def rotate_token(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    token_hash: bytes,
    token_prefix: str,
    previous_expires_at: datetime,
) -> DirectoryRow | None:
    row = await conn.fetchrow(
        f"""
        UPDATE directories
        SET previous_scim_token_hash = scim_token_hash,
            previous_scim_token_expires_at = $5,
            scim_token_hash = $3, scim_token_prefix = $4, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND state IN ('active', 'inactive')
        RETURNING {_COLUMNS}
        """,
        tenant_id,
        directory_id,
        token_hash,
        token_prefix,
        previous_expires_at,
    )
    return None if row is None else _row(row)


async def get_credentials(conn: Connection, tenant_id: str, directory_id: str) -> CredentialsRow | None:
    row = await conn.fetchrow(
        "SELECT credentials, credentials_key_id FROM directories WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        directory_id,
    )
    return None if row is None else msgspec.convert(dict(row), CredentialsRow)


async def set_credentials(
    conn: Connection, tenant_id: str, directory_id: str, *, blob: bytes | None, key_id: str | None
) -> None:
    await conn.execute(
        """
        UPDATE directories SET credentials = $3, credentials_key_id = $4
        WHERE tenant_id = $1 AND id = $2
        """,
        tenant_id,
        directory_id,
        blob,
        key_id,
    )


async def list_stale_credentials(conn: Connection, tenant_id: str, active_key_id: str) -> list[str]:
    """Directories whose credentials are encrypted under a key other than the active one."""
    rows = await conn.fetch(
        """
        SELECT id FROM directories
        WHERE tenant_id = $1 AND credentials IS NOT NULL AND credentials_key_id <> $2
        ORDER BY id
        """,
        tenant_id,
        active_key_id,
    )
    return [r["id"] for r in rows]


async def list_deleting(conn: Connection, *, limit: int = 100) -> list[tuple[str, str]]:
    """(tenant_id, id) of directories awaiting purge. Unscoped by design: the purge job spans tenants."""
    rows = await conn.fetch(
        "SELECT tenant_id, id FROM directories WHERE state = 'deleting' ORDER BY updated_at LIMIT $1",
        limit,
    )
    return [(r["tenant_id"], r["id"]) for r in rows]


async def insert_applied_source(conn: Connection, tenant_id: str, directory_id: str, source_id: str) -> bool:
    """Record a batch's source id; False when it was already applied."""
    inserted = await conn.fetchval(
        """
        INSERT INTO applied_sources (tenant_id, directory_id, source_id) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        tenant_id,
        directory_id,
        source_id,
    )
    return bool(inserted)


async def purge_contents(conn: Connection, tenant_id: str, directory_id: str) -> None:
    """Delete a directory's memberships, users and groups (its events stay)."""
    for table in ("directory_memberships", "directory_users", "directory_groups", "applied_sources"):
        await conn.execute(
            f"DELETE FROM {table} WHERE tenant_id = $1 AND directory_id = $2",
            tenant_id,
            directory_id,
        )
