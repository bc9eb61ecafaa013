"""The SCIM 2.0 service provider under ``/scim/v2/{directory_id}/`` (RFC 7643, RFC 7644).

Files: ``_resources.py`` (Users, Groups), ``_discovery.py``, ``_auth.py`` (token), ``_errors.py``
(RFC 7644 error bodies), ``_log.py`` (request log), ``_responses.py`` (wire helpers).
"""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from app.api.scim._auth import provide_scim_auth
from app.api.scim._discovery import DiscoveryController
from app.api.scim._errors import SCIM_EXCEPTION_HANDLERS, scim_aware
from app.api.scim._log import scim_request_log_middleware
from app.api.scim._resources import GroupsController, UsersController
from app.api.scim._responses import MEDIA_TYPE, ScimErrorBody
from app.api.scim._unsupported import UnsupportedController


def scim_router() -> Router:
    return Router(
        path="/scim/v2/{directory_id:str}",
        route_handlers=[UsersController, GroupsController, DiscoveryController, UnsupportedController],
        dependencies={"scim_auth": Provide(provide_scim_auth)},
        exception_handlers=SCIM_EXCEPTION_HANDLERS,
        middleware=[scim_request_log_middleware],
        tags=["scim"],
        security=[{"scimToken": []}],
        include_in_schema=True,
    )


__all__ = ["MEDIA_TYPE", "ScimErrorBody", "document_scim_errors", "scim_aware", "scim_router"]


def document_scim_errors(app: Litestar) -> None:
    """Describe SCIM error responses (RFC 7644 §3.12) in the OpenAPI document."""
    codes = {
        400: "invalidFilter, invalidSyntax, invalidPath, invalidValue, noTarget, mutability",
        401: "Missing or wrong directory token",
        404: "No such resource in this directory",
        409: "uniqueness: userName (case-insensitive) or externalId already taken",
        412: "If-Match names an older version",
        500: "Internal error (no internals shown)",
    }
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/scim"):
            continue
        for handler in route.route_handlers:
            errors = {
                code: ResponseSpec(
                    data_container=ScimErrorBody,
                    media_type=MEDIA_TYPE,
                    description=text,
                    generate_examples=False,
                )
                for code, text in codes.items()
            }
            handler.responses = {**errors, **(handler.responses or {})}
