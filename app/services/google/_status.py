"""The REST view of a Google directory's sync progress."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
import structlog

from app.db import Connection
from app.errors import DirectoryNotFound
from app.store import google as google_store

log = structlog.get_logger()


class SyncStatus(msgspec.Struct, kw_only=True):
    """The REST view of a Google directory's sync progress."""

    directory_id: str
    phase: Literal["pending", "users", "groups", "idle", "failed"]
    kind: Literal["initial", "reconcile"] | None
    counts: dict[str, int]
    started_at: datetime | None
    finished_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    initial_completed_at: datetime | None
    users_synced_at: datetime | None
    groups_synced_at: datetime | None
    live_channels: int


async def get_status(conn: Connection, tenant_id: str, directory_id: str) -> SyncStatus:
    if await google_store.get_directory(conn, tenant_id, directory_id) is None:
        raise DirectoryNotFound(f"no Google directory {directory_id}")
    state = await google_store.get_sync_state(conn, tenant_id, directory_id)
    channels = await google_store.list_live_channels(conn, tenant_id, directory_id)
    if state is None:
        return SyncStatus(
            directory_id=directory_id,
            phase="pending",
            kind=None,
            counts={},
            started_at=None,
            finished_at=None,
            last_error=None,
            last_error_at=None,
            consecutive_failures=0,
            next_attempt_at=None,
            initial_completed_at=None,
            users_synced_at=None,
            groups_synced_at=None,
            live_channels=len(channels),
        )
    fields = msgspec.structs.asdict(state)
    fields.pop("tenant_id")
    fields.pop("updated_at")
    return msgspec.convert({**fields, "live_channels": len(channels)}, SyncStatus)
