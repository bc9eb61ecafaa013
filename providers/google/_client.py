"""An async client for the Admin SDK Directory API (the endpoints the adapter needs).

Wire formats follow the ``admin:directory_v1`` discovery document (googleapis/google-api-python-client,
``googleapiclient/discovery_cache/documents/admin.directory_v1.json``): ``users.list``/``get``/``watch``,
``groups.list``, ``members.list``, ``channels.stop``. Every call retries 429, 5xx and quota errors
with backoff (honouring ``Retry-After``) and refreshes the access token once on a 401.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import msgspec
import structlog

from providers.google._credentials import GoogleCredentials
from providers.google._errors import GoogleApiError, GoogleError, GoogleNotFound
from providers.google._token import TokenCache

log = structlog.get_logger()

DEFAULT_API_BASE_URL = "https://admin.googleapis.com"
USER_PAGE_SIZE = 500  # users.list maxResults maximum
GROUP_PAGE_SIZE = 200  # groups.list / members.list maxResults maximum


class UsersPage(msgspec.Struct):
    kind: str = "admin#directory#users"
    etag: str | None = None
    users: list[dict[str, Any]] = msgspec.field(default_factory=list)
    next_page_token: str | None = msgspec.field(default=None, name="nextPageToken")


class GroupsPage(msgspec.Struct):
    kind: str = "admin#directory#groups"
    etag: str | None = None
    groups: list[dict[str, Any]] = msgspec.field(default_factory=list)
    next_page_token: str | None = msgspec.field(default=None, name="nextPageToken")


class MembersPage(msgspec.Struct):
    kind: str = "admin#directory#members"
    etag: str | None = None
    members: list[dict[str, Any]] = msgspec.field(default_factory=list)
    next_page_token: str | None = msgspec.field(default=None, name="nextPageToken")


class Channel(msgspec.Struct, kw_only=True, rename="camel"):
    """The ``Channel`` schema of the discovery document; ``expiration`` is int64 ms as a string."""

    id: str
    kind: str = "api#channel"
    type: str = "web_hook"
    address: str | None = None
    token: str | None = None
    expiration: str | None = None
    resource_id: str | None = None
    resource_uri: str | None = None

    def expires_at(self) -> datetime | None:
        if not self.expiration:
            return None
        return datetime.fromtimestamp(int(self.expiration) / 1000, tz=UTC)


class _ErrorItem(msgspec.Struct):
    message: str | None = None
    domain: str | None = None
    reason: str | None = None


class _ErrorBody(msgspec.Struct):
    code: int | None = None
    message: str | None = None
    errors: list[_ErrorItem] = msgspec.field(default_factory=list)
    status: str | None = None


class _ErrorEnvelope(msgspec.Struct):
    error: _ErrorBody


class RetryPolicy(msgspec.Struct, kw_only=True, frozen=True):
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 32.0
    max_retry_after: float = 120.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def api_error(response: httpx.Response) -> GoogleApiError:
    """Google's error body ``{"error": {"code", "message", "errors": [{"reason"}], "status"}}``."""
    message, reason = response.reason_phrase or "error", None
    try:
        body = msgspec.json.decode(response.content, type=_ErrorEnvelope).error
        message = body.message or message
        reason = body.errors[0].reason if body.errors else None
    except (msgspec.DecodeError, msgspec.ValidationError):
        pass
    kind = GoogleNotFound if response.status_code == 404 else GoogleApiError
    return kind(response.status_code, message, reason)


