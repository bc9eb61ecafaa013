"""Webhook endpoints: where a tenant's events are delivered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection


class EndpointRow(msgspec.Struct, kw_only=True):
    tenant_id: str
    id: str
    url: str
    description: str
    enabled: bool
    disabled_reason: str | None
    event_types: list[str] | None
    directory_ids: list[str] | None
    max_rate: int | None
    # Plaintext only on rows not yet sealed (no key configured, or written before sealing existed).
    secret: str | None
    previous_secret: str | None
    # {"secret", "previous_secret"} encrypted (app/services/webhook_secrets.py).
    secrets_sealed: bytes | None
    secrets_key_id: str | None
    previous_secret_expires_at: datetime | None
    failing_since: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


def _row(record: Any) -> EndpointRow:
    return msgspec.convert(dict(record), EndpointRow)


async def insert_endpoint(
    conn: Connection,
    tenant_id: str,
    *,
    endpoint_id: str,
    url: str,
    description: str,
    enabled: bool,
    event_types: list[str] | None,
    directory_ids: list[str] | None,
    max_rate: int | None,
    secret: str | None,
    secrets_sealed: bytes | None,
    secrets_key_id: str | None,
) -> EndpointRow:
    record = await conn.fetchrow(
        """
        INSERT INTO webhook_endpoints
            (tenant_id, id, url, description, enabled, event_types, directory_ids, max_rate, secret,
             secrets_sealed, secrets_key_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, secrets_sealed, secrets_key_id,
    previous_secret_expires_at, failing_since, last_error,
    created_at, updated_at
        """,
        tenant_id,
        endpoint_id,
        url,
        description,
        enabled,
        event_types,
        directory_ids,
        max_rate,
        secret,
        secrets_sealed,
        secrets_key_id,
    )
    return _row(record)


async def get_endpoint(conn: Connection, tenant_id: str, endpoint_id: str) -> EndpointRow | None:
    record = await conn.fetchrow(
        """
        SELECT tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
               max_rate, secret, previous_secret, secrets_sealed, secrets_key_id,
    previous_secret_expires_at, failing_since, last_error,
               created_at, updated_at
        FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2
        """,
        tenant_id,
        endpoint_id,
    )
    return None if record is None else _row(record)


async def list_endpoints(
    conn: Connection, tenant_id: str, *, after: str | None, limit: int
) -> list[EndpointRow]:
    records = await conn.fetch(
        """
        SELECT tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, secrets_sealed, secrets_key_id,
    previous_secret_expires_at, failing_since, last_error,
    created_at, updated_at FROM webhook_endpoints
        WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2)
        ORDER BY id LIMIT $3
        """,
        tenant_id,
        after,
        limit,
    )
    return [_row(r) for r in records]


_UPDATABLE = ("url", "description", "enabled", "event_types", "directory_ids", "max_rate")


async def update_endpoint(
    conn: Connection, tenant_id: str, endpoint_id: str, changes: dict[str, Any]
) -> EndpointRow | None:
    """Set the given fields. Re-enabling clears the failing streak and the disabled reason."""
    values = [changes.get(name) for name in _UPDATABLE]
    flags = [name in changes for name in _UPDATABLE]
    record = await conn.fetchrow(
        """
        UPDATE webhook_endpoints SET
            url = CASE WHEN $3 THEN $4 ELSE url END,
            description = CASE WHEN $5 THEN $6 ELSE description END,
            enabled = CASE WHEN $7 THEN $8 ELSE enabled END,
            event_types = CASE WHEN $9 THEN $10 ELSE event_types END,
            directory_ids = CASE WHEN $11 THEN $12 ELSE directory_ids END,
            max_rate = CASE WHEN $13 THEN $14 ELSE max_rate END,
            disabled_reason = CASE WHEN $7 AND $8 THEN NULL
                                   WHEN $7 AND NOT $8 THEN 'disabled by the tenant'
                                   ELSE disabled_reason END,
            failing_since = CASE WHEN $7 AND $8 THEN NULL ELSE failing_since END,
            updated_at = now()
        WHERE tenant_id = $1 AND id = $2
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, secrets_sealed, secrets_key_id,
    previous_secret_expires_at, failing_since, last_error,
    created_at, updated_at
        """,
        tenant_id,
        endpoint_id,
        *[item for pair in zip(flags, values, strict=True) for item in pair],
    )
    return None if record is None else _row(record)


async def delete_endpoint(conn: Connection, tenant_id: str, endpoint_id: str) -> bool:
    status = await conn.execute(
        "DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2", tenant_id, endpoint_id
    )
    return status.endswith(" 1")


async def lock_endpoint(conn: Connection, tenant_id: str, endpoint_id: str) -> EndpointRow | None:
    """The endpoint, its row locked until the caller's transaction ends (secret changes)."""
    record = await conn.fetchrow(
        """
        SELECT tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
               max_rate, secret, previous_secret, secrets_sealed, secrets_key_id, previous_secret_expires_at,
               failing_since, last_error, created_at, updated_at
        FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 FOR UPDATE
        """,
        tenant_id,
        endpoint_id,
    )
    return None if record is None else _row(record)


