"""The `dirsync` command: serve, worker, migrate, dev, tenants, keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec

from app.errors import DirsyncError
from app.loop import new_event_loop, tune_gc
from app.settings import Settings, SettingsError, load_settings

COMMANDS = ("serve", "worker", "migrate", "dev", "tenants", "keys")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dirsync", description="Directory sync: IdPs in, ordered webhooks out."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("worker", help="run the arq worker (deliveries, syncs, sweeps)")
    sub.add_parser("migrate", help="apply pending SQL migrations")
    dev = sub.add_parser(
        "dev", help="run everything locally: embedded Postgres/Redis if needed, API and worker"
    )
    dev.add_argument("--port", type=int)
    dev.add_argument(
        "--google-demo",
        action="store_true",
        help="also start a Google Workspace simulator and a demo directory synced from it",
    )
    tenants = sub.add_parser("tenants", help="manage tenants").add_subparsers(dest="action", required=True)
    tenants.add_parser("create", help="create a tenant and print its first API key").add_argument("name")
    tenants.add_parser("list", help="list tenants")
    keys = sub.add_parser("keys", help="manage a tenant's API keys").add_subparsers(
        dest="action", required=True
    )
    create = keys.add_parser("create", help="create an API key (printed once)")
    create.add_argument("tenant_id")
    create.add_argument("--name", default="")
    keys.add_parser("list", help="list API keys").add_argument("tenant_id")
    revoke = keys.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("tenant_id")
    revoke.add_argument("key_id")
    return parser


def _print_json(value: Any) -> None:
    print(msgspec.json.format(msgspec.json.encode(value)).decode())


async def _with_conn(settings: Settings, fn: Callable[[Any], Awaitable[Any]]) -> Any:
    from app.db import connect

    if not settings.database.url:
        raise SettingsError("DIRSYNC_DATABASE_URL is required")
    conn = await connect(settings.database.url)
    try:
        return await fn(conn)
    finally:
        await conn.close()


async def _migrate(settings: Settings) -> None:
    from app.store.migration import apply_migrations

    applied = await _with_conn(settings, apply_migrations)
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))


async def _tenants(settings: Settings, args: argparse.Namespace) -> None:
    from app.api.schemas import ApiKey, ApiKeyWithSecret, Tenant
    from app.services import tenant as service
    from app.store import tenant as store

    async def run(conn: Any) -> Any:
        if args.command == "tenants" and args.action == "create":
            tenant, key = await service.create_tenant(conn, args.name)
            return {"tenant": Tenant.from_row(tenant), "api_key": ApiKeyWithSecret.from_new(key)}
        if args.command == "tenants":
            return [Tenant.from_row(t) for t in await store.list_tenants(conn, after=None, limit=10_000)]
        if args.action == "create":
            return ApiKeyWithSecret.from_new(await service.create_api_key(conn, args.tenant_id, args.name))
        if args.action == "list":
            return [ApiKey.from_row(k) for k in await service.list_api_keys(conn, args.tenant_id)]
        return ApiKey.from_row(await service.revoke_api_key(conn, args.tenant_id, args.key_id))

    _print_json(await _with_conn(settings, run))


def _require_services(settings: Settings) -> None:
    if not settings.database.url:
        raise SettingsError("DIRSYNC_DATABASE_URL is required (or run `dirsync dev`)")
    if not settings.redis.url:
        raise SettingsError("DIRSYNC_REDIS_URL is required (or run `dirsync dev`)")


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    _require_services(settings)
    from app.logging import configure_logging
    from app.main import create_app

    configure_logging(json=settings.json_logs, level=settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.http.host,
        port=args.port or settings.http.port,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


def _worker(settings: Settings) -> None:
    from app.logging import configure_logging
    from app.worker import make_worker

    _require_services(settings)
    configure_logging(json=settings.json_logs, level=settings.log_level)
    # arq's Worker takes the current loop when it is built.
    asyncio.set_event_loop(new_event_loop(settings.event_loop))
    worker = make_worker(settings)
    tune_gc()
    worker.run()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "dev":
            from app.dev import run_dev

            return run_dev(settings, port=args.port, google_demo=args.google_demo)
        if args.command == "serve":
            _serve(settings, args)
        elif args.command == "worker":
            _worker(settings)
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        else:
            asyncio.run(_tenants(settings, args))
    except SettingsError as exc:
        print(f"dirsync: {exc}", file=sys.stderr)
        return 2
    except DirsyncError as exc:
        print(f"dirsync: {exc.detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
