"""Per-directory settings, the HTTP runtime and the Directory API client of a Google directory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import msgspec
import structlog

from app.db import Connection
from app.errors import DirectoryNotFound
from app.services import directory as directory_service
from app.settings import Settings
from app.store import google as google_store
from providers import google as adapter

log = structlog.get_logger()

# Process-wide: access tokens stay valid across jobs and requests of one process.
TOKENS = adapter.TokenCache()


class GoogleDirectorySettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A Google directory's ``settings`` (non-secret; the key lives in its encrypted credentials)."""

    api_base_url: str = adapter.DEFAULT_API_BASE_URL
    token_uri: str | None = None  # default: the key's token_uri
    users_reconcile_minutes: Annotated[int, msgspec.Meta(ge=5)] = 60
    groups_reconcile_minutes: Annotated[int, msgspec.Meta(ge=5)] = 15
    push: bool = True
    channel_ttl_hours: Annotated[float, msgspec.Meta(gt=1, le=24 * 7)] = 6.0


def parse_settings(raw: dict[str, Any]) -> GoogleDirectorySettings:
    try:
        return msgspec.convert(raw, GoogleDirectorySettings, strict=False)
    except msgspec.ValidationError as exc:
        raise adapter.GoogleConfigError(f"invalid Google directory settings: {exc}") from None


class Runtime(msgspec.Struct, kw_only=True):
    """What a Google call needs besides the directory: an HTTP client, the token cache, retry rules."""

    http: httpx.AsyncClient
    keys: list[tuple[str, bytes]]  # DIRSYNC_CRYPTO_KEYS, to decrypt the directory's credentials
    tokens: adapter.TokenCache = msgspec.field(default_factory=lambda: TOKENS)
    retry: adapter.RetryPolicy = msgspec.field(default_factory=adapter.RetryPolicy)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@asynccontextmanager
async def open_runtime(settings: Settings, **options: Any) -> AsyncIterator[Runtime]:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=10.0), limits=limits) as http:
        yield Runtime(http=http, keys=settings.encryption_keys(), **options)


async def load_client(
    conn: Connection, runtime: Runtime, tenant_id: str, directory_id: str
) -> adapter.DirectoryClient:
    directory = await google_store.get_directory(conn, tenant_id, directory_id)
    if directory is None:
        raise DirectoryNotFound(f"no Google directory {directory_id}")
    settings = parse_settings(directory.settings)
    raw = await directory_service.get_credentials(conn, tenant_id, directory_id, keys=runtime.keys)
    creds = adapter.parse_credentials(raw)
    return adapter.DirectoryClient(
        runtime.http,
        creds,
        tokens=runtime.tokens,
        api_base_url=settings.api_base_url,
        token_uri=settings.token_uri,
        retry=runtime.retry,
        sleep=runtime.sleep,
    )
