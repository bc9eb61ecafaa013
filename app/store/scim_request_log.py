"""The SCIM request log: append, page newest first, prune by age."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection


class ScimRequestRow(msgspec.Struct, kw_only=True):
    id: str
    directory_id: str
    method: str
    path: str
    query: str
    status: int
    latency_ms: float
    user_agent: str | None
    request_body: Any
    response_body: Any
    created_at: datetime


class ScimRequestInsert(msgspec.Struct, kw_only=True):
    id: str
    directory_id: str
    method: str
    path: str
    query: str
    status: int
    latency_ms: float
    user_agent: str | None
    request_body: Any
    response_body: Any


async def insert_requests(conn: Connection, tenant_id: str, entries: list[ScimRequestInsert]) -> None:
    await conn.executemany(
        """
        INSERT INTO scim_request_log (tenant_id, directory_id, id, method, path, query, status,
                                      latency_ms, user_agent, request_body, response_body)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """,
        [
            (
                tenant_id,
                e.directory_id,
                e.id,
                e.method,
                e.path,
                e.query,
                e.status,
                e.latency_ms,
                e.user_agent,
                e.request_body,
                e.response_body,
            )
            for e in entries
        ],
    )


async def list_requests(
    conn: Connection, tenant_id: str, directory_id: str, *, before: str | None, limit: int
) -> list[ScimRequestRow]:
    """Newest first; ``before`` is the id of the last row of the previous page."""
    rows = await conn.fetch(
        """
        SELECT id, directory_id, method, path, query, status, latency_ms, user_agent,
               request_body, response_body, created_at
        FROM scim_request_log
        WHERE tenant_id = $1 AND directory_id = $2 AND ($3::text IS NULL OR id < $3)
        ORDER BY id DESC
        LIMIT $4
        """,
        tenant_id,
        directory_id,
        before,
        limit,
    )
    return [msgspec.convert(dict(r), ScimRequestRow) for r in rows]


async def directory_tenant(conn: Connection, directory_id: str) -> str | None:
    """The tenant owning a directory id. Unscoped by design: it resolves the tenant of a request."""
    tenant_id: str | None = await conn.fetchval(
        "SELECT tenant_id FROM directories WHERE id = $1", directory_id
    )
    return tenant_id


async def directory_exists(conn: Connection, tenant_id: str, directory_id: str) -> bool:
    """Whether the tenant has this directory and it is not deleted (a deleted one is a 404)."""
    found = await conn.fetchval(
        """
        SELECT 1 FROM directories
        WHERE tenant_id = $1 AND id = $2 AND state NOT IN ('deleting', 'deleted')
        """,
        tenant_id,
        directory_id,
    )
    return found is not None


async def prune_requests(conn: Connection, *, older_than: datetime, batch: int = 10_000) -> int:
    """Delete entries older than ``older_than``, in batches.

    Unscoped by design: cross-tenant maintenance (the retention job).
    """
    deleted = 0
    while True:
        result = await conn.execute(
            """
            DELETE FROM scim_request_log
            WHERE (tenant_id, id) IN (
                SELECT tenant_id, id FROM scim_request_log WHERE created_at < $1 LIMIT $2
            )
            """,
            older_than,
            batch,
        )
        count = int(result.split()[-1])
        deleted += count
        if count < batch:
            return deleted
