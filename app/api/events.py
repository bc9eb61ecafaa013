"""The Events API: follow a directory's stream (by sequence) or the tenant's (by opaque cursor)."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter

from app.api.deps import TenantId
from app.events import EVENT_TYPES, Event
from app.services import event as event_service

_ONE_TYPE = "(" + "|".join(re.escape(t) for t in EVENT_TYPES) + ")"
TYPES_PATTERN = f"^{_ONE_TYPE}(,{_ONE_TYPE})*$"


class EventList(msgspec.Struct, kw_only=True):
    """A page of events (documented shape; the server writes the stored bodies as they are)."""

    data: list[Event]
    next_cursor: Annotated[
        str,
        msgspec.Meta(
            description="Where to continue: pass it back as `cursor` (or `after` with `directory_id`). "
            "Always present; an empty `data` means you are caught up."
        ),
    ]
    has_more: bool


def _json(body: bytes) -> Response[bytes]:
    return Response(content=body, media_type=MediaType.JSON)


class EventController(Controller):
    path = "/v1/events"
    tags = ["events"]

    @get(
        "/",
        summary="List events (optionally long-poll for new ones)",
        operation_id="list_events",
        responses={
            200: ResponseSpec(
                data_container=EventList, description="A page of events", generate_examples=False
            )
        },
    )
    async def list(
        self,
        request: Request[Any, Any, Any],
        tenant_id: TenantId,
        directory_id: FromQuery[str | None] = None,
        after: Annotated[
            str | None, QueryParameter(description="With directory_id: return events after this sequence")
        ] = None,
        cursor: Annotated[
            str | None, QueryParameter(description="next_cursor from the previous page")
        ] = None,
        types: Annotated[
            str | None, QueryParameter(description="Comma-separated event types", pattern=TYPES_PATTERN)
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        wait: Annotated[
            int, QueryParameter(ge=0, le=event_service.MAX_WAIT_SECONDS, description="Long-poll seconds")
        ] = 0,
    ) -> Response[bytes]:
        state = request.app.state
        page = await event_service.list_events(
            state.pool,
            state.event_hub,
            tenant_id,
            directory_id=directory_id,
            after=after,
            cursor=cursor,
            types=types,
            limit=limit,
            wait=wait,
        )
        return _json(page.to_json())

    @get(
        "/{event_id:str}",
        summary="Read one event",
        operation_id="get_event",
        responses={200: ResponseSpec(data_container=Event, description="The event", generate_examples=False)},  # type: ignore[arg-type]
    )
    async def read(
        self, request: Request[Any, Any, Any], tenant_id: TenantId, event_id: FromPath[str]
    ) -> Response[bytes]:
        body = await event_service.get_event_body(request.app.state.pool, tenant_id, event_id)
        return _json(body.encode())
