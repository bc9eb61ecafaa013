"""Access tokens through the OAuth 2.0 JWT-bearer grant, cached until shortly before expiry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import msgspec

from providers.google._credentials import JWT_BEARER_GRANT, SCOPES, GoogleCredentials, build_assertion
from providers.google._errors import GoogleApiError, GoogleAuthError

REFRESH_MARGIN = 300.0  # renew five minutes before Google's expiry, so a slow page never carries a dead token


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int = 3600
    token_type: str = "Bearer"  # noqa: S105 - a token type name


class OAuthError(msgspec.Struct):
    error: str = "unknown"
    error_description: str | None = None


class _Entry(msgspec.Struct):
    token: str
    expires_at: float


class TokenCache:
    """Access tokens per (key, subject, token URI, scopes); one refresh at a time per entry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}
        self._clock = clock

    @staticmethod
    def key(creds: GoogleCredentials, token_uri: str) -> tuple[str, ...]:
        sa = creds.service_account_key
        return (sa.client_email, sa.private_key_id or "", creds.admin_email, token_uri, *SCOPES)

    async def get(self, http: httpx.AsyncClient, creds: GoogleCredentials, token_uri: str) -> str:
        key = self.key(creds, token_uri)
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at - REFRESH_MARGIN > self._clock():
            return entry.token
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at - REFRESH_MARGIN > self._clock():
                return entry.token
            started = self._clock()
            response = await fetch_token(http, creds, token_uri)
            self._entries[key] = _Entry(token=response.access_token, expires_at=started + response.expires_in)
            return response.access_token

    def invalidate(self, creds: GoogleCredentials, token_uri: str, token: str) -> None:
        """Forget ``token`` (the API said 401), unless a newer one already replaced it."""
        key = self.key(creds, token_uri)
        entry = self._entries.get(key)
        if entry is not None and entry.token == token:
            del self._entries[key]


async def fetch_token(http: httpx.AsyncClient, creds: GoogleCredentials, token_uri: str) -> TokenResponse:
    assertion = build_assertion(creds, token_uri)
    try:
        response = await http.post(
            token_uri, data={"grant_type": JWT_BEARER_GRANT, "assertion": assertion}, timeout=30
        )
    except httpx.HTTPError as exc:
        raise GoogleApiError(503, f"token endpoint unreachable: {type(exc).__name__}") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise GoogleApiError(response.status_code, "token endpoint unavailable")
    if response.status_code != 200:
        try:
            error = msgspec.json.decode(response.content, type=OAuthError)
        except msgspec.DecodeError:
            error = OAuthError()
        # invalid_grant / unauthorized_client: the key is revoked or delegation is not granted.
        detail = f"{error.error}: {error.error_description or ''}"
        raise GoogleAuthError(f"token endpoint refused the grant: {detail}")
    try:
        return msgspec.json.decode(response.content, type=TokenResponse)
    except msgspec.DecodeError:
        raise GoogleAuthError("token endpoint answered without an access_token") from None
