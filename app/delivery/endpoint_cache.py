"""Endpoints, and which endpoints a directory's commits wake, kept in the worker between commits.

Valid only while the worker's commit listener is connected: every change to an endpoint row
notifies 'dirsync_endpoints' when it commits (migration 0010), and the listener drops what it
concerns before it handles any later commit's wake-up. While the listener is down (and just
after it reconnects) everything is read from Postgres, as without a cache.

A read that raced with a change is not kept: each change bumps a generation, and a row read
under an older generation is returned but not stored.
"""

from __future__ import annotations

from typing import TypeVar

from app.db import Connection
from app.store import delivery as delivery_store
from app.store import webhook_endpoint as endpoint_store
from app.store.webhook_endpoint import EndpointRow

ENDPOINTS_CHANNEL = "dirsync_endpoints"
MAX_ENTRIES = 100_000
T = TypeVar("T")


class EndpointCache:
    def __init__(self) -> None:
        self.live = False
        self._generation = 0
        self._endpoints: dict[tuple[str, str], EndpointRow] = {}
        self._wanting: dict[tuple[str, str], list[str]] = {}

    def reset(self, *, live: bool) -> None:
        """Forget everything; ``live`` says whether changes are being heard from now on."""
        self._generation += 1
        self._endpoints.clear()
        self._wanting.clear()
        self.live = live

    def changed(self, tenant_id: str, endpoint_id: str) -> None:
        self._generation += 1
        self._endpoints.pop((tenant_id, endpoint_id), None)
        # Which endpoints want which directory may have changed (filter, enabled, new, deleted).
        self._wanting.clear()

    def cached(self, tenant_id: str, endpoint_id: str) -> EndpointRow | None:
        """The endpoint if it is cached (no Postgres round trip), else None."""
        return self._endpoints.get((tenant_id, endpoint_id))

    async def endpoint(self, conn: Connection, tenant_id: str, endpoint_id: str) -> EndpointRow | None:
        key = (tenant_id, endpoint_id)
        cached = self._endpoints.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        row = await endpoint_store.get_endpoint(conn, tenant_id, endpoint_id)
        if row is not None:
            self._keep(self._endpoints, key, row, generation)
        return row

    def cached_directory_endpoints(self, tenant_id: str, directory_id: str) -> list[str] | None:
        """``directory_endpoints`` if it is cached (no Postgres round trip), else None."""
        return self._wanting.get((tenant_id, directory_id))

    async def directory_endpoints(self, conn: Connection, tenant_id: str, directory_id: str) -> list[str]:
        """The endpoints whose streams a commit to the directory wakes (creating missing streams)."""
        key = (tenant_id, directory_id)
        cached = self._wanting.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        endpoint_ids = await delivery_store.ensure_directory_streams(conn, tenant_id, directory_id)
        self._keep(self._wanting, key, endpoint_ids, generation)
        return endpoint_ids

    def _keep(self, table: dict[tuple[str, str], T], key: tuple[str, str], value: T, generation: int) -> None:
        """Store a read, unless a change came in while it was being made (or nothing is heard)."""
        if self.live and generation == self._generation:
            if len(table) >= MAX_ENTRIES:
                table.clear()
            table[key] = value
