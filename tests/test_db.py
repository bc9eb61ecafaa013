"""The pool: a released connection comes back clean without a reset round trip."""

from __future__ import annotations

import msgspec

from app.db import create_pool
from app.settings import Settings


async def test_released_connection_is_rolled_back_and_keeps_its_codecs(settings: Settings) -> None:
    one = msgspec.structs.replace(
        settings, database=msgspec.structs.replace(settings.database, pool_min_size=1, pool_max_size=1)
    )
    pool = await create_pool(one)
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN")  # left open, as by a handler that crashed mid-write
            await conn.execute("CREATE TEMP TABLE leftover (x int) ON COMMIT DROP")
            assert conn.is_in_transaction()
        async with pool.acquire() as conn:  # the same (only) connection
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('pg_temp.leftover')") is None
            assert await conn.fetchval("SELECT '{\"a\": 1}'::jsonb") == {"a": 1}
    finally:
        await pool.close()
