"""ASGI middleware: request id (honoured or generated, echoed) and per-request log context."""

from __future__ import annotations

import re
import time

import structlog
from litestar.exceptions import NotFoundException
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

log = structlog.get_logger()

REQUEST_ID_HEADER = b"x-request-id"
_PARAM_TYPE = re.compile(r":[a-z]+}")
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER and _SAFE_ID.match(value):
            return value.decode()
    return None


def ensure_request_id(scope: Scope) -> tuple[str, bool]:
    """The request's id, and whether it was only assigned now (so no middleware echoes it yet)."""
    state = scope.setdefault("state", {})
    if "request_id" in state:
        return state["request_id"], False
    state["request_id"] = _incoming_request_id(scope) or str(ULID())
    return state["request_id"], True


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        request_id, _ = ensure_request_id(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.debug(
                "request_done",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )

    return middleware


def options_allow_middleware(app: ASGIApp) -> ASGIApp:
    """Correct the ``Allow`` header of automatic OPTIONS responses.

    Litestar builds the OPTIONS handler when the first handler of a path is registered, so a path
    with GET and POST in one controller answered ``Allow: OPTIONS, POST``. The merged route knows
    every method; answer with those.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return
        template = _PARAM_TYPE.sub("}", scope.get("path_template") or "")
        methods = next(
            (
                route.methods
                for route in scope["litestar_app"].routes
                if isinstance(route, HTTPRoute) and _PARAM_TYPE.sub("}", route.path) == template
            ),
            None,
        )

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and methods:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                headers.append((b"allow", ", ".join(sorted(methods)).encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_allow)

    return middleware


_STRICT_PREFIXES = ("/v1/", "/admin/")  # and /v1, /admin themselves end without a slash


def strict_slash_middleware(app: ASGIApp) -> ASGIApp:
    """404 for a REST path with a trailing slash.

    The router treats ``/v1/directories/`` as ``/v1/directories``, so a client that builds
    ``/v1/directories/{id}`` with an empty id got the directory list, not a directory. The
    documented paths have no trailing slash, and answering exactly those keeps every response
    matching its operation's schema. SCIM paths stay lenient: identity providers are configured
    by hand with base URLs.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        # The router strips the slash from scope["path"]; raw_path is what the client sent.
        raw = scope.get("raw_path")
        path = raw.decode("latin-1") if raw else scope.get("path", "")
        if path.endswith("/") and path.startswith(_STRICT_PREFIXES):
            raise NotFoundException(f"no route {path} (paths take no trailing slash)")
        await app(scope, receive, send)

    return middleware
