"""The asyncpg pool, with JSON codecs so jsonb columns come back as Python objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import asyncpg
import msgspec

from app.settings import Settings

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # A plain connection or one borrowed from the pool: store functions accept either.
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    Pool: TypeAlias = asyncpg.Pool[asyncpg.Record]
else:
    Connection = asyncpg.Connection
    Pool = asyncpg.Pool

_json_encode = msgspec.json.Encoder().encode
_json_decode = msgspec.json.Decoder().decode


async def init_connection(conn: Connection) -> None:
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda v: _json_encode(v).decode(),
        decoder=_json_decode,
        format="text",
    )
    await conn.set_type_codec(
        "json",
        schema="pg_catalog",
        encoder=lambda v: _json_encode(v).decode(),
        decoder=_json_decode,
        format="text",
    )


async def _keep_session(_conn: Connection) -> None:
    """Release without asyncpg's default reset query (RESET ALL, UNLISTEN *, CLOSE ALL, advisory
    unlock): a round trip on every release, and the code never leaves session state on a pooled
    connection (LISTEN and advisory locks use their own connections). asyncpg still rolls back a
    transaction left open and drops listeners before calling this."""


async def create_pool(settings: Settings) -> Pool:
    assert settings.database.url
    pool = await asyncpg.create_pool(
        settings.database.url,
        min_size=settings.database.pool_min_size,
        max_size=settings.database.pool_max_size,
        init=init_connection,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


async def connect(url: str) -> Connection:
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    return conn
