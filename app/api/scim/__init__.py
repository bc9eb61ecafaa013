"""The SCIM 2.0 service provider under ``/scim/v2/{directory_id}/`` (RFC 7643, RFC 7644).

Files: ``_resources.py`` (Users, Groups), ``_discovery.py``, ``_auth.py`` (token), ``_errors.py``
(RFC 7644 error bodies), ``_log.py`` (request log), ``_responses.py`` (wire helpers).
"""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from app.api.scim._auth import provide_scim_auth
from app.api.scim._discovery import DiscoveryController
from app.api.scim._errors import SCIM_EXCEPTION_HANDLERS
from app.api.scim._log import scim_request_log_middleware
from app.api.scim._resources import GroupsController, UsersController
from app.api.scim._responses import MEDIA_TYPE, ScimErrorBody


def scim_router() -> Router:
    return Router(
        path="/scim/v2/{directory_id:str}",
        route_handlers=[UsersController, GroupsController, DiscoveryController],
        dependencies={"scim_auth": Provide(provide_scim_auth)},
        exception_handlers=SCIM_EXCEPTION_HANDLERS,
        middleware=[scim_request_log_middleware],
        tags=["scim"],
        security=[{"scimToken": []}],
        include_in_schema=True,
    )


__all__ = ["MEDIA_TYPE", "ScimErrorBody", "scim_router"]
