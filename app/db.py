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


async def keep_session(conn: Connection) -> None:
    """The pool's reset on release: nothing beyond what asyncpg always does first.

    Before calling it asyncpg rolls back a transaction left open and drops listeners. Its default
    reset would then run ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``: a
    round trip on every release (about as much server CPU as the handler's own queries in a SCIM
    PATCH, py-spy). Pooled connections carry no such session state here: LISTEN, the Kafka relay's
    session advisory lock and the migration lock each use a connection of their own, and nothing
    issues a session-level SET.
    """


async def create_pool(settings: Settings) -> Pool:
    assert settings.database.url
    pool = await asyncpg.create_pool(
        settings.database.url,
        min_size=settings.database.pool_min_size,
        max_size=settings.database.pool_max_size,
        init=init_connection,
        reset=keep_session,
    )
    assert pool is not None
    return pool


async def connect(url: str) -> Connection:
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    return conn