class DirectoryClient:
    """One Google Workspace tenant, through one delegated admin."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        creds: GoogleCredentials,
        *,
        tokens: TokenCache,
        api_base_url: str = DEFAULT_API_BASE_URL,
        token_uri: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.http = http
        self.creds = creds
        self.tokens = tokens
        self.api_base_url = api_base_url.rstrip("/")
        self.token_uri = token_uri or creds.service_account_key.token_uri
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.retries = 0  # how many calls were retried (progress and tests)

    @property
    def customer(self) -> str:
        return self.creds.customer_id

    async def _request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: bytes | None = None
    ) -> bytes:
        url = f"{self.api_base_url}/{path}"
        attempt, refreshed = 0, False
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                token = await self.tokens.get(self.http, self.creds, self.token_uri)
                headers = {"Authorization": f"Bearer {token}"}
                if body is not None:
                    headers["Content-Type"] = "application/json"
                response = await self.http.request(method, url, params=params, content=body, headers=headers)
            except httpx.TransportError as exc:
                error: GoogleApiError = GoogleApiError(503, f"transport error: {type(exc).__name__}")
            except GoogleApiError as exc:  # the token endpoint itself was unavailable
                error = exc
            else:
                if response.status_code < 300:
                    return response.content
                if response.status_code == 401 and not refreshed:
                    # Tokens can die before their expiry (revocation, clock skew): fetch one more.
                    self.tokens.invalidate(self.creds, self.token_uri, token)
                    refreshed = True
                    attempt -= 1
                    continue
                error = api_error(response)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            if not error.retryable or attempt >= self.retry.max_attempts:
                raise error
            delay = self._delay(attempt, retry_after)
            self.retries += 1
            log.info("google_api_retry", status=error.status, reason=error.reason, delay=round(delay, 2))
            await self.sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.retry.max_retry_after)
        backoff: float = min(self.retry.max_delay, self.retry.base_delay * 2.0 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not crypto

    async def iter_user_pages(self, page_size: int = USER_PAGE_SIZE) -> AsyncIterator[UsersPage]:
        params: dict[str, Any] = {"customer": self.customer, "projection": "full", "maxResults": page_size}
        while True:
            page = msgspec.json.decode(
                await self._request("GET", "admin/directory/v1/users", params=params), type=UsersPage
            )
            yield page
            if not page.next_page_token:
                return
            params["pageToken"] = page.next_page_token

    async def get_user(self, user_key: str) -> dict[str, Any]:
        """users.get with projection=full; raises GoogleNotFound for a deleted user."""
        content = await self._request(
            "GET", f"admin/directory/v1/users/{_path(user_key)}", params={"projection": "full"}
        )
        user: dict[str, Any] = msgspec.json.decode(content)
        return user

    async def iter_group_pages(self, page_size: int = GROUP_PAGE_SIZE) -> AsyncIterator[GroupsPage]:
        params: dict[str, Any] = {"customer": self.customer, "maxResults": page_size}
        while True:
            page = msgspec.json.decode(
                await self._request("GET", "admin/directory/v1/groups", params=params), type=GroupsPage
            )
            yield page
            if not page.next_page_token:
                return
            params["pageToken"] = page.next_page_token

    async def list_members(self, group_key: str, page_size: int = GROUP_PAGE_SIZE) -> list[dict[str, Any]]:
        """Every direct member of a group (all pages); nested groups appear with type GROUP."""
        members: list[dict[str, Any]] = []
        params: dict[str, Any] = {"maxResults": page_size}
        path = f"admin/directory/v1/groups/{_path(group_key)}/members"
        while True:
            page = msgspec.json.decode(await self._request("GET", path, params=params), type=MembersPage)
            members.extend(page.members)
            if not page.next_page_token:
                return members
            params["pageToken"] = page.next_page_token

    async def watch_users(
        self, *, event: str, channel_id: str, token: str, address: str, expiration_ms: int | None = None
    ) -> Channel:
        """users.watch for one event type (add, delete, makeAdmin, undelete, update)."""
        request = {"id": channel_id, "type": "web_hook", "address": address, "token": token}
        if expiration_ms:
            request["expiration"] = str(expiration_ms)
        content = await self._request(
            "POST",
            "admin/directory/v1/users/watch",
            params={"customer": self.customer, "event": event, "projection": "full"},
            body=msgspec.json.encode(request),
        )
        return msgspec.json.decode(content, type=Channel)

    async def stop_channel(self, channel_id: str, resource_id: str) -> None:
        """channels.stop; a channel Google no longer knows (404) counts as stopped."""
        body = msgspec.json.encode({"id": channel_id, "resourceId": resource_id})
        try:
            await self._request("POST", "admin/directory_v1/channels/stop", body=body)
        except GoogleNotFound:
            return


def _path(key: str) -> str:
    if "/" in key or not key:
        raise GoogleError(f"invalid key {key!r}")
    return key
