"""Set-based application of a run of consecutive ``MembershipReplace`` changes (a Google groups
page ends with one per group).

The per-change path takes about six round trips per group; a run takes a fixed handful: its
groups, member refs, current memberships and affected users are read with one query each, the
differences are computed in Python, and removals, additions and version bumps are one statement
each. Events are those of the per-change path, in the same order, with each membership event's
user showing its groups as they are right after that change. A run whose groups are not all
distinct, or that names a missing group or an unknown member, takes the per-change path (which
raises the exact error); so does a run whose writes fail (after a rollback to a savepoint).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from app.changes import MembershipReplace
from app.events import GroupMembership, GroupSummary
from app.services._apply import Applier, PendingEvent
from app.store import event as event_store
from app.store import group as group_store
from app.store import user as user_store
from app.store.group import GroupRow

_SAVEPOINT = "dirsync_membership_run"


async def apply_replace_run(applier: Applier, run: Sequence[MembershipReplace]) -> None:
    planned = await _plan(applier, run)
    if planned is not None:
        removals, additions, touched, events = planned
        conn, tenant_id = applier.conn, applier.tenant_id
        await event_store.savepoint(conn, _SAVEPOINT)
        try:
            if removals:
                await group_store.remove_pairs(conn, tenant_id, *_columns(removals))
            if additions:
                await group_store.add_pairs(conn, tenant_id, applier.directory_id, *_columns(additions))
            if touched:
                await group_store.touch_many(conn, tenant_id, touched, applier.now)
        except (asyncpg.PostgresError, asyncpg.DataError):
            await event_store.rollback_to_savepoint(conn, _SAVEPOINT)
            planned = None
        await event_store.release_savepoint(conn, _SAVEPOINT)
    if planned is None:
        for change in run:
            await applier.apply(change)
        return
    applier.events.extend(events)


def _columns(pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    return [g for g, _ in pairs], [u for _, u in pairs]


_Plan = tuple[list[tuple[str, str]], list[tuple[str, str]], list[str], list[PendingEvent]]


async def _groups(applier: Applier, run: Sequence[MembershipReplace]) -> list[GroupRow] | None:
    """The run's groups in change order; None unless each exists and none repeats."""
    group_ids = [c.group.id for c in run if c.group.id is not None]
    group_externals = [c.group.external_id for c in run if c.group.id is None and c.group.external_id]
    if len(group_ids) + len(group_externals) != len(run):
        return None
    rows = await group_store.list_by_refs(
        applier.conn, applier.tenant_id, applier.directory_id, group_ids, group_externals
    )
    by_id = {g.id: g for g in rows}
    by_external = {g.external_id: g for g in rows if g.external_id is not None}
    groups: list[GroupRow] = []
    for change in run:
        ref = change.group
        group = by_id.get(ref.id) if ref.id is not None else by_external.get(ref.external_id or "")
        if group is None:
            return None
        groups.append(group)
    return groups if len({g.id for g in groups}) == len(groups) else None


async def _wanted(applier: Applier, run: Sequence[MembershipReplace]) -> list[set[str]] | None:
    """Each change's members as user ids; None when a ref matches no user."""
    refs = [r for c in run for r in c.users]
    if any(r.id is None and r.external_id is None for r in refs):
        return None
    keys = await user_store.resolve_refs(
        applier.conn,
        applier.tenant_id,
        applier.directory_id,
        sorted({r.id for r in refs if r.id is not None}),
        sorted({r.external_id for r in refs if r.id is None and r.external_id is not None}),
    )
    known_ids = {k.id for k in keys}
    id_of_external = {k.external_id: k.id for k in keys if k.external_id is not None}
    wanted: list[set[str]] = []
    for change in run:
        members: set[str] = set()
        for ref in change.users:
            user_id = ref.id if ref.id is not None else id_of_external.get(ref.external_id or "")
            if user_id is None or user_id not in known_ids:
                return None
            members.add(user_id)
        wanted.append(members)
    return wanted


async def _plan(applier: Applier, run: Sequence[MembershipReplace]) -> _Plan | None:
    conn, tenant_id, directory_id = applier.conn, applier.tenant_id, applier.directory_id
    groups = await _groups(applier, run)
    if groups is None:
        return None
    wanted = await _wanted(applier, run)
    if wanted is None:
        return None
    current: dict[str, set[str]] = {g.id: set() for g in groups}
    for group_id, user_id in await group_store.members_of(conn, tenant_id, list(current)):
        current[group_id].add(user_id)
    diffs = [
        (sorted(current[g.id] - w), sorted(w - current[g.id])) for g, w in zip(groups, wanted, strict=True)
    ]
    affected = sorted({u for removed, added in diffs for u in (*removed, *added)})
    users = {u.id: u for u in await user_store.list_by_ids(conn, tenant_id, directory_id, affected)}
    summaries = {u.id: {s.id: s for s in u.groups} for u in users.values()}

    removals: list[tuple[str, str]] = []
    additions: list[tuple[str, str]] = []
    touched: list[str] = []
    events: list[PendingEvent] = []
    for group, (removed, added) in zip(groups, diffs, strict=True):
        if not removed and not added:
            continue
        removals.extend((group.id, u) for u in removed)
        additions.extend((group.id, u) for u in added)
        touched.append(group.id)
        group.updated_at = applier.now
        group_object = applier.group_object(group)
        for user_id in removed:
            summaries[user_id].pop(group.id, None)
        for user_id in added:
            summaries[user_id][group.id] = GroupSummary(id=group.id, name=group.name)
        for kind, chosen in (("group.user_removed", removed), ("group.user_added", added)):
            for user_id in chosen:
                held = tuple(summaries[user_id][k] for k in sorted(summaries[user_id]))
                user = applier.user_object(users[user_id], held)
                events.append((kind, GroupMembership(user=user, group=group_object), None))
    return removals, additions, touched, events
