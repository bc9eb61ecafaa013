"""Reads of a directory's users, groups and members, as the same objects events carry."""

from __future__ import annotations

from app.db import Connection
from app.errors import DirectoryNotFound, GroupNotFound, UserNotFound
from app.events import DirectoryGroup, DirectoryUser
from app.services._apply import group_object, user_object
from app.store import directory as directory_store
from app.store import group as group_store
from app.store import user as user_store
from app.store.directory import DirectoryRow

Page = tuple[list[DirectoryUser], str | None]


async def _directory(conn: Connection, tenant_id: str, directory_id: str) -> DirectoryRow:
    row = await directory_store.get(conn, tenant_id, directory_id)
    # A deleted directory is gone from the API, its users and groups with it (events stay readable).
    if row is None or row.state in ("deleting", "deleted"):
        raise DirectoryNotFound(f"no directory {directory_id}")
    return row


async def list_users(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    after: str | None,
    limit: int,
    state: str | None = None,
    group_id: str | None = None,
    email: str | None = None,
) -> Page:
    directory = await _directory(conn, tenant_id, directory_id)
    rows = await user_store.list_page(
        conn,
        tenant_id,
        directory_id,
        after=after,
        limit=limit + 1,
        state=state,
        group_id=group_id,
        email=email,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    users = [user_object(r, directory.role_mappings) for r in rows]
    return users, rows[-1].id if more else None


async def get_user(conn: Connection, tenant_id: str, directory_id: str, user_id: str) -> DirectoryUser:
    directory = await _directory(conn, tenant_id, directory_id)
    row = await user_store.get(conn, tenant_id, directory_id, user_id=user_id, external_id=None)
    if row is None:
        raise UserNotFound(f"no user {user_id}")
    return user_object(row, directory.role_mappings)


async def list_groups(
    conn: Connection, tenant_id: str, directory_id: str, *, after: str | None, limit: int
) -> tuple[list[DirectoryGroup], str | None]:
    await _directory(conn, tenant_id, directory_id)
    rows = await group_store.list_page(conn, tenant_id, directory_id, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return [group_object(r) for r in rows], rows[-1].id if more else None


async def get_group(conn: Connection, tenant_id: str, directory_id: str, group_id: str) -> DirectoryGroup:
    await _directory(conn, tenant_id, directory_id)
    row = await group_store.get(conn, tenant_id, directory_id, group_id=group_id, external_id=None)
    if row is None:
        raise GroupNotFound(f"no group {group_id}")
    return group_object(row)


async def list_members(
    conn: Connection, tenant_id: str, directory_id: str, group_id: str, *, after: str | None, limit: int
) -> Page:
    directory = await _directory(conn, tenant_id, directory_id)
    if await group_store.get(conn, tenant_id, directory_id, group_id=group_id, external_id=None) is None:
        raise GroupNotFound(f"no group {group_id}")
    member_ids = await group_store.member_page(conn, tenant_id, group_id, after=after, limit=limit + 1)
    more = len(member_ids) > limit
    member_ids = member_ids[:limit]
    rows = await user_store.list_by_ids(conn, tenant_id, directory_id, member_ids)
    users = [user_object(r, directory.role_mappings) for r in rows]
    return users, member_ids[-1] if more else None
