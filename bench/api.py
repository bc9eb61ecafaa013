"""Authenticated REST request throughput next to the framework's ceiling (/healthz), same server.

Starts the API in a subprocess (uvicorn, one process) on the local or embedded Postgres/Redis,
then drives it with concurrent keep-alive HTTP clients. Prints one JSON line last.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.embedded import ensure_database, free_port, start_local_services

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "4000"))
CONCURRENCY = 32


async def drive(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    remaining = REQUESTS

    async def one_worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            response = await client.get(path, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text

    started = time.perf_counter()
    await asyncio.gather(*(one_worker() for _ in range(CONCURRENCY)))
    return REQUESTS / (time.perf_counter() - started), sorted(latencies)


def pct(values: list[float], p: float) -> float:
    return round(values[min(len(values) - 1, int(len(values) * p))] * 1000, 2)


async def main() -> None:
    services = await start_local_services(Path(tempfile.mkdtemp()), database_url=None, redis_url=None)
    db_url = await ensure_database(services.database_url, "dirsync_bench_api")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")},
        "DIRSYNC_DATABASE_URL": db_url,
        "DIRSYNC_REDIS_URL": services.redis_url,
        "DIRSYNC_HTTP_PORT": str(port),
        "DIRSYNC_LOG_LEVEL": "warning",
    }
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [sys.executable, "-m", "app.cli", "tenants", "create", "bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    key = json.loads(created.stdout)["api_key"]["secret"]
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, stderr=subprocess.DEVNULL)
    try:
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
        ) as client:
            for _ in range(500):
                try:
                    await client.get("/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
            await drive(client, "/healthz", {})  # warm-up
            ceiling, _ceiling_lat = await drive(client, "/healthz", {})
            authed, authed_lat = await drive(client, "/v1/tenant", {"Authorization": f"Bearer {key}"})
    finally:
        server.terminate()
        server.wait()
        services.stop()
    print(
        json.dumps(
            {
                "bench": "api",
                "authenticated_rps": round(authed),
                "authenticated_p50_ms": pct(authed_lat, 0.5),
                "authenticated_p99_ms": pct(authed_lat, 0.99),
                "baseline": round(ceiling),
                "baseline_what": "GET /healthz on the same server (framework ceiling)",
                "ratio": round(authed / ceiling, 3),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
