"""SCIM Users and Groups: the service between the SCIM handlers and the directory store.

Reads use ``app.store.scim``; every write is one ``apply_changes`` batch of normalized changes,
so events, no-op detection and sequences come from the store. Precondition checks (If-Match)
and the write run in one transaction with the resource row locked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app import errors
from app.changes import (
    Change,
    ChangeBatch,
    GroupRemove,
    MembershipAdd,
    MembershipRemove,
    MembershipReplace,
    Ref,
    UserRemove,
)
from app.db import Connection
from app.ids import new_id
from app.scim import mapping
from app.scim.errors import ScimError
from app.scim.filter import FilterError, Node, parse_filter
from app.scim.patch import apply_operations, parse_patch, split_member_operations
from app.services.directory import DirectoryAuth, StoredEvent, WriteScope, apply_changes, write_scope
from app.store import scim as store
from app.store import user as user_store


class ListQuery(msgspec.Struct, kw_only=True):
    filter: str | None = None
    start_index: int = 1
    count: int = 100
    sort_by: str | None = None
    descending: bool = False
    with_relations: bool = True  # groups of users / members of groups


class Page(msgspec.Struct, kw_only=True):
    total: int
    start_index: int
    resources: list[dict[str, Any]]


def _parse(text: str | None) -> Node | None:
    if text is None or not text.strip():
        return None
    try:
        return parse_filter(text)
    except FilterError as exc:
        raise ScimError(400, exc.detail, exc.scim_type) from None


def check_version(row: dict[str, Any], if_match: str | None) -> None:
    """RFC 7644 §3.14: a write with If-Match must name the current version."""
    if if_match is None or version_matches(row["version"], if_match):
        return
    raise ScimError(412, f"resource changed: current version is {mapping.etag(row['version'])}")


def version_matches(version: int, header: str) -> bool:
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in wanted or f'"{version}"' in wanted


async def _apply(
    conn: Connection, auth: DirectoryAuth, scope: WriteScope, changes: list[Change]
) -> list[StoredEvent]:
    if not changes:
        return []
    try:
        result = await apply_changes(
            conn, auth.tenant_id, auth.directory_id, ChangeBatch(changes=tuple(changes)), scope=scope
        )
    except (errors.UserNameTaken, errors.ExternalIdTaken) as exc:
        raise ScimError(409, exc.detail, "uniqueness") from None
    except errors.UnknownMembers as exc:
        raise ScimError(400, exc.detail, "invalidValue") from None
    return result.events


class _StoredUser(msgspec.Struct, kw_only=True):
    """The user as a ``user.*`` event's ``data`` shows it: the row as the write left it."""

    id: str
    external_id: str | None
    username: str
    emails: list[dict[str, Any]]
    first_name: str | None
    last_name: str | None
    display_name: str | None
    state: str
    job_title: str | None
    department: str | None
    employee_number: str | None
    manager_external_id: str | None
    raw_attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class _UserEvent(msgspec.Struct):
    data: _StoredUser


_decode_user_event = msgspec.json.Decoder(_UserEvent).decode


def _written_user(events: list[StoredEvent], row: dict[str, Any] | None, groups: Any) -> dict[str, Any]:
    """The user row after our write, without reading it back: the write's own ``user.created`` /
    ``user.updated`` event carries every column, and each such write adds one to ``version``.
    No event means nothing changed: the row we locked is current."""
    event = next((e for e in reversed(events) if e.type in ("user.created", "user.updated")), None)
    if event is None:
        assert row is not None
        return {**row, "groups": groups}
    written = msgspec.structs.asdict(_decode_user_event(event.body).data)
    written["version"] = 1 if row is None else row["version"] + 1
    written["groups"] = groups
    return written


# --- users ----------------------------------------------------------------------------------


async def get_user(
    conn: Connection, auth: DirectoryAuth, user_id: str, *, for_update: bool = False
) -> dict[str, Any]:
    row = await store.get_user(conn, auth.tenant_id, auth.directory_id, user_id, for_update=for_update)
    if row is None:
        raise ScimError(404, f"User {user_id} not found")
    return row


