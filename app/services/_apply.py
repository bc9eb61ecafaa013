"""The body of ``apply_changes``: diff each change against stored state and collect its events.

Runs inside the caller's transaction with the directory row locked. Events are collected as
(type, data, previous_attributes) and numbered and encoded once at the end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from app import ids
from app.changes import (
    DirectoryStateChange,
    GroupRemove,
    GroupUpsert,
    MembershipAdd,
    MembershipRemove,
    MembershipReplace,
    Ref,
    UserRemove,
    UserUpsert,
)
from app.db import Connection
from app.errors import (
    Conflict,
    ExternalIdTaken,
    GroupNotFound,
    UnknownMembers,
    UserNameTaken,
    UserNotFound,
)
from app.events import DirectoryGroup, DirectorySummary, DirectoryUser, GroupMembership, GroupSummary
from app.store import directory as directory_store
from app.store import group as group_store
from app.store import user as user_store
from app.store.directory import DirectoryRow
from app.store.group import GroupRow
from app.store.user import UserRow

WRITABLE_STATES = ("active", "inactive")
_DICT_FIELDS = ("custom_attributes", "raw_attributes")
_MISSING = object()


PendingEvent = tuple[str, Any, dict[str, Any] | None]


def lookup_attribute(raw: dict[str, Any], path: str) -> Any:
    """A raw attribute by exact key, else by dotted path (``name.givenName``)."""
    if path in raw:
        return raw[path]
    value: Any = raw
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """previous_attributes: old values of exactly the changed fields; dict fields diff per key."""
    previous: dict[str, Any] = {}
    for name, value in new.items():
        before = old[name]
        if before == value:
            continue
        if name in _DICT_FIELDS:
            keys = set(before) | set(value)
            previous[name] = {
                k: before.get(k) for k in sorted(keys) if before.get(k, _MISSING) != value.get(k, _MISSING)
            }
        else:
            previous[name] = before
    return previous


def roles_for(groups: tuple[GroupSummary, ...], role_mappings: dict[str, str]) -> tuple[str, ...]:
    """Roles from group-based role mapping: a group's id or name maps to a role."""
    if not role_mappings or not groups:
        return ()
    found = {role_mappings[key] for g in groups for key in (g.id, g.name) if key in role_mappings}
    return tuple(sorted(found))


