"""SCIM authentication: the directory's bearer token (or HTTP Basic with the token as password)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import structlog
from litestar import Request
from litestar.params import FromPath

from app.api.deps import Conn
from app.errors import Unauthenticated
from app.services.directory import DirectoryAuth, authenticate_scim

AUTH_STATE_KEY = "scim_auth"


def scim_token(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("missing Authorization header; send the directory's SCIM bearer token")
    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return credentials
    if scheme.lower() == "basic" and credentials:
        # Some IdPs only offer Basic: the token is the password, the user name is ignored.
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated("malformed Basic credentials") from None
        _, sep, password = decoded.partition(":")
        if sep and password:
            return password
    raise Unauthenticated("expected 'Authorization: Bearer <SCIM token>'")


async def provide_scim_auth(
    request: Request[Any, Any, Any], conn: Conn, directory_id: FromPath[str]
) -> DirectoryAuth:
    auth = await authenticate_scim(conn, directory_id, scim_token(request))
    request.scope["state"][AUTH_STATE_KEY] = auth  # read by the request log
    structlog.contextvars.bind_contextvars(tenant_id=auth.tenant_id, directory_id=auth.directory_id)
    return auth
