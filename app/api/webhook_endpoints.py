"""Webhook endpoints: where and how a tenant's events are delivered (docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.api.deps import Conn, SettingsDep, TenantId
from app.api.problems import problem_spec
from app.api.schemas import Page
from app.errors import InvalidRequest
from app.events import EventType
from app.schema import NO_NUL, Input, Output
from app.services import webhook_endpoints as service
from app.services.webhook_endpoints import ReplayLane
from app.store.delivery import AttemptRow
from app.store.webhook_endpoint import EndpointRow

_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
# Scheme, a host name or IPv4 address, an optional port, an optional path and query.
URL_PATTERN = rf"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:{_PORT})?([/?][!-~]*)?$"
Url = Annotated[
    str,
    msgspec.Meta(
        min_length=8,
        max_length=2048,
        pattern=URL_PATTERN,
        description="https URL that receives the POSTs (http only where the server allows it)",
    ),
]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
Rate = Annotated[int, msgspec.Meta(ge=1, le=10_000, description="Most requests per second to this endpoint")]
# Item constraints do not reach the OpenAPI document (litestar drops them), so ids are plain
# strings here; an id that names no directory simply matches nothing.
DirectoryIds = Annotated[list[str], msgspec.Meta(max_length=1000)]
Description = Annotated[str, msgspec.Meta(max_length=500, pattern=NO_NUL)]
EventTypes = Annotated[
    list[EventType],
    msgspec.Meta(
        description="Types to deliver; null means every directory event type (signals need listing)"
    ),
]


SECRET_UNAVAILABLE = problem_spec(
    "signing-secret-unavailable: the endpoint's sealed secret does not open with this deployment's keys"
)


class WebhookEndpoint(Output):
    id: str
    url: str
    description: str
    enabled: bool
    disabled_reason: str | None
    event_types: list[str] | None
    directory_ids: list[str] | None
    max_rate: int | None
    failing_since: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: EndpointRow) -> WebhookEndpoint:
        fields = {f: getattr(row, f) for f in cls.__struct_fields__}
        return cls(**fields)


class WebhookEndpointCreate(Input):
    url: Url
    description: Description = ""
    enabled: bool = True
    event_types: EventTypes | None = None
    directory_ids: DirectoryIds | None = None
    max_rate: Rate | None = None


class WebhookEndpointUpdate(Input):
    url: Url | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    event_types: EventTypes | msgspec.UnsetType | None = msgspec.UNSET
    directory_ids: DirectoryIds | msgspec.UnsetType | None = msgspec.UNSET
    max_rate: Rate | msgspec.UnsetType | None = msgspec.UNSET


class WebhookEndpointSecret(Output):
    secret: Annotated[str, msgspec.Meta(description="whsec_<base64>: verify signatures with it")]
    previous_secret_expires_at: datetime | None = None


class ReplayEvent(Input, tag="event", tag_field="kind"):
    """Re-send one event."""

    event_id: Id


class ReplayRange(Input, tag="range", tag_field="kind"):
    """Re-send a directory's events from ``from_sequence`` to ``to_sequence`` (default: the last)."""

    directory_id: Id
    from_sequence: Annotated[int, msgspec.Meta(ge=1)]
    to_sequence: Annotated[int, msgspec.Meta(ge=1)] | None = None


class ReplayTime(Input, tag="time", tag_field="kind"):
    """Re-send the events recorded in [since, until] (default: now), every directory or some."""

    since: datetime
    until: datetime | None = None
    directory_ids: DirectoryIds | None = None


class ReplayFailed(Input, tag="failed", tag_field="kind"):
    """Re-send every event given up for this endpoint since then."""

    since: datetime


Replay = ReplayEvent | ReplayRange | ReplayTime | ReplayFailed


class ReplayQueued(Output):
    data: list[ReplayLane]


class DeliveryAttempt(Output):
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    directory_id: str | None
    sequence: int | None
    attempt: int
    created_at: datetime
    status: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str | None
    request_headers: dict[str, str]
    replay: bool
    test: bool
    outcome: Annotated[str, msgspec.Meta(description="delivered | retrying | given_up")]

    @classmethod
    def from_row(cls, row: AttemptRow) -> DeliveryAttempt:
        return msgspec.convert(msgspec.structs.asdict(row), cls)


S = TypeVar("S")


