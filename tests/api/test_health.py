from __future__ import annotations

import httpx

from tests.conftest import LiveServer


async def test_healthz(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_checks_postgres_and_redis(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}


async def test_readyz_reports_unreachable_redis(settings) -> None:
    import msgspec

    from app.embedded import free_port

    broken = msgspec.structs.replace(
        settings, redis=msgspec.structs.replace(settings.redis, url=f"redis://127.0.0.1:{free_port()}/0")
    )
    server = LiveServer(broken)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            response = await client.get("/readyz")
    finally:
        await server.stop()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["postgres"] == "ok"
    assert body["checks"]["redis"].startswith("error")


async def test_metrics_count_requests(http: httpx.AsyncClient) -> None:
    await http.get("/healthz")
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert (
        'dirsync_requests_total{app_name="dirsync",method="GET",path="/healthz",status_code="200"}'
        in response.text
    )
    assert "dirsync_request_duration_seconds_bucket" in response.text
