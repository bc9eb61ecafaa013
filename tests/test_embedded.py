"""The embedded services `dirsync dev` and the tests fall back to on a machine with nothing running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from redis.asyncio import Redis

from app.embedded import EmbeddedPostgres, EmbeddedRedis, with_database


@pytest.mark.slow
async def test_embedded_postgres_and_redis_start_serve_and_stop(tmp_path: Path) -> None:
    postgres = EmbeddedPostgres(tmp_path / "pg")
    redis = EmbeddedRedis(tmp_path / "redis")
    try:
        url = await asyncio.to_thread(postgres.start)
        conn = await asyncpg.connect(with_database(url, "postgres"))
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()
        redis_url = await asyncio.to_thread(redis.start)
        client = Redis.from_url(redis_url)
        assert await client.ping()
        await client.aclose()
    finally:
        redis.stop()
        await asyncio.to_thread(postgres.stop)
    with pytest.raises(OSError):
        await asyncpg.connect(url, timeout=2)
