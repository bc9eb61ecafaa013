"""Directories and the one entry point that changes directory state: ``apply_changes``.

CONTRACT (other areas code against these signatures; issue #4 implements them):
- Providers produce ``ChangeBatch``es; SCIM, pull syncs and push hooks call ``apply_changes``.
- ``apply_changes`` runs in ONE transaction (a savepoint if the caller already opened one):
  it applies the changes, diffs against stored state, appends events with the directory's next
  sequence numbers, and issues ``pg_notify('dirsync_events', '{"tenant_id":…,"directory_id":…,
  "sequence":<last>}')`` so listeners (delivery waker, Events API long-poll, Kafka relay) wake on
  commit. When ``apply_changes`` owns the transaction the NOTIFY is sent right after COMMIT:
  Postgres serializes every committing transaction that issued NOTIFY behind one lock held across
  its WAL flush, which would cap all directories together at one commit per fsync. When the caller
  holds an outer transaction the NOTIFY is issued inside it, so it is still delivered on commit.
  Listeners must tolerate a missed wake-up (a crash between COMMIT and NOTIFY): the long-poll
  re-reads every second and the delivery sweep re-enqueues streams with undelivered events.
  A change that changes nothing appends nothing. A batch whose ``source_id`` was already applied
  returns ``ApplyResult(duplicate=True, events=[])``.
- A caller that must read and lock before it writes (SCIM: If-Match, uniqueness) opens
  ``write_scope(conn)`` and passes ``scope=`` to ``apply_changes``: one transaction, no savepoint,
  the NOTIFY sent with the COMMIT as when ``apply_changes`` owns the transaction.
- Errors (app.errors): DirectoryNotFound, UserNotFound, GroupNotFound (a Ref that matches
  nothing on update/remove), UserNameTaken (case-insensitive username clash in the directory),
  UnknownMembers (membership refs that match no user), DirectoryInactive (deleted directory).
- Provider credentials are AES-256-GCM encrypted; functions that touch them take the key list
  (``Settings.encryption_keys()``) as the ``keys`` argument.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import msgspec

from app import crypto, ids, security
from app.changes import ChangeBatch
from app.db import Connection
from app.errors import DirectoryInactive, DirectoryNotFound, InvalidRequest, Unauthenticated
from app.events import DirectorySummary
from app.services._apply import WRITABLE_STATES, Applier, PendingEvent
from app.services._bulk import apply_all
from app.services._events import ApplyResult as ApplyResult
from app.services._events import StoredEvent as StoredEvent
from app.services._events import notify_payload, number_events
from app.services._optimistic import try_optimistic
from app.store import directory as store
from app.store import event as event_store
from app.store.delivery_queries import directory_events_delivered
from app.store.directory import DirectoryRow
from app.store.user import UserRow

Provider = Literal["scim", "okta", "entra", "google"]
SCIM_TOKEN_PREFIX = "dst"  # noqa: S105 - a token prefix, not a secret
DEFAULT_TOKEN_OVERLAP = timedelta(hours=24)


class DirectoryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    provider: Provider
    settings: dict[str, Any] = msgspec.field(default_factory=dict)
    credentials: dict[str, Any] | None = None
    role_mappings: dict[str, str] = msgspec.field(default_factory=dict)
    attribute_mappings: dict[str, str] = msgspec.field(default_factory=dict)


class DirectoryUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """PATCH: absent fields are left as they are; ``credentials: null`` clears them."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    settings: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    credentials: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET
    role_mappings: dict[str, str] | msgspec.UnsetType = msgspec.UNSET
    attribute_mappings: dict[str, str] | msgspec.UnsetType = msgspec.UNSET


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


def _directory(row: DirectoryRow) -> Directory:
    return msgspec.convert(msgspec.structs.asdict(row), Directory)


def _aad(tenant_id: str, directory_id: str) -> bytes:
    return f"dirsync:credentials:{tenant_id}:{directory_id}".encode()


