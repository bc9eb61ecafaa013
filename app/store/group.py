"""Directory groups and memberships. Membership writes are set-based (one statement per batch)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.db import Connection

_SELECT = """
    SELECT id, directory_id, external_id, name, raw_attributes, version, created_at, updated_at
    FROM directory_groups
"""


class GroupRow(msgspec.Struct, kw_only=True):
    id: str
    directory_id: str
    external_id: str | None
    name: str
    raw_attributes: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime


def _row(record: Any) -> GroupRow:
    return msgspec.convert(dict(record), GroupRow)


async def get(
    conn: Connection, tenant_id: str, directory_id: str, *, group_id: str | None, external_id: str | None
) -> GroupRow | None:
    if group_id is not None:
        where, value = "id = $3", group_id
    elif external_id is not None:
        where, value = "external_id = $3", external_id
    else:
        return None
    row = await conn.fetchrow(
        _SELECT + f" WHERE tenant_id = $1 AND directory_id = $2 AND {where}", tenant_id, directory_id, value
    )
    return None if row is None else _row(row)


async def insert(
    conn: Connection,
    tenant_id: str,
    directory_id: str,
    *,
    group_id: str,
    external_id: str | None,
    name: str,
    raw_attributes: dict[str, Any],
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO directory_groups (tenant_id, directory_id, id, external_id, name, raw_attributes,
                                      created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
        """,
        tenant_id,
        directory_id,
        group_id,
        external_id,
        name,
        raw_attributes,
        now,
    )


async def update(
    conn: Connection, tenant_id: str, group_id: str, changed: dict[str, Any], now: datetime
) -> None:
    names = [n for n in ("external_id", "name", "raw_attributes") if n in changed]
    sets = "".join(f"{n} = ${i}, " for i, n in enumerate(names, start=4))
    await conn.execute(
        f"""
        UPDATE directory_groups SET {sets}version = version + 1, updated_at = $3
        WHERE tenant_id = $1 AND id = $2
        """,
        tenant_id,
        group_id,
        now,
        *(changed[n] for n in names),
    )


async def delete(conn: Connection, tenant_id: str, group_id: str) -> None:
    await conn.execute("DELETE FROM directory_groups WHERE tenant_id = $1 AND id = $2", tenant_id, group_id)


async def list_page(
    conn: Connection, tenant_id: str, directory_id: str, *, after: str | None, limit: int
) -> list[GroupRow]:
    rows = await conn.fetch(
        _SELECT
        + """
        WHERE tenant_id = $1 AND directory_id = $2 AND ($3::text IS NULL OR id > $3)
        ORDER BY id LIMIT $4
        """,
        tenant_id,
        directory_id,
        after,
        limit,
    )
    return [_row(r) for r in rows]


async def list_all(conn: Connection, tenant_id: str, directory_id: str) -> list[GroupRow]:
    rows = await conn.fetch(
        _SELECT + " WHERE tenant_id = $1 AND directory_id = $2 ORDER BY id", tenant_id, directory_id
    )
    return [_row(r) for r in rows]


async def member_ids(conn: Connection, tenant_id: str, group_id: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT user_id FROM directory_memberships WHERE tenant_id = $1 AND group_id = $2 ORDER BY user_id",
        tenant_id,
        group_id,
    )
    return [r["user_id"] for r in rows]


async def member_page(
    conn: Connection, tenant_id: str, group_id: str, *, after: str | None, limit: int
) -> list[str]:
    rows = await conn.fetch(
        """
        SELECT user_id FROM directory_memberships
        WHERE tenant_id = $1 AND group_id = $2 AND ($3::text IS NULL OR user_id > $3)
        ORDER BY user_id LIMIT $4
        """,
        tenant_id,
        group_id,
        after,
        limit,
    )
    return [r["user_id"] for r in rows]


async def add_members(
    conn: Connection, tenant_id: str, directory_id: str, group_id: str, user_ids: list[str]
) -> list[str]:
    """Insert memberships in one statement; returns the user ids that were not members yet."""
    rows = await conn.fetch(
        """
        INSERT INTO directory_memberships (tenant_id, directory_id, group_id, user_id)
        SELECT $1, $2, $3, u FROM unnest($4::text[]) AS u
        ON CONFLICT DO NOTHING
        RETURNING user_id
        """,
        tenant_id,
        directory_id,
        group_id,
        user_ids,
    )
    return sorted(r["user_id"] for r in rows)


async def remove_members(conn: Connection, tenant_id: str, group_id: str, user_ids: list[str]) -> list[str]:
    rows = await conn.fetch(
        """
        DELETE FROM directory_memberships
        WHERE tenant_id = $1 AND group_id = $2 AND user_id = ANY($3::text[])
        RETURNING user_id
        """,
        tenant_id,
        group_id,
        user_ids,
    )
    return sorted(r["user_id"] for r in rows)