async def set_secrets(
    conn: Connection,
    tenant_id: str,
    endpoint_id: str,
    *,
    secret: str | None,
    previous_secret: str | None,
    secrets_sealed: bytes | None,
    secrets_key_id: str | None,
    overlap_seconds: float | None,
) -> EndpointRow | None:
    """Store the endpoint's secrets; with ``overlap_seconds`` (a rotation) the previous one signs
    until then, without it (re-encryption) the overlap's end stays as it is."""
    record = await conn.fetchrow(
        """
        UPDATE webhook_endpoints SET
            secret = $3, previous_secret = $4, secrets_sealed = $5, secrets_key_id = $6,
            previous_secret_expires_at = CASE WHEN $7::float8 IS NULL THEN previous_secret_expires_at
                                              ELSE now() + make_interval(secs => $7) END,
            updated_at = CASE WHEN $7::float8 IS NULL THEN updated_at ELSE now() END
        WHERE tenant_id = $1 AND id = $2
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, secrets_sealed, secrets_key_id, previous_secret_expires_at,
    failing_since, last_error, created_at, updated_at
        """,
        tenant_id,
        endpoint_id,
        secret,
        previous_secret,
        secrets_sealed,
        secrets_key_id,
        overlap_seconds,
    )
    return None if record is None else _row(record)


async def list_unsealed_or_stale(conn: Connection, tenant_id: str, active_key_id: str) -> list[str]:
    """Endpoints whose secrets are in plaintext or under a key other than the active one."""
    records = await conn.fetch(
        """
        SELECT id FROM webhook_endpoints
        WHERE tenant_id = $1 AND secrets_key_id IS DISTINCT FROM $2 ORDER BY id
        """,
        tenant_id,
        active_key_id,
    )
    return [r["id"] for r in records]


async def tenants_with_stale_secrets(conn: Connection, active_key_id: str) -> list[str]:
    """Tenants with secrets in plaintext or under another key than the active one.

    Unscoped by design: the worker's startup pass over every tenant."""
    records = await conn.fetch(
        "SELECT DISTINCT tenant_id FROM webhook_endpoints WHERE secrets_key_id IS DISTINCT FROM $1",
        active_key_id,
    )
    return [r["tenant_id"] for r in records]


async def record_failure(
    conn: Connection, tenant_id: str, endpoint_id: str, *, error: str, disable_after: float
) -> tuple[EndpointRow, bool] | None:
    """Start or continue the failing streak; disable the endpoint once it is long enough.

    Returns the endpoint and whether THIS call disabled it. Runs inside the caller's transaction;
    the row lock makes concurrent failures of one endpoint report the disabling once.
    """
    was_enabled = await conn.fetchval(
        "SELECT enabled FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
        tenant_id,
        endpoint_id,
    )
    if was_enabled is None:
        return None
    record = await conn.fetchrow(
        """
        UPDATE webhook_endpoints SET
            failing_since = coalesce(failing_since, now()),
            last_error = $3,
            enabled = enabled AND coalesce(failing_since, now()) > now() - make_interval(secs => $4),
            disabled_reason = CASE
                WHEN enabled AND coalesce(failing_since, now()) <= now() - make_interval(secs => $4)
                THEN 'failing since ' || to_char(coalesce(failing_since, now()) AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': ' || $3
                ELSE disabled_reason END
        WHERE tenant_id = $1 AND id = $2
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, secrets_sealed, secrets_key_id,
    previous_secret_expires_at, failing_since, last_error,
    created_at, updated_at
        """,
        tenant_id,
        endpoint_id,
        error,
        disable_after,
    )
    endpoint = _row(record)
    return endpoint, bool(was_enabled and not endpoint.enabled)


async def record_success(conn: Connection, tenant_id: str, endpoint_id: str) -> None:
    await conn.execute(
        """
        UPDATE webhook_endpoints SET failing_since = NULL, last_error = NULL
        WHERE tenant_id = $1 AND id = $2 AND (failing_since IS NOT NULL OR last_error IS NOT NULL)
        """,
        tenant_id,
        endpoint_id,
    )


async def record_held(conn: Connection, tenant_id: str, endpoint_id: str, error: str) -> None:
    """Why the endpoint's deliveries are held on our side (not the receiver's failure): shown as
    ``last_error``, without ``failing_since``, so it never counts towards auto-disable."""
    await conn.execute(
        """
        UPDATE webhook_endpoints SET last_error = $3
        WHERE tenant_id = $1 AND id = $2 AND last_error IS DISTINCT FROM $3
        """,
        tenant_id,
        endpoint_id,
        error,
    )
