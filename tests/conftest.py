"""Shared fixtures: real Postgres and Redis, a real HTTP server per session, factories."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from redis.asyncio import Redis

from app.db import create_pool
from app.embedded import LocalServices, free_port
from app.main import create_app
from app.services import tenant as tenant_service
from app.settings import Settings, load_settings
from tests import services

_SERVICES: LocalServices | None = None
OPERATOR_TOKEN = "test-operator-token"
CRYPTO_KEYS = "k1:" + "A" * 43 + "="


def pytest_configure(config: pytest.Config) -> None:
    global _SERVICES
    if hasattr(config, "workerinput") or services.ADMIN_URL_VAR in os.environ:
        return  # an xdist worker: the controller started the services
    _SERVICES = services.start_for_session()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SERVICES is not None and not hasattr(config, "workerinput"):
        asyncio.run(services.drop_database(_SERVICES.database_url, os.environ[services.TEMPLATE_VAR]))
        _SERVICES.stop()


@pytest.fixture(scope="session")
def worker_id_str(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
async def database_url(worker_id_str: str) -> AsyncIterator[str]:
    name = f"dirsync_test_{os.getpid()}_{worker_id_str}"
    url = await services.clone_template(name)
    yield url
    await services.drop_database(os.environ[services.ADMIN_URL_VAR], name)


@pytest.fixture(scope="session")
def redis_url(worker_id_str: str) -> str:
    return services.redis_url_for_worker(worker_id_str)


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str) -> Settings:
    return load_settings(
        {},
        env="test",
        operator_token=OPERATOR_TOKEN,
        database__url=database_url,
        database__pool_min_size=1,
        database__pool_max_size=10,
        redis__url=redis_url,
        crypto__keys=CRYPTO_KEYS,
        delivery__allow_loopback=True,
        delivery__allow_http=True,
    )


@pytest.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(settings)
    yield pool
    await pool.close()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with pool.acquire() as connection:
        tx = connection.transaction()
        await tx.start()
        try:
            yield connection
        finally:
            await tx.rollback()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


class LiveServer:
    """The real app behind a real uvicorn server on a loopback port, on the test event loop."""

    def __init__(self, settings: Settings, **app_options: Any) -> None:
        self.settings = settings
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, **app_options),
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@pytest.fixture(scope="session")
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    server = LiveServer(settings)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as client:
        yield client


class TenantFixture:
    def __init__(self, tenant_id: str, api_key: str) -> None:
        self.id = tenant_id
        self.api_key = api_key

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


async def make_tenant(pool: asyncpg.Pool, name: str = "acme") -> TenantFixture:
    async with pool.acquire() as connection:
        tenant, key = await tenant_service.create_tenant(connection, name)
    return TenantFixture(tenant.id, key.secret)


@pytest.fixture
async def tenant(pool: asyncpg.Pool) -> TenantFixture:
    """A fresh committed tenant; tests stay isolated because every query is tenant-scoped."""
    return await make_tenant(pool)


@pytest.fixture
def operator_headers() -> dict[str, Any]:
    return {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def eventually(predicate: Any, *, timeout: float = 10.0, interval: float = 0.01) -> Any:
    """Wait until ``predicate()`` (sync or async) is truthy; fail with a clear message at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