async def list_memberships(conn: Connection, tenant_id: str, directory_id: str) -> list[tuple[str, str]]:
    rows = await conn.fetch(
        """
        SELECT group_id, user_id FROM directory_memberships
        WHERE tenant_id = $1 AND directory_id = $2 ORDER BY group_id, user_id
        """,
        tenant_id,
        directory_id,
    )
    return [(r["group_id"], r["user_id"]) for r in rows]


async def touch(conn: Connection, tenant_id: str, group_id: str, now: datetime) -> None:
    """A membership change is a change to the group resource (SCIM ETag)."""
    await conn.execute(
        "UPDATE directory_groups SET version = version + 1, updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        group_id,
        now,
    )


# -- set-based writes for runs of upserts (one statement whatever the run's size) ---------------

_json = msgspec.json.Encoder().encode


async def list_by_refs(
    conn: Connection, tenant_id: str, directory_id: str, ids: list[str], external_ids: list[str]
) -> list[GroupRow]:
    """The groups whose id is in ``ids`` or whose external id is in ``external_ids`` (one query)."""
    rows = await conn.fetch(
        _SELECT
        + """ WHERE tenant_id = $1 AND directory_id = $2
              AND (id = ANY($3::text[]) OR external_id = ANY($4::text[]))""",
        tenant_id,
        directory_id,
        ids,
        external_ids,
    )
    return [_row(r) for r in rows]


def _arrays(rows: list[dict[str, Any]]) -> tuple[list[Any], ...]:
    return (
        [r["id"] for r in rows],
        [r["external_id"] for r in rows],
        [r["name"] for r in rows],
        [_json(r["raw_attributes"]).decode() for r in rows],
    )


async def insert_many(
    conn: Connection, tenant_id: str, directory_id: str, rows: list[dict[str, Any]], now: datetime
) -> None:
    """Insert groups (id, external_id, name, raw_attributes per row) in one statement."""
    await conn.execute(
        """
        INSERT INTO directory_groups (tenant_id, directory_id, id, external_id, name, raw_attributes,
                                      created_at, updated_at)
        SELECT $1, $2, v.id, v.external_id, v.name, v.raw::jsonb, $3, $3
        FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS v(id, external_id, name, raw)
        """,
        tenant_id,
        directory_id,
        now,
        *_arrays(rows),
    )


async def update_many(
    conn: Connection, tenant_id: str, directory_id: str, rows: list[dict[str, Any]], now: datetime
) -> None:
    """Set external_id, name and raw_attributes of each group (by id), bump its version."""
    await conn.execute(
        """
        UPDATE directory_groups AS g
        SET external_id = v.external_id, name = v.name, raw_attributes = v.raw::jsonb,
            version = g.version + 1, updated_at = $3
        FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS v(id, external_id, name, raw)
        WHERE g.tenant_id = $1 AND g.directory_id = $2 AND g.id = v.id
        """,
        tenant_id,
        directory_id,
        now,
        *_arrays(rows),
    )


async def members_of(conn: Connection, tenant_id: str, group_ids: list[str]) -> list[tuple[str, str]]:
    """(group_id, user_id) of every membership of the given groups."""
    rows = await conn.fetch(
        """
        SELECT group_id, user_id FROM directory_memberships
        WHERE tenant_id = $1 AND group_id = ANY($2::text[])
        """,
        tenant_id,
        group_ids,
    )
    return [(r["group_id"], r["user_id"]) for r in rows]


async def remove_pairs(conn: Connection, tenant_id: str, group_ids: list[str], user_ids: list[str]) -> None:
    """Delete the memberships (group_ids[i], user_ids[i]) in one statement."""
    await conn.execute(
        """
        DELETE FROM directory_memberships m
        USING unnest($2::text[], $3::text[]) AS p(group_id, user_id)
        WHERE m.tenant_id = $1 AND m.group_id = p.group_id AND m.user_id = p.user_id
        """,
        tenant_id,
        group_ids,
        user_ids,
    )


async def add_pairs(
    conn: Connection, tenant_id: str, directory_id: str, group_ids: list[str], user_ids: list[str]
) -> None:
    """Insert the memberships (group_ids[i], user_ids[i]) in one statement."""
    await conn.execute(
        """
        INSERT INTO directory_memberships (tenant_id, directory_id, group_id, user_id)
        SELECT $1, $2, p.group_id, p.user_id FROM unnest($3::text[], $4::text[]) AS p(group_id, user_id)
        """,
        tenant_id,
        directory_id,
        group_ids,
        user_ids,
    )


async def touch_many(conn: Connection, tenant_id: str, group_ids: list[str], now: datetime) -> None:
    await conn.execute(
        """
        UPDATE directory_groups SET version = version + 1, updated_at = $3
        WHERE tenant_id = $1 AND id = ANY($2::text[])
        """,
        tenant_id,
        group_ids,
        now,
    )
