"""arq jobs for Google Workspace directories; each hands straight to app.services.google."""

from __future__ import annotations

from typing import Any

import msgspec
import structlog

from app.services import google as google_service

log = structlog.get_logger()


def _bind(ctx: dict[str, Any], tenant_id: str, directory_id: str) -> None:
    structlog.contextvars.bind_contextvars(
        job_id=ctx.get("job_id"), job_try=ctx.get("job_try"), tenant_id=tenant_id, directory_id=directory_id
    )


async def google_sync(ctx: dict[str, Any], tenant_id: str, directory_id: str, full: bool = False) -> Any:
    """Initial sync or reconcile of one directory (the passes that are due, or all with ``full``)."""
    _bind(ctx, tenant_id, directory_id)
    async with google_service.open_runtime(ctx["settings"]) as runtime:
        result = await google_service.sync_directory(
            ctx["pool"], runtime, ctx["settings"], tenant_id, directory_id, full=full
        )
    return None if result is None else msgspec.to_builtins(result)


async def google_channels(ctx: dict[str, Any], tenant_id: str, directory_id: str) -> list[str]:
    """Create or renew the directory's users.watch channels."""
    _bind(ctx, tenant_id, directory_id)
    async with google_service.open_runtime(ctx["settings"]) as runtime:
        return await google_service.ensure_channels(
            ctx["pool"], runtime, ctx["settings"], tenant_id, directory_id
        )


async def google_channels_stop(ctx: dict[str, Any], tenant_id: str, directory_id: str) -> int:
    """Stop the channels of a deleted directory (or one whose push was turned off)."""
    _bind(ctx, tenant_id, directory_id)
    async with google_service.open_runtime(ctx["settings"]) as runtime:
        return await google_service.stop_channels(ctx["pool"], runtime, tenant_id, directory_id)


async def google_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Every minute: queue due syncs, channel renewals and stops."""
    return await google_service.tick(ctx["pool"], ctx["redis"])
