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
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    failing_since: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    def signing_secrets(self, now: datetime) -> list[str]:
        """The current secret, and the previous one while its rotation overlap lasts."""
        keep_previous = (
            self.previous_secret is not None
            and self.previous_secret_expires_at is not None
            and self.previous_secret_expires_at > now
        )
        return [self.secret, self.previous_secret] if keep_previous else [self.secret]  # type: ignore[list-item]


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
    secret: str,
) -> EndpointRow:
    record = await conn.fetchrow(
        """
        INSERT INTO webhook_endpoints
            (tenant_id, id, url, description, enabled, event_types, directory_ids, max_rate, secret)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
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
    )
    return _row(record)


async def get_endpoint(conn: Connection, tenant_id: str, endpoint_id: str) -> EndpointRow | None:
    record = await conn.fetchrow(
        """
        SELECT tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
               max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
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
    max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
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
    max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
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


async def rotate_secret(
    conn: Connection, tenant_id: str, endpoint_id: str, *, secret: str, overlap_seconds: float
) -> EndpointRow | None:
    record = await conn.fetchrow(
        """
        UPDATE webhook_endpoints SET
            previous_secret = secret,
            previous_secret_expires_at = now() + make_interval(secs => $4),
            secret = $3,
            updated_at = now()
        WHERE tenant_id = $1 AND id = $2
        RETURNING tenant_id, id, url, description, enabled, disabled_reason, event_types, directory_ids,
    max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
    created_at, updated_at
        """,
        tenant_id,
        endpoint_id,
        secret,
        overlap_seconds,
    )
    return None if record is None else _row(record)


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
    max_rate, secret, previous_secret, previous_secret_expires_at, failing_since, last_error,
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
        WHERE tenant_id = $1 AND id = $2 AND failing_since IS NOT NULL
        """,
        tenant_id,
        endpoint_id,
    )
