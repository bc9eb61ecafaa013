"""write_scope: the caller's transaction for read-check-then-write (SCIM), with and without an
outer transaction."""

from __future__ import annotations

from typing import Any

import pytest

from app.changes import ChangeBatch
from app.services.directory import DirectoryAuth, apply_changes, write_scope
from app.services.scim import create_user
from tests.conftest import TenantFixture
from tests.factories import make_directory, user_upsert


async def _events(pool: Any, tenant_id: str, directory_id: str) -> list[str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT type FROM events WHERE tenant_id = $1 AND directory_id = $2 ORDER BY sequence",
            tenant_id,
            directory_id,
        )
    return [r["type"] for r in rows]


async def test_commits_and_rolls_back_on_error(pool: Any, tenant: TenantFixture) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    async with pool.acquire() as conn:
        async with write_scope(conn) as scope:
            batch = ChangeBatch(changes=(user_upsert("kept"),))
            await apply_changes(conn, tenant.id, directory.id, batch, scope=scope)
        with pytest.raises(RuntimeError):
            async with write_scope(conn) as scope:
                batch = ChangeBatch(changes=(user_upsert("undone"),))
                await apply_changes(conn, tenant.id, directory.id, batch, scope=scope)
                raise RuntimeError("a check failed after the write")
        assert not conn.is_in_transaction()
    assert await _events(pool, tenant.id, directory.id) == ["user.created"]


async def test_inside_a_transaction_it_is_a_savepoint(pool: Any, tenant: TenantFixture) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    auth = DirectoryAuth(tenant_id=tenant.id, directory_id=directory.id, provider="scim")
    async with pool.acquire() as conn:
        outer = conn.transaction()
        await outer.start()
        created = await create_user(conn, auth, {"userName": "inner"})
        assert conn.is_in_transaction()  # the scope did not COMMIT the caller's transaction
        await outer.rollback()
    assert created["username"] == "inner"
    assert await _events(pool, tenant.id, directory.id) == []
