"""Set-based application of runs of consecutive upserts (a provider page is one such run).

Runs of ``MembershipReplace`` are handled in ``_bulk_members``.

A run of two or more ``UserUpsert`` (or ``GroupUpsert``) changes loads every row it addresses in
one query, diffs each change in Python exactly as ``Applier`` does, and writes its inserts and its
updates with one statement each. The result must be what applying the changes one by one gives,
so a run falls back to the per-change path when that cannot be guaranteed:
- before writing, when two changes address the same row (or the same id / external id), when an
  update would change a stored external id, or when the run moves usernames between its own rows
  (a rename chain whose order matters), or gives two of its rows the same username;
- after writing, on any database error (a username or id taken outside the run): the writes are
  rolled back to a savepoint and the per-change path runs, raising the exact error it raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from app import ids
from app.changes import Change, GroupUpsert, MembershipReplace, UserUpsert
from app.services._apply import Applier, PendingEvent, diff
from app.services._bulk_members import apply_replace_run
from app.store import event as event_store
from app.store import group as group_store
from app.store import user as user_store
from app.store.group import GroupRow
from app.store.user import UserRow

_MIN_RUN = 2
_SAVEPOINT = "dirsync_upsert_run"


class _Plan:
    def __init__(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.events: list[PendingEvent] = []


async def apply_all(applier: Applier, changes: Sequence[Change]) -> None:
    """Apply ``changes`` in order: runs of upserts set-based, everything else one by one."""
    i = 0
    while i < len(changes):
        kind = type(changes[i])
        j = i + 1
        if kind in (UserUpsert, GroupUpsert, MembershipReplace):
            while j < len(changes) and type(changes[j]) is kind:
                j += 1
        run = changes[i:j]
        if len(run) >= _MIN_RUN:
            await _apply_run(applier, run)
        else:
            for change in run:
                await applier.apply(change)
        i = j


async def _apply_run(applier: Applier, run: Sequence[Change]) -> None:
    if isinstance(run[0], MembershipReplace):
        await apply_replace_run(applier, [c for c in run if isinstance(c, MembershipReplace)])
        return
    if isinstance(run[0], UserUpsert):
        plan = await _plan_users(applier, [c for c in run if isinstance(c, UserUpsert)])
        writer: Any = user_store
    else:
        plan = await _plan_groups(applier, [c for c in run if isinstance(c, GroupUpsert)])
        writer = group_store
    if plan is not None:
        conn, tenant_id, directory_id = applier.conn, applier.tenant_id, applier.directory_id
        await event_store.savepoint(conn, _SAVEPOINT)  # a failed run is undone, then replayed
        try:
            if plan.inserts:
                await writer.insert_many(conn, tenant_id, directory_id, plan.inserts, applier.now)
            if plan.updates:
                await writer.update_many(conn, tenant_id, directory_id, plan.updates, applier.now)
        except (asyncpg.PostgresError, asyncpg.DataError):
            await event_store.rollback_to_savepoint(conn, _SAVEPOINT)
            plan = None
        await event_store.release_savepoint(conn, _SAVEPOINT)
    if plan is None:
        for change in run:
            await applier.apply(change)
        return
    applier.events.extend(plan.events)


def _distinct(values: list[str]) -> bool:
    return len(set(values)) == len(values)


def _resolve(change: UserUpsert | GroupUpsert, by_id: dict[str, Any], by_external: dict[str, Any]) -> Any:
    """The stored row the change addresses, exactly as the per-change path looks it up."""
    if change.id is not None:
        return by_id.get(change.id)
    if change.external_id is not None:
        return by_external.get(change.external_id)
    return None


async def _plan_users(applier: Applier, run: list[UserUpsert]) -> _Plan | None:
    id_keys = [c.id for c in run if c.id is not None]
    external_keys = [c.external_id for c in run if c.external_id is not None]
    if not _distinct(id_keys) or not _distinct(external_keys):
        return None
    rows: list[UserRow] = []
    by_external_only = [c.external_id for c in run if c.id is None and c.external_id is not None]
    if id_keys or by_external_only:
        rows = await user_store.list_by_refs(
            applier.conn, applier.tenant_id, applier.directory_id, id_keys, by_external_only
        )
    by_id = {r.id: r for r in rows}
    by_external = {r.external_id: r for r in rows if r.external_id is not None}
    plan = _Plan()
    touched: set[str] = set()
    vacated: set[str] = set()  # lower-cased usernames the run's own rows give up
    claimed: list[str] = []  # lower-cased usernames the run gives to rows that did not hold them
    for change in run:
        existing: UserRow | None = _resolve(change, by_id, by_external)
        if existing is None:
            values = applier._user_values(change, None)
            row = UserRow(
                id=change.id or ids.new_id("du"),
                directory_id=applier.directory_id,
                version=1,
                created_at=applier.now,
                updated_at=applier.now,
                **values,
            )
            plan.inserts.append({"id": row.id, **values})
            plan.events.append(("user.created", applier.user_object(row), None))
            claimed.append(change.username.lower())
            continue
        if existing.id in touched:
            return None
        touched.add(existing.id)
        values = applier._user_values(change, existing)
        if values["external_id"] != existing.external_id:
            return None
        previous = diff({name: getattr(existing, name) for name in values}, values)
        if not previous:
            continue
        if change.username.lower() != existing.username.lower():
            vacated.add(existing.username.lower())
            claimed.append(change.username.lower())
        plan.updates.append({"id": existing.id, **values})
        for name in previous:
            setattr(existing, name, values[name])
        existing.updated_at = applier.now
        existing.version += 1
        plan.events.append(("user.updated", applier.user_object(existing), previous))
    if not _distinct(claimed) or vacated.intersection(claimed):
        return None
    return plan


async def _plan_groups(applier: Applier, run: list[GroupUpsert]) -> _Plan | None:
    id_keys = [c.id for c in run if c.id is not None]
    external_keys = [c.external_id for c in run if c.external_id is not None]
    if not _distinct(id_keys) or not _distinct(external_keys):
        return None
    rows: list[GroupRow] = []
    by_external_only = [c.external_id for c in run if c.id is None and c.external_id is not None]
    if id_keys or by_external_only:
        rows = await group_store.list_by_refs(
            applier.conn, applier.tenant_id, applier.directory_id, id_keys, by_external_only
        )
    by_id = {r.id: r for r in rows}
    by_external = {r.external_id: r for r in rows if r.external_id is not None}
    plan = _Plan()
    touched: set[str] = set()
    for change in run:
        existing: GroupRow | None = _resolve(change, by_id, by_external)
        external_id = change.external_id
        if external_id is None and existing is not None:
            external_id = existing.external_id
        values: dict[str, Any] = {
            "external_id": external_id,
            "name": change.name,
            "raw_attributes": dict(change.raw_attributes),
        }
        if existing is None:
            row = GroupRow(
                id=change.id or ids.new_id("dg"),
                directory_id=applier.directory_id,
                version=1,
                created_at=applier.now,
                updated_at=applier.now,
                **values,
            )
            plan.inserts.append({"id": row.id, **values})
            plan.events.append(("group.created", applier.group_object(row), None))
            continue
        if existing.id in touched or external_id != existing.external_id:
            return None
        touched.add(existing.id)
        previous = diff({name: getattr(existing, name) for name in values}, values)
        if not previous:
            continue
        plan.updates.append({"id": existing.id, **values})
        for name in previous:
            setattr(existing, name, values[name])
        existing.updated_at = applier.now
        plan.events.append(("group.updated", applier.group_object(existing), previous))
    return plan
