"""Google credentials: a service-account key with domain-wide delegation, the admin to impersonate.

The key is the JSON file the Google Cloud console downloads for a service account
(``type: service_account``, ``private_key`` PEM, ``client_email``, ``token_uri``). It is stored
encrypted on the directory next to the admin email and the customer id.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import jwt
import msgspec

from providers.google._errors import GoogleConfigError

# Read-only scopes are enough: users.watch and channels.stop accept admin.directory.user.readonly
# (admin:directory_v1 discovery document, "directory.users.watch" and "admin.channels.stop").
SCOPES = (
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
)
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
ASSERTION_LIFETIME = 3600  # Google refuses assertions valid for more than an hour


class ServiceAccountKey(msgspec.Struct, kw_only=True):
    """The fields of a service-account JSON key we use; other fields of the file are ignored."""

    type: str = "service_account"
    client_email: Annotated[str, msgspec.Meta(min_length=3)]
    private_key: Annotated[str, msgspec.Meta(min_length=1)]
    private_key_id: str | None = None
    client_id: str | None = None
    token_uri: str = DEFAULT_TOKEN_URI


class GoogleCredentials(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a directory stores (encrypted) to reach a Google Workspace tenant."""

    service_account_key: ServiceAccountKey
    admin_email: Annotated[str, msgspec.Meta(min_length=3)]
    customer_id: str = "my_customer"


def parse_credentials(raw: dict[str, Any] | None) -> GoogleCredentials:
    if not raw:
        raise GoogleConfigError("the directory has no Google credentials")
    try:
        creds = msgspec.convert(raw, GoogleCredentials)
    except msgspec.ValidationError as exc:
        raise GoogleConfigError(f"invalid Google credentials: {exc}") from None
    if creds.service_account_key.type != "service_account":
        raise GoogleConfigError("the key must be a service-account key (type: service_account)")
    if "PRIVATE KEY" not in creds.service_account_key.private_key:
        raise GoogleConfigError("the service-account key has no PEM private_key")
    return creds


def build_assertion(
    creds: GoogleCredentials, token_uri: str, *, now: float | None = None, scopes: tuple[str, ...] = SCOPES
) -> str:
    """The RS256 JWT of the OAuth 2.0 JWT-bearer grant (RFC 7523), impersonating the admin."""
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": creds.service_account_key.client_email,
        "sub": creds.admin_email,
        "scope": " ".join(scopes),
        "aud": token_uri,
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
    }
    key_id = creds.service_account_key.private_key_id
    headers = {"kid": key_id} if key_id else None
    try:
        return jwt.encode(claims, creds.service_account_key.private_key, algorithm="RS256", headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise GoogleConfigError(f"cannot sign with the service-account key: {type(exc).__name__}") from None
