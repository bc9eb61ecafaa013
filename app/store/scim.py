"""SCIM reads: users, groups and memberships as rows for SCIM rendering, filtered and paged.

Writes never happen here: they go through ``app.services.directory.apply_changes``.
"""

from __future__ import annotations

from typing import Any

from app.db import Connection
from app.scim.filter import Node
from app.store.scim_filter import compile_filter, sort_expression

USER_COLUMNS = """
    u.id, u.external_id, u.username, u.emails, u.first_name, u.last_name, u.display_name, u.state,
    u.job_title, u.department, u.employee_number, u.manager_external_id, u.raw_attributes,
    u.version, u.created_at, u.updated_at
"""
GROUP_COLUMNS = "g.id, g.external_id, g.name, g.raw_attributes, g.version, g.created_at, g.updated_at"


_USER_BY_ID = """
    SELECT u.id, u.external_id, u.username, u.emails, u.first_name, u.last_name, u.display_name,
           u.state, u.job_title, u.department, u.employee_number, u.manager_external_id,
           u.raw_attributes, u.version, u.created_at, u.updated_at
    FROM directory_users u WHERE u.tenant_id = $1 AND u.directory_id = $2 AND u.id = $3
"""
_GROUP_BY_ID = """
    SELECT g.id, g.external_id, g.name, g.raw_attributes, g.version, g.created_at, g.updated_at
    FROM directory_groups g WHERE g.tenant_id = $1 AND g.directory_id = $2 AND g.id = $3
"""
_LOCKED = " FOR UPDATE"  # the row lock orders If-Match checks against concurrent writes


