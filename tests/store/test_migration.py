from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import asyncpg
import pytest

from app.errors import MigrationError
from app.store.migration import MIGRATIONS_DIR, apply_migrations, discover
from tests import services


@pytest.fixture
async def empty_database(worker_id_str: str):
    admin_url = os.environ[services.ADMIN_URL_VAR]
    name = f"dirsync_mig_{os.getpid()}_{worker_id_str}"
    conn = await asyncpg.connect(admin_url)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    from app.embedded import with_database

    yield with_database(admin_url, name)
    await services.drop_database(admin_url, name)


async def test_fresh_database_gets_every_migration_then_rerun_is_a_noop(empty_database: str) -> None:
    conn = await asyncpg.connect(empty_database)
    try:
        applied = await apply_migrations(conn)
        assert applied == [m.name for m in discover()]
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(applied)
        assert await conn.fetchval("SELECT to_regclass('tenants') IS NOT NULL")
        assert await apply_migrations(conn) == []
    finally:
        await conn.close()


async def test_concurrent_starters_apply_each_migration_once(empty_database: str) -> None:
    conns = [await asyncpg.connect(empty_database) for _ in range(4)]
    try:
        results = await asyncio.gather(*(apply_migrations(c) for c in conns))
        names = [m.name for m in discover()]
        # Exactly one starter applied everything; the others found nothing to do and no error.
        assert sorted(len(r) for r in results) == [0, 0, 0, len(names)]
        rows = await conns[0].fetch("SELECT version FROM schema_migrations ORDER BY version")
        assert len(rows) == len(names)
    finally:
        for c in conns:
            await c.close()


async def test_edited_applied_migration_is_refused(empty_database: str, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    conn = await asyncpg.connect(empty_database)
    try:
        await apply_migrations(conn, directory)
        first = sorted(directory.glob("*.sql"))[0]
        first.write_text(first.read_text() + "\n-- edited\n")
        with pytest.raises(MigrationError, match=f"{first.name} was edited after it was applied"):
            await apply_migrations(conn, directory)
    finally:
        await conn.close()


async def test_failed_migration_rolls_back_and_is_not_recorded(empty_database: str, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    (directory / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n"
    )
    conn = await asyncpg.connect(empty_database)
    try:
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await apply_migrations(conn, directory)
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations WHERE version = 9999") == 0
    finally:
        await conn.close()


def test_badly_named_migration_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_init.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_slug\.sql"):
        discover(tmp_path)