def user_object(
    row: UserRow, role_mappings: dict[str, str], groups: tuple[GroupSummary, ...] | None = None
) -> DirectoryUser:
    groups = row.groups if groups is None else groups
    return DirectoryUser(
        id=row.id,
        directory_id=row.directory_id,
        external_id=row.external_id,
        username=row.username,
        emails=row.emails,
        first_name=row.first_name,
        last_name=row.last_name,
        display_name=row.display_name,
        state=row.state,
        job_title=row.job_title,
        department=row.department,
        employee_number=row.employee_number,
        manager_external_id=row.manager_external_id,
        groups=groups,
        roles=roles_for(groups, role_mappings),
        custom_attributes=row.custom_attributes,
        raw_attributes=row.raw_attributes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def group_object(row: GroupRow) -> DirectoryGroup:
    return DirectoryGroup(
        id=row.id,
        directory_id=row.directory_id,
        external_id=row.external_id,
        name=row.name,
        raw_attributes=row.raw_attributes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class Applier:
    def __init__(
        self,
        conn: Connection,
        tenant_id: str,
        directory: DirectoryRow,
        now: datetime,
        known_users: dict[str, UserRow] | None = None,
    ) -> None:
        self.conn = conn
        self.tenant_id = tenant_id
        self.directory = directory
        self.directory_id = directory.id
        self.now = now
        self.events: list[PendingEvent] = []
        # Users the caller read and locked (FOR UPDATE) in this transaction: current, so an
        # upsert by id uses them instead of reading the row again. Each is used once.
        self.known_users = known_users if known_users is not None else {}

    # -- object builders ---------------------------------------------------------------------

    def user_object(self, row: UserRow, groups: tuple[GroupSummary, ...] | None = None) -> DirectoryUser:
        return user_object(row, self.directory.role_mappings, groups)

    @staticmethod
    def group_object(row: GroupRow) -> DirectoryGroup:
        return group_object(row)

    # -- dispatch ---------------------------------------------------------------------------

    async def apply(self, change: Any) -> None:
        try:
            await self._dispatch(change)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "directory_users_username":
                raise UserNameTaken(f"username {getattr(change, 'username', '')!r} is taken") from None
            if exc.constraint_name in ("directory_users_external_id", "directory_groups_external_id"):
                raise ExternalIdTaken("external id already used by another resource") from None
            if exc.constraint_name in ("directory_users_pkey", "directory_groups_pkey"):
                raise Conflict("that id is already in use") from None
            raise

    async def _dispatch(self, change: Any) -> None:
        if isinstance(change, UserUpsert):
            await self.user_upsert(change)
        elif isinstance(change, UserRemove):
            await self.user_remove(change.user)
        elif isinstance(change, GroupUpsert):
            await self.group_upsert(change)
        elif isinstance(change, GroupRemove):
            await self.group_remove(change.group)
        elif isinstance(change, MembershipAdd | MembershipRemove | MembershipReplace):
            await self.membership(change)
        elif isinstance(change, DirectoryStateChange):
            await self.directory_state(change)
        else:  # pragma: no cover - the Change union is closed
            raise TypeError(f"unknown change {type(change).__name__}")

    # -- users ------------------------------------------------------------------------------

    def _user_values(self, change: UserUpsert, existing: UserRow | None) -> dict[str, Any]:
        mappings = self.directory.attribute_mappings
        custom = {name: lookup_attribute(change.raw_attributes, path) for name, path in mappings.items()}
        external_id = change.external_id
        if external_id is None and existing is not None:
            external_id = existing.external_id  # addressing by our id keeps the IdP's id
        return {
            "external_id": external_id,
            "username": change.username,
            "emails": change.emails,
            "first_name": change.first_name,
            "last_name": change.last_name,
            "display_name": change.display_name,
            "state": change.state,
            "job_title": change.job_title,
            "department": change.department,
            "employee_number": change.employee_number,
            "manager_external_id": change.manager_external_id,
            "custom_attributes": {k: v for k, v in custom.items() if v is not None},
            "raw_attributes": dict(change.raw_attributes),
        }

    async def _get_user(self, ref: Ref) -> UserRow | None:
        return await user_store.get(
            self.conn, self.tenant_id, self.directory_id, user_id=ref.id, external_id=ref.external_id
        )

    async def _user_get_or_insert(
        self, change: UserUpsert, user_id: str, values: dict[str, Any]
    ) -> UserRow | None:
        """The user the change addresses; when there is none, insert ``values`` as ``user_id``."""
        known = self.known_users.pop(change.id, None) if change.id is not None else None
        if known is not None:
            return known
        if change.id is None and change.external_id is None:
            await user_store.insert(self.conn, self.tenant_id, self.directory_id, user_id, values, self.now)
            return None
        by, key = ("id", change.id) if change.id is not None else ("external_id", change.external_id)
        assert key is not None
        return await user_store.get_or_insert(
            self.conn,
            self.tenant_id,
            self.directory_id,
            by=by,
            key=key,
            new_id=user_id,
            values=values,
            now=self.now,
        )

    async def _user_update(self, user_id: str, changed: dict[str, Any]) -> None:
        await user_store.update(self.conn, self.tenant_id, user_id, changed, self.now)

    async def user_upsert(self, change: UserUpsert) -> None:
        values = self._user_values(change, None)
        user_id = change.id or ids.new_id("du")
        existing = await self._user_get_or_insert(change, user_id, values)
        if existing is None:
            row = UserRow(
                id=user_id,
                directory_id=self.directory_id,
                version=1,
                created_at=self.now,
                updated_at=self.now,
                **values,
            )
            self.events.append(("user.created", self.user_object(row), None))
            return
        values = self._user_values(change, existing)
        old = {name: getattr(existing, name) for name in values}
        previous = diff(old, values)
        if not previous:
            return
        changed = {name: values[name] for name in previous}
        await self._user_update(existing.id, changed)
        for name, value in changed.items():
            setattr(existing, name, value)
        existing.updated_at = self.now
        existing.version += 1
        self.events.append(("user.updated", self.user_object(existing), previous))

    async def user_remove(self, ref: Ref) -> None:
        row = await self._get_user(ref)
        if row is None:
            raise UserNotFound(f"no user {ref.id or ref.external_id}")
        groups = list(row.groups)
        for summary in row.groups:
            group = await group_store.get(
                self.conn, self.tenant_id, self.directory_id, group_id=summary.id, external_id=None
            )
            assert group is not None
            groups.remove(summary)
            membership = GroupMembership(
                user=self.user_object(row, tuple(groups)), group=self.group_object(group)
            )
            self.events.append(("group.user_removed", membership, None))
        await user_store.delete(self.conn, self.tenant_id, row.id)
        self.events.append(("user.deleted", self.user_object(row, ()), None))

    # -- groups -----------------------------------------------------------------------------

    async def _get_group(self, ref: Ref) -> GroupRow | None:
        return await group_store.get(
            self.conn, self.tenant_id, self.directory_id, group_id=ref.id, external_id=ref.external_id
        )

    async def _require_group(self, ref: Ref) -> GroupRow:
        group = await self._get_group(ref)
        if group is None:
            raise GroupNotFound(f"no group {ref.id or ref.external_id}")
        return group

    async def group_upsert(self, change: GroupUpsert) -> None:
        existing = None
        if change.id is not None or change.external_id is not None:
            existing = await self._get_group(Ref(id=change.id, external_id=change.external_id))
        external_id = change.external_id
        if external_id is None and existing is not None:
            external_id = existing.external_id
        values: dict[str, Any] = {
            "external_id": external_id,
            "name": change.name,
            "raw_attributes": dict(change.raw_attributes),
        }
        if existing is None:
            group_id = change.id or ids.new_id("dg")
            await group_store.insert(
                self.conn, self.tenant_id, self.directory_id, group_id=group_id, now=self.now, **values
            )
            row = GroupRow(
                id=group_id,
                directory_id=self.directory_id,
                version=1,
                created_at=self.now,
                updated_at=self.now,
                **values,
            )
            self.events.append(("group.created", self.group_object(row), None))
            return
        previous = diff({name: getattr(existing, name) for name in values}, values)
        if not previous:
            return
        changed = {name: values[name] for name in previous}
        await group_store.update(self.conn, self.tenant_id, existing.id, changed, self.now)
        for name, value in changed.items():
            setattr(existing, name, value)
        existing.updated_at = self.now
        self.events.append(("group.updated", self.group_object(existing), previous))

    async def group_remove(self, ref: Ref) -> None:
        group = await self._require_group(ref)
        members = await group_store.member_ids(self.conn, self.tenant_id, group.id)
        users = await user_store.list_by_ids(self.conn, self.tenant_id, self.directory_id, members)
        group_object = self.group_object(group)
        for user in users:
            remaining = tuple(g for g in user.groups if g.id != group.id)
            membership = GroupMembership(user=self.user_object(user, remaining), group=group_object)
            self.events.append(("group.user_removed", membership, None))
        await group_store.delete(self.conn, self.tenant_id, group.id)
        self.events.append(("group.deleted", group_object, None))

    # -- memberships (set-based: a handful of statements whatever the batch size) -------------

    async def _resolve_users(self, refs: tuple[Ref, ...]) -> list[str]:
        by_id = [r.id for r in refs if r.id is not None]
        by_external = [r.external_id for r in refs if r.id is None and r.external_id is not None]
        if len(by_id) + len(by_external) != len(refs):
            raise UnknownMembers("every member needs an id or an external id")
        found = await user_store.resolve_refs(
            self.conn, self.tenant_id, self.directory_id, by_id, by_external
        )
        ids_found = {k.id for k in found}
        external_found = {k.external_id: k.id for k in found if k.external_id is not None}
        missing = [i for i in by_id if i not in ids_found] + [
            e for e in by_external if e not in external_found
        ]
        if missing:
            shown = ", ".join(missing[:10])
            raise UnknownMembers(f"{len(missing)} member(s) match no user in this directory: {shown}")
        resolved = dict.fromkeys([*by_id, *(external_found[e] for e in by_external)])
        return list(resolved)

    async def membership(self, change: MembershipAdd | MembershipRemove | MembershipReplace) -> None:
        group = await self._require_group(change.group)
        user_ids = await self._resolve_users(change.users)
        removed: list[str] = []
        added: list[str] = []
        if isinstance(change, MembershipAdd):
            added = await group_store.add_members(
                self.conn, self.tenant_id, self.directory_id, group.id, user_ids
            )
        elif isinstance(change, MembershipRemove):
            removed = await group_store.remove_members(self.conn, self.tenant_id, group.id, user_ids)
        else:
            current = set(await group_store.member_ids(self.conn, self.tenant_id, group.id))
            wanted = set(user_ids)
            if current - wanted:
                removed = await group_store.remove_members(
                    self.conn, self.tenant_id, group.id, sorted(current - wanted)
                )
            if wanted - current:
                added = await group_store.add_members(
                    self.conn, self.tenant_id, self.directory_id, group.id, sorted(wanted - current)
                )
        if not removed and not added:
            return
        await group_store.touch(self.conn, self.tenant_id, group.id, self.now)
        group.updated_at = self.now
        group_object = self.group_object(group)
        users = {
            u.id: u
            for u in await user_store.list_by_ids(
                self.conn, self.tenant_id, self.directory_id, removed + added
            )
        }
        for kind, chosen in (("group.user_removed", removed), ("group.user_added", added)):
            for user_id in chosen:
                data = GroupMembership(user=self.user_object(users[user_id]), group=group_object)
                self.events.append((kind, data, None))

    # -- directory --------------------------------------------------------------------------

    async def directory_state(self, change: DirectoryStateChange) -> None:
        previous = self.directory.state
        if previous == change.state:
            return
        await directory_store.set_state(self.conn, self.tenant_id, self.directory_id, change.state)
        self.directory.state = change.state
        if change.state == "active":
            summary = DirectorySummary(
                id=self.directory_id,
                name=self.directory.name,
                provider=self.directory.provider,
                state=change.state,
            )
            self.events.append(("directory.activated", summary, {"state": previous}))