async def get_user(
    conn: Connection, tenant_id: str, directory_id: str, user_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    sql = _USER_BY_ID + _LOCKED if for_update else _USER_BY_ID
    row = await conn.fetchrow(sql, tenant_id, directory_id, user_id)
    return None if row is None else dict(row)


async def get_group(
    conn: Connection, tenant_id: str, directory_id: str, group_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    sql = _GROUP_BY_ID + _LOCKED if for_update else _GROUP_BY_ID
    row = await conn.fetchrow(sql, tenant_id, directory_id, group_id)
    return None if row is None else dict(row)


async def find_user_conflict(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    username: str,
    external_id: str | None,
    exclude_id: str,
) -> str | None:
    """Which unique attribute (``userName`` or ``externalId``) another user already holds."""
    row = await conn.fetchrow(
        """
        SELECT lower(username) = lower($3) AS username_taken FROM directory_users
        WHERE tenant_id = $1 AND directory_id = $2 AND id <> $5
          AND (lower(username) = lower($3) OR ($4::text IS NOT NULL AND external_id = $4))
        LIMIT 1
        """,
        tenant_id,
        directory_id,
        username,
        external_id,
        exclude_id,
    )
    if row is None:
        return None
    return "userName" if row["username_taken"] else "externalId"


async def find_group_external_id(
    conn: Connection, tenant_id: str, directory_id: str, external_id: str, exclude_id: str
) -> bool:
    found = await conn.fetchval(
        """
        SELECT 1 FROM directory_groups
        WHERE tenant_id = $1 AND directory_id = $2 AND external_id = $3 AND id <> $4
        """,
        tenant_id,
        directory_id,
        external_id,
        exclude_id,
    )
    return found is not None


# Fragments chosen by this module and the filter compiler; values only ever travel as parameters.
_COUNT = """
    SELECT count(*) FROM {table} {alias}
    WHERE {alias}.tenant_id = $1 AND {alias}.directory_id = $2 AND {condition}
"""
_PAGE = """
    SELECT {columns} FROM {table} {alias}
    WHERE {alias}.tenant_id = $1 AND {alias}.directory_id = $2 AND {condition}
    ORDER BY {order} OFFSET {offset} LIMIT {limit}
"""


async def _page(
    conn: Connection,
    *,
    table: str,
    columns: str,
    alias: str,
    resource_type: str,
    tenant_id: str,
    directory_id: str,
    filter_node: Node | None,
    sort_by: str | None,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[int, list[dict[str, Any]]]:
    condition, params = ("TRUE", []) if filter_node is None else compile_filter(filter_node, resource_type, 3)
    order = f"{alias}.id"
    if sort_by:
        direction = "DESC" if descending else "ASC"
        order = f"{sort_expression(resource_type, sort_by)} {direction} NULLS LAST, {alias}.id {direction}"
    parts = {"table": table, "alias": alias, "columns": columns, "condition": condition, "order": order}
    if filter_node is not None and limit > 0:
        # A filtered lookup (Okta and Entra look users up by userName before every write) usually
        # matches a handful of rows: count them in the same round trip.
        n = len(params) + 3
        windowed = {**parts, "columns": columns + ", count(*) OVER () AS total_results"}
        rows = await conn.fetch(
            _PAGE.format(**windowed, offset=f"${n}", limit=f"${n + 1}"),
            tenant_id,
            directory_id,
            *params,
            offset,
            limit,
        )
        if rows:
            found = [dict(r) for r in rows]
            total = found[0]["total_results"]
            for row in found:
                del row["total_results"]
            return int(total), found
        if offset == 0:
            return 0, []
    total = await conn.fetchval(_COUNT.format(**parts), tenant_id, directory_id, *params)
    if limit == 0 or offset >= total:
        return int(total), []
    n = len(params) + 3
    rows = await conn.fetch(
        _PAGE.format(**parts, offset=f"${n}", limit=f"${n + 1}"),
        tenant_id,
        directory_id,
        *params,
        offset,
        limit,
    )
    return int(total), [dict(r) for r in rows]


async def list_users(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    filter_node: Node | None,
    sort_by: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[dict[str, Any]]]:
    """``(totalResults, rows)`` for one page of the directory's users."""
    return await _page(
        conn,
        table="directory_users",
        columns=USER_COLUMNS,
        alias="u",
        resource_type="User",
        tenant_id=tenant_id,
        directory_id=directory_id,
        filter_node=filter_node,
        sort_by=sort_by,
        descending=descending,
        offset=offset,
        limit=limit,
    )


async def list_groups(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    filter_node: Node | None,
    sort_by: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[dict[str, Any]]]:
    return await _page(
        conn,
        table="directory_groups",
        columns=GROUP_COLUMNS,
        alias="g",
        resource_type="Group",
        tenant_id=tenant_id,
        directory_id=directory_id,
        filter_node=filter_node,
        sort_by=sort_by,
        descending=descending,
        offset=offset,
        limit=limit,
    )


async def groups_of_users(
    conn: Connection, tenant_id: str, user_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each user's groups as SCIM ``groups`` values (``value``, ``display``)."""
    rows = await conn.fetch(
        """
        SELECT m.user_id, g.id, g.name FROM directory_memberships m
        JOIN directory_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
        WHERE m.tenant_id = $1 AND m.user_id = ANY($2::text[])
        ORDER BY m.user_id, g.id
        """,
        tenant_id,
        user_ids,
    )
    found: dict[str, list[dict[str, Any]]] = {user_id: [] for user_id in user_ids}
    for row in rows:
        found[row["user_id"]].append({"value": row["id"], "display": row["name"], "type": "direct"})
    return found


async def members_of_groups(
    conn: Connection, tenant_id: str, group_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each group's members as SCIM ``members`` values (``value``, ``display``, ``type``)."""
    rows = await conn.fetch(
        """
        SELECT m.group_id, u.id, coalesce(u.display_name, u.username) AS display
        FROM directory_memberships m
        JOIN directory_users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
        WHERE m.tenant_id = $1 AND m.group_id = ANY($2::text[])
        ORDER BY m.group_id, u.id
        """,
        tenant_id,
        group_ids,
    )
    found: dict[str, list[dict[str, Any]]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        found[row["group_id"]].append({"value": row["id"], "display": row["display"], "type": "User"})
    return found


async def existing_user_ids(
    conn: Connection, tenant_id: str, directory_id: str, user_ids: list[str]
) -> set[str]:
    rows = await conn.fetch(
        """
        SELECT id FROM directory_users
        WHERE tenant_id = $1 AND directory_id = $2 AND id = ANY($3::text[])
        """,
        tenant_id,
        directory_id,
        user_ids,
    )
    return {r["id"] for r in rows}
