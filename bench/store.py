"""Store benchmark: changes applied/s and Events API reads/s.

1. 32 concurrent writers over 32 directories, one small change (a new user) per transaction,
   through ``apply_changes``; next to a baseline of one plain INSERT per transaction with the
   same concurrency on the same database in the same run, the two alternating in one-second
   slices (BENCH_SECONDS of each). Target: ratio >= 0.40.
2. Events read/s through the Events API over HTTP (a uvicorn subprocess), pages of 500, one
   sequential reader following a directory's stream. Target: >= 20,000/s.

Uses the local Postgres/Redis when reachable (``BENCH_DATABASE_URL``/``BENCH_REDIS_URL``
override), else embedded ones. The last line printed is one JSON object.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from app.changes import ChangeBatch, UserUpsert
from app.db import create_pool
from app.embedded import free_port, start_local_services, with_database
from app.services import directory as directory_service
from app.services import tenant as tenant_service
from app.services.directory import DirectoryCreate
from app.settings import load_settings
from app.store.migration import apply_migrations

WRITERS = 32
DURATION = float(os.environ.get("BENCH_SECONDS", "8"))
READ_EVENTS = int(os.environ.get("BENCH_READ_EVENTS", "30000"))
READ_PASSES = 3
PAGE = 500


async def run_for(seconds: float, worker) -> int:
    stop = time.perf_counter() + seconds
    counts = [0] * WRITERS

    async def loop(index: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            await worker(index, n)
            n += 1
        counts[index] = n

    await asyncio.gather(*(loop(i) for i in range(WRITERS)))
    return sum(counts)


async def bench_writes(pool, tenant_id: str) -> dict[str, float]:
    directories = []
    async with pool.acquire() as conn:
        for i in range(WRITERS):
            directory, _ = await directory_service.create_directory(
                conn, tenant_id, DirectoryCreate(name=f"bench {i}", provider="scim")
            )
            directories.append(directory.id)
        await conn.execute(
            "CREATE TABLE bench_baseline (tenant_id text, id text, payload text, PRIMARY KEY (tenant_id, id))"
        )

    serial = itertools.count()

    async def baseline(index: int, n: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO bench_baseline VALUES ($1, $2, $3)", tenant_id, f"{next(serial)}", "x" * 200
            )

    async def apply(index: int, n: int) -> None:
        change = UserUpsert(external_id=f"{index}-{n}", username=f"user-{index}-{n}", first_name="Bench")
        async with pool.acquire() as conn:
            await directory_service.apply_changes(
                conn, tenant_id, directories[index], ChangeBatch(changes=(change,))
            )

    await run_for(1, baseline)  # warm up connections and caches
    await run_for(1, apply)
    # Alternate one-second slices so that a change in the machine's load hits both sides alike.
    base_count = store_count = 0
    for _ in range(round(DURATION)):
        base_count += await run_for(1, baseline)
        store_count += await run_for(1, apply)
    base, store = base_count / round(DURATION), store_count / round(DURATION)
    return {
        "changes_per_s": round(store),
        "baseline_inserts_per_s": round(base),
        "ratio": round(store / base, 3),
    }


async def seed_events(pool, tenant_id: str) -> str:
    async with pool.acquire() as conn:
        directory, _ = await directory_service.create_directory(
            conn, tenant_id, DirectoryCreate(name="read bench", provider="scim")
        )
        for batch in range(READ_EVENTS // 1000):
            changes = tuple(
                UserUpsert(external_id=f"r{batch}-{i}", username=f"r{batch}-{i}", first_name="Reader")
                for i in range(1000)
            )
            await directory_service.apply_changes(conn, tenant_id, directory.id, ChangeBatch(changes=changes))
    return directory.id


async def bench_reads(database_url: str, redis_url: str, api_key: str, directory_id: str) -> float:
    port = free_port()
    env = {
        **os.environ,
        "DIRSYNC_DATABASE_URL": database_url,
        "DIRSYNC_REDIS_URL": redis_url,
        "DIRSYNC_LOG_LEVEL": "warning",
    }
    code = (
        "import uvicorn; from app.main import create_app; from app.settings import load_settings; "
        f"uvicorn.run(create_app(load_settings()), host='127.0.0.1', port={port}, log_level='warning', "
        "access_log=False)"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {api_key}"}, timeout=30
        ) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("API server did not start")
                await asyncio.sleep(0.1)

            async def read_all() -> tuple[int, float]:
                after, total = "0", 0
                started = time.perf_counter()
                while True:
                    response = await client.get(
                        "/v1/events", params={"directory_id": directory_id, "after": after, "limit": PAGE}
                    )
                    page = response.json()
                    total += len(page["data"])
                    after = page["next_cursor"]
                    if not page["has_more"]:
                        return total, time.perf_counter() - started

            await read_all()  # warm up
            total, elapsed = 0, 0.0
            for _ in range(READ_PASSES):
                count, seconds = await read_all()
                assert count == READ_EVENTS, count
                total, elapsed = total + count, elapsed + seconds
            return total / elapsed
    finally:
        server.terminate()
        server.wait(10)


async def main() -> None:
    services = await start_local_services(
        Path(tempfile.mkdtemp(prefix="dirsync-bench-")),
        database_url=os.environ.get("BENCH_DATABASE_URL"),
        redis_url=os.environ.get("BENCH_REDIS_URL"),
        database_name="postgres",
    )
    name = f"dirsync_bench_{os.getpid()}"
    admin = await asyncpg.connect(services.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(services.database_url, name)
    try:
        conn = await asyncpg.connect(url)
        await apply_migrations(conn)
        await conn.close()
        settings = load_settings(
            {}, database__url=url, database__pool_min_size=WRITERS, database__pool_max_size=WRITERS
        )
        pool = await create_pool(settings)
        async with pool.acquire() as conn:
            tenant, key = await tenant_service.create_tenant(conn, "bench")
        writes = await bench_writes(pool, tenant.id)
        print(f"writes: {writes}", file=sys.stderr)
        directory_id = await seed_events(pool, tenant.id)
        await pool.close()
        reads = await bench_reads(url, services.redis_url, key.secret, directory_id)
        print(f"reads: {reads:.0f} events/s", file=sys.stderr)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        services.stop()
    print(
        json.dumps(
            {
                "bench": "store",
                "writers": WRITERS,
                "changes_per_s": writes["changes_per_s"],
                "baseline": writes["baseline_inserts_per_s"],
                "ratio": writes["ratio"],
                "target_ratio": 0.4,
                "events_read_per_s": round(reads),
                "target_events_read_per_s": 20000,
                "page_size": PAGE,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
