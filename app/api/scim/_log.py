"""The SCIM request log middleware: what the IdP sent and what we answered, secrets redacted.

The Authorization header is never stored (no headers are, except User-Agent); ``password``
attributes, including PATCH operations on a ``password`` path, are replaced by a marker.
"""

from __future__ import annotations

import time
from typing import Any

import msgspec
import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.api.scim._auth import AUTH_STATE_KEY
from app.db import Connection, Pool
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


async def _write(scope: Scope, pool: Pool, tenant_id: str | None, entry: log_store.ScimRequestInsert) -> None:
    # Reuse the request's own connection (app.api.deps.connection_middleware releases it after
    # us): taking a second one from the pool while holding the first deadlocks under load.
    holder = scope.get("state", {}).get("db_connection")
    if holder is not None:
        await _insert(await holder.get(), tenant_id, entry)
        return
    async with pool.acquire() as conn:
        await _insert(conn, tenant_id, entry)


async def _insert(conn: Connection, tenant_id: str | None, entry: log_store.ScimRequestInsert) -> None:
    if tenant_id is None:
        tenant_id = await log_store.directory_tenant(conn, entry.directory_id)
        if tenant_id is None:
            return  # not a directory: nobody to show this to
    await log_store.insert_requests(conn, tenant_id, [entry])
