"""Numbering and encoding of a batch's events, shared by the locking and the optimistic apply."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app import ids
from app.events import (
    DirectoryActivated,
    DirectoryDeleted,
    GroupCreated,
    GroupDeleted,
    GroupUpdated,
    GroupUserAdded,
    GroupUserRemoved,
    UserCreated,
    UserDeleted,
    UserUpdated,
)
from app.services._apply import PendingEvent
from app.store.directory import DirectoryRow

_EVENT_CLASSES: dict[str, type[Any]] = {
    "directory.activated": DirectoryActivated,
    "directory.deleted": DirectoryDeleted,
    "user.created": UserCreated,
    "user.updated": UserUpdated,
    "user.deleted": UserDeleted,
    "group.created": GroupCreated,
    "group.updated": GroupUpdated,
    "group.deleted": GroupDeleted,
    "group.user_added": GroupUserAdded,
    "group.user_removed": GroupUserRemoved,
}
encode = msgspec.json.Encoder().encode


class StoredEvent(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    type: str
    directory_id: str | None
    sequence: int | None
    body: bytes  # the JSON envelope exactly as delivered everywhere


class ApplyResult(msgspec.Struct, kw_only=True, frozen=True):
    events: list[StoredEvent]
    duplicate: bool = False


def number_events(
    directory: DirectoryRow, pending: list[PendingEvent], occurred_at: datetime, recorded_at: datetime
) -> list[StoredEvent]:
    """Give the events the directory's next sequence numbers and encode each envelope once."""
    first = directory.last_sequence + 1
    event_ids = ids.new_ids("evt", len(pending))
    stored: list[StoredEvent] = []
    for offset, (kind, data, previous) in enumerate(pending):
        event = _EVENT_CLASSES[kind](
            id=event_ids[offset],
            directory_id=directory.id,
            sequence=first + offset,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            provider=directory.provider,
            data=data,
            previous_attributes=previous,
        )
        stored.append(
            StoredEvent(
                id=event.id, type=kind, directory_id=directory.id, sequence=event.sequence, body=encode(event)
            )
        )
    return stored


def notify_payload(tenant_id: str, directory_id: str, events: list[StoredEvent]) -> str:
    last = events[-1].sequence
    return encode({"tenant_id": tenant_id, "directory_id": directory_id, "sequence": last}).decode()
