"""One LISTEN connection per API process, shared by every long-polling request.

``apply_changes`` issues ``pg_notify('dirsync_events', {"tenant_id", "directory_id", "sequence"})``
inside its transaction; Postgres delivers it on commit. Waiters subscribe per tenant and are
woken by any notification for it; they then re-read the log, so a lost or early wake-up only
costs one query.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
import structlog

log = structlog.get_logger()

CHANNEL = "dirsync_events"


class _Notice(msgspec.Struct):
    tenant_id: str


class EventHub:
    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._conn: asyncpg.Connection[Any] | None = None
        self._lock = asyncio.Lock()
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._decode = msgspec.json.Decoder(_Notice).decode

    async def _ensure_listening(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            return
        async with self._lock:
            if self._conn is not None and not self._conn.is_closed():
                return
            conn = await asyncpg.connect(self._url)
            await conn.add_listener(CHANNEL, self._on_notify)
            conn.add_termination_listener(self._on_terminated)
            self._conn = conn
            log.info("event_hub_listening")

    def _on_terminated(self, conn: Any) -> None:
        # Wake everyone: they re-read, and the next subscriber reconnects.
        self._conn = None
        for waiters in self._waiters.values():
            for event in waiters:
                event.set()

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: object) -> None:
        try:
            tenant_id = self._decode(str(payload)).tenant_id
        except msgspec.DecodeError:
            return
        for event in self._waiters.get(tenant_id, ()):
            event.set()

    @asynccontextmanager
    async def subscribe(self, tenant_id: str) -> AsyncIterator[asyncio.Event]:
        """An Event set whenever the tenant's log may have grown. Subscribe before re-reading."""
        await self._ensure_listening()
        event = asyncio.Event()
        self._waiters.setdefault(tenant_id, set()).add(event)
        try:
            yield event
        finally:
            waiters = self._waiters.get(tenant_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiters[tenant_id]

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            await conn.close()