async def strict_body(request: Request[Any, Any, Any], body_type: Any) -> Any:
    """Decode the body again, strictly: litestar converts leniently (``0`` would pass as ``false``)."""
    try:
        raw = msgspec.json.decode(await request.body())
        if isinstance(raw, dict):
            # JSON Schema counts 5.0 as an integer; so do we.
            raw = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in raw.items()}
        return msgspec.convert(raw, type=body_type, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise InvalidRequest(str(exc)) from None


def _set_fields(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


class WebhookEndpointController(Controller):
    path = "/v1/webhook_endpoints"
    tags = ["webhooks"]

    @post("/", summary="Create a webhook endpoint", operation_id="create_webhook_endpoint")
    async def create(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        tenant_id: TenantId,
        app_settings: SettingsDep,
        data: JSONBody[WebhookEndpointCreate],
    ) -> WebhookEndpoint:
        data = await strict_body(request, WebhookEndpointCreate)
        row = await service.create(
            conn, tenant_id, _set_fields(data), app_settings.delivery, app_settings.encryption_keys()
        )
        return WebhookEndpoint.from_row(row)

    @get("/", summary="List webhook endpoints", operation_id="list_webhook_endpoints")
    async def list(
        self,
        conn: Conn,
        tenant_id: TenantId,
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> Page[WebhookEndpoint]:
        rows = await service.list_endpoints(conn, tenant_id, after=cursor, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(
            data=[WebhookEndpoint.from_row(r) for r in rows], next_cursor=rows[-1].id if more else None
        )

    @get("/{endpoint_id:str}", summary="Read a webhook endpoint", operation_id="get_webhook_endpoint")
    async def read(self, conn: Conn, tenant_id: TenantId, endpoint_id: FromPath[str]) -> WebhookEndpoint:
        return WebhookEndpoint.from_row(await service.get(conn, tenant_id, endpoint_id))

    @patch(
        "/{endpoint_id:str}",
        summary="Update a webhook endpoint (enabled=true resumes delivery from its cursor)",
        operation_id="update_webhook_endpoint",
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        tenant_id: TenantId,
        app_settings: SettingsDep,
        state: State,
        endpoint_id: FromPath[str],
        data: JSONBody[WebhookEndpointUpdate],
    ) -> WebhookEndpoint:
        data = await strict_body(request, WebhookEndpointUpdate)
        row = await service.update(
            conn, state.redis, tenant_id, endpoint_id, _set_fields(data), app_settings.delivery
        )
        return WebhookEndpoint.from_row(row)

    @delete(
        "/{endpoint_id:str}",
        summary="Delete a webhook endpoint",
        operation_id="delete_webhook_endpoint",
        status_code=204,
    )
    async def remove(self, conn: Conn, tenant_id: TenantId, endpoint_id: FromPath[str]) -> None:
        await service.delete(conn, tenant_id, endpoint_id)

    @get(
        "/{endpoint_id:str}/secret",
        summary="Reveal the signing secret",
        operation_id="get_webhook_secret",
        responses={503: SECRET_UNAVAILABLE},
    )
    async def secret(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, endpoint_id: FromPath[str]
    ) -> WebhookEndpointSecret:
        row, secrets = await service.reveal_secret(
            conn, tenant_id, endpoint_id, app_settings.encryption_keys()
        )
        return WebhookEndpointSecret(
            secret=secrets.secret, previous_secret_expires_at=row.previous_secret_expires_at
        )

    @post(
        "/{endpoint_id:str}/secret/rotate",
        summary="Rotate the signing secret (both are signed with during the overlap)",
        operation_id="rotate_webhook_secret",
        status_code=200,
    )
    async def rotate(
        self,
        conn: Conn,
        tenant_id: TenantId,
        app_settings: SettingsDep,
        state: State,
        endpoint_id: FromPath[str],
        overlap_seconds: Annotated[
            int | None,
            QueryParameter(
                gt=-1, le=7 * 86400, description="Seconds the old secret keeps signing (default 24 h)"
            ),
        ] = None,
    ) -> WebhookEndpointSecret:
        overlap = (
            app_settings.delivery.secret_rotation_overlap if overlap_seconds is None else overlap_seconds
        )
        row, secrets = await service.rotate_secret(
            conn, state.redis, tenant_id, endpoint_id, overlap, app_settings.encryption_keys()
        )
        # No overlap when the old secret could not be opened (it no longer signs anything).
        expires = row.previous_secret_expires_at if secrets.previous_secret is not None else None
        return WebhookEndpointSecret(secret=secrets.secret, previous_secret_expires_at=expires)

    @post(
        "/{endpoint_id:str}/test",
        summary="Send a signed ping now and return the attempt",
        operation_id="test_webhook_endpoint",
        status_code=200,
        responses={503: SECRET_UNAVAILABLE},
    )
    async def test(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, endpoint_id: FromPath[str]
    ) -> DeliveryAttempt:
        row = await service.send_test(
            conn, tenant_id, endpoint_id, app_settings.delivery, app_settings.encryption_keys()
        )
        return DeliveryAttempt.from_row(row)

    @post(
        "/{endpoint_id:str}/replay",
        summary="Re-send events with their original ids and bodies, in order per directory",
        operation_id="replay_webhook_events",
        status_code=202,
    )
    async def replay(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        tenant_id: TenantId,
        state: State,
        endpoint_id: FromPath[str],
        data: JSONBody[Replay],
    ) -> ReplayQueued:
        data = await strict_body(request, Replay)
        selection = {"kind": type(data).__struct_config__.tag, **msgspec.structs.asdict(data)}
        lanes = await service.replay(conn, state.redis, tenant_id, endpoint_id, selection)
        return ReplayQueued(data=lanes)

    @get(
        "/{endpoint_id:str}/attempts",
        summary="The attempt log, newest first",
        operation_id="list_webhook_attempts",
    )
    async def attempts(
        self,
        conn: Conn,
        tenant_id: TenantId,
        endpoint_id: FromPath[str],
        event_id: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> Page[DeliveryAttempt]:
        rows = await service.list_attempts(
            conn, tenant_id, endpoint_id, event_id=event_id, cursor=cursor, limit=limit + 1
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(
            data=[DeliveryAttempt.from_row(r) for r in rows], next_cursor=rows[-1].id if more else None
        )
