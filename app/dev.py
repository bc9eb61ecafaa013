"""`dirsync dev`: one command that brings up everything a newcomer needs.

Uses DIRSYNC_DATABASE_URL / DIRSYNC_REDIS_URL when set, the local servers when reachable,
and embedded PostgreSQL and Redis otherwise (data under DIRSYNC_DATA_DIR, default .dirsync/).
Then it migrates, creates (or reuses) a demo tenant, and runs the API and the worker in one
process until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
from pathlib import Path

import msgspec
import structlog

from app.db import connect
from app.embedded import LocalServices, start_local_services
from app.errors import Unauthenticated
from app.logging import configure_logging
from app.loop import run as run_loop
from app.services import tenant as tenant_service
from app.settings import Settings
from app.store.migration import apply_migrations

log = structlog.get_logger()


class DemoTenant(msgspec.Struct):
    tenant_id: str
    api_key: str


def _secret_file(path: Path, make: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.write_text(make)
    path.chmod(0o600)
    return make


async def _demo_tenant(database_url: str, path: Path) -> DemoTenant:
    conn = await connect(database_url)
    try:
        if path.exists():
            demo = msgspec.json.decode(path.read_bytes(), type=DemoTenant)
            with contextlib.suppress(Unauthenticated):
                if await tenant_service.authenticate(conn, demo.api_key) == demo.tenant_id:
                    return demo
        tenant, key = await tenant_service.create_tenant(conn, "demo")
        demo = DemoTenant(tenant_id=tenant.id, api_key=key.secret)
        path.write_bytes(msgspec.json.encode(demo))
        path.chmod(0o600)
        return demo
    finally:
        await conn.close()


def dev_settings(settings: Settings, services: LocalServices, data_dir: Path, port: int | None) -> Settings:
    crypto_keys = settings.crypto.keys or _secret_file(
        data_dir / "crypto_keys", "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    )
    operator = settings.operator_token or _secret_file(data_dir / "operator_token", secrets.token_urlsafe(32))
    env_set = "DIRSYNC_ENV" in os.environ
    return msgspec.structs.replace(
        settings,
        env=settings.env if env_set else "dev",
        operator_token=operator,
        database=msgspec.structs.replace(settings.database, url=services.database_url),
        redis=msgspec.structs.replace(settings.redis, url=services.redis_url),
        crypto=msgspec.structs.replace(settings.crypto, keys=crypto_keys),
        http=msgspec.structs.replace(settings.http, port=port or settings.http.port),
        delivery=msgspec.structs.replace(settings.delivery, allow_loopback=True, allow_http=True),
    )


async def _serve_all(settings: Settings, ready: asyncio.Event | None = None) -> None:
    import uvicorn

    from app.main import create_app
    from app.worker import make_worker

    config = uvicorn.Config(
        create_app(settings),
        host=settings.http.host,
        port=settings.http.port,
        access_log=False,
        log_config=None,
    )
    server = uvicorn.Server(config)
    worker = make_worker(settings, handle_signals=False)
    worker_task = asyncio.create_task(worker.async_run())
    try:
        serve_task = asyncio.create_task(server.serve())
        while not server.started and not serve_task.done():
            await asyncio.sleep(0.05)
        if ready is not None:
            ready.set()
        await serve_task
    finally:
        try:
            await worker.close()
        except Exception as exc:  # shutting down anyway; say why rather than print a traceback
            log.warning("worker_close_failed", error=str(exc))
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task


async def _run(settings: Settings, port: int | None, google_demo: bool = False) -> None:
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    services = await start_local_services(
        data_dir, database_url=settings.database.url, redis_url=settings.redis.url
    )
    try:
        settings = dev_settings(settings, services, data_dir, port)
        conn = await connect(settings.database.url or "")
        try:
            await apply_migrations(conn)
        finally:
            await conn.close()
        demo = await _demo_tenant(settings.database.url or "", data_dir / "demo_tenant.json")
        google = None
        if google_demo:
            from app.dev_google import start_google_demo

            google = await start_google_demo(settings, demo.tenant_id, data_dir / "google_demo.json")
        ready = asyncio.Event()
        serving = asyncio.create_task(_serve_all(settings, ready))
        ready_wait = asyncio.create_task(ready.wait())
        await asyncio.wait({serving, ready_wait}, return_when=asyncio.FIRST_COMPLETED)
        if ready.is_set():
            _print_banner(settings, services, demo, data_dir)
            if google is not None:
                _print_google_banner(settings, demo, google.directory_id, google.simulator_url)
        else:
            ready_wait.cancel()
        try:
            await serving
        finally:
            if google is not None:
                from app.dev_google import stop_google_demo

                await stop_google_demo(google)
    finally:
        services.stop()


def _print_banner(settings: Settings, services: LocalServices, demo: DemoTenant, data_dir: Path) -> None:
    base = settings.base_url()
    print("\n".join(["", "dirsync is running", *(f"  {n}" for n in services.notes)]))
    print(f"  API base URL:  {base}/v1")
    print(f"  API docs:      {base}/docs")
    print(f"  Demo tenant:   {demo.tenant_id}")
    print(f"  Demo API key:  {demo.api_key}")
    print(f"  Try:           curl -H 'Authorization: Bearer {demo.api_key}' {base}/v1/tenant")
    print(f"  Operator token in {data_dir / 'operator_token'}; Ctrl-C stops everything.\n", flush=True)


def _print_google_banner(settings: Settings, demo: DemoTenant, directory_id: str, simulator_url: str) -> None:
    base = settings.base_url()
    print(f"  Google demo:   directory {directory_id}, simulator at {simulator_url}")
    print(
        f"  Sync status:   curl -H 'Authorization: Bearer {demo.api_key}' "
        f"{base}/v1/directories/{directory_id}/sync\n",
        flush=True,
    )


def run_dev(settings: Settings, port: int | None = None, google_demo: bool = False) -> int:
    configure_logging(json=settings.log_format == "json", level=settings.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        run_loop(_run(settings, port, google_demo), settings.event_loop)
    return 0
