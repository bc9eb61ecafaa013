"""Webhook endpoints: where and how a tenant's events are delivered (docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.api.deps import Conn, SettingsDep, TenantId
from app.api.schemas import Page
from app.events import EventType
from app.schema import Input, Output
from app.services import webhook_endpoints as service
from app.services.webhook_endpoints import ReplayLane
from app.store.delivery import AttemptRow
from app.store.webhook_endpoint import EndpointRow

Url = Annotated[str, msgspec.Meta(min_length=8, max_length=2048, description="https URL that receives POSTs")]
Rate = Annotated[int, msgspec.Meta(ge=1, le=10_000, description="Most requests per second to this endpoint")]
DirectoryIds = Annotated[list[str], msgspec.Meta(max_length=1000)]
EventTypes = Annotated[
    list[EventType],
    msgspec.Meta(
        description="Types to deliver; null means every directory event type (signals need listing)"
    ),
]


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
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""
    enabled: bool = True
    event_types: EventTypes | None = None
    directory_ids: DirectoryIds | None = None
    max_rate: Rate | None = None


class WebhookEndpointUpdate(Input):
    url: Url | msgspec.UnsetType = msgspec.UNSET
    description: Annotated[str, msgspec.Meta(max_length=500)] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    event_types: EventTypes | msgspec.UnsetType | None = msgspec.UNSET
    directory_ids: DirectoryIds | msgspec.UnsetType | None = msgspec.UNSET
    max_rate: Rate | msgspec.UnsetType | None = msgspec.UNSET


class WebhookEndpointSecret(Output):
    secret: Annotated[str, msgspec.Meta(description="whsec_<base64>: verify signatures with it")]
    previous_secret_expires_at: datetime | None = None


class SecretRotate(Input):
    overlap_seconds: Annotated[float, msgspec.Meta(ge=0, le=7 * 86400)] | None = None


class Replay(Input):
    """One of: ``event_id``; ``directory_id`` + ``from_sequence`` (+ ``to_sequence``);
    ``since`` (+ ``until``, ``directory_ids``); ``failed_since``."""

    event_id: str | None = None
    directory_id: str | None = None
    from_sequence: Annotated[int, msgspec.Meta(ge=1)] | None = None
    to_sequence: Annotated[int, msgspec.Meta(ge=1)] | None = None
    since: datetime | None = None
    until: datetime | None = None
    directory_ids: DirectoryIds | None = None
    failed_since: datetime | None = None


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


def _set_fields(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


class WebhookEndpointController(Controller):
    path = "/v1/webhook_endpoints"
    tags = ["webhooks"]

    @post("/", summary="Create a webhook endpoint", operation_id="create_webhook_endpoint")
    async def create(
        self, conn: Conn, tenant_id: TenantId, settings: SettingsDep, data: JSONBody[WebhookEndpointCreate]
    ) -> WebhookEndpoint:
        row = await service.create(conn, tenant_id, _set_fields(data), settings.delivery)
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
        conn: Conn,
        tenant_id: TenantId,
        settings: SettingsDep,
        state: State,
        endpoint_id: FromPath[str],
        data: JSONBody[WebhookEndpointUpdate],
    ) -> WebhookEndpoint:
        row = await service.update(
            conn, state.redis, tenant_id, endpoint_id, _set_fields(data), settings.delivery
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

    @get("/{endpoint_id:str}/secret", summary="Reveal the signing secret", operation_id="get_webhook_secret")
    async def secret(
        self, conn: Conn, tenant_id: TenantId, endpoint_id: FromPath[str]
    ) -> WebhookEndpointSecret:
        row = await service.get(conn, tenant_id, endpoint_id)
        return WebhookEndpointSecret(
            secret=row.secret, previous_secret_expires_at=row.previous_secret_expires_at
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
        settings: SettingsDep,
        endpoint_id: FromPath[str],
        data: JSONBody[SecretRotate | None] = None,
    ) -> WebhookEndpointSecret:
        overlap = settings.delivery.secret_rotation_overlap
        if data is not None and data.overlap_seconds is not None:
            overlap = data.overlap_seconds
        row = await service.rotate_secret(conn, tenant_id, endpoint_id, overlap)
        return WebhookEndpointSecret(
            secret=row.secret, previous_secret_expires_at=row.previous_secret_expires_at
        )

    @post(
        "/{endpoint_id:str}/test",
        summary="Send a signed ping now and return the attempt",
        operation_id="test_webhook_endpoint",
        status_code=200,
    )
    async def test(
        self, conn: Conn, tenant_id: TenantId, settings: SettingsDep, endpoint_id: FromPath[str]
    ) -> DeliveryAttempt:
        row = await service.send_test(conn, tenant_id, endpoint_id, settings.delivery)
        return DeliveryAttempt.from_row(row)

    @post(
        "/{endpoint_id:str}/replay",
        summary="Re-send events with their original ids and bodies, in order per directory",
        operation_id="replay_webhook_events",
        status_code=202,
    )
    async def replay(
        self,
        conn: Conn,
        tenant_id: TenantId,
        state: State,
        endpoint_id: FromPath[str],
        data: JSONBody[Replay],
    ) -> ReplayQueued:
        lanes = await service.replay(conn, state.redis, tenant_id, endpoint_id, msgspec.structs.asdict(data))
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
