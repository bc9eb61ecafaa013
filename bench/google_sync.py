"""Initial sync of a large Google Workspace tenant from the simulator, next to merely paging it.

The simulator (100,000 users, 5,000 groups of 20 members by default) runs in this process. Three
child processes then run, one after the other, against it and the local or embedded Postgres:
  1. baseline: page through users, groups and every group's members with the adapter's HTTP
     client (same page sizes and member concurrency as the sync), applying nothing;
  2. sync: the initial sync exactly as the google_sync job runs it (run_sync);
  3. reconcile: the same pass again over the unchanged tenant, which must emit zero events.
Each child reports its own wall time and peak RSS (VmHWM). Prints one JSON line last.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

USERS = int(os.environ.get("BENCH_GOOGLE_USERS", "100000"))
GROUPS = int(os.environ.get("BENCH_GOOGLE_GROUPS", "5000"))
MEMBERS = int(os.environ.get("BENCH_GOOGLE_MEMBERS", "20"))


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM of its own memory map.

    Not getrusage: Linux carries ru_maxrss across exec, so a child forked from this parent (which
    holds the simulator's 100,000 users) would report the parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def child_baseline(job: dict[str, Any]) -> dict[str, Any]:
    import httpx

    from providers import google as adapter

    creds = adapter.parse_credentials(job["credentials"])
    started = time.perf_counter()
    users = groups = members = 0
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=32)) as http:
        client = adapter.DirectoryClient(
            http, creds, tokens=adapter.TokenCache(), api_base_url=job["api_base_url"]
        )
        async for page in client.iter_user_pages():
            users += len(page.users)
        semaphore = asyncio.Semaphore(8)

        async def members_of(group_id: str) -> int:
            async with semaphore:
                return len(await client.list_members(group_id))

        async for gpage in client.iter_group_pages():
            groups += len(gpage.groups)
            members += sum(await asyncio.gather(*(members_of(g["id"]) for g in gpage.groups)))
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "users": users,
        "groups": groups,
        "members": members,
        "peak_rss_mb": peak_rss_mb(),
    }


async def child_sync(job: dict[str, Any]) -> dict[str, Any]:
    from app.db import create_pool
    from app.services import google as google_service
    from app.settings import load_settings

    settings = load_settings(
        {}, database__url=job["database_url"], redis__url=job["redis_url"], crypto__keys=job["crypto_keys"]
    )
    pool = await create_pool(settings)
    try:
        started = time.perf_counter()
        async with google_service.open_runtime(settings) as runtime:
            result = await google_service.run_sync(pool, runtime, job["tenant_id"], job["directory_id"])
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
    return {
        "seconds": round(seconds, 2),
        "ok": result.ok,
        "error": result.error,
        **result.counts,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_child(kind: str, job: dict[str, Any]) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")},
        "DIRSYNC_LOG_LEVEL": "warning",
    }
    done = subprocess.run(
        [sys.executable, os.environ.get("BENCH_CHILD_SCRIPT", __file__), "--child", kind],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def setup(sim: Any, database_url: str, crypto_keys: str) -> dict[str, str]:
    from app.db import connect
    from app.services import directory as directory_service
    from app.services import tenant as tenant_service
    from app.services.directory import DirectoryCreate
    from app.settings import parse_encryption_keys
    from app.store.migration import apply_migrations

    conn = await connect(database_url)
    try:
        await apply_migrations(conn)
        tenant, _key = await tenant_service.create_tenant(conn, "bench-google")
        directory, _token = await directory_service.create_directory(
            conn,
            tenant.id,
            DirectoryCreate(
                name="bench",
                provider="google",
                settings={"api_base_url": sim.base_url, "push": False},
                credentials=sim.credentials(),
            ),
            keys=parse_encryption_keys(crypto_keys),
        )
    finally:
        await conn.close()
    return {"tenant_id": tenant.id, "directory_id": directory.id}


async def main() -> None:
    from app.embedded import ensure_database, start_local_services
    from tests.google_sim import GoogleSimulator

    services = await start_local_services(Path(tempfile.mkdtemp()), database_url=None, redis_url=None)
    database = f"dirsync_bench_google_{secrets.token_hex(3)}"
    database_url = await ensure_database(services.database_url, database)
    crypto_keys = "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()
    sim = GoogleSimulator()
    seeded = time.perf_counter()
    sim.seed(USERS, groups=GROUPS, members_per_group=MEMBERS)
    seed_seconds = time.perf_counter() - seeded
    await sim.start()
    try:
        ids = await setup(sim, database_url, crypto_keys)
        job = {
            **ids,
            "database_url": database_url,
            "redis_url": services.redis_url,
            "crypto_keys": crypto_keys,
            "credentials": sim.credentials(),
            "api_base_url": sim.base_url,
        }
        baseline = await asyncio.to_thread(run_child, "baseline", job)
        sync = await asyncio.to_thread(run_child, "sync", job)
        reconcile = await asyncio.to_thread(run_child, "reconcile", job)
    finally:
        await sim.stop()
        import asyncpg

        conn = await asyncpg.connect(services.database_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await conn.close()
        services.stop()
    print(
        json.dumps(
            {
                "seed_seconds": round(seed_seconds, 1),
                "baseline": baseline,
                "sync": sync,
                "reconcile": reconcile,
            }
        ),
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "google_sync",
                "users": USERS,
                "groups": GROUPS,
                "members_per_group": MEMBERS,
                "sync_seconds": sync["seconds"],
                "sync_peak_rss_mb": sync["peak_rss_mb"],
                "sync_events": sync["events"],
                "reconcile_seconds": reconcile["seconds"],
                "reconcile_events": reconcile["events"],
                "reconcile_peak_rss_mb": reconcile["peak_rss_mb"],
                "baseline": baseline["seconds"],
                "baseline_what": "page users, groups, members from the simulator; nothing applied",
                "baseline_peak_rss_mb": baseline["peak_rss_mb"],
                "ratio": round(sync["seconds"] / baseline["seconds"], 2),
                "targets": {"sync_seconds": 60, "sync_peak_rss_mb": 300, "reconcile_events": 0},
                "ok": sync["ok"]
                and reconcile["ok"]
                and sync["seconds"] < 60
                and sync["peak_rss_mb"] < 300
                and reconcile["events"] == 0,
            }
        )
    )


def child_main(kind: str) -> None:
    job = json.loads(sys.stdin.read())
    runner = child_baseline if kind == "baseline" else child_sync
    print(json.dumps(asyncio.run(runner(job))))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child_main(sys.argv[2])
    else:
        asyncio.run(main())
