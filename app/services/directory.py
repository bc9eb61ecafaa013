"""Directories and the one entry point that changes directory state: ``apply_changes``.

CONTRACT (other areas code against these signatures; issue #4 implements them):
- Providers produce ``ChangeBatch``es; SCIM, pull syncs and push hooks call ``apply_changes``.
- ``apply_changes`` runs in ONE transaction (a savepoint if the caller already opened one):
  it applies the changes, diffs against stored state, appends events with the directory's next
  sequence numbers, and issues ``pg_notify('dirsync_events', '{"tenant_id":…,"directory_id":…,
  "sequence":<last>}')`` so listeners (delivery waker, Events API long-poll, Kafka relay) wake on
  commit. A change that changes nothing appends nothing. A batch whose ``source_id`` was already
  applied returns ``ApplyResult(duplicate=True, events=[])``.
- Errors (app.errors): DirectoryNotFound, UserNotFound, GroupNotFound (a Ref that matches
  nothing on update/remove), UserNameTaken (case-insensitive username clash in the directory),
  UnknownMembers (membership refs that match no user), DirectoryInactive (deleted directory).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from app.changes import ChangeBatch
from app.db import Connection

Provider = Literal["scim", "okta", "entra", "google"]


class StoredEvent(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    type: str
    directory_id: str | None
    sequence: int | None
    body: bytes  # the JSON envelope exactly as delivered everywhere


class ApplyResult(msgspec.Struct, kw_only=True, frozen=True):
    events: list[StoredEvent]
    duplicate: bool = False


class DirectoryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    provider: Provider
    settings: dict[str, Any] = msgspec.field(default_factory=dict)
    credentials: dict[str, Any] | None = None
    role_mappings: dict[str, str] = msgspec.field(default_factory=dict)
    attribute_mappings: dict[str, str] = msgspec.field(default_factory=dict)


class Directory(msgspec.Struct, kw_only=True):
    id: str
    tenant_id: str
    name: str
    provider: Provider
    state: str
    settings: dict[str, Any]
    role_mappings: dict[str, str]
    attribute_mappings: dict[str, str]
    last_sequence: int
    created_at: datetime
    updated_at: datetime


class DirectoryAuth(msgspec.Struct, kw_only=True, frozen=True):
    tenant_id: str
    directory_id: str
    provider: Provider


async def create_directory(conn: Connection, tenant_id: str, data: DirectoryCreate) -> tuple[Directory, str]:
    """Create a directory; returns it and its SCIM bearer token (shown once, stored hashed)."""
    raise NotImplementedError


async def authenticate_scim(conn: Connection, directory_id: str, token: str) -> DirectoryAuth:
    """Resolve a SCIM bearer token for the directory in the URL, or raise Unauthenticated."""
    raise NotImplementedError


async def apply_changes(
    conn: Connection, tenant_id: str, directory_id: str, batch: ChangeBatch
) -> ApplyResult:
    """Apply a batch of normalized changes atomically and append its events (see module doc)."""
    raise NotImplementedError


async def get_credentials(conn: Connection, tenant_id: str, directory_id: str) -> dict[str, Any] | None:
    """The directory's decrypted provider credentials (AES-256-GCM at rest)."""
    raise NotImplementedError