async def user_groups(
    conn: Connection, auth: DirectoryAuth, user_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    return await store.groups_of_users(conn, auth.tenant_id, user_ids)


async def list_users(
    conn: Connection, auth: DirectoryAuth, query: ListQuery
) -> tuple[int, list[dict[str, Any]]]:
    try:
        return await store.list_users(
            conn,
            auth.tenant_id,
            auth.directory_id,
            filter_node=_parse(query.filter),
            sort_by=query.sort_by,
            descending=query.descending,
            offset=query.start_index - 1,
            limit=query.count,
        )
    except FilterError as exc:
        raise ScimError(400, exc.detail, exc.scim_type) from None


async def _check_user_unique(conn: Connection, auth: DirectoryAuth, upsert: Any, user_id: str) -> None:
    clash = await store.find_user_conflict(
        conn,
        auth.tenant_id,
        auth.directory_id,
        username=upsert.username,
        external_id=upsert.external_id,
        exclude_id=user_id,
    )
    if clash is not None:
        raise ScimError(409, f"another user in this directory already has this {clash}", "uniqueness")


async def _locked_user(
    conn: Connection, auth: DirectoryAuth, scope: WriteScope, user_id: str
) -> dict[str, Any]:
    """The user row locked for update, with its SCIM ``groups``; the store reuses the row."""
    user = await user_store.lock(conn, auth.tenant_id, auth.directory_id, user_id)
    if user is None:
        raise ScimError(404, f"User {user_id} not found")
    scope.known_users[user.id] = user
    row = msgspec.structs.asdict(user)
    row["emails"] = msgspec.to_builtins(user.emails)
    row["groups"] = [{"value": g.id, "display": g.name, "type": "direct"} for g in user.groups]
    return row


async def create_user(conn: Connection, auth: DirectoryAuth, body: dict[str, Any]) -> dict[str, Any]:
    """The created user row, with ``groups`` (none yet)."""
    user_id = new_id("du")
    upsert = mapping.user_from_scim(mapping.canonicalize(body, "User"), user_id=user_id)
    async with write_scope(conn) as scope:
        await _check_user_unique(conn, auth, upsert, user_id)
        events = await _apply(conn, auth, scope, [upsert])
    return _written_user(events, None, [])


async def replace_user(
    conn: Connection, auth: DirectoryAuth, user_id: str, body: dict[str, Any], if_match: str | None
) -> dict[str, Any]:
    resource = mapping.canonicalize(body, "User")
    if resource.get("id") not in (None, user_id):
        raise ScimError(400, "id in the body does not match the URL", "mutability")
    async with write_scope(conn) as scope:
        row = await _locked_user(conn, auth, scope, user_id)
        check_version(row, if_match)
        upsert = mapping.user_from_scim(resource, user_id=user_id, current_state=row["state"])
        await _check_user_unique(conn, auth, upsert, user_id)
        events = await _apply(conn, auth, scope, [upsert])
    return _written_user(events, row, row["groups"])  # a user write never changes its groups


async def patch_user(
    conn: Connection, auth: DirectoryAuth, user_id: str, body: Any, if_match: str | None
) -> dict[str, Any]:
    operations = parse_patch(body)
    async with write_scope(conn) as scope:
        row = await _locked_user(conn, auth, scope, user_id)
        check_version(row, if_match)
        current = mapping.user_to_scim(row, "", None)
        current.pop("meta", None)
        patched = mapping.canonicalize(apply_operations(current, operations), "User")
        upsert = mapping.user_from_scim(patched, user_id=user_id, current_state=row["state"])
        if upsert.username.lower() != row["username"].lower() or upsert.external_id != row["external_id"]:
            await _check_user_unique(conn, auth, upsert, user_id)
        events = await _apply(conn, auth, scope, [upsert])
    return _written_user(events, row, row["groups"])


async def delete_user(conn: Connection, auth: DirectoryAuth, user_id: str, if_match: str | None) -> None:
    async with write_scope(conn) as scope:
        row = await get_user(conn, auth, user_id, for_update=True)
        check_version(row, if_match)
        await _apply(conn, auth, scope, [UserRemove(user=Ref(id=user_id))])


# --- groups ---------------------------------------------------------------------------------


async def get_group(
    conn: Connection, auth: DirectoryAuth, group_id: str, *, for_update: bool = False
) -> dict[str, Any]:
    row = await store.get_group(conn, auth.tenant_id, auth.directory_id, group_id, for_update=for_update)
    if row is None:
        raise ScimError(404, f"Group {group_id} not found")
    return row


async def group_members(
    conn: Connection, auth: DirectoryAuth, group_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    return await store.members_of_groups(conn, auth.tenant_id, group_ids)


async def list_groups(
    conn: Connection, auth: DirectoryAuth, query: ListQuery
) -> tuple[int, list[dict[str, Any]]]:
    try:
        return await store.list_groups(
            conn,
            auth.tenant_id,
            auth.directory_id,
            filter_node=_parse(query.filter),
            sort_by=query.sort_by,
            descending=query.descending,
            offset=query.start_index - 1,
            limit=query.count,
        )
    except FilterError as exc:
        raise ScimError(400, exc.detail, exc.scim_type) from None


async def _check_group_unique(
    conn: Connection, auth: DirectoryAuth, external_id: str | None, group_id: str
) -> None:
    if external_id and await store.find_group_external_id(
        conn, auth.tenant_id, auth.directory_id, external_id, group_id
    ):
        raise ScimError(409, "another group in this directory already has this externalId", "uniqueness")


def _members_key(body: dict[str, Any]) -> str | None:
    return next((k for k in body if k.lower() == "members"), None)


async def create_group(conn: Connection, auth: DirectoryAuth, body: dict[str, Any]) -> dict[str, Any]:
    group_id = new_id("dg")
    resource = mapping.canonicalize(body, "Group")
    upsert = mapping.group_from_scim(resource, group_id=group_id)
    key = _members_key(body)
    members = mapping.member_ids(body[key]) if key else []
    changes: list[Change] = [upsert]
    if members:  # honoured on POST (RFC 7643 §4.2), unlike some peers
        changes.append(MembershipAdd(group=Ref(id=group_id), users=tuple(Ref(id=m) for m in members)))
    async with write_scope(conn) as scope:
        await _check_group_unique(conn, auth, upsert.external_id, group_id)
        await _apply(conn, auth, scope, changes)
    return await get_group(conn, auth, group_id)


async def replace_group(
    conn: Connection, auth: DirectoryAuth, group_id: str, body: dict[str, Any], if_match: str | None
) -> dict[str, Any]:
    resource = mapping.canonicalize(body, "Group")
    if resource.get("id") not in (None, group_id):
        raise ScimError(400, "id in the body does not match the URL", "mutability")
    key = _members_key(body)
    members = mapping.member_ids(body[key]) if key else []
    async with write_scope(conn) as scope:
        row = await get_group(conn, auth, group_id, for_update=True)
        check_version(row, if_match)
        upsert = mapping.group_from_scim(resource, group_id=group_id)
        await _check_group_unique(conn, auth, upsert.external_id, group_id)
        replace = MembershipReplace(group=Ref(id=group_id), users=tuple(Ref(id=m) for m in members))
        await _apply(conn, auth, scope, [upsert, replace])
    return await get_group(conn, auth, group_id)


async def patch_group(
    conn: Connection, auth: DirectoryAuth, group_id: str, body: Any, if_match: str | None
) -> dict[str, Any]:
    operations, steps = split_member_operations(parse_patch(body))
    async with write_scope(conn) as scope:
        row = await get_group(conn, auth, group_id, for_update=True)
        check_version(row, if_match)
        changes: list[Change] = []
        if operations:
            current = mapping.group_to_scim(row, "", None)
            current.pop("meta", None)
            patched = mapping.canonicalize(apply_operations(current, operations), "Group")
            upsert = mapping.group_from_scim(patched, group_id=group_id)
            if upsert.external_id != row["external_id"]:
                await _check_group_unique(conn, auth, upsert.external_id, group_id)
            changes.append(upsert)
        group = Ref(id=group_id)
        for kind, ids in steps:
            users = tuple(Ref(id=i) for i in dict.fromkeys(ids))
            if kind == "add":
                changes.append(MembershipAdd(group=group, users=users))
            elif kind == "replace":
                changes.append(MembershipReplace(group=group, users=users))
            else:
                # Removing someone who is not (or no longer) a user is a no-op, not an error.
                known = await store.existing_user_ids(conn, auth.tenant_id, auth.directory_id, list(ids))
                kept = tuple(u for u in users if u.id in known)
                if kept:
                    changes.append(MembershipRemove(group=group, users=kept))
        await _apply(conn, auth, scope, changes)
    return await get_group(conn, auth, group_id)


async def delete_group(conn: Connection, auth: DirectoryAuth, group_id: str, if_match: str | None) -> None:
    async with write_scope(conn) as scope:
        row = await get_group(conn, auth, group_id, for_update=True)
        check_version(row, if_match)
        await _apply(conn, auth, scope, [GroupRemove(group=Ref(id=group_id))])