async def create_directory(
    conn: Connection, tenant_id: str, data: DirectoryCreate, *, keys: crypto.Keys = ()
) -> tuple[Directory, str]:
    """Create a directory; returns it and its SCIM bearer token (shown once, stored hashed)."""
    if data.credentials is not None and not keys:
        raise InvalidRequest("provider credentials need an encryption key (DIRSYNC_CRYPTO_KEYS)")
    token = security.new_token(SCIM_TOKEN_PREFIX)
    directory_id = ids.new_id("dir")
    async with conn.transaction():
        row = await store.insert(
            conn,
            tenant_id,
            directory_id=directory_id,
            name=data.name,
            provider=data.provider,
            settings=data.settings,
            role_mappings=data.role_mappings,
            attribute_mappings=data.attribute_mappings,
            token_hash=security.hash_token(token),
            token_prefix=security.display_prefix(token),
        )
        if data.credentials is not None:
            await _store_credentials(conn, tenant_id, directory_id, data.credentials, keys)
    return _directory(row), token


async def _store_credentials(
    conn: Connection, tenant_id: str, directory_id: str, credentials: dict[str, Any] | None, keys: crypto.Keys
) -> None:
    if credentials is None:
        await store.set_credentials(conn, tenant_id, directory_id, blob=None, key_id=None)
        return
    blob, key_id = crypto.encrypt_json(credentials, keys, aad=_aad(tenant_id, directory_id))
    await store.set_credentials(conn, tenant_id, directory_id, blob=blob, key_id=key_id)


async def get_directory(conn: Connection, tenant_id: str, directory_id: str) -> Directory:
    """A live directory. Once deleted it is gone from the API (404); its events stay readable."""
    row = await store.get(conn, tenant_id, directory_id)
    if row is None or row.state in ("deleting", "deleted"):
        raise DirectoryNotFound(f"no directory {directory_id}")
    return _directory(row)


