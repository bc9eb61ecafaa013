"""Fixtures shared by the Google tests: a started simulator and a Google directory pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.google_sim import GoogleSimulator


@pytest.fixture
async def sim() -> AsyncIterator[GoogleSimulator]:
    simulator = GoogleSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


async def google_directory(pool: asyncpg.Pool, tenant_id: str, sim: GoogleSimulator, **settings: Any) -> str:
    """A committed Google directory whose API base URL and token URI are the simulator's."""
    from tests.factories import make_directory

    directory, _ = await make_directory(
        pool,
        tenant_id,
        provider="google",
        name="Google",
        settings={"api_base_url": sim.base_url, **settings},
        credentials=sim.credentials(),
    )
    return directory.id


async def events(pool: asyncpg.Pool, tenant_id: str, directory_id: str) -> list[dict[str, Any]]:
    import json

    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT body FROM events WHERE tenant_id = $1 AND directory_id = $2 ORDER BY sequence",
            tenant_id,
            directory_id,
        )
    return [json.loads(r["body"]) for r in rows]


async def user_rows(pool: asyncpg.Pool, tenant_id: str, directory_id: str) -> dict[str, dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT external_id, username, state, first_name, job_title, employee_number, manager_external_id
            FROM directory_users WHERE tenant_id = $1 AND directory_id = $2
            """,
            tenant_id,
            directory_id,
        )
    return {r["external_id"]: dict(r) for r in rows}


async def membership_pairs(pool: asyncpg.Pool, tenant_id: str, directory_id: str) -> set[tuple[str, str]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT g.external_id AS group_id, u.external_id AS user_id
            FROM directory_memberships m
            JOIN directory_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
            JOIN directory_users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
            WHERE m.tenant_id = $1 AND m.directory_id = $2
            """,
            tenant_id,
            directory_id,
        )
    return {(r["group_id"], r["user_id"]) for r in rows}
