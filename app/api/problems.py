"""RFC 9457 problem details for every REST error; types are documented in docs/errors.md."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import asyncpg
import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec

from app import errors
from app.api.middleware import ensure_request_id

log = structlog.get_logger()

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:dirsync:problem:"

_DOMAIN_STATUS: list[tuple[type[errors.DirsyncError], int]] = [
    (errors.NotFound, 404),
    (errors.Unauthenticated, 401),
    (errors.Conflict, 409),
    (errors.InvalidRequest, 400),
    (errors.Unavailable, 503),
]
_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
    500: "internal",
    503: "unavailable",
}


class FieldError(msgspec.Struct, kw_only=True):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An RFC 9457 problem details object."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem_spec(description: str) -> ResponseSpec:
    """An OpenAPI response documented as RFC 9457 problem details."""
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA_TYPE,
        description=description,
        generate_examples=False,
    )


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    field_errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    # Unmatched routes (404/405) never reach the middleware, so the id may be assigned here.
    request_id, fresh = ensure_request_id(request.scope)
    if fresh:
        headers = {**(headers or {}), "X-Request-ID": request_id}
    body = Problem(
        type=TYPE_PREFIX + slug,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=request_id,
        errors=field_errors,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _status_for(exc: errors.DirsyncError) -> int:
    for cls, status in _DOMAIN_STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def domain_error_handler(request: Request[Any, Any, Any], exc: errors.DirsyncError) -> Response[Problem]:
    status = _status_for(exc)
    log.info("request_failed", status=status, problem=exc.slug, detail=exc.detail)
    headers = {"WWW-Authenticate": 'Bearer realm="dirsync"'} if status == 401 else None
    return problem_response(
        request, status=status, slug=exc.slug, title=exc.title, detail=exc.detail, headers=headers
    )


def _field_errors(extra: Any) -> list[FieldError]:
    found: list[FieldError] = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            key = item.get("key") or item.get("source") or "body"
            found.append(FieldError(field=str(key), message=str(item.get("message", "invalid"))))
    return found


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    if status >= 500:
        log.error("request_crashed", status=status, exc_info=exc)
        return problem_response(request, status=status, slug="internal", title="Internal server error")
    phrase = HTTPStatus(status).phrase
    if isinstance(exc, ValidationException):
        field_errors = _field_errors(exc.extra)
        detail = exc.detail
        if field_errors:
            detail = "; ".join(f"{e.field}: {e.message}" for e in field_errors)
        log.info("request_invalid", status=status, detail=detail)
        return problem_response(
            request,
            status=status,
            slug="validation-error",
            title="Request validation failed",
            detail=detail,
            field_errors=field_errors or None,
        )
    log.info("request_failed", status=status, detail=exc.detail)
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="dirsync"')
    return problem_response(
        request,
        status=status,
        slug=_HTTP_SLUGS.get(status, f"http-{status}"),
        title=phrase,
        detail=exc.detail if exc.detail != phrase else None,
        headers=headers or None,
    )


def data_error_handler(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Problem]:
    """Values Postgres cannot store (a NUL in text, an out-of-range number) are the client's error."""
    log.info("request_invalid_data", error=type(exc).__name__)
    return problem_response(
        request,
        status=400,
        slug="invalid-value",
        title="A value cannot be stored",
        detail="a value in the request cannot be stored (for example a NUL character in text)",
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.error("request_crashed", exc_info=exc)
    return problem_response(request, status=500, slug="internal", title="Internal server error")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    errors.DirsyncError: domain_error_handler,
    HTTPException: http_error_handler,
    asyncpg.DataError: data_error_handler,
    Exception: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_MEDIA_TYPE", "Problem", "problem_response"]
