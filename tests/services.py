"""Test services: the local Postgres/Redis when reachable, embedded ones otherwise.

The xdist controller (or a plain pytest run) starts them once in pytest_configure and passes
their URLs to workers through DIRSYNC_TEST_* environment variables. A migrated template
database is built once; each worker clones it, which takes milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import asyncpg

from app.embedded import LocalServices, start_local_services, with_database
from app.store.migration import apply_migrations

ADMIN_URL_VAR = "DIRSYNC_TEST_ADMIN_DATABASE_URL"
REDIS_URL_VAR = "DIRSYNC_TEST_REDIS_URL"
TEMPLATE_VAR = "DIRSYNC_TEST_TEMPLATE"


async def _build_template(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(with_database(admin_url, name))
    try:
        await apply_migrations(conn)
    finally:
        await conn.close()


async def _start() -> LocalServices:
    data_dir = Path(tempfile.mkdtemp(prefix="dirsync-test-"))
    # Tests use database 'postgres' as the admin database; each run makes its own databases.
    return await start_local_services(
        data_dir,
        database_url=os.environ.get("DIRSYNC_TEST_DATABASE_URL"),
        redis_url=os.environ.get("DIRSYNC_TEST_REDIS_URL"),
        database_name="postgres",
    )


def start_for_session() -> LocalServices:
    services = asyncio.run(_start())
    template = f"dirsync_tpl_{os.getpid()}"
    asyncio.run(_build_template(services.database_url, template))
    os.environ[ADMIN_URL_VAR] = services.database_url
    os.environ[REDIS_URL_VAR] = services.redis_url
    os.environ[TEMPLATE_VAR] = template
    return services


async def drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def clone_template(name: str) -> str:
    admin_url = os.environ[ADMIN_URL_VAR]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{os.environ[TEMPLATE_VAR]}"')
    finally:
        await conn.close()
    return with_database(admin_url, name)


def redis_url_for_worker(worker: str) -> str:
    base = os.environ[REDIS_URL_VAR].rsplit("/", 1)[0]
    index = int(worker[2:]) if worker.startswith("gw") else 0
    return f"{base}/{1 + index % 15}"
