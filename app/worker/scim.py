"""SCIM jobs: prune the request log past its retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from app.store import scim_request_log as log_store

log = structlog.get_logger()


async def scim_prune_request_log(ctx: dict[str, Any]) -> int:
    hours = ctx["settings"].scim.request_log_retention_hours
    async with ctx["pool"].acquire() as conn:
        deleted = await log_store.prune_requests(conn, older_than=datetime.now(UTC) - timedelta(hours=hours))
    log.info("scim_request_log_pruned", deleted=deleted, retention_hours=hours)
    return deleted
