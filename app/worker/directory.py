"""Directory jobs: purge directories that were deleted once their events are delivered."""

from __future__ import annotations

from typing import Any

import structlog

from app.services import directory as directory_service
from app.store import directory as directory_store

log = structlog.get_logger()


async def directory_purge(ctx: dict[str, Any]) -> int:
    """Purge every 'deleting' directory that ``directory_ready_to_purge`` allows; returns the count."""
    purged = 0
    async with ctx["pool"].acquire() as conn:
        for tenant_id, directory_id in await directory_store.list_deleting(conn):
            if not await directory_service.directory_ready_to_purge(conn, tenant_id, directory_id):
                continue
            if await directory_service.purge_directory(conn, tenant_id, directory_id):
                purged += 1
                log.info("directory_purged", tenant_id=tenant_id, directory_id=directory_id)
    return purged
