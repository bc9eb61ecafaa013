"""Endpoints we do not implement, answered as RFC 7644 asks rather than with a bare 404.

``/Me`` (RFC 7644 §3.11): a service provider that does not support it SHOULD answer 501 Not
Implemented. ``/Bulk`` (§3.7) is advertised as unsupported in ``/ServiceProviderConfig``, and a
search across resource types (``POST /.search`` at the root, §3.4.3) is not offered either; both
get the same 501 (RFC 7644 §3.12, Table 8: "Service provider does not support the request
operation"). All require the directory token first, like every SCIM route.
"""

from __future__ import annotations

from litestar import Controller, route
from litestar.enums import HttpMethod

from app.api.scim.deps import ScimAuth
from app.scim.errors import ScimError

_METHODS = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE]


class UnsupportedController(Controller):
    path = "/"

    @route(
        ["/Me", "/Me/{rest:path}"],
        http_method=_METHODS,
        summary="/Me (not supported: 501)",
        operation_id="scim_me",
        include_in_schema=False,
    )
    async def me(self, scim_auth: ScimAuth) -> None:
        raise ScimError(501, "/Me is not supported: a directory token does not identify a user")

    @route(
        "/Bulk",
        http_method=[HttpMethod.POST],
        summary="Bulk (not supported: 501)",
        operation_id="scim_bulk",
        include_in_schema=False,
    )
    async def bulk(self, scim_auth: ScimAuth) -> None:
        raise ScimError(501, "bulk operations are not supported (see /ServiceProviderConfig)")

    @route(
        "/.search",
        http_method=[HttpMethod.POST],
        summary="Root search (not supported: 501)",
        operation_id="scim_root_search",
        include_in_schema=False,
    )
    async def root_search(self, scim_auth: ScimAuth) -> None:
        raise ScimError(
            501, "search across resource types is not supported: use /Users/.search or /Groups/.search"
        )
