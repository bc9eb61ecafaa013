"""A loopback Google Workspace simulator: the OAuth token endpoint and the Directory API.

Speaks the wire format of the ``admin:directory_v1`` discovery document (googleapis/google-api-python-client,
``googleapiclient/discovery_cache/documents/admin.directory_v1.json``): ``users.list`` (customer,
projection, maxResults 1..500, pageToken, ``nextPageToken``), ``users.get``, ``users.watch`` (one ``event``
per channel; ``Channel`` with int64 ``expiration`` as a string), ``groups.list``, ``members.list``
(maxResults up to 200) and ``channels.stop`` (``admin/directory_v1/channels/stop``, 204). Errors use
Google's JSON error body ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
"status"}}``; the token endpoint answers the JWT-bearer grant (RFC 7523) with ``access_token``,
``expires_in`` and ``token_type``, or ``{"error": "invalid_grant", ...}``. Push notifications follow
the Admin SDK push guide: ``X-Goog-Channel-*``, ``X-Goog-Resource-*``, ``X-Goog-Message-Number``.

Tests mutate ``users``/``groups``/``members`` through the helper methods, inject failures with
``fail_next`` and expire tokens with ``expire_tokens``; ``notify`` sends a push to our receiver.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import jwt
import msgspec
import uvicorn

from app.embedded import free_port
from tests.google_sim import _data
from tests.google_sim._data import (
    CUSTOMER_ID,
    etag,
    make_group,
    make_group_member,
    make_member,
    make_user,
    public_key_pem,
    service_account_key,
)

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REQUIRED_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_encode = msgspec.json.Encoder().encode


def google_error(code: int, message: str, reason: str, status: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
    }
    if status:
        error["status"] = status
    return {"error": error}


class Failure(msgspec.Struct):
    status: int
    count: int
    path: str | None
    retry_after: str | None
    reason: str


class SimChannel(msgspec.Struct):
    id: str
    resource_id: str
    address: str
    token: str | None
    event: str
    expiration_ms: int
    message_number: int = 0
    stopped: bool = False


class GoogleSimulator:
    def __init__(self, *, token_ttl: int = 3600, customer_id: str = CUSTOMER_ID, key_index: int = 0) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.token_uri = f"{self.base_url}/token"
        self.customer_id = customer_id
        self.public_key = public_key_pem(key_index)
        self.key_index = key_index
        self.token_ttl = token_ttl
        self.channel_ttl_ms = 6 * 3600 * 1000
        self.users: dict[str, dict[str, Any]] = {}
        self.deleted: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[dict[str, Any]]] = {}
        self.tokens: dict[str, float] = {}
        self.channels: dict[str, SimChannel] = {}
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, str]] = []
        self.token_requests = 0
        self._user_list: list[dict[str, Any]] | None = None
        # Awaited before each API request with (method, path, query): lets a test act "meanwhile".
        self.before_request: Callable[[str, str, dict[str, str]], Awaitable[None]] | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        config = uvicorn.Config(
            self,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await self._task

    def service_account_key(self) -> dict[str, Any]:
        return service_account_key(self.token_uri, self.key_index)

    def credentials(self, admin_email: str = "admin@example.com") -> dict[str, Any]:
        return {
            "service_account_key": self.service_account_key(),
            "admin_email": admin_email,
            "customer_id": self.customer_id,
        }

    # --- data ------------------------------------------------------------------------------
    def seed(self, users: int, groups: int = 0, members_per_group: int = 0) -> None:
        """``users`` users, ``groups`` groups with ``members_per_group`` members each (deterministic)."""
        for i in range(users):
            self.add_user(make_user(i, manager_index=(i // 10) * 10 if i % 10 else None))
        user_ids = list(self.users)
        for g in range(groups):
            group = make_group(g, members_count=members_per_group)
            self.groups[group["id"]] = group
            start = (g * members_per_group) % max(1, len(user_ids))
            chosen = (
                [user_ids[(start + k) % len(user_ids)] for k in range(members_per_group)] if user_ids else []
            )
            self.members[group["id"]] = [make_member(self.users[u]) for u in dict.fromkeys(chosen)]

    def add_user(self, user: dict[str, Any]) -> dict[str, Any]:
        self.users[user["id"]] = user
        self._user_list = None
        return user

    def update_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        user = self.users[user_id]
        user.update(fields)
        user["etag"] = etag("user", user_id, secrets.token_hex(4))
        return user

    def delete_user(self, user_id: str) -> dict[str, Any]:
        user = self.users.pop(user_id)
        self._user_list = None
        for members in self.members.values():
            members[:] = [m for m in members if m["id"] != user_id]
        user["deletionTime"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.deleted[user_id] = user
        return user

    def add_group(self, index: int) -> dict[str, Any]:
        group = make_group(index)
        self.groups[group["id"]] = group
        self.members[group["id"]] = []
        return group

    def add_member(self, group_id: str, user_id: str) -> None:
        self.members[group_id].append(make_member(self.users[user_id]))
        self._touch_group(group_id)

    def add_nested_group(self, group_id: str, child_id: str) -> None:
        self.members[group_id].append(make_group_member(self.groups[child_id]))
        self._touch_group(group_id)

    def remove_member(self, group_id: str, member_id: str) -> None:
        self.members[group_id] = [m for m in self.members[group_id] if m["id"] != member_id]
        self._touch_group(group_id)

    def _touch_group(self, group_id: str) -> None:
        group = self.groups[group_id]
        group["directMembersCount"] = str(len(self.members[group_id]))
        group["etag"] = etag("group", group_id, secrets.token_hex(4))

    # --- failure injection -----------------------------------------------------------------
    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 429,
        path: str | None = None,
        retry_after: str | None = "1",
        reason: str = "rateLimitExceeded",
    ) -> None:
        """The next ``count`` API calls (under ``path`` if given) answer ``status``."""
        self.failures.append(
            Failure(status=status, count=count, path=path, retry_after=retry_after, reason=reason)
        )

    def expire_tokens(self) -> None:
        """Every issued access token dies now (as if revoked or expired early)."""
        self.tokens.clear()

    # --- push ------------------------------------------------------------------------------
    async def notify(self, event: str, user_id: str, *, token: str | None = None) -> list[httpx.Response]:
        """Send ``event`` for the user to every live channel watching it; returns the responses."""
        user = self.users.get(user_id) or self.deleted[user_id]
        body = {
            "kind": "admin#directory#user",
            "id": user_id,
            "etag": user["etag"],
            "primaryEmail": user["primaryEmail"],
        }
        responses = []
        for channel in list(self.channels.values()):
            if channel.stopped or channel.event != event:
                continue
            responses.append(await self.push(channel, event, body, token=token))
        return responses

    async def push(
        self,
        channel: SimChannel,
        state: str,
        body: dict[str, Any] | None,
        *,
        token: str | None = None,
        message_number: int | None = None,
    ) -> httpx.Response:
        if message_number is None:
            channel.message_number += 1
            message_number = channel.message_number
        expiration = datetime.fromtimestamp(channel.expiration_ms / 1000, tz=UTC)
        headers = {
            "X-Goog-Channel-ID": channel.id,
            "X-Goog-Channel-Expiration": format_datetime(expiration, usegmt=True),
            "X-Goog-Resource-ID": channel.resource_id,
            "X-Goog-Resource-URI": self._resource_uri(channel.event),
            "X-Goog-Resource-State": state,
            "X-Goog-Message-Number": str(message_number),
        }
        if token is not None or channel.token is not None:
            headers["X-Goog-Channel-Token"] = token if token is not None else str(channel.token)
        content = _encode(body) if body is not None else b""
        if body is not None:
            headers["Content-Type"] = "application/json; charset=UTF-8"
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.post(channel.address, content=content, headers=headers)

    def _resource_uri(self, event: str) -> str:
        return f"{self.base_url}/admin/directory/v1/users?customer={self.customer_id}&event={event}&alt=json"

    def live_channels(self, event: str | None = None) -> list[SimChannel]:
        return [c for c in self.channels.values() if not c.stopped and (event is None or c.event == event)]

    # --- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self.before_request is not None:
            query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
            await self.before_request(scope["method"], scope["path"], query)
        status, payload, headers = self._handle(scope, body)
        content = b"" if payload is None else _encode(payload)
        raw_headers = [(b"content-type", b"application/json; charset=UTF-8")] if payload is not None else []
        raw_headers += [(k.encode(), v.encode()) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": content})

    def _handle(self, scope: Scope, body: bytes) -> tuple[int, Any, dict[str, str]]:
        method, path = scope["method"], scope["path"]
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        self.requests.append((method, path))
        if path == "/token" and method == "POST":
            return self._token(body)
        failure = self._take_failure(path)
        if failure is not None:
            return failure
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if not self._authorized(headers.get("authorization", "")):
            return (
                401,
                google_error(
                    401,
                    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                    "login cookie or other valid authentication credential. See "
                    "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    "authError",
                    "UNAUTHENTICATED",
                ),
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
            )
        return self._route(method, path, query, body)

    def _take_failure(self, path: str) -> tuple[int, Any, dict[str, str]] | None:
        for failure in self.failures:
            if failure.count > 0 and (failure.path is None or path.startswith(failure.path)):
                failure.count -= 1
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                status_name = "RESOURCE_EXHAUSTED" if failure.status == 429 else "UNAVAILABLE"
                message = (
                    "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'"
                    if failure.status == 429
                    else "The service is currently unavailable."
                )
                return (
                    failure.status,
                    google_error(failure.status, message, failure.reason, status_name),
                    headers,
                )
        return None

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        expiry = self.tokens.get(token)
        return scheme == "Bearer" and expiry is not None and expiry > time.monotonic()

    def _token(self, body: bytes) -> tuple[int, Any, dict[str, str]]:
        self.token_requests += 1
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != JWT_BEARER:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "}, {}
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self.public_key,
                algorithms=["RS256"],
                audience=self.token_uri,
                options={"require": ["iss", "sub", "aud", "iat", "exp", "scope"]},
            )
        except jwt.PyJWTError as exc:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT: {exc}"}, {}
        if claims["exp"] - claims["iat"] > 3600:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT: Expiration too far"}, {}
        if REQUIRED_SCOPE not in str(claims["scope"]).split():
            return 400, {"error": "unauthorized_client", "error_description": "Client is unauthorized"}, {}
        token = "ya29.sim-" + secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_ttl
        return 200, {"access_token": token, "expires_in": self.token_ttl, "token_type": "Bearer"}, {}

    def _route(
        self, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:3] == ["admin", "directory_v1", "channels"] and parts[3:] == ["stop"] and method == "POST":
            return self._channels_stop(body)
        if parts[:3] != ["admin", "directory", "v1"]:
            return 404, google_error(404, "Not Found", "notFound"), {}
        rest = parts[3:]
        if rest == ["users"] and method == "GET":
            return self._users_list(query)
        if rest == ["users", "watch"] and method == "POST":
            return self._users_watch(query, body)
        if len(rest) == 2 and rest[0] == "users" and method == "GET":
            return self._users_get(rest[1])
        if rest == ["groups"] and method == "GET":
            return self._groups_list(query)
        if len(rest) == 3 and rest[0] == "groups" and rest[2] == "members" and method == "GET":
            return self._members_list(rest[1], query)
        return 404, google_error(404, "Not Found", "notFound"), {}

    def _customer_ok(self, query: dict[str, str]) -> bool:
        return query.get("customer") in (self.customer_id, "my_customer")

    def _users_list(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if not self._customer_ok(query):
            return 400, google_error(400, "Bad Request", "badRequest", "INVALID_ARGUMENT"), {}
        size = int(query.get("maxResults", "100"))
        if not 1 <= size <= 500:
            return 400, google_error(400, "Invalid value for: maxResults", "invalid", "INVALID_ARGUMENT"), {}
        if self._user_list is None:
            self._user_list = list(self.users.values())
        return self._page("admin#directory#users", "users", self._user_list, query, size)

    def _page(
        self, kind: str, field: str, items: list[Any], query: dict[str, str], size: int
    ) -> tuple[int, Any, dict[str, str]]:
        offset = _decode_page_token(query.get("pageToken"))
        if offset is None:
            return 400, google_error(400, "Invalid Input: pageToken", "invalid", "INVALID_ARGUMENT"), {}
        chunk = items[offset : offset + size]
        payload: dict[str, Any] = {"kind": kind, "etag": etag(kind, offset, len(items))}
        if chunk:
            payload[field] = chunk
        if offset + size < len(items):
            payload["nextPageToken"] = _page_token(offset + size)
        return 200, payload, {}

    def _users_get(self, key: str) -> tuple[int, Any, dict[str, str]]:
        user = self.users.get(key) or next((u for u in self.users.values() if u["primaryEmail"] == key), None)
        if user is None:
            return 404, google_error(404, "Resource Not Found: userKey", "notFound"), {}
        return 200, user, {}

    def _users_watch(self, query: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        request = msgspec.json.decode(body)
        event = query.get("event")
        if not self._customer_ok(query) or event not in ("add", "delete", "makeAdmin", "undelete", "update"):
            return 400, google_error(400, "Bad Request", "badRequest", "INVALID_ARGUMENT"), {}
        if request.get("type") != "web_hook" or not str(request.get("address", "")).startswith("http"):
            return (
                400,
                google_error(
                    400,
                    "WebHook callback must be HTTPS: " + str(request.get("address")),
                    "push.webhookUrlNotHttps",
                ),
                {},
            )
        if request["id"] in self.channels:
            return 400, google_error(400, "Channel id not unique", "channelIdNotUnique"), {}
        now_ms = int(time.time() * 1000)
        wanted = int(request["expiration"]) if request.get("expiration") else now_ms + self.channel_ttl_ms
        channel = SimChannel(
            id=request["id"],
            resource_id=secrets.token_urlsafe(20),
            address=request["address"],
            token=request.get("token"),
            event=event,
            expiration_ms=min(wanted, now_ms + self.channel_ttl_ms),
        )
        self.channels[channel.id] = channel
        return (
            200,
            {
                "kind": "api#channel",
                "id": channel.id,
                "resourceId": channel.resource_id,
                "resourceUri": self._resource_uri(event),
                "expiration": str(channel.expiration_ms),
            },
            {},
        )

    def _channels_stop(self, body: bytes) -> tuple[int, Any, dict[str, str]]:
        request = msgspec.json.decode(body)
        channel = self.channels.get(request.get("id", ""))
        if channel is None or channel.resource_id != request.get("resourceId") or channel.stopped:
            return (
                404,
                google_error(404, f"Channel '{request.get('id')}' not found for project", "notFound"),
                {},
            )
        channel.stopped = True
        return 204, None, {}

    def _groups_list(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if not self._customer_ok(query):
            return 400, google_error(400, "Bad Request", "badRequest", "INVALID_ARGUMENT"), {}
        size = int(query.get("maxResults", "200"))
        if not 1 <= size <= 200:
            return 400, google_error(400, "Invalid value for: maxResults", "invalid", "INVALID_ARGUMENT"), {}
        return self._page("admin#directory#groups", "groups", list(self.groups.values()), query, size)

    def _members_list(self, key: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if key not in self.members:
            return 404, google_error(404, "Resource Not Found: groupKey", "notFound"), {}
        size = int(query.get("maxResults", "200"))
        if not 1 <= size <= 200:
            return 400, google_error(400, "Invalid value for: maxResults", "invalid", "INVALID_ARGUMENT"), {}
        return self._page("admin#directory#members", "members", self.members[key], query, size)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_page_token(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except ValueError:
        return None
    if not text.startswith("o:") or not text[2:].isdigit():
        return None
    return int(text[2:])


__all__ = ["GoogleSimulator", "SimChannel", "_data", "google_error"]
