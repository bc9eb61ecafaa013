"""The Events API: pages of stored event bodies, per directory or tenant-wide, with long-poll.

Bodies are returned exactly as stored (never decoded and re-encoded): a page is the bytes of
``{"data": [<body>, ...], "next_cursor": ..., "has_more": ...}``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import re

import msgspec

from app.db import Pool
from app.errors import BadCursor, DirectoryNotFound, EventNotFound, InvalidRequest
from app.events import EVENT_TYPES
from app.services.event_hub import EventHub
from app.store import directory as directory_store
from app.store import event as event_store

MAX_WAIT_SECONDS = 30
# Re-read at least this often while long-polling: the tenant-wide horizon can advance without a
# notification for this tenant (another tenant's transaction finishing).
_REPOLL_SECONDS = 1.0
_CURSOR = re.compile(r"^v1\.(\d{1,20})\.(\d{1,20})$")


class EventPage(msgspec.Struct, frozen=True):
    bodies: list[str]
    next_cursor: str
    has_more: bool

    def to_json(self) -> bytes:
        cursor = msgspec.json.encode(self.next_cursor).decode()
        more = "true" if self.has_more else "false"
        return f'{{"data":[{",".join(self.bodies)}],"next_cursor":{cursor},"has_more":{more}}}'.encode()


def encode_stream_cursor(tx_id: int, position: int) -> str:
    return base64.urlsafe_b64encode(f"v1.{tx_id}.{position}".encode()).decode().rstrip("=")


def decode_stream_cursor(cursor: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("the cursor is not one this API returned") from None
    match = _CURSOR.match(raw)
    if match is None:
        raise BadCursor("the cursor is not one this API returned")
    return int(match.group(1)), int(match.group(2))


def parse_types(types: str | None) -> list[str] | None:
    if types is None:
        return None
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown or not wanted:
        raise InvalidRequest(f"unknown event type(s): {', '.join(unknown) or '(empty)'}")
    return wanted


def parse_after(after: str | None) -> int:
    """A directory's position: a sequence number (``after`` or the ``next_cursor`` we returned)."""
    if after is None:
        return 0
    if not after.isdigit() or len(after) > 18:
        raise BadCursor("after must be a sequence number (0 or more)")
    return int(after)


async def _directory_page(
    pool: Pool, tenant_id: str, directory_id: str, after: int, limit: int, types: list[str] | None
) -> EventPage:
    async with pool.acquire() as conn:
        rows = await event_store.list_directory_bodies(
            conn, tenant_id, directory_id, after=after, limit=limit, types=types
        )
    last = rows[-1][1] if rows else after
    return EventPage(bodies=[r[0] for r in rows], next_cursor=str(last), has_more=len(rows) == limit)


async def _tenant_page(
    pool: Pool, tenant_id: str, after: tuple[int, int] | None, limit: int, types: list[str] | None
) -> EventPage:
    async with pool.acquire() as conn:
        rows = await event_store.list_tenant_bodies(conn, tenant_id, after=after, limit=limit, types=types)
    if rows:
        cursor = encode_stream_cursor(rows[-1].tx_id, rows[-1].position)
    else:
        cursor = encode_stream_cursor(*(after or (0, 0)))
    return EventPage(bodies=[r.body for r in rows], next_cursor=cursor, has_more=len(rows) == limit)


async def list_events(
    pool: Pool,
    hub: EventHub,
    tenant_id: str,
    *,
    directory_id: str | None,
    after: str | None,
    cursor: str | None,
    types: str | None,
    limit: int,
    wait: float,
) -> EventPage:
    """One page of events; with ``wait`` > 0 and nothing new, block until an event commits."""
    wanted = parse_types(types)
    if directory_id is not None:
        # `after` (a sequence) is this mode's parameter; a `cursor` from a previous page works too.
        position = parse_after(after if after is not None else cursor)
        async with pool.acquire() as conn:
            if await directory_store.get(conn, tenant_id, directory_id) is None:
                raise DirectoryNotFound(f"no directory {directory_id}")

        async def fetch() -> EventPage:
            assert directory_id is not None
            return await _directory_page(pool, tenant_id, directory_id, position, limit, wanted)

    else:
        if after is not None:
            raise InvalidRequest("after (a sequence) needs directory_id; page the tenant stream with cursor")
        stream_after = decode_stream_cursor(cursor) if cursor is not None else None

        async def fetch() -> EventPage:
            return await _tenant_page(pool, tenant_id, stream_after, limit, wanted)

    page = await fetch()
    if page.bodies or wait <= 0:
        return page
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(wait, MAX_WAIT_SECONDS)
    async with hub.subscribe(tenant_id) as woken:
        while True:
            woken.clear()
            page = await fetch()  # re-read after subscribing: a commit in between is not missed
            remaining = deadline - loop.time()
            if page.bodies or remaining <= 0:
                return page
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), timeout=min(remaining, _REPOLL_SECONDS))


async def get_event_body(pool: Pool, tenant_id: str, event_id: str) -> str:
    async with pool.acquire() as conn:
        row = await event_store.get(conn, tenant_id, event_id)
    if row is None:
        raise EventNotFound(f"no event {event_id}")
    return row.body
