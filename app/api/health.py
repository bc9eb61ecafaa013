"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
from litestar import Response, get
from litestar.datastructures import State
from redis.asyncio import Redis

from app.db import Pool
from app.schema import Output

_PROBE_TIMEOUT = 2.0


class Health(Output):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


@get(
    "/healthz", tags=["operations"], summary="Liveness probe", operation_id="healthz", include_in_schema=True
)
async def healthz() -> Health:
    return Health(status="ok")


async def _check_postgres(pool: Pool) -> str:
    try:
        async with asyncio.timeout(_PROBE_TIMEOUT), pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


async def _check_redis(redis: Redis) -> str:
    try:
        async with asyncio.timeout(_PROBE_TIMEOUT):
            await redis.ping()
    except (OSError, TimeoutError) as exc:
        return f"error: {type(exc).__name__}"
    except Exception as exc:  # redis-py raises its own ConnectionError hierarchy
        return f"error: {type(exc).__name__}"
    return "ok"


@get(
    "/readyz",
    tags=["operations"],
    summary="Readiness probe: Postgres and Redis reachable",
    operation_id="readyz",
)
async def readyz(state: State) -> Response[Health]:
    postgres, redis = await asyncio.gather(_check_postgres(state.pool), _check_redis(state.redis))
    checks = {"postgres": postgres, "redis": redis}
    ready = all(v == "ok" for v in checks.values())
    return Response(
        Health(status="ok" if ready else "unavailable", checks=checks), status_code=200 if ready else 503
    )
