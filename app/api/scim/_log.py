"""The SCIM request log middleware: what the IdP sent and what we answered, secrets redacted.

The Authorization header is never stored (no headers are, except User-Agent); ``password``
attributes, including PATCH operations on a ``password`` path, are replaced by a marker.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgspec
import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.api.scim._auth import AUTH_STATE_KEY
from app.db import Pool
from app.ids import new_id
from app.settings import Settings
from app.store import scim_request_log as log_store

log = structlog.get_logger()
REDACTED = "[REDACTED]"
_decode = msgspec.json.Decoder().decode


def redact(value: Any) -> Any:
    """A copy of a decoded body with every ``password`` attribute replaced by a marker."""
    if isinstance(value, list):
        return [redact(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key.lower() == "password" or key.lower().endswith(":password"):
            out[key] = REDACTED
        else:
            out[key] = redact(item)
    path = next((v for k, v in value.items() if k.lower() == "path"), None)
    if isinstance(path, str) and path.strip().lower().rsplit(":", 1)[-1] == "password":
        for key in out:
            if key.lower() == "value":
                out[key] = REDACTED
    return out


def _body(raw: bytes, limit: int) -> Any:
    if not raw:
        return None
    if len(raw) > limit:
        return {"truncated": True, "bytes": len(raw)}
    try:
        return redact(_decode(raw))
    except msgspec.DecodeError:
        return {"unparsed": raw[:1024].decode("utf-8", "replace"), "bytes": len(raw)}


def _directory_id(path: str) -> str | None:
    parts = path.split("/")  # "", "scim", "v2", "<directory_id>", ...
    return parts[3] if len(parts) > 3 and parts[3] else None


def scim_request_log_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["litestar_app"].state
        settings: Settings = state.settings
        if scope["type"] != "http" or not settings.scim.request_log_enabled:  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        limit = settings.scim.request_log_max_body_bytes
        started = time.perf_counter()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        sizes = [0, 0]
        status = 0

        async def receive_logged() -> Any:
            message: Any = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                sizes[0] += len(chunk)
                if sizes[0] <= limit + 1:
                    request_chunks.append(chunk)
            return message

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                sizes[1] += len(chunk)
                if sizes[1] <= limit + 1:
                    response_chunks.append(chunk)
            await send(message)

        try:
            await app(scope, receive_logged, send_logged)
        finally:
            latency = (time.perf_counter() - started) * 1000
            try:
                entry = _entry(scope, status, latency, request_chunks, response_chunks, sizes, limit)
                if entry is not None:
                    await _write(scope, state.pool, *entry)
            except Exception as exc:  # the log must never break or fail a request
                log.warning("scim_request_log_failed", error=type(exc).__name__)

    return middleware


def _entry(
    scope: Scope,
    status: int,
    latency: float,
    request_chunks: list[bytes],
    response_chunks: list[bytes],
    sizes: list[int],
    limit: int,
) -> tuple[str | None, log_store.ScimRequestInsert] | None:
    path: str = scope["path"]
    auth = scope.get("state", {}).get(AUTH_STATE_KEY)
    directory_id = auth.directory_id if auth is not None else _directory_id(path)
    if directory_id is None:
        return None
    headers = dict(scope.get("headers", []))
    user_agent = headers.get(b"user-agent", b"").decode("latin-1")[:512] or None
    too_big = {"truncated": True}
    entry = log_store.ScimRequestInsert(
        id=new_id("scr"),
        directory_id=directory_id,
        method=str(scope.get("method", "")),
        path=path,
        query=scope.get("query_string", b"").decode("latin-1")[:2048],
        status=status,
        latency_ms=round(latency, 3),
        user_agent=user_agent,
        request_body=_body(b"".join(request_chunks), limit)
        if sizes[0] <= limit
        else {**too_big, "bytes": sizes[0]},
        response_body=_body(b"".join(response_chunks), limit)
        if sizes[1] <= limit
        else {**too_big, "bytes": sizes[1]},
    )
    return (auth.tenant_id if auth is not None else None), entry


class _Writer:
    """Batches log entries off the request path: one ``executemany`` per flush, every ~50 ms.

    Entries still buffered when the process is killed are lost (at most one flush interval).
    """

    interval = 0.05

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.pending: list[tuple[str | None, log_store.ScimRequestInsert]] = []
        self.task: asyncio.Task[None] | None = None

    def add(self, tenant_id: str | None, entry: log_store.ScimRequestInsert) -> None:
        self.pending.append((tenant_id, entry))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self.pending:
            await asyncio.sleep(self.interval)
            batch, self.pending = self.pending, []
            try:
                await self._flush(batch)
            except Exception as exc:  # the log must never break requests
                log.warning("scim_request_log_failed", error=type(exc).__name__, entries=len(batch))

    async def _flush(self, batch: list[tuple[str | None, log_store.ScimRequestInsert]]) -> None:
        by_tenant: dict[str, list[log_store.ScimRequestInsert]] = {}
        async with self.pool.acquire() as conn:
            for tenant_id, entry in batch:
                if tenant_id is None:
                    tenant_id = await log_store.directory_tenant(conn, entry.directory_id)
                    if tenant_id is None:
                        continue  # not a directory: nobody to show this to
                by_tenant.setdefault(tenant_id, []).append(entry)
            for tenant_id, entries in by_tenant.items():
                await log_store.insert_requests(conn, tenant_id, entries)


_WRITER_KEY = "scim_request_log_writer"


async def _write(scope: Scope, pool: Pool, tenant_id: str | None, entry: log_store.ScimRequestInsert) -> None:
    state = scope["litestar_app"].state
    writer: _Writer | None = state.get(_WRITER_KEY)
    if writer is None or writer.pool is not pool:
        writer = _Writer(pool)
        state[_WRITER_KEY] = writer
    writer.add(tenant_id, entry)
