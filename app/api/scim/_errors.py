"""Exception handlers of the SCIM router: every error in the RFC 7644 §3.12 form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from app import errors
from app.api.scim._responses import error_response
from app.scim.errors import ScimError

log = structlog.get_logger()
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="dirsync-scim", Basic realm="dirsync-scim"'}


def scim_error_handler(request: Request[Any, Any, Any], exc: ScimError) -> Response[bytes]:
    log.info("scim_request_failed", status=exc.status, scim_type=exc.scim_type, detail=exc.detail)
    return error_response(exc.status, exc.detail, exc.scim_type)


def _domain_status(exc: errors.DirsyncError) -> tuple[int, str | None]:
    if isinstance(exc, errors.Unauthenticated):
        return 401, None
    if isinstance(exc, errors.NotFound):
        return 404, None
    if isinstance(exc, errors.UserNameTaken | errors.ExternalIdTaken):
        return 409, "uniqueness"
    if isinstance(exc, errors.DirectoryInactive):
        return 403, None
    if isinstance(exc, errors.Conflict):
        return 409, None
    if isinstance(exc, errors.InvalidRequest):
        return 400, "invalidValue"
    return 500, None


def domain_error_handler(request: Request[Any, Any, Any], exc: errors.DirsyncError) -> Response[bytes]:
    status, scim_type = _domain_status(exc)
    if status >= 500:
        log.error("scim_request_crashed", exc_info=exc)
        return error_response(500, "internal error")
    log.info("scim_request_failed", status=status, problem=exc.slug, detail=exc.detail)
    return error_response(status, exc.detail, scim_type, _CHALLENGE if status == 401 else None)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if status >= 500:
        log.error("scim_request_crashed", status=status, exc_info=exc)
        return error_response(status, "internal error")
    scim_type = None
    if isinstance(exc, ValidationException):
        scim_type = "invalidValue" if "query" in str(exc.extra) else "invalidSyntax"
    elif status == 400:
        scim_type = "invalidSyntax"
    detail = exc.detail
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        detail = "; ".join(
            f"{e.get('key', 'body')}: {e.get('message')}" for e in exc.extra if isinstance(e, dict)
        )
    log.info("scim_request_failed", status=status, detail=detail)
    return error_response(status, detail or None, scim_type, _CHALLENGE if status == 401 else None)


def data_error_handler(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[bytes]:
    """Values Postgres cannot store (a NUL in text) are the client's error."""
    log.info("scim_request_invalid_data", error=type(exc).__name__)
    return error_response(
        400, "a value in the request cannot be stored (for example a NUL character)", "invalidValue"
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.error("scim_request_crashed", exc_info=exc)
    return error_response(500, "internal error")


SCIM_EXCEPTION_HANDLERS: dict[Any, Any] = {
    ScimError: scim_error_handler,
    errors.DirsyncError: domain_error_handler,
    HTTPException: http_error_handler,
    asyncpg.DataError: data_error_handler,
    Exception: internal_error_handler,
}


def scim_aware(
    handler: Callable[[Request[Any, Any, Any], HTTPException], Response[Any]],
) -> Callable[[Request[Any, Any, Any], HTTPException], Response[Any]]:
    """The app-level HTTP error handler, answering in the SCIM form under ``/scim/``.

    No route (404) and no such method (405) are raised before the SCIM router is chosen, so its
    own handlers never see them; a SCIM client still gets the RFC 7644 §3.12 body.
    """

    def handle(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        if request.url.path.startswith("/scim/"):
            return http_error_handler(request, exc)
        return handler(request, exc)

    return handle