async def list_directories(
    conn: Connection, tenant_id: str, *, after: str | None, limit: int
) -> tuple[list[Directory], str | None]:
    rows = await store.list_page(conn, tenant_id, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return [_directory(r) for r in rows], rows[-1].id if more and rows else None


async def update_directory(
    conn: Connection, tenant_id: str, directory_id: str, data: DirectoryUpdate, *, keys: crypto.Keys = ()
) -> Directory:
    fields = {
        name: getattr(data, name)
        for name in ("name", "settings", "role_mappings", "attribute_mappings")
        if getattr(data, name) is not msgspec.UNSET
    }
    async with conn.transaction():
        current = await store.lock_for_apply(conn, tenant_id, directory_id)
        if current is None:
            raise DirectoryNotFound(f"no directory {directory_id}")
        if current.state not in WRITABLE_STATES:
            raise DirectoryInactive(f"directory {directory_id} is {current.state}")
        if not isinstance(data.credentials, msgspec.UnsetType):
            if data.credentials is not None and not keys:
                raise InvalidRequest("provider credentials need an encryption key (DIRSYNC_CRYPTO_KEYS)")
            await _store_credentials(conn, tenant_id, directory_id, data.credentials, keys)
        row = await store.update(conn, tenant_id, directory_id, **fields)
    assert row is not None
    return _directory(row)


async def delete_directory(conn: Connection, tenant_id: str, directory_id: str) -> Directory:
    """Emit ``directory.deleted`` and mark the directory 'deleting': inputs stop at once, and the
    purge job deletes its users and groups once ``directory_ready_to_purge`` says so."""
    nested = conn.is_in_transaction()
    async with conn.transaction():
        row = await store.lock_for_apply(conn, tenant_id, directory_id)
        if row is None or row.state == "deleted":
            raise DirectoryNotFound(f"no directory {directory_id}")
        if row.state in ("deleting", "deleted"):
            raise DirectoryNotFound(f"no directory {directory_id}")
        previous = row.state
        await store.set_state(conn, tenant_id, directory_id, "deleting")
        row.state = "deleting"
        summary = DirectorySummary(id=row.id, name=row.name, provider=row.provider, state="deleting")
        now = datetime.now(UTC)
        pending: list[PendingEvent] = [("directory.deleted", summary, {"state": previous})]
        events = await _append(conn, tenant_id, row, pending, now, now, notify=nested)
    if not nested:
        await event_store.notify(conn, tenant_id, notify_payload(tenant_id, directory_id, events))
    return _directory(row)


async def directory_ready_to_purge(conn: Connection, tenant_id: str, directory_id: str) -> bool:
    """Whether a 'deleting' directory's events have all been delivered (or given up) to every
    enabled webhook endpoint that wants the directory."""
    return await directory_events_delivered(conn, tenant_id, directory_id)


async def purge_directory(conn: Connection, tenant_id: str, directory_id: str) -> bool:
    """Delete a 'deleting' directory's users, groups and memberships and mark it 'deleted'.

    Its events stay readable. Returns False when the directory is not in 'deleting' state.
    """
    async with conn.transaction():
        row = await store.lock_for_apply(conn, tenant_id, directory_id)
        if row is None or row.state != "deleting":
            return False
        await store.purge_contents(conn, tenant_id, directory_id)
        await store.set_state(conn, tenant_id, directory_id, "deleted")
    return True


async def authenticate_scim(conn: Connection, directory_id: str, token: str) -> DirectoryAuth:
    """Resolve a SCIM bearer token for the directory in the URL, or raise Unauthenticated."""
    if not token.startswith(SCIM_TOKEN_PREFIX + "_"):
        raise Unauthenticated("expected a directory token of the form dst_...")
    row = await store.get_token_row(conn, directory_id)
    if row is None or row.state not in WRITABLE_STATES:
        raise Unauthenticated("unknown directory or invalid token")
    current = row.scim_token_hash is not None and security.token_matches(token, row.scim_token_hash)
    previous = (
        row.previous_scim_token_hash is not None
        and row.previous_scim_token_expires_at is not None
        and row.previous_scim_token_expires_at > datetime.now(UTC)
        and security.token_matches(token, row.previous_scim_token_hash)
    )
    if not (current or previous):
        raise Unauthenticated("unknown directory or invalid token")
    provider: Provider = msgspec.convert(row.provider, Provider)
    return DirectoryAuth(tenant_id=row.tenant_id, directory_id=row.id, provider=provider)


async def rotate_scim_token(
    conn: Connection, tenant_id: str, directory_id: str, *, overlap: timedelta = DEFAULT_TOKEN_OVERLAP
) -> tuple[Directory, str]:
    """Issue a new SCIM token; the previous one keeps working for ``overlap`` (default 24h)."""
    token = security.new_token(SCIM_TOKEN_PREFIX)
    row = await store.rotate_token(
        conn,
        tenant_id,
        directory_id,
        token_hash=security.hash_token(token),
        token_prefix=security.display_prefix(token),
        previous_expires_at=datetime.now(UTC) + overlap,
    )
    if row is None:
        existing = await store.get(conn, tenant_id, directory_id)
        if existing is None:
            raise DirectoryNotFound(f"no directory {directory_id}")
        raise DirectoryInactive(f"directory {directory_id} is {existing.state}")
    return _directory(row), token


async def get_credentials(
    conn: Connection, tenant_id: str, directory_id: str, *, keys: crypto.Keys
) -> dict[str, Any] | None:
    """The directory's decrypted provider credentials (AES-256-GCM at rest)."""
    row = await store.get_credentials(conn, tenant_id, directory_id)
    if row is None:
        raise DirectoryNotFound(f"no directory {directory_id}")
    if row.credentials is None or row.credentials_key_id is None:
        return None
    return crypto.decrypt_json(
        row.credentials, row.credentials_key_id, keys, aad=_aad(tenant_id, directory_id)
    )


async def reencrypt_credentials(conn: Connection, tenant_id: str, *, keys: crypto.Keys) -> int:
    """Re-encrypt the tenant's credentials still under an older key with the active key."""
    active = crypto.active_key_id(keys)
    if active is None:
        return 0
    count = 0
    for directory_id in await store.list_stale_credentials(conn, tenant_id, active):
        async with conn.transaction():
            credentials = await get_credentials(conn, tenant_id, directory_id, keys=keys)
            await _store_credentials(conn, tenant_id, directory_id, credentials, keys)
        count += 1
    return count


class WriteScope:
    """A transaction opened by ``write_scope``: its batches' NOTIFY is sent with its COMMIT.

    ``known_users``: users the caller locked (``user_store.lock``) in this transaction; an upsert
    of one of them by id starts from that row instead of reading it again.
    """

    def __init__(self, *, nested: bool = False) -> None:
        self.nested = nested  # inside the caller's transaction: NOTIFY goes with the events
        self.payload: str | None = None
        self.known_users: dict[str, UserRow] = {}


@asynccontextmanager
async def write_scope(conn: Connection) -> AsyncIterator[WriteScope]:
    """BEGIN … COMMIT for a caller that reads and checks (locks, preconditions) before it applies.

    ``apply_changes(..., scope=scope)`` inside it runs in this transaction without a savepoint
    (an error anywhere rolls the whole transaction back), and the NOTIFY of its events travels
    with the COMMIT in one round trip, as when ``apply_changes`` owns the transaction: two round
    trips fewer than a savepoint in ``conn.transaction()``, and no NOTIFY lock held across the
    commit's WAL flush. On a connection already in a transaction it is a savepoint, and the
    NOTIFY is issued inside (delivered by the caller's COMMIT), as ``apply_changes`` does there.
    """
    if conn.is_in_transaction():
        async with conn.transaction():
            yield WriteScope(nested=True)
        return
    scope = WriteScope()
    await event_store.begin(conn)
    try:
        yield scope
    except BaseException:
        if not conn.is_closed():
            await event_store.rollback(conn)
        raise
    await event_store.commit_and_notify(conn, scope.payload)


async def apply_changes(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    batch: ChangeBatch,
    *,
    scope: WriteScope | None = None,
) -> ApplyResult:
    """Apply a batch of normalized changes atomically and append its events (see module doc).

    With ``scope`` (from ``write_scope``) the batch runs in that transaction, without a savepoint.
    """
    if scope is not None:
        result = await _apply_locked(
            conn, tenant_id, directory_id, batch, notify=scope.nested, known_users=scope.known_users
        )
        if result.events and not scope.nested:
            scope.payload = notify_payload(tenant_id, directory_id, result.events)
        return result
    if conn.is_in_transaction():
        async with conn.transaction():  # a savepoint; the caller's COMMIT delivers the NOTIFY
            return await _apply_locked(conn, tenant_id, directory_id, batch, notify=True)
    optimistic = await try_optimistic(conn, tenant_id, directory_id, batch)
    if optimistic is not None:
        return optimistic
    # Our own transaction: COMMIT and the NOTIFY travel in one round trip (see module doc).
    await event_store.begin(conn)
    try:
        result = await _apply_locked(conn, tenant_id, directory_id, batch, notify=False)
    except BaseException:
        if not conn.is_closed():
            await event_store.rollback(conn)
        raise
    payload = notify_payload(tenant_id, directory_id, result.events) if result.events else None
    await event_store.commit_and_notify(conn, payload)
    return result


async def _apply_locked(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    batch: ChangeBatch,
    *,
    notify: bool,
    known_users: dict[str, UserRow] | None = None,
) -> ApplyResult:
    directory = await store.lock_for_apply(conn, tenant_id, directory_id)
    if directory is None:
        raise DirectoryNotFound(f"no directory {directory_id}")
    if directory.state not in WRITABLE_STATES:
        raise DirectoryInactive(f"directory {directory_id} is {directory.state}")
    if batch.source_id is not None and not await store.insert_applied_source(
        conn, tenant_id, directory_id, batch.source_id
    ):
        return ApplyResult(events=[], duplicate=True)
    now = datetime.now(UTC)
    applier = Applier(conn, tenant_id, directory, now, known_users)
    await apply_all(applier, batch.changes)
    events = await _append(
        conn, tenant_id, directory, applier.events, batch.occurred_at or now, now, notify=notify
    )
    return ApplyResult(events=events)


async def _append(
    conn: Connection,
    tenant_id: str,
    directory: DirectoryRow,
    pending: list[PendingEvent],
    occurred_at: datetime,
    recorded_at: datetime,
    *,
    notify: bool,
) -> list[StoredEvent]:
    """Number, encode (once) and insert the events; the caller holds the directory row lock."""
    if not pending:
        return []
    stored = number_events(directory, pending, occurred_at, recorded_at)
    directory.last_sequence = stored[-1].sequence or directory.last_sequence
    await event_store.append_directory_events(
        conn,
        tenant_id,
        directory.id,
        ids=[e.id for e in stored],
        types=[e.type for e in stored],
        sequences=[e.sequence or 0 for e in stored],
        bodies=[e.body.decode() for e in stored],
        occurred_at=[occurred_at] * len(stored),
        recorded_at=recorded_at,
        notify_payload=notify_payload(tenant_id, directory.id, stored) if notify else None,
    )
    return stored
