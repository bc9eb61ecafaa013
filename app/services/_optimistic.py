"""The optimistic path of ``apply_changes``: a batch of one user upsert in two round trips.

A batch of one ``UserUpsert`` is what most traffic is (a SCIM POST, PUT or PATCH, one provider
event). The locking path spends five round trips on it: BEGIN, lock the directory row, look up or
insert the user, append the events, COMMIT. This path spends two:

1. one read, without a lock, from one snapshot: the directory, the addressed user and whether the
   batch's source id was applied;
2. the ``Applier``'s own logic decides the write and the events against that snapshot, numbered
   from the snapshot's ``last_sequence``; one message then commits them only if the directory row
   is still the version that was read (``app.store.optimistic``).

Why an unchanged directory row proves the snapshot current: every change to a directory's users
appends an event and so advances ``last_sequence`` under the directory row lock, and every other
change to the directory (its mappings, its state) updates the row; either gives the row a new
``xmin``. The write's UPDATE takes the same row lock the locking path takes, so writers stay in
sequence order. When the row has changed, or a write fails (a username taken, say), nothing is
written and the batch runs through the locking path, which raises the precise error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.changes import ChangeBatch, UserUpsert
from app.db import Connection
from app.services._apply import WRITABLE_STATES, Applier
from app.services._events import ApplyResult, notify_payload, number_events
from app.store import optimistic as store
from app.store.directory import DirectoryRow
from app.store.user import FIELDS, UserRow


class _Planner(Applier):
    """An ``Applier`` whose user reads come from the snapshot and whose writes are recorded."""

    def __init__(
        self, conn: Connection, tenant_id: str, directory: DirectoryRow, now: datetime, user: UserRow | None
    ) -> None:
        super().__init__(conn, tenant_id, directory, now)
        self._user = user
        self.insert: dict[str, Any] | None = None
        self.update: dict[str, Any] | None = None

    async def _user_get_or_insert(
        self, change: UserUpsert, user_id: str, values: dict[str, Any]
    ) -> UserRow | None:
        if self._user is None:
            self.insert = {"id": user_id, "created_at": self.now, "updated_at": self.now, **values}
        return self._user

    async def _user_update(self, user_id: str, changed: dict[str, Any]) -> None:
        assert self._user is not None
        values = {name: changed.get(name, getattr(self._user, name)) for name in FIELDS}
        self.update = {"id": user_id, "updated_at": self.now, **values}


async def try_optimistic(
    conn: Connection, tenant_id: str, directory_id: str, batch: ChangeBatch
) -> ApplyResult | None:
    """The batch's result, or None when it must go through the locking path."""
    if len(batch.changes) != 1 or not isinstance(batch.changes[0], UserUpsert):
        return None
    change = batch.changes[0]
    by, key = (
        ("id", change.id)
        if change.id is not None
        else ("external_id", change.external_id)
        if change.external_id is not None
        else (None, None)
    )
    snapshot = await store.read(conn, tenant_id, directory_id, by=by, key=key, source_id=batch.source_id)
    if snapshot is None or snapshot.directory.state not in WRITABLE_STATES:
        return None  # the locking path raises the precise error
    if snapshot.source_applied:
        return ApplyResult(events=[], duplicate=True)
    now = datetime.now(UTC)
    planner = _Planner(conn, tenant_id, snapshot.directory, now, snapshot.user)
    await planner.apply(change)
    if not planner.events:
        # Nothing changes; a source id must still be recorded, under the lock.
        return ApplyResult(events=[]) if batch.source_id is None else None
    occurred_at = batch.occurred_at or now
    events = number_events(snapshot.directory, planner.events, occurred_at, now)
    records = [
        store.EventRecord(
            id=e.id,
            sequence=e.sequence or 0,
            type=e.type,
            occurred_at=occurred_at,
            recorded_at=now,
            body=e.body.decode(),
        )
        for e in events
    ]
    written = await store.write(
        conn,
        snapshot,
        source_id=batch.source_id,
        insert=planner.insert,
        update=planner.update,
        events=records,
        notify_payload=notify_payload(tenant_id, directory_id, events),
    )
    return ApplyResult(events=events) if written else None
